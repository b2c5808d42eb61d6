"""Cutting polygons in two along the middle of their bounds: the step of every subdivision.

Big polygons (growth boundaries, red lines, townships, large approvals) are cut into pieces of a few
hundred vertices by halving them again and again, as PostGIS ``ST_Subdivide`` does. A cut by an
axis-parallel rectangle needs no general overlay: GEOS's rectangle clipping (``shapely.clip_by_rect``)
walks each ring once, about twenty times faster than an exact intersection with the same box. It does
not promise valid output, so every cut is checked: only polygonal parts are kept, each must be valid,
and the two halves' areas must add up to the polygon's own area (within :data:`AREA_TOLERANCE`,
relative). A polygon failing any check is cut again by the exact intersection the caller gives.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shapely

__all__ = ["AREA_TOLERANCE", "halve", "subdivide"]

#: the halves' areas must sum to the polygon's within this fraction of it, or the exact cut is used
AREA_TOLERANCE = 1e-9

POLYGON = 3

#: ``intersect(geoms, boxes, positions)``: the exact intersection of each polygon with its box, where
#: ``positions`` are the polygons' places in the array given to :func:`halve`
Intersect = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _exact(geoms: np.ndarray, boxes: np.ndarray, positions: np.ndarray) -> np.ndarray:
    return shapely.intersection(geoms, boxes)


def _polygon_parts(halves: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The non-empty polygons of the halves (``2 n`` geometries: first halves, then second halves), and the
    position (``0 .. n-1``) of the polygon each came from."""
    parts, idx = shapely.get_parts(halves, return_index=True)
    while True:  # a collection can hold a multipolygon: flatten to single polygons
        nested = np.isin(shapely.get_type_id(parts), (4, 5, 6, 7))
        if not nested.any():
            break
        sub, sub_idx = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], sub])
        idx = np.concatenate([idx[~nested], idx[nested][sub_idx]])
    keep = (shapely.get_type_id(parts) == POLYGON) & (shapely.area(parts) > 0)
    return parts[keep], idx[keep] % n


def halve(geoms, *, pad: float | np.ndarray = 0.0, intersect: Intersect | None = None, validate: bool = True,
          exact: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each polygon cut in two across the longer side of its bounding box, at its middle.

    Parameters
    ----------
    geoms : array of Polygon
        Valid polygons or multipolygons of positive area.
    pad : float or array
        The two boxes reach this far beyond the bounds on their outer sides (a cut never depends on it;
        it only keeps an exact intersection away from edges lying on the bounds).
    intersect : callable, optional
        The exact cut used where rectangle clipping fails a check (default ``shapely.intersection``).
    validate : bool
        Check the halves' validity (False: only their areas; :func:`subdivide` checks the finished pieces).
    exact : bool
        Cut every polygon by ``intersect``, no rectangle clipping.

    Returns
    -------
    parts : ndarray of Polygon
        The pieces (a half can fall apart into several polygons); together they tile each polygon.
    index : ndarray of int
        For each piece, the position of the polygon it came from.
    exact : ndarray of bool
        For each polygon, True where the exact intersection was used.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> parts, index, exact = halve([box(0, 0, 4, 2)])
    >>> sorted(p.bounds for p in parts), index.tolist(), exact.tolist()
    ([(0.0, 0.0, 2.0, 2.0), (2.0, 0.0, 4.0, 2.0)], [0, 0], [False])
    """
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    if n == 0:
        return np.empty(0, dtype=object), np.empty(0, dtype=np.int64), np.zeros(0, bool)
    b = shapely.bounds(geoms)
    pad = np.broadcast_to(np.asarray(pad, dtype=float), (n,))
    wide = (b[:, 2] - b[:, 0]) >= (b[:, 3] - b[:, 1])
    mx, my = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    first = (b[:, 0] - pad, b[:, 1] - pad, np.where(wide, mx, b[:, 2] + pad), np.where(wide, b[:, 3] + pad, my))
    second = (np.where(wide, mx, b[:, 0] - pad), np.where(wide, b[:, 1] - pad, my), b[:, 2] + pad, b[:, 3] + pad)
    if exact:
        redo_all = np.ones(n, bool)
        parts, idx = np.empty(0, dtype=object), np.empty(0, dtype=np.int64)
    else:
        halves = np.empty(2 * n, dtype=object)
        for box, offset in ((first, 0), (second, n)):  # one rectangle per call
            for i, (g, x0, y0, x1, y1) in enumerate(zip(geoms, *box, strict=True)):
                halves[offset + i] = shapely.lib.clip_by_rect(g, x0, y0, x1, y1)
        parts, idx = _polygon_parts(halves, n)
        whole = shapely.area(geoms)
        summed = np.bincount(idx, weights=shapely.area(parts), minlength=n)
        redo_all = ~(np.abs(summed - whole) <= AREA_TOLERANCE * whole)
        if validate:
            redo_all |= np.bincount(idx, weights=~shapely.is_valid(parts), minlength=n) > 0
    if redo_all.any():
        redo = np.flatnonzero(redo_all)
        cut = intersect or _exact
        boxes_a = np.asarray(shapely.box(first[0][redo], first[1][redo], first[2][redo], first[3][redo]))
        boxes_b = np.asarray(shapely.box(second[0][redo], second[1][redo], second[2][redo], second[3][redo]))
        again = np.concatenate([cut(geoms[redo], boxes_a, redo), cut(geoms[redo], boxes_b, redo)])
        more, more_idx = _polygon_parts(again, len(redo))
        keep = ~redo_all[idx]
        parts = np.concatenate([parts[keep], more])
        idx = np.concatenate([idx[keep], redo[more_idx]])
    return parts, idx.astype(np.int64), redo_all


def subdivide(geoms, max_vertices: int, *, max_depth: int = 24, pad_fraction: float | None = None,
              intersect: Intersect | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Cut each polygon with more than ``max_vertices`` vertices in halves (:func:`halve`), recursively, until every
    piece has at most ``max_vertices`` vertices (or ``max_depth`` cuts were made).

    Each level checks only the halves' areas; the finished pieces are checked for validity once, and a polygon
    with an invalid piece is cut again from the start by exact intersections alone. ``pad_fraction``: the boxes
    reach this fraction of the longer side (plus 1 unit) beyond the bounds (None: not at all).

    Returns ``(pieces, parent)``: the pieces, and for each the position of the polygon it came from (in the order
    cut, not sorted).
    """
    geoms = np.asarray(geoms, dtype=object)
    pieces, parent = _subdivide(geoms, np.arange(len(geoms)), max_vertices, max_depth, pad_fraction, intersect,
                                exact=False)
    bad = np.unique(parent[~shapely.is_valid(pieces)]) if len(pieces) else np.empty(0, np.int64)
    if len(bad):
        keep = ~np.isin(parent, bad)
        again, again_parent = _subdivide(geoms[bad], bad, max_vertices, max_depth, pad_fraction, intersect,
                                         exact=True)
        pieces = np.concatenate([pieces[keep], again])
        parent = np.concatenate([parent[keep], again_parent])
    return pieces, parent.astype(np.int64)


def _subdivide(geoms, parent, max_vertices, max_depth, pad_fraction, intersect, *, exact):
    done_g, done_p = [], []
    todo_g, todo_p = geoms, parent
    for _ in range(max_depth):
        if len(todo_g) == 0:
            break
        big = shapely.get_num_coordinates(todo_g) > max_vertices
        done_g.append(todo_g[~big])
        done_p.append(todo_p[~big])
        todo_g, todo_p = todo_g[big], todo_p[big]
        if len(todo_g) == 0:
            break
        pad = 0.0
        if pad_fraction is not None:
            b = shapely.bounds(todo_g)
            pad = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) * pad_fraction + 1.0
        sub, idx, _ = halve(todo_g, pad=pad, intersect=_at(intersect, todo_p), validate=False, exact=exact)
        todo_g, todo_p = sub, todo_p[idx]
    done_g.append(todo_g)
    done_p.append(todo_p)
    return np.concatenate(done_g), np.concatenate(done_p)


def _at(intersect: Intersect | None, positions: np.ndarray) -> Intersect | None:
    """``intersect`` told the positions in the original array, not in this level's."""
    if intersect is None:
        return None
    return lambda geoms, boxes, where: intersect(geoms, boxes, positions[where])
