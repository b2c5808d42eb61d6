"""Change patches (变化图斑): polygons of connected changed pixels, found block by block."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio.features
import shapely
from affine import Affine
from rasterio.windows import Window

from ..audit_date import to_date
from ..errors import Problem, RulesError, ValidationError
from ..result import AuditLog, NoteList, deliver
from ..rules import RuleSet, resolve_rules
from ..units import M2_PER_MU
from ._label import label_runs, runs, union_find
from ._raster import (
    DATE_TAGS,
    DEFAULT_BLOCK,
    Align,
    ImagingDate,
    RasterPair,
    as_class_list,
    block_failed,
    class_index,
    default_workers,
    map_blocks,
)

__all__ = ["PATCH_COLUMNS", "TO_CATEGORIES", "change_patches"]

_POLYGONIZE_LOCK = threading.Lock()

#: the columns of :func:`change_patches`' result, in order (then ``geometry``)
PATCH_COLUMNS = ("patch_id", "from_class", "to_class", "before_date", "after_date", "pixels", "area_m2", "area_mu",
                 "below_min_area", "from_class_pixels", "to_class_pixels", "min_area_rule")

#: TD/T 1055-2019's land classes of the minimum mapping unit (最小上图图斑面积), the entries of the rule
#: set's ``imagery.min_patch_area_m2``: 建设用地, 设施农用地, 农用地 (不含设施农用地), 其他地类
TO_CATEGORIES = ("construction", "facility_agriculture", "agricultural", "other")
ToCategory = Literal["construction", "facility_agriculture", "agricultural", "other"]


@dataclass
class _Block:
    """What one block contributes: its local components' statistics, seam labels and polygon pieces."""

    n: int
    pixels: np.ndarray      # (n,)
    area: np.ndarray | None  # (n,) m², None when the pixel area is constant
    from_counts: np.ndarray  # (n, len(from_classes))
    to_counts: np.ndarray    # (n, len(to_classes))
    first: np.ndarray       # (n,) raster-scan index of each component's first pixel
    top: np.ndarray         # local labels along the block's edges (0 = not changed)
    bottom: np.ndarray
    left: np.ndarray
    right: np.ndarray
    piece_labels: np.ndarray  # local label of each polygon piece
    pieces: np.ndarray        # shapely polygons, in pixel coordinates (col + 1, -row - 1)


def change_patches(before, after, *, from_classes, to_classes, to_category: ToCategory = "construction",
                   min_area_m2: float | None = None, before_date: dt.date | str | None = None,
                   after_date: dt.date | str | None = None, connectivity: int = 8,
                   rules: RuleSet | str | None = None, align: Align = "nearest",
                   block_size: int | tuple[int, int] = DEFAULT_BLOCK, workers: int | None = None,
                   executor: Literal["auto", "threads", "processes"] = "auto",
                   progress: Callable[[int, int], None] | None = None,
                   log: AuditLog | None = None) -> gpd.GeoDataFrame:
    """Change patches (变化图斑): connected pixels that went from ``from_classes`` to ``to_classes``.

    A pixel is changed when its first-date class is in ``from_classes``, its second-date class is in
    ``to_classes``, the two differ, and neither date is nodata. Changed pixels touching each other
    (``connectivity``) form one patch.

    Parameters
    ----------
    before, after : path or open rasterio dataset
        Single-band classified rasters of the two dates (see :func:`redline.imagery.transitions` for
        nodata and different grids).
    from_classes, to_classes : class value or sequence of class values
        E.g. farmland → construction: ``from_classes=[1, 2], to_classes=[5]``.
    to_category : {"construction", "facility_agriculture", "agricultural", "other"}
        The TD/T 1055-2019 class of what the patches became (建设用地, 设施农用地, 农用地 不含设施农用地,
        其他地类), whose minimum mapping area (最小上图图斑面积) applies: the rule set's
        ``imagery.min_patch_area_m2[to_category]`` (cn-national: 200, 200, 400, 600 m²). Default
        ``"construction"``: 卫片执法 looks for land that became construction. The citation names it.
    min_area_m2 : float, optional
        Patches smaller than this (m²) are flagged ``below_min_area`` (低于最小上图面积) instead of the rule
        set's minimum for ``to_category``. Nothing is dropped.
    before_date, after_date : datetime.date or ISO text, optional
        The imaging dates of the two rasters (前时相 / 后时相): an approval or supply counts for a patch only
        if granted before the later image. Default: read from each raster's tags (``TIFFTAG_DATETIME``
        ``"YYYY:MM:DD HH:MM:SS"``, else ``ACQUISITION_DATE`` / ``acquisition_date`` / ``DATE_ACQUIRED``, an
        ISO date). A date given here wins over the tag (with a note when they differ); with neither, the
        column is NaT and a note says so. A first date after the second is an error.
    connectivity : {8, 4}
        8 (default) joins pixels touching only at a corner; 4 needs a shared edge.
    rules : RuleSet, name or path, optional
        The rule set (default ``cn-national``).
    align : {"nearest", "refuse"}
        Different grids: resample the second raster by nearest neighbour, or refuse.
    block_size : int or (rows, cols)
        Block edge in pixels. Memory is bounded by the block size and ``workers``, plus the patches
        themselves; the result does not depend on it.
    workers : int, optional
        Parallel workers (default: the number of CPUs, at most 8).
    executor : {"auto", "threads", "processes"}
        How blocks run in parallel: threads (``"auto"``), or worker processes (spawned, each opening the
        rasters itself; both rasters must be files). GDAL's polygonising holds Python's GIL, but each
        block's components are traced on a canvas packing their bounding boxes, so it is a small share of
        a block's time and threads keep both cores busy with the least memory; processes pay for starting
        Python and sending the pieces back (WKB). They may pay off where changes are dense and the canvas
        is no smaller than the block. The result is the same. A block that fails raises
        :class:`~redline.imagery._raster.BlockError` naming the block's rows and columns, and the blocks
        not yet started are cancelled.
    progress : callable, optional
        ``progress(done, total)``, called in the calling thread as each block's result arrives.

    Returns
    -------
    GeoDataFrame
        One row per patch, in the rasters' CRS, ordered by each patch's first pixel in raster-scan
        order, with columns:

        - ``patch_id`` (int, 1..n in that order);
        - ``from_class`` / ``to_class``: the class most of the patch's pixels had at the first /
          second date (ties: the one listed first in ``from_classes`` / ``to_classes``);
          ``from_class_pixels`` / ``to_class_pixels`` give every class's count, e.g. ``"2:120, 4:3"``,
          when a patch mixes classes;
        - ``before_date`` / ``after_date`` (datetime64, the same for every patch): the imaging dates, NaT
          when unknown;
        - ``pixels``; ``area_m2`` (sum of its pixels' areas: planar in a projected CRS, ellipsoidal per
          row in a geographic one) and ``area_mu`` (亩);
        - ``below_min_area`` (bool): under the minimum area, reported but to be listed separately;
          ``min_area_rule``: the threshold cited;
        - ``geometry``: a Polygon, or a MultiPolygon when parts of the patch touch only at a corner
          (8-connectivity joins them into one patch; a polygon cannot hold a point-touching part).
          Pixel edges are traced exactly; collinear vertices are removed.

        ``log.facts["change_patches"]`` (an :class:`~redline.result.AuditLog`) holds ``pixel_area_note``,
        ``to_category``, ``min_area_m2``, ``rule``, ``before_date``, ``after_date`` (dates or None),
        ``connectivity``, ``aligned``; ``log.notes`` what is missing or overridden about the dates (without a
        log, the notes are logged as warnings).

    Notes
    -----
    Block-wise: each block's changed pixels are labelled, counted and polygonised (GDAL, 4-connected
    pieces in pixel coordinates, traced on a canvas that packs the components' bounding boxes, since
    GDAL's cost is the area it scans; the same polygons as traced in the block); labels meeting across a block seam (edge, or corner with
    8-connectivity) are joined with a union-find; each patch's pieces are unioned and only then
    mapped to the CRS, so a patch crossing a seam is one patch, identical to the whole-raster result.

    Memory: each worker holds one block's arrays (about 100 MB for 2048 × 2048 pixels) and GDAL's
    block cache is capped at 64 MB; the calling process holds the patches found (their polygons and
    counts), so memory grows with the number of patches, never with the raster's size.

    Examples
    --------
    >>> import numpy as np
    >>> from rasterio.io import MemoryFile
    >>> from affine import Affine
    >>> profile = dict(driver="GTiff", width=5, height=5, count=1, dtype="uint8", nodata=0,
    ...                crs="EPSG:4547", transform=Affine(10, 0, 500000, 0, -10, 3500000))
    >>> before = np.full((5, 5), 2, "uint8")
    >>> after = before.copy(); after[1:4, 1:4] = 5
    >>> with MemoryFile() as m1, MemoryFile() as m2:
    ...     with m1.open(**profile) as d:
    ...         d.write(before, 1)
    ...     with m2.open(**profile) as d:
    ...         d.write(after, 1)
    ...     p = change_patches(m1.name, m2.name, from_classes=2, to_classes=5)
    >>> p[["patch_id", "pixels", "area_m2", "area_mu", "below_min_area"]].values.tolist()
    [[1, 9, 900.0, 1.35, False]]
    >>> p["min_area_rule"].iloc[0].split(" (")[0]
    'cn-national@2026.1 imagery.min_patch_area_m2[construction]=200 m2'
    """
    if connectivity not in (4, 8):
        raise ValueError(f"connectivity must be 4 or 8, not {connectivity!r}")
    src_classes = as_class_list(from_classes, "from_classes")
    dst_classes = as_class_list(to_classes, "to_classes")
    rules = resolve_rules(rules)
    min_area_m2, rule = _min_area(rules, to_category, min_area_m2)
    given = {"before": _given_date(before_date, "before_date"), "after": _given_date(after_date, "after_date")}
    workers = workers or default_workers()
    notes: list[str] = []

    with RasterPair(before, after, align=align) as pair:
        dates = {side.label: _imaging_date(side.label, side.name, given[side.label], side.imaging, notes)
                 for side in (pair.before, pair.after)}
        if dates["before"] is not None and dates["after"] is not None and dates["before"] > dates["after"]:
            raise ValidationError(Problem(
                layer="before_date", code="dates_reversed",
                message=f"the first image is dated {dates['before']}, after the second ({dates['after']})",
                fix="swap the rasters, or correct before_date= / after_date= or the rasters' date tags"))
        pa = pair.pixel_area()
        width = pair.width
        grid = pair.windows(block_size)

        flat = [w for row in grid for w in row]
        spec = _Spec(tuple(src_classes), tuple(dst_classes), connectivity,
                     None if pa.constant_m2 is not None else pa.per_row_m2, width)
        use_processes = _use_processes(executor, pair)
        func: Callable[[Window], _Block | tuple[_Block, _Wkb]]
        if use_processes:
            func = partial(_block_in_process, (pair.before.path, pair.after.path, align), spec)
        else:
            func = partial(_block, pair, spec)
        blocks = [_from_process(blk) for blk in map_blocks(func, flat, workers=workers, processes=use_processes,
                                                            progress=progress)]
        crs, transform, aligned = pair.crs, pair.transform, pair.aligned

    frame = _assemble(blocks, len(grid), len(grid[0]), connectivity, pa.constant_m2, src_classes, dst_classes)
    geoms = frame.pop("geometry").to_numpy()
    if len(geoms):
        a, b, c, d, e, f = tuple(transform)[:6]
        def to_crs(xy):  # pixel corner (col, row) = (x - 1, -y - 1)
            col, row = xy[:, 0] - 1.0, -xy[:, 1] - 1.0
            return np.column_stack([a * col + b * row + c, d * col + e * row + f])

        geoms = shapely.transform(geoms, to_crs)
    frame["area_mu"] = frame["area_m2"] / M2_PER_MU
    frame["below_min_area"] = frame["area_m2"] < min_area_m2
    frame["min_area_rule"] = rule
    for name in ("before", "after"):
        frame[f"{name}_date"] = pd.Series(pd.Timestamp(dates[name]) if dates[name] is not None else pd.NaT,
                                          index=frame.index, dtype="datetime64[ns]")
    out = gpd.GeoDataFrame(frame[list(PATCH_COLUMNS)], geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)
    # the facts are figures about the patches (also in the frame); the notes are logged when there is no log
    deliver(AuditLog(notes=NoteList(notes), facts={"change_patches": dict(
        pixel_area_note=pa.note, to_category=to_category, min_area_m2=min_area_m2, rule=rule,
        before_date=dates["before"], after_date=dates["after"], connectivity=connectivity, aligned=aligned)}),
        log, "change_patches")
    return out


def _min_area(rules: RuleSet, to_category: str, min_area_m2: float | None) -> tuple[float, str]:
    """The minimum mapping area (m²) for patches that became ``to_category``, and the rule cited."""
    key = "imagery.min_patch_area_m2"
    if to_category not in TO_CATEGORIES:
        raise ValidationError(Problem(
            layer="to_category", code="unknown_category",
            message=f"to_category must be one of {', '.join(TO_CATEGORIES)} (TD/T 1055-2019's classes of the "
                    f"minimum mapping area), not {to_category!r}",
            fix="construction for new construction land (建设用地), facility_agriculture (设施农用地), agricultural "
                "(农用地), other (其他地类)"))
    rules.check_entries(key, TO_CATEGORIES, complete=True)
    value = rules.value(key, to_category)
    if value is None:
        raise RulesError(Problem(
            layer=f"rules {rules.label}", code="missing_threshold",
            message=f"{key} has no entry for {to_category!r} and no default",
            fix=f"add {to_category} = ... (m²) or default = ... to the [{key}] table"))
    if min_area_m2 is None:
        return float(value), rules.cite(key, to_category)
    if not np.isfinite(min_area_m2) or min_area_m2 < 0:
        raise ValidationError(Problem(layer="min_area_m2", code="bad_threshold",
                                      message=f"min_area_m2 must be a non-negative number, not {min_area_m2!r}",
                                      fix="give an area in m², e.g. 400"))
    min_area_m2 = float(min_area_m2)
    return min_area_m2, (f"{rules.label} {key}={min_area_m2:g} m2 (given by the caller; rule set value for "
                         f"{to_category}: {value:g} m2)")


def _given_date(value, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return to_date(value, name=name, default_today=False)
    except ValueError as exc:
        raise ValidationError(Problem(layer=name, code="bad_date", message=str(exc),
                                      fix=f"give {name} as a date, e.g. {name}='2024-05-01'")) from None


def _imaging_date(label: str, name: str, given: dt.date | None, tagged: ImagingDate, notes: list[str]) -> dt.date | None:
    """The imaging date of one raster: the one given, else its tag's; what is missing or overridden goes to notes."""
    which = "earlier" if label == "before" else "later"
    for bad in tagged.unreadable:
        notes.append(f"[change_patches] the {which} raster ({name}) has a date tag that is not a date: {bad}")
    if given is not None:
        if tagged.date is not None and tagged.date != given:
            notes.append(f"[change_patches] {label}_date={given} given for the {which} raster ({name}), whose "
                         f"{tagged.tag} says {tagged.date} ({tagged.text!r}): the given date is used")
        return given
    if tagged.date is None:
        notes.append(f"[change_patches] no imaging date for the {which} raster ({name}): give {label}_date= or tag "
                     f"the raster ({' / '.join(DATE_TAGS)}); "
                     + ("the register cannot compare the dates of approvals with it" if label == "after" else
                        "the period the changes happened in has no known start"))
    return tagged.date


@dataclass(frozen=True)
class _Spec:
    """What a block job needs besides the rasters (small and picklable, for worker processes)."""

    src_classes: tuple
    dst_classes: tuple
    connectivity: int
    per_row_m2: np.ndarray | None  # None: constant pixel area
    width: int


def _in(values: np.ndarray, classes: Sequence) -> np.ndarray:
    """Whether each pixel's value is one of ``classes`` (one comparison per class, in place)."""
    out = values == classes[0]
    for c in classes[1:]:
        out |= values == c
    return out


def _changed(b: np.ndarray, a: np.ndarray, vb: np.ndarray, va: np.ndarray, spec: _Spec) -> np.ndarray:
    """The block's changed pixels: a class of ``src_classes`` first, of ``dst_classes`` then, different
    classes, neither date nodata."""
    changed = _in(b, spec.src_classes)
    changed &= _in(a, spec.dst_classes)
    changed &= b != a
    changed &= vb
    changed &= va
    return changed


def _block(pair: RasterPair, spec: _Spec, window) -> _Block:
    """Label, count and polygonise one block's changed pixels."""
    b, a, vb, va = pair.read(window)
    changed = _changed(b, a, vb, va, spec)
    del vb, va
    h, w = changed.shape
    row, c0, c1 = runs(changed)
    run_label, n = label_runs(row, c0, c1, w, spec.connectivity)
    nf, nt = len(spec.src_classes), len(spec.dst_classes)
    if n == 0:
        z = np.zeros(0, np.int64)
        line = np.zeros(w, np.int32)
        column = np.zeros(h, np.int32)
        return _Block(0, z, None, np.zeros((0, nf), np.int64), np.zeros((0, nt), np.int64), z,
                      line, line.copy(), column, column.copy(), np.zeros(0, np.int32), np.zeros(0, object))
    # the changed pixels in scan order, run by run
    length = c1 - c0
    rr = np.repeat(row, length)
    cc = np.repeat(c0 - np.cumsum(length) + length, length) + np.arange(rr.size)
    lv = np.repeat(run_label.astype(np.int64) - 1, length)
    fi = class_index(b[rr, cc], spec.src_classes)
    ti = class_index(a[rr, cc], spec.dst_classes)
    del b, a, changed
    pixels = np.bincount(lv, minlength=n)
    area = None
    if spec.per_row_m2 is not None:
        area = np.bincount(lv, weights=spec.per_row_m2[rr + window.row_off], minlength=n)
    from_counts = np.bincount(lv * nf + fi, minlength=n * nf).reshape(n, nf)
    to_counts = np.bincount(lv * nt + ti, minlength=n * nt).reshape(n, nt)
    # components are numbered by their first run in scan order
    _, firsts = np.unique(run_label, return_index=True)
    first = (row[firsts] + window.row_off) * spec.width + c0[firsts] + window.col_off
    def edge(on: np.ndarray, along: np.ndarray, size: int) -> np.ndarray:  # labels along an edge, 0: unchanged
        line = np.zeros(size, np.int32)
        line[along[on]] = lv[on] + 1
        return line

    # rasterio.features.shapes holds the GIL and toggles the process-wide warning filters: one
    # thread at a time (worker processes polygonise in parallel)
    with _POLYGONIZE_LOCK:
        labels, pieces = _polygonize(rr, cc, lv, n, (h, w), window.col_off, window.row_off)
    return _Block(n, pixels, area, from_counts, to_counts, first, edge(rr == 0, cc, w), edge(rr == h - 1, cc, w),
                  edge(cc == 0, rr, h), edge(cc == w - 1, rr, h), labels, pieces)


_PAIRS: dict = {}


def _block_in_process(sources: tuple, spec: _Spec, window) -> tuple[_Block, _Wkb]:
    """:func:`_block` in a worker process, which opens the pair once and keeps it. The pieces travel
    back as WKB (one buffer and the lengths); an error comes back as a :class:`BlockError` naming the
    block, whatever its type."""
    try:
        pair = _PAIRS.get(sources)
        if pair is None:
            pair = _PAIRS[sources] = RasterPair(sources[0], sources[1], align=sources[2])
        blk = _block(pair, spec, window)
    except Exception as exc:
        raise block_failed(window, exc, f" (worker process {os.getpid()})") from None
    wkb = shapely.to_wkb(blk.pieces)
    blk.pieces = np.zeros(0, object)
    return blk, _Wkb(b"".join(wkb.tolist()), np.fromiter(map(len, wkb), np.int64, len(wkb)))


@dataclass(frozen=True)
class _Wkb:
    """Polygons as concatenated WKB, for the way back from a worker process."""

    data: bytes
    sizes: np.ndarray

    def geometries(self) -> np.ndarray:
        ends = np.cumsum(self.sizes)
        view = memoryview(self.data)
        return shapely.from_wkb([view[e - k:e].tobytes() for e, k in zip(ends.tolist(), self.sizes.tolist(),
                                                                          strict=True)])


def _from_process(result: _Block | tuple[_Block, _Wkb]) -> _Block:
    if isinstance(result, _Block):
        return result
    blk, wkb = result
    if len(wkb.sizes):
        blk.pieces = wkb.geometries()
    return blk


def _use_processes(executor: str, pair: RasterPair) -> bool:
    if executor not in ("auto", "threads", "processes"):
        raise ValueError(f"executor must be one of auto, threads, processes, not {executor!r}")
    if executor != "processes":
        return False
    if not all(side.path is not None and not side.path.startswith("/vsimem/") for side in (pair.before, pair.after)):
        raise ValueError("executor='processes' needs both rasters as files (paths), not in-memory datasets")
    return True


def _pack(rr: np.ndarray, cc: np.ndarray, lv: np.ndarray, n: int, shape: tuple[int, int]):
    """Each component's bounding box placed on a small canvas, shelf by shelf (tallest first): the canvas
    holds each component's pixels (its label, 1..n) and nothing else, so GDAL traces on it the polygons it
    would trace in the block, at a known shift per label. None when the canvas would not be smaller than
    the block (components with large, sparse bounding boxes)."""
    top = np.full(n, np.iinfo(np.int64).max, np.int64)
    left = top.copy()
    bottom = np.full(n, -1, np.int64)
    right = bottom.copy()
    np.minimum.at(top, lv, rr)
    np.maximum.at(bottom, lv, rr)
    np.minimum.at(left, lv, cc)
    np.maximum.at(right, lv, cc)
    height, width = bottom - top + 1, right - left + 1
    if int((height * width).sum()) * 2 >= shape[0] * shape[1]:
        return None
    order = np.argsort(-height, kind="stable")
    widest = int(width.max())
    shelf_width = max(widest, int(np.sqrt((height * width).sum())) + 1)
    end = np.cumsum(width[order])
    start = end - width[order]
    shelf = (end - 1) // shelf_width  # the shelf an item's last column falls on
    x = np.empty(n, np.int64)
    x[order] = start - shelf * shelf_width + widest  # an item may begin up to `widest` before its shelf
    shelf_height = np.zeros(int(shelf[-1]) + 1, np.int64)
    np.maximum.at(shelf_height, shelf, height[order])
    shelf_top = np.cumsum(shelf_height) - shelf_height
    y = np.empty(n, np.int64)
    y[order] = shelf_top[shelf]
    canvas = np.zeros((int(shelf_height.sum()), shelf_width + widest), np.int32)
    canvas[rr - top[lv] + y[lv], cc - left[lv] + x[lv]] = (lv + 1).astype(np.int32)
    return canvas, left - x, top - y


def _polygonize(rr: np.ndarray, cc: np.ndarray, lv: np.ndarray, n: int, shape: tuple[int, int],
                col_off: int, row_off: int, pack: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """GDAL's 4-connected polygons of each label, built into shapely polygons in one vectorised call.

    The changed pixels (rows ``rr``, columns ``cc``, labels ``lv`` 0..n-1) are traced on a canvas packing
    the components' bounding boxes (GDAL's cost is the area it scans, not the pixels it outlines), each
    polygon then shifted back to its block position; the block itself when packing would not save area."""
    if n == 0:
        return np.zeros(0, np.int32), np.zeros(0, object)
    packed = _pack(rr, cc, lv, n, shape) if pack else None
    if packed is None:
        image = np.zeros(shape, np.int32)
        image[rr, cc] = (lv + 1).astype(np.int32)
        shift_col = shift_row = np.zeros(n, np.int64)
    else:
        image, shift_col, shift_row = packed
    labels: list[int] = []
    coords: list = []
    ring_sizes: list[int] = []
    rings_per_polygon: list[int] = []
    for geom, value in rasterio.features.shapes(image, mask=image > 0, connectivity=4,
                                                transform=Affine(1, 0, 1, 0, -1, -1)):
        labels.append(int(value))
        rings = geom["coordinates"]
        rings_per_polygon.append(len(rings))
        for ring in rings:
            coords.extend(ring)
            ring_sizes.append(len(ring))
    if not labels:
        return np.zeros(0, np.int32), np.zeros(0, object)
    label_array = np.asarray(labels, np.int32)
    ring_offsets = np.concatenate([[0], np.cumsum(ring_sizes)])
    polygon_offsets = np.concatenate([[0], np.cumsum(rings_per_polygon)])
    xy = np.asarray(coords, dtype=float)
    # pixel corner (col, row) of the block -> (col_off + col + 1, -(row_off + row) - 1), each label shifted back
    per_point = np.repeat(label_array.astype(np.int64) - 1,
                          np.diff(ring_offsets[polygon_offsets]))
    xy[:, 0] += shift_col[per_point] + col_off
    xy[:, 1] -= shift_row[per_point] + row_off
    polygons = shapely.from_ragged_array(shapely.GeometryType.POLYGON, xy, (ring_offsets, polygon_offsets))
    return label_array, polygons


def _seam_edges(a: np.ndarray, b: np.ndarray, oa: int, ob: int, connectivity: int) -> list[tuple]:
    """Edges between labels along a seam: ``a`` and ``b`` are the facing lines of two blocks."""
    out = []
    for s in ((0,) if connectivity == 4 else (0, 1, -1)):  # a[i] meets b[i + s]
        aa, bb = (a, b) if s == 0 else (a[:-1], b[1:]) if s == 1 else (a[1:], b[:-1])
        both = (aa > 0) & (bb > 0)
        if both.any():
            out.append((aa[both].astype(np.int64) - 1 + oa, bb[both].astype(np.int64) - 1 + ob))
    return out


def _assemble(blocks: list[_Block], nrows: int, ncols: int, connectivity: int, constant_m2: float | None,
              src_classes: Sequence, dst_classes: Sequence) -> pd.DataFrame:
    counts = np.array([blk.n for blk in blocks], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    total = int(counts.sum())
    empty = pd.DataFrame({"patch_id": pd.Series([], dtype=np.int64), "from_class": [], "to_class": [],
                          "pixels": pd.Series([], dtype=np.int64), "area_m2": pd.Series([], dtype=float),
                          "from_class_pixels": pd.Series([], dtype=object),
                          "to_class_pixels": pd.Series([], dtype=object), "geometry": []})
    if total == 0:
        return empty

    def at(i, j):
        return i * ncols + j

    us, vs = [], []
    for i in range(nrows):
        for j in range(ncols):
            k = at(i, j)
            A = blocks[k]
            if j + 1 < ncols:
                B = blocks[at(i, j + 1)]
                for u, v in _seam_edges(A.right, B.left, offsets[k], offsets[at(i, j + 1)], connectivity):
                    us.append(u)
                    vs.append(v)
            if i + 1 < nrows:
                B = blocks[at(i + 1, j)]
                for u, v in _seam_edges(A.bottom, B.top, offsets[k], offsets[at(i + 1, j)], connectivity):
                    us.append(u)
                    vs.append(v)
                if connectivity == 8:
                    if j + 1 < ncols:  # corner: A's bottom-right pixel and the block down-right's top-left
                        D = blocks[at(i + 1, j + 1)]
                        if A.bottom[-1] > 0 and D.top[0] > 0:
                            us.append(np.array([A.bottom[-1] - 1 + offsets[k]]))
                            vs.append(np.array([D.top[0] - 1 + offsets[at(i + 1, j + 1)]]))
                    if j > 0:  # corner: A's bottom-left pixel and the block down-left's top-right
                        D = blocks[at(i + 1, j - 1)]
                        if A.bottom[0] > 0 and D.top[-1] > 0:
                            us.append(np.array([A.bottom[0] - 1 + offsets[k]]))
                            vs.append(np.array([D.top[-1] - 1 + offsets[at(i + 1, j - 1)]]))
    u = np.concatenate(us) if us else np.zeros(0, np.int64)
    v = np.concatenate(vs) if vs else np.zeros(0, np.int64)
    root = union_find(total, u, v)
    roots, comp = np.unique(root, return_inverse=True)
    npatch = roots.size

    live = [blk for blk in blocks if blk.n]
    pixels = np.bincount(comp, weights=np.concatenate([blk.pixels for blk in live]), minlength=npatch)
    pixels = pixels.round().astype(np.int64)
    area: np.ndarray
    if constant_m2 is None:
        area = np.bincount(comp, weights=np.concatenate([blk.area for blk in live]), minlength=npatch)
    else:
        area = pixels * constant_m2
    fc = np.zeros((npatch, len(src_classes)), np.int64)
    np.add.at(fc, comp, np.concatenate([blk.from_counts for blk in live]))
    tc = np.zeros((npatch, len(dst_classes)), np.int64)
    np.add.at(tc, comp, np.concatenate([blk.to_counts for blk in live]))
    first = np.full(npatch, np.iinfo(np.int64).max, np.int64)
    np.minimum.at(first, comp, np.concatenate([blk.first for blk in live]))
    order = np.argsort(first, kind="stable")
    rank = np.empty(npatch, np.int64)
    rank[order] = np.arange(npatch)

    # pieces -> patch, then one geometry per patch (union only where a patch has several pieces)
    piece_patch = np.concatenate([rank[comp[blk.piece_labels.astype(np.int64) - 1 + off]]
                                  for blk, off in zip(blocks, offsets, strict=True) if blk.n])
    piece_geom = np.concatenate([blk.pieces for blk in blocks if blk.n])
    sort = np.argsort(piece_patch, kind="stable")
    piece_patch, piece_geom = piece_patch[sort], piece_geom[sort]
    starts = np.flatnonzero(np.r_[True, piece_patch[1:] != piece_patch[:-1]])
    sizes = np.diff(np.r_[starts, piece_patch.size])
    geoms = piece_geom[starts].copy()
    multi = sizes > 1
    if multi.any():
        # the union keeps vertices where pieces met along a seam: simplify(0) drops exactly those
        # collinear vertices, giving GDAL's whole-raster outline (corners only)
        unions = np.array([shapely.union_all(piece_geom[s:s + size])
                           for s, size in zip(starts[multi], sizes[multi], strict=True)], dtype=object)
        geoms[piece_patch[starts[multi]]] = shapely.simplify(unions, 0.0)
    geoms = shapely.normalize(geoms)

    fc, tc = fc[order], tc[order]
    src = np.asarray(src_classes)
    dst = np.asarray(dst_classes)
    return pd.DataFrame({
        "patch_id": np.arange(1, npatch + 1, dtype=np.int64),
        "from_class": src[fc.argmax(axis=1)],
        "to_class": dst[tc.argmax(axis=1)],
        "pixels": pixels[order],
        "area_m2": area[order],
        "from_class_pixels": _mix(fc, src_classes),
        "to_class_pixels": _mix(tc, dst_classes),
        "geometry": geoms,
    })


def _mix(counts: np.ndarray, classes: Sequence) -> list[str]:
    """``"2:120, 4:3"``: each class's pixel count, largest first (vectorised for single-class patches)."""
    out = np.empty(len(counts), dtype=object)
    nonzero = counts > 0
    single = nonzero.sum(axis=1) == 1
    names = np.asarray([str(c) for c in classes], dtype=object)
    k = counts[single].argmax(axis=1)
    out[single] = names[k] + ":" + counts[single, k].astype(str).astype(object)
    for i in np.flatnonzero(~single):
        row = counts[i]
        nz = np.flatnonzero(row)
        nz = nz[np.argsort(-row[nz], kind="stable")]
        out[i] = ", ".join(f"{classes[j]}:{row[j]}" for j in nz.tolist())
    return out.tolist()
