"""Benchmark redline.imagery on a large generated pair of classified rasters.

Generates two tiled, DEFLATE-compressed uint8 GeoTIFFs (classes 1 forest, 2 farmland, 3 urban, 4 water;
nodata 0) in a temporary folder, then runs :func:`redline.imagery.transitions` and
:func:`redline.imagery.change_patches` (farmland/forest -> urban), each in a fresh Python process so
its peak memory (``VmHWM`` from ``/proc/self/status``, i.e. the resident high-water mark including
GDAL's C allocations) is its own. Prints a markdown table.

Usage::

    .venv/bin/python benchmarks/bench_imagery.py                 # 8 000 x 8 000
    .venv/bin/python benchmarks/bench_imagery.py --full          # 36 000 x 36 000 (1.3 billion pixels each)
    .venv/bin/python benchmarks/bench_imagery.py --size 20000

Measured on a 2-core machine (load average 1-2, one run each; compare ratios within a run)::

    step                       wall s  CPU s  peak RSS (MB)  result
    8 000², transitions           0.7    1.2            391  62.5 M px counted, 1.5 M nodata
    8 000², patches (threads)     2.4    3.4            401  9 925 patches, 623 828 px
    8 000², patches (processes)   2.9    5.3            923  same
    36 000², transitions          9.9   18.1            446  1 264 M px counted, 32 M nodata
    36 000², patches (threads)   45.1   58.0            595  202 952 patches, 12.6 M px
    36 000², patches (processes) 29.2   55.4          1 015  same

Peak RSS sums every process of the step (a Python process with redline imported is ~190 MB).
Memory stays far under 2 GB at 20x the pixels; what grows is the patches held, not the raster.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

FROM_CLASSES, TO_CLASSES = [1, 2], [3]


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
    from redline.imagery import change_patches, transitions

    start_rss = _peak_rss_mb()
    c0 = time.process_time() + _children_cpu()
    t0 = time.perf_counter()
    if which == "transitions":
        t = transitions(before, after, block_size=block_size, workers=workers)
        detail = f"{int(t.pixels.to_numpy().sum()):,} px counted, {t.nodata_pixels:,} nodata"
    else:
        executor = which.partition(":")[2] or "auto"
        p = change_patches(before, after, from_classes=FROM_CLASSES, to_classes=TO_CLASSES,
                           block_size=block_size, workers=workers, executor=executor)
        detail = (f"{len(p):,} patches ({int(p['below_min_area'].sum()):,} below min area), "
                  f"{int(p['pixels'].sum()):,} px")
    wall = time.perf_counter() - t0
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=8000, help="raster edge in pixels (default 8000)")
    ap.add_argument("--full", action="store_true", help="the large case: --size 36000")
    ap.add_argument("--block-size", type=int, default=2048)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--dir", type=Path, default=None, help="where to write the rasters (default: a temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the generated rasters")
    ap.add_argument("--_run", nargs=3, metavar=("WHICH", "BEFORE", "AFTER"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.full:
        args.size = 36000
    if args._run:
        print(json.dumps(_run_one(*args._run, args.block_size, args.workers)))
        return 0

    tmp = tempfile.TemporaryDirectory(prefix="redline-bench-", dir=args.dir)
    folder = Path(tmp.name)
    try:
        t0 = time.perf_counter()
        before, after = generate(folder, args.size)
        gen = time.perf_counter() - t0
        mb = (before.stat().st_size + after.stat().st_size) / 2**20
        rows = []
        for which in ("transitions", "change_patches:threads", "change_patches:processes"):
            cmd = [sys.executable, __file__, "--_run", which, str(before), str(after),
                   "--block-size", str(args.block_size), "--workers", str(args.workers)]
            rows.append(_measure(cmd))
        px = args.size * args.size
        print(f"\nredline.imagery benchmark: {args.size:,} x {args.size:,} pair ({px / 1e6:,.0f} Mpx each, uint8, "
              f"tiled DEFLATE, {mb:,.1f} MB on disk; generated in {gen:,.0f} s), block {args.block_size}, "
              f"{args.workers} workers, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end "
              f"(other work on the machine slows every row alike)\n")
        print("| step | wall (s) | CPU (s) | CPU / wall | peak RSS, all processes (MB) | Mpx/s | result |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for r in rows:
            print(f"| `{r['which']}` | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['cpu_s'] / r['wall_s']:.2f} | "
                  f"{r['tree_peak_mb']:,.0f} | {px / 1e6 / r['wall_s']:,.0f} | {r['detail']} |")
        print(f"\nwall and CPU (user + system, worker processes included): the call itself, after imports; "
              f"CPU / wall near 2 means both cores busy; peak RSS: the largest sum of resident memory "
              f"over the step's process tree, sampled every 50 ms (a Python process with redline imported is "
              f"{rows[0]['import_rss_mb']:,.0f} MB before any work)")
    finally:
        if args.keep:
            print(f"rasters kept in {folder}")
        else:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
