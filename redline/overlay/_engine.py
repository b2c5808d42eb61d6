"""The overlay kernel: a pairs table built in bulk, vectorised geometry, aggregated with bincount.

Every overlay audit in redline reduces to two questions about a *left* layer (the few, larger
polygons: approvals, supplies, parcels) and a *right* layer (the many, smaller ones: supplies,
buildings, change patches):

1. **pairs**: which right features touch each left feature, and how much area each pair shares;
2. **remnants**: what is left of each left feature after removing the union of its own right
   partners (批而未供: approval minus its supplies), and how much of it is covered.

How it is fast (measured in ``/benchmarks/bench_overlay.py``):

- one ``shapely.STRtree`` on the right layer, queried in bulk with the left geometries
  (``predicate="intersects"``, then ``"covers"`` and ``"covered_by"``): GEOS prepares each left
  geometry once and returns the pairs table ``(left_idx, right_idx)`` as two integer arrays;
- pairs where one side covers the other skip the exact overlay (the area is the smaller one's);
- each left feature is differenced with the union of *its own* partners only, never with one
  dissolve of the whole right layer; the unions are computed group-wise and vectorised
  (groups padded into a 2-D array and reduced with ``shapely.union_all(axis=1)``, or with
  ``shapely.coverage_union_all(axis=1)`` where the partners form a clean coverage);
- the remnants test each left feature once against its partners' union, not pair by pair: a
  feature inside the union is wholly covered (no difference computed), a union inside the feature
  gives the covered area by its own area (no intersection computed);
- left polygons with more than ``max_vertices`` vertices are cut into pieces (a grid split, like
  PostGIS ``ST_Subdivide``) whose results are summed (areas) or re-united (geometry);
- vectorised shapely calls release the GIL, so work is chunked over ``threads`` threads (2).

When GEOS cannot overlay an item in floating point (a TopologyException, e.g. on a geometry that is
invalid in this CRS and reached the engine unrepaired), :func:`robust` redoes that item on a 1 µm grid,
then a 1 mm grid, then with its operands repaired by ``make_valid``; a left feature that needed any of
it is then redone whole (its area, covered area and remnant) on the same footing, so that
``area = covered + remnant`` still holds, and ``Remnants.fallback`` says which features and how
(:func:`fallback_note` turns it into the note the audits attach).

Per-partition use (dask-geopandas, issue 8)
-------------------------------------------
:func:`overlay_areas` takes two GeoDataFrames in one metric CRS and returns plain per-id
numbers, so it can run per partition pair and be merged:

- ``how="pairs"``: rows ``(left_id, right_id, area_m2)``, the area shared by each intersecting
  pair. **Additive across partitions**: when every feature lives in exactly one partition, each
  pair is found in exactly one partition pair, so ``concat`` + ``groupby(left_id).area_m2.sum()``
  gives the exact total (it counts overlapping right features twice, by design: it is a pairs
  table).
- ``how="covered"``: one row per left id with ``area_m2`` (its own area), ``covered_m2`` (area
  covered by the *union* of the right features given) and ``uncovered_m2``. A union is not
  additive across right partitions when right features overlap each other across them, so run
  it with each left partition and *all* right features intersecting that partition (e.g. the
  right partitions whose ``spatial_partitions`` intersect it, concatenated). Rows of different
  left partitions are then disjoint and concatenate without summing. When the right layer has no
  self-overlaps (cadastral coverages, supplies as recorded), ``covered_m2`` from several right
  partitions may be summed per left id.

Both take ``method`` (an :data:`redline.area.AreaMethod`) and the working CRS (``crs``); ellipsoidal areas use
each left feature's areal scale factor for all of its pieces (:func:`redline.area.ellipsoidal_factor`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal, cast, overload

import numpy as np
import pandas as pd
import shapely

from .._halving import subdivide as cut
from ..area import AreaMethod, area_factor, check_area_method
from ..result import AuditLog, NoteList, deliver
from ..scale import Backend, _routes, resolve_backend

__all__ = ["FALLBACK_LEVELS", "PairIndex", "Remnants", "fallback_note", "fallback_problems", "grouped_coverage_union",
           "grouped_union", "grouped_union_area", "interiors_apart", "interiors_meet", "overlapping_pairs", "overlay_areas",
           "pair_areas", "pair_index", "remnants", "robust", "robust_one", "split_slivers", "subdivide"]

#: threads used by the vectorised steps (the target machines have 2 cores)
THREADS = 2
#: below this many items a step runs in the calling thread
MIN_CHUNK = 2048
#: below this much work (vertices of the operands) a step threaded by work runs in the calling thread
MIN_WORK = 20_000
#: left polygons with more vertices than this are subdivided
MAX_VERTICES = 256

EMPTY = shapely.Polygon()


def _slices(n: int, threads: int) -> list[slice]:
    if threads <= 1 or n < 2 * MIN_CHUNK:
        return [slice(0, n)]
    k = min(threads * 4, max(1, n // MIN_CHUNK))
    edges = np.linspace(0, n, k + 1).astype(int)
    return [slice(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]


def _work_slices(work: np.ndarray, threads: int) -> list[slice]:
    """Contiguous slices of ``range(len(work))`` carrying about equal shares of ``work`` (one per item, e.g. its
    vertices); one slice when the whole is under ``2 × MIN_WORK``."""
    n = len(work)
    if threads <= 1 or n < 2:
        return [slice(0, n)]
    cum = np.cumsum(np.asarray(work, dtype=float))
    total = float(cum[-1])
    if total < 2 * MIN_WORK:
        return [slice(0, n)]
    k = int(min(threads * 4, n, total // MIN_WORK))
    cuts = np.searchsorted(cum, total * np.arange(1, k) / k, side="right")
    edges = np.unique(np.concatenate([[0], cuts, [n]]))
    return [slice(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]


def chunked(fn: Callable[[slice], np.ndarray], n: int, threads: int = THREADS, *,
            work: np.ndarray | None = None) -> np.ndarray:
    """Run ``fn`` on slices of ``range(n)`` over ``threads`` threads and concatenate the arrays.

    Without ``work`` the slices hold equal counts (and there is one slice under ``2 × MIN_CHUNK`` items); with
    ``work`` (one number per item, e.g. its vertices) they hold equal shares of it, so a few hundred large
    polygons are threaded as well as many thousand small ones.
    """
    parts = _slices(n, threads) if work is None else _work_slices(work, threads)
    if len(parts) == 1:
        return fn(parts[0])
    with ThreadPoolExecutor(max_workers=threads) as ex:
        out = list(ex.map(fn, parts))
    return np.concatenate(out)


#: snapping grids (m) tried in turn for the rare item GEOS cannot overlay in floating point: on a 1 µm grid an
#: area moves by at most perimeter × 1e-6 m²/2 (far under ``geometry.area_tolerance_m2`` for any parcel); 1 mm is the
#: last resort before the operands themselves are repaired
ROBUST_GRIDS_M = (1e-6, 1e-3)
#: kept for callers of the previous version: the coarsest grid
ROBUST_GRID_M = ROBUST_GRIDS_M[-1]

#: what each fallback level did, for notes (level 0: plain floating point, no fallback)
FALLBACK_LEVELS = {1: "snapped to a 1 µm grid", 2: "snapped to a 1 mm grid",
                   3: "operands repaired with make_valid", 4: "operands repaired with make_valid, on a 1 µm grid",
                   5: "operands repaired with make_valid, on a 1 mm grid"}

#: how far (m) a footprint may cross a supply's edge and still be taken as inside (or reach into it and still be
#: taken as outside): floating-point noise of shared edges, a million times below any digitising accuracy
EDGE_EPS_M = 1e-6


def _levels():
    """(level, grid, repair) in the order tried."""
    grids = (None, *ROBUST_GRIDS_M)
    return [(k, g, r) for k, (r, g) in enumerate([(r, g) for r in (False, True) for g in grids])]


def _repaired(g):
    if g is None or not isinstance(g, shapely.Geometry) or shapely.is_valid(g):
        return g
    fixed = shapely.make_valid(g)
    parts = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def robust_one(op: Callable, *args, unary: bool = False):
    """``op(*args)`` for one item, falling back to snapping grids and then repaired operands; returns ``(result, level)``.

    ``level`` is 0 when floating point worked, else a key of :data:`FALLBACK_LEVELS`. Raises the last GEOS
    error when every level fails.
    """
    error: shapely.errors.GEOSException | None = None
    for level, grid, repair in _levels():
        items = args
        if repair:
            items = (np.array([_repaired(g) for g in args[0]], dtype=object),) if unary else \
                tuple(_repaired(g) for g in args)
        try:
            return (op(*items) if grid is None else op(*items, grid_size=grid)), level
        except shapely.errors.GEOSException as exc:
            error = exc
    raise error if error is not None else RuntimeError("no fallback level to try")


def robust(op: Callable, a: np.ndarray, b: np.ndarray | None = None, *, flags: np.ndarray | None = None) -> np.ndarray:
    """``op(a, b)`` vectorised; if GEOS raises a topology error, redo the failing items one by one, on snapping
    grids (:data:`ROBUST_GRIDS_M`) and then with repaired operands (:func:`robust_one`).

    ``op`` is ``shapely.intersection``, ``shapely.difference`` or ``shapely.union_all`` (then ``a`` is a
    2-D array reduced along axis 1). OverlayNG rarely fails; when it does, one bad pair must not stop
    a province-wide run. ``flags`` (an int array as long as ``a``, or a view of one) receives each item's
    fallback level, so callers can redo those items consistently and name them in a note.
    """
    unary = b is None
    try:
        return op(a, axis=1) if unary else op(a, b)
    except shapely.errors.GEOSException:
        out = np.empty(len(a), dtype=object)
        for i in range(len(a)):
            args = (a[i],) if b is None else (a[i], b[i])
            out[i], level = robust_one(op, *args, unary=unary)
            if flags is not None and level:
                flags[i] = max(flags[i], level)
        return out


def fallback_problems(audit: str, ids, levels: np.ndarray) -> list:
    """:func:`fallback_note` as a non-fatal :class:`redline.errors.Problem` of ``audit`` (for ``Prepared.notes``)."""
    from ..errors import Problem

    levels = np.asarray(levels)
    hit = np.flatnonzero(levels > 0)
    if len(hit) == 0:
        return []
    how = "; ".join(sorted({FALLBACK_LEVELS[int(v)] for v in levels[hit]}))
    return [Problem(audit, "overlay_fallback", f"GEOS could not overlay {len(hit)} feature(s) in floating point "
                    f"({how}); each was redone whole on that footing, so its areas still balance",
                    ids=tuple(np.asarray(ids, dtype=object)[hit]), fatal=False,
                    fix="check their geometries (QGIS: Check validity) and redraw them if the result matters")]


def fallback_note(audit: str, layer: str, ids, levels: np.ndarray) -> list[str]:
    """One note naming the features whose overlay needed a fallback (``levels`` from :class:`Remnants`)."""
    levels = np.asarray(levels)
    hit = np.flatnonzero(levels > 0)
    if len(hit) == 0:
        return []
    ids = np.asarray(ids, dtype=object)[hit]
    shown = ", ".join(map(str, ids[:10])) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
    how = "; ".join(sorted({FALLBACK_LEVELS[int(v)] for v in levels[hit]}))
    return [f"[{audit}] GEOS could not overlay {len(hit)} {layer} feature(s) in floating point ({how}); each was "
            f"redone whole on that footing, so its areas still balance: {shown}. Check their geometries "
            f"(QGIS: Check validity) and redraw them if the result matters"]


def _vertices(*arrays: np.ndarray) -> np.ndarray:
    """The work of an item-wise overlay of ``arrays``: the vertices of its operands (None counts as none)."""
    return np.sum([shapely.get_num_coordinates(x) for x in arrays], axis=0)


def _as_array(geoms) -> np.ndarray:
    if hasattr(geoms, "values") and not isinstance(geoms, np.ndarray):
        geoms = geoms.values
    return np.asarray(geoms, dtype=object)


# -- pairs ------------------------------------------------------------------------------------------------------


@dataclass
class PairIndex:
    """The pairs table of a left and a right layer.

    ``left``/``right``: indices of intersecting pairs (sorted by left); ``left_covers``: the left
    geometry covers the right one; ``left_within``: the left geometry is covered by the right one.
    """

    left: np.ndarray
    right: np.ndarray
    left_covers: np.ndarray
    left_within: np.ndarray
    n_left: int
    n_right: int

    def transpose(self) -> PairIndex:
        order = np.lexsort((self.left, self.right))
        return PairIndex(self.right[order], self.left[order], self.left_within[order], self.left_covers[order],
                         self.n_right, self.n_left)


Predicate = Literal["intersects", "covers", "covered_by"]  # the STRtree predicates the pair index queries


def _query(tree: shapely.STRtree, geoms: np.ndarray, predicate: Predicate, threads: int) -> tuple[np.ndarray, np.ndarray]:
    parts = _work_slices(shapely.get_num_coordinates(geoms) + 64, threads)  # + the walk of the tree per query
    if len(parts) == 1:
        q, t = tree.query(geoms, predicate=predicate)
        return q.astype(np.int64), t.astype(np.int64)

    def one(sl: slice):
        q, t = tree.query(geoms[sl], predicate=predicate)
        return q.astype(np.int64) + sl.start, t.astype(np.int64)

    with ThreadPoolExecutor(max_workers=threads) as ex:
        res = list(ex.map(one, parts))
    return np.concatenate([r[0] for r in res]), np.concatenate([r[1] for r in res])


def pair_index(left, right, *, tree: shapely.STRtree | None = None, threads: int = THREADS,
               relations: bool = True, backend: Backend | None = None) -> PairIndex:
    """Intersecting pairs of ``left`` x ``right`` (tree on right, queried with left), with cover flags.

    Build the tree on the layer with the many small geometries (``right``) and query with the
    few large ones (``left``), so each large geometry is prepared once. With a scale ``backend``
    (:mod:`redline.scale`) the pairs are computed per spatial partition of ``left`` and merged.
    """
    backend = resolve_backend(backend)
    if backend is not None:
        return _routes.pair_index(backend, left, right, tree=tree, threads=threads, relations=relations)
    left, right = _as_array(left), _as_array(right)
    nl, nr = len(left), len(right)
    if nl == 0 or nr == 0:
        z = np.zeros(0, dtype=np.int64)
        return PairIndex(z, z, np.zeros(0, bool), np.zeros(0, bool), nl, nr)
    tree = tree if tree is not None else shapely.STRtree(right)
    li, ri = _query(tree, left, "intersects", threads)
    order = np.lexsort((ri, li))
    li, ri = li[order], ri[order]
    covers = np.zeros(len(li), dtype=bool)
    within = np.zeros(len(li), dtype=bool)
    if relations and len(li):
        # one tree query, then the two cover relations pair by pair, only where the boxes allow them
        lb, rb = shapely.bounds(left)[li], shapely.bounds(right)[ri]
        box_covers = (lb[:, 0] <= rb[:, 0]) & (lb[:, 1] <= rb[:, 1]) & (lb[:, 2] >= rb[:, 2]) & (lb[:, 3] >= rb[:, 3])
        box_within = (lb[:, 0] >= rb[:, 0]) & (lb[:, 1] >= rb[:, 1]) & (lb[:, 2] <= rb[:, 2]) & (lb[:, 3] <= rb[:, 3])
        covers[box_covers] = _related(shapely.covers, left, li[box_covers], right, ri[box_covers], threads)
        within[box_within] = _related(shapely.covered_by, left, li[box_within], right, ri[box_within], threads)
    return PairIndex(li, ri, covers, within, nl, nr)


def _related(predicate: Callable, a: np.ndarray, ai: np.ndarray, b: np.ndarray, bi: np.ndarray,
             threads: int) -> np.ndarray:
    """``predicate(a[ai], b[bi])`` with each ``a`` geometry prepared once (as a tree query prepares it); preparations
    made here are released afterwards. Threaded by work, and all pairs of one ``a`` geometry stay in one thread (a
    prepared geometry builds its indexes on first use, which two threads must not do at once)."""
    out = np.zeros(len(ai), dtype=bool)
    if len(ai) == 0:
        return out
    order = np.argsort(ai, kind="stable")
    ai, bi = ai[order], bi[order]
    own, first = np.unique(ai, return_index=True)
    fresh = own[~shapely.is_prepared(a[own])]
    shapely.prepare(a[fresh])
    try:
        x, y = a[ai], b[bi]
        bounds = np.append(first, len(ai))
        work = np.add.reduceat(shapely.get_num_coordinates(y) + 16, first) + shapely.get_num_coordinates(a[own])

        def run(sl: slice) -> np.ndarray:
            pairs = slice(int(bounds[sl.start]), int(bounds[sl.stop]))
            return predicate(x[pairs], y[pairs])

        out[order] = chunked(run, len(own), threads, work=work)
    finally:
        shapely.destroy_prepared(a[fresh])
    return out


@overload
def pair_areas(left, right, *, pairs: PairIndex | None = None, threads: int = THREADS,
               return_fallback: Literal[False] = False, backend: Backend | None = None
               ) -> tuple[PairIndex, np.ndarray]: ...


@overload
def pair_areas(left, right, *, pairs: PairIndex | None = None, threads: int = THREADS,
               return_fallback: Literal[True], backend: Backend | None = None
               ) -> tuple[PairIndex, np.ndarray, np.ndarray]: ...


def pair_areas(left, right, *, pairs: PairIndex | None = None, threads: int = THREADS,
               return_fallback: bool = False, backend: Backend | None = None
               ) -> tuple[PairIndex, np.ndarray] | tuple[PairIndex, np.ndarray, np.ndarray]:
    """Planar intersection area of each intersecting pair (the cover shortcut skips the overlay).

    With ``return_fallback=True`` a third array gives each pair's fallback level (:data:`FALLBACK_LEVELS`).
    With a scale ``backend`` the areas are computed per spatial partition of ``left`` and merged.
    """
    backend = resolve_backend(backend)
    if backend is not None:
        routed = _routes.pair_areas(backend, left, right, pairs=pairs, threads=threads,
                                    return_fallback=return_fallback)
        return cast("tuple[PairIndex, np.ndarray, np.ndarray]", routed) if return_fallback else (routed[0], routed[1])
    left, right = _as_array(left), _as_array(right)
    pairs = pairs if pairs is not None else pair_index(left, right, threads=threads)
    li, ri = pairs.left, pairs.right
    out = np.zeros(len(li))
    cov, wit = pairs.left_covers, pairs.left_within
    out[cov] = shapely.area(right[ri[cov]])
    only_w = wit & ~cov
    out[only_w] = shapely.area(left[li[only_w]])
    rest = np.flatnonzero(~cov & ~wit)
    levels = np.zeros(len(li), dtype=np.int8)
    if len(rest):
        a, b = left[li[rest]], right[ri[rest]]
        lv = np.zeros(len(rest), dtype=np.int8)
        out[rest] = chunked(lambda sl: shapely.area(robust(shapely.intersection, a[sl], b[sl], flags=lv[sl])),
                            len(rest), threads, work=_vertices(a, b))
        levels[rest] = lv
    if return_fallback:
        return pairs, np.nan_to_num(out, nan=0.0), levels
    return pairs, np.nan_to_num(out, nan=0.0)


# -- grouped unions and subdivision ------------------------------------------------------------------------------


def _union_rows(rows, axis=None, grid_size=None):
    """union_all of a 2-D array along axis 1, or of one row (the per-item fallback of :func:`robust`)."""
    if axis is None:
        return shapely.union_all(rows, grid_size=grid_size)
    return shapely.union_all(rows, axis=axis, grid_size=grid_size)


def _sorted_by_group(geoms, groups: np.ndarray, n_groups: int):
    """The start of the grouped unions: the geometries sorted by group (stable), each group's count and start in
    that order, and ``out`` (one per group) holding the geometry of each group of one as it is, None elsewhere.

    Returns ``(out, g, s, counts, starts, multi)``: ``g`` and ``s`` the sorted groups and geometries, ``multi``
    the groups of more than one member (none when there are no geometries).
    """
    geoms = _as_array(geoms)
    groups = np.asarray(groups, dtype=np.int64)
    out = np.full(n_groups, None, dtype=object)
    if len(geoms) == 0:
        none = np.zeros(0, dtype=np.int64)
        return out, groups, geoms, none, none, none
    order = np.argsort(groups, kind="stable")
    g, s = groups[order], geoms[order]
    counts = np.bincount(g, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    single = np.flatnonzero(counts == 1)
    out[single] = s[starts[single]]
    return out, g, s, counts, starts, np.flatnonzero(counts > 1)


def _size_classes(s: np.ndarray, counts: np.ndarray, starts: np.ndarray, multi: np.ndarray):
    """The groups ``multi`` (of :func:`_sorted_by_group`) by size class, 2, 3-4, 5-8, 9-16 ..., which keeps the
    padding under 2x: for each class ``(members, grid, rows, idx, work)``, its groups, their geometries padded
    with None into a 2-D array (one row per group), each member's row and its index in ``s``, and each row's
    vertex count (the work of uniting it).
    """
    cls = np.ceil(np.log2(counts[multi])).astype(int)
    for c in np.unique(cls):
        members = multi[cls == c]
        width = int(counts[members].max())
        grid = np.full((len(members), width), None, dtype=object)
        k = counts[members]
        rows = np.repeat(np.arange(len(members)), k)
        pos = np.arange(len(rows)) - np.repeat(np.cumsum(k) - k, k)
        idx = np.repeat(starts[members], k) + pos
        grid[rows, pos] = s[idx]
        work = np.bincount(rows, weights=shapely.get_num_coordinates(s[idx]), minlength=len(members))
        yield members, grid, rows, idx, work


def grouped_union(geoms, groups: np.ndarray, n_groups: int, *, threads: int = THREADS,
                  flags: np.ndarray | None = None) -> np.ndarray:
    """The union of the geometries of each group (``groups[i]`` is geometry i's group); None for empty groups.

    ``flags`` (int, one per group) receives the fallback level of each group whose union needed one.

    Vectorised: groups of one are taken as they are; larger groups are padded into 2-D arrays by
    size class and reduced with ``shapely.union_all(axis=1)``, which unions each row in GEOS.
    """
    out, g, s, counts, starts, multi = _sorted_by_group(geoms, groups, n_groups)
    if len(multi) == 0:
        return out
    for members, grid, _rows, _idx, work in _size_classes(s, counts, starts, multi):
        lv = np.zeros(len(members), dtype=np.int8)

        def union_rows(sl: slice, grid: np.ndarray = grid, lv: np.ndarray = lv) -> np.ndarray:
            return robust(_union_rows, grid[sl], flags=lv[sl])

        out[members] = chunked(union_rows, len(members), threads, work=work)
        if flags is not None:
            flags[members] = np.maximum(flags[members], lv)
    return out


#: Shewchuk's bound on the rounding error of a 2-D orientation determinant computed in doubles, ``(3 + 16 ε) ε``
#: times the sum of the magnitudes of its two products (J. R. Shewchuk, *Adaptive precision floating-point
#: arithmetic and fast robust geometric predicates*, 1997); taken a little wider here, as only the sign matters
_ORIENT_ERR = 4e-16
#: how far (m) inside the other's edge lines a vertex must stand, and off its own polygon's edge lines every
#: polygon must reach, for :func:`interiors_meet` to decide without GEOS: overlaps thinner than this, and slivers
#: (whose intersections GEOS rounds), are left to GEOS
_CLEAR_M = 1e-6
#: polygons with more shell vertices than this are left to GEOS by :func:`interiors_apart`
APART_MAX_VERTICES = 16
#: pairs per block of :func:`interiors_apart` (bounds the memory of its vertex arrays)
_APART_BLOCK = 65536


def _sides(xx: np.ndarray, xy: np.ndarray, wx: np.ndarray, wy: np.ndarray) -> tuple[np.ndarray, ...]:
    """For m pairs, the lines through consecutive coordinates of a polygon (``xx``, ``xy``: (k, m)) and points
    (``wx``, ``wy``: (v, m)): whether every point is certainly on the left of (or on) each line, whether every
    point is certainly on its right (or on it), whether some point stands clear on its left (:data:`_CLEAR_M` or
    more off it), and whether some point stands clear on its right; four (k - 1, m) arrays. A point is certainly
    on a side when the orientation determinant, computed in doubles, exceeds its error bound; certainly on the
    line when it is bit for bit one of the line's two coordinates (the determinant is then 0 - 0, or
    ex·ey - ey·ex, exactly)."""
    k, m = xx.shape
    pos_all = np.ones((k - 1, m), dtype=bool)
    neg_all = np.ones((k - 1, m), dtype=bool)
    pos_any = np.zeros((k - 1, m), dtype=bool)
    neg_any = np.zeros((k - 1, m), dtype=bool)
    for e in range(k - 1):
        px, py, qx, qy = xx[e], xy[e], xx[e + 1], xy[e + 1]
        ex, ey = qx - px, qy - py
        far = _CLEAR_M * np.hypot(ex, ey)  # a determinant over this: the point is _CLEAR_M or more off the line
        for j in range(len(wx)):
            left = ex * (wy[j] - py)
            right = ey * (wx[j] - px)
            det = left - right
            err = np.abs(left)
            err += np.abs(right)
            err *= _ORIENT_ERR
            on = ((wx[j] == px) & (wy[j] == py)) | ((wx[j] == qx) & (wy[j] == qy))
            pos, neg = det > err, det < -err
            clear = np.maximum(err, far)
            pos_any[e] |= det > clear
            neg_any[e] |= det < -clear
            pos_all[e] &= pos | on
            neg_all[e] &= neg | on
    return pos_all, neg_all, pos_any, neg_any


def _own_sides(cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
    """Per polygon (coordinates ``cx``, ``cy``: (k, m)) and line through consecutive coordinates: +1 when all
    its coordinates are certainly on the left of (or on) the line and one stands clear of it, -1 the same on the
    right, 0 when neither holds (the polygon is flat or thin along the line) or the two coordinates are the same
    point; (k - 1, m).

    What :func:`_sides` decides for the polygon's own coordinates ``cx[:-1]``, ``cy[:-1]``, without testing the
    line's own two ends against it: a coordinate that is bit for bit an end of the line is on it for
    :func:`_sides`, and its determinant is 0 - 0 or ex·ey - ey·ex, exactly 0, so neither certainly nor clearly on
    a side: it changes none of the four answers. The end the line starts from is coordinate ``e`` itself; the
    end it goes to is coordinate ``e + 1``, except for the last line, which ends at the closing coordinate (not
    among the points): coordinate 0, its copy only when the polygon has one ring, is tested as any other."""
    k, m = cx.shape
    side = np.zeros((k - 1, m), dtype=np.int8)
    for e in range(k - 1):
        px, py, qx, qy = cx[e], cy[e], cx[e + 1], cy[e + 1]
        ex, ey = qx - px, qy - py
        far = _CLEAR_M * np.hypot(ex, ey)
        pos_all = np.ones(m, dtype=bool)
        neg_all = np.ones(m, dtype=bool)
        pos_any = np.zeros(m, dtype=bool)
        neg_any = np.zeros(m, dtype=bool)
        for j in range(k - 1):
            if j in (e, e + 1):
                continue
            wx, wy = cx[j], cy[j]
            left = ex * (wy - py)
            right = ey * (wx - px)
            det = left - right
            err = np.abs(left)
            err += np.abs(right)
            err *= _ORIENT_ERR
            on = ((wx == px) & (wy == py)) | ((wx == qx) & (wy == qy))
            clear = np.maximum(err, far)
            pos_any |= det > clear
            neg_any |= det < -clear
            pos_all &= (det > err) | on
            neg_all &= (det < -err) | on
        side[e] = np.where(pos_all & pos_any, 1, np.where(neg_all & neg_any, -1, 0))
    side[(cx[1:] == cx[:-1]) & (cy[1:] == cy[:-1])] = 0
    return side


def interiors_apart(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """True where the interiors of ``x[i]`` and ``y[i]`` certainly do not meet, without GEOS; False where it
    cannot tell (the pair is then for :func:`shapely.relate_pattern`).

    A pair is apart when their bounding boxes share no interior, or when one of the two polygons (up to
    :data:`APART_MAX_VERTICES` shell vertices) has an edge whose line leaves its own vertices on one side and
    the other's on the other side (vertices on the line allowed): each polygon lies in the convex hull of its
    shell, so the two lie in opposite closed half-planes. Orientations are decided only where the floating-point
    determinant exceeds its error bound, or where a vertex is bit for bit an end of the edge; anything closer is
    not decided. Footprints in terraced rows, which share walls vertex for vertex, are therefore told apart
    exactly; a footprint overlapping a neighbour, or touching it at a point of one of its edges, goes to GEOS.
    """
    return _pair_state(x, y) == 1


def interiors_meet(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """True where the interiors of ``x[i]`` and ``y[i]`` certainly meet, without GEOS; False where it cannot
    tell. Decided for two convex polygons without holes (every edge line leaves all of the polygon's vertices
    certainly on one side, one of them :data:`_CLEAR_M` or more off it): their interiors meet when no edge line
    of either separates them, i.e. when each edge line of each has a vertex of the other :data:`_CLEAR_M` or
    more inside it (the separating axis theorem). Overlaps thinner than that are left to GEOS, which rounds the
    intersections of nearly parallel edges and may then see no overlap."""
    return _pair_state(x, y) == -1


def _pair_state(x, y) -> np.ndarray:
    x, y = _as_array(x), _as_array(y)
    n = len(x)
    return _apart_pairs(np.concatenate([x, y]), np.arange(n), np.arange(n, 2 * n))


@dataclass
class _Shells:
    """What :func:`_apart_pairs` reads of each geometry, read once for all the pairs of a call: its bounds (all
    geometries), and for the polygons it decides (up to :data:`APART_MAX_VERTICES` shell vertices) the number
    ``k`` of their coordinates (0 for any other geometry), where they start in ``cx``/``cy``, the side (+1, -1,
    0, :func:`_own_sides`) of each line through consecutive coordinates (``side``: one row per geometry), and
    whether the polygon is convex (one polygon, no hole, every line with all of its coordinates certainly on
    the same side)."""

    bounds: np.ndarray
    k: np.ndarray
    start: np.ndarray
    cx: np.ndarray
    cy: np.ndarray
    side: np.ndarray
    convex: np.ndarray


def _shells(geoms: np.ndarray, wanted: np.ndarray, threads: int = 1, bounds: np.ndarray | None = None) -> _Shells:
    """The :class:`_Shells` of ``geoms``, for the geometries ``wanted`` (a boolean mask); the lines' sides are
    computed over ``threads`` threads (``bounds``: ``shapely.bounds(geoms)`` when known)."""
    n = len(geoms)
    bounds = shapely.bounds(geoms) if bounds is None else bounds
    used = np.flatnonzero(wanted)
    k = np.zeros(n, dtype=np.int64)  # coordinates, 0 where not a polygon or too many
    # (multi)polygons with 4 to APART_MAX_VERTICES + 1 coordinates (an empty one has none)
    types, kp = shapely.get_type_id(geoms[used]), shapely.get_num_coordinates(geoms[used])
    small = np.isin(types, (3, 6)) & (kp >= 4) & (kp <= APART_MAX_VERTICES + 1)
    poly, kp, types = used[small], kp[small], types[small]
    by_size = np.argsort(kp, kind="stable")  # the coordinates of polygons of one size in one block
    poly, kp, types = poly[by_size], kp[by_size], types[by_size]
    k[poly] = kp
    coords = shapely.get_coordinates(geoms[poly])
    cx, cy = np.ascontiguousarray(coords[:, 0]), np.ascontiguousarray(coords[:, 1])
    start = np.zeros(n, dtype=np.int64)
    start[poly] = np.concatenate([[0], np.cumsum(kp)[:-1]]) if len(kp) else kp
    side = np.zeros((n, APART_MAX_VERTICES), dtype=np.int8)
    convex = np.zeros(n, dtype=bool)
    # one polygon without holes: a Polygon's own rings, a MultiPolygon of one part its part's
    single, multi = poly[types == 3], poly[types == 6]
    multi = multi[shapely.get_num_geometries(geoms[multi]) == 1]
    simple = np.zeros(n, dtype=bool)
    simple[single] = shapely.get_num_interior_rings(geoms[single]) == 0
    simple[multi] = shapely.get_num_interior_rings(shapely.get_geometry(geoms[multi], 0)) == 0
    sizes, first, count = np.unique(kp, return_index=True, return_counts=True)
    for kk, f, c in zip(sizes.tolist(), first.tolist(), count.tolist(), strict=True):
        own = poly[f:f + c]
        at = int(start[own[0]])
        bx = cx[at:at + kk * c].reshape(c, kk)
        by = cy[at:at + kk * c].reshape(c, kk)

        def run(sl: slice, bx: np.ndarray = bx, by: np.ndarray = by) -> np.ndarray:
            return _own_sides(np.ascontiguousarray(bx[sl].T), np.ascontiguousarray(by[sl].T)).T

        sides = chunked(run, len(own), threads)
        side[own, :kk - 1] = sides
        convex[own] = simple[own] & ((sides == 1).all(axis=1) | (sides == -1).all(axis=1))
    return _Shells(bounds, k, start, cx, cy, side, convex)


def _parted(xx: np.ndarray, xy: np.ndarray, own: np.ndarray, wx: np.ndarray, wy: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """For m pairs, the lines through consecutive coordinates of a polygon (``xx``, ``xy``: (k, m)) with their
    own sides (``own``: (k - 1, m), :func:`_own_sides`), and the other polygon's points (``wx``, ``wy``: (v, m)):
    whether some line with a side has every point certainly on its other side or on it (the two are apart), and
    whether every line has a side and a point standing clear (:data:`_CLEAR_M` or more) on that side. The same
    decisions as :func:`_sides` read on the own side: the determinant and its products are multiplied by the
    side (±1), which is exact, so the comparisons are those of :func:`_sides`, sign for sign."""
    k, m = xx.shape
    apart = np.zeros(m, dtype=bool)
    witnessed = np.ones(m, dtype=bool)
    every = np.empty(m, dtype=bool)
    some = np.empty(m, dtype=bool)
    for e in range(k - 1):
        px, py, qx, qy = xx[e], xy[e], xx[e + 1], xy[e + 1]
        ex, ey = qx - px, qy - py
        far = _CLEAR_M * np.hypot(ex, ey)  # a determinant over this: the point is _CLEAR_M or more off the line
        s = own[e]
        sex, sey = s * ex, s * ey
        every[:] = True
        some[:] = False
        for j in range(len(wx)):
            left = sex * (wy[j] - py)
            right = sey * (wx[j] - px)
            det = left - right
            err = np.abs(left)
            err += np.abs(right)
            err *= _ORIENT_ERR
            on = ((wx[j] == px) & (wy[j] == py)) | ((wx[j] == qx) & (wy[j] == qy))
            some |= det > np.maximum(err, far)
            on |= det < -err
            every &= on
        sided = s != 0
        apart |= sided & every
        witnessed &= sided & some
    return apart, witnessed


def _apart_pairs(geoms: np.ndarray, a: np.ndarray, b: np.ndarray, shells: _Shells | None = None) -> np.ndarray:
    """Per pair ``geoms[a]``, ``geoms[b]``: 1 when the interiors certainly do not meet (:func:`interiors_apart`),
    -1 when they certainly meet (:func:`interiors_meet`), 0 when GEOS must tell; each geometry's coordinates
    read once (``shells``, from :func:`_shells`, when given: read once for several calls)."""
    n = len(a)
    out = np.zeros(n, dtype=np.int8)
    if n == 0:
        return out
    if shells is None:
        bounds = shapely.bounds(geoms)
        ba, bb = bounds[a], bounds[b]
        boxed = (ba[:, 2] <= bb[:, 0]) | (bb[:, 2] <= ba[:, 0]) | (ba[:, 3] <= bb[:, 1]) | (bb[:, 3] <= ba[:, 1])
        wanted = np.zeros(len(geoms), dtype=bool)
        wanted[a[~boxed]] = True
        wanted[b[~boxed]] = True
        shells = _shells(geoms, wanted)
    ba, bb = shells.bounds[a], shells.bounds[b]
    boxed = (ba[:, 2] <= bb[:, 0]) | (bb[:, 2] <= ba[:, 0]) | (ba[:, 3] <= bb[:, 1]) | (bb[:, 3] <= ba[:, 1])
    out[boxed] = 1
    k, start, cx, cy, side = shells.k, shells.start, shells.cx, shells.cy, shells.side
    todo = np.flatnonzero(~boxed & (k[a] > 0) & (k[b] > 0))
    if len(todo) == 0:
        return out
    # pair by pair, each polygon's lines against the other polygon's coordinates (the last, closing one repeats
    # another and is left out)
    witnessed = np.ones(n, dtype=bool)  # every line so far has a vertex of the other on its own polygon's side
    for first, second in ((a, b), (b, a)):
        key = k[first[todo]] * 1000 + k[second[todo]]
        order = np.argsort(key, kind="stable")
        todo, key = todo[order], key[order]
        for sel in np.split(todo, np.flatnonzero(np.diff(key)) + 1):
            ka, kb = int(k[first[sel[0]]]), int(k[second[sel[0]]])
            for s in range(0, len(sel), _APART_BLOCK):
                part = sel[s:s + _APART_BLOCK]
                at = start[first[part]][None, :] + np.arange(ka)[:, None]
                to = start[second[part]][None, :] + np.arange(kb - 1)[:, None]
                apart, seen = _parted(cx[at], cy[at], side[first[part], :ka - 1].T, cx[to], cy[to])
                out[part[apart]] = 1
                witnessed[part] &= seen
        todo = todo[out[todo] == 0]
        if len(todo) == 0:
            break
    meet = todo[shells.convex[a[todo]] & shells.convex[b[todo]] & witnessed[todo]]
    out[meet] = -1
    return out


#: a sweep finding more candidate pairs than this per box leaves them to a tree query (boxes crowding on both axes)
_SWEEP_MAX_PER_BOX = 16


def _ranks(values: np.ndarray) -> np.ndarray:
    """Each value's rank among the distinct ``values`` (equal values, -0.0 and 0.0 among them, share one)."""
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    out = np.empty(len(values), dtype=np.int64)
    out[order] = np.concatenate([[0], np.cumsum(ranked[1:] != ranked[:-1])]) if len(values) else order
    return out


def _box_pairs(bounds: np.ndarray, groups: np.ndarray, threads: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The pairs ``(i, j)``, ``i < j``, of members of one group whose bounding boxes meet (touching counts), the
    pairs an STRtree query of the boxes without predicate finds in each group (a geometry without bounds, None or
    empty, in none); None when the sweep would look at more than :data:`_SWEEP_MAX_PER_BOX` pairs per box.

    A sweep within each group along x or y, whichever gives it fewer candidates: with the members of a group
    sorted by the low end of their boxes on that axis, the members after ``i`` that start no later than ``i``
    ends are the pairs whose intervals meet on that axis, each found once; those whose intervals meet on the
    other axis too are kept. Every comparison is between the coordinates themselves (their ranks, exactly)."""
    ok = np.flatnonzero(~np.isnan(bounds).any(axis=1))
    n = len(ok)
    z = np.zeros(0, dtype=np.int64)
    if n < 2:
        return z, z
    box = bounds[ok]
    g = groups[ok]
    g = g - g.min()
    if int(g.max()) >= 2**62 // (2 * n + 1):
        g = np.unique(g, return_inverse=True)[1].astype(np.int64)
    m = 2 * n + 1  # ranks of the 2n ends are under it: one key range per group

    def keyed(ax: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The sweep keys along ``ax`` (low and high ends) and each group's candidates along it."""
        r = _ranks(np.concatenate([box[:, ax], box[:, ax + 2]]))
        lo, hi = g * m + r[:n], g * m + r[n:]
        order = np.argsort(lo, kind="stable")
        count = np.empty(n, dtype=np.int64)
        count[order] = np.searchsorted(lo[order], hi[order], side="right") - np.arange(n) - 1
        return lo, hi, np.bincount(g, weights=count)

    if threads > 1 and n >= 2 * MIN_CHUNK:  # the two axes side by side (numpy sorts without the GIL)
        with ThreadPoolExecutor(max_workers=2) as ex:
            keys = list(ex.map(keyed, (0, 1)))
    else:
        keys = [keyed(0), keyed(1)]
    use_y = (keys[1][2] < keys[0][2])[g]
    lo, hi = np.where(use_y, keys[1][0], keys[0][0]), np.where(use_y, keys[1][1], keys[0][1])
    order = np.argsort(lo, kind="stable")
    count = np.searchsorted(lo[order], hi[order], side="right") - np.arange(n) - 1
    if int(count.sum()) > _SWEEP_MAX_PER_BOX * n:
        return None
    # the other axis, in the sweep's order
    olo = np.where(use_y, box[:, 0], box[:, 1])[order]
    ohi = np.where(use_y, box[:, 2], box[:, 3])[order]
    name = ok[order]

    def sweep(sl: slice) -> np.ndarray:
        c = count[sl]
        i = np.repeat(np.arange(sl.start, sl.stop), c)
        j = i + 1 + (np.arange(len(i)) - np.repeat(np.cumsum(c) - c, c))
        keep = (olo[j] <= ohi[i]) & (olo[i] <= ohi[j])
        a, b = name[i[keep]], name[j[keep]]
        return np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)

    found = chunked(sweep, n, threads, work=count + 1)
    return found[:, 0].copy(), found[:, 1].copy()


def overlapping_pairs(geoms, groups: np.ndarray, *, threads: int = THREADS) -> tuple[np.ndarray, np.ndarray]:
    """The pairs ``(i, j)``, ``i < j``, of members of one group whose interiors meet (DE-9IM ``T********``).

    The candidates are the pairs whose bounding boxes meet (:func:`_box_pairs`); :func:`interiors_apart` sets aside those it can tell
    apart exactly, :func:`interiors_meet` takes those it can tell meeting (two convex footprints), and GEOS
    decides the rest.
    """
    geoms = _as_array(geoms)
    groups = np.asarray(groups, dtype=np.int64)
    z = np.zeros(0, dtype=np.int64)
    if len(geoms) == 0:
        return z, z
    bounds = shapely.bounds(geoms)
    # the shells of every member of a group of more than one (all geometries when the group numbers are sparse),
    # read beside the sweep: each pair's answer is the same whichever other geometries are read too
    low = int(groups.min())
    span = int(groups.max()) - low
    wanted = np.bincount(groups - low)[groups - low] > 1 if span < 4 * len(groups) + 1024 else \
        np.ones(len(geoms), dtype=bool)
    if threads > 1 and len(geoms) >= 2 * MIN_CHUNK:
        with ThreadPoolExecutor(max_workers=1) as ex:
            read = ex.submit(_shells, geoms, wanted, threads, bounds)
            found = _box_pairs(bounds, groups, threads)
            shells = read.result()
    else:
        found = _box_pairs(bounds, groups, threads)
        shells = _shells(geoms, wanted, threads, bounds)
    if found is None:  # boxes crowding on both axes: a tree query
        a, b = shapely.STRtree(geoms).query(geoms)  # box against box, no predicate
        meet = (a < b) & (groups[a] == groups[b])
        a, b = a[meet].astype(np.int64), b[meet].astype(np.int64)
    else:
        a, b = found
    if len(a) == 0:
        return a, b
    state = chunked(lambda sl: _apart_pairs(geoms, a[sl], b[sl], shells), len(a), threads)
    unknown = np.flatnonzero(state == 0)
    if len(unknown) == 0:
        sure = state == -1
        return a[sure], b[sure]
    xu, yu = geoms[a[unknown]], geoms[b[unknown]]

    def geos_meet(sl: slice) -> np.ndarray:
        try:
            return shapely.relate_pattern(xu[sl], yu[sl], "T********")
        except shapely.errors.GEOSException:  # cannot tell: unite them, as a union always gives the answer
            return np.ones(sl.stop - sl.start, dtype=bool)

    work = shapely.get_num_coordinates(xu) + shapely.get_num_coordinates(yu)
    real = np.sort(np.concatenate([np.flatnonzero(state == -1),
                                   unknown[chunked(geos_meet, len(unknown), threads, work=work).astype(bool)]]))
    return a[real], b[real]


def grouped_union_area(geoms, groups: np.ndarray, n_groups: int, *, threads: int = THREADS,
                       return_overlaps: bool = False, pairs: tuple[np.ndarray, np.ndarray] | None = None,
                       ids: np.ndarray | None = None, cache: dict | None = None):
    """Planar area of the union of each group's geometries (0 for an empty group).

    Only members that really overlap another member of their group (their interiors meet: DE-9IM
    ``T********``, :func:`overlapping_pairs`) are united (:func:`grouped_union`); every other member adds its
    own area. Footprints that stand apart or share only walls (terraced rows) are therefore summed, not
    united: the same area, since members whose interiors do not meet overlap in no area. With
    ``return_overlaps=True`` also returns the indices of the members that overlap another one, so that a caller
    can name them (overlapping building footprints are a finding about the layer). ``pairs``, when given, are
    those of :func:`overlapping_pairs` for these geometries and groups (or for a larger set they were taken
    from, renumbered), so that a caller measuring several subsets of one layer tests the pairs once. With ``ids``
    (one integer per geometry, naming it across calls; the same members come in the same order in each call) and
    ``cache`` (a dict kept between such calls), a group whose overlapping members are the same as in the
    previous call keeps that call's union area instead of being united again: the same members in the same
    order give the same union.
    """
    geoms = _as_array(geoms)
    groups = np.asarray(groups, dtype=np.int64)
    if len(geoms) == 0:
        total = np.zeros(n_groups)
        return (total, np.zeros(0, dtype=np.int64)) if return_overlaps else total
    area = shapely.area(geoms)
    a, b = pairs if pairs is not None else overlapping_pairs(geoms, groups, threads=threads)
    alone = np.ones(len(geoms), dtype=bool)
    alone[a] = False
    alone[b] = False
    overlapping = np.flatnonzero(~alone).astype(np.int64)
    total = np.bincount(groups[alone], weights=area[alone], minlength=n_groups).astype(float)
    sub = groups[overlapping]
    known = np.zeros(n_groups, dtype=bool)
    union_m2 = np.zeros(n_groups)
    if cache is not None and ids is not None and "ids" in cache:
        now, before = np.asarray(ids)[overlapping], cache["ids"]
        common = np.isin(now, before)
        count = np.bincount(sub, minlength=n_groups)
        known = (count > 0) & (count == cache["count"]) & (np.bincount(sub[common], minlength=n_groups) == count)
        union_m2[known] = cache["area"][known]
    redo = overlapping[~known[sub]]
    if len(redo):
        unions = grouped_union(geoms[redo], groups[redo], n_groups, threads=threads)
        crowded = np.unique(groups[redo])
        union_m2[crowded] = shapely.area(unions[crowded])
    total += union_m2
    if cache is not None and ids is not None:
        cache.update(ids=np.asarray(ids)[overlapping], count=np.bincount(sub, minlength=n_groups), area=union_m2)
    return (total, overlapping) if return_overlaps else total


def _valid(geoms: np.ndarray, threads: int) -> np.ndarray:
    """``shapely.is_valid``, threaded by work."""
    return chunked(lambda sl: shapely.is_valid(geoms[sl]), len(geoms), threads,
                   work=shapely.get_num_coordinates(geoms)).astype(bool)


def grouped_coverage_union(geoms, groups: np.ndarray, n_groups: int, *, threads: int = THREADS,
                           flags: np.ndarray | None = None, valid: bool = False) -> np.ndarray:
    """:func:`grouped_union`, with the groups whose members form a polygonal coverage (no two overlap, shared
    edges drawn with the same vertices, as supplies tiling an approval are) united by ``shapely.coverage_union_all``,
    which only removes the shared edges and is about three times cheaper than an overlay union.

    A group is taken from the coverage union only when its members are valid polygons, GEOS accepts them as a
    coverage and the result is a valid polygon whose area is the sum of its members' (an overlap or a nested
    member gives an invalid one; an edge shared with different vertices is refused): every other group is
    united by :func:`grouped_union`, so the result is the union of each group in every case. ``valid=True``: the
    caller knows every member is valid (a layer :func:`redline.validate.prepare_layers` checked), and the
    members' validity is not tested again.
    """
    out, g, s, counts, starts, multi = _sorted_by_group(geoms, groups, n_groups)
    if len(multi) == 0:
        return out
    # members the coverage union may take: valid polygons (any other goes to the overlay and its fallbacks)
    polygonal = np.zeros(len(s), dtype=bool)
    many = np.flatnonzero(counts[g] > 1)
    polygonal[many] = np.isin(shapely.get_type_id(s[many]), (3, 6))
    if not valid:
        polygonal[many] &= _valid(s[many], threads)
    total = np.bincount(g, weights=shapely.area(s), minlength=n_groups)
    ok = np.zeros(n_groups, dtype=bool)
    for members, grid, rows, idx, work in _size_classes(s, counts, starts, multi):
        fit = np.bincount(rows, weights=~polygonal[idx], minlength=len(members)) == 0

        def cover_rows(sl: slice, grid: np.ndarray = grid, fit: np.ndarray = fit) -> np.ndarray:
            res = np.full(sl.stop - sl.start, None, dtype=object)
            try:
                res[fit[sl]] = shapely.coverage_union_all(grid[sl][fit[sl]], axis=1)
            except shapely.errors.GEOSException:  # not a coverage somewhere in the slice: row by row
                for r in np.flatnonzero(fit[sl]):
                    with contextlib.suppress(shapely.errors.GEOSException):
                        res[r] = shapely.coverage_union_all(grid[sl][r])
            return res

        out[members] = chunked(cover_rows, len(members), threads, work=work)
        got = members[np.array([x is not None for x in out[members]], dtype=bool)]
        if len(got):
            area = shapely.area(out[got])
            ok[got] = _valid(out[got], threads) & (np.abs(area - total[got]) <= 1e-9 * np.maximum(total[got], 1.0))
    redo = multi[~ok[multi]]
    if len(redo):
        sel = np.isin(g, redo)
        out[redo] = grouped_union(s[sel], g[sel], n_groups, threads=threads, flags=flags)[redo]
    return out


def subdivide(geoms, max_vertices: int = MAX_VERTICES, *, flags: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Cut polygons with more than ``max_vertices`` vertices into pieces (recursive halving of the bounds by
    :func:`redline._halving.halve`: rectangle clipping, checked, with the exact intersection where a check fails).

    Returns ``(pieces, parent)``; the pieces of a polygon are a partition of it (their areas sum
    to its area; their union is the polygon), so per-piece results can be summed or re-united.
    A polygon GEOS cannot cut in floating point is cut with :func:`robust`'s fallback, and its level
    goes into ``flags`` (one int per input geometry) when given.
    """
    geoms = _as_array(geoms)
    lv = np.zeros(len(geoms), dtype=np.int8)

    def exact(geoms, boxes, positions):
        sub = np.zeros(len(geoms), dtype=np.int8)
        out = robust(shapely.intersection, geoms, boxes, flags=sub)
        np.maximum.at(lv, positions, sub)
        return out

    pieces, parents = cut(geoms, max_vertices, intersect=exact)
    if flags is not None and lv.any():
        np.maximum(flags, lv, out=flags)
    order = np.argsort(parents, kind="stable")
    return pieces[order], parents[order]


# -- remnants ---------------------------------------------------------------------------------------------------


@dataclass
class Remnants:
    """Per left feature: its area, the area covered by its partners' union, and what is left.

    Areas are in m² by the chosen method; ``remnant`` holds geometries in the working CRS (an
    empty polygon where nothing is left); ``partners`` counts intersecting right features;
    ``fallback`` is each left feature's fallback level (0: plain floating point; else a key of
    :data:`FALLBACK_LEVELS`): such a feature's area, covered area and remnant were all computed on
    that footing (the same grid, the same repaired operands), so that they still balance.
    """

    area: np.ndarray
    covered: np.ndarray
    remnant: np.ndarray
    partners: np.ndarray
    factor: np.ndarray
    pairs: PairIndex
    fallback: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))  # not given: all zeros

    def __post_init__(self) -> None:
        if not len(self.fallback) and len(self.area):
            self.fallback = np.zeros(len(self.area), dtype=np.int8)


def _holds(predicate: Callable, a: np.ndarray, b: np.ndarray, threads: int) -> np.ndarray:
    """``predicate(a, b)`` item by item, threaded by work; an item GEOS cannot decide (an operand invalid in
    this CRS) is taken as not holding, so it goes the way of the exact overlay and its fallbacks."""
    if len(a) == 0:
        return np.zeros(0, dtype=bool)

    def run(sl: slice) -> np.ndarray:
        try:
            return predicate(a[sl], b[sl])
        except shapely.errors.GEOSException:
            out = np.zeros(sl.stop - sl.start, dtype=bool)
            for k, (x, y) in enumerate(zip(a[sl], b[sl], strict=True)):
                with contextlib.suppress(shapely.errors.GEOSException):
                    out[k] = bool(predicate(x, y))
            return out

    return chunked(run, len(a), threads, work=_vertices(a, b)).astype(bool)


def remnants(left, right, *, crs=None, method: AreaMethod = "planar", pairs: PairIndex | None = None,
             threads: int = THREADS, max_vertices: int = MAX_VERTICES, geometry: bool = True,
             backend: Backend | None = None, right_valid: bool = False) -> Remnants:
    """Each left geometry minus the union of the right geometries it intersects.

    The covered area is computed independently of the remnant, so ``area = covered + remnant area`` is a
    check, not an identity: the left feature's own area when it lies inside its partners' union (then
    nothing is left of it and no difference is computed), the area of the union when the union lies inside
    the left feature, else the area of left ∩ union. Both relations are tested once per left feature
    against the union (or read from ``pairs`` when its cover flags say so), not pair by pair. With ``geometry=False`` only the areas are
    computed (``remnant`` is left as the input geometries). With a scale ``backend`` each spatial
    partition of ``left`` is computed apart (:mod:`redline.scale`), with the same results. ``right_valid=True``:
    the right geometries are known valid (a prepared layer), which :func:`grouped_coverage_union` then does
    not test again.
    """
    check_area_method(method)
    backend = resolve_backend(backend)
    if backend is not None:
        return _routes.remnants(backend, left, right, crs=crs, method=method, pairs=pairs, threads=threads,
                                max_vertices=max_vertices, geometry=geometry, right_valid=right_valid)
    left, right = _as_array(left), _as_array(right)
    n = len(left)
    factor = area_factor(left, crs, method)
    if n == 0:
        z = np.zeros(0)
        pi = pairs or PairIndex(z.astype(np.int64), z.astype(np.int64), z.astype(bool), z.astype(bool), 0, len(right))
        return Remnants(z, z, np.zeros(0, dtype=object), z.astype(np.int64), factor, pi)
    pairs = pairs if pairs is not None else pair_index(left, right, threads=threads, relations=False)
    partners = np.bincount(pairs.left, minlength=n)
    big = (shapely.get_num_coordinates(left) > max_vertices) & (partners > 0)
    if big.any() and geometry:
        return _remnants_subdivided(left, right, big, factor, pairs, partners, threads, max_vertices, right_valid)
    planar_area = shapely.area(left)
    covered = np.zeros(n)
    remnant = left.copy()
    fully = np.zeros(n, dtype=bool)
    fully[pairs.left[pairs.left_within]] = True
    live = ~fully[pairs.left]
    li, ri = pairs.left[live], pairs.right[live]
    active = np.flatnonzero(~fully & (partners > 0))
    fallback = np.zeros(n, dtype=np.int8)
    if len(active):
        unions = grouped_coverage_union(right[ri], li, n, threads=threads, flags=fallback, valid=right_valid)
        union_area = np.zeros(n)
        union_area[active] = shapely.area(unions[active])
        # the left feature lies inside its partners' union: nothing is left of it, all of it is covered (tested
        # where the union's area allows it; an approval tiled by its supplies is the common case)
        maybe = active[union_area[active] >= planar_area[active] * (1 - 1e-9)]
        fully[maybe] = _holds(shapely.covered_by, left[maybe], unions[maybe], threads)
        active = active[~fully[active]]
        # the union lies inside the left feature: the covered area is the union's own, no intersection needed
        # (known from the pairs when each partner is covered, else tested once for the union)
        not_covered_pairs = np.bincount(li, weights=(~pairs.left_covers[live]).astype(float), minlength=n)
        inside = np.zeros(n, dtype=bool)
        inside[active] = not_covered_pairs[active] == 0
        test = active[~inside[active]]
        inside[test] = _holds(shapely.covers, left[test], unions[test], threads)
        straddle = active[~inside[active]]
        a, u = left[active], unions[active]
        if geometry:
            lv = np.zeros(len(active), dtype=np.int8)
            remnant[active] = chunked(lambda sl: robust(shapely.difference, a[sl], u[sl], flags=lv[sl]), len(active),
                                      threads, work=_vertices(a, u))
            fallback[active] = np.maximum(fallback[active], lv)
        covered[inside] = union_area[inside]
        if len(straddle):
            a2, u2 = left[straddle], unions[straddle]
            lv = np.zeros(len(straddle), dtype=np.int8)
            covered[straddle] = chunked(lambda sl: shapely.area(robust(shapely.intersection, a2[sl], u2[sl],
                                                                       flags=lv[sl])), len(straddle), threads,
                                          work=_vertices(a2, u2))
            fallback[straddle] = np.maximum(fallback[straddle], lv)
    remnant[fully] = EMPTY
    covered[fully] = planar_area[fully]
    for i in np.flatnonzero(fallback):  # redo each such feature whole, on one footing, so its areas balance
        own = right[ri[li == i]]
        planar_area[i], covered[i], rem, fallback[i] = _balanced(left[i], own, int(fallback[i]))
        if geometry:
            remnant[i] = rem
    return Remnants(planar_area * factor, np.nan_to_num(covered) * factor, remnant, partners, factor, pairs, fallback)


def _balanced(geom, partners: np.ndarray, start: int) -> tuple[float, float, object, int]:
    """Area, covered area and remnant of one left feature, all on the first fallback level from ``start`` that works."""
    error: shapely.errors.GEOSException | None = None
    for level, grid, repair in _levels()[start:]:
        g, own = geom, partners
        if repair:
            g, own = _repaired(g), np.array([_repaired(p) for p in partners], dtype=object)
        try:
            if grid is not None:
                g = shapely.set_precision(g, grid)
            union = shapely.union_all(own, grid_size=grid)
            rem = shapely.difference(g, union, grid_size=grid)
            cov = shapely.area(shapely.intersection(g, union, grid_size=grid))
            return float(shapely.area(g)), float(cov), rem, level
        except shapely.errors.GEOSException as exc:
            error = exc
    raise error if error is not None else RuntimeError(f"no fallback level from {start} to try")


def _remnants_subdivided(left, right, big, factor, pairs, partners, threads, max_vertices,
                         right_valid: bool = False) -> Remnants:
    """Remnants with the big left polygons cut into pieces: areas summed, remnants re-united."""
    n = len(left)
    fallback = np.zeros(n, dtype=np.int8)
    pieces, parent = subdivide(left, max_vertices, flags=fallback)
    res = remnants(pieces, right, method="planar", threads=threads, max_vertices=10**9, right_valid=right_valid)
    planar_area = np.bincount(parent, weights=res.area, minlength=n)
    covered = np.bincount(parent, weights=res.covered, minlength=n)
    live = ~shapely.is_empty(res.remnant)
    remnant = grouped_union(res.remnant[live], parent[live], n, threads=threads)
    remnant[[g is None for g in remnant]] = EMPTY
    np.maximum.at(fallback, parent, res.fallback)
    return Remnants(planar_area * factor, covered * factor, remnant, partners, factor, pairs, fallback)


def split_slivers(remnant: np.ndarray, factor: np.ndarray, *, max_area_m2: float, max_width_m: float):
    """Split each remnant into land and digitising slivers.

    A part (polygon) of a remnant is a sliver when its area is under ``max_area_m2`` or its mean
    width ``2 × area / perimeter`` is under ``max_width_m``. Returns ``(land_geoms, land_m2,
    sliver_m2, sliver_parts, land_parts)``; areas are multiplied by ``factor`` (ellipsoidal).
    """
    n = len(remnant)
    land_geoms = np.full(n, EMPTY, dtype=object)
    land = np.zeros(n)
    sliver = np.zeros(n)
    if n == 0:
        return land_geoms, land, sliver, np.zeros(0, int), np.zeros(0, int)
    parts, idx = shapely.get_parts(remnant, return_index=True)
    if len(parts) == 0:
        return land_geoms, land, sliver, np.zeros(n, int), np.zeros(n, int)
    poly = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    parts, idx = parts[poly], idx[poly]
    area = shapely.area(parts)
    keep_nonzero = area > 0
    parts, idx, area = parts[keep_nonzero], idx[keep_nonzero], area[keep_nonzero]
    width = np.where(shapely.length(parts) > 0, 2 * area / np.maximum(shapely.length(parts), 1e-300), 0.0)
    is_sliver = (area * factor[idx] < max_area_m2) | (width < max_width_m)
    land = np.bincount(idx[~is_sliver], weights=area[~is_sliver], minlength=n) * factor
    sliver = np.bincount(idx[is_sliver], weights=area[is_sliver], minlength=n) * factor
    n_sliver = np.bincount(idx[is_sliver], minlength=n)
    n_land = np.bincount(idx[~is_sliver], minlength=n)
    keep = ~is_sliver
    if keep.any():
        whole = n_land == np.bincount(idx, minlength=n)  # no sliver removed: keep the remnant as it is
        land_geoms[whole & (n_land > 0)] = remnant[whole & (n_land > 0)]
        mixed = np.flatnonzero((n_land > 0) & ~whole)
        if len(mixed):
            sel = keep & np.isin(idx, mixed)
            multi = shapely.multipolygons(parts[sel], indices=np.searchsorted(mixed, idx[sel]))
            land_geoms[mixed] = multi
    return land_geoms, land, sliver, n_sliver, n_land


# -- the per-partition function ---------------------------------------------------------------------------------


def overlay_areas(left, right, *, left_id: str, right_id: str | None = None, how: str = "pairs",
                  method: AreaMethod = "planar", crs=None, threads: int = THREADS,
                  log: AuditLog | None = None, backend: Backend | None = None) -> pd.DataFrame:
    """Per-id overlay areas of two GeoDataFrames in one metric CRS (see the module docstring).

    Parameters
    ----------
    left, right : GeoDataFrame
        Same projected CRS in metres (e.g. after :func:`redline.validate.prepare_layers`).
    left_id, right_id : str
        Id columns (``right_id`` needed for ``how="pairs"``).
    how : {"pairs", "covered"}
        ``pairs``: ``[left_id, right_id, area_m2]`` per intersecting pair (additive across
        partitions). ``covered``: one row per left id: ``area_m2``, ``covered_m2``, ``uncovered_m2``
        (the union of the right features given).
    method : {"planar", "ellipsoidal"}
    backend : redline.scale.Backend, optional
        Compute the overlay per spatial partition on this scale backend (same results).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> a = gpd.GeoDataFrame({"aid": ["A"]}, geometry=[box(0, 0, 100, 100)], crs="EPSG:4547")
    >>> s = gpd.GeoDataFrame({"sid": ["S1", "S2"]}, geometry=[box(0, 0, 60, 100), box(30, 0, 60, 100)],
    ...                      crs="EPSG:4547")
    >>> overlay_areas(a, s, left_id="aid", right_id="sid").area_m2.tolist()
    [6000.0, 3000.0]
    >>> overlay_areas(a, s, left_id="aid", how="covered").iloc[0, 1:].astype(float).tolist()
    [10000.0, 6000.0, 4000.0]
    """
    if how not in ("pairs", "covered"):
        raise ValueError(f"how must be one of pairs, covered, not {how!r}")
    crs = crs if crs is not None else left.crs
    lg, rg = _as_array(left.geometry), _as_array(right.geometry)
    if how == "pairs":
        if right_id is None:
            raise ValueError("how='pairs' needs right_id")
        pairs, area, levels = pair_areas(lg, rg, threads=threads, return_fallback=True, backend=backend)
        f = area_factor(lg, crs, method)
        out = pd.DataFrame({left_id: left[left_id].to_numpy()[pairs.left],
                            right_id: right[right_id].to_numpy()[pairs.right],
                            "area_m2": area * f[pairs.left]})
        per_left = np.zeros(len(lg), dtype=np.int8)
        np.maximum.at(per_left, pairs.left, levels)
    else:
        res = remnants(lg, rg, crs=crs, method=method, threads=threads, backend=backend)
        out = pd.DataFrame({left_id: left[left_id].to_numpy(), "area_m2": res.area, "covered_m2": res.covered,
                            "uncovered_m2": res.area - res.covered})
        per_left = res.fallback
    notes = fallback_note("overlay_areas", "left", left[left_id].to_numpy(), per_left)
    deliver(AuditLog(notes=NoteList(notes), area_method=method), log, "overlay_areas")
    return out
