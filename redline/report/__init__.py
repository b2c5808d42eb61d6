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

Headline numbers carry ``data-figure="<output>.<figure>"``, ``data-value`` (unrounded) and
``data-unit`` so they can be checked against the outputs. Slivers (``is_sliver``, or
``unsupplied_kind`` / ``outside_kind`` = ``sliver``) are never counted in them:

- ``approved_not_supplied.count`` / ``.unsupplied_mu``: approvals with ``unsupplied_mu`` > 0 that are
  not slivers, and their ``unsupplied_mu`` summed; ``.sliver_count``; ``.supply_rate`` = Σ supplied_m2
  ÷ Σ approved_m2;
- ``supply_outside_approvals.count`` / ``.area_mu`` (``outside_mu``);
- ``supply_rate.rate_long`` (the whole jurisdiction over the long window), ``supply_rate.below``
  (units under ``min_rate``, from ``below_min``);
- ``idle_land.count`` / ``.idle_mu``: status ``idle``, ``idle_recover`` or ``stalled``, and their
  ``supply_mu``; ``.idle_fee`` = Σ ``fee_due`` (万元: land at the fee stage only, order 53 art. 14; older
  results without it: Σ ``idle_fee`` of ``idle`` and ``stalled``); ``idle_land.<status>`` per status;
- ``underused.count`` / ``.area_mu`` (``underused`` true, ``site_mu``), ``.low_efficiency``;
- ``deadline_alerts.count`` (levels other than met/ok), ``deadline_alerts.<level>``, ``.obligations``;
- ``three_line_conflicts.count`` / ``.area_mu``, ``.<kind>_mu``, ``.sliver_count``;
- ``farmland_retention.short`` (units whose status is not ``ok``), ``.cultivated_mu``, ``.pbf_mu``;
- ``development_intensity.over_warning`` (intensity ≥ ``intensity.warning``), ``.max_intensity``,
  ``.overall`` = Σ construction_m2 ÷ Σ total_m2;
- ``growth_boundary_use.built_mu`` / ``.left_mu``;
- a change-patch register (a ``judgement`` column): ``.count``, ``.<judgement>``, ``.<judgement>_mu``;
- any other output: ``<name>.count`` and, when it has an area column, ``<name>.area_mu``;
- ``rejected.count``: features set aside.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from pathlib import Path

from ..io import atomic_path
from ._build import TEXT, Ctx, Section, build_section, overview_map, table_html
from ._data import ReportData, from_results, from_run
from ._fonts import cjk_font

REPORT_HTML = "redline_report.html"

__all__ = ["REPORT_HTML", "ReportData", "build", "cjk_font", "demo_step", "from_results", "from_run", "render"]

FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
              '"微软雅黑", "WenQuanYi Micro Hei", "SimHei", "Heiti SC", system-ui, sans-serif')

CSS = """
:root { --ink: #1d2731; --muted: #5b6770; --line: #d7dde3; --accent: #9b1c1c; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { font-family: %(fonts)s; color: var(--ink); background: var(--bg); margin: 0; line-height: 1.55; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 60px; background: #fff; }
header.top { border-bottom: 3px solid var(--accent); padding-bottom: 10px; margin-bottom: 18px; }
h1 { font-size: 26px; margin: 0 0 6px; color: var(--accent); letter-spacing: 1px; }
h2 { font-size: 20px; border-left: 5px solid var(--accent); padding-left: 10px; margin: 34px 0 12px; }
h3 { font-size: 16px; margin: 18px 0 8px; }
.meta { color: var(--muted); font-size: 13px; }
.meta b { color: var(--ink); font-weight: 600; }
nav.toc { font-size: 13px; margin: 10px 0 0; }
nav.toc a { color: #1f4e79; margin-right: 14px; text-decoration: none; white-space: nowrap; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: #fbfcfd; }
.card .kind { font-size: 13px; font-weight: 600; color: var(--muted); margin-bottom: 2px; }
.card.grave { border-color: #e3a0a0; background: #fff6f6; }
.fig { margin: 2px 0; }
.fig .num { font-size: 22px; font-weight: 700; font-variant-numeric: tabular-nums; }
.card.grave .num.grave { color: var(--accent); }
.fig .unit { font-size: 13px; margin-left: 3px; color: var(--muted); }
.fig .lab { font-size: 12px; color: var(--muted); display: block; }
.figs { display: flex; flex-wrap: wrap; gap: 8px 26px; margin: 6px 0 10px; }
.images { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 12px; margin: 8px 0; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 4px; padding: 6px; background: #fff; }
figure img { max-width: 100%%; height: auto; display: block; margin: 0 auto; }
figure.wide { grid-column: 1 / -1; }
figcaption { font-size: 12px; color: var(--muted); text-align: center; margin-top: 4px; }
.scroll { overflow-x: auto; max-height: 520px; overflow-y: auto; border: 1px solid var(--line); }
table { border-collapse: collapse; font-size: 12px; width: 100%%; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 7px; text-align: left; vertical-align: top;
  white-space: nowrap; }
td.w { white-space: normal; min-width: 220px; max-width: 420px; }
th { background: #e9eef4; position: sticky; top: 0; white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.d { white-space: nowrap; }
td.rule { color: var(--muted); font-size: 11px; white-space: normal; min-width: 640px; max-width: 900px; }
tbody tr:nth-child(even) { background: #fafbfc; }
details { margin: 8px 0; }
summary { cursor: pointer; font-weight: 600; font-size: 14px; }
.muted { color: var(--muted); font-size: 13px; }
ul.notes { font-size: 13px; }
.codes { font-size: 12px; color: var(--muted); }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 8px; }
@media print { body { background: #fff; } main { max-width: none; padding: 0; } .scroll { max-height: none; }
  details { display: block; } h2 { break-before: auto; } figure { break-inside: avoid; } }
""".replace("%%", "%").replace("%(fonts)s", FONT_STACK)


def build(result, path=None, *, lang: str = "zh", title: str | None = None, in_set: bool = False) -> Path:
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
    dest = _destination(result, data, path)
    page = render(data, lang=lang, title=title)
    if in_set or not _write_into_set(dest, page, data.meta.get("run_id") or None):
        with atomic_path(dest) as tmp:
            tmp.write_text(page, encoding="utf-8")
    if not in_set and hasattr(result, "paths") and isinstance(result.paths, dict):
        result.paths["report"] = str(dest)
    return dest


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


def _e(text) -> str:
    return html.escape("" if text is None else str(text))


def _figure_html(fig) -> str:
    unit = f'<span class="unit">{_e(fig.unit)}</span>' if fig.unit else ""
    value = "" if fig.value is None else repr(float(fig.value))
    grave = " grave" if fig.grave else ""
    return (f'<div class="fig"><span class="num{grave}" data-figure="{_e(fig.key)}" data-value="{_e(value)}" '
            f'data-unit="{_e(fig.unit)}">'
            f'{_e(fig.text())}</span>{unit}<span class="lab">{_e(fig.label)}</span></div>')


WIDE = ' class="wide"'


def _section_html(ctx: Ctx, sec: Section, anchor: str) -> str:
    parts = [f'<section id="{anchor}"><h2>{_e(sec.title)}</h2>']
    if sec.description:
        parts.append(f'<p class="muted">{_e(sec.description)}</p>')
    if sec.figures:
        parts.append('<div class="figs">' + "".join(_figure_html(f) for f in sec.figures) + "</div>")
    if sec.images:
        parts.append('<div class="images">' + "".join(
            f'<figure{WIDE if uri in ctx.wide else ""}><img src="{uri}" alt="{_e(cap)}">'
            f"<figcaption>{_e(cap)}</figcaption></figure>" for uri, cap in sec.images) + "</div>")
    parts += sec.blocks
    frame = ctx.data.outputs.get(sec.name)
    n = 0 if frame is None else len(frame)
    parts.append(f"<details{' open' if 0 < n <= 60 else ''}><summary>{_e(ctx.t('table'))} "
                 f"({n:,} {_e(ctx.t('rows'))})</summary>{sec.table}</details></section>")
    return "".join(parts)


def render(data: ReportData, *, lang: str = "zh", title: str | None = None) -> str:
    """The report's HTML text (what :func:`build` writes)."""
    ctx = Ctx(data, lang)
    with ctx.canvas.rc():
        sections = [build_section(ctx, name, frame) for name, frame in _ordered(data)]
        overview = overview_map(ctx, sections)
    title = title or ctx.t("title")
    meta = data.meta
    area = meta.get("area_method", "")
    head = [f"<b>{_e(ctx.t('as_of'))}</b> {_e(meta.get('as_of', ''))}",
            f"<b>{_e(ctx.t('rules'))}</b> {_e(meta.get('rules', ''))}",
            f"<b>{_e(ctx.t('crs'))}</b> {_e(_crs_name(meta))}",
            f"<b>{_e(ctx.t('area'))}</b> {_e(area)}",
            f"<b>{_e(ctx.t('version'))}</b> {_e(meta.get('redline_version', ''))}"]
    anchors = {sec.name: f"s-{i}" for i, sec in enumerate(sections)}
    toc = [f'<a href="#overview">{_e(ctx.t("overview"))}</a>'] + [
        f'<a href="#{anchors[s.name]}">{_e(s.title)}</a>' for s in sections] + [
        f'<a href="#rejected">{_e(ctx.t("rejected"))}</a>', f'<a href="#notes">{_e(ctx.t("notes"))}</a>',
        f'<a href="#rules">{_e(ctx.t("thresholds"))}</a>']
    body = [f'<header class="top"><h1>{_e(title)}</h1><div class="meta">{" · ".join(head)}</div>'
            f'<nav class="toc">{" ".join(toc)}</nav></header>']
    # headline cards
    cards = []
    for sec in sections:
        if not sec.figures:
            continue
        grave = " grave" if any(f.grave and f.value for f in sec.figures) else ""
        cards.append(f'<div class="card{grave}"><div class="kind"><a href="#{anchors[sec.name]}" '
                     f'style="color:inherit;text-decoration:none">{_e(sec.title)}</a></div>'
                     + "".join(_figure_html(f) for f in sec.figures[:3]) + "</div>")
    body.append(f'<section id="overview"><h2>{_e(ctx.t("overview"))}</h2><div class="cards">{"".join(cards)}</div>')
    if overview:
        cap = ctx.t("overview_map")
        body.append(f'<div class="images"><figure><img src="{overview}" alt="{_e(cap)}"><figcaption>{_e(cap)}'
                    f"</figcaption></figure></div>")
    if data.summary:
        body.append(f'<h3>{_e(ctx.t("summary"))}</h3><ul class="notes">'
                    + "".join(f"<li>{_e(s)}</li>" for s in data.summary) + "</ul>")
    body.append("</section>")
    body += [_section_html(ctx, sec, anchors[sec.name]) for sec in sections]
    # rejected
    rej = data.rejected
    body.append(f'<section id="rejected"><h2>{_e(ctx.t("rejected"))}</h2>')
    if rej is None or not len(rej):
        body.append(f'<p class="muted">{_e(ctx.t("rejected_none"))}</p>')
    else:
        from ..io.ledger import LedgerColumn

        cols = [LedgerColumn(c, ctx.t(c)) for c in ("layer", "feature_id", "code", "reason") if c in rej.columns]
        n = f'<b data-figure="rejected.count" data-value="{len(rej)}">{len(rej):,}</b>'
        said = ctx.w(f"{n} 个要素未参与审计（几何、编号、坐标系等问题），逐一列出：",
                     f"{n} features were set aside (geometry, ids, CRS ...), each listed:")
        body.append(f"<p>{said}</p>" + table_html(ctx, rej, cols))
    body.append("</section>")
    # notes
    notes = [f"{k}: {v}" for k, v in meta.items() if k in ("rules_chain", "working_crs", "area_method", "audits",
                                                              "rules_note")]
    notes += [n for n in data.notes if n not in notes and not (n.startswith("working CRS:") and
                                                              meta.get("working_crs"))]
    if ctx.canvas.codes:
        notes.append(ctx.t("codes") + "; ".join(f"{c} = {label}" for label, c in ctx.canvas.codes.items()))
    if ctx.lang == "zh" and not ctx.canvas.can_draw_cjk:
        notes.append(ctx.t("no_cjk"))
    body.append(f'<section id="notes"><h2>{_e(ctx.t("notes"))}</h2><ul class="notes">'
                + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul></section>")
    # thresholds
    body.append(f'<section id="rules"><h2>{_e(ctx.t("thresholds"))}</h2>')
    if data.rules is not None:
        import pandas as pd

        from ..io.ledger import LedgerColumn

        frame = pd.DataFrame(data.rules.to_records())
        cols = [LedgerColumn(c, ctx.t(c)) for c in ("key", "value", "unit", "status", "source")]
        body.append(f'<p class="muted">{_e(data.rules.label)} — '
                    f'{_e(" <- ".join((*data.rules.chain, data.rules.label)))}</p>'
                    + table_html(ctx, frame, cols, max_rows=100000))
    else:
        body.append(f'<p class="muted">{_e(meta.get("rules", ""))}</p>')
    body.append("</section>")
    body.append(f'<footer>redline {_e(meta.get("redline_version", ""))} · {_e(ctx.t("generated"))} '
                f"{dt.datetime.now().strftime('%Y-%m-%d %H:%M')}</footer>")
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="redline {_e(meta.get("redline_version", ""))}">'
            + (f'<meta name="redline-run" content="{_e(meta["run_id"])}">' if meta.get("run_id") else "") +
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>{''.join(body)}</main></body></html>\n")


def _crs_name(meta) -> str:
    if meta.get("working_crs_name"):
        return meta["working_crs_name"]
    text = meta.get("working_crs", "")
    return text.split("): ")[0] + ")" if "): " in text else text


def _ordered(data: ReportData):
    seen = []
    for spec in data.specs:
        for out in spec.outputs:
            if out.name in data.outputs and out.name not in seen:
                seen.append(out.name)
    seen += [n for n in data.outputs if n not in seen]
    return [(n, data.outputs[n]) for n in seen if data.outputs[n] is not None]
