"""The report's charts and maps for the imagery audits (转移矩阵, 变化图斑, 卫片图斑研判表/登记表, 卫片执法统计).

Section hooks ``(ctx, section, frame) -> None`` named by the outputs' specs
(:mod:`redline.imagery._specs`); the judgements' labels and colours are the statuses of
:data:`redline.imagery.judge.JUDGEMENT`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..report import _figures as F
from ..report.sections import (
    Ctx,
    Figure,
    Section,
    flag,
    geoms,
    holds,
    mu,
    num,
    present_codes,
    row_status,
    spatial,
    status_bars,
    status_map,
    total,
)
from .rollup import ROLLUP_STATUS, TOTAL_CODE

ROLLUP = {s.code: s for s in ROLLUP_STATUS}

__all__ = ["change_patches", "patch_pieces", "patch_register", "patch_rollup", "transitions"]


def patch_register(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    """卫片执法: what a county is judged on (the unexplained area, on PBF and on cultivated land, the county ratio).

    The judged pieces are mapped and charted in their own section (``patch_pieces``); without them (a
    register read from elsewhere) the patches are, by their judgement.
    """
    out = ctx.output(sec)
    if out is None:
        return
    figures = []
    for column, zh, en in (("unexplained_pbf_mu", "违法占用永久基本农田", "unexplained on PBF"),
                           ("unexplained_cultivated_mu", "违法占用耕地", "unexplained on cultivated land")):
        area = mu(frame, column)
        if area is not None:
            figures.append(_measured(ctx, f"{sec.name}.{column}", ctx.w(zh, en), area, "亩", 2))
    county = _county_row(ctx)
    if county is not None:
        figures.insert(0, _ratio_figure(ctx, f"{sec.name}.illegal_cultivated_ratio", county))
        sec.blocks.append(_source_block(ctx, county))
    declared = {f"{sec.name}.{fs.name}" for fs in out.figures}
    at = max((i + 1 for i, f in enumerate(sec.figures) if f.key in declared), default=0)
    sec.figures[at:at] = figures  # after the declared count and area, before the counts per judgement
    pieces = ctx.data.outputs.get("patch_pieces")
    if spatial(pieces):
        sec.overview = False  # the pieces' section draws the unexplained parts, not the whole patches
        return
    if out.status_column in frame.columns:
        status_bars(ctx, sec, out, frame, ("变化图斑研判结果", "Judgement of change patches"), ("个", "count"),
                    ("按研判结果统计（图斑数）", "By judgement (patches)"))
        status_map(ctx, sec, out, frame, ("变化图斑研判分布", "Judged change patches"), codes=out.status_codes)


def patch_pieces(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    """The pieces of the patches: the area per judgement (not the count of patches), each piece on the map.

    A patch straddling an approval shows its legal and its unexplained part in their own colours; sliver
    pieces decide nothing and are left off the chart and the map (counted apart).
    """
    out = ctx.output(sec)
    if out is None or out.status_column not in frame.columns:
        return
    sliver = flag(frame, "sliver")
    real = ~sliver if sliver is not None else pd.Series(True, index=frame.index)
    sec.overview = real & holds(out, frame, out.counted)
    if sliver is not None and sliver.any():
        sec.figures.append(Figure(f"{sec.name}.sliver_count", ctx.w("块碎片（不参与研判）", "slivers (decide nothing)"),
                                  int(sliver.sum())))
    area = mu(frame, "area_mu")
    column = row_status(out, frame)
    if area is not None:
        codes = [c for c in present_codes(out, frame[real]) if c in out.status_codes]
        values = [total(area, real & (column == c)) for c in codes]
        uri = ctx.image(F.bar_chart(ctx.canvas, [ctx.cat(c, chart=True) for c in codes], values, horizontal=True,
                                    colors=[ctx.colour(c) for c in codes],
                                    title=ctx.c("分割块面积按研判结果", "Area of the pieces by judgement"),
                                    ylabel=ctx.c("亩", "mu")))
        if uri:
            sec.images.append((uri, ctx.w("各研判结果的分割块面积（亩，不含碎片）",
                                          "Area of the pieces per judgement (mu, slivers left out)")))
    status_map(ctx, sec, out, frame, ("分割块研判分布（跨依据的图斑按块着色）",
                                      "Judged pieces (a patch across a basis coloured piece by piece)"),
               codes=present_codes(out, frame[real]), mask=real)


def patch_rollup(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    """The roll-up per township and for all the patches (合计): the ratio against the rule set's lines."""
    sec.overview = False
    out = ctx.output(sec)
    county = _total_row(frame)
    if county is not None:
        sec.figures.append(_ratio_figure(ctx, f"{sec.name}.illegal_cultivated_ratio", county))
        sec.blocks.append(_source_block(ctx, county))
    units = frame[frame["admin_code"].astype(str) != TOTAL_CODE] if "admin_code" in frame.columns else frame.iloc[0:0]
    if out is not None and out.status_column in units.columns and len(units):
        over = holds(out, units, out.counted)
        sec.figures.append(Figure(f"{sec.name}.units_over", ctx.w("个行政区达到问责比例或约谈线",
                                                                  "units at the accountability or interview line"),
                                  int(over.sum()), grave=bool(over.any())))
    ratio = num(units, "illegal_cultivated_ratio")
    if ratio is None or ratio.isna().all() or "admin_name" not in units.columns:
        return
    line = ctx.data.threshold("imagery.accountability_ratio")
    order = ratio.dropna().sort_values(ascending=False).index
    lines = [(line, ctx.c(f"问责比例 {line:.0%}", f"accountability ratio {line:.0%}"), "#c8102e")] if line else []
    uri = ctx.image(F.bar_chart(ctx.canvas, list(units.loc[order, "admin_name"].astype(str)), ratio[order].to_numpy(),
                                lines=lines, percent=True, horizontal=True,
                                colors=[ctx.colour(str(c)) for c in units.loc[order, "status"]]
                                if "status" in units.columns else None,
                                title=ctx.c("违法占用耕地比例", "Illegal share of cultivated land occupied"),
                                ylabel=ctx.c("比例", "share")))
    if uri:
        sec.images.append((uri, ctx.w("各行政区违法占用耕地比例（无法计算者不列）",
                                      "Illegal share per unit (units not measured left out)")))


# --- the county's figures ------------------------------------------------------------------------------------------


@dataclass
class _Measured(Figure):
    """A figure that may not have been measured (no land-use or PBF layer): says so instead of showing 0."""

    missing: str = ""

    @property
    def measured(self) -> bool:
        return self.value is not None and not math.isnan(float(self.value))

    def text(self) -> str:
        return super().text() if self.measured else self.missing

    @property
    def number(self) -> str:
        """Empty when not measured (``data-value=""``), as for a figure without a value."""
        return super().number if self.measured else ""


def _measured(ctx: Ctx, key: str, label: str, values: pd.Series, unit: str, digits: int) -> Figure:
    """The sum of ``values``, or "not measured" when none is a number (an empty column is not 0)."""
    value = math.nan if values.isna().all() else total(values)
    return _Measured(key, label, value, unit, digits, grave=value > 0, missing=ctx.w("未量算", "not measured"))


def _total_row(frame: pd.DataFrame | None) -> pd.Series | None:
    """The roll-up's last row, for all the patches (``admin_code`` 合计)."""
    if frame is None or "admin_code" not in frame.columns:
        return None
    rows = frame[frame["admin_code"].astype(str) == TOTAL_CODE]
    return rows.iloc[-1] if len(rows) else None


def _county_row(ctx: Ctx) -> pd.Series | None:
    return _total_row(ctx.data.outputs.get("patch_rollup"))


def _ratio_figure(ctx: Ctx, key: str, row: pd.Series) -> Figure:
    """违法占用耕地比例 of the 合计 row, labelled with its status against the line, e.g. (达到问责比例 ≥ 15%)."""
    value = pd.to_numeric(pd.Series([row.get("illegal_cultivated_ratio")]), errors="coerce").iloc[0]
    code = str(row.get("status") or "")
    status = ROLLUP.get(code)
    line = ctx.data.threshold("imagery.accountability_ratio")
    min_mu = ctx.data.threshold("imagery.interview_min_mu")
    if line is not None and code in ("over_ratio", "below", "interview"):
        against = {"over_ratio": f" ≥ {line:.0%}", "below": f" < {line:.0%}",
                   "interview": f" > {line:.0%}" + (ctx.w(f"，违法占用耕地 > {min_mu:g} 亩",
                                                         f", illegal on cultivated land > {min_mu:g} mu")
                                                   if min_mu is not None else "")}[code]
    elif code == "not_measured":
        cultivated = pd.to_numeric(pd.Series([row.get("cultivated_mu")]), errors="coerce").iloc[0]
        against = (ctx.w("：未提供地类图斑（三调），耕地未量算", ": no land-use layer, cultivated land not measured")
                   if pd.isna(cultivated) else ctx.w("：图斑未占用耕地", ": the patches occupy no cultivated land"))
    else:  # lines not at hand (a rule set that cannot be loaded): the roll-up's own words
        against = f": {row.get('reason')}" if row.get("reason") else ""
    label = ctx.w("违法占用耕地比例", "illegal share of cultivated land occupied")
    if code:
        label += f"（{ctx.cat(code)}{against}）" if ctx.lang == "zh" else f" ({ctx.cat(code)}{against})"
    return _Measured(key, label, float(value), "%", 1,
                     grave=bool(status is not None and status.grave), missing=ctx.w("无法计算", "not measured"))


def _source_block(ctx: Ctx, row: pd.Series) -> str:
    """The lines the ratio is read against and where they come from (the roll-up's ``rule``), as page HTML.

    Escaped here and marked safe (:class:`markupsafe.Markup`), so the page template shows it as HTML.
    """
    from markupsafe import Markup
    rule = str(row.get("rule") or "") or "; ".join(
        c for c in (ctx.data.cite("imagery.accountability_ratio"), ctx.data.cite("imagery.interview_min_mu")) if c)
    formula = ctx.w("违法占用耕地比例 = 违法占用耕地面积 ÷ 新增建设用地占用耕地面积（全部图斑）",
                    "Illegal share = cultivated land occupied without a basis ÷ cultivated land the new "
                    "construction occupied (all patches)")
    cite = f"{ctx.w('依据：', 'Source: ')}{rule}" if rule else ""
    return Markup('<p class="muted" data-source="imagery.accountability_ratio">{}{}</p>').format(
        formula, Markup("<br>{}").format(cite) if cite else "")


def change_patches(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    area = mu(frame, "area_mu")
    small = flag(frame, "below_min_area")
    keep = ~small if small is not None else pd.Series(True, index=frame.index)
    sec.overview = keep
    sec.figures.append(Figure(f"{sec.name}.count", ctx.w("个变化图斑", "change patches"), int(keep.sum())))
    if area is not None:
        sec.figures.append(Figure(f"{sec.name}.area_mu", ctx.w("变化面积", "changed area"), total(area, keep), "亩", 2))
    if small is not None and small.any():
        sec.figures.append(Figure(f"{sec.name}.below_min_count", ctx.w("个图斑小于最小面积（另列）",
                                                                       "under the minimum area (listed)"),
                                  int(small.sum())))
    if spatial(frame):
        uri = ctx.map([(geoms(frame, keep), "#ff7f0e", ctx.c("变化图斑", "change patch"))])
        if uri:
            sec.images.append((uri, ctx.w("变化图斑分布", "Change patches")))


def transitions(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    """One row per (before, after) class pair: the changed area and the transition matrix."""
    if not {"before", "after"} <= set(frame.columns):
        return
    value = "area_mu" if "area_mu" in frame.columns else "pixels"
    if value not in frame.columns:
        return
    changed = flag(frame, "changed")
    if changed is None:
        changed = frame["before"].astype(str) != frame["after"].astype(str)
    area = mu(frame, "area_mu")
    if area is not None:
        sec.figures.append(Figure(f"{sec.name}.changed_mu", ctx.w("地类变化面积", "changed area"),
                                  total(area, changed), "亩", 2))
        sec.figures.append(Figure(f"{sec.name}.total_mu", ctx.w("两期均有效面积", "area valid on both dates"),
                                  total(area), "亩", 2))
    values = num(frame, value)
    assert values is not None
    m = values.groupby([frame["before"], frame["after"]]).sum().unstack(fill_value=0)
    m.index = [ctx.land_class(c, chart=True) for c in m.index]
    m.columns = [ctx.land_class(c, chart=True) for c in m.columns]
    unit = ctx.c("亩", "mu") if value == "area_mu" else ctx.c("像元", "pixels")
    uri = ctx.image(F.heatmap(ctx.canvas, m, title=ctx.c("地类转移矩阵", "Transition matrix"), unit=unit))
    if uri:
        sec.images.append((uri, ctx.w("行：前一时相地类；列：后一时相地类", "Rows: first date; columns: second date")))
