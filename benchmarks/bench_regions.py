"""Benchmark 区域节约集约评价 (region_evaluation) on the province-sized generated case: what it adds to a run.

The layers are :func:`redline.example.synthetic` (cities on a 40 km grid, each its own admin unit, with approvals,
supplies, a growth boundary, eco red lines); it has no land use, so two land-use coverages are drawn here on a
``--cell`` m grid over every unit (construction land 0702 with 城镇村属性码 202 near the city centre, 203 further out,
the rest 0103; the base year with a tenth of the construction cells still 0103) and a statistics table for both
years. Three runs of :func:`redline.pipeline.run_audits`, in this process, one after the other:

``baseline``
    批而未供 (whose 存量供地 output the evaluation uses) and 土地开发强度 on the current land use;
``baseline + region_evaluation``
    the same and the evaluation (which reuses the 存量供地 output of the run);
``region_evaluation alone``
    the evaluation asked for by name (it makes the 存量供地 output it uses itself).

and the baseline once more (the first run also pays for warming up). The second run's time over the mean of the
two baseline runs is what the evaluation adds to a run.

Usage::

    .venv/bin/python benchmarks/bench_regions.py              # scale 0.1 (5 cities)
    .venv/bin/python benchmarks/bench_regions.py --full       # scale 1.0 (50 cities)
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time

import numpy as np


def landuse(admin, cell: float, seed: int):
    """Two land-use coverages (base, now) of ``cell`` m squares over every unit, canonical field names."""
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(seed)
    geoms, codes, cz = [], [], []
    for g in admin.geometry.values:
        x0, y0, x1, y1 = g.bounds
        xs, ys = np.meshgrid(np.arange(x0, x1, cell), np.arange(y0, y1, cell))
        xs, ys = xs.ravel(), ys.ravel()
        boxes = shapely.box(xs, ys, np.minimum(xs + cell, x1), np.minimum(ys + cell, y1))
        d = np.hypot(xs + cell / 2 - (x0 + x1) / 2, ys + cell / 2 - (y0 + y1) / 2)
        built = rng.random(len(xs)) < np.where(d < 6000, 0.6, 0.08)
        geoms.append(boxes)
        codes.append(np.where(built, "0702", "0103"))
        cz.append(np.where(built, np.where(d < 6000, "202", "203"), ""))
    geom, code, attr = np.concatenate(geoms), np.concatenate(codes), np.concatenate(cz)
    now = gpd.GeoDataFrame({"patch_id": np.arange(len(geom)).astype(str), "land_use_code": code.astype(object),
                            "urban_attribute": attr.astype(object)}, geometry=geom, crs=admin.crs)
    base = now.copy()
    revert = (code == "0702") & (rng.random(len(code)) < 0.1)
    base.loc[revert, "land_use_code"] = "0103"
    base.loc[revert, "urban_attribute"] = ""
    return base, now


def stats(admin, seed: int):
    import pandas as pd

    rng = np.random.default_rng(seed)
    n = len(admin)
    gdp0 = rng.uniform(200, 800, n)
    pop0 = rng.uniform(50, 200, n)
    rows = {"admin_code": np.tile(admin["admin_code"].astype(str).to_numpy(), 2),
            "admin_name": np.tile(admin["admin_name"].astype(str).to_numpy(), 2), "year": np.repeat([2020, 2025], n),
            "gdp_yi_yuan": np.r_[gdp0, gdp0 * rng.uniform(1.2, 1.6, n)],
            "population_wan": np.r_[pop0, pop0 * rng.uniform(0.97, 1.06, n)]}
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--full", action="store_true", help="scale 1.0")
    ap.add_argument("--cell", type=float, default=500.0, help="land-use cell side (m)")
    args = ap.parse_args(argv)
    scale = 1.0 if args.full else args.scale
    from redline.example import synthetic
    from redline.pipeline import run_audits
    from redline.registry import get_spec

    t = time.perf_counter()
    layers = synthetic(scale, seed=0)
    base, now = landuse(layers["admin"], args.cell, seed=1018)
    sources = {"admin": layers["admin"], "approvals": layers["approvals"], "supplies": layers["supplies"],
               "eco_redline": layers["eco_redline"], "growth_boundary": layers["growth_boundary"],
               "landuse": now, "landuse_base": base}
    params = {"stats": stats(layers["admin"], seed=1018), "base_year": 2020, "year": 2025}
    gen = time.perf_counter() - t
    runs = [("baseline (批而未供 + 土地开发强度)", ["approved_not_supplied", "development_intensity"]),
            ("baseline + region_evaluation", ["approved_not_supplied", "development_intensity", "region_evaluation"]),
            ("region_evaluation alone", ["region_evaluation"]),
            ("baseline again (warm)", ["approved_not_supplied", "development_intensity"])]
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}; scale {scale:g}: "
          f"{len(layers['admin'])} units, {len(layers['approvals']):,} approvals, {len(layers['supplies']):,} supplies, "
          f"{len(now):,} land-use patches per year ({args.cell:g} m cells); inputs made in {gen:.1f} s; planar areas\n")
    print("| run | audits | wall s | peak RSS MB (process so far) |")
    print("|---|---|---:|---:|")
    times = []
    for label, audits in runs:
        t = time.perf_counter()
        read = {i.name for a in audits for i in get_spec(a).inputs}
        result = run_audits({k: v for k, v in sources.items() if k in read}, audits=audits, as_of="2026-06-30",
                            area_method="planar", params=params if "region_evaluation" in audits else None)
        wall = time.perf_counter() - t
        times.append(wall)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"| {label} | {', '.join(audits)} | {wall:.2f} | {rss:,.0f} |")
        if "region_evaluation" in audits:
            ranked = result.outputs["region_evaluation"]["rank"].notna().sum()
    baseline = (times[0] + times[3]) / 2
    print(f"\nregion_evaluation adds {times[1] - baseline:.2f} s to the baseline run (mean of its two runs, "
          f"{baseline:.2f} s: {(times[1] - baseline) / baseline:.0%}); {ranked} units ranked")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
