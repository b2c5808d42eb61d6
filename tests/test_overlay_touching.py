"""Overlay pairs without the touching ones: the pairs whose interiors meet, computed as with every pair intersected.

Land use nested in townships: the patches cut from a township share its edges, and the patches of the
neighbouring township touch it along them. ``overlay_pairs(..., touching=False)`` leaves out, by the DE-9IM
test, the pairs whose interiors do not meet; every other row must be the one the plain call gives.
"""

from __future__ import annotations

import numpy as np
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon

from redline.boundaries._fast import covered_pairs, interiors_apart, overlay_pairs


def star(rng, cx, cy, radius, nv):
    ang = np.sort(rng.uniform(0, 2 * np.pi, nv))
    r = radius * (1 + 0.35 * np.sin(7 * ang) + 0.2 * rng.uniform(size=nv))
    return shapely.make_valid(Polygon(np.c_[cx + r * np.cos(ang), cy + r * np.sin(ang)]))


@st.composite
def nested_cases(draw):
    rng = np.random.default_rng(draw(st.integers(0, 100_000)))
    a = star(rng, 0, 0, 1000, draw(st.integers(20, 400)))
    # a second township sharing part of the first one's edge, as neighbours do
    b = shapely.difference(star(rng, 1200, 200, 900, draw(st.integers(20, 300))), a)
    bigs = [g for g in (a, b) if not g.is_empty]
    step = draw(st.sampled_from([150.0, 350.0]))
    gx, gy = (c.ravel() for c in np.meshgrid(np.arange(-1600, 2400, step), np.arange(-1600, 1600, step)))
    cells = shapely.box(gx, gy, gx + step, gy + step)
    small = []
    for piece in (shapely.intersection(cells, a), shapely.difference(cells, a)):  # inside the edge, and outside it
        small += [p for p in shapely.get_parts(piece) if p.geom_type == "Polygon" and p.area > 0]
    n = draw(st.integers(0, 40))
    x, y = rng.uniform(-1800, 1800, n), rng.uniform(-1800, 1500, n)
    small += list(shapely.box(x, y, x + rng.uniform(1, 250, n), y + rng.uniform(1, 250, n)))
    return np.asarray(small, dtype=object), np.asarray(bigs, dtype=object)


def _rows(frame):
    return {(int(s), int(b), int(p), bool(i)): g for s, b, g, p, i in frame.itertuples(index=False)}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=nested_cases(), limit=st.sampled_from([16, 256]), threads=st.sampled_from([1, 2]),
       merge=st.booleans())
def test_leaving_out_the_touching_pairs_keeps_every_other_row(case, limit, threads, merge):
    small, big = case
    plain = overlay_pairs(small, big, max_vertices=limit, threads=threads, merge=merge)
    got = overlay_pairs(small, big, max_vertices=limit, threads=threads, merge=merge, touching=False)
    meet = shapely.relate_pattern(small[plain["small"].to_numpy()], big[plain["big"].to_numpy()], "T********")
    want = plain[meet].reset_index(drop=True)
    assert list(got.columns) == list(want.columns)
    assert got[["small", "big", "pieces", "inside"]].values.tolist() == \
        want[["small", "big", "pieces", "inside"]].values.tolist()
    assert all(g.equals_exact(w, 0) for g, w in zip(got["geometry"], want["geometry"], strict=True))
    # and the pairs left out are the touching ones: no area there beyond round-off
    left_out = plain[~meet]
    assert (shapely.area(left_out["geometry"].to_numpy()) < 1e-6).all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=nested_cases(), threads=st.sampled_from([1, 2]), chunk=st.sampled_from([7, 20_000]))
def test_townships_known_apart_give_the_same_answers_with_fewer_tests(case, threads, chunk):
    """``covered_pairs(..., apart=True)`` skips a small polygon's other pairs once one big polygon covers it; on
    townships whose interiors do not meet, every pair's answers are those of the pair tested, but where GEOS
    contradicts itself at round-off: a pair whose interiors it says meet, though their intersection has no
    area, is then apart."""
    small, big = case
    if not interiors_apart(big):  # the second township, cut from the first one's outside, may overlap it by round-off
        big = big[:1]
    bi, si = shapely.STRtree(small).query(big)
    plain = covered_pairs(small, big, si, bi, threads, chunk, interiors=True)
    known = covered_pairs(small, big, si, bi, threads, chunk, interiors=True, apart=True)
    assert plain[0].tolist() == known[0].tolist()
    differ = np.flatnonzero(plain[1] != known[1])
    assert plain[1][differ].all()
    assert (shapely.area(shapely.intersection(small[si[differ]], big[bi[differ]])) < 1e-6).all()
    # and what the plain call says is what GEOS says of each pair on its own
    m = [shapely.relate(big[b], small[s]) for b, s in zip(bi, si, strict=True)]
    assert plain[0].tolist() == [x[0] != "F" and x[6] == "F" and x[7] == "F" for x in m]
    assert plain[1].tolist() == [x[0] != "F" for x in m]


def test_interiors_apart_is_false_once_two_polygons_overlap():
    left, right = shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)
    assert interiors_apart(np.array([left, right])) and interiors_apart(np.array([left]))
    assert not interiors_apart(np.array([left, right, shapely.box(9, 0, 11, 1)]))  # overlaps both
    assert not interiors_apart(np.array([left, shapely.box(2, 2, 3, 3)]))  # one inside the other
