"""The overlay kernel for many small polygons against a few huge ones.

Farmland patches (hundreds of thousands) against growth boundaries and red lines (a few
polygons of thousands of vertices each), land-use patches against administrative units: the
case PERFORMANCE.md measures. What makes it fast:

1. one STRtree on the many small polygons, queried by the boxes of the few big ones;
2. a small polygon the whole big one covers is its own overlap: no intersection is computed. The big
   polygon is prepared once per thread; ``contains_properly`` answers for a small polygon clear of its
   boundary, the DE-9IM pattern of "covers" for one with an edge on it (a land-use patch on its
   township's edge, where ``contains_properly`` fails);
3. only the rest meets the big polygons cut into pieces of at most ``max_vertices`` vertices
   (:func:`subdivide`, recursive halving of the bounding box, like PostGIS ``ST_Subdivide``), and a
   small polygon in a piece's interior is again its own overlap;
4. the exact tests and intersections run on two threads (shapely releases the GIL), the pairs shared
   by their estimated work (vertices), not by their count;
5. results are a pairs table ``(small, big)``; pieces of one pair that subdivision split are
   merged back (their areas summed, their geometries unioned).
"""

from __future__ import annotations

import functools
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import shapely

from .._halving import subdivide as cut
from ..scale import Backend, _routes, resolve_backend

__all__ = ["edge_suspects", "overlay_pairs", "polygonal", "self_overlaps", "subdivide"]

POLYGON, MULTIPOLYGON, COLLECTION = 3, 6, 7


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """The polygonal part of each geometry (lines and points of a touching overlap dropped)."""
    geoms = np.asarray(geoms, dtype=object)
    out = geoms.copy()
    types = shapely.get_type_id(geoms)
    for i in np.flatnonzero(~np.isin(types, (POLYGON, MULTIPOLYGON))):
        g = geoms[i]
        if g is None:
            continue
        parts = [p for p in shapely.get_parts(g) if shapely.get_type_id(p) in (POLYGON, MULTIPOLYGON)]
        out[i] = (parts[0] if len(parts) == 1 else shapely.union_all(parts)) if parts else shapely.Polygon()
    return out


def _exact_cut(geoms: np.ndarray, boxes: np.ndarray, positions: np.ndarray) -> np.ndarray:
    return polygonal(shapely.intersection(geoms, boxes))


def subdivide(geoms, max_vertices: int = 256, max_depth: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """Cut polygons into pieces of at most ``max_vertices`` vertices.

    Each polygon (multipolygons part by part) whose vertex count exceeds the limit is split in two
    across the longer side of its bounding box, recursively (:func:`redline._halving.halve`: rectangle
    clipping, checked, with the exact intersection where a check fails). The pieces tile the input:
    their union is the polygon, their areas sum to its area, and they overlap only along their
    shared edges.

    Returns
    -------
    pieces : ndarray of geometries
    parent : ndarray of int
        For each piece, the position of the polygon it came from.
    """
    geoms = np.asarray(geoms, dtype=object)
    parts, parent = shapely.get_parts(geoms, return_index=True)
    # the boxes reach a little beyond the bounds so no edge of the polygon lies on a box edge
    pieces, at = cut(parts, max_vertices, max_depth=max_depth, pad_fraction=1e-3, intersect=_exact_cut)
    return pieces, parent[at].astype(np.int64)


def _copies(geoms: np.ndarray) -> np.ndarray:
    """Prepared copies of geometries, so a thread uses its own (a prepared geometry's lazily built index is not
    safe to build from two threads at once)."""
    out = shapely.from_wkb(shapely.to_wkb(geoms))
    shapely.prepare(out)
    return out


def _spans(work: np.ndarray, parts: int) -> list[tuple[int, int]]:
    """``parts`` consecutive spans of about equal total ``work`` (an estimate per item)."""
    n = len(work)
    if n == 0:
        return []
    cum = np.cumsum(work, dtype=float)
    cuts = np.searchsorted(cum, cum[-1] * np.arange(1, parts) / parts, side="right")
    edges = np.unique(np.r_[0, np.clip(cuts, 0, n), n])
    return list(zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True))


def _run(fn, spans: list[tuple[int, int]], threads: int) -> list:
    if threads > 1 and len(spans) > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            return list(pool.map(fn, spans))
    return [fn(s) for s in spans]


def covered_pairs(small: np.ndarray, big: np.ndarray, si: np.ndarray, bi: np.ndarray, threads: int,
                  chunk: int, interiors: bool = False, apart: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """For each candidate pair (boxes meeting): does the whole big polygon cover the small one, and do they
    intersect at all (``interiors=True``: do their interiors meet)? The pairs are tested on ``threads`` threads,
    each against its own prepared copies of the big polygons.

    ``contains_properly`` answers for a small polygon clear of the big one's boundary; one with an edge on that
    boundary (a land-use patch on its township's edge) is tested by the DE-9IM pattern of "covers" for
    polygons (``T*****FF*``: interiors meet, nothing of the small one outside), faster than ``covers`` there;
    with ``interiors`` the whole matrix is computed once and answers both (with ``apart``, patterns: a
    pattern's answer is a boolean, so GEOS runs on both threads at once, while a matrix is a Python string
    made holding the interpreter).

    ``apart=True`` (with ``interiors``): the caller knows that no two big polygons' interiors meet (townships of
    one county). A small polygon that one big polygon covers then meets the interior of no other (an open set
    that met another's interior would meet the first one's interior too), so once one pair answers "covered"
    the small polygon's other pairs are "not covered, interiors apart" untested. After ``contains_properly`` on
    every pair, the rest are tested in two rounds, one pair of each small polygon not yet covered, then the
    others of those still not covered; only a small polygon no big one covers has its interiors tested. The
    answers are the same, but where GEOS contradicts itself at round-off along a shared edge: a pair it would
    say has meeting interiors, though their intersection has no area, is then apart (and its overlap, empty or
    of round-off size, is no row of :func:`overlay_pairs` with ``touching=False``).
    """
    covered, meets = np.zeros(len(si), bool), np.zeros(len(si), bool)
    if not len(si):
        return covered, meets
    prepared = _PerThread(big, np.unique(bi))
    work = shapely.get_num_coordinates(small).astype(float)  # a pair's work: its small polygon's vertices

    def test(predicate, rows: np.ndarray) -> np.ndarray:
        def run(span):
            r = rows[span[0]:span[1]]
            return predicate(prepared.get()[bi[r]], small[si[r]])

        parts = _run(run, _spans(work[si[rows]], max(threads, -(-len(rows) // max(1, chunk)))), threads)
        return np.concatenate(parts) if parts else np.zeros(0, bool)

    every = np.arange(len(si))
    covered[:] = test(shapely.contains_properly, every)
    meets[covered] = True
    rest = np.flatnonzero(~covered)
    done = np.zeros(len(small), bool)
    if interiors and apart:
        done[si[covered]] = True
        rest = rest[~done[si[rest]]]
    meets[rest] = test(shapely.intersects, rest)
    edge = rest[meets[rest]]
    covers = functools.partial(shapely.relate_pattern, pattern="T*****FF*")
    if not interiors:
        covered[edge] = test(covers, edge)
        return covered, meets
    if not apart:  # the whole matrix at once: the interiors of pairs not covered are to be told anyway
        m = np.empty((len(edge), 9), dtype="U1")
        if len(edge):
            m[:] = np.asarray(test(shapely.relate, edge), dtype="U9").view("U1").reshape(-1, 9)
        covered[edge] = (m[:, 0] != "F") & (m[:, 6] == "F") & (m[:, 7] == "F")
        meets[edge] = m[:, 0] != "F"
        return covered, meets
    later = np.ones(len(si), bool)
    first = edge[np.unique(si[edge], return_index=True)[1]]
    later[first] = False
    for rows in (first, edge[later[edge]]):
        rows = rows[~done[si[rows]]]
        covered[rows] = test(covers, rows)
        done[si[rows[covered[rows]]]] = True
    meets[edge[done[si[edge]] & ~covered[edge]]] = False  # covered by another: interiors apart
    edge = edge[~done[si[edge]]]
    meets[edge] = test(functools.partial(shapely.relate_pattern, pattern="T********"), edge)
    return covered, meets


class _PerThread:
    """Prepared copies of the polygons at positions ``used`` (None elsewhere), one set per thread that asks
    (:func:`_copies`: a prepared geometry's index is built on first use, which two threads must not do at once),
    made once per thread, not once per span."""

    def __init__(self, geoms: np.ndarray, used: np.ndarray) -> None:
        self.geoms, self.used = geoms, used
        self.local = threading.local()

    def get(self) -> np.ndarray:
        out = getattr(self.local, "copies", None)
        if out is None:
            out = self.local.copies = np.full(len(self.geoms), None, dtype=object)
            out[self.used] = _copies(self.geoms[self.used])
        return out


def interiors_apart(geoms: np.ndarray) -> bool:
    """Whether no two of the polygons have interiors that meet (DE-9IM ``T********`` on every pair of boxes
    sharing area): townships of a county, parcels of a cadastre."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) < 2:
        return True
    a, b = _sharing_area(shapely.bounds(geoms), *shapely.STRtree(geoms).query(geoms))
    return not bool(shapely.relate_pattern(geoms[a], geoms[b], "T********").any()) if len(a) else True


def _clip(small: np.ndarray, pieces: np.ndarray, si: np.ndarray, pi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Overlap geometry of each (small, piece) pair; a small polygon inside a piece is its own overlap. Each call
    prepares its own copies of the pieces it meets."""
    s = small[si]
    used, local = np.unique(pi, return_inverse=True)
    p = _copies(pieces[used])[local]
    inside = shapely.contains_properly(p, s)
    out = np.empty(len(si), dtype=object)
    out[inside] = s[inside]
    rest = ~inside
    if rest.any():
        out[rest] = polygonal(shapely.intersection(s[rest], p[rest]))
    return out, inside


def _chunks(n: int, threads: int, size: int) -> list[tuple[int, int]]:
    step = max(1, min(size, -(-n // max(1, threads))))
    return [(lo, min(n, lo + step)) for lo in range(0, n, step)]


def overlay_pairs(small, big, *, max_vertices: int = 256, threads: int = 2, merge: bool = True,
                  chunk: int = 20_000, backend: Backend | None = None, touching: bool = True) -> pd.DataFrame:
    """Every overlap between many small polygons and a few big ones.

    Parameters
    ----------
    small, big : array-like of shapely geometries
        Polygons in one metric CRS. ``small`` is indexed by the tree; ``big`` is subdivided.
    max_vertices : int
        Subdivide ``big`` to pieces of at most this many vertices (0: no subdivision).
    threads : int
        Worker threads for the exact intersections.
    merge : bool
        True: one row per (small, big) pair, the pieces of a pair merged (geometries unioned).
        False: one row per (small, piece) pair (one per (small, big) where the big polygon covers the
        small one) — enough when only areas are summed.
    touching : bool
        False: a pair whose interiors do not meet (a land-use patch on the far side of its township's edge) is
        left out by the DE-9IM test instead of being intersected; such a pair's overlap has no area, but the
        intersection of two polygons along a shared edge can leave round-off pieces of ~1e-10 m², which this
        drops. True (default): every pair whose polygons meet is intersected, round-off pieces included.

    Returns
    -------
    DataFrame with ``small`` and ``big`` (positions in the inputs), ``geometry`` (the overlap,
    polygonal, non-empty), ``pieces`` (how many pieces it was assembled from) and ``inside``
    (True when the small polygon lay wholly inside, so the overlap is the small polygon itself).
    With a scale ``backend`` (:mod:`redline.scale`) each spatial partition of ``small`` is computed apart
    and the pieces merged: the same table.
    """
    backend = resolve_backend(backend)
    if backend is not None:
        return _routes.overlay_pairs(backend, small, big, max_vertices=max_vertices, threads=threads, merge=merge,
                                     chunk=chunk, touching=touching)
    small = np.asarray(small, dtype=object)
    big = np.asarray(big, dtype=object)
    empty = pd.DataFrame({"small": np.empty(0, np.int64), "big": np.empty(0, np.int64),
                          "geometry": np.empty(0, dtype=object), "pieces": np.empty(0, np.int64),
                          "inside": np.empty(0, bool)})
    if len(small) == 0 or len(big) == 0:
        return empty
    tree = shapely.STRtree(small)
    # 1. the whole big polygon, prepared, covers most small ones (land use nested in its township, farmland deep
    #    inside a growth boundary): such a small polygon is its own overlap, whatever pieces it would straddle
    cb, cs = tree.query(big)
    covered, meets = covered_pairs(small, big, cs, cb, threads, chunk, interiors=not touching,
                                   apart=not touching and interiors_apart(big))
    whole_s, whole_b = cs[covered], cb[covered]
    # 2. only the rest meets the pieces of the subdivided big polygons
    part_s, part_b = cs[meets & ~covered], cb[meets & ~covered]
    if max_vertices and max_vertices > 0:
        pieces, parent = subdivide(big, max_vertices)
    else:
        pieces, parent = big.copy(), np.arange(len(big))
    si, pi = np.empty(0, np.int64), np.empty(0, np.int64)
    if len(part_s):
        rest = np.unique(part_s)
        rs, pi = shapely.STRtree(pieces).query(small[rest])
        si = rest[rs]
        wanted = np.isin(si * len(big) + parent[pi], part_s * len(big) + part_b)
        si, pi = si[wanted], pi[wanted]
    if len(pi):
        # threads share the exact intersections by their estimated work (vertices of both sides), not by count
        work = (shapely.get_num_coordinates(small[si]) + shapely.get_num_coordinates(pieces[pi])).astype(float)
        spans = _spans(work, max(threads, -(-len(si) // max(1, chunk))))
        results = _run(lambda s: _clip(small, pieces, si[s[0]:s[1]], pi[s[0]:s[1]]), spans, threads)
        geoms = np.concatenate([r[0] for r in results])
        inside = np.concatenate([r[1] for r in results])
    else:
        geoms, inside = np.empty(0, dtype=object), np.empty(0, bool)
    geoms = np.r_[small[whole_s], geoms]
    keep = ~shapely.is_empty(geoms) & (shapely.area(geoms) > 0)
    frame = pd.DataFrame({"small": np.r_[whole_s, si][keep].astype(np.int64),
                          "big": np.r_[whole_b, parent[pi]][keep].astype(np.int64), "geometry": geoms[keep],
                          "pieces": 1, "inside": np.r_[np.ones(len(whole_s), bool), inside][keep]})
    if len(frame) == 0:
        return empty
    if not merge:
        return frame.sort_values(["big", "small"], kind="stable").reset_index(drop=True)
    key = frame["small"].to_numpy() * len(big) + frame["big"].to_numpy()
    order = np.argsort(key, kind="stable")
    skey = key[order]
    first = np.r_[True, skey[1:] != skey[:-1]]
    starts = np.flatnonzero(first)
    counts = np.diff(np.r_[starts, len(skey)])
    if (counts > 1).any():
        g_sorted = frame["geometry"].to_numpy()[order]
        in_sorted = frame["inside"].to_numpy()[order]
        multi_starts = starts[counts > 1]
        multi_counts = counts[counts > 1]
        groups = [g_sorted[a:a + c] for a, c in zip(multi_starts, multi_counts, strict=True)]

        def unite(batch):
            return [shapely.union_all(g) for g in batch]

        spans = _chunks(len(groups), threads, 2000)
        if threads > 1 and len(spans) > 1:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                united = [u for part in pool.map(lambda s: unite(groups[s[0]:s[1]]), spans) for u in part]
        else:
            united = unite(groups)
        geom_out = g_sorted[starts].copy()
        geom_out[counts > 1] = np.asarray(united + [None], dtype=object)[:-1]
        inside_out = np.logical_and.reduceat(in_sorted, starts)
        src = order[starts]
        frame = pd.DataFrame({"small": frame["small"].to_numpy()[src], "big": frame["big"].to_numpy()[src],
                              "geometry": geom_out, "pieces": counts.astype(np.int64), "inside": inside_out})
    return frame.sort_values(["big", "small"], kind="stable").reset_index(drop=True)


def self_overlaps(geoms, *, threads: int = 2, chunk: int = 50_000, valid: bool = False) -> pd.DataFrame:
    """Every pair of polygons of one layer whose interiors overlap, with the overlap's planar area.

    Patches of a tessellation (三调 地类图斑) only touch: their shared edges are no overlap. The pairs are
    found with one STRtree query on bounding boxes, kept when their boxes share area (boxes that only touch
    cannot hold overlapping interiors), then the DE-9IM test "interiors intersect" (``T********``) on two
    threads; only the few pairs that pass have their intersection computed. In a tessellation whose neighbours share
    their vertices, the DE-9IM test runs first only on pairs with a member :func:`edge_suspects` names (patches on
    the layer's outer edge, beside a gap, or with an edge not matched vertex for vertex): when none of them
    overlaps, no pair does (see there), and the other pairs are tested only when one does. The pairs found are
    the same either way.

    Parameters
    ----------
    geoms : array-like of shapely geometries
        Polygons in one metric CRS.
    valid : bool
        True when the polygons are known to be valid (a layer :func:`redline.validate.prepare_layers` checked):
        their validity is not tested again.

    Returns
    -------
    DataFrame with ``a`` < ``b`` (positions in ``geoms``) and ``area`` (planar, in the CRS's units
    squared), one row per overlapping pair, largest overlap first.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> self_overlaps([box(0, 0, 10, 10), box(10, 0, 20, 10), box(5, 0, 15, 10)]).values.tolist()
    [[0.0, 2.0, 50.0], [1.0, 2.0, 50.0]]
    """
    geoms = np.asarray(geoms, dtype=object)
    empty = pd.DataFrame({"a": np.empty(0, np.int64), "b": np.empty(0, np.int64), "area": np.empty(0)})
    if len(geoms) < 2:
        return empty
    tree = shapely.STRtree(geoms)
    box = shapely.bounds(geoms)
    # Only pairs with a member whose boundary is not matched edge for edge can hold the first overlap found
    # (:func:`edge_suspects`); if none of them overlaps, no pair does. Once one does, every pair is tested.
    suspect = np.flatnonzero(edge_suspects(geoms, valid=valid))
    i, j = tree.query(geoms[suspect])
    a, b = _sharing_area(box, np.minimum(suspect[i], j), np.maximum(suspect[i], j))
    key = np.unique(a * len(geoms) + b)
    a, b = key // len(geoms), key % len(geoms)
    hit = _relate_interiors(geoms, a, b, threads, chunk)
    if hit.any():
        a, b = _sharing_area(box, *tree.query(geoms))
        hit = _relate_interiors(geoms, a, b, threads, chunk)
    a, b = a[hit], b[hit]
    if len(a) == 0:
        return empty
    area = shapely.area(polygonal(shapely.intersection(geoms[a], geoms[b])))
    out = pd.DataFrame({"a": a.astype(np.int64), "b": b.astype(np.int64), "area": np.nan_to_num(area)})
    out = out[out["area"] > 0]
    return out.sort_values(["area", "a", "b"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def _sharing_area(box: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs ``a < b`` whose bounding boxes share area.

    A polygon's interior lies inside its bounding box's interior: two whose boxes meet only along an edge or at a
    corner (the neighbours of a gridded or rectangular tessellation) cannot overlap, so only pairs whose boxes
    share area go on to the DE-9IM test."""
    keep = a < b
    a, b = a[keep], b[keep]
    wide = np.minimum(box[a, 2], box[b, 2]) > np.maximum(box[a, 0], box[b, 0])
    tall = np.minimum(box[a, 3], box[b, 3]) > np.maximum(box[a, 1], box[b, 1])
    return a[wide & tall], b[wide & tall]


def _relate_interiors(geoms: np.ndarray, a: np.ndarray, b: np.ndarray, threads: int, chunk: int) -> np.ndarray:
    """DE-9IM "interiors intersect" (``T********``) for each pair ``(a[i], b[i])``, on ``threads`` threads."""
    if len(a) == 0:
        return np.zeros(0, bool)
    spans = _chunks(len(a), threads, chunk)

    def test(span):
        lo, hi = span
        return shapely.relate_pattern(geoms[a[lo:hi]], geoms[b[lo:hi]], "T********")

    return np.concatenate(_run(test, spans, threads))


def _ring_arrays(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rings of non-empty polygons and multipolygons as flat arrays: ``(xy, ring_off, part_off, geom_of_part)``,
    the coordinates (rings closed), where each ring starts in them, where each polygon part's rings start (its
    exterior first), and the geometry (position in ``geoms``) of each part; as :func:`shapely.to_ragged_array`
    gives them.

    A polygon without holes (most of a land-use layer) is one ring: its coordinates are read straight from it;
    only the others go through ``to_ragged_array``, which makes an object of every ring (a third of the time of
    :func:`edge_suspects` on 400 000 patches otherwise)."""
    tid = shapely.get_type_id(geoms)
    simple = tid == POLYGON
    simple[simple] = shapely.get_num_interior_rings(geoms[simple]) == 0
    one = np.flatnonzero(simple)
    xy = shapely.get_coordinates(geoms[one])
    ring_off = np.zeros(len(one) + 1, np.int64)
    np.cumsum(shapely.get_num_coordinates(geoms[one]), out=ring_off[1:])
    part_off, geom_of_part = np.arange(len(one) + 1, dtype=np.int64), one
    rest = np.flatnonzero(~simple)
    if len(rest):
        kind, xy_r, offsets = shapely.to_ragged_array(geoms[rest], include_z=False)
        if int(kind) == POLYGON:
            r_ring, r_part = offsets
            r_geom = np.arange(len(r_part) - 1)
        else:
            r_ring, r_part, r_geom_off = offsets
            r_geom = np.repeat(np.arange(len(r_geom_off) - 1), np.diff(r_geom_off))
        r_ring, r_part = np.asarray(r_ring, np.int64), np.asarray(r_part, np.int64)
        xy = np.concatenate([xy, xy_r])
        ring_off = np.concatenate([ring_off, r_ring[1:] + ring_off[-1]])
        part_off = np.concatenate([part_off, r_part[1:] + part_off[-1]])
        geom_of_part = np.concatenate([geom_of_part, rest[r_geom]])
    return xy, ring_off, part_off, geom_of_part


def edge_suspects(geoms, *, valid: bool = False) -> np.ndarray:
    """Polygons that may overlap another: those with a boundary segment not cancelled by a reversed twin.

    Every ring is taken with the polygon's interior on its left (exteriors counter-clockwise, holes clockwise).
    A segment (two consecutive vertices, exact coordinates) shared by two neighbouring patches of a tessellation
    appears twice, once in each direction; it is *cancelled* when, over the whole layer, it runs as often one way
    as the other. A polygon with a segment that is not cancelled (on the layer's outer edge, beside a gap, on an
    edge its neighbour splits at a vertex of its own, or duplicated in the same direction) is a suspect; so is
    any geometry that is not a valid, non-empty polygon or multipolygon, and any polygon with a ring too thin
    for its orientation to be read from its coordinates. ``valid=True``: the caller knows the polygons are valid
    (a prepared layer), and validity is not tested again.

    Why the suspects suffice: count at each point of the plane the polygons covering it. Crossing a cancelled
    segment leaves the count unchanged (one polygon ends where another begins), so the count changes only across
    segments that are not cancelled. If two polygons overlap, the region counted twice or more has an edge, and
    across a point of that edge the count falls: some segment there is not cancelled, and the polygon owning it
    with its interior on the high side is a suspect that overlaps another polygon just there. So when no pair
    with a suspect member overlaps, no pair overlaps at all. (Not every overlapping pair has a suspect: two
    stacked copies of one tessellation overlap everywhere, and only their outer patches are suspects.)

    Returns
    -------
    ndarray of bool, one per geometry.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> grid = [box(x, y, x + 1, y + 1) for y in range(3) for x in range(3)]
    >>> edge_suspects(grid).astype(int).tolist()  # only the middle cell has a neighbour on every edge
    [1, 1, 1, 1, 0, 1, 1, 1, 1]
    """
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    suspect = np.ones(n, bool)
    ok = np.isin(shapely.get_type_id(geoms), (POLYGON, MULTIPOLYGON))
    ok[ok] = ~shapely.is_empty(geoms[ok])
    if not valid:
        ok[ok] = shapely.is_valid(geoms[ok])
    idx = np.flatnonzero(ok)
    if len(idx) == 0:
        return suspect
    xy, ring_off, part_off, geom_of_part = _ring_arrays(geoms[idx])
    n_rings = len(ring_off) - 1
    ring_len = np.diff(ring_off)
    part_of_ring = np.repeat(np.arange(len(part_off) - 1), np.diff(part_off))
    hole = np.ones(n_rings, bool)
    firsts = part_off[:-1][np.diff(part_off) > 0]
    hole[firsts] = False
    # segments: each coordinate and the next one of its ring
    ring_of = np.repeat(np.arange(n_rings), ring_len)
    start = np.ones(len(xy), bool)
    start[ring_off[1:][ring_len > 0] - 1] = False  # a ring's closing vertex starts no segment
    i = np.flatnonzero(start)
    seg_ring = ring_of[i]
    # orientation of each ring (shoelace about its first vertex, so large coordinates lose no precision); each
    # vertex less its ring's first, on the coordinates' columns at once, and each segment's cross product then
    # read at its start (the same products, in the same order, as pairs of rows gathered segment by segment)
    first = np.minimum(ring_off[:-1], len(xy) - 1)  # an empty ring (repeated no time) reads any vertex
    px, py = np.repeat(xy[first, 0], ring_len), np.repeat(xy[first, 1], ring_len)
    np.subtract(xy[:, 0], px, out=px)
    np.subtract(xy[:, 1], py, out=py)
    cross = px[:-1] * py[1:]
    cross -= px[1:] * py[:-1]
    cross = cross[i]
    twice = np.bincount(seg_ring, weights=cross, minlength=n_rings)
    scale = np.bincount(seg_ring, weights=np.abs(cross), minlength=n_rings)
    unclear = ~(np.abs(twice) > 1e-9 * scale)
    forward = (twice > 0) != hole  # the ring already runs with the interior on its left
    # vertices by exact coordinates; each segment's undirected key and its direction
    vid, uniq = pd.factorize(np.ascontiguousarray(xy, dtype=np.float64).view(np.complex128).ravel())
    u, v = vid[i].astype(np.int64, copy=False), vid[i + 1].astype(np.int64, copy=False)
    real = u != v
    u, v, seg_ring = u[real], v[real], seg_ring[real]
    direction = np.where(u < v, 1, -1) * np.where(forward[seg_ring], 1, -1)
    key = np.minimum(u, v) * len(uniq) + np.maximum(u, v)
    k, keys = pd.factorize(key)
    net = np.bincount(k, weights=direction, minlength=len(keys))
    bad_ring = np.zeros(n_rings, bool)
    bad_ring[seg_ring[net[k] != 0]] = True
    bad_ring |= unclear
    bad_part = np.zeros(len(part_off) - 1, bool)
    bad_part[part_of_ring[bad_ring]] = True
    bad = np.zeros(len(idx), bool)
    bad[geom_of_part[bad_part]] = True
    suspect[idx] = bad
    return suspect
