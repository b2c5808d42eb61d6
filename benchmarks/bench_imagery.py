"""Benchmark redline.imagery on a large generated pair of classified rasters.

Generates two tiled, DEFLATE-compressed uint8 GeoTIFFs (classes 1 forest, 2 farmland, 3 urban, 4 water;
nodata 0) in a temporary folder, then runs :func:`redline.imagery.transitions` and
:func:`redline.imagery.change_patches` (farmland/forest -> urban), each in a fresh Python process so
its peak memory (``VmHWM`` from ``/proc/self/status``, i.e. the resident high-water mark including
GDAL's C allocations) is its own. Prints a markdown table.

Then judges the patches (:func:`redline.imagery.judge.judge_register`, each patch split by its legal bases,
PBF and cultivated land) against generated approvals, supplies, homesteads, temporary uses, PBF and a 三调
land-use coverage over the same extent (:func:`judge_inputs`, seeded), and answers the same question in plain
geopandas (:func:`plain_unexplained_on_pbf`) in its own process. The run fails (exit 1) when the two
unexplained-on-PBF areas differ by more than ``AGREE_MAX`` relative, when a patch's pieces do not sum to it,
or when a step's process tree peaks above ``--max-rss-mb`` (default ``MAX_RSS_MB``, 2 GB).

Usage::

    .venv/bin/python benchmarks/bench_imagery.py                 # 8 000 x 8 000 (the quick case, ./run bench)
    .venv/bin/python benchmarks/bench_imagery.py --full          # 36 000 x 36 000 (1.3 billion pixels each)
    .venv/bin/python benchmarks/bench_imagery.py --size 20000
    .venv/bin/python benchmarks/bench_imagery.py --full --patches --repeat 2 --keep   # patches against the floors

``--patches`` runs only the change-patch steps and what they are measured against: ``floor:read_mask``
(reading both dates and masking the changed pixels, on ``--workers`` threads), ``floor:polygonise`` (the same
and GDAL tracing each block's mask, on ``--workers`` processes) and ``plain_rasterio`` (a rasterio-only script:
``features.shapes`` of each window's mask into shapely polygons, one process, patches cut at window seams).
``--repeat`` runs the steps in rounds, alternately reversed, and prints each patch step's wall time over the
floors' round by round (paired runs; compare ratios, not seconds, on a shared machine).

Measured on a 2-core machine shared with other work (load average 8-10, so CPU / wall stayed near 0.35: the
ratios hold, the seconds do not), 36 000², ``--patches --repeat 2``, median of the two rounds (each round's
ratio in brackets)::

    step                       wall s  CPU s  peak RSS (MB)  ÷ floor:read_mask  ÷ floor:polygonise  ÷ plain_rasterio
    floor:read_mask              59.6   17.4            259
    floor:polygonise            160.5   50.8            426
    plain_rasterio              164.3   58.2            307
    patches (threads)            55.7   22.2            701  1.10 (0.94, 1.10)  0.37 (0.35, 0.37)   0.34 (0.33, 0.34)
    patches (processes)          66.2   25.5            796  1.34 (1.11, 1.34)  0.45 (0.41, 0.45)   0.40 (0.40, 0.40)

202 952 patches, 12.6 M px. At 20 000², threads took 1.09-1.15x the read-and-mask floor, processes 1.30-1.69x.
GDAL's polygonising costs the area it scans (0.25 s for an empty 2048² block), so tracing each block's
components on a canvas packing their bounding boxes is what leaves the patches near the reading floor.

Peak RSS sums every process of the step (a Python process with redline imported is ~150-190 MB).
Memory stays far under 2 GB at 20x the pixels; what grows is the patches held, not the raster.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

FROM_CLASSES, TO_CLASSES = [1, 2], [3]
#: the patch steps and what they are measured against (run together by --patches)
PATCH_STEPS = ("floor:read_mask", "floor:polygonise", "plain_rasterio", "change_patches:threads",
               "change_patches:processes")
STEPS = ("transitions", *PATCH_STEPS, "judge_register", "plain_geopandas")
#: the memory bound every step must stay under, its whole process tree (the machine: 2 cores, 24 GB)
MAX_RSS_MB = 2048
#: unexplained-on-PBF area, redline against plain geopandas (relative), and each patch's pieces against it
AGREE_MAX, INVARIANT_MAX = 1e-6, 1e-9


def generate(folder: Path, size: int, *, seed: int = 20260101, tile: int = 512) -> tuple[Path, Path]:
    """Write the pair block by block (memory stays small whatever ``size``)."""
    import rasterio
    from affine import Affine
    from rasterio.windows import Window

    profile = dict(driver="GTiff", width=size, height=size, count=1, dtype="uint8", nodata=0, tiled=True,
                   blockxsize=tile, blockysize=tile, compress="deflate", predictor=2, BIGTIFF="IF_SAFER",
                   crs="EPSG:4547", transform=Affine(10, 0, 400000, 0, -10, 3600000 + 10 * size))
    before_path, after_path = folder / "before.tif", folder / "after.tif"
    step = 2048
    cell = 64  # land-cover parcels of 64 x 64 pixels, 640 m
    with rasterio.Env(GDAL_CACHEMAX=64), rasterio.open(before_path, "w", **profile) as bdst, \
            rasterio.open(after_path, "w", **profile) as adst:
        for r in range(0, size, step):
            for c in range(0, size, step):
                h, w = min(step, size - r), min(step, size - c)
                rng = np.random.default_rng([seed, r, c])
                coarse = rng.choice(np.array([1, 2, 2, 2, 3, 4], np.uint8), size=(h // cell + 1, w // cell + 1))
                before = np.repeat(np.repeat(coarse, cell, axis=0), cell, axis=1)[:h, :w].copy()
                after = before.copy()
                # new construction: rectangles from 1 to ~60 pixels a side, about 1.5 % of the block
                n = int(h * w * 0.015 / 400) + 1
                ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
                hs, ws = rng.integers(1, 40, n), rng.integers(1, 40, n)
                for y, x, hh, ww in zip(ys, xs, hs, ws, strict=True):
                    after[y:y + hh, x:x + ww] = 3
                # scattered single-pixel changes (classification noise after a sieve): many tiny patches
                noise = rng.random((h, w)) < 0.0002
                after[noise] = 3
                # a strip of nodata in the second date (cloud)
                if (r // step + c // step) % 5 == 0:
                    after[: h // 8, :] = 0
                win = Window(c, r, w, h)
                bdst.write(before, 1, window=win)
                adst.write(after, 1, window=win)
    return before_path, after_path


# --- judging the patches: synthetic legal bases, farmland and land use over the same extent -----------------------

AFTER_DATE = "2025-06-30"  # the later image's date every patch is judged at
#: 三调 codes of the land-use coverage and their shares (0101-0103 are cultivated land)
LAND_USE_CODES = {"0101": 0.15, "0102": 0.10, "0103": 0.15, "0201": 0.10, "0301": 0.20, "0401": 0.05,
                  "0702": 0.10, "1101": 0.05, "1001": 0.10}


def _dates(rng, n: int, first: str, days: int) -> np.ndarray:
    return np.datetime64(first, "D") + rng.integers(0, days, n).astype("timedelta64[D]")


def _boxes(rng, n: int, lo: int, hi: int, centres: np.ndarray) -> np.ndarray:
    """``n`` rectangles of sides ``lo``-``hi`` m around ``centres``, every corner on the rasters' 10 m grid."""
    import shapely

    w, h = rng.integers(lo // 10, hi // 10 + 1, (2, n)) * 10
    x0 = np.round(centres[:, 0] / 10) * 10 - (w // 20) * 10
    y0 = np.round(centres[:, 1] / 10) * 10 - (h // 20) * 10
    return shapely.box(x0, y0, x0 + w, y0 + h)


def judge_inputs(patches, size: int, *, seed: int = 20260102) -> dict:
    """The layers the patches are judged against, deterministic for ``seed`` and ``size``.

    A county's worth at 36 000² (counts scale with the area, never under a few hundred): 6 000 approvals
    (100-1 200 m a side, 60 % around a change patch, dated 2016-2026, so some come after the later image),
    supplies tiling the western part of 70 % of them (dated after their approval), 4 000 homesteads
    (20-60 m) and 1 500 temporary uses (50-400 m, 1-3 year terms, some ended) around change patches, PBF
    as non-overlapping blocks inset in a 2.5 km grid (30 % of it), and a land-use coverage of 2 km cells with
    三调 codes. Every corner lies on the rasters' 10 m pixel grid, as the patches' do: no overlap is a sliver,
    so the plain-geopandas answer (which has no sliver tolerance) is comparable to the last m².
    """
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(seed)
    crs = patches.crs
    k = (size / 36000) ** 2
    x_min, y_min = 400000, 3600000
    extent = 10 * size
    centres = shapely.get_coordinates(patches.geometry.centroid.to_numpy())

    def around(n: int, share: float) -> np.ndarray:
        on = rng.random(n) < share
        out = x_min + rng.random((n, 2)) * extent
        out[:, 1] += y_min - x_min
        out[on] = centres[rng.integers(0, len(centres), int(on.sum()))]
        return out

    n_a = max(300, int(6000 * k))
    approvals = gpd.GeoDataFrame({"approval_id": [f"A{i:05d}" for i in range(n_a)],
                                  "approval_date": _dates(rng, n_a, "2016-01-01", 3800)},
                                 geometry=_boxes(rng, n_a, 100, 1200, around(n_a, 0.6)), crs=crs)
    sup = np.flatnonzero(rng.random(n_a) < 0.7)
    a_box = shapely.bounds(approvals.geometry.to_numpy()[sup])
    cut = a_box[:, 0] + np.maximum(1, np.round((a_box[:, 2] - a_box[:, 0]) * rng.uniform(0.2, 1.0, len(sup)) / 10)) * 10
    supplies = gpd.GeoDataFrame({"supply_id": [f"S{i:05d}" for i in range(len(sup))],
                                 "supply_date": approvals["approval_date"].to_numpy()[sup]
                                 + rng.integers(30, 900, len(sup)).astype("timedelta64[D]")},
                                geometry=shapely.box(a_box[:, 0], a_box[:, 1], np.minimum(cut, a_box[:, 2]),
                                                     a_box[:, 3]), crs=crs)
    n_h = max(200, int(4000 * k))
    homestead = gpd.GeoDataFrame({"homestead_id": [f"H{i:05d}" for i in range(n_h)],
                                  "granted_date": _dates(rng, n_h, "2018-01-01", 3000)},
                                 geometry=_boxes(rng, n_h, 20, 60, around(n_h, 0.8)), crs=crs)
    n_t = max(100, int(1500 * k))
    granted = _dates(rng, n_t, "2020-01-01", 2000)
    temporary = gpd.GeoDataFrame({"temporary_id": [f"T{i:05d}" for i in range(n_t)], "granted_date": granted,
                                  "end_date": granted + rng.integers(365, 1096, n_t).astype("timedelta64[D]")},
                                 geometry=_boxes(rng, n_t, 50, 400, around(n_t, 0.8)), crs=crs)
    cell = 2500
    gx, gy = np.meshgrid(np.arange(x_min, x_min + extent, cell), np.arange(y_min, y_min + extent, cell))
    gx, gy = gx.ravel(), gy.ravel()
    chosen = rng.random(len(gx)) < 0.3
    gx, gy = gx[chosen], gy[chosen]
    inset = rng.integers(0, 51, (4, len(gx))) * 10  # up to 500 m on each side: blocks never touch
    farmland = gpd.GeoDataFrame({"farmland_id": [f"F{i:05d}" for i in range(len(gx))]},
                                geometry=shapely.box(gx + inset[0], gy + inset[1], gx + cell - inset[2],
                                                     gy + cell - inset[3]), crs=crs)
    cell = 2000
    lx, ly = np.meshgrid(np.arange(x_min, x_min + extent, cell), np.arange(y_min, y_min + extent, cell))
    lx, ly = lx.ravel(), ly.ravel()
    codes = rng.choice(list(LAND_USE_CODES), size=len(lx), p=list(LAND_USE_CODES.values()))
    landuse = gpd.GeoDataFrame({"patch_id": [f"L{i:06d}" for i in range(len(lx))], "land_use_code": codes},
                               geometry=shapely.box(lx, ly, lx + cell, ly + cell), crs=crs)
    return {"approvals": approvals, "supplies": supplies, "homestead": homestead, "temporary_use": temporary,
            "farmland": farmland, "landuse": landuse}


def plain_unexplained_on_pbf(patches, approvals, farmland) -> float:
    """The unexplained area on PBF as a user writes it in plain geopandas: each patch less the approvals in force
    on the later image (``gpd.overlay(..., how="difference")`` unites each patch's own approvals), then
    intersected with PBF (non-overlapping), planar m². Supplies, homesteads and temporary uses are no basis to
    occupy PBF in cn-national (``imagery.basis_may_occupy_pbf``), so the approvals are the only basis there."""
    import geopandas as gpd

    in_force = approvals[approvals["approval_date"] <= np.datetime64(AFTER_DATE)]
    rest = gpd.overlay(patches[["patch_id", "geometry"]], in_force[["geometry"]], how="difference")
    on_pbf = gpd.overlay(rest, farmland[["farmland_id", "geometry"]], how="intersection")
    return float(on_pbf.area.sum())


def _run_judge(which: str, folder: Path) -> dict:
    import geopandas as gpd

    patches = gpd.read_parquet(folder / "patches.parquet")
    size = int(json.loads((folder / "size.json").read_text())["size"])
    layers = judge_inputs(patches, size)
    start_rss = _peak_rss_mb()
    c0 = time.process_time()
    t0 = time.perf_counter()
    if which == "judge_register":
        from redline.imagery.judge import judge_register

        res = judge_register(patches, **layers, after_date=AFTER_DATE, area_method="planar")
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        reg, pieces = res.register, res.pieces
        by_patch = pieces.groupby("patch_id")["area_m2"].sum().reindex(reg["patch_id"]).fillna(0).to_numpy()
        off = np.abs(by_patch - reg["area_m2"].to_numpy()) / reg["area_m2"].to_numpy()
        value = float(reg["unexplained_pbf_m2"].sum())
        counts = reg["judgement"].value_counts()
        detail = (f"{len(pieces):,} pieces of {len(reg):,} patches ({int((reg['pieces'] > 1).sum()):,} split), "
                  f"{counts.get('unapproved_on_farmland', 0):,} unapproved on PBF; unexplained on PBF "
                  f"{value / 1e4:,.2f} ha; pieces sum to their patch within {off.max():.1e} relative")
        extra = {"pieces": len(pieces), "invariant": float(off.max()),
                 "slivers": int(pieces["sliver"].sum()) + int((reg["sliver_reason"] != "").sum())}
    else:
        value = plain_unexplained_on_pbf(patches, layers["approvals"], layers["farmland"])
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        detail = f"unexplained on PBF {value / 1e4:,.2f} ha"
        extra = {}
    sizes = ", ".join(f"{len(v):,} {k}" for k, v in layers.items())
    return {"which": which, "wall_s": wall, "cpu_s": cpu, "peak_rss_mb": _peak_rss_mb(),
            "import_rss_mb": start_rss, "detail": detail, "unexplained_pbf_m2": value, "layers": sizes, **extra}


# --- what the patches are measured against: the floor and a plain-rasterio script ----------------------------------

def _floor_block(before: str, after: str, window: tuple, polygonise: bool) -> int:
    """One block of the floor: read both dates, mask the changed pixels as :func:`change_patches` does
    (first class in FROM_CLASSES, second in TO_CLASSES, different, neither nodata), and, with ``polygonise``,
    let GDAL trace the mask (``rasterio.features.shapes``, each polygon consumed, nothing built). Returns the
    number of changed pixels (or of polygons)."""
    import rasterio
    import rasterio.features
    from rasterio.windows import Window

    win = Window(*window)
    with rasterio.Env(GDAL_CACHEMAX=64), rasterio.open(before) as bds, rasterio.open(after) as ads:
        b, a = bds.read(1, window=win), ads.read(1, window=win)
        changed = np.isin(b, FROM_CLASSES) & np.isin(a, TO_CLASSES) & (b != a) & (b != 0) & (a != 0)
        if not polygonise:
            return int(np.count_nonzero(changed))
        return sum(1 for _ in rasterio.features.shapes(changed.view(np.uint8), mask=changed, connectivity=8))


def _windows(path: str, block_size: int) -> list[tuple]:
    import rasterio

    with rasterio.open(path) as ds:
        h, w = ds.height, ds.width
    return [(c, r, min(block_size, w - c), min(block_size, h - r))
            for r in range(0, h, block_size) for c in range(0, w, block_size)]


def floor(before: str, after: str, block_size: int, workers: int, polygonise: bool) -> str:
    """The floor on ``workers`` threads (reading and masking) or spawned processes (and GDAL's tracing of
    the mask), block by block. No labels, counts, seams or geometries: what any method must at least do."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
    from functools import partial

    job = partial(_floor_block, before, after, polygonise=polygonise)
    # reading and masking release the GIL: threads; GDAL's tracing holds it: processes
    pool = (ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) if polygonise
            else ThreadPoolExecutor(workers))
    with pool:
        n = sum(pool.map(job, _windows(before, block_size)))
    return f"{n:,} polygons traced" if polygonise else f"{n:,} px changed"


def plain_rasterio(before: str, after: str, block_size: int) -> str:
    """The script a user writes with rasterio alone: window by window, mask the changed pixels and build a
    shapely polygon of each of ``rasterio.features.shapes(..., mask=changed, connectivity=8)``, in one
    process. Patches crossing a window seam stay cut there, and nothing is counted per class."""
    import rasterio
    import rasterio.features
    import shapely.geometry
    from rasterio.windows import Window

    polygons = []
    with rasterio.Env(GDAL_CACHEMAX=64), rasterio.open(before) as bds, rasterio.open(after) as ads:
        for window in _windows(before, block_size):
            win = Window(*window)
            b, a = bds.read(1, window=win), ads.read(1, window=win)
            changed = np.isin(b, FROM_CLASSES) & np.isin(a, TO_CLASSES) & (b != a) & (b != 0) & (a != 0)
            transform = bds.window_transform(win)
            polygons += [shapely.geometry.shape(g) for g, _ in
                         rasterio.features.shapes(changed.view(np.uint8), mask=changed, connectivity=8,
                                                  transform=transform)]
    return f"{len(polygons):,} polygons (cut at window seams)"


def _peak_rss_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_one(which: str, before: str, after: str, block_size: int, workers: int) -> dict:
    if which in ("judge_register", "plain_geopandas"):
        return _run_judge(which, Path(before).parent)
    from redline.imagery import change_patches, transitions

    start_rss = _peak_rss_mb()
    c0 = time.process_time() + _children_cpu()
    t0 = time.perf_counter()
    if which in ("floor:read_mask", "floor:polygonise"):
        detail = floor(before, after, block_size, workers, which.endswith("polygonise"))
    elif which == "plain_rasterio":
        detail = plain_rasterio(before, after, block_size)
    elif which == "transitions":
        t = transitions(before, after, block_size=block_size, workers=workers)
        detail = f"{int(t.pixels.to_numpy().sum()):,} px counted, {t.nodata_pixels:,} nodata"
    else:
        executor = which.partition(":")[2] or "auto"
        p = change_patches(before, after, from_classes=FROM_CLASSES, to_classes=TO_CLASSES,
                           block_size=block_size, workers=workers, executor=executor)
        detail = (f"{len(p):,} patches ({int(p['below_min_area'].sum()):,} below min area), "
                  f"{int(p['pixels'].sum()):,} px")
    wall = time.perf_counter() - t0
    if which == "change_patches:threads":  # the patches the judging steps start from (not timed)
        p.to_parquet(Path(before).parent / "patches.parquet")
    cpu = time.process_time() + _children_cpu() - c0  # worker processes included once they have exited
    return {"which": which, "wall_s": wall, "cpu_s": cpu, "peak_rss_mb": _peak_rss_mb(),
            "import_rss_mb": start_rss, "detail": detail}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants (MB), from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == pid and p not in tree]
        tree.update(kids)
        frontier += kids
    return sum(rss.get(p, 0) for p in tree) / 2**20


def _measure(cmd: list[str]) -> dict:
    """Run one step in a fresh process; sample its process tree's memory and CPU time."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.05)
    out, err = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{err}")
    res = json.loads(out.strip().splitlines()[-1])
    res["tree_peak_mb"] = peak
    return res


def _mpx(row: dict, px: int) -> str:
    """Pixels per second, for the steps that read the rasters."""
    return "—" if row["which"] in ("judge_register", "plain_geopandas") else f"{px / 1e6 / row['wall_s']:,.0f}"


def _judged(judged: dict, plain: dict) -> list[str]:
    """Print how the judged register compares with plain geopandas; the failures."""
    agree = abs(judged["unexplained_pbf_m2"] - plain["unexplained_pbf_m2"]) / max(plain["unexplained_pbf_m2"], 1.0)
    print(f"\n`judge_register` (the split enabled, planar areas) and `plain_geopandas` (`gpd.overlay` of the "
          f"patches less the approvals in force, then with PBF) judge the patches of `change_patches:threads` "
          f"against {judged['layers']} (generated, not timed; the step's process held them and the patches "
          f"at {judged['import_rss_mb']:,.0f} MB before the call). Unexplained on PBF: redline "
          f"{judged['unexplained_pbf_m2']:,.1f} m², plain geopandas {plain['unexplained_pbf_m2']:,.1f} m² "
          f"(relative difference {agree:.1e}); plain geopandas / redline wall time "
          f"{plain['wall_s'] / judged['wall_s']:.2f}× (it answers only that one figure; redline the whole "
          f"register, its pieces and the roll-up).")
    failures = []
    if agree > AGREE_MAX:
        failures.append(f"unexplained on PBF differs from plain geopandas by {agree:.1e} > {AGREE_MAX:g}")
    if judged["invariant"] > INVARIANT_MAX:
        failures.append(f"pieces differ from their patch's area by {judged['invariant']:.1e} > {INVARIANT_MAX:g}")
    if judged["slivers"]:
        failures.append(f"{judged['slivers']} slivers on grid-aligned data: the comparison does not hold")
    return failures


def _print_ratios(runs: dict[str, list[dict]]) -> None:
    """Each change-patch step's wall time over the floors' and plain rasterio's, run by run (paired: the
    runs of one round ran one after the other), then the median ratio."""
    bases = [b for b in ("floor:polygonise", "floor:read_mask", "plain_rasterio") if b in runs]
    steps = [s for s in ("change_patches:threads", "change_patches:processes") if s in runs]
    if not bases or not steps:
        return
    print("\n| ratio (wall) | " + " | ".join(f"÷ `{b}`" for b in bases) + " |")
    print("|---|" + "---:|" * len(bases))
    for s in steps:
        cells = []
        for b in bases:
            ratios = sorted(x["wall_s"] / y["wall_s"] for x, y in zip(runs[s], runs[b], strict=True))
            each = ", ".join(f"{r:.2f}" for r in ratios)
            cells.append(f"{ratios[len(ratios) // 2]:.2f}" + (f" ({each})" if len(ratios) > 1 else ""))
        print(f"| `{s}` | " + " | ".join(cells) + " |")
    print("\n`floor:read_mask`: reading both dates and masking the changed pixels, on `--workers` threads; "
          "`floor:polygonise`: the same and GDAL tracing each block's mask (polygons consumed, none built) on "
          "`--workers` processes: what "
          "any method does at least. `plain_rasterio`: window by window, `rasterio.features.shapes` of the mask "
          "into shapely polygons in one process, patches cut at the window seams. Ratios under 1: faster.")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=8000, help="raster edge in pixels (default 8000)")
    ap.add_argument("--full", action="store_true", help="the large case: --size 36000")
    ap.add_argument("--block-size", type=int, default=2048)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--dir", type=Path, default=None, help="where to write the rasters (default: a temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the generated rasters")
    ap.add_argument("--max-rss-mb", type=float, default=MAX_RSS_MB,
                    help=f"fail when a step's process tree peaks above this (default {MAX_RSS_MB:,} MB)")
    ap.add_argument("--steps", default=",".join(STEPS),
                    help=f"comma-separated steps to run (default all: {','.join(STEPS)}); --patches for "
                         f"{','.join(PATCH_STEPS)}")
    ap.add_argument("--patches", action="store_true", help="only the change-patch steps and what they are "
                                                           "measured against (the floors, plain rasterio)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds of the steps, alternately in order and reversed (paired runs; default 1)")
    ap.add_argument("--rasters", type=Path, default=None,
                    help="a folder holding before.tif and after.tif generated earlier (with --keep) at --size")
    ap.add_argument("--_run", nargs=3, metavar=("WHICH", "BEFORE", "AFTER"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.full:
        args.size = 36000
    if args._run:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's redline
        print(json.dumps(_run_one(*args._run, args.block_size, args.workers)))
        return 0

    steps = list(PATCH_STEPS if args.patches else [x.strip() for x in args.steps.split(",") if x.strip()])
    unknown = [x for x in steps if x not in STEPS]
    if unknown:
        ap.error(f"unknown steps {unknown}: choose from {', '.join(STEPS)}")
    if {"judge_register", "plain_geopandas"} & set(steps) and "change_patches:threads" not in steps:
        steps.insert(0, "change_patches:threads")  # the judging steps start from its patches
    # mkdtemp, not TemporaryDirectory: the latter's finalizer removes the folder at exit even with --keep
    folder = args.rasters or Path(tempfile.mkdtemp(prefix="redline-bench-", dir=args.dir))
    try:
        t0 = time.perf_counter()
        if args.rasters:
            before, after = folder / "before.tif", folder / "after.tif"
        else:
            before, after = generate(folder, args.size)
        gen = time.perf_counter() - t0
        mb = (before.stat().st_size + after.stat().st_size) / 2**20
        (folder / "size.json").write_text(json.dumps({"size": args.size}))
        runs: dict[str, list[dict]] = {which: [] for which in steps}
        for k in range(args.repeat):
            # alternate the order, so no step always runs first (or right after the heaviest)
            for which in (steps if k % 2 == 0 or "judge_register" in steps else steps[::-1]):
                cmd = [sys.executable, __file__, "--_run", which, str(before), str(after),
                       "--block-size", str(args.block_size), "--workers", str(args.workers)]
                runs[which].append(_measure(cmd))
        rows = [sorted(r, key=lambda x: x["wall_s"])[len(r) // 2] for r in runs.values()]  # the median run
        px = args.size * args.size
        print(f"\nredline.imagery benchmark: {args.size:,} x {args.size:,} pair ({px / 1e6:,.0f} Mpx each, uint8, "
              f"tiled DEFLATE, {mb:,.1f} MB on disk; generated in {gen:,.0f} s), block {args.block_size}, "
              f"{args.workers} workers, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end "
              f"(other work on the machine slows every row alike)\n")
        if args.repeat > 1:
            print(f"each row: the median of {args.repeat} runs\n")
        print("| step | wall (s) | CPU (s) | CPU / wall | peak RSS, all processes (MB) | Mpx/s | result |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for r in rows:
            print(f"| `{r['which']}` | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['cpu_s'] / r['wall_s']:.2f} | "
                  f"{r['tree_peak_mb']:,.0f} | {_mpx(r, px)} | {r['detail']} |")
        print(f"\nwall and CPU (user + system, worker processes included): the call itself, after imports; "
              f"CPU / wall near 2 means both cores busy; peak RSS: the largest sum of resident memory "
              f"over the step's process tree, sampled every 50 ms (a Python process with redline imported is "
              f"{rows[0]['import_rss_mb']:,.0f} MB before any work)")
        _print_ratios(runs)
        failures = []
        if "judge_register" in runs and "plain_geopandas" in runs:
            failures += _judged(runs["judge_register"][-1], runs["plain_geopandas"][-1])
        failures += [f"`{r['which']}` peaked at {r['tree_peak_mb']:,.0f} MB > {args.max_rss_mb:,.0f} MB"
                     for r in rows if r["tree_peak_mb"] > args.max_rss_mb]
        for f in failures:
            print(f"\n**FAILED**: {f}")
        if failures:
            return 1
    finally:
        if args.keep or args.rasters:
            print(f"rasters kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
