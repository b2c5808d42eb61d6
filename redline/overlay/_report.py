"""The report's charts and maps for the overlay audits (批而未供, 供地率, 供而未用, 用而不足, 批后监管).

Section hooks ``(ctx, section, frame) -> None`` named by the outputs' specs (:mod:`redline.overlay`);
each reads the columns its audit emits. The headline figures that need no logic are declared on the
specs; the statuses' labels and colours come from :mod:`redline.overlay.idle` and
:mod:`redline.overlay.alerts`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..report import _figures as F
from ..report.sections import (
    Ctx,
    Figure,
    Section,
    flag,
    geoms,
    mu,
    num,
    present_codes,
    slivers,
    spatial,
    status_bars,
    status_map,
    total,
)

__all__ = ["approved_not_supplied", "deadline_alerts", "idle_land", "supply_before_approval",
           "supply_outside_approvals", "supply_rate", "underused"]


def approved_not_supplied(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    name = sec.name
    unsup = mu(frame, "unsupplied_mu")
    sliver = slivers(frame, "unsupplied_kind")
    real = (unsup.fillna(0) > 0) & ~sliver if unsup is not None else ~sliver
    sec.overview = real
    if unsup is not None:
        sec.figures += [
            Figure(f"{name}.count", ctx.w("宗批次有未供土地", "approvals with unsupplied land"), int(real.sum())),
            Figure(f"{name}.unsupplied_mu", ctx.w("批而未供面积", "unsupplied area"), total(unsup, real), "亩", 2,
                   grave=True)]
        if sliver.any():
            sec.figures.append(Figure(f"{name}.sliver_count", ctx.w("宗仅余细碎图斑（另列，不计入）",
                                                                    "with slivers only (listed, not counted)"),
                                      int(sliver.sum())))
    approved = num(frame, "approved_m2")
    supplied = num(frame, "supplied_m2")
    if approved is not None and supplied is not None and total(approved) > 0:
        # not the supply rate of 增存挂钩 (supply_rate.rate_long, over the recent years): every approval's, all years
        sec.figures.append(Figure(f"{name}.supply_rate", ctx.w("各批次累计供地率（全部年度，非考核口径）",
                                                               "supply rate of all approvals, all years (not the "
                                                               "assessed rate)"),
                                  total(supplied) / total(approved), "%"))
    if unsup is not None and spatial(frame):
        uri = ctx.map([(geoms(frame, real), "#d62728", ctx.c("批而未供部分", "unsupplied part")),
                       (geoms(frame, sliver), "#ffbb33", ctx.c("细碎图斑", "sliver"))])
        if uri:
            drawn_slivers = geoms(frame, sliver) is not None
            sec.images.append((uri, ctx.w("批而未供部分（红）" + ("与细碎图斑（黄）" if drawn_slivers else ""),
                                          "Unsupplied parts (red)" + (", slivers (yellow)" if drawn_slivers else ""))))
    years = num(frame, "approval_age_years")
    if unsup is not None and years is not None:
        bins = [0, 1, 2, 3, 5, np.inf]
        names = ["<1", "1–2", "2–3", "3–5", "≥5"]
        binned = pd.cut(years, bins, right=False, labels=names)
        by = unsup[real].groupby(binned[real], observed=False).sum().reindex(names, fill_value=0)
        uri = ctx.image(F.bar_chart(ctx.canvas, [f"{n} {ctx.c('年', 'y')}" for n in names], by.to_numpy(),
                                    title=ctx.c("批而未供面积按批准年限", "Unsupplied area by approval age"),
                                    ylabel=ctx.c("亩", "mu"), colors=["#d62728"] * len(names)))
        if uri:
            sec.images.append((uri, ctx.w("按批准后年限统计的批而未供面积（亩）", "Unsupplied area by age (mu)")))


def supply_outside_approvals(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    area = mu(frame, "outside_mu")
    real = ~slivers(frame, "outside_kind")
    sec.overview = real
    sec.figures.append(Figure(f"{sec.name}.count", ctx.w("宗供地在批准范围外", "supplies outside approvals"),
                              int(real.sum())))
    if area is not None:
        sec.figures.append(Figure(f"{sec.name}.area_mu", ctx.w("批外供地面积", "area outside approvals"),
                                  total(area, real), "亩", 2))
    if spatial(frame):
        uri = ctx.map([(geoms(frame), "#8c564b", ctx.c("批外供地", "outside approvals"))])
        if uri:
            sec.images.append((uri, ctx.w("批准范围外的供地", "Supply outside approvals")))


def supply_before_approval(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    """先供后批: one row per (supply, approval) pair; the overlap is the land supplied before its approval."""
    sec.figures.append(Figure(f"{sec.name}.count", ctx.w("对供地早于批准（先供后批）", "supplies signed before approval"),
                              len(frame), grave=bool(len(frame))))
    area = mu(frame, "overlap_mu")
    if area is not None:
        sec.figures.append(Figure(f"{sec.name}.overlap_mu", ctx.w("先于批准供应的面积", "area supplied before approval"),
                                  total(area), "亩", 2))
    if spatial(frame):
        uri = ctx.map([(geoms(frame), "#9467bd", ctx.c("先供后批", "supplied before approval"))])
        if uri:
            sec.images.append((uri, ctx.w("供地早于批准的重叠部分", "Land supplied before its approval")))


#: the supply-rate audit's row for all districts together (:func:`redline.overlay.supply.supply_rate`)
ALL_DISTRICTS = "全部"


def _period_en(period: str) -> str:
    """A supply-rate window's label in English: 近5年 2021–2025 -> last 5 years, 2021–2025.

    >>> _period_en("近5年 2021–2025"), _period_en("2024")
    ('last 5 years, 2021–2025', '2024')
    """
    m = re.fullmatch(r"近(\d+)年\s*(.*)", period.strip())
    if m is None:
        return period
    n, span = m.groups()
    return f"last {'year' if n == '1' else n + ' years'}" + (f", {span}" if span else "")


def supply_rate(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    """Rows per district and period: ``period_kind`` year / recent / long, a row per period for all (全部)."""
    sec.overview = False
    rate = num(frame, "supply_rate")
    if rate is None or not {"period_kind", "period", "district"} <= set(frame.columns):
        return
    kind = frame["period_kind"].astype(str)
    every = frame["district"].astype(str) == ALL_DISTRICTS
    mins = num(frame, "min_rate")
    line_value = float(mins.dropna().iloc[0]) if mins is not None and len(mins.dropna()) else \
        ctx.data.threshold("supply_rate.min_rate_5y", 0.6)
    marked = flag(frame, "below_min")
    below = marked if marked is not None else (kind.eq("long") & (rate < line_value))
    long_total = frame[kind.eq("long") & every]
    if len(long_total):
        period = str(long_total["period"].iloc[0])
        sec.figures.append(Figure(f"{sec.name}.rate_long", ctx.w(f"全域供地率（{period}，增存挂钩考核口径）",
                                                                 f"supply rate, all units ({_period_en(period)}; "
                                                                 "the assessed rate)"),
                                  float(rate[long_total.index[0]]), "%", grave=bool(below[long_total.index[0]])))
    units_below = below & ~every
    sec.figures.append(Figure(f"{sec.name}.below", ctx.w(f"个行政区低于 {line_value:.0%}", f"units under {line_value:.0%}"),
                              int(units_below.sum()), grave=bool(units_below.any())))
    line = [(line_value, ctx.c(f"{line_value:.0%} 供地率线", f"{line_value:.0%} line"), "#d62728")]
    years = frame[kind.eq("year") & every].copy()
    if len(years):
        years["_y"] = pd.to_numeric(years["period"], errors="coerce")
        years = years.sort_values("_y")
        r = rate[years.index]
        uri = ctx.image(F.bar_chart(ctx.canvas, [str(p) for p in years["period"]], r.to_numpy(), lines=line,
                                    percent=True, colors=["#d62728" if v < line_value else "#1f77b4" for v in r],
                                    title=ctx.c("全域供地率按批准年度", "Supply rate by approval year"),
                                    ylabel=ctx.c("供地率", "rate")))
        if uri:
            sec.images.append((uri, ctx.w(f"各批准年度的供地率（全域），红色低于 {line_value:.0%}",
                                          f"Supply rate by approval year (all units); red: under {line_value:.0%}")))
    longs = frame[kind.eq("long") & ~every & rate.notna()]
    if len(longs):
        longs = longs.loc[rate[longs.index].sort_values().index]
        period = str(longs["period"].iloc[0])
        uri = ctx.image(F.bar_chart(ctx.canvas, list(longs["district"]), rate[longs.index].to_numpy(), lines=line,
                                    percent=True, horizontal=True,
                                    colors=["#d62728" if b else "#1f77b4" for b in below[longs.index]],
                                    title=ctx.c(f"各行政区供地率（{period}）", "Supply rate by district (5 years)"),
                                    ylabel=ctx.c("供地率", "rate")))
        if uri:
            sec.images.append((uri, ctx.w(f"各行政区 {period} 供地率与 {line_value:.0%} 红线（增存挂钩）",
                                          f"Supply rate by district, {_period_en(period)}, against the "
                                          f"{line_value:.0%} line")))


def idle_land(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    """供而未用: supplies by status, overdue and idle land by age, a map of the statuses to watch."""
    out = ctx.output(sec)
    if out is None or out.status_column not in frame.columns:
        return
    status = frame[out.status_column].astype(str)
    status_bars(ctx, sec, out, frame, ("供地按状态（宗）", "Supplies by status (count)"), ("宗", "count"),
                ("按《闲置土地处置办法》判定的状态", "Status under MLR order 53"))
    area = mu(frame, "supply_mu")
    days = num(frame, "idle_days")
    if days is not None:
        names = ["<1", "1–2", "≥2"]
        binned = pd.cut(days / 365.0, [0, 1, 2, np.inf], right=False, labels=names)
        late = days.fillna(0) > 0
        series = {}
        present = present_codes(out, frame)
        for c in present:
            m = late & (status == c)
            if m.any():
                vals = area[m] if area is not None else pd.Series(1.0, index=frame.index)[m]
                series[ctx.cat(c, chart=True)] = vals.groupby(binned[m], observed=False).sum().reindex(
                    names, fill_value=0).to_numpy()
        colours = {ctx.cat(c, chart=True): ctx.colour(c) for c in present}
        uri = ctx.image(F.stacked_bars(ctx.canvas, [f"{n} {ctx.c('年', 'y')}" for n in names], series,
                                       colors=colours, title=ctx.c("逾期/闲置土地按时长", "Overdue and idle land by age"),
                                       xlabel=ctx.c("亩", "mu") if area is not None else ctx.c("宗", "count")))
        if uri:
            sec.images.append((uri, ctx.w("超过约定开工日期的时长", "Time since the agreed start date")))
    status_map(ctx, sec, out, frame, ("逾期未开工、闲置与停建的供地", "Overdue, idle and stalled supplies"))


def underused(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    marked = flag(frame, "underused")
    area = mu(frame, "site_mu")
    if marked is not None:
        sec.overview = marked
        sec.figures.append(Figure(f"{sec.name}.count", ctx.w("宗用而不足", "under-used"), int(marked.sum()),
                                  grave=bool(marked.any())))
        if area is not None:
            sec.figures.append(Figure(f"{sec.name}.area_mu", ctx.w("用而不足面积", "under-used area"),
                                      total(area, marked), "亩", 2))
        low = flag(frame, "low_efficiency")
        if low is not None:
            sec.figures.append(Figure(f"{sec.name}.low_efficiency", ctx.w("宗低于低效用地容积率", "under the low-efficiency FAR"),
                                      int(low.sum()), grave=bool(low.any())))
    if "reasons" in frame.columns:
        rows = frame["reasons"].dropna().astype(str)
        if marked is not None:
            rows = rows[marked[rows.index]]
        items = rows.str.split(r"[;；,、]\s*").explode().str.strip()
        items = items[items != ""].str.replace(r"\s*[\d<≥>≤(（\[].*$", "", regex=True)
        counts = items.value_counts().head(12)
        if len(counts):
            uri = ctx.image(F.bar_chart(ctx.canvas, list(counts.index), counts.to_numpy(), horizontal=True,
                                        title=ctx.c("低效原因（宗）", "Reasons (count)"), ylabel=ctx.c("宗", "count"),
                                        colors=[ctx.colour("underused")] * len(counts)))
            if uri:
                sec.images.append((uri, ctx.w("未达标的指标", "Indicators under their threshold")))
    if marked is not None and spatial(frame):
        uri = ctx.map([(geoms(frame, marked), ctx.colour("underused"), ctx.c("低效用地", "under-used"))])
        if uri:
            sec.images.append((uri, ctx.w("低效用地分布", "Under-used parcels")))


def deadline_alerts(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    """批后监管: the alerts needing action by obligation (交地, 缴款, 开工, 竣工) and level."""
    out = ctx.output(sec)
    # the alerts sit on supplies the idle-land section also maps: outlined on the overview, not filled over them
    sec.overview_style = "outline"
    sec.figures.append(Figure(f"{sec.name}.obligations", ctx.w("项履约义务（全部）", "obligations in all"), len(frame)))
    if out is None or not {"obligation", out.status_column} <= set(frame.columns):
        return
    level = frame[out.status_column].astype(str)
    acting = level.isin(out.counted)
    if not acting.any():
        return
    table = frame[acting].groupby(["obligation", level[acting]]).size().unstack(fill_value=0)
    table = table[[c for c in present_codes(out, frame[acting]) if c in table.columns]]
    series = {ctx.cat(c, chart=True): table[c].to_numpy() for c in table.columns}
    colours = {ctx.cat(c, chart=True): ctx.colour(c) for c in table.columns}
    uri = ctx.image(F.stacked_bars(ctx.canvas, [ctx.cat(i, chart=True) for i in table.index], series,
                                   colors=colours, title=ctx.c("期限提醒", "Alerts by obligation"),
                                   xlabel=ctx.c("条", "count")))
    if uri:
        sec.images.append((uri, ctx.w("按履约事项统计", "By obligation")))
