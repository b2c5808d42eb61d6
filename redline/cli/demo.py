"""`redline demo`: audit the bundled example county (息县) and write the results.

Runs :func:`redline.pipeline.run_audits` on every layer of the example county shipped with the
package, as of :data:`redline.example.EXAMPLE_AS_OF` (2026-06-30, the date its findings were planted
for; ``--as-of`` overrides it), and writes ``redline_results.gpkg`` and ``redline_ledger.xlsx`` into
``--out``, with the HTML report ``redline_report.html``, as one result set. Extra steps that add to the
demo register themselves in :data:`EXTRA_STEPS`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from ._options import common_options, handle_errors, out_option, progress_reporter, register_option
from ._summary import echo_run

#: the example county's name in the title blocks of its ledger and report (a generated county on 息县's outline)
EXAMPLE_JURISDICTION = "息县（示例）"

#: further demo steps, each ``fn(result, out_dir: Path, echo) -> None`` run after the audits. Append to it.
#: (The report redline_report.html is not one: it is written with the results, in one set.)
EXTRA_STEPS: list[Callable] = []


def example_sources(path=None) -> dict[str, str]:
    """``{input name: "example_county.gpkg:layer"}`` for every example layer some audit reads."""
    from ..example import LAYER_KINDS, example_path

    gpkg = Path(path) if path is not None else example_path()
    return {name: f"{gpkg}:{name}" for name in LAYER_KINDS}


def _readable_inputs(sources: dict[str, str]) -> dict[str, str]:
    from ..registry import all_specs

    read = {i.name for s in all_specs() for i in s.inputs}
    return {k: v for k, v in sources.items() if k in read}


def example_params(path=None) -> dict:
    """The example's statistics table (``stats``: townships in 2020 and 2025) and its two years, for the audits
    that declare these parameters (区域节约集约评价)."""
    import pyogrio

    from ..example import example_path
    from ..registry import all_specs

    declared = {p.name for s in all_specs() for p in s.params}
    if "stats" not in declared:
        return {}
    gpkg = Path(path) if path is not None else example_path()
    return {"stats": pyogrio.read_dataframe(gpkg, layer="stats"), "base_year": 2020, "year": 2025}


def _with_example_rasters(sources: dict, folder: Path) -> tuple[dict, dict]:
    """Add the example's two-date land-cover rasters (written into ``folder``) for the imagery audits, and the
    example's parameters (:func:`example_params`)."""
    from ..example import RASTER_CLASSES, write_example_rasters

    read = _readable_inputs({"before": "", "after": ""})
    if not read:
        return sources, example_params()
    folder.mkdir(parents=True, exist_ok=True)
    before, after = write_example_rasters(folder)
    construction = [c for c, name in RASTER_CLASSES.items() if name.startswith("construction")]
    others = [c for c in RASTER_CLASSES if c not in construction]
    params = {"from_classes": ",".join(map(str, others)), "to_classes": ",".join(map(str, construction)),
              **example_params()}
    return {**sources, "before": str(before), "after": str(after)}, params


@click.command("demo")
@out_option
@click.option("--round", "round_no", type=click.IntRange(1, 3), default=1, show_default=True,
              help="Which audit round of the example county: 1 (2026-06-30), 2 (2026-09-30, some land supplied, "
                   "some started, one new idle parcel) or 3 (2026-11-30, one parcel recovered, one approval "
                   "renumbered). Rounds 2 and 3 are written into --out as example_round_N.gpkg.")
@register_option
@common_options
@handle_errors
def command(out, round_no, register, as_of, rules, crs, area_method, strict, lang, jurisdiction, bureau, verbose,
            quiet):
    """Audit the bundled example county (息县, Xi County) and write results to --out.

    The example is a generated county on the real outline of 息县 with every finding planted in it:
    批而未供, 供而未用 / 闲置土地, 用而不足, deadline alerts, 三区三线 conflicts and development intensity.
    Its findings are planted for 2026-06-30, the default audit date here.

    \b
    Example: redline demo --out redline-demo
    Three rounds kept in a case register:
      redline register init 台账.gpkg
      redline demo --round 1 --register 台账.gpkg --out round1
      redline demo --round 2 --register 台账.gpkg --out round2
      redline demo --round 3 --register 台账.gpkg --out round3
    """
    from ..example import EXAMPLE_AS_OF, example_path
    from ..pipeline import run_audits
    from ..registry import all_specs

    gpkg = example_path()
    if not gpkg.exists():
        from ..errors import RedlineIOError

        raise RedlineIOError(f"the example county is missing ({gpkg}); regenerate it with: "
                             f"python -m redline.example --out {gpkg}")
    specs = all_specs()
    if not specs:
        click.secho("No audits are installed in this version of redline, so there is nothing to run on the "
                    "example county yet.", fg="yellow", err=True)
        click.echo(f"The example county itself is at {gpkg} (open it in QGIS).")
        return
    out = Path(out)
    day = as_of or EXAMPLE_AS_OF
    if round_no > 1:
        from ..example.rounds import ROUND_DATES, write_round

        gpkg = write_round(round_no, out / f"example_round_{round_no}.gpkg", source=gpkg)
        day = as_of or ROUND_DATES[round_no]
    sources = _readable_inputs(example_sources(gpkg))
    if not quiet:
        shown = f", round {round_no}" if round_no > 1 else ""
        click.echo(f"example county: {gpkg} (息县{shown}, as of {day})")
    sources, params = _with_example_rasters(sources, out / "rasters")
    with progress_reporter(quiet, "demo") as progress:
        result = run_audits(sources, out=out, as_of=day, rules=rules, crs=crs, area_method=area_method,
                            strict=strict, lang=lang, progress=progress, params=params, with_report=False,
                            register=register, jurisdiction=jurisdiction or EXAMPLE_JURISDICTION, bureau=bureau)
        # the report, with the names of the example rasters' land-cover classes (the rasters hold values only)
        from ..example import RASTER_CLASSES
        from ..report import REPORT_HTML, build

        progress("report", 0.98)
        build(result, out / REPORT_HTML, lang=lang or "zh", class_names=dict(RASTER_CLASSES) if params else None)
    for step in EXTRA_STEPS:
        step(result, out, click.echo)
    echo_run(result, quiet=quiet, verbose=verbose)
    if not quiet:
        click.echo(f"results in {out.resolve()}: open redline_results.gpkg in QGIS, redline_ledger.xlsx in Excel/WPS, "
                   "redline_report.html in a browser")
