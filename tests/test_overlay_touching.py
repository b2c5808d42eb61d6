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

from redline.boundaries._fast import overlay_pairs


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
