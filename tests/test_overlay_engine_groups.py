"""The overlay engine's fast paths give what a plain union per group gives.

Footprints in terraced rows share walls (bit-identical vertices), some have holes, some overlap a neighbour (a
duplicated or shifted footprint); supplies are rotated blocks whose edges the rows stand on. The reference is
the plain computation: ``union_all`` of each group, the supply clipped footprint by footprint.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from _tiles import CRS, X0, Y0, frame, quad
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.overlay import _engine, supplied_not_used
from redline.overlay.idle import developed_area
from redline.result import AuditLog

rows = st.lists(st.tuples(st.integers(1, 6),                    # houses in the row
                          st.floats(4.0, 12.0),                  # house width (m)
                          st.sampled_from([6.0, 9.5, 13.0]),    # depth (m): rows overlap, never just touch
                          st.integers(0, 3),                     # group of the row
                          st.lists(st.booleans(), min_size=6, max_size=6),   # which houses have a hole
                          st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.5]), max_size=3)),  # copies
                min_size=1, max_size=5)


@settings(max_examples=60, deadline=None)
@given(theta=st.floats(0.0, 3.1), rows=rows)
def test_grouped_union_area_equals_union_per_group(theta, rows):
    geoms, groups, dup = [], [], []
    for r, (k, w, d, g, holes, copies) in enumerate(rows):
        at = frame(theta, 0.0, r * 7.3)  # rows 7.3 m apart: deeper rows overlap the next one
        u = [i * w for i in range(k + 1)]  # each wall computed once: neighbours share it bit for bit
        for i in range(k):
            geoms.append(quad(at, u[i], u[i + 1], 0.0, d, hole=holes[i]))
            groups.append(g)
            dup.append(False)
        for f in copies:
            geoms.append(quad(at, f * w, f * w + w, 0.0, d))
            groups.append(g)
            dup.append(True)
    geoms = np.array(geoms, dtype=object)
    groups = np.array(groups, dtype=np.int64)
    got, overlapping = _engine.grouped_union_area(geoms, groups, 4, return_overlaps=True)
    want = [shapely.union_all(geoms[groups == g]).area if (groups == g).any() else 0.0 for g in range(4)]
    # uniting nearly coincident copies moves an area by GEOS's noding noise (~1e-6 m²), whichever members go first
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-4)
    assert np.array_equal(got, _engine.grouped_union_area(geoms, groups, 4, threads=1))
    # the members named as overlapping are exactly those sharing area with another member of their group
    shared = {i for i in range(len(geoms)) for j in range(len(geoms))
              if i != j and groups[i] == groups[j] and shapely.intersection(geoms[i], geoms[j]).area > 1e-9}
    assert set(overlapping.tolist()) == shared


blocks = st.lists(st.tuples(st.integers(1, 5),                  # houses on the front edge
                            st.floats(5.0, 10.0),                # house width
                            st.booleans(),                       # a second row standing on the back edge
                            st.lists(st.sampled_from([-0.5, 0.0, 0.5, 1.0]), max_size=2),  # copies (x width)
                            st.sampled_from([-3.0, 0.0, 2.0, 4.0])),  # one footprint across the side edge (m)
                  min_size=1, max_size=4)


def supplies_and_footprints(theta: float, blocks):
    """The supplies (a frame, and their polygons) and footprints (polygons) drawn from ``blocks``.

    Supply b is the rectangle 60 m x 40 m at u = 60 b, so it shares its side edge with supply b + 1; each block
    puts k houses w wide on the front edge (a second row on the back edge with ``back``), copies of a house
    shifted by the given multiples of w (overlapping it), and one footprint 6 m wide across the side edge, moved
    by ``cross`` m.
    """
    sup, fps = [], []
    at = frame(theta, 0.0, 0.0)
    for b, (k, w, back, copies, cross) in enumerate(blocks):
        u0, u1, depth = b * 60.0, b * 60.0 + 60.0, 40.0
        sup.append(quad(at, u0, u1, 0.0, depth))
        u = [u0 + i * w for i in range(k + 1)]
        fps += [quad(at, u[i], u[i + 1], 0.0, 8.0) for i in range(k)]
        if back:
            fps += [quad(at, u[i], u[i + 1], depth - 8.0, depth) for i in range(k)]
        fps += [quad(at, u0 + f * w, u0 + f * w + w, 0.0, 8.0) for f in copies]
        fps.append(quad(at, u1 - 4.0 + cross, u1 + 2.0 + cross, 15.0, 22.0))
    supplies = gpd.GeoDataFrame({"supply_id": [f"S{i}" for i in range(len(sup))]}, geometry=sup, crs=CRS)
    return supplies, sup, fps


@settings(max_examples=50, deadline=None)
@given(theta=st.floats(0.0, 3.1), blocks=blocks)
def test_developed_area_equals_plain_clip_and_union(theta, blocks):
    """Neighbouring supplies share an edge; rows stand on their edges, copies overlap, one footprint crosses."""
    supplies, sup, fps = supplies_and_footprints(theta, blocks)
    buildings = gpd.GeoDataFrame({"building_id": [f"B{i}" for i in range(len(fps))]}, geometry=fps, crs=CRS)
    overlaps: list = []
    got = developed_area(supplies, buildings, overlaps=overlaps)
    fg = np.array(fps, dtype=object)
    want = []
    for s in sup:
        pieces = [p for p in shapely.intersection(s, fg) if p.area > 1e-9]
        want.append(shapely.union_all(pieces).area if pieces else 0.0)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-3)  # ±1 µm along shared edges
    shared = set()
    for s in sup:
        clip = shapely.intersection(s, fg)
        for i in range(len(fg)):
            if any(j != i and shapely.intersection(clip[i], clip[j]).area > 1e-9 for j in range(len(fg))):
                shared.add(i)
    assert set(overlaps) == shared


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 20), st.integers(0, 20),
                          st.booleans()), min_size=1, max_size=25),
       st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 20), st.integers(0, 20)),
                min_size=1, max_size=25))
def test_pair_index_cover_flags_equal_the_tree_predicates(lefts, rights):
    """One ``intersects`` query plus cover tests on the candidate pairs: the flags three tree queries give."""
    left = np.array([shapely.box(x, y, x + w, y + h) if not tri else
                     shapely.Polygon([(x, y), (x + w + 1, y), (x, y + h + 1)]) for x, y, w, h, tri in lefts], dtype=object)
    right = np.array([shapely.box(x, y, x + w, y + h) for x, y, w, h in rights], dtype=object)
    p = _engine.pair_index(left, right)
    tree = shapely.STRtree(right)
    for predicate, flag in (("intersects", None), ("covers", p.left_covers), ("covered_by", p.left_within)):
        ql, qr = tree.query(left, predicate=predicate)
        want = set(zip(ql.tolist(), qr.tolist(), strict=True))
        if flag is None:
            assert set(zip(p.left.tolist(), p.right.tolist(), strict=True)) == want
        else:
            assert set(zip(p.left[flag].tolist(), p.right[flag].tolist(), strict=True)) == want
    assert not any(shapely.is_prepared(left)) and not any(shapely.is_prepared(right))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 50_000), min_size=0, max_size=200), st.integers(1, 4))
def test_work_slices_partition_the_items(work, threads):
    parts = _engine._work_slices(np.array(work, dtype=float), threads)
    covered = [i for sl in parts for i in range(sl.start, sl.stop)]
    assert covered == list(range(len(work)))
    if threads == 1 or sum(work) < 2 * _engine.MIN_WORK:
        assert len(parts) == 1
    x = np.arange(len(work), dtype=float)
    np.testing.assert_array_equal(_engine.chunked(lambda sl: x[sl] * 2, len(work), threads,
                                                  work=np.array(work, dtype=float)), x * 2)


def test_overlapping_footprints_are_named_in_a_note_and_counted_once():
    s = gpd.GeoDataFrame({"合同编号": ["C1"], "签订日期": ["2020-01-01"], "约定开工日期": ["2021-01-01"]},
                         geometry=[shapely.box(X0, Y0, X0 + 100, Y0 + 100)], crs=CRS)
    row = [shapely.box(X0 + 10 * i, Y0, X0 + 10 * i + 10, Y0 + 12) for i in range(4)]  # shared walls
    apart = gpd.GeoDataFrame({"建筑物编号": [f"B{i}" for i in range(4)], "建成日期": ["2022-01-01"] * 4},
                             geometry=row, crs=CRS)
    log = AuditLog()
    r = supplied_not_used(s, apart, as_of="2026-06-30", log=log)
    assert r.developed_m2.iloc[0] > 0
    assert not [n for n in log.notes if "overlap another footprint" in n]
    twice = gpd.GeoDataFrame({"建筑物编号": [*apart["建筑物编号"], "B9"], "建成日期": ["2022-01-01"] * 5},
                             geometry=[*row, shapely.box(X0 + 5, Y0, X0 + 15, Y0 + 12)], crs=CRS)
    log2 = AuditLog()
    r2 = supplied_not_used(s, twice, as_of="2026-06-30", log=log2)
    assert r2.developed_m2.iloc[0] == r.developed_m2.iloc[0]  # the overlap counts once
    found = [n for n in log2.notes if "overlap another footprint" in n]
    assert len(found) == 1 and "B9" in found[0] and "B0" in found[0] and "B1" in found[0] and "B3" not in found[0]


# polygons on a coarse lattice of a rotated frame far from the origin, so that edges meet, vertices coincide,
# a vertex stands on another polygon's edge, and some vertices are moved off it by a few units in the last place
lattice_polygons = st.lists(st.tuples(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=3,
                                               max_size=7),
                                      st.lists(st.sampled_from([0, 0, 0, 1, -1, 3, -40, 10_000]), min_size=14,
                                               max_size=14)),
                            min_size=2, max_size=8)


def nudged(xy, ulps):
    return tuple(c + k * np.spacing(c) for c, k in zip(xy, ulps, strict=True))


@settings(max_examples=150, deadline=None)
@given(theta=st.sampled_from([0.0, 0.3, 1.0, np.pi / 2]), polys=lattice_polygons, holes=st.booleans())
def test_interiors_apart_never_parts_what_geos_sees_meeting(theta, polys, holes):
    """The exact half-plane test sets a pair aside only where GEOS finds that the interiors do not meet, and
    takes two polygons as meeting only where GEOS finds that they do."""
    at = frame(theta, 0.0, 0.0)
    geoms = []
    for pts, jitter in polys:
        ring = [nudged(at(3.0 * u, 3.0 * v), jitter[2 * i:2 * i + 2]) for i, (u, v) in enumerate(pts)]
        g = shapely.make_valid(shapely.Polygon(ring))
        g = shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type == "Polygon"])
        if g.is_empty or g.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        if holes and g.geom_type == "Polygon" and g.area > 1:
            g = g.difference(g.centroid.buffer(0.2, quad_segs=1))
        geoms.append(g)
    if len(geoms) < 2:
        return
    x = np.array(geoms, dtype=object)
    a, b = np.triu_indices(len(x), 1)
    apart = _engine.interiors_apart(x[a], x[b])
    meet = shapely.relate_pattern(x[a], x[b], "T********")
    assert not (apart & meet).any()
    assert not (_engine.interiors_meet(x[a], x[b]) & ~meet).any()
    ga, gb = _engine.overlapping_pairs(x, np.zeros(len(x), dtype=np.int64), threads=1)
    want = {(i, j) for i, j, m in zip(a.tolist(), b.tolist(), meet.tolist(), strict=True) if m}
    assert set(zip(ga.tolist(), gb.tolist(), strict=True)) == want


@settings(max_examples=40, deadline=None)
@given(theta=st.floats(0.0, 3.1), k=st.integers(2, 8), w=st.floats(4.0, 12.0), d=st.floats(6.0, 14.0))
def test_terraced_rows_are_told_apart_without_geos(theta, k, w, d):
    """Houses sharing walls vertex for vertex, and a second row standing on the first's back wall, are decided
    apart by the half-plane test itself; a copy shifted by half a house is not."""
    at = frame(theta, 0.0, 0.0)
    u = [i * w for i in range(k + 1)]
    row = [quad(at, u[i], u[i + 1], 0.0, d) for i in range(k)] + [quad(at, u[i], u[i + 1], d, 2 * d) for i in range(k)]
    x = np.array(row, dtype=object)
    a, b = np.triu_indices(len(x), 1)
    box_meet = shapely.intersects(shapely.envelope(x[a]), shapely.envelope(x[b]))
    neighbours = shapely.touches(x[a], x[b]) & box_meet
    apart = _engine.interiors_apart(x[a], x[b])
    assert apart[neighbours].all()
    shifted = quad(at, 0.5 * w, 1.5 * w, 0.0, d)
    assert not _engine.interiors_apart(np.array([shifted]), x[:1])[0]
    assert _engine.interiors_meet(np.array([shifted]), x[:1])[0]


@settings(max_examples=300, deadline=None)
@given(theta=st.floats(0.0, 3.1), t=st.floats(0.05, 0.95), ux=st.integers(-4, 4), uy=st.integers(-4, 4),
       length=st.floats(1.0, 200.0))
def test_interiors_apart_on_a_vertex_a_few_ulps_from_an_edge(theta, t, ux, uy, length):
    """A triangle whose apex stands on a house's wall, computed in map coordinates and nudged by a few units in
    the last place: the apex is then on the wall, or just inside or outside the house, and only GEOS may say which."""
    at = frame(theta, 0.0, 0.0)
    house = quad(at, 0.0, length, 0.0, 10.0)
    apex = nudged(at(t * length, 10.0), (ux, uy))
    roof = shapely.Polygon([apex, at(length + 5.0, 30.0), at(-5.0, 30.0)])
    x, y = np.array([house, roof]), np.array([roof, house])
    apart = _engine.interiors_apart(x, y)
    meet = shapely.relate_pattern(x, y, "T********")
    sure = _engine.interiors_meet(x, y)
    assert not (apart & meet).any() and not (sure & ~meet).any()
    assert apart[0] == apart[1] and sure[0] == sure[1]


@settings(max_examples=40, deadline=None)
@given(theta=st.floats(0.0, 3.1), blocks=blocks, dates=st.lists(st.sampled_from([None, "2019-01-01", "2023-01-01"]),
                                                                min_size=40, max_size=40))
def test_developed_area_parts_sharing_their_unions_equal_each_part_alone(theta, blocks, dates):
    """The parts (new, old, undated) measured in turn, keeping the pairs and unions of one for the next, give
    what each part measured on its own gives."""
    supplies, sup, fps = supplies_and_footprints(theta, blocks)
    buildings = gpd.GeoDataFrame({"built_date": (dates * 2)[:len(fps)]}, geometry=fps, crs=CRS)
    since = ["2021-01-01"] * len(sup)
    shared: dict = {}
    for part in ("new", "old", "undated", "all", "new"):
        got = developed_area(supplies, buildings, since=since, part=part, reuse=shared)
        alone = developed_area(supplies, buildings, since=since, part=part)
        np.testing.assert_array_equal(got, alone)


def _lattice_rings(theta, polys):
    """Each lattice polygon's shell coordinates (closed), in map coordinates, nudged by a few ulps."""
    at = frame(theta, 0.0, 0.0)
    out = []
    for pts, jitter in polys:
        ring = [nudged(at(3.0 * u, 3.0 * v), jitter[2 * i:2 * i + 2]) for i, (u, v) in enumerate(pts)]
        out.append(np.array(ring + ring[:1], dtype=float))
    return out


@settings(max_examples=150, deadline=None)
@given(theta=st.sampled_from([0.0, 0.3, 1.0, np.pi / 2]), polys=lattice_polygons)
def test_own_sides_and_the_pair_lines_decide_what_the_plain_side_test_decides(theta, polys):
    """The own sides of each polygon's lines, read without the lines' own ends, and the pair test read on those
    sides, give sign for sign what the plain test of every coordinate on both sides gives (lattice points,
    repeated and collinear ones, a few ulps off)."""
    rings = _lattice_rings(theta, polys)
    by_size: dict[int, list] = {}
    for r in rings:
        by_size.setdefault(len(r), []).append(r)
    for same in by_size.values():
        c = np.stack(same, axis=1)  # (k, m)
        cx, cy = np.ascontiguousarray(c[:, :, 0]), np.ascontiguousarray(c[:, :, 1])
        pos, neg, pos_any, neg_any = _engine._sides(cx, cy, cx[:-1], cy[:-1])
        want = np.where(pos & pos_any, 1, np.where(neg & neg_any, -1, 0)).astype(np.int8)
        want[(cx[1:] == cx[:-1]) & (cy[1:] == cy[:-1])] = 0
        own = _engine._own_sides(cx, cy)
        assert np.array_equal(own, want)
        # every polygon of this size against every polygon of any size, its lines against the other's points
        for other in by_size.values():
            for o in other:
                wx = np.repeat(o[:-1, 0][:, None], c.shape[1], axis=1)
                wy = np.repeat(o[:-1, 1][:, None], c.shape[1], axis=1)
                pos, neg, pos_any, neg_any = _engine._sides(cx, cy, wx, wy)
                apart = (((own == 1) & neg) | ((own == -1) & pos)).any(axis=0)
                seen = (((own == 1) & pos_any) | ((own == -1) & neg_any)).all(axis=0)
                got = _engine._parted(cx, cy, own, wx, wy)
                assert np.array_equal(got[0], apart) and np.array_equal(got[1], seen)


boxes = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 3), st.integers(0, 3),
                           st.integers(-1, 2), st.sampled_from(["box", "box", "box", "empty", "none"])),
                 min_size=0, max_size=40)


@settings(max_examples=200, deadline=None)
@given(boxes=boxes, crowd=st.booleans())
def test_box_pairs_are_the_pairs_a_tree_query_finds_in_each_group(boxes, crowd):
    """The sweep's candidate pairs are those of an STRtree query without predicate, kept within each group:
    boxes on a small lattice touch, nest and repeat; empty and missing geometries meet nothing."""
    geoms = [shapely.box(x, y, x + w, y + h) if kind == "box" else (shapely.Polygon() if kind == "empty" else None)
             for x, y, w, h, _, kind in boxes]
    x = np.array(geoms, dtype=object)
    groups = np.array([grp for *_, grp, _ in boxes], dtype=np.int64)
    if crowd:
        groups[:] = 7
    a, b = shapely.STRtree(x).query(x)
    keep = (a < b) & (groups[a] == groups[b])
    want = set(zip(a[keep].tolist(), b[keep].tolist(), strict=True))
    got = _engine._box_pairs(shapely.bounds(x), groups, threads=1)
    if got is None:  # left to the tree: only where the sweep would look at more than 16 pairs per box
        assert len(geoms) > 2 * _engine._SWEEP_MAX_PER_BOX
        return
    assert (got[0] < got[1]).all()
    assert sorted(zip(got[0].tolist(), got[1].tolist(), strict=True)) == sorted(want)
