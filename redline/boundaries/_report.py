"""The report's charts and maps for the boundary audits (土地开发强度, 城镇开发边界使用).

Section hooks ``(ctx, section, frame) -> None`` named by the outputs' specs (:mod:`redline.boundaries`);
the intensity levels' colours are the statuses of :data:`redline.boundaries.intensity.LEVEL`.
"""

from __future__ import annotations

import pandas as pd

from ..report import _figures as F
from ..report.sections import Ctx, Figure, Section, geoms, mu, num, spatial, total
from .intensity import LEVEL

__all__ = ["development_intensity", "growth_boundary_use"]


def development_intensity(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    sec.overview = False
    value = num(frame, "intensity")
    if value is None:
        return
    warning = ctx.data.threshold("intensity.warning", 0.30)
    attention = ctx.data.threshold("intensity.attention", None)
    over = value >= warning
    red, orange, green = (s.colour for s in LEVEL)  # warning, attention, normal
    sec.figures += [
        Figure(f"{sec.name}.over_warning", ctx.w(f"个行政区开发强度 ≥ {warning:.0%}", f"units at or over {warning:.0%}"),
               int(over.sum()), grave=bool(over.any())),
        Figure(f"{sec.name}.max_intensity", ctx.w("最高开发强度", "highest intensity"), float(value.max())
               if len(value.dropna()) else float("nan"), "%")]
    area = num(frame, "total_m2")
    built = num(frame, "construction_m2")
    if area is not None and built is not None and total(area) > 0:
        sec.figures.append(Figure(f"{sec.name}.overall", ctx.w("全域开发强度", "overall intensity"),
                                  total(built) / total(area), "%"))
    order = value.sort_values(ascending=False).index
    unit = "admin_name" if "admin_name" in frame.columns else None
    labels = [frame.at[i, unit] if unit else str(i) for i in order]
    colours = [red if v >= warning else orange if attention is not None and v >= attention else green
               for v in value[order]]
    lines = [(warning, ctx.c(f"{warning:.0%} 预警线", f"{warning:.0%} warning line"), red)]
    if attention is not None:
        lines.append((attention, ctx.c(f"{attention:.0%} 关注线", f"{attention:.0%} attention"), orange))
    uri = ctx.image(F.bar_chart(ctx.canvas, labels, value[order].to_numpy(), lines=lines, percent=True,
                                horizontal=True, colors=colours,
                                title=ctx.c("各行政区土地开发强度", "Development intensity per unit"),
                                ylabel=ctx.c("建设用地 ÷ 国土面积", "construction ÷ total area")))
    if uri:
        sec.images.append((uri, ctx.w(f"开发强度与 {warning:.0%} 预警线", f"Intensity against the {warning:.0%} line")))
    if spatial(frame):
        att = attention if attention is not None else warning
        bands = [(value >= warning, red, ctx.c(f"≥ {warning:.0%}", f"≥ {warning:.0%}")),
                 ((value >= att) & (value < warning), orange, ctx.c(f"{att:.0%}–{warning:.0%}",
                                                                     f"{att:.0%}–{warning:.0%}")),
                 (value < att, green, ctx.c(f"< {att:.0%}", f"< {att:.0%}"))]
        uri = ctx.map([(geoms(frame, m.fillna(False)), c, lab) for m, c, lab in bands])
        if uri:
            sec.images.append((uri, ctx.w("开发强度分级图", "Intensity classes")))


def growth_boundary_use(ctx: Ctx, sec: Section, frame: pd.DataFrame) -> None:
    sec.overview = False
    used = mu(frame, "built_mu")
    left = mu(frame, "unbuilt_mu")
    if used is not None:
        sec.figures.append(Figure(f"{sec.name}.built_mu", ctx.w("开发边界内已建设", "built inside boundary"),
                                  total(used), "亩", 2))
    if left is not None:
        sec.figures.append(Figure(f"{sec.name}.left_mu", ctx.w("开发边界内剩余", "left inside boundary"),
                                  total(left), "亩", 2))
    unit = "name" if "name" in frame.columns else "boundary_id" if "boundary_id" in frame.columns else None
    if used is not None and left is not None and unit:
        uri = ctx.image(F.stacked_bars(ctx.canvas, list(frame[unit]), {ctx.c("已建设", "built"): used.to_numpy(),
                                                                       ctx.c("剩余", "left"): left.to_numpy()},
                                       colors={ctx.c("已建设", "built"): "#7f7f7f", ctx.c("剩余", "left"): "#2ca02c"},
                                       title=ctx.c("城镇开发边界使用", "Growth boundary use"), xlabel=ctx.c("亩", "mu")))
        if uri:
            sec.images.append((uri, ctx.w("开发边界内已建与剩余（亩）", "Built and left inside each boundary (mu)")))
