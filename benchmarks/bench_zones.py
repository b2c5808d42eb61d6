"""Benchmark: the development-zone step (zone_indicators) against the 供而未用 audit whose result it uses.

The province-sized generated case (:func:`redline.example.synthetic`) with one development zone per city (a
square of 8 km round the city's centre, so zones never overlap). Both steps run in one process on the same
validated layers: first :func:`redline.overlay.supplied_not_used` (the idle land the zones read), then the zone
indicators over approvals, supplies, buildings, parcels, growth boundaries, farmland and eco red lines with that
idle land handed over (as the pipeline hands it). The synthetic case has no 三调 land-use layer, so the indicators
over construction land are empty there (their overlay is not timed).

Usage::

    .venv/bin/python benchmarks/bench_zones.py              # scale 0.1 (20 000 supplies, 100 000 buildings)
    .venv/bin/python benchmarks/bench_zones.py --scale 1    # province size
"""

from __future__ import annotations

import argparse
import platform
import resource
import time

import geopandas as gpd
import numpy as np
import shapely


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--half-side", type=float, default=4000.0, help="half the side of each zone's square (m)")
    args = ap.parse_args(argv)

    from redline.boundaries.zones import _indicators
    from redline.example import synthetic
    from redline.overlay import supplied_not_used
    from redline.rules import load_rules
    from redline.validate import prepare_layers

    t = time.perf_counter()
    layers = synthetic(args.scale)
    centres = shapely.centroid(layers["growth_boundary"].geometry.to_numpy())
    h = args.half_side
    zones = gpd.GeoDataFrame({"zone_id": [f"Z{k + 1:03d}" for k in range(len(centres))]},
                             geometry=shapely.box(shapely.get_x(centres) - h, shapely.get_y(centres) - h,
                                                  shapely.get_x(centres) + h, shapely.get_y(centres) + h),
                             crs=layers["growth_boundary"].crs)
    names = ["approvals", "supplies", "buildings", "parcels", "growth_boundary", "farmland", "eco_redline"]
    prep = prepare_layers({"zones": (zones, "zones"), **{n: (layers[n], n) for n in names if n in layers}})
    lay = prep.layers
    crs = prep.working.crs
    print(f"generated and validated in {time.perf_counter() - t:.1f} s: " + ", ".join(
        f"{n} {len(lay[n]):,}" for n in ["zones", *names] if n in lay))
    rules = load_rules()
    as_of = "2026-06-30"

    t = time.perf_counter()
    idle = supplied_not_used(lay["supplies"], lay["buildings"], as_of=as_of, rules=rules, area_method="planar")
    t_idle = time.perf_counter() - t
    peak_idle = _peak_mb()
    t = time.perf_counter()
    out, _ = _indicators(lay["zones"], approvals=lay["approvals"], supplies=lay["supplies"], idle_land=idle,
                         parcels=lay.get("parcels"), buildings=lay["buildings"], growth_boundary=lay["growth_boundary"],
                         farmland=lay["farmland"], eco_redline=lay["eco_redline"], as_of=as_of, rules=rules,
                         area_method="planar", crs=crs)
    t_zone = time.perf_counter() - t
    peak_zone = _peak_mb()
    print(f"\nmachine: {len(__import__('os').sched_getaffinity(0))} cores, Python {platform.python_version()}, "
          f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string}); scale {args.scale:g}; planar areas\n")
    print("| step | wall s | × 供而未用 | process peak MB |\n|---|---:|---:|---:|")
    print(f"| 供而未用 supplied_not_used | {t_idle:.2f} | 1.00 | {peak_idle:,.0f} |")
    print(f"| zone_indicators ({len(out)} zones) | {t_zone:.2f} | {t_zone / t_idle:.2f} | {peak_zone:,.0f} |")
    ok = out["supply_rate"].between(0, 1).all() and np.isfinite(out["idle_rate"]).all()
    print(f"\nsupply and idle rates finite and in [0, 1] for every zone: {'yes' if ok else 'NO'}; "
          f"mean supply rate {out['supply_rate'].mean():.1%}, idle rate {out['idle_rate'].mean():.1%}")


if __name__ == "__main__":
    main()
