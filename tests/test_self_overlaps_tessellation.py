"""Overlapping patches of a tessellation: the edge-matching shortcut of ``self_overlaps`` against every pair tested.

The layers are grids of cells sharing their vertices (as 三调 patches do), then spoiled the ways real layers are:
cells dropped (gaps), two cells merged (their neighbours' edges split at a vertex the merged cell lacks), cells
cut into triangles, a cell with a hole and the hole's own patch, two cells as one multipolygon, rings drawn
clockwise or from another first vertex, a vertex moved in one patch only, and overlaps: a cell duplicated, a
patch inside a cell, two cells redrawn as one polygon over them (on the same vertices), a second copy of the
whole grid shifted by whole cells (every patch of its interior matched edge for edge).
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon

from redline.boundaries._fast import edge_suspects, polygonal, self_overlaps

X0, Y0, W, H = 500_000.0, 3_500_000.0, 37.5, 21.0


def corner(i, j):
    return (X0 + i * W, Y0 + j * H)


def ring(points, reverse, start):
    pts = list(points)
    if reverse:
        pts = pts[::-1]
    k = start % len(pts)
    return pts[k:] + pts[:k]


def cell(i, j, reverse=False, start=0):
    return Polygon(ring([corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1)], reverse, start))


def reference(geoms):
    """Every pair i < j whose intersection has area, with that area (no index, no shortcut)."""
    out = {}
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            if shapely.relate_pattern(geoms[i], geoms[j], "T********"):
                area = float(shapely.area(polygonal(np.array([shapely.intersection(geoms[i], geoms[j])]))[0]))
                if area > 0:
                    out[(i, j)] = area
    return out


@st.composite
def layers(draw):
    nx, ny = draw(st.integers(2, 5)), draw(st.integers(2, 5))
    spoil = st.sampled_from(["keep", "keep", "keep", "drop", "merge", "triangles", "hole", "multi", "moved"])
    geoms, used = [], set()
    for i in range(nx):
        for j in range(ny):
            if (i, j) in used:
                continue
            how = draw(spoil)
            rev, start = draw(st.booleans()), draw(st.integers(0, 5))
            if how == "drop":
                continue
            if how == "merge" and i + 1 < nx and (i + 1, j) not in used:
                used.add((i + 1, j))
                geoms.append(Polygon(ring([corner(i, j), corner(i + 2, j), corner(i + 2, j + 1), corner(i, j + 1)],
                                          rev, start)))
            elif how == "triangles":
                a, b, c, d = corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1)
                geoms += [Polygon(ring([a, b, c], rev, start)), Polygon(ring([a, c, d], not rev, start))]
            elif how == "hole":
                x, y = corner(i, j)
                inner = [(x + W / 4, y + H / 4), (x + 3 * W / 4, y + H / 4), (x + 3 * W / 4, y + 3 * H / 4),
                         (x + W / 4, y + 3 * H / 4)]
                outer = ring([corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1)], rev, start)
                geoms += [Polygon(outer, [ring(inner, draw(st.booleans()), 0)]), Polygon(ring(inner, rev, start))]
            elif how == "multi" and j + 2 < ny and (i, j + 2) not in used:
                used.add((i, j + 2))
                geoms.append(MultiPolygon([cell(i, j, rev, start), cell(i, j + 2, not rev, start)]))
            elif how == "moved":
                x, y = corner(i, j)
                pts = [corner(i, j), corner(i + 1, j), (x + W + 0.001, y + H), corner(i, j + 1)]
                geoms.append(Polygon(ring(pts, rev, start)))
            else:
                geoms.append(cell(i, j, rev, start))
    n_cells = len(geoms)
    overlaps = draw(st.lists(st.sampled_from(["duplicate", "inside", "redrawn", "shifted"]), max_size=2))
    for how in overlaps:
        if how == "duplicate" and n_cells:
            g = geoms[draw(st.integers(0, n_cells - 1))]
            geoms.append(g.reverse() if draw(st.booleans()) else g)
        elif how == "inside":
            i, j = draw(st.integers(0, nx - 1)), draw(st.integers(0, ny - 1))
            x, y = corner(i, j)
            geoms.append(Polygon([(x + W / 8, y + H / 8), (x + W / 2, y + H / 8), (x + W / 2, y + H / 2)]))
        elif how == "redrawn" and nx >= 2:
            i, j = draw(st.integers(0, nx - 2)), draw(st.integers(0, ny - 1))
            pts = [corner(i, j), corner(i + 1, j), corner(i + 2, j), corner(i + 2, j + 1), corner(i + 1, j + 1),
                   corner(i, j + 1)]
            geoms.append(Polygon(ring(pts, draw(st.booleans()), draw(st.integers(0, 5)))))
        elif how == "shifted":
            di, dj = draw(st.integers(0, 2)), draw(st.integers(0, 2))
            geoms += [cell(i + di, j + dj) for i in range(nx) for j in range(ny)]
    order = draw(st.permutations(range(len(geoms))))
    return [geoms[k] for k in order]


@settings(max_examples=300, deadline=None)
@given(layers())
def test_self_overlaps_of_a_tessellation_equals_every_pair_tested(geoms):
    got = self_overlaps(geoms)
    want = reference(geoms)
    assert {(int(a), int(b)): area for a, b, area in got.itertuples(index=False)} == pytest.approx(want)


@settings(max_examples=300, deadline=None)
@given(layers())
def test_an_overlapping_layer_always_has_an_overlapping_pair_with_a_suspect(geoms):
    """What the shortcut rests on: if any two patches overlap, two overlapping patches include a suspect."""
    want = reference(geoms)
    suspect = edge_suspects(geoms)
    if want:
        assert any(suspect[a] or suspect[b] for a, b in want)


def test_a_clean_tessellation_has_suspects_only_on_its_rim():
    geoms = [cell(i, j, reverse=(i + j) % 2 == 1, start=i) for i in range(4) for j in range(3)]
    suspect = edge_suspects(geoms)
    rim = [i in (0, 3) or j in (0, 2) for i in range(4) for j in range(3)]
    assert suspect.tolist() == rim
    assert len(self_overlaps(geoms)) == 0


def test_what_cannot_be_read_is_a_suspect():
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    line = shapely.LineString([(0, 0), (1, 1)])
    assert edge_suspects([bowtie, line, Polygon(), None, cell(0, 0)]).tolist() == [True] * 5


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["plain", "holed", "multi", "multi_holed"]), min_size=1, max_size=12),
       st.integers(0, 3))
def test_the_rings_read_straight_from_plain_polygons_are_shapelys_rings(kinds, start):
    """edge_suspects reads a polygon without holes as one ring from its coordinates, the others through
    ``to_ragged_array``: each geometry's parts and rings come out as shapely has them, in order."""
    from redline.boundaries._fast import _ring_arrays

    def holed(i):
        outer = [corner(i, 0), corner(i + 1, 0), corner(i + 1, 1), corner(i, 1)]
        hole = [(X0 + i * W + 5, Y0 + 5), (X0 + i * W + 5, Y0 + 10), (X0 + i * W + 10, Y0 + 10)]
        return Polygon(ring(outer, False, start), [hole])

    geoms = []
    for i, kind in enumerate(kinds):
        k = 3 * i
        geoms.append({"plain": cell(k, 0, start=start), "holed": holed(k),
                      "multi": MultiPolygon([cell(k, 0), cell(k + 1, 1, reverse=True)]),
                      "multi_holed": MultiPolygon([holed(k), cell(k + 1, 2)])}[kind])
    geoms = np.array(geoms, dtype=object)
    xy, ring_off, part_off, geom_of_part = _ring_arrays(geoms)
    got: dict[int, list] = {}
    for p in range(len(part_off) - 1):
        rings = [xy[ring_off[r]:ring_off[r + 1]].tolist() for r in range(part_off[p], part_off[p + 1])]
        got.setdefault(int(geom_of_part[p]), []).append(rings)
    for g, geom in enumerate(geoms):
        parts = shapely.get_parts(geom)
        expected = [[np.asarray(part.exterior.coords).tolist()] + [np.asarray(h.coords).tolist() for h in part.interiors]
                    for part in parts]
        assert got[g] == expected
