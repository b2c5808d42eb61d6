"""`redline report`: the audit report (审计报告) as one self-contained HTML file, from a run or a new one."""

from __future__ import annotations

from pathlib import Path

import click

from ..options import RunOptions
from ._options import cli_fixes, common_options, handle_errors, progress_reporter
from ._specs import SpecCommand, current_command
from .audit import _params, input_options, parse_input_options


@click.command("report", cls=SpecCommand, param_option_help=True)
@click.option("--from", "from_", type=click.Path(exists=True, path_type=Path), default=None, metavar="DIR|GPKG",
              help="Build from an earlier run: its output folder or its redline_results.gpkg.")
@input_options
@click.option("--only", "only", multiple=True, metavar="AUDIT", help="Run only these audits (repeatable).")
@click.option("-o", "--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (redline_report.html; with input layers also redline_results.gpkg and the "
                   "ledger). Default with --from: the run's folder.")
@click.option("--title", default=None, help="The report's title (default 土地利用监管审计报告).")
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="A folder of page templates replacing the shipped ones of the same name "
                                  "(report.html.j2, macros.html.j2, report.css.j2).")
@click.option("--pdf", is_flag=True, default=False,
              help="Also print the report to redline_report.pdf (A4) in headless Chromium (needs chromium; "
                   "REDLINE_CHROMIUM names another browser executable).")
@click.option("--class-names", "class_names", default=None, metavar="V=NAME,...",
              help="Names of the land-cover classes of the classified rasters, shown in place of their values, "
                   "e.g. 1=耕地,2=林草地,3=建设用地,4=水域.")
@common_options
@handle_errors
def command(from_, out, only, title, templates, pdf, class_names, field_pairs, encoding_pairs, assign_crs_pairs, replace_crs, param_pairs, as_of,
            rules, crs, area_method, strict, lang, jurisdiction, bureau, verbose, quiet, **layers):
    """Write the audit report: headline figures, maps, charts and every finding with its rule.

    One HTML file that opens offline in any browser (nothing is fetched from the internet), in
    Chinese by default (--lang en for English).

    \b
    From an earlier run:   redline report --from results
    Run, then report:      redline report --approvals 报批.shp --supplies 供地.gpkg --out results
    Printed as well (A4):  redline report --from results --pdf --jurisdiction 息县 --bureau 息县自然资源局

    With --from, --jurisdiction and --bureau replace what the run recorded, for the title and signature.
    """
    from .. import report as rep

    names = _class_names(class_names)
    sources, _, _ = current_command().split(layers)
    if from_ is not None and sources:
        raise click.UsageError("give either --from (an earlier run) or input layers, not both")
    if from_ is not None:
        unused = [o for o, v in (("--field", field_pairs), ("--encoding", encoding_pairs), ("--param", param_pairs),
                                 ("--assign-crs", assign_crs_pairs), ("--replace-crs", replace_crs), ("--only", only))
                  if v]
        if unused:
            raise click.UsageError(f"{', '.join(unused)} apply to a new run, not to --from (an earlier run's results)")
        dest = (out / rep.REPORT_HTML) if out is not None else None
        path = rep.build(from_, dest, lang=lang, title=title, templates=templates, jurisdiction=jurisdiction,
                         bureau=bureau, class_names=names, pdf=pdf)
    else:
        if not sources:
            raise click.UsageError("give --from DIR (an earlier run's folder) or input layers, "
                                   "e.g. --approvals FILE --supplies FILE --out DIR")
        if out is None:
            raise click.UsageError("give --out DIR: the results, ledger and report are written there")
        per_input = parse_input_options(sources, field_pairs, encoding_pairs, assign_crs_pairs, replace_crs)
        from ..pipeline import run_audits
        from ._summary import echo_run

        # the run writes the report itself, unless it is to carry class names or be printed too: then it is built
        # here from the run, into the run's result set
        itself = names is None and not pdf
        options = RunOptions(audits=tuple(only) or None, as_of=as_of, rules=rules, crs=crs, area_method=area_method,
                             strict=strict, params=_params(param_pairs), lang=lang, with_report=itself,
                             report_title=title, report_templates=templates, jurisdiction=jurisdiction,
                             bureau=bureau, **per_input)
        with progress_reporter(quiet, "report") as progress, cli_fixes(sources):
            result = run_audits(sources, options, out=out, progress=progress)
            if not itself:
                rep.build(result, out / rep.REPORT_HTML, lang=lang or "zh", title=title, templates=templates,
                          class_names=names, pdf=pdf)
        echo_run(result, quiet=quiet, verbose=verbose)
        if pdf and not quiet:
            click.echo(f"    pdf: {result.paths['report_pdf']}")
        return
    if not quiet:
        click.echo(f" report: {path}")
        if pdf:
            click.echo(f"    pdf: {path.with_suffix('.pdf')}")


def _class_names(text: str | None) -> dict[str, str] | None:
    """``--class-names 1=耕地,3=建设用地`` -> {"1": "耕地", "3": "建设用地"}; a part without ``=`` is an error."""
    if text is None:
        return None
    names: dict[str, str] = {}
    for part in text.replace("，", ",").replace(";", ",").split(","):
        if not part.strip():
            continue
        value, sep, name = part.partition("=")
        if not sep or not value.strip() or not name.strip():
            raise click.BadParameter(f"{part.strip()!r}: write VALUE=NAME, e.g. 3=建设用地", param_hint="--class-names")
        names[value.strip()] = name.strip()
    if not names:
        raise click.BadParameter("give at least one VALUE=NAME, e.g. 3=建设用地", param_hint="--class-names")
    return names
