"""The audit report (审计报告): one self-contained HTML file with maps, charts and tables.

:func:`build` turns a run (a :class:`redline.pipeline.RunResult`, or the folder / GeoPackage a run
wrote) into ``redline_report.html``: a headline per finding kind (how many, how many 亩), maps of
the findings over the administrative units (with scale bar and north arrow), charts (supply rate
by year and district against the 60 % line, idle land by status and age, three-line conflicts by
unit, development intensity against the 30 % warning line, change-patch judgements, transition
matrices), and tables with every finding and the rule that produced it, the features set aside
and why, the run's notes and the rule set's thresholds with their sources.

The file works offline and alone: no script, stylesheet, font, tile or image is fetched from
anywhere; figures are inlined as PNG ``data:`` URIs and the page holds no JavaScript. It is in
Chinese by default (``lang="zh"``), English with ``lang="en"``.

What each output shows comes from its :class:`~redline.spec.OutputSpec`: its title and description,
its statuses (labels and colours of the legends and charts), its declared headline figures
(``figures``), a count per status to watch, and its ``section`` hook for the charts and maps specific
to the audit (kept beside the audit, e.g. :mod:`redline.overlay._report`); :mod:`redline.report.sections`
is the generic part. The page is rendered with Jinja2 (autoescaped) from ``templates/report.html.j2``,
``macros.html.j2`` and ``report.css.j2``: ``build(..., templates=DIR)`` / ``redline report --templates
DIR`` takes the files of folder ``DIR`` in place of the shipped ones of the same name, so a bureau can
change the layout, words or colours without Python.

Headline numbers carry ``data-figure="<output>.<figure>"``, ``data-value`` (unrounded) and
``data-unit`` so they can be checked against the outputs. Slivers (``is_sliver``, or
``unsupplied_kind`` / ``outside_kind`` = ``sliver``) are never counted in them:

- ``approved_not_supplied.count`` / ``.unsupplied_mu``: approvals with ``unsupplied_mu`` > 0 that are
  not slivers, and their ``unsupplied_mu`` summed; ``.sliver_count``; ``.supply_rate`` = Σ supplied_m2
  ÷ Σ approved_m2;
- ``supply_outside_approvals.count`` / ``.area_mu`` (``outside_mu``);
- ``supply_rate.rate_long`` (the whole jurisdiction over the long window), ``supply_rate.below``
  (units under ``min_rate``, from ``below_min``);
- ``idle_land.count`` / ``.idle_mu``: the statuses counted as idle (``idle``, ``idle_recover``, ``stalled``:
  :data:`redline.overlay.idle.IDLE_STATUSES`), and their ``supply_mu``; ``.idle_fee`` = Σ ``fee_due`` (万元:
  land at the fee stage only, order 53 art. 14); ``idle_land.<status>`` per status to watch;
- ``underused.count`` / ``.area_mu`` (``underused`` true, ``site_mu``), ``.low_efficiency``;
- ``deadline_alerts.count`` (the levels needing action), ``deadline_alerts.<level>``, ``.obligations``;
- ``three_line_conflicts.count`` / ``.area_mu``, ``.<kind>_mu``, ``.sliver_count``;
- ``farmland_retention.short`` (units whose status is not ``ok``), ``.cultivated_mu``, ``.pbf_mu``;
- ``development_intensity.over_warning`` (intensity ≥ ``intensity.warning``), ``.max_intensity``,
  ``.overall`` = Σ construction_m2 ÷ Σ total_m2;
- ``growth_boundary_use.built_mu`` / ``.left_mu``;
- ``patch_register.count``, ``.<judgement>``, ``.<judgement>_mu``; ``change_patches.count`` / ``.area_mu``;
  ``transitions.changed_mu`` / ``.total_mu``;
- any other output: ``<name>.count`` and, when it has an area column, ``<name>.area_mu``;
- ``rejected.count``: features set aside;
- a run recorded in a case register (``run_audits(..., register=)``): ``register.new``, ``.resolved``,
  ``.reappeared``, ``.persisting`` (cases, all outputs, from the round's summary), ``register.open`` /
  ``.open_mu`` (open at the round's end), ``register.overdue`` (disposal deadlines passed), in the section
  案件跟踪 / Case register placed first after the overview (:mod:`redline.report._register`). A report rebuilt
  from a results folder reads the round back from the register the folder names
  (:meth:`redline.register.Register.round_report`), or says why it cannot.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..io import atomic_path
from ..io.ledger import LedgerColumn
from ._data import ReportData, from_results, from_run
from ._fonts import cjk_font
from ._register import register_section
from ._summary import summary_sentences
from .sections import CLASS_COLUMNS, TEXT, Ctx, Figure, Section, build_section, class_key, overview_map, table

REPORT_HTML = "redline_report.html"
#: the printed report (``build(..., pdf=True)``, ``redline report --pdf``)
REPORT_PDF = "redline_report.pdf"
#: the shipped templates; a folder given as ``templates=`` overrides them file by file
TEMPLATES = Path(__file__).parent / "templates"
PAGE = "report.html.j2"

__all__ = ["PAGE", "REPORT_HTML", "REPORT_PDF", "TEMPLATES", "Ctx", "Figure", "ReportData", "Section", "build",
           "cjk_font", "demo_step", "from_results", "from_run", "print_report", "render", "summary_sentences"]


def build(result: Any, path: str | os.PathLike[str] | None = None, *, lang: str = "zh", title: str | None = None,
          in_set: bool = False, templates: str | os.PathLike[str] | None = None, jurisdiction: str | None = None,
          bureau: str | None = None, class_names: dict[Any, Any] | None = None, pdf: bool = False) -> Path:
    """Write the audit report for a run as one self-contained HTML file (审计报告).

    Parameters
    ----------
    result : RunResult, ReportData, or path
        A :class:`redline.pipeline.RunResult` (from :func:`redline.pipeline.run_audits`), or a results
        folder / ``redline_results.gpkg`` written by an earlier run.
    path : path, optional
        The ``.html`` file to write, or a folder (``redline_report.html`` is written in it). Default:
        ``redline_report.html`` in the run's output folder, else the current folder.
    lang : {"zh", "en"}
        Chinese (default) or English text.
    title : str, optional
        The report's title (default 土地利用监管审计报告 / Land-use supervision audit report).
    in_set : bool
        ``path`` is inside a result set being written (:func:`redline.pipeline.write_results`): just write it.
    templates : path, optional
        A folder of templates replacing the shipped ones of the same name (``report.html.j2``,
        ``macros.html.j2``, ``report.css.j2``): a bureau's own layout, words or colours.
    jurisdiction, bureau : str, optional
        The area audited and the authority auditing it, for the title (e.g. 息县) and the signature block;
        given, they replace what the run recorded (``result.metadata()["jurisdiction"]`` / ``["bureau"]``).
    class_names : dict, optional
        Names of the land-cover classes of the classified rasters (value -> ``"建设用地"``, ``"construction
        建设用地"`` or ``(zh, en)``), shown in the transition matrix and the change-patch tables in place of the
        values; without them the values are shown and a note says so.
    pdf : bool
        Also print the report to ``redline_report.pdf`` beside it (A4, by its print stylesheet), in headless
        Chromium (:func:`redline.report.browser.print_pdf`); :class:`~redline.errors.RedlineError` when no
        Chromium is installed (the HTML report is written first, and kept).

    Returns
    -------
    Path
        Where the report was written (atomically: a failed build leaves any earlier report in place).
        The report carries the run's id (``<meta name="redline-run">``); written into the folder of that
        run's result set, it joins the set (its manifest); into the folder of another run's set, it is
        refused (:class:`~redline.errors.RedlineIOError`), since the folder would then mix two runs.
    """
    if lang not in TEXT:
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    if isinstance(result, ReportData):
        data = result
    elif isinstance(result, str | os.PathLike):
        data = from_results(result)
    else:
        data = from_run(result)
    for key, value in (("jurisdiction", jurisdiction), ("bureau", bureau)):
        if value is not None:
            data.meta[key] = value
    if class_names is not None:
        data.class_names = dict(class_names)
    dest = _destination(result, data, path)
    page = render(data, lang=lang, title=title, templates=templates)
    if in_set or not _write_into_set(dest, page, data.meta.get("run_id") or None):
        with atomic_path(dest) as tmp:
            tmp.write_text(page, encoding="utf-8")
    if not in_set and hasattr(result, "paths") and isinstance(result.paths, dict):
        result.paths["report"] = str(dest)
    if pdf:
        printed = print_report(dest, in_set=in_set, run_id=data.meta.get("run_id") or None)
        if hasattr(result, "paths") and isinstance(result.paths, dict):
            result.paths["report_pdf"] = str(printed)
    return dest


def print_report(html: str | os.PathLike[str], dest: str | os.PathLike[str] | None = None, *, in_set: bool = False,
                 run_id: str | None = None, pages: str = "") -> Path:
    """Print a written report to PDF (default: ``redline_report.pdf`` beside it), A4, in headless Chromium.

    Raises :class:`~redline.errors.RedlineError` when no Chromium is installed or the page cannot be printed.
    A PDF written into a run's result-set folder joins the set. ``pages`` (e.g. ``"1"``): only those pages.
    """
    from ..errors import RedlineError
    from .browser import NO_CHROMIUM, find_chromium, print_pdf

    html = Path(os.fspath(html))
    out = Path(os.fspath(dest)) if dest is not None else html.with_suffix(".pdf")
    if find_chromium() is None:
        raise RedlineError(f"no PDF written: {NO_CHROMIUM}. The HTML report is at {html}: open it in a browser "
                           "and print it (A4), or install Chromium and run `redline report --from DIR --pdf`")
    import re
    import tempfile

    # the printed copy: every table shown, the closed ones (<details>) opened
    page = re.sub(r"<details(?![^>]*\bopen\b)", "<details open", html.read_text(encoding="utf-8"))
    try:
        with tempfile.TemporaryDirectory(prefix="redline-print-") as folder, atomic_path(out) as tmp:
            copy = Path(folder) / html.name
            copy.write_text(page, encoding="utf-8")
            print_pdf(copy, tmp, pages=pages)
            if run_id:
                _stamp_pdf(tmp, run_id)
            data = tmp.read_bytes()
    except (OSError, RuntimeError, TimeoutError) as exc:
        raise RedlineError(f"no PDF written: Chromium could not print {html}: {exc}") from exc
    if not in_set and out.name == REPORT_PDF:
        _write_bytes_into_set(out, data, run_id)
    return out


def _stamp_pdf(path: Path, run_id: str) -> None:
    """Write the run's id into the PDF's document information (``/RedlineRun``), as every set file carries it."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(path))
    writer.add_metadata({"/RedlineRun": run_id})
    with open(path, "wb") as fh:
        writer.write(fh)


def _write_bytes_into_set(dest: Path, data: bytes, run_id: str | None) -> None:
    """Record a file already written into the result set in its folder (if any, and of the same run)."""
    from ..io.resultset import MANIFEST, ResultSet, read_run_id

    manifest = dest.parent / MANIFEST
    if not manifest.exists() or read_run_id(manifest) != run_id:
        return
    with ResultSet(dest.parent, run_id=run_id, keep=True) as rs:
        rs.path(REPORT_PDF).write_bytes(data)


def _write_into_set(dest: Path, page: str, run_id: str | None) -> bool:
    """Write the report into the result set in its folder, if that folder holds one; False if it does not."""
    from ..errors import RedlineIOError
    from ..io.resultset import MANIFEST, ResultSet, read_run_id

    manifest = dest.parent / MANIFEST
    if not manifest.exists() or dest.name != REPORT_HTML:
        return False
    there = read_run_id(manifest)
    if run_id != there:
        raise RedlineIOError(f"{dest.parent} holds the results of run {there}; a report of "
                             f"{'run ' + run_id if run_id else 'results without a run id'} there would mix two "
                             "runs: write it into another folder (--out)")
    with ResultSet(dest.parent, run_id=run_id, keep=True) as rs:
        rs.path(REPORT_HTML).write_text(page, encoding="utf-8")
    return True


def demo_step(result, out, echo=None) -> Path:
    """``redline demo``'s report step: ``redline_report.html`` beside the demo's results.

    Takes the command's ``--lang`` when run inside it (Chinese otherwise).
    """
    lang = "zh"
    try:
        import click

        lang = click.get_current_context().params.get("lang") or "zh"
    except RuntimeError:  # not inside a click command
        pass
    return build(result, Path(os.fspath(out)) / REPORT_HTML, lang=lang)


def _destination(result, data: ReportData, path) -> Path:
    if path is not None:
        p = Path(os.fspath(path))
        return p / REPORT_HTML if p.is_dir() or p.suffix.lower() not in (".html", ".htm") else p
    paths = getattr(result, "paths", None) or {}
    if paths.get("gpkg"):
        return Path(paths["gpkg"]).parent / REPORT_HTML
    if data.source:
        return Path(data.source).parent / REPORT_HTML
    return Path.cwd() / REPORT_HTML


def _environment(templates: str | os.PathLike[str] | None) -> Any:
    import jinja2

    folders = ([os.fspath(templates)] if templates is not None else []) + [str(TEMPLATES)]
    if templates is not None and not Path(os.fspath(templates)).is_dir():
        from ..errors import RedlineIOError

        raise RedlineIOError(f"no template folder at {templates}: give a folder holding files named like the "
                             f"shipped ones ({', '.join(sorted(p.name for p in TEMPLATES.iterdir()))})")
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folders), autoescape=True, keep_trailing_newline=True,
                              undefined=jinja2.ChainableUndefined)


def render(data: ReportData, *, lang: str = "zh", title: str | None = None,
           templates: str | os.PathLike[str] | None = None) -> str:
    """The report's HTML text (what :func:`build` writes), from the page template ``report.html.j2``."""
    ctx = Ctx(data, lang)
    with ctx.canvas.rc():
        sections = [build_section(ctx, name, frame) for name, frame in _ordered(data)]
        overview = overview_map(ctx, sections)
        register = register_section(ctx, data.round) if data.round is not None else None
    for i, sec in enumerate(sections):
        sec.anchor = f"s-{i}"
    summary = summary_sentences(ctx, sections, register)
    meta = data.meta
    place, bureau = meta.get("jurisdiction", ""), meta.get("bureau", "")
    if title is None:
        title = (f"{place}{ctx.t('title')}" if lang == "zh" else f"{ctx.t('title')}: {place}") if place else \
            ctx.t("title")
    subtitle = f"{ctx.t('bureau')}：{bureau}" if bureau and lang == "zh" else \
        f"{ctx.t('bureau')}: {bureau}" if bureau else ""
    head = ([(ctx.t("jurisdiction"), place)] if place else []) + [(ctx.t("as_of"), meta.get("as_of", "")), (ctx.t("rules"), meta.get("rules", "")),
            (ctx.t("crs"), _crs_name(meta)), (ctx.t("area"), meta.get("area_method", "")),
            (ctx.t("version"), meta.get("redline_version", ""))]
    toc = [("overview", ctx.t("overview"))] + ([(register.anchor, register.title)] if register else []) + [(s.anchor, s.title) for s in sections] + [
        ("rejected", ctx.t("rejected")), ("notes", ctx.t("notes")), ("rules", ctx.t("thresholds"))]
    rejected = None
    rej = data.rejected
    if rej is not None and len(rej):
        cols = [LedgerColumn(c, ctx.t(c)) for c in ("layer", "feature_id", "code", "reason") if c in rej.columns]
        before, _, after = ctx.t("rejected_said").partition("{n}")
        rejected = {"count": len(rej), "said_before": before, "said_after": after, "table": table(ctx, rej, cols)}
    notes = [f"{k}: {v}" for k, v in meta.items() if k in ("rules_chain", "working_crs", "area_method", "audits",
                                                              "rules_note")]
    notes += [n for n in data.notes if n not in notes and not (n.startswith("working CRS:") and
                                                              meta.get("working_crs"))]
    if ctx.canvas.codes:
        notes.append(ctx.t("codes") + "; ".join(f"{c} = {label}" for label, c in ctx.canvas.codes.items()))
    if not ctx.canvas.can_draw_cjk and (ctx.lang == "zh" or ctx.canvas.codes or ctx.canvas.replaced):
        notes.append(ctx.t("no_cjk"))
    if not ctx.lines and not data.layers and data.source:
        notes.append(ctx.t("no_lines"))
    unnamed = _unnamed_classes(ctx)
    if unnamed:
        notes.append(ctx.t("no_class_names").format(codes=", ".join(unnamed)))
    rules = None
    if data.rules is not None:
        import pandas as pd

        frame = pd.DataFrame(data.rules.to_records())
        if lang == "zh":  # the Chinese report says each threshold's value, unit, status and source in Chinese
            from ..rules import STATUS_ZH

            frame = frame.assign(value=frame["value_zh"], unit=frame["unit_zh"], source=frame["source_zh"],
                                 status=frame["status"].map(lambda v: STATUS_ZH.get(v, v)))
        cols = [LedgerColumn(c, ctx.t(c)) for c in ("key", "value", "unit", "status", "source")]
        rules = {"label": data.rules.label, "chain": " <- ".join((*data.rules.chain, data.rules.label)),
                 "table": table(ctx, frame, cols, max_rows=100000)}
    page = {
        "html_lang": "zh-CN" if lang == "zh" else "en", "lang": lang, "title": title, "meta": meta, "t": TEXT[lang],
        "head": head, "toc": toc, "overview": overview, "summary": summary, "register": register,
        "subtitle": subtitle,
        "sections": [_shown(ctx, s) for s in sections], "rejected": rejected, "notes": notes, "rules": rules,
        "generated": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }
    return str(_environment(templates).get_template(PAGE).render(page))


def _unnamed_classes(ctx: Ctx) -> list[str]:
    """The land-cover class values the report shows that have no name (``class_names``)."""
    found: set[str] = set()
    for name, cols in CLASS_COLUMNS.items():
        frame = ctx.data.outputs.get(name)
        if frame is not None and len(frame):
            found |= {class_key(v) for col in cols if col in frame.columns for v in frame[col].dropna().unique()}
    values = {v for v in found if v.lstrip("-").replace(".", "", 1).isdigit()}  # raster values, not names
    return sorted(values - set(ctx.class_names), key=lambda v: (len(v), v))


def _shown(ctx: Ctx, sec: Section) -> Section:
    """The section with each image marked wide (a map with an inset takes a whole row)."""
    sec.images = [(uri, cap, uri in ctx.wide) for uri, cap, *_ in sec.images]  # type: ignore[misc]
    return sec


def _crs_name(meta: dict[str, str]) -> str:
    if meta.get("working_crs_name"):
        return meta["working_crs_name"]
    text = meta.get("working_crs", "")
    return text.split("): ")[0] + ")" if "): " in text else text


def _ordered(data: ReportData) -> list[tuple[str, Any]]:
    seen = []
    for spec in data.specs:
        for out in spec.outputs:
            if out.name in data.outputs and out.name not in seen:
                seen.append(out.name)
    seen += [n for n in data.outputs if n not in seen]
    return [(n, data.outputs[n]) for n in seen if data.outputs[n] is not None]
