"""The report's charts and maps for the farmland audits (三区三线冲突, 耕地保有量).

Section hooks ``(ctx, section, frame) -> None`` named by the outputs' specs (:mod:`redline.farmland`);
the conflict kinds' labels and colours are the statuses of :data:`redline.farmland.conflicts.KIND`.
"""

from __future__ import annotations

import pandas as pd

from ..report import _figures as F
from ..report.sections import Ctx, Figure, Section, geoms, mu, num, present_codes, slivers, spatial, total
from .conflicts import KIND

__all__ = ["conflicts_by_unit", "farmland_retention", "three_line_conflicts"]


def three_line_conflicts(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    out = ctx.output(sec)
    area = mu(frame, "area_mu")
    sliver = slivers(frame)
    real = ~sliver
    sec.overview = real
    sec.figures.append(Figure(f"{sec.name}.count", ctx.w("处冲突", "conflicts"), int(real.sum()),
                              grave=bool(real.any())))
    if area is not None:
        sec.figures.append(Figure(f"{sec.name}.area_mu", ctx.w("冲突面积", "conflict area"), total(area, real),
                                  "亩", 2, grave=bool(real.any())))
    if "kind" in frame.columns and area is not None:
        for s in KIND:
            m = real & (frame["kind"] == s.code)
            if m.any():
                sec.figures.append(Figure(f"{sec.name}.{s.code}_mu", ctx.cat(s.code), total(area, m), "亩", 2))
    if sliver.any():
        sec.figures.append(Figure(f"{sec.name}.sliver_count", ctx.w("处细碎图斑（另列）", "slivers (listed apart)"),
                                  int(sliver.sum())))
    if spatial(frame):
        kinds = present_codes(out, frame) if out is not None and "kind" in frame.columns else []
        layers = [(geoms(frame, real & (frame["kind"] == k)), ctx.colour(k), ctx.cat(k, chart=True)) for k in kinds]
        if not kinds:
            layers = [(geoms(frame, real), "#d62728", ctx.c("冲突", "conflict"))]
        layers.append((geoms(frame, sliver), "#bcbd22", ctx.c("细碎图斑", "sliver")))
        uri = ctx.map(layers)
        if uri:
            sec.images.append((uri, ctx.w("三区三线冲突图斑", "Three-line conflict patches")))


def conflicts_by_unit(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    """Conflict area per unit and kind (``<kind>_mu`` columns)."""
    sec.overview = False
    cols = [f"{s.code}_mu" for s in KIND if f"{s.code}_mu" in frame.columns]
    if "admin_name" not in frame.columns or not cols:
        return
    table = frame.set_index("admin_name")[cols].apply(pd.to_numeric, errors="coerce")
    table.columns = [c.removesuffix("_mu") for c in cols]
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index]
    table = table[table.sum(axis=1) > 0]
    if table.empty:
        return
    series = {ctx.cat(c, chart=True): table[c].to_numpy() for c in table.columns}
    colours = {ctx.cat(c, chart=True): ctx.colour(c) for c in table.columns}
    uri = ctx.image(F.stacked_bars(ctx.canvas, list(table.index), series, colors=colours,
                                   title=ctx.c("三线冲突按行政区", "Three-line conflicts by unit"),
                                   xlabel=ctx.c("亩", "mu")))
    if uri:
        sec.images.append((uri, ctx.w("各行政区冲突面积（亩）", "Conflict area per unit (mu)")))


def farmland_retention(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    sec.overview = False
    if "status" in frame.columns:
        short = frame["status"].astype(str) != "ok"
        sec.figures.append(Figure(f"{sec.name}.short", ctx.w("个行政区未达标", "units short of a target"),
                                  int(short.sum()), grave=bool(short.any())))
    for col, zh, en in (("cultivated_mu", "耕地面积", "cultivated land"), ("pbf_mu", "永久基本农田", "PBF")):
        if col in frame.columns:
            sec.figures.append(Figure(f"{sec.name}.{col}", ctx.w(zh, en), total(num(frame, col)), "亩", 0))
    share = num(frame, "pbf_share")
    if share is not None and "admin_name" in frame.columns:
        minimum = num(frame, "pbf_share_min")
        line = float(minimum.dropna().iloc[0]) if minimum is not None and len(minimum.dropna()) else \
            ctx.data.threshold("farmland.pbf_share_min", 0.8)
        order = share.sort_values().index
        uri = ctx.image(F.bar_chart(ctx.canvas, list(frame.loc[order, "admin_name"]), share[order].to_numpy(),
                                    lines=[(line, ctx.c(f"{line:.0%} 下限", f"{line:.0%} minimum"), "#d62728")],
                                    percent=True, horizontal=True,
                                    colors=["#d62728" if v < line else "#2ca02c" for v in share[order]],
                                    title=ctx.c("永久基本农田占耕地比例", "PBF share of cultivated land"),
                                    ylabel=ctx.c("比例", "share")))
        if uri:
            sec.images.append((uri, ctx.w(f"各行政区永久基本农田占耕地比例与 {line:.0%} 要求",
                                          f"PBF share per unit against {line:.0%}")))
