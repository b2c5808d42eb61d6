"""The report's charts and maps for the imagery audits (转移矩阵, 变化图斑, 卫片图斑登记表).

Section hooks ``(ctx, section, frame) -> None`` named by the outputs' specs
(:mod:`redline.imagery._specs`); the judgements' labels and colours are the statuses of
:data:`redline.imagery.judge.JUDGEMENT`.
"""

from __future__ import annotations

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
    spatial,
    status_bars,
    status_map,
    total,
)

__all__ = ["change_patches", "patch_register", "transitions"]


def patch_register(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    """卫片执法: the area per judgement, the judgements counted and mapped."""
    out = ctx.output(sec)
    if out is None or out.status_column not in frame.columns:
        return
    area = mu(frame, "area_mu")
    judgement = frame[out.status_column].astype(str)
    if area is not None:
        for s in out.statuses:  # the gravest first
            m = judgement == s.code
            if m.any():
                sec.figures.append(Figure(f"{sec.name}.{s.code}_mu", ctx.w(f"{ctx.cat(s.code)}面积",
                                                                           f"{ctx.cat(s.code)} area"),
                                          total(area, m), "亩", 2))
    status_bars(ctx, sec, out, frame, ("变化图斑研判结果", "Judgement of change patches"), ("个", "count"),
                ("按研判结果统计", "By judgement"))
    status_map(ctx, sec, out, frame, ("变化图斑研判分布", "Judged change patches"), codes=out.status_codes)


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
    unit = "亩" if value == "area_mu" else ctx.c("像元", "pixels")
    uri = ctx.image(F.heatmap(ctx.canvas, m, title=ctx.c("地类转移矩阵", "Transition matrix"), unit=unit))
    if uri:
        sec.images.append((uri, ctx.w("行：前一时相地类；列：后一时相地类", "Rows: first date; columns: second date")))
