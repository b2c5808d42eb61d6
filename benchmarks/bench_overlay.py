"""Overlay audits at province scale: redline against plain geopandas, same inputs, same run, same answer.

    .venv/bin/python benchmarks/bench_overlay.py                 # scales 0.02, 0.05, 0.1 (a few minutes)
    .venv/bin/python benchmarks/bench_overlay.py --full          # adds scale 1.0: 50 000 approvals,
                                                                 # 200 000 supplies, 1 000 000 buildings
    .venv/bin/python benchmarks/bench_overlay.py --scales 0.1,0.2 --methods redline

For bureau-shaped data (shared edges, terraced footprints, SQL engines) see ``bench_realistic.py``.

Inputs come from :func:`redline.example.synthetic` (seeded, canonical fields, EPSG:4549). Each method
runs in its own subprocess, so its peak memory is its own: ``peak MB`` is the rise of the process's
high-water mark (VmHWM, reset after the inputs are built) over the memory the inputs occupy
(``input MB``). Two tasks are timed:

- **批而未供** approved not supplied: :func:`redline.overlay.approved_not_supplied` (which also computes
  the supply outside approvals) against ``geopandas.overlay(approvals, supplies, how="difference")`` (each
  approval differenced with its own intersecting supplies);
- **developed area** of each supply (供而未用): :func:`redline.overlay.supplied_not_used` (which also
  judges every status) against ``sjoin`` + intersection + ``groupby``.

Both give areas per feature; the parent compares them (redline's unsupplied + sliver area against the
plain difference; developed areas) and prints the largest difference. Planar areas, like the plain
version. Timing noise on a shared 2-core machine is ±10-25 %: compare the ratio within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
AS_OF = "2026-06-30"
TOLERANCE_M2 = 0.01


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)
        return True
    except OSError:
        return False


def worker(method: str, scale: float, seed: int, out: Path) -> None:
    """Build the inputs, run one method's two tasks, save areas and measurements."""
    import resource

    sys.path.insert(0, str(HERE.parent))
    sys.path.insert(0, str(HERE))
    from redline.example import synthetic

    before = _status_kb("VmRSS")
    t0 = time.perf_counter()
    data = synthetic(scale, seed=seed)
    build_s = time.perf_counter() - t0
    approvals, supplies, buildings = data["approvals"], data["supplies"], data["buildings"]
    del data
    loaded = _status_kb("VmRSS")
    reset = _reset_peak()
    times = {}
    if method == "redline":
        from redline.overlay import approved_not_supplied, supplied_not_used

        t0 = time.perf_counter()
        ans = approved_not_supplied(approvals, supplies, as_of=AS_OF, area_method="planar")
        times["ans"] = time.perf_counter() - t0
        unsupplied = (ans["unsupplied_m2"] + ans["sliver_m2"]).to_numpy()
        ids = ans["approval_id"].to_numpy()
        t0 = time.perf_counter()
        idle = supplied_not_used(supplies, buildings, as_of=AS_OF, area_method="planar")
        times["dev"] = time.perf_counter() - t0
        developed = idle["developed_m2"].to_numpy()
        supply_ids = idle["supply_id"].to_numpy()
    else:
        import plain_geopandas as plain

        t0 = time.perf_counter()
        ans = plain.approved_not_supplied(approvals, supplies)
        times["ans"] = time.perf_counter() - t0
        unsupplied = ans["unsupplied_m2"].to_numpy()
        ids = ans["approval_id"].to_numpy()
        t0 = time.perf_counter()
        dev = plain.developed_area(supplies, buildings)
        times["dev"] = time.perf_counter() - t0
        developed = dev.to_numpy()
        supply_ids = dev.index.to_numpy()
    peak = _status_kb("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    order = np.argsort(ids.astype(str))
    sorder = np.argsort(supply_ids.astype(str))
    np.save(out / f"{method}_unsupplied.npy", unsupplied[order])
    np.save(out / f"{method}_developed.npy", np.asarray(developed, dtype=float)[sorder])
    info = {"method": method, "scale": scale, "times": times, "build_s": build_s,
            "input_mb": (loaded - before) / 1024, "peak_mb": max(peak - loaded, 0) / 1024,
            "peak_reset": reset, "counts": {"approvals": len(approvals), "supplies": len(supplies),
                                            "buildings": len(buildings)}}
    (out / f"{method}.json").write_text(json.dumps(info))


def run_method(method: str, scale: float, seed: int, out: Path) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", method, "--scale", str(scale), "--seed",
           str(seed), "--tmp", str(out)]
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{method} at scale {scale} failed:\n{proc.stderr[-3000:]}")
    return json.loads((out / f"{method}.json").read_text())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", default="0.02,0.05,0.1", help="comma-separated scales (1.0 = province)")
    ap.add_argument("--full", action="store_true", help="add scale 1.0")
    ap.add_argument("--methods", default="redline,plain")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--scale", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--tmp", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker, args.scale, args.seed, Path(args.tmp))
        return 0
    scales = [float(s) for s in args.scales.split(",") if s]
    if args.full and 1.0 not in scales:
        scales.append(1.0)
    methods = [m for m in args.methods.split(",") if m]
    rows = []
    ok = True
    for scale in scales:
        with tempfile.TemporaryDirectory(prefix="redline-bench-") as tmp:
            tmp = Path(tmp)
            res = {m: run_method(m, scale, args.seed, tmp) for m in methods}
            diff = {}
            if len(methods) == 2:
                for task in ("unsupplied", "developed"):
                    a, b = (np.load(tmp / f"{m}_{task}.npy") for m in methods)
                    diff[task] = float(np.abs(a - b).max()) if len(a) == len(b) and len(a) else float("nan")
                    ok &= len(a) == len(b) and diff[task] <= TOLERANCE_M2
            rows.append((scale, res, diff))
            print(f"scale {scale}: " + ", ".join(
                f"{m} ans {r['times']['ans']:.2f}s dev {r['times']['dev']:.2f}s" for m, r in res.items()),
                file=sys.stderr, flush=True)
    import platform

    import shapely

    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, shapely {shapely.__version__} "
          f"(GEOS {shapely.geos_version_string}), seed {args.seed}; planar areas; times in seconds\n")
    tasks = (("ans", "批而未供 approved not supplied", "unsupplied"), ("dev", "developed area (供而未用)", "developed"))
    head = "| scale | approvals | supplies | buildings | task | " + " | ".join(f"{m} s" for m in methods)
    if len(methods) == 2:
        head += f" | speed-up | max abs diff m² | same answer (≤ {TOLERANCE_M2} m²)"
    head += " | " + " | ".join(f"{m} peak MB" for m in methods) + " | input MB |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for scale, res, diff in rows:
        c = next(iter(res.values()))["counts"]
        for key, label, dkey in tasks:
            cells = [f"{scale:g}", f"{c['approvals']:,}", f"{c['supplies']:,}", f"{c['buildings']:,}", label]
            cells += [f"{res[m]['times'][key]:.2f}" for m in methods]
            if len(methods) == 2:
                r0, r1 = (res[m]["times"][key] for m in methods)
                cells += [f"{r1 / r0:.1f}×", f"{diff[dkey]:.2e}", "yes" if diff[dkey] <= TOLERANCE_M2 else "NO"]
            cells += [f"{res[m]['peak_mb']:.0f}" for m in methods]
            cells += [f"{next(iter(res.values()))['input_mb']:.0f}"]
            print("| " + " | ".join(cells) + " |")
    if len(methods) == 2:
        print()
        print(f"same answer at every scale: {'yes' if ok else 'NO'}; peak MB = rise of the process's memory "
              "high-water mark over the inputs (each method in its own process)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
