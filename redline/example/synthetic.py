"""Province-scale synthetic layers for benchmarks, built with shapely 2 array constructors.

:func:`synthetic` makes a province-sized case (at ``scale=1.0``: 50 000 approvals, 200 000 supplies,
1 000 000 buildings, 200 000 permanent-basic-farmland patches, 50 growth boundaries of 5 000 vertices
and a few ecological red lines) with the CANONICAL field names of :mod:`redline.schema`, so benchmarks
skip schema mapping. Counts are linear in ``scale`` (the number of cities is ``ceil(50 * scale)``).
Everything is vectorised: no Python loop runs per feature (only per city, and per chunk of building cells).

Layout: cities on a 40 km grid, each with a growth boundary (radius about 6 km) and approvals on a
350 m grid of slots within 7 km of its centre (so most fall inside the boundary and some outside).
Each approval is a star-shaped polygon of 8-16 vertices; its supplies are fans of consecutive vertices
(they tile the approval exactly, so some approvals are fully supplied and some partly), a tenth of them
enlarged by 10 % so they cross the approval's edge, and a tenth of all supplies lie on stock land
between approvals; supplies may overlap each other (enlarged fans, stock land next to an approval or
drawn twice on one spot).
Buildings lie in their supply as surveyed footprints do: on a 24 m grid of cells, each cell whose centre
lies in one supply only holds a detached box or a terraced row of 2-6 units sharing walls (the same
floats on both sides of a wall); 40 % of the buildings are terraced units, 10 % are boxes on the supply's
edge clipped to it, none overlaps another or reaches into a supply other than its own, and each is
covered by its supply. Farmland patches are 300 m grid cells round each city, not centred inside the
boundary (those on its edge are real conflicts); each ecological red line touches a growth boundary
and farmland.

Layers (canonical fields)
-------------------------
``approvals``        approval_id, approval_date, batch_name, district
``supplies``         supply_id, supply_date, supply_method, land_use, industry, price_wan, agreed_handover_date,
                     agreed_payment_date, agreed_start_date, agreed_completion_date, actual_start_date,
                     actual_completion_date, suspended_date, total_investment_wan, invested_wan, delay_cause,
                     far_min, district
``buildings``        building_id, floors, floor_area_m2, storey_height_m, structure_type
``parcels``          parcel_id, land_use, industry, total_investment_wan, tax_wan, output_wan
``farmland``         farmland_id, land_use_code, quality_grade, recorded_area_m2
``growth_boundary``  boundary_id, name, zone_type
``eco_redline``      redline_id, name, function_type
``admin``            admin_code, admin_name, level
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["BASE_COUNTS", "synthetic"]

#: feature counts at scale 1.0
BASE_COUNTS = {"approvals": 50_000, "supplies": 200_000, "buildings": 1_000_000, "farmland": 200_000,
               "growth_boundary": 50, "eco_redline": 6}
CITY_SPACING = 40_000.0
GB_RADIUS = 6_000.0
GB_VERTICES = 5_000
SLOT = 350.0
APPROVAL_RADIUS = 7_000.0
ORIGIN = (380_000.0, 3_400_000.0)  # inside EPSG:4549's zone (CM 120E) at about 30.7N
CELL = 24.0  # the buildings' grid: one detached building or one terraced row per cell at most
MARGIN = 1.0  # footprints keep this far inside their cell
TERRACED_SHARE = 0.4  # of the buildings, in rows of 2-6 units sharing walls
CLIPPED_SHARE = 0.1  # of the buildings, boxes clipped by their supply's edge
_EPOCH = np.datetime64("2012-01-01")
_NONE = np.array(None, dtype=object)  # the missing value of np.where(cond, values, None), as numpy's stubs take it


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)


def _rings_to_polygons(coords: np.ndarray, ring_index: np.ndarray) -> np.ndarray:
    return np.asarray(shapely.polygons(shapely.linearrings(coords, indices=ring_index)))


def _wobbly(rng, centres: np.ndarray, radius: float, nv: int, amplitude: float = 0.12) -> np.ndarray:
    """Smooth closed polygons (one per centre) with ``nv`` vertices each."""
    n = len(centres)
    t = np.linspace(0, 2 * np.pi, nv, endpoint=False)
    r = np.ones((n, nv))
    for k in range(2, 8):
        r += (amplitude / k) * rng.normal(size=(n, 1)) * np.sin(k * t[None, :] + rng.uniform(0, 2 * np.pi, (n, 1)))
    r += rng.normal(0, 0.002, (n, nv))  # fine jitter: digitised, not drawn with a compass
    x = centres[:, :1] + radius * r * np.cos(t)
    y = centres[:, 1:] + radius * r * np.sin(t)
    coords = np.stack([x, y], axis=-1).reshape(-1, 2)
    return _rings_to_polygons(coords, np.repeat(np.arange(n), nv))


def _pairwise(func, a: np.ndarray, b: np.ndarray, *args, workers: int = 2) -> np.ndarray:
    """``func(a, b, *args)`` elementwise, in two threads (shapely releases the GIL)."""
    from concurrent.futures import ThreadPoolExecutor

    if len(a) < 20_000:
        return func(a, b, *args)
    cuts = np.array_split(np.arange(len(a)), workers * 4)
    with ThreadPoolExecutor(workers) as pool:
        parts = list(pool.map(lambda idx: func(a[idx], b[idx], *args), cuts))
    return np.concatenate(parts)


def _footprints(rng, sup_geom: np.ndarray, n: int) -> np.ndarray:
    """``n`` building footprints inside the supplies, laid out like surveyed ones.

    A grid of ``CELL`` squares covers the province; a cell whose centre lies in exactly one supply belongs to
    it and holds at most one detached box or one terraced row of 2-6 units (shared walls: the units' common
    sides are the same floats), kept ``MARGIN`` inside the cell, so footprints of two cells never meet.
    Rows and most detached boxes lie inside their supply; ``CLIPPED_SHARE`` of the footprints are boxes
    crossing its edge, clipped to it (``shapely.intersection``) and kept when the clip is one polygon
    covered by the supply. No footprint shares interior with another footprint or with a supply other
    than its own. Exactly ``n`` footprints, ``TERRACED_SHARE`` of them terraced, in random order. Cells are
    laid out in random order taking the supplies in turn, in chunks, until each kind has enough; where the
    supplies run out of cells (tiny scales), more rows and clipped boxes replace the detached ones, and if
    even these are too few it raises ValueError (2 seeds in 40 at scale 0.0001, none of 40 from 0.0002 up).
    """
    ox, oy = ORIGIN
    shapely.prepare(sup_geom)
    # the cells of each supply's bounding box, and the supply holding each cell's centre
    lo = np.floor((shapely.bounds(sup_geom) - [ox, oy, ox, oy]) / CELL).astype(np.int64)
    nx, ny = lo[:, 2] - lo[:, 0] + 1, lo[:, 3] - lo[:, 1] + 1
    cnt = nx * ny
    s = np.repeat(np.arange(len(sup_geom)), cnt)
    k = np.arange(len(s)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    ci, cj = lo[s, 0] + k % nx[s], lo[s, 1] + k // nx[s]
    inside = shapely.contains_xy(sup_geom[s], ox + (ci + 0.5) * CELL, oy + (cj + 0.5) * CELL)
    s, ci, cj = s[inside], ci[inside], cj[inside]
    key = (ci - ci.min()) * (cj.max() - cj.min() + 1) + (cj - cj.min()) if len(s) else ci
    _, first, times = np.unique(key, return_index=True, return_counts=True)
    own = first[times == 1]  # a centre in two supplies (they overlap there): no building
    # random order, taking the supplies in turn (every supply's first cell, then every second ...), so that
    # buildings spread over the supplies as evenly as their room allows, not by area
    own = own[rng.permutation(len(own))]
    by_supply = np.argsort(s[own], kind="stable")
    turn = np.empty(len(own), dtype=np.int64)
    turn[by_supply] = np.arange(len(own)) - np.searchsorted(s[own][by_supply], s[own][by_supply])
    own = own[np.argsort(turn, kind="stable")]
    owner, x0, y0 = s[own], ox + ci[own] * CELL, oy + cj[own] * CELL
    # what each cell would hold: a row (units along x or y) or a detached box, anywhere in the cell
    m = len(own)
    row = rng.random(m) < 0.2
    units = np.where(row, rng.integers(2, 7, m), 1)
    room = CELL - 2 * MARGIN
    unit = np.minimum(rng.uniform(4.0, 7.0, m), room / units)
    length = np.where(row, units * unit, rng.uniform(7, 20, m))
    depth = np.where(row, rng.uniform(8, 13, m), rng.uniform(7, 17, m))
    along_x = ~row | (rng.random(m) < 0.5)
    w, h = np.where(along_x, length, depth), np.where(along_x, depth, length)
    ex = x0 + MARGIN + rng.random(m) * np.maximum(room - w, 0)
    ey = y0 + MARGIN + rng.random(m) * np.maximum(room - h, 0)
    # supplies whose interior meets another supply's: their footprints are checked against the others, and so
    # are the clipped ones (a vertex computed on an edge shared with another supply may fall just inside it)
    tree = shapely.STRtree(sup_geom)
    si, sj = tree.query(sup_geom, predicate="intersects")
    si, sj = si[si < sj], sj[si < sj]
    meet = _pairwise(shapely.relate_pattern, sup_geom[si], sup_geom[sj], "T********")
    crowded = np.zeros(len(sup_geom), dtype=bool)
    crowded[si[meet]] = crowded[sj[meet]] = True
    # lay out the cells chunk by chunk: each cell's footprint and whether it fits (a chunk's outcome does not
    # depend on the others, so stopping early gives what laying out every cell would)
    want_units, want_clip = round(TERRACED_SHARE * n), round(CLIPPED_SHARE * n)
    want_detached = n - want_units - want_clip
    foot = np.full(m, None, dtype=object)
    fit = np.zeros(m, dtype=bool)
    inner = np.zeros(m, dtype=bool)
    chunk = max(4096, n // 8)
    done = 0
    while done < m:
        c = np.arange(done, min(done + chunk, m))
        done = c[-1] + 1
        foot[c] = shapely.box(ex[c], ey[c], ex[c] + w[c], ey[c] + h[c])
        inner[c] = shapely.contains_properly(sup_geom[owner[c]], foot[c])
        fit[c] = inner[c]
        # detached boxes crossing the supply's edge are clipped to it
        e = c[~row[c] & ~inner[c]]
        foot[e] = _pairwise(shapely.intersection, foot[e], sup_geom[owner[e]])
        e = e[(shapely.get_type_id(foot[e]) == 3) & (shapely.area(foot[e]) >= 10.0)]
        fit[e] = shapely.covered_by(foot[e], sup_geom[owner[e]])
        # nothing in another supply's interior
        f = c[fit[c] & (crowded[owner[c]] | ~inner[c])]
        fi, fs = tree.query(foot[f], predicate="intersects")
        fi, fs = fi[owner[f[fi]] != fs], fs[owner[f[fi]] != fs]
        fit[f[fi[shapely.relate_pattern(foot[f[fi]], sup_geom[fs], "T********")]]] = False
        ok = fit[:done]
        if (units[:done][ok & row[:done]].sum() >= want_units and (ok & ~inner[:done]).sum() >= want_clip
                and (ok & ~row[:done] & inner[:done]).sum() >= want_detached):
            break
    # exactly n: terraced units (the last row may be cut short), clipped boxes, detached boxes for the rest;
    # where these run out, more rows, then more clipped
    rows = np.flatnonzero(fit & row)
    clip_ok, detached = np.flatnonzero(fit & ~inner), np.flatnonzero(fit & ~row & inner)
    take = _take(units[rows], want_units)
    clipped = clip_ok[:want_clip]
    detached = detached[: n - take.sum() - len(clipped)]
    short = n - take.sum() - len(clipped) - len(detached)
    if short:
        take = _take(units[rows], take.sum() + short)
        clipped = clip_ok[: n - take.sum() - len(detached)]
        if take.sum() + len(clipped) + len(detached) < n:
            raise ValueError(f"the supplies have room for fewer than {n} buildings (scale too small)")
    rows, units = rows[take > 0], take[take > 0]
    r = np.repeat(rows, units)
    u = np.arange(len(r)) - np.repeat(np.cumsum(units) - units, units)
    side = np.where(along_x[r], ex[r], ey[r])
    a0, a1 = side + u * unit[r], side + (u + 1) * unit[r]  # unit u's far side is unit u + 1's near side
    terraced = np.empty(len(r), dtype=object)
    x, y = along_x[r], ~along_x[r]
    terraced[x] = shapely.box(a0[x], ey[r][x], a1[x], ey[r][x] + h[r][x])
    terraced[y] = shapely.box(ex[r][y], a0[y], ex[r][y] + w[r][y], a1[y])
    out = np.concatenate([terraced, foot[clipped], foot[detached]])
    return out[rng.permutation(len(out))]


def _take(sizes: np.ndarray, budget) -> np.ndarray:
    """How much of each of ``sizes``, in order, a total of ``budget`` takes (the last one taken in part)."""
    return np.clip(budget - (np.cumsum(sizes) - sizes), 0, sizes)


def _dates(rng, start: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return start + rng.integers(lo, hi, len(start)).astype("timedelta64[D]")


def synthetic(scale: float = 1.0, *, seed: int = 0, crs: str = "EPSG:4549") -> dict[str, gpd.GeoDataFrame]:
    """Province-scale synthetic layers with canonical field names (see the module docstring).

    Parameters
    ----------
    scale : float
        1.0 gives 50 000 approvals, 200 000 supplies, 1 000 000 buildings, 200 000 farmland patches,
        50 growth boundaries (5 000 vertices each) and 6 ecological red lines; counts are linear in scale.
    seed : int
        Seed of the numpy Generator: same seed, same layers.
    crs : str
        The CRS the coordinates are labelled with (metres; default EPSG:4549, CGCS2000 3-degree zone 120E).

    Raises ValueError when ``scale`` is not positive, or so small (about 0.0001, for a few seeds) that the
    few supplies drawn have no room for their buildings.
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    rng = np.random.default_rng(seed)
    n_app = max(1, round(BASE_COUNTS["approvals"] * scale))
    n_sup = max(1, round(BASE_COUNTS["supplies"] * scale))
    n_bld = max(1, round(BASE_COUNTS["buildings"] * scale))
    n_farm = max(1, round(BASE_COUNTS["farmland"] * scale))
    n_city = max(1, math.ceil(BASE_COUNTS["growth_boundary"] * scale))
    n_eco = max(1, math.ceil(BASE_COUNTS["eco_redline"] * scale))

    # --- cities and growth boundaries ---
    side = math.ceil(math.sqrt(n_city))
    k = np.arange(n_city)
    centres = np.column_stack([ORIGIN[0] + (k % side + 0.5) * CITY_SPACING, ORIGIN[1] + (k // side + 0.5) * CITY_SPACING])
    gb = _wobbly(rng, centres, GB_RADIUS, GB_VERTICES)
    city_codes = np.char.add("3205", np.char.zfill((k + 1).astype(str), 2)).astype(object)
    admin_cells = shapely.box(centres[:, 0] - CITY_SPACING / 2, centres[:, 1] - CITY_SPACING / 2,
                              centres[:, 0] + CITY_SPACING / 2, centres[:, 1] + CITY_SPACING / 2)

    # --- approvals: star polygons on slots round each city ---
    g = np.arange(-APPROVAL_RADIUS, APPROVAL_RADIUS + 1, SLOT)
    sx, sy = np.meshgrid(g, g)
    slots = np.column_stack([sx.ravel(), sy.ravel()])
    slots = slots[np.hypot(slots[:, 0], slots[:, 1]) <= APPROVAL_RADIUS]
    per_city = np.full(n_city, n_app // n_city)
    per_city[: n_app % n_city] += 1
    if per_city.max() > len(slots):
        raise ValueError("too many approvals per city")  # cannot happen with ceil(50 * scale) cities
    app_xy = np.concatenate([centres[c] + slots[rng.choice(len(slots), per_city[c], replace=False)]
                             for c in range(n_city)])
    app_city = np.repeat(np.arange(n_city), per_city)
    app_xy += rng.uniform(-20, 20, app_xy.shape)
    nv = rng.integers(8, 17, n_app)
    radius = rng.uniform(60, 160, n_app)
    v_app = np.repeat(np.arange(n_app), nv)
    v_off = np.concatenate([[0], np.cumsum(nv)[:-1]])
    v_k = np.arange(len(v_app)) - v_off[v_app]
    ang = (v_k + rng.uniform(-0.3, 0.3, len(v_app))) * (2 * np.pi / nv[v_app]) + rng.uniform(0, 2 * np.pi, n_app)[v_app]
    rad = radius[v_app] * rng.uniform(0.75, 1.0, len(v_app))
    vx = app_xy[v_app, 0] + rad * np.cos(ang)
    vy = app_xy[v_app, 1] + rad * np.sin(ang)
    approvals_geom = _rings_to_polygons(np.column_stack([vx, vy]), v_app)
    app_date = _dates(rng, np.full(n_app, _EPOCH), 0, (np.datetime64("2026-05-31") - _EPOCH).astype(int))
    app_year = app_date.astype("datetime64[Y]").astype(int) + 1970

    # --- supplies inside approvals: fans of consecutive vertices ---
    n_out = n_sup // 10
    n_in = n_sup - n_out
    supplied = rng.random(n_app) < 0.8
    if not supplied.any():
        supplied[0] = True
    m = np.where(supplied, rng.integers(2, 9, n_app), 0)
    m = np.minimum(m, nv)
    while m.sum() < n_in:  # enough sectors to pick from (only matters at tiny scales)
        m = np.where(supplied, np.minimum(m + 1, nv), 0)
        if (m[supplied] == nv[supplied]).all():
            break
    sec_app = np.repeat(np.arange(n_app), m)
    sec_j = np.arange(len(sec_app)) - np.concatenate([[0], np.cumsum(m)[:-1]])[sec_app]
    # cut the vertices of approval i into m_i chunks of near-equal length
    start = (sec_j * nv[sec_app]) // m[sec_app]
    stop = ((sec_j + 1) * nv[sec_app]) // m[sec_app]
    pick = np.sort(rng.choice(len(sec_app), min(n_in, len(sec_app)), replace=False))
    sec_app, start, stop = sec_app[pick], start[pick], stop[pick]
    n_fan = len(sec_app)
    length = stop - start + 2  # the chunk, the next vertex, and the centre
    f_idx = np.repeat(np.arange(n_fan), length)
    f_k = np.arange(len(f_idx)) - np.concatenate([[0], np.cumsum(length)[:-1]])[f_idx]
    is_centre = f_k == 0
    vert = v_off[sec_app[f_idx]] + (start[f_idx] + f_k - 1) % nv[sec_app[f_idx]]
    fx = np.where(is_centre, app_xy[sec_app[f_idx], 0], vx[vert])
    fy = np.where(is_centre, app_xy[sec_app[f_idx], 1], vy[vert])
    grow = rng.random(n_fan) < 0.1  # a tenth cross the approval's edge
    factor = np.where(grow, 1.1, 1.0)[f_idx]
    cx, cy = app_xy[sec_app[f_idx], 0], app_xy[sec_app[f_idx], 1]
    fx, fy = cx + factor * (fx - cx), cy + factor * (fy - cy)
    fans = _rings_to_polygons(np.column_stack([fx, fy]), f_idx)
    # supplies on stock land: small stars between the approval slots
    n_out = n_sup - n_fan
    out_city = rng.integers(0, n_city, n_out)
    out_slot = slots[rng.integers(0, len(slots), n_out)] + SLOT / 2
    out_xy = centres[out_city] + out_slot
    o_nv = 8
    o_idx = np.repeat(np.arange(n_out), o_nv)
    o_ang = np.tile(np.arange(o_nv) * (2 * np.pi / o_nv), n_out)
    o_rad = rng.uniform(40, 70, n_out)[o_idx]
    outs = _rings_to_polygons(np.column_stack([out_xy[o_idx, 0] + o_rad * np.cos(o_ang),
                                               out_xy[o_idx, 1] + o_rad * np.sin(o_ang)]), o_idx)
    sup_geom = np.concatenate([fans, outs])
    sup_city = np.concatenate([app_city[sec_app], out_city])
    base = np.concatenate([app_date[sec_app], np.full(n_out, _EPOCH)])
    sup_date = _dates(rng, base, 90, 1500)
    sup_date = np.minimum(sup_date, np.datetime64("2026-06-01"))
    handover = _dates(rng, sup_date, 30, 90)
    agreed_start = _dates(rng, handover, 180, 365)
    agreed_completion = _dates(rng, agreed_start, 540, 1095)
    asof = np.datetime64("2026-06-30")
    fate = rng.random(n_sup)
    started = (fate < 0.75) | (agreed_start > asof) & (fate < 0.9)
    actual_start = np.where(started, np.minimum(_dates(rng, agreed_start, -60, 120), asof), np.datetime64("NaT"))
    done = started & (agreed_completion < asof) & (rng.random(n_sup) < 0.8)
    actual_completion = np.where(done, np.minimum(_dates(rng, agreed_completion, -90, 180), asof),
                                 np.datetime64("NaT"))
    stalled = started & ~done & (rng.random(n_sup) < 0.15)
    suspended = np.where(stalled, np.minimum(_dates(rng, actual_start, 60, 700), asof), np.datetime64("NaT"))
    area_mu = shapely.area(sup_geom) / (10000 / 15)
    industrial = rng.random(n_sup) < 0.6
    land_use = np.where(industrial, "工业用地", rng.choice(["城镇住宅用地", "商服用地", "公共管理与公共服务用地"], n_sup))
    method = np.where(land_use == "公共管理与公共服务用地", "划拨", "出让")
    industry = np.where(industrial, rng.choice(["13", "17", "26", "30", "33", "36", "39"], n_sup), _NONE)
    price = np.where(method == "出让", np.round(area_mu * np.where(industrial, rng.uniform(10, 30, n_sup),
                                                                    rng.uniform(60, 250, n_sup)), 2), np.nan)
    total = np.round(area_mu * rng.uniform(180, 600, n_sup), 2)
    invested_frac = np.where(done, rng.uniform(0.9, 1.1, n_sup),
                             np.where(stalled, rng.uniform(0.05, 0.3, n_sup),
                                      np.where(started, rng.uniform(0.2, 0.9, n_sup), 0.0)))
    delay = np.where(~started & (rng.random(n_sup) < 0.05), "政府原因：规划调整", _NONE)
    supplies = gpd.GeoDataFrame({
        "supply_id": _ids("S", n_sup, 7), "supply_date": sup_date.astype("datetime64[ns]"),
        "supply_method": method.astype(object), "land_use": land_use.astype(object), "industry": industry,
        "price_wan": price, "agreed_handover_date": handover.astype("datetime64[ns]"),
        "agreed_payment_date": (sup_date + np.timedelta64(30, "D")).astype("datetime64[ns]"),
        "agreed_start_date": agreed_start.astype("datetime64[ns]"),
        "agreed_completion_date": agreed_completion.astype("datetime64[ns]"),
        "actual_start_date": actual_start.astype("datetime64[ns]"),
        "actual_completion_date": actual_completion.astype("datetime64[ns]"),
        "suspended_date": suspended.astype("datetime64[ns]"),
        "total_investment_wan": total, "invested_wan": np.round(total * invested_frac, 2),
        "delay_cause": delay, "far_min": np.where(industrial, 0.8, 1.0),
        "district": city_codes[sup_city]}, geometry=sup_geom, crs=crs)

    approvals = gpd.GeoDataFrame({
        "approval_id": np.char.add(np.char.add(np.char.add("苏政地〔", app_year.astype(str)), "〕"),
                                   np.char.add(np.char.zfill(np.arange(1, n_app + 1).astype(str), 6), "号")).astype(object),
        "approval_date": app_date.astype("datetime64[ns]"),
        "batch_name": np.char.add(app_year.astype(str), "年度城镇建设用地批次").astype(object),
        "district": city_codes[app_city]}, geometry=approvals_geom, crs=crs)

    # --- buildings inside supplies: detached boxes and terraced rows on a grid of cells, a few clipped ---
    # the footprints have a generator of their own; the main one draws here what it drew before they were laid
    # out on cells, so that every other layer keeps its values for a seed
    rng.integers(0, n_sup, n_bld)
    rng.random(3 * n_bld)
    b_geom = _footprints(np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0]), sup_geom, n_bld)
    floors = rng.integers(1, 7, n_bld)
    storey = np.round(rng.uniform(3.0, 12.0, n_bld), 1)
    buildings = gpd.GeoDataFrame({
        "building_id": _ids("B", n_bld, 8), "floors": floors,
        "floor_area_m2": np.round(shapely.area(b_geom) * floors, 2), "storey_height_m": storey,
        "structure_type": np.full(n_bld, "建筑物", dtype=object)}, geometry=b_geom, crs=crs)

    # --- parcels: completed industrial supplies ---
    psel = np.flatnonzero(done & industrial)
    pmu = area_mu[psel]
    parcels = gpd.GeoDataFrame({
        "parcel_id": _ids("P", len(psel), 7), "land_use": np.full(len(psel), "工业用地", dtype=object),
        "industry": industry[psel], "total_investment_wan": np.round(pmu * rng.uniform(120, 450, len(psel)), 2),
        "tax_wan": np.round(pmu * rng.uniform(5, 60, len(psel)), 2),
        "output_wan": np.round(pmu * rng.uniform(200, 1500, len(psel)), 2)}, geometry=sup_geom[psel], crs=crs)

    # --- farmland: 300 m cells round each city, not centred inside its growth boundary ---
    fg = np.arange(-15_000, 15_000, 300.0) + 150
    fx_, fy_ = np.meshgrid(fg, fg)
    fslots = np.column_stack([fx_.ravel(), fy_.ravel()])
    fslots = fslots[np.hypot(fslots[:, 0], fslots[:, 1]) <= 15_000]
    cand = (centres[:, None, :] + fslots[None, :, :]).reshape(-1, 2)
    cand_city = np.repeat(np.arange(n_city), len(fslots))
    inside = np.zeros(len(cand), dtype=bool)
    for c in range(n_city):  # one prepared boundary per city
        sel = cand_city == c
        shapely.prepare(gb[c])
        inside[sel] = shapely.contains_xy(gb[c], cand[sel, 0], cand[sel, 1])
    cand = cand[~inside]
    if len(cand) < n_farm:
        raise ValueError("not enough farmland cells")
    cand = cand[np.sort(rng.choice(len(cand), n_farm, replace=False))]
    jitter = rng.uniform(-10, 10, (n_farm, 4))
    farm_geom = shapely.box(cand[:, 0] - 145 + jitter[:, 0], cand[:, 1] - 145 + jitter[:, 1],
                            cand[:, 0] + 145 + jitter[:, 2], cand[:, 1] + 145 + jitter[:, 3])
    farmland = gpd.GeoDataFrame({
        "farmland_id": _ids("JBNT", n_farm, 7),
        "land_use_code": rng.choice(["0101", "0102", "0103"], n_farm, p=[0.6, 0.15, 0.25]).astype(object),
        "quality_grade": rng.integers(1, 16, n_farm),
        "recorded_area_m2": np.round(shapely.area(farm_geom), 2)}, geometry=farm_geom, crs=crs)

    growth = gpd.GeoDataFrame({
        "boundary_id": _ids("UGB", n_city, 3), "name": np.char.add(city_codes.astype(str), "城镇开发边界").astype(object),
        "zone_type": np.full(n_city, "城镇集中建设区", dtype=object)}, geometry=gb, crs=crs)
    eco_city = np.arange(n_eco) % n_city
    eco_centres = centres[eco_city] + np.array([11_000.0, 3_000.0])
    eco = gpd.GeoDataFrame({
        "redline_id": _ids("STHX", n_eco, 3), "name": np.char.add(city_codes[eco_city].astype(str),
                                                                  "生态保护红线").astype(object),
        "function_type": np.full(n_eco, "水源涵养", dtype=object)},
        geometry=_wobbly(rng, eco_centres, 5_500.0, 2_000), crs=crs)
    admin = gpd.GeoDataFrame({"admin_code": city_codes, "admin_name": np.char.add(city_codes.astype(str), "区").astype(object),
                              "level": np.full(n_city, "区县", dtype=object)}, geometry=admin_cells, crs=crs)
    return {"approvals": approvals, "supplies": supplies, "buildings": buildings, "parcels": parcels,
            "farmland": farmland, "growth_boundary": growth, "eco_redline": eco, "admin": admin}
