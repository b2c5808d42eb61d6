"""Static maps and charts for the report, drawn with matplotlib's object API (no pyplot state).

Every figure comes back as a ``data:image/png;base64,...`` URI, so the page needs nothing from
outside itself. Text on figures is Chinese when a CJK font is installed (see :mod:`._fonts`),
English otherwise; category labels a font cannot draw are replaced by short codes.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import shapely

from ._fonts import cjk_font

__all__ = ["Canvas", "LINE_STYLES", "bar_chart", "drawable", "grouped_bars", "heatmap", "line_chart", "map_figure", "stacked_bars", "to_data_uri"]

PALETTE = ("#d62728", "#ff7f0e", "#1f77b4", "#9467bd", "#2ca02c", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#7f7f7f")


class Canvas:
    """The font and language figures are drawn with, and the label codes used when Chinese cannot be drawn."""

    def __init__(self, lang: str = "zh") -> None:
        self.font = cjk_font()
        self.lang = lang if (lang == "en" or self.font) else "en"
        self.codes: dict[str, str] = {}
        self._latin: dict[str, str] = {}
        #: chart texts holding Chinese that were replaced because no font draws them (:func:`drawable`)
        self.replaced = 0

    @property
    def can_draw_cjk(self) -> bool:
        return self.font is not None

    def text(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def label(self, value) -> str:
        """A category label the font can draw: the text itself, or a short code (U1, U2 ...)."""
        s = "" if value is None else str(value)
        if self.can_draw_cjk or not any(ord(ch) >= 0x2E80 for ch in s):  # DejaVu draws ≥ – ° ...
            return s
        # bilingual labels ("容积率 far") keep their Latin part when that part is unambiguous
        latin = " ".join("".join(" " if ord(ch) >= 0x2E80 else ch for ch in s).split()).strip(" ()（）:：-")
        if sum(ch.isalpha() for ch in latin) >= 2 and self._latin.setdefault(latin, s) == s:
            return latin
        if s not in self.codes:
            self.codes[s] = f"U{len(self.codes) + 1}"
        return self.codes[s]

    def figure(self, width: float, height: float):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
        FigureCanvasAgg(fig)
        fig.set_facecolor("white")
        return fig

    def rc(self):
        """The matplotlib settings every figure is built and saved under (the CJK font first)."""
        import matplotlib

        families = [self.font, "DejaVu Sans"] if self.font else ["DejaVu Sans"]
        return matplotlib.rc_context({"font.family": ["sans-serif"], "font.sans-serif": families,
                                      "axes.unicode_minus": False, "svg.fonttype": "path"})


def _has_cjk(text: str) -> bool:
    return any(ord(ch) >= 0x2E80 for ch in text)


def drawable(fig, canvas: Canvas) -> int:
    """Make every text of ``fig`` one the font can draw; return how many texts were changed.

    With a CJK font nothing changes. Without one, a text holding Chinese (a title, an axis label, a
    tick, a legend entry, a unit such as 亩 that a caller passed through) is replaced by its Latin part
    or a short code (:meth:`Canvas.label`), so matplotlib never draws a missing-glyph box (tofu).
    """
    if canvas.can_draw_cjk:
        return 0
    from matplotlib.text import Text

    changed = 0
    for artist in fig.findobj(Text):
        text = artist.get_text()
        if text and _has_cjk(text):
            artist.set_text(canvas.label(text.replace("亩", "mu")))
            changed += 1
    if changed:
        canvas.replaced += changed
    return changed


def to_data_uri(fig, canvas: Canvas) -> str:
    drawable(fig, canvas)
    buf = io.BytesIO()
    with canvas.rc():
        fig.savefig(buf, format="png", dpi=110, facecolor="white")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


# --- maps -----------------------------------------------------------------------------------------


def _paths(geoms):
    """matplotlib Paths for polygons (holes kept), and representative points for other geometry."""
    from matplotlib.path import Path as MPath

    paths, points = [], []
    for g in geoms:
        if g is None or g.is_empty:
            continue
        if g.geom_type in ("Polygon", "MultiPolygon"):
            for poly in getattr(g, "geoms", [g]):
                verts, codes = [], []
                for ring in (poly.exterior, *poly.interiors):
                    xy = np.asarray(ring.coords)[:, :2]
                    if len(xy) < 3:
                        continue
                    verts.append(xy)
                    c = np.full(len(xy), MPath.LINETO, dtype=np.uint8)
                    c[0] = MPath.MOVETO
                    c[-1] = MPath.CLOSEPOLY
                    codes.append(c)
                if verts:
                    paths.append(MPath(np.concatenate(verts), np.concatenate(codes)))
        elif g.geom_type == "GeometryCollection":
            p, q = _paths(list(g.geoms))
            paths += p
            points += q
        else:
            points.append(g.representative_point().coords[0])
    return paths, points


def _nice_length(width_m: float) -> float:
    target = width_m / 5
    if target <= 0:
        return 0.0
    base = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * base <= target:
            return step * base
    return base


def _scale_bar(ax, canvas: Canvas) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    if not length:
        return
    bx = x0 + 0.04 * (x1 - x0)
    by = y0 + 0.05 * (y1 - y0)
    h = 0.012 * (y1 - y0)
    half = length / 2
    ax.fill([bx, bx + half, bx + half, bx], [by, by, by + h, by + h], color="black", zorder=10)
    ax.fill([bx + half, bx + length, bx + length, bx + half], [by, by, by + h, by + h], facecolor="white",
            edgecolor="black", linewidth=0.8, zorder=10)
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(bx, by + 2.2 * h, "0", fontsize=7, ha="center", va="bottom", zorder=10)
    ax.text(bx + length, by + 2.2 * h, text, fontsize=7, ha="center", va="bottom", zorder=10)


def _north_arrow(ax, canvas: Canvas) -> None:
    ax.annotate(canvas.text("北", "N"), xy=(0.95, 0.96), xytext=(0.95, 0.84), xycoords="axes fraction",
                ha="center", va="center", fontsize=11,
                arrowprops={"facecolor": "black", "width": 4, "headwidth": 11, "headlength": 10, "linewidth": 0})


def _limits(ax, bounds, *, min_size: float = 0.0, aspect: float | None = None) -> None:
    """Limits around ``bounds`` (padded, at least ``min_size``), widened to ``aspect`` (width / height)."""
    xmin, ymin, xmax, ymax = bounds
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    hx = max(xmax - xmin, min_size) / 2 * 1.08 + 1.0
    hy = max(ymax - ymin, min_size) / 2 * 1.08 + 1.0
    if aspect:
        hx, hy = max(hx, hy * aspect), max(hy, hx / aspect)
    ax.set_xlim(cx - hx, cx + hx)
    ax.set_ylim(cy - hy, cy + hy)


def _bounds(arrays) -> np.ndarray | None:
    each = [shapely.total_bounds(np.asarray(a, dtype=object)) for a in arrays if a is not None and len(a)]
    b = np.asarray([x for x in each if np.all(np.isfinite(x))])
    if not len(b):
        return None
    return np.array([b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()])


def _cluster_bounds(arrays) -> np.ndarray | None:
    """The extent of the geometries whose centres lie between the 10th and 90th percentiles in x and y."""
    geoms = np.concatenate([np.asarray(a, dtype=object) for a in arrays])
    xy = shapely.get_coordinates(shapely.centroid(geoms))
    lo, hi = np.percentile(xy, 10, axis=0), np.percentile(xy, 90, axis=0)
    inside = np.all((xy >= lo) & (xy <= hi), axis=1)
    return _bounds([geoms[inside]]) if inside.any() else _bounds([geoms])


#: how the three control lines (三线) are drawn under the findings: input kind -> (face, edge, line style, width,
#: Chinese label, English label). Permanent basic farmland is a light fill (it covers much of a county), the
#: ecological red line and the urban growth boundary are outlines, so findings inside them stay visible.
LINE_STYLES: dict[str, tuple[str, str, Literal["solid", "dashed"], float, str, str]] = {
    "farmland": ("#dcecc4", "#b5d38c", "solid", 0.3, "永久基本农田", "permanent basic farmland"),
    "eco_redline": ("none", "#1a7f37", "solid", 1.3, "生态保护红线", "ecological red line"),
    "growth_boundary": ("none", "#7b3294", "dashed", 1.3, "城镇开发边界", "urban growth boundary"),
}


def map_figure(canvas: Canvas, layers: Sequence[tuple], *, background=None, outline=None, metric: bool = True,
               title: str = "", width: float = 7.5, height: float = 6.0, zoom: str = "auto",
               lines: Mapping[str, Any] | None = None):
    """A map: ``layers`` = [(geometries, colour, legend label[, "outline"]), ...] over grey admin units.

    A layer marked ``"outline"`` is drawn as a thick outline above the filled layers, so the land it shares
    with them (deadline alerts on an idle supply) stays visible. ``lines``: the control lines (三线), input
    kind (:data:`LINE_STYLES`) -> geometries, drawn over the units and under the findings, each in the legend.

    ``zoom``: ``"auto"`` shows the findings' own extent when they cover a small part of the units
    (the units stay in grey behind); ``"inset"`` draws the whole jurisdiction and, beside it, the
    findings' extent marked on it; ``"none"`` always the whole. Returns the figure, or None when
    there is nothing to draw.
    """
    from matplotlib.collections import PathCollection
    from matplotlib.patches import Patch, Rectangle

    drawn, styles = [], []
    for g, c, lab, *style in layers:
        if g is None or not len(g):
            continue
        arr = np.asarray(g, dtype=object)
        arr = arr[~shapely.is_missing(arr) & ~shapely.is_empty(arr)]
        if len(arr):
            drawn.append((arr, c, lab))
            styles.append(style[0] if style else "fill")
    if not drawn:
        return None
    # filled layers first, outlined ones over them
    order = sorted(range(len(drawn)), key=lambda i: styles[i] == "outline")
    drawn, styles = [drawn[i] for i in order], [styles[i] for i in order]
    data_bounds = _bounds([a for a, _, _ in drawn])
    has_bg = background is not None and len(background)
    all_bounds = _bounds([a for a, _, _ in drawn] + ([np.asarray(background, dtype=object)] if has_bg else []))
    line_paths = [(kind, p) for kind, p in ((kind, _paths(g)[0]) for kind, g in (lines or {}).items()
                                            if kind in LINE_STYLES and g is not None) if p]
    if data_bounds is None or all_bounds is None:
        return None
    span = max(all_bounds[2] - all_bounds[0], all_bounds[3] - all_bounds[1])
    data_span = max(data_bounds[2] - data_bounds[0], data_bounds[3] - data_bounds[1])
    small = has_bg and data_span < 0.45 * span
    inset = False
    if has_bg and zoom in ("inset", "auto") and not small:
        # most findings in a small area, a few far away: the whole, and beside it where most are
        cluster = _cluster_bounds([a for a, _, _ in drawn])
        cluster_span = max(cluster[2] - cluster[0], cluster[3] - cluster[1]) if cluster is not None else span
        if cluster is not None and cluster_span < 0.3 * span:
            inset, data_bounds, data_span = True, cluster, cluster_span
    elif zoom == "inset" and small:
        inset = True
    fig = canvas.figure(width * (1.9 if inset else 1), height)
    axes = fig.subplots(1, 2) if inset else [fig.add_subplot()]
    bg_paths = _paths(background)[0] if has_bg else []
    handles = []
    for k, ax in enumerate(axes):
        if bg_paths:
            ax.add_collection(PathCollection(bg_paths, facecolor="#f0f0f0", edgecolor="#9a9a9a", linewidth=0.5,
                                             zorder=1))
        if outline is not None and not outline.is_empty:
            ax.add_collection(PathCollection(_paths([outline])[0], facecolor="none", edgecolor="#555555",
                                             linewidth=1.2, zorder=2))
        for kind, paths in line_paths:
            face, edge, dash, lw, zh, en = LINE_STYLES[kind]
            ax.add_collection(PathCollection(paths, facecolor=face, edgecolor=edge, linestyle=dash, linewidth=lw,
                                             zorder=2.5 if face != "none" else 2.7))
            if k == 0:
                handles.append(Patch(facecolor=face, edgecolor=edge, linestyle=dash, linewidth=lw,
                                     label=canvas.text(zh, en)))
        for z, (arr, colour, label) in enumerate(drawn):
            paths, points = _paths(arr)
            hollow = styles[z] == "outline"
            if paths:
                ax.add_collection(PathCollection(paths, facecolor="none" if hollow else colour, edgecolor=colour,
                                                 alpha=1.0 if hollow else 0.8,
                                                 linewidth=(1.6 if hollow else 0.8) if k == 0 and (inset or not small)
                                                 else (1.2 if hollow else 0.5),
                                                 zorder=3 + z))
            if points:
                xy = np.asarray(points)
                ax.scatter(xy[:, 0], xy[:, 1], s=14, color=colour, edgecolor="black", linewidth=0.3, zorder=20 + z)
            # polygons too small to see at this scale get a ring around them
            view = span if (k == 0 if inset else (zoom == "none" or not small)) else max(data_span, 0.05 * span)
            b = shapely.bounds(arr)
            tiny = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) < 0.01 * view
            if inset and k == 0:  # the zoom panel shows those in the box; ring the ones far from it
                c = shapely.get_coordinates(shapely.centroid(arr))
                m = max(data_span, 0.1 * span)  # near the box counts as in it
                tiny &= ~((c[:, 0] >= data_bounds[0] - m) & (c[:, 0] <= data_bounds[2] + m)
                          & (c[:, 1] >= data_bounds[1] - m) & (c[:, 1] <= data_bounds[3] + m))
            elif tiny.sum() > 30:  # many tiny features: rings would hide the map
                tiny[:] = False
            if tiny.any():
                xy = shapely.get_coordinates(shapely.centroid(arr[tiny]))
                ax.scatter(xy[:, 0], xy[:, 1], s=60, facecolor="none", edgecolor=colour, linewidth=1.4,
                           zorder=25 + z)
            if k == 0:
                handles.append(Patch(facecolor="none" if hollow else colour, edgecolor=colour,
                                     linewidth=1.6 if hollow else 0.8, alpha=1.0 if hollow else 0.8, label=label))
        whole = k == 0 if inset else (zoom == "none" or not small)
        whole_aspect = (all_bounds[2] - all_bounds[0]) / max(all_bounds[3] - all_bounds[1], 1.0)
        _limits(ax, all_bounds if whole else data_bounds, min_size=0.05 * span if not whole else 0.0,
                aspect=None if whole else min(max(whole_aspect, 0.6), 1.6))
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_edgecolor("#888888")
        if metric:
            _scale_bar(ax, canvas)
        _north_arrow(ax, canvas)
        if inset and k == 0:
            pad = 0.04 * data_span
            r = Rectangle((data_bounds[0] - pad, data_bounds[1] - pad), data_bounds[2] - data_bounds[0] + 2 * pad,
                          data_bounds[3] - data_bounds[1] + 2 * pad, facecolor="none", edgecolor="#1f4e79",
                          linewidth=1.2, linestyle="--", zorder=30)
            ax.add_patch(r)
    if has_bg:
        handles.insert(0, Patch(facecolor="#f0f0f0", edgecolor="#9a9a9a", label=canvas.text("行政区", "admin units")))
    if inset:
        fig.legend(handles=handles, loc="outside lower center", ncol=min(4, len(handles)), fontsize=8,
                   frameon=False)
    else:
        axes[0].legend(handles=handles, loc="upper left", fontsize=8, framealpha=0.9)
    if inset:
        axes[0].set_title(canvas.text("全域", "whole jurisdiction"), fontsize=10)
        axes[1].set_title(canvas.text("发现集中区域（左图虚线框）", "where the findings are (dashed box)"), fontsize=10)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


# --- charts ---------------------------------------------------------------------------------------


def bar_chart(canvas: Canvas, labels: Sequence, values: Sequence[float], *, lines: Sequence[tuple] = (),
              title: str = "", ylabel: str = "", percent: bool = False, horizontal: bool = False,
              colors: Sequence[str] | None = None, width: float = 6.0, height: float = 3.4):
    """Bars (with optional reference lines [(value, label, colour)]); None when there is nothing to draw."""
    vals = np.asarray([np.nan if v is None else float(v) for v in values], dtype=float)
    if not len(vals) or np.isnan(vals).all():
        return None
    labels = [canvas.label(x) for x in labels]
    if horizontal:
        height = max(height, 0.9 + 0.28 * len(vals))
    fig = canvas.figure(width, height)
    ax = fig.add_subplot()
    scale = 100.0 if percent else 1.0
    pos = np.arange(len(vals))
    col = list(colors) if colors is not None else ["#1f77b4"] * len(vals)
    if horizontal:
        ax.barh(pos, np.nan_to_num(vals) * scale, color=col)
        ax.set_yticks(pos, labels)
        ax.invert_yaxis()
    else:
        ax.bar(pos, np.nan_to_num(vals) * scale, color=col)
        ax.set_xticks(pos, labels, rotation=45 if len(vals) > 6 or max(map(len, labels), default=0) > 6 else 0,
                      ha="right" if len(vals) > 6 else "center")
    for value, label, colour in lines:
        if value is None:
            continue
        v = float(value) * scale
        if horizontal:
            ax.axvline(v, color=colour, linestyle="--", linewidth=1.2, label=label)
        else:
            ax.axhline(v, color=colour, linestyle="--", linewidth=1.2, label=label)
    if lines:
        ax.legend(fontsize=8, loc="lower right" if horizontal else "upper right")
    axis = ax.xaxis if horizontal else ax.yaxis
    if not percent and np.allclose(np.nan_to_num(vals), np.round(np.nan_to_num(vals))):
        from matplotlib.ticker import MaxNLocator

        axis.set_major_locator(MaxNLocator(integer=True))
    if percent:
        from matplotlib.ticker import PercentFormatter

        axis.set_major_formatter(PercentFormatter(100))
    (ax.set_xlabel if horizontal else ax.set_ylabel)(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(axis="x" if horizontal else "y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def stacked_bars(canvas: Canvas, labels: Sequence, series: dict[str, Sequence[float]], *, title: str = "",
                 xlabel: str = "", colors: dict[str, str] | None = None, width: float = 6.5, height: float = 3.4):
    """Horizontal stacked bars: one bar per label, one segment per series; None when all zero."""
    if not series or not len(labels):
        return None
    data = {k: np.nan_to_num(np.asarray(v, dtype=float)) for k, v in series.items()}
    if not any(np.any(v) for v in data.values()):
        return None
    labels = [canvas.label(x) for x in labels]
    fig = canvas.figure(width, max(height, 1.1 + 0.3 * len(labels)))
    ax = fig.add_subplot()
    pos = np.arange(len(labels))
    left = np.zeros(len(labels))
    for k, (name, vals) in enumerate(data.items()):
        colour = (colors or {}).get(name, PALETTE[k % len(PALETTE)])
        ax.barh(pos, vals, left=left, color=colour, label=canvas.label(name))
        left += vals
    ax.set_yticks(pos, labels)
    ax.invert_yaxis()
    if all(np.allclose(v, np.round(v)) for v in data.values()):
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=min(3, len(data)), frameon=False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def heatmap(canvas: Canvas, matrix, *, title: str = "", unit: str = ""):
    """A transition matrix as a heat map with the values written in the cells."""
    values = np.asarray(matrix.to_numpy(), dtype=float)
    if not values.size:
        return None
    fig = canvas.figure(min(8.0, 2.8 + 0.6 * values.shape[1]), min(7.0, 2.3 + 0.5 * values.shape[0]))
    ax = fig.add_subplot()
    im = ax.imshow(np.log1p(np.nan_to_num(values)), cmap="Blues")
    xl = [canvas.label(c) for c in matrix.columns]
    long_labels = max((len(x) for x in xl), default=0) > 4
    ax.set_xticks(range(values.shape[1]), xl, rotation=45 if long_labels else 0, ha="right" if long_labels else "center")
    ax.set_yticks(range(values.shape[0]), [canvas.label(c) for c in matrix.index])
    ax.set_xlabel(canvas.text("后一时相", "after"), fontsize=9)
    ax.set_ylabel(canvas.text("前一时相", "before"), fontsize=9)
    top = np.nanmax(values) if np.isfinite(values).any() else 0
    if values.size <= 144:
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                v = values[i, j]
                if np.isfinite(v) and v:
                    ax.text(j, i, f"{v:,.0f}" if v >= 100 else f"{v:,.1f}", ha="center", va="center", fontsize=7,
                            color="white" if v > top / 3 else "black")
    ax.tick_params(labelsize=8)
    del im
    if title:
        ax.set_title(title + (f" ({unit})" if unit else ""), fontsize=10)
    return fig


def line_chart(canvas: Canvas, labels: Sequence, series: Mapping[str, Sequence[float | None]], *, title: str = "",
               ylabel: str = "", colors: dict[str, str] | None = None, width: float = 6.0, height: float = 3.4):
    """One line per series over ``labels`` (e.g. rounds), markers on every point; None when there is no series."""
    if not series or not len(labels):
        return None
    labels = [canvas.label(x) for x in labels]
    fig = canvas.figure(width, height)
    ax = fig.add_subplot()
    pos = np.arange(len(labels))
    values = []
    for k, (name, vals) in enumerate(series.items()):
        v = np.asarray([np.nan if x is None else float(x) for x in vals], dtype=float)
        values.append(v)
        ax.plot(pos, v, marker="o", linewidth=1.6, markersize=5, label=canvas.label(name),
                color=(colors or {}).get(name, PALETTE[k % len(PALETTE)]))
    ax.set_xticks(pos, labels)
    if len(labels) == 1:
        ax.set_xlim(-0.5, 0.5)
    if all(np.allclose(np.nan_to_num(v), np.round(np.nan_to_num(v))) for v in values):
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=min(3, len(series)), frameon=False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def grouped_bars(canvas: Canvas, labels: Sequence, series: Mapping[str, Sequence[float]], *, title: str = "",
                 ylabel: str = "", colors: dict[str, str] | None = None, width: float = 6.0, height: float = 3.4):
    """Vertical bars side by side: a group per label, a bar per series, its value written on it; None when all zero."""
    if not series or not len(labels):
        return None
    data = {k: np.nan_to_num(np.asarray(v, dtype=float)) for k, v in series.items()}
    if not any(np.any(v) for v in data.values()):
        return None
    labels = [canvas.label(x) for x in labels]
    fig = canvas.figure(width, height)
    ax = fig.add_subplot()
    pos = np.arange(len(labels))
    step = 0.8 / len(data)
    for k, (name, vals) in enumerate(data.items()):
        bars = ax.bar(pos - 0.4 + step * (k + 0.5), vals, width=step * 0.92, label=canvas.label(name),
                      color=(colors or {}).get(name, PALETTE[k % len(PALETTE)]))
        ax.bar_label(bars, labels=[f"{v:,.0f}" if v else "" for v in vals], fontsize=7, padding=1)
    ax.set_xticks(pos, labels)
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.margins(y=0.12)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=min(4, len(data)), frameon=False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if title:
        ax.set_title(title, fontsize=10)
    return fig
