"""批而未供's fast paths give what the plain computation gives: each approval minus the union of its supplies.

The remnants test each approval once against its supplies' union (inside it: fully supplied, no difference;
the union inside the approval: the supplied area is the union's own) and unite supplies that tile an approval
with a coverage union. The cases mix what bureau layers hold: supplies cut from an approval along shared
edges (bit-identical vertices), a supply drawn as the approval itself, one reaching over the approval's edge,
a duplicated or shifted copy overlapping its neighbour, one drawn short of the cut (a sliver), a small plot inside, an approval with a hole, an
approval with no supply. The reference is the plain one: ``union_all`` of the supplies touching the approval,
the approval differenced with it, the remnant split into land and slivers.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from _tiles import CRS, frame, quad
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.overlay import _engine, approved_not_supplied, supply_outside_approvals
from redline.rules import resolve_rules

RULES = resolve_rules("cn-national")
SLIVER_M2, SLIVER_WIDTH_M = (float(RULES.value(k)) for k in ("geometry.sliver_max_area_m2", "geometry.sliver_max_width_m"))


approval = st.tuples(
    st.lists(st.floats(8.0, 60.0), min_size=1, max_size=6),   # widths of the strips the approval is cut into
    st.floats(20.0, 80.0),                                     # depth (m)
    st.booleans(),                                             # the approval has a hole
    st.lists(st.sampled_from(["none", "strip", "strip", "over", "copy", "inside", "short"]), min_size=6, max_size=6),
    st.sampled_from(["cut", "cut", "whole", "nothing"]),       # cut into strips, drawn as itself, not supplied
)


def layers(theta: float, specs):
    a_geoms, s_geoms = [], []
    for k, (widths, depth, hole, kinds, how) in enumerate(specs):
        at = frame(theta, (k % 3) * 400.0, (k // 3) * 300.0)
        u = np.concatenate([[0.0], np.cumsum(widths)])  # each cut computed once: neighbours share it bit for bit
        a = quad(at, 0.0, float(u[-1]), 0.0, depth, hole=hole)
        a_geoms.append(a)
        if how == "whole":
            s_geoms.append(a)
        if how != "cut":
            continue
        for i, kind in enumerate(kinds[:len(widths)]):
            u0, u1 = float(u[i]), float(u[i + 1])
            if kind == "strip":
                s_geoms.append(quad(at, u0, u1, 0.0, depth))
            elif kind == "over":  # drawn past the approval's far edge
                s_geoms.append(quad(at, u0, u1, 0.0, depth + 7.5))
            elif kind == "copy":  # the strip and a copy of it shifted onto its neighbour
                s_geoms.append(quad(at, u0, u1, 0.0, depth))
                s_geoms.append(quad(at, u0 + (u1 - u0) / 3, u1 + (u1 - u0) / 3, 0.0, depth / 2))
            elif kind == "short":  # drawn 0.4 m short of the cut: a hair-thin remnant, a sliver
                s_geoms.append(quad(at, u0, u1 - 0.4, 0.0, depth))
            elif kind == "inside":
                s_geoms.append(quad(at, u0 + 1.0, u1 - 1.0, 2.0, min(depth - 2.0, 15.0)))
    ids = [f"A{i}" for i in range(len(a_geoms))]
    A = gpd.GeoDataFrame({"approval_id": ids, "approval_date": ["2020-01-01"] * len(ids)}, geometry=a_geoms,
                         crs=CRS)
    sid = [f"S{i}" for i in range(len(s_geoms))]
    S = gpd.GeoDataFrame({"supply_id": sid, "supply_date": ["2021-01-01"] * len(sid)},
                         geometry=gpd.GeoSeries(s_geoms, crs=CRS) if s_geoms else gpd.GeoSeries([], crs=CRS), crs=CRS)
    return A, S


def reference(left: np.ndarray, right: np.ndarray):
    """Per left feature: (area covered by the union of the right features touching it, remnant)."""
    tree = shapely.STRtree(right)
    covered, remnant = [], []
    for g in left:
        own = right[tree.query(g, predicate="intersects")]
        union = shapely.union_all(own) if len(own) else shapely.Polygon()
        covered.append(shapely.intersection(g, union).area)
        remnant.append(shapely.difference(g, union))
    return np.array(covered), np.array(remnant, dtype=object)


@settings(max_examples=60, deadline=None)
@given(theta=st.floats(0.0, 3.1), specs=st.lists(approval, min_size=1, max_size=6))
def test_fast_remnants_give_the_plain_difference_with_the_union(theta, specs):
    A, S = layers(theta, specs)
    ag, sg = np.asarray(A.geometry.values, dtype=object), np.asarray(S.geometry.values, dtype=object)
    for left, right in ((ag, sg), (sg, ag)):
        if len(left) == 0:
            continue
        covered, rem = reference(left, right)
        for threads in (1, 2):
            res = _engine.remnants(left, right, threads=threads)
            np.testing.assert_allclose(res.covered, covered, rtol=1e-9, atol=1e-6)
            np.testing.assert_allclose(shapely.area(res.remnant), shapely.area(rem), rtol=1e-9, atol=1e-6)
            assert (shapely.area(shapely.symmetric_difference(res.remnant, rem)) < 1e-6).all()
            areas = _engine.remnants(left, right, threads=threads, geometry=False)
            np.testing.assert_allclose(areas.covered, covered, rtol=1e-9, atol=1e-6)
    # the audit: unsupplied land and slivers as the plain remnant splits into them
    covered, rem = reference(ag, sg)
    _, land, sliver, n_sliver, _ = _engine.split_slivers(rem, np.ones(len(rem)), max_area_m2=SLIVER_M2,
                                                         max_width_m=SLIVER_WIDTH_M)
    r = approved_not_supplied(A, S, as_of="2026-06-30", area_method="planar", rules=RULES)
    np.testing.assert_allclose(r["supplied_m2"], covered, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(r["unsupplied_m2"], land, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(r["sliver_m2"], sliver, rtol=1e-9, atol=1e-6)
    assert r["sliver_parts"].tolist() == n_sliver.tolist()
    if len(S):
        out = supply_outside_approvals(A, S, as_of="2026-06-30", area_method="planar", include_slivers=True)
        _, srem = reference(sg, ag)
        want = shapely.area(srem)
        got = dict(zip(out["supply_id"], out["outside_m2"] + out["outside_sliver_m2"], strict=True))
        for sid, w in zip(S["supply_id"], want, strict=True):
            assert abs(got.get(sid, 0.0) - w) <= 1e-6 + 1e-9 * w


def test_coverage_union_falls_back_where_the_members_are_no_coverage():
    b = shapely.box
    geoms = np.array([b(0, 0, 1, 1), b(1, 0, 2, 1),          # a coverage: united by removing the shared edge
                      b(0, 0, 2, 2), b(1, 1, 3, 3),          # overlapping
                      b(0, 0, 3, 3), b(1, 1, 2, 2),          # nested
                      b(0, 0, 1, 1), b(1, 0, 2, 2),          # an edge shared with different vertices
                      b(0, 0, 1, 1), b(0, 0, 1, 1)], dtype=object)  # duplicated
    groups = np.repeat(np.arange(5), 2)
    got = _engine.grouped_coverage_union(geoms, groups, 6)
    want = _engine.grouped_union(geoms, groups, 6)
    assert got[5] is None and want[5] is None
    assert shapely.is_valid(got[:5]).all()
    assert shapely.equals(got[:5], want[:5]).all()
    assert [round(g.area, 9) for g in got[:5]] == [2.0, 7.0, 9.0, 3.0, 1.0]
