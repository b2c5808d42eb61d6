"""Bureau-shaped layers for benchmarks: the hard geometry real county data has, at three sizes.

``realistic(size, seed=0)`` returns a dict of GeoDataFrames (EPSG:4549, metres) with the field names
redline's layers expect, so redline's audit functions run on them unchanged. ``size`` is 1, 4 or 16 (any
positive integer works: one "city" of 12 km × 12 km per unit of size; a fraction below 1 gives one city with
that share of the features, for smoke tests). At ``size=16``: about 16 000 approvals,
41 000 supplies, 890 000 building footprints, 400 000 land-use patches, 200 000 permanent-basic-farmland
(PBF) patches and 16 growth boundaries of about 23 000 vertices each.

What makes the data realistic (and harder than :func:`redline.example.synthetic`):

- **approvals** (报批红线) are rotated blocks cut into strips; some have a hole (a village left out) and
  some a notch (a corner left out);
- **supplies** (供地红线) are some of those strips: they tile parts of their approval and share
  bit-identical vertices with it and with each other (a neighbour's T-junction vertex included), so an
  exact difference leaves no slivers, only the unsupplied strips;
- **buildings** (建筑物轮廓) stand in terraced rows inside developed supplies: neighbours share a wall
  (the same two vertices), no two footprints share interior, the first row stands on the supply's front
  edge and the first house on its side edge (on the line, up to floating-point rounding, as digitised
  footprints do);
- **landuse** (三调地类图斑, ``DLBM``) is a true coverage (a jittered lattice of 8-vertex patches, every
  shared edge bit-identical) nested in **townships** (乡镇, the union of their patches);
- **farmland** (永久基本农田) patches are copies of cultivated land-use patches (and a few built ones:
  farmland already occupied);
- **growth_boundary** (城镇开发边界) is one multipolygon per city: a main part of 20 000 vertices with two
  holes and a satellite part, about 23 000 vertices in all.

The layers are cached as GeoParquet under ``benchmarks/out/realistic/`` (one folder per size, seed and version of this file):
the second call reads them (seconds) instead of generating them again. Use it from other code as::

    from benchmarks.realistic import realistic        # from the repository root
    layers = realistic(4)                             # {"approvals": ..., "supplies": ..., ...}

or by path (``importlib.util.spec_from_file_location``). ``python benchmarks/realistic.py 1 4 16`` builds
the caches and prints the counts.
"""

from __future__ import annotations

import hashlib
import math
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = ["LAYERS", "realistic", "generate", "CACHE"]

CACHE = Path(__file__).resolve().parent / "out" / "realistic"
CRS = "EPSG:4549"
ORIGIN = (420_000.0, 3_450_000.0)
CITY = 12_000.0          # side of one city's tile (m)
LATTICE = 158            # land-use lattice cells per side (158² ≈ 25 000 patches per city)
TOWNSHIPS = 12           # townships per city
SLOT = 250.0             # approval slot spacing (m)
APPROVAL_RADIUS = 5_000.0
APPROVALS_PER_CITY = 1_000
PBF_PER_CITY = 12_500
GB_RADIUS = 3_600.0
GB_VERTICES = 20_000
LAYERS = ("approvals", "supplies", "buildings", "landuse", "townships", "farmland", "growth_boundary")
_EPOCH = np.datetime64("2012-01-01")
CONSTRUCTION = np.array(["0601", "0701", "05H1", "1004", "0702", "08H1", "1003"], dtype=object)
CULTIVATED = np.array(["0101", "0102", "0103"], dtype=object)
OTHER = np.array(["0301", "0201", "1104", "1101", "0404"], dtype=object)


# ------------------------------------------------------------------ helpers


def _polys(coords: np.ndarray) -> np.ndarray:
    """Polygons from an (n, m, 2) array of open rings (closed here)."""
    closed = np.concatenate([coords, coords[:, :1]], axis=1)
    return np.asarray(shapely.polygons(closed))


def _star(rng, cx: float, cy: float, radius: float, nv: int, amplitude: float, jitter: float) -> np.ndarray:
    """A star-shaped ring (always simple: radius > 0 at strictly increasing angles) as (nv, 2)."""
    t = np.linspace(0, 2 * np.pi, nv, endpoint=False)
    r = np.ones(nv)
    for k in range(2, 9):
        r += (amplitude / k) * rng.normal() * np.sin(k * t + rng.uniform(0, 2 * np.pi))
    for k in range(9, 60):  # a digitised line wanders at every scale
        r += (amplitude / k ** 1.6) * rng.normal() * np.sin(k * t + rng.uniform(0, 2 * np.pi))
    r += rng.normal(0, jitter, nv)
    return np.column_stack([cx + radius * r * np.cos(t), cy + radius * r * np.sin(t)])


def _growth_boundary(rng, cx: float, cy: float, f: float = 1.0) -> shapely.MultiPolygon:
    main = _star(rng, cx, cy, GB_RADIUS, max(200, round(GB_VERTICES * f)), 0.10, 0.00005)
    holes = []
    for ang in rng.uniform(0, 2 * np.pi, 1) + np.array([0.0, np.pi]):  # two villages kept out, opposite sides
        hx, hy = cx + 0.45 * GB_RADIUS * np.cos(ang), cy + 0.45 * GB_RADIUS * np.sin(ang)
        holes.append(_star(rng, hx, hy, 260.0, max(40, round(1_200 * f)), 0.15, 0.0005)[::-1])
    ang = rng.uniform(0, 2 * np.pi)
    sat = _star(rng, cx + 1.55 * GB_RADIUS * np.cos(ang), cy + 1.55 * GB_RADIUS * np.sin(ang), 420.0, max(40, round(800 * f)), 0.15,
                0.0005)
    geom = shapely.MultiPolygon([shapely.Polygon(main, holes), shapely.Polygon(sat)])
    if not geom.is_valid:
        raise RuntimeError(f"generated growth boundary is invalid: {shapely.is_valid_reason(geom)}")
    return geom


# ------------------------------------------------------------------ approvals, supplies, footprints


class _Placer:
    """Local strip coordinates (u, v) to map coordinates: one rotation and shift per approval, so a vertex
    shared by two polygons is computed once, bit-identically."""

    def __init__(self, cx: float, cy: float, cos: float, sin: float):
        self.cx, self.cy, self.cos, self.sin = cx, cy, cos, sin

    def __call__(self, uv) -> np.ndarray:
        uv = np.asarray(uv, dtype=float)
        return np.column_stack([self.cx + self.cos * uv[:, 0] - self.sin * uv[:, 1],
                                self.cy + self.sin * uv[:, 0] + self.cos * uv[:, 1]])


def _strip_ring(i, xs, yb, ym, top, notch) -> list[tuple[float, float]]:
    """Strip i of an approval: front edge, right side (with the neighbour's T-junction vertex where the
    neighbour is notched and this strip is not), back edge, left side."""
    k = len(xs) - 1
    ring = [(xs[i], yb[i]), (xs[i + 1], yb[i + 1])]
    if i + 1 < k and notch[i + 1] and not notch[i]:
        ring.append((xs[i + 1], ym[i + 1]))
    ring.append((xs[i + 1], top[i][i + 1]))
    ring.append((xs[i], top[i][i]))
    if i > 0 and notch[i - 1] and not notch[i]:
        ring.append((xs[i], ym[i]))
    return ring


def _hole_ring(i, xs, depth) -> list[tuple[float, float]]:
    """A village left out of strip i (clockwise: a hole)."""
    u0, u1 = xs[i] + 0.3 * (xs[i + 1] - xs[i]), xs[i] + 0.7 * (xs[i + 1] - xs[i])
    v0, v1 = 0.15 * depth, 0.35 * depth
    return [(u0, v0), (u0, v1), (u1, v1), (u1, v0)]


def _approval_blocks(rng, centres: np.ndarray, f: float = 1.0):
    """Approvals, supplies and footprints of every city, in local (u, v) strip coordinates, then placed."""
    g = np.arange(-APPROVAL_RADIUS, APPROVAL_RADIUS + 1, SLOT)
    sx, sy = np.meshgrid(g, g)
    slots = np.column_stack([sx.ravel(), sy.ravel()])
    slots = slots[np.hypot(slots[:, 0], slots[:, 1]) <= APPROVAL_RADIUS]
    app_geoms, app_city = [], []
    sup_geoms, sup_app, sup_developed = [], [], []
    quads, quad_sup = [], []
    for c, (ccx, ccy) in enumerate(centres):
        chosen = slots[np.sort(rng.choice(len(slots), max(1, round(APPROVALS_PER_CITY * f)), replace=False))]
        for ox, oy in chosen:
            a = len(app_geoms)
            cx, cy = ccx + ox + rng.uniform(-8, 8), ccy + oy + rng.uniform(-8, 8)
            theta = rng.uniform(-0.45, 0.45)
            cos, sin = math.cos(theta), math.sin(theta)
            width, depth = rng.uniform(90, 170), rng.uniform(90, 170)
            k = int(rng.integers(2, 7))
            # strip edges along u, front (v = yb) and back (v = yt) heights per edge: one vertex per edge
            xs = -width / 2 + np.concatenate([[0.0], np.sort(rng.uniform(0.1, 0.9, k - 1)), [1.0]]) * width
            xs[1:-1] = np.sort(xs[1:-1])
            yb = -depth / 2 + rng.uniform(-4, 4, k + 1)
            yt = depth / 2 + rng.uniform(-4, 4, k + 1)
            ym = yb + 0.6 * (yt - yb)      # where a notched strip stops
            notch = np.zeros(k, bool)
            if rng.random() < 0.25:
                notch[0 if rng.random() < 0.5 else k - 1] = True
            hole_strip = int(rng.integers(0, k)) if rng.random() < 0.2 else -1
            if hole_strip >= 0 and notch[hole_strip]:
                hole_strip = -1
            top = [ym if notch[i] else yt for i in range(k)]

            place = _Placer(cx, cy, cos, sin)
            # the approval's outline: the front chain left to right, the back chain right to left
            outline = [(xs[j], yb[j]) for j in range(k + 1)]
            for j in range(k, -1, -1):
                right = top[j][j] if j < k else None        # top of strip j at its left edge x_j
                left = top[j - 1][j] if j > 0 else None      # top of strip j-1 at its right edge x_j
                if right is None:
                    outline.append((xs[j], left))
                elif left is None:
                    outline.append((xs[j], right))
                elif left == right:
                    outline.append((xs[j], left))
                else:
                    outline += [(xs[j], right), (xs[j], left)]
            app_holes = [place(_hole_ring(hole_strip, xs, depth))] if hole_strip >= 0 else []
            app_geoms.append(shapely.Polygon(place(outline), app_holes))
            app_city.append(c)
            supplied = rng.random(k) < 0.78 if rng.random() >= 0.15 else np.zeros(k, bool)
            for i in np.flatnonzero(supplied):
                s = len(sup_geoms)
                holes = [place(_hole_ring(i, xs, depth))] if i == hole_strip else []
                sup_geoms.append(shapely.Polygon(place(_strip_ring(i, xs, yb, ym, top, notch)), holes))
                sup_app.append(a)
                developed = rng.random() < 0.85
                sup_developed.append(developed)
                if not developed:
                    continue
                # terraced rows: houses share walls, the first row on the front edge, the first house on
                # the side edge; the rows stop below a hole or a notch
                if notch[i]:
                    limit = min(ym[i], ym[i + 1]) - 4
                elif i == hole_strip:
                    limit = 0.15 * depth - 4
                else:
                    limit = min(yt[i], yt[i + 1]) - 6
                u_lo, u_hi = xs[i], xs[i + 1] - rng.uniform(3, 6)
                slope = (yb[i + 1] - yb[i]) / (xs[i + 1] - xs[i])
                off, row = 0.0, 0
                n_rows = int(rng.integers(3, 13))
                while row < n_rows:
                    d = rng.uniform(9, 13)
                    if yb[i] + max(0.0, slope * (xs[i + 1] - xs[i])) + off + d > limit:
                        break
                    start = u_lo if row == 0 or rng.random() < 0.5 else u_lo + rng.uniform(2, 8)
                    widths = rng.uniform(4.5, 7.5, 40)
                    cuts = start + np.concatenate([[0.0], np.cumsum(widths)])
                    cuts = cuts[cuts <= u_hi]
                    if len(cuts) >= 2:
                        ub = yb[i] + slope * (cuts - xs[i]) + off
                        front = np.column_stack([cuts, ub])
                        back = np.column_stack([cuts, ub + d])
                        q = np.stack([front[:-1], front[1:], back[1:], back[:-1]], axis=1)  # (n, 4, 2)
                        quads.append(place(q.reshape(-1, 2)).reshape(-1, 4, 2))
                        quad_sup.append(np.full(len(q), s))
                    off += d + rng.uniform(1.5, 5)
                    row += 1
    return (np.asarray(app_geoms, dtype=object), np.asarray(app_city), np.asarray(sup_geoms, dtype=object),
            np.asarray(sup_app), np.asarray(sup_developed), np.concatenate(quads), np.concatenate(quad_sup))


# ------------------------------------------------------------------ land use and townships


def _landuse(rng, tile: tuple[int, int], centre: np.ndarray, f: float = 1.0):
    """An 8-vertex jittered lattice over one city tile: a true coverage (shared edges bit-identical, across
    tiles too: the tile's border vertices come from one province-wide lattice and are not moved)."""
    n = max(8, round(LATTICE * math.sqrt(f)))
    cell = CITY / n
    gx, gy = np.meshgrid(ORIGIN[0] + (tile[0] * n + np.arange(n + 1)) * cell,
                         ORIGIN[1] + (tile[1] * n + np.arange(n + 1)) * cell)
    inner = np.zeros((n + 1, n + 1), bool)
    inner[1:-1, 1:-1] = True
    px = gx + np.where(inner, rng.uniform(-0.3, 0.3, gx.shape) * cell, 0.0)
    py = gy + np.where(inner, rng.uniform(-0.3, 0.3, gy.shape) * cell, 0.0)
    # one bent midpoint per edge (shared by the two patches along it); the tile's border edges stay straight
    interior = ((np.arange(n + 1) > 0) & (np.arange(n + 1) < n)).astype(float)
    hx = (px[:, :-1] + px[:, 1:]) / 2          # horizontal edges: (n+1, n)
    hy = (py[:, :-1] + py[:, 1:]) / 2 + interior[:, None] * rng.uniform(-0.15, 0.15, (n + 1, n)) * cell
    vx = (px[:-1, :] + px[1:, :]) / 2 + interior[None, :] * rng.uniform(-0.15, 0.15, (n, n + 1)) * cell
    vy = (py[:-1, :] + py[1:, :]) / 2
    origin = (gx[0, 0], gy[0, 0])
    j, i = np.meshgrid(np.arange(n), np.arange(n))  # i: row (y), j: column (x)
    ring = np.stack([
        np.stack([px[i, j], py[i, j]], -1), np.stack([hx[i, j], hy[i, j]], -1),
        np.stack([px[i, j + 1], py[i, j + 1]], -1), np.stack([vx[i, j + 1], vy[i, j + 1]], -1),
        np.stack([px[i + 1, j + 1], py[i + 1, j + 1]], -1), np.stack([hx[i + 1, j], hy[i + 1, j]], -1),
        np.stack([px[i + 1, j], py[i + 1, j]], -1), np.stack([vx[i, j], vy[i, j]], -1)], axis=2)
    geoms = _polys(ring.reshape(-1, 8, 2))
    # townships: nearest of TOWNSHIPS seeds (a Voronoi of cells, so borders follow patch edges)
    cxy = ring.reshape(-1, 8, 2).mean(axis=1)
    sj, si = np.meshgrid(np.arange(4), np.arange(TOWNSHIPS // 4))  # one seed per cell of a 4 x 3 grid
    seeds = np.column_stack([origin[0] + (sj.ravel() + rng.uniform(0.15, 0.85, TOWNSHIPS)) * CITY / 4,
                             origin[1] + (si.ravel() + rng.uniform(0.15, 0.85, TOWNSHIPS)) * CITY / 3])
    town = np.argmin(((cxy[:, None, :] - seeds[None, :, :]) ** 2).sum(-1), axis=1)
    dist = np.hypot(cxy[:, 0] - centre[0], cxy[:, 1] - centre[1])
    p_built = 0.08 + 0.62 * np.exp(-(dist / 3_800.0) ** 2)
    u = rng.random(len(geoms))
    code = np.where(u < p_built, rng.choice(CONSTRUCTION, len(geoms)),
                    np.where(u < p_built + (1 - p_built) * 0.8, rng.choice(CULTIVATED, len(geoms), p=[0.5, 0.2, 0.3]),
                             rng.choice(OTHER, len(geoms))))
    return geoms, code.astype(object), town


# ------------------------------------------------------------------ the whole case


def generate(size: float, seed: int = 0) -> dict[str, gpd.GeoDataFrame]:
    """Generate the layers (no cache); see the module docstring."""
    if not size > 0 or (size > 1 and int(size) != size):
        raise ValueError(f"size must be a positive integer (1, 4, 16) or a fraction below 1, got {size}")
    f = min(float(size), 1.0)  # a fraction shrinks the one city's counts (smoke tests)
    size = max(1, int(size))
    rng = np.random.default_rng([seed, size, round(f * 1000)])
    side = math.ceil(math.sqrt(size))
    k = np.arange(size)
    origins = np.column_stack([ORIGIN[0] + (k % side) * CITY, ORIGIN[1] + (k // side) * CITY])
    centres = origins + CITY / 2
    county = np.char.add("3205", np.char.zfill((k + 1).astype(str), 2)).astype(object)

    gb = np.array([_growth_boundary(rng, cx, cy, f) for cx, cy in centres], dtype=object)
    app_geom, app_city, sup_geom, sup_app, _dev, quads, quad_sup = _approval_blocks(rng, centres, f)

    n_app, n_sup, n_bld = len(app_geom), len(sup_geom), len(quads)
    app_date = _EPOCH + rng.integers(0, (np.datetime64("2026-05-31") - _EPOCH).astype(int), n_app).astype(
        "timedelta64[D]")
    year = app_date.astype("datetime64[Y]").astype(int) + 1970
    approvals = gpd.GeoDataFrame({
        "approval_id": [f"苏政地〔{y}〕{i + 1:06d}号" for i, y in enumerate(year)],
        "approval_date": app_date.astype("datetime64[ns]"),
        "batch_name": [f"{y}年度第{(i % 9) + 1}批次城镇建设用地" for i, y in enumerate(year)],
        "district": county[app_city]}, geometry=app_geom, crs=CRS)

    sup_date = np.minimum(app_date[sup_app] + rng.integers(60, 1400, n_sup).astype("timedelta64[D]"),
                          np.datetime64("2026-06-01"))
    handover = sup_date + rng.integers(30, 90, n_sup).astype("timedelta64[D]")
    agreed_start = handover + rng.integers(180, 365, n_sup).astype("timedelta64[D]")
    agreed_completion = agreed_start + rng.integers(540, 1095, n_sup).astype("timedelta64[D]")
    asof = np.datetime64("2026-06-30")
    started = _dev | (rng.random(n_sup) < 0.1)
    actual_start = np.where(started, np.minimum(agreed_start + rng.integers(-60, 120, n_sup).astype(
        "timedelta64[D]"), asof), np.datetime64("NaT"))
    land_use = rng.choice(np.array(["工业用地", "城镇住宅用地", "商服用地", "公共管理与公共服务用地"], dtype=object),
                          n_sup, p=[0.55, 0.25, 0.12, 0.08])
    supplies = gpd.GeoDataFrame({
        "supply_id": [f"3205{c[-2:]}{i + 1:07d}" for i, c in enumerate(county[app_city[sup_app]])],
        "supply_date": sup_date.astype("datetime64[ns]"),
        "supply_method": np.where(land_use == "公共管理与公共服务用地", "划拨", "出让").astype(object),
        "land_use": land_use,
        "agreed_handover_date": handover.astype("datetime64[ns]"),
        "agreed_start_date": agreed_start.astype("datetime64[ns]"),
        "agreed_completion_date": agreed_completion.astype("datetime64[ns]"),
        "actual_start_date": actual_start.astype("datetime64[ns]"),
        "district": county[app_city[sup_app]]}, geometry=sup_geom, crs=CRS)

    b_geom = _polys(quads)
    floors = rng.integers(1, 7, n_bld)
    buildings = gpd.GeoDataFrame({
        "building_id": np.char.add("B", np.char.zfill(np.arange(1, n_bld + 1).astype(str), 8)).astype(object),
        "floors": floors, "floor_area_m2": np.round(shapely.area(b_geom) * floors, 2),
        "storey_height_m": np.round(rng.uniform(3.0, 4.5, n_bld), 1),
        "structure_type": np.full(n_bld, "建筑物", dtype=object)}, geometry=b_geom, crs=CRS)

    lu_parts, code_parts, town_parts, city_parts = [], [], [], []
    for c in range(size):
        geoms, code, town = _landuse(rng, (c % side, c // side), centres[c], f)
        lu_parts.append(geoms)
        code_parts.append(code)
        town_parts.append(town + c * TOWNSHIPS)
        city_parts.append(np.full(len(geoms), c))
    lu_geom = np.concatenate(lu_parts)
    lu_code = np.concatenate(code_parts)
    lu_town = np.concatenate(town_parts)
    n_lu = len(lu_geom)
    town_codes = np.array([f"{county[t // TOWNSHIPS]}{100 + t % TOWNSHIPS + 1:03d}" for t in range(size * TOWNSHIPS)],
                          dtype=object)
    landuse = gpd.GeoDataFrame({
        "BSM": np.char.add("DLTB", np.char.zfill(np.arange(1, n_lu + 1).astype(str), 8)).astype(object),
        "DLBM": lu_code, "ZLDWDM": town_codes[lu_town], "TBMJ": np.round(shapely.area(lu_geom), 2)},
        geometry=lu_geom, crs=CRS)
    order = np.argsort(lu_town, kind="stable")
    bounds = np.searchsorted(lu_town[order], np.arange(size * TOWNSHIPS + 1))
    town_geom = np.array([shapely.coverage_union_all(lu_geom[order[bounds[t]:bounds[t + 1]]])
                          for t in range(size * TOWNSHIPS)], dtype=object)
    townships = gpd.GeoDataFrame({"admin_code": town_codes, "admin_name": np.char.add(town_codes.astype(str), "镇"
                                                                                      ).astype(object),
                                  "level": np.full(len(town_codes), "乡镇", dtype=object)}, geometry=town_geom, crs=CRS)

    # PBF: cultivated patches (most of them) and a few built ones (farmland already occupied)
    cultivated = np.flatnonzero(np.isin(lu_code, CULTIVATED))
    built = np.flatnonzero(np.isin(lu_code, CONSTRUCTION))
    n_pbf = min(round(PBF_PER_CITY * size * f), len(cultivated) + len(built) // 10)
    n_built = min(len(built) // 10, n_pbf // 40)
    pick = np.sort(np.concatenate([rng.choice(cultivated, n_pbf - n_built, replace=False),
                                   rng.choice(built, n_built, replace=False)]))
    farmland = gpd.GeoDataFrame({
        "farmland_id": np.char.add("JBNT", np.char.zfill(np.arange(1, len(pick) + 1).astype(str), 8)).astype(object),
        "land_use_code": np.where(np.isin(lu_code[pick], CULTIVATED), lu_code[pick], "0101").astype(object),
        "quality_grade": rng.integers(1, 16, len(pick)),
        "recorded_area_m2": np.round(shapely.area(lu_geom[pick]), 2)}, geometry=lu_geom[pick], crs=CRS)

    growth = gpd.GeoDataFrame({
        "boundary_id": np.char.add("UGB", np.char.zfill((k + 1).astype(str), 3)).astype(object),
        "name": np.char.add(county.astype(str), "城镇开发边界").astype(object),
        "zone_type": np.full(size, "城镇集中建设区", dtype=object)}, geometry=gb, crs=CRS)
    return {"approvals": approvals, "supplies": supplies, "buildings": buildings, "landuse": landuse,
            "townships": townships, "farmland": farmland, "growth_boundary": growth}


def cache_dir(size: float, seed: int = 0) -> Path:
    """The cache folder of one size and seed; its name carries a digest of this file, so a changed generator
    never reads an old cache."""
    digest = hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:10]
    return CACHE / f"size{size:g}-seed{int(seed)}-{digest}"


def realistic(size: float, seed: int = 0, *, cache: bool = True) -> dict[str, gpd.GeoDataFrame]:
    """The layers at ``size`` (1, 4, 16), from the GeoParquet cache when it is there (else generated and cached)."""
    folder = cache_dir(size, seed)
    if cache and all((folder / f"{name}.parquet").exists() for name in LAYERS):
        return {name: gpd.read_parquet(folder / f"{name}.parquet") for name in LAYERS}
    layers = generate(size, seed)
    if cache:
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in layers.items():
            tmp = folder / f"{name}.parquet.tmp"
            frame.to_parquet(tmp)
            tmp.replace(folder / f"{name}.parquet")
    return layers


def describe(layers: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    rows = []
    for name, frame in layers.items():
        nv = shapely.get_num_coordinates(frame.geometry.values)
        rows.append({"layer": name, "features": len(frame), "vertices_max": int(nv.max()) if len(nv) else 0,
                     "valid": bool(shapely.is_valid(frame.geometry.values).all())})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["1"]:
        print(f"size {arg}:")
        print(describe(realistic(float(arg) if float(arg) < 1 else int(arg))).to_string(index=False))
