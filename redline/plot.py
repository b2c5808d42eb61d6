"""Maps of findings drawn the way the report draws them, for notebooks and scripts.

:func:`findings_map` draws one audit output coloured by its statuses (the colours and labels its spec declares,
the ones the report, the ledger and the QGIS styles use), over the administrative units and the control lines
(永久基本农田, 生态保护红线, 城镇开发边界) when they are given, with a scale bar and a north arrow. It returns a
matplotlib :class:`~matplotlib.figure.Figure` built without pyplot's global state, which Jupyter shows as it is and
:func:`save` writes to a file.

>>> from redline.example import load_example
>>> from redline.overlay import supplied_not_used
>>> layers = load_example()
>>> idle = supplied_not_used(layers["supplies"], layers["buildings"], as_of="2026-06-30")
>>> fig = findings_map(idle, "idle_land", background=layers["admin"], lines={"farmland": layers["farmland"]})
>>> legend_labels(fig)[:4]
['行政区', '永久基本农田', '闲置满两年(可无偿收回)', '闲置满一年(征缴闲置费)']
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

__all__ = ["findings_map", "legend_labels", "run_map", "save"]

#: the colour of rows whose status the output's spec does not declare
OTHER_COLOUR = "#969696"


def _output_spec(output: str) -> Any:
    from .registry import producer_of

    try:
        spec = producer_of(output)
    except KeyError:
        from .registry import all_specs

        names = sorted(o.name for s in all_specs() for o in s.outputs)
        raise ValueError(f"no audit makes the output {output!r}; the outputs are: {', '.join(names)}") from None
    return next(o for o in spec.outputs if o.name == output)


def _geoms(frame: Any, what: str) -> np.ndarray:
    if not isinstance(frame, gpd.GeoSeries | gpd.GeoDataFrame):
        raise TypeError(f"{what} must be a GeoDataFrame or GeoSeries, not {type(frame).__name__}")
    geoms = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame
    return np.asarray(geoms.to_numpy(), dtype=object)


def findings_map(frame: gpd.GeoDataFrame, output: str, *, background: Any = None,
                 lines: Mapping[str, Any] | None = None, lang: str = "zh", title: str | None = None,
                 findings_only: bool = False, zoom: str = "auto", width: float = 7.5, height: float = 6.0):
    """A map of ``frame``, the output ``output`` of an audit (e.g. ``"idle_land"``), coloured by its statuses.

    Parameters
    ----------
    frame : GeoDataFrame
        The audit's output as it returned it (or read back from ``redline_results.gpkg``).
    output : str
        Its output name: the colours and labels come from that output's spec.
    background : GeoDataFrame, optional
        The administrative units drawn in grey behind (``admin``).
    lines : mapping, optional
        Control lines by input kind: ``farmland``, ``eco_redline``, ``growth_boundary`` -> GeoDataFrame.
    lang : {"zh", "en"}
        Labels in Chinese (when a Chinese font is installed; English otherwise, as in the report) or English.
    title : str, optional
        Default: the output's label.
    findings_only : bool
        Draw only the rows whose status is a finding (the statuses the spec counts), not the whole register.
    zoom : {"auto", "inset", "none"}
        As in the report: the findings' extent when they are a small part of the units, an inset, or the whole.

    Returns
    -------
    matplotlib.figure.Figure, or None when nothing has a geometry.
    """
    from .report import _figures as F

    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    out = _output_spec(output)
    geoms = _geoms(frame, "frame")
    unknown = sorted(set(lines or {}) - set(F.LINE_STYLES))
    if unknown:
        raise ValueError(f"lines: no control line {', '.join(map(repr, unknown))}; the lines are "
                         f"{', '.join(F.LINE_STYLES)}")
    canvas = F.Canvas(lang)
    column = out.status_column
    layers: list[tuple] = []
    if column and column in frame.columns:
        codes = frame[column].astype("string").fillna("")
        statuses = list(out.statuses)
        if findings_only:
            counted = [s for s in statuses if s.counted or s.watch]
            statuses = counted or statuses
        for s in statuses:
            mask = (codes == s.code).to_numpy()
            if mask.any():
                layers.append((geoms[mask], s.colour, canvas.label(canvas.text(s.label_zh, s.label_en))))
        if not findings_only:
            other = ~codes.isin([s.code for s in out.statuses]).to_numpy()
            if other.any():
                layers.append((geoms[other], OTHER_COLOUR, canvas.text("其他", "other")))
    else:
        layers.append((geoms, F.PALETTE[0], canvas.label(canvas.text(out.label_zh, out.label_en))))
    drawn_lines = {kind: _geoms(g, f"lines[{kind!r}]") for kind, g in (lines or {}).items() if g is not None}
    bg = _geoms(background, "background") if background is not None else None
    name = title if title is not None else canvas.label(canvas.text(out.label_zh, out.label_en))
    metric = not (isinstance(frame, gpd.GeoDataFrame) and frame.crs is not None and frame.crs.is_geographic)
    with canvas.rc():
        fig = F.map_figure(canvas, layers, background=bg, metric=metric, title=name, width=width, height=height,
                           zoom=zoom, lines=drawn_lines)
        if fig is not None:
            F.drawable(fig, canvas)
            # the font set on every text, so the figure draws the same outside this context (Jupyter, save)
            from matplotlib.text import Text

            families = [canvas.font, "DejaVu Sans"] if canvas.font else ["DejaVu Sans"]
            for text in fig.findobj(Text):
                text.set_fontfamily(families)
    return fig


def run_map(result: Any, output: str, **options: Any):
    """:func:`findings_map` of one output of a run (:func:`redline.pipeline.run_audits`), over the run's own
    administrative units and control lines when they were among its inputs."""
    from .report import _figures as F

    if output not in result.outputs:
        raise ValueError(f"the run has no output {output!r}; it has: {', '.join(result.outputs)}")
    layers = getattr(result, "layers", {}) or {}
    options.setdefault("background", layers.get("admin"))
    options.setdefault("lines", {k: layers[k] for k in F.LINE_STYLES if isinstance(layers.get(k), gpd.GeoDataFrame)})
    return findings_map(result.outputs[output], output, **options)


def legend_labels(fig: Any) -> list[str]:
    """The labels of a map's legend, in order (to check a map in a test or a notebook)."""
    out: list[str] = []
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
    return out


def save(fig: Any, path: str | os.PathLike[str], *, dpi: int = 150) -> Path:
    """Write a map to ``path`` (PNG, SVG or PDF by its suffix), atomically."""
    from .io.write import atomic_path

    if fig is None:
        raise ValueError("nothing to save: the map is empty (no feature had a geometry)")
    dest = Path(path)
    with atomic_path(dest) as tmp:
        fig.savefig(tmp, dpi=dpi, format=dest.suffix.lstrip(".").lower() or "png")
    return dest
