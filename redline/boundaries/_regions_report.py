"""The report's part for 区域节约集约评价 (region_evaluation): headline figures and the townships' ranking chart.

The section's table is the output itself, which :func:`redline.boundaries.regions.region_evaluation` orders by rank.
"""

from __future__ import annotations

import pandas as pd

from ..report import _figures as F
from ..report.sections import Ctx, Figure, Section, num
from .regions import STATUS

__all__ = ["region_evaluation"]


def region_evaluation(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    sec.overview = False
    if "unit_level" not in frame.columns:
        return
    towns = frame[frame["unit_level"] == "township"]
    total = frame[frame["unit_level"] == "total"]
    if len(total):
        t = total.iloc[0]
        sec.figures += [
            Figure(f"{sec.name}.ha_per_yi_yuan", ctx.w("单位GDP建设用地（全部乡镇）", "land per GDP (all townships)"),
                   float(t["ha_per_yi_yuan"]), "公顷/亿元", 2),
            Figure(f"{sec.name}.change", ctx.w("较基期变化", "change since the base year"),
                   float(t["ha_per_yi_yuan_change"]), "%",
                   grave=bool(pd.notna(t["ha_per_yi_yuan_change"]) and t["ha_per_yi_yuan_change"] > t["change_target"]))]
    if "status" in towns.columns:
        flagged = int((towns["status"] == "flagged").sum())
        sec.figures.append(Figure(f"{sec.name}.flagged", ctx.w("个乡镇有未达标项", "townships with a check failed"),
                                  flagged, grave=flagged > 0))
    index = num(towns, "index")
    if index is None or index.isna().all():
        return
    order = index.sort_values(ascending=False).index
    red, green = (s.colour for s in STATUS)
    labels = [f"{int(towns.at[i, 'rank'])}. {towns.at[i, 'unit_name'] or towns.at[i, 'unit_id']}"
              if pd.notna(towns.at[i, "rank"]) else str(towns.at[i, "unit_name"]) for i in order]
    colours = [red if towns.at[i, "status"] == "flagged" else green for i in order]
    uri = ctx.image(F.bar_chart(ctx.canvas, labels, index[order].to_numpy(), horizontal=True, colors=colours,
                                title=ctx.c("乡镇节约集约综合指数排名", "Townships ranked by the composite index"),
                                ylabel=ctx.c("综合指数 (0–100)", "index (0-100)")))
    if uri:
        sec.images.append((uri, ctx.w("综合指数与排名（红：有未达标项）", "Index and rank (red: a check failed)")))
