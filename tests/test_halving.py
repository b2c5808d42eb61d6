"""Subdivision of big polygons (growth boundaries, red lines, townships): the pieces tile the polygon exactly,
and the overlay kernel built on them gives the plain intersection."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box

from redline import _halving
from redline.boundaries._fast import overlay_pairs
from redline.boundaries._fast import subdivide as fast_subdivide
from redline.overlay._engine import subdivide as engine_subdivide


def star(rng, cx, cy, radius, nv, holes=0):
    """A star-shaped polygon of ``nv`` vertices, with ``holes`` square holes inside its inner radius."""
    ang = np.sort(rng.uniform(0, 2 * np.pi, nv))
    r = radius * (1 + 0.35 * np.sin(7 * ang) + 0.2 * rng.uniform(size=nv))
    shell = np.c_[cx + r * np.cos(ang), cy + r * np.sin(ang)]
    rings = []
    for k in range(holes):
        a = 2 * np.pi * k / max(holes, 1)
        hx, hy, s = cx + 0.25 * radius * np.cos(a), cy + 0.25 * radius * np.sin(a), 0.08 * radius
        rings.append(box(hx - s, hy - s, hx + s, hy + s).exterior.coords)
    return shapely.make_valid(Polygon(shell, rings))


def staircase(rng, n):
    """A rectilinear polygon on an integer grid: edges lie on the lines where halving cuts."""
    cells = [box(i, 0, i + 1, int(h)) for i, h in enumerate(rng.integers(1, 9, n))]
    return shapely.union_all(cells)


@st.composite
def big_polygons(draw):
    seed = draw(st.integers(0, 100_000))
    rng = np.random.default_rng(seed)
    kind = draw(st.sampled_from(["star", "holes", "multi", "staircase"]))
    nv = draw(st.integers(30, 900))
    if kind == "star":
        return star(rng, 0, 0, 1000, nv)
    if kind == "holes":
        return star(rng, 0, 0, 1000, nv, holes=draw(st.integers(1, 4)))
    if kind == "multi":
        return MultiPolygon([star(rng, 0, 0, 1000, nv, holes=1), star(rng, 3000, 500, 600, nv // 2 + 10)])
    return staircase(rng, nv // 4 + 8)


def assert_tiles(pieces, parent, geoms):
    assert shapely.is_valid(pieces).all()
    assert (shapely.get_type_id(pieces) == 3).all()  # single polygons only
    assert (shapely.area(pieces) > 0).all()
    for i, g in enumerate(geoms):
        mine = pieces[parent == i]
        assert shapely.area(mine).sum() == pytest.approx(g.area, rel=1e-9)
        # the union is the polygon (no piece outside it, no part of it left out)
        assert shapely.symmetric_difference(shapely.union_all(mine), g).area <= 1e-9 * g.area


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(geoms=st.lists(big_polygons(), min_size=1, max_size=3), limit=st.sampled_from([8, 32, 128]))
def test_subdivision_pieces_are_valid_polygons_that_tile_the_input(geoms, limit):
    geoms = np.asarray(geoms, dtype=object)
    for cut in (fast_subdivide, engine_subdivide):
        pieces, parent = cut(geoms, limit)
        assert_tiles(pieces, parent, geoms)
        assert (shapely.get_num_coordinates(pieces) <= limit).all()


def test_a_rectangle_cut_that_fails_its_check_is_cut_exactly(monkeypatch):
    real = shapely.lib.clip_by_rect
    spoiled = []

    def clip(g, *rect):  # the first polygon's first half loses a hole's worth: the areas no longer add up
        out = real(g, *rect)
        if g.area > 5e6 and not spoiled:
            spoiled.append(True)
            return shapely.difference(out, out.representative_point().buffer(20))
        return out

    monkeypatch.setattr(_halving.shapely.lib, "clip_by_rect", clip)
    g = star(np.random.default_rng(3), 0, 0, 2000, 400, holes=2)
    parts, index, exact = _halving.halve([g, box(0, 0, 10, 10)])
    assert exact.tolist() == [True, False]
    assert_tiles(parts, index, [g, box(0, 0, 10, 10)])


@st.composite
def overlay_cases(draw):
    seed = draw(st.integers(0, 100_000))
    rng = np.random.default_rng(seed)
    bigs = [star(rng, 0, 0, 1000, draw(st.integers(40, 700)), holes=draw(st.integers(0, 2))),
            star(rng, 900, 300, 700, draw(st.integers(40, 400)))]
    n = draw(st.integers(20, 150))
    x, y = rng.uniform(-1800, 1800, n), rng.uniform(-1800, 1500, n)
    small = list(shapely.box(x, y, x + rng.uniform(1, 250, n), y + rng.uniform(1, 250, n)))
    # patches cut from the big polygons themselves, as land use nested in a township: edges shared exactly
    if draw(st.booleans()):
        gx, gy = (c.ravel() for c in np.meshgrid(np.arange(-1400, 1400, 350.0), np.arange(-1400, 1400, 350.0)))
        cells = shapely.box(gx, gy, gx + 350, gy + 350)
        nested = [p for p in shapely.get_parts(shapely.intersection(cells, bigs[0])) if p.geom_type == "Polygon"]
        small += nested
    return np.asarray(small, dtype=object), np.asarray(bigs, dtype=object)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=overlay_cases(), limit=st.sampled_from([16, 64, 256]), threads=st.sampled_from([1, 2]),
       merge=st.booleans())
def test_overlay_pairs_equals_the_plain_intersection(case, limit, threads, merge):
    small, big = case
    got = overlay_pairs(small, big, max_vertices=limit, threads=threads, merge=merge)
    si, bi = np.meshgrid(np.arange(len(small)), np.arange(len(big)), indexing="ij")
    si, bi = si.ravel(), bi.ravel()
    want = shapely.area(shapely.intersection(small[si], big[bi])).reshape(len(small), len(big))
    area = np.zeros((len(small), len(big)))
    np.add.at(area, (got["small"].to_numpy(), got["big"].to_numpy()), shapely.area(got["geometry"].to_numpy()))
    np.testing.assert_allclose(area, want, rtol=1e-9, atol=1e-6)
    if merge:
        assert not got.duplicated(["small", "big"]).any()
        for s, b, g in got[["small", "big", "geometry"]].itertuples(index=False):
            exact = shapely.intersection(small[s], big[b])
            assert shapely.symmetric_difference(g, exact).area <= 1e-9 * max(exact.area, 1.0)
    inside = got[got["inside"]]
    for s, b, g in inside[["small", "big", "geometry"]].itertuples(index=False):
        # the small polygon itself (where its edges lie on the big one's, the exact intersection differs by round-off)
        assert g.equals(small[s])
        assert shapely.intersection(small[s], big[b]).area == pytest.approx(small[s].area, rel=1e-9)
