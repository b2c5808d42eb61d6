"""Recording audit rounds in the case register, against the audit itself and a plain GeoPackage snapshot.

    .venv/bin/python benchmarks/bench_register.py                 # scale 0.1: 5 000 approvals, 20 000 supplies
    .venv/bin/python benchmarks/bench_register.py --full          # scale 1.0: 50 000 approvals, 200 000 supplies,
                                                                  # 1 000 000 buildings
    .venv/bin/python benchmarks/bench_register.py --quick         # scale 0.005, a smoke test (seconds)
    .venv/bin/python benchmarks/bench_register.py --full --postgis postgresql://redline@127.0.0.1:54329/redline_test
    .venv/bin/python benchmarks/bench_register.py --full --profile out.prof   # cProfile of the round-1 record

Inputs come from :func:`redline.example.synthetic` (seeded, canonical fields), as in ``bench_overlay.py``.
Steps, in one process, each timed on its own:

- **audit**: ``run_audits(..., audits=["approved_not_supplied", "supplied_not_used"])`` (批而未供 and 供而未用,
  buildings included: the idle audit reads them);
- **round 1**: :meth:`redline.register.Register.record_round` into a fresh GeoPackage register (every finding
  a new case);
- **round 2**: the layers three months on: 5 % of the supplies changed (half of them suspended supplies now
  completed, so their idle cases resolve; half suspended since mid-2024 with nothing invested, so most become idle
  cases), 2 % of the approvals
  and 1 % of the supplies renumbered (their cases found again by geometry, the fallback path); audited again
  (not counted in the record time) and recorded;
- the same two rounds into a PostGIS register when ``--postgis URL`` is given (a throwaway schema, dropped
  afterwards);
- **plain snapshot**: what a user keeps today, each round's finding rows written with ``GeoDataFrame.to_file``
  into a new GeoPackage (one layer per output).

Checks: after each round the register's open cases, per output, number the round's findings. ``peak MB`` is the
rise of the process's memory high-water mark (VmHWM, reset before each step) over its memory before the step.
Timing noise on a shared 2-core machine is ±10-25 %: compare the ratios within one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_overlay import _reset_peak, _status_kb  # noqa: E402  (the benchmarks' one memory probe)

AUDITS = ["approved_not_supplied", "supplied_not_used"]
AS_OF = (dt.date(2026, 6, 30), dt.date(2026, 9, 30))
#: share of the supplies changed in round 2, of the approvals and supplies renumbered
CHANGED, RENUMBERED_APPROVALS, RENUMBERED_SUPPLIES = 0.05, 0.02, 0.01
SCALES = {"quick": 0.005, "default": 0.1, "full": 1.0}


class Timer:
    """Each step's wall time and the rise of the memory high-water mark over the memory before it."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, float]] = {}

    def run(self, name: str, fn, *args, **kwargs):
        before = _status_kb("VmRSS")
        reset = _reset_peak()
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        took = time.perf_counter() - t0
        peak = _status_kb("VmHWM") if reset else float("nan")
        self.rows[name] = {"s": took, "peak_mb": max(peak - before, 0) / 1024}
        print(f"  {name}: {took:.2f} s", file=sys.stderr, flush=True)
        return out


def round_two(layers: dict, seed: int) -> tuple[dict, dict[str, int]]:
    """The layers three months on: supplies changed and renumbered, approvals renumbered (see the docstring)."""
    rng = np.random.default_rng(seed + 1)
    approvals, supplies = layers["approvals"].copy(), layers["supplies"].copy()
    n_sup, n_app = len(supplies), len(approvals)
    n_changed = max(2, round(CHANGED * n_sup))
    suspended = np.flatnonzero(supplies["suspended_date"].notna().to_numpy())
    completed = rng.choice(suspended, min(len(suspended), n_changed // 2), replace=False)
    rest = np.setdiff1d(np.arange(n_sup), completed)
    stalled = rng.choice(rest, n_changed - len(completed), replace=False)
    col = supplies.columns.get_loc
    # completed since round 1: a stalled supply's case resolves
    supplies.iloc[completed, col("actual_completion_date")] = np.datetime64("2026-08-01")
    # work suspended since mid-2024 with nothing invested: idle (stalled) now, a new case
    supplies.iloc[stalled, col("suspended_date")] = np.datetime64("2024-06-01")
    supplies.iloc[stalled, col("actual_completion_date")] = np.datetime64("NaT")
    supplies.iloc[stalled, col("invested_wan")] = 0.0
    changed = np.concatenate([completed, stalled])
    ren_s = rng.choice(n_sup, max(1, round(RENUMBERED_SUPPLIES * n_sup)), replace=False)
    supplies.iloc[ren_s, col("supply_id")] = supplies["supply_id"].iloc[ren_s].to_numpy() + "-R"
    ren_a = rng.choice(n_app, max(1, round(RENUMBERED_APPROVALS * n_app)), replace=False)
    approvals.iloc[ren_a, approvals.columns.get_loc("approval_id")] = (
        approvals["approval_id"].iloc[ren_a].to_numpy() + "-R")
    return ({**layers, "approvals": approvals, "supplies": supplies},
            {"supplies changed": len(changed), "approvals renumbered": len(ren_a), "supplies renumbered": len(ren_s)})


def finding_rows(result) -> dict:
    """Each output's rows that are findings (the rows a register holds as cases): the snapshot a user keeps."""
    from redline.register import case_outputs, findings
    from redline.register.cases import key_of

    found, _ = findings(result.outputs, result.specs)
    out = {}
    for name, co in case_outputs(result.specs).items():
        frame = result.outputs.get(name)
        if frame is None:
            continue
        keys = set(found.loc[found["output"] == name, "case_key"])
        out[name] = frame[key_of(frame, co.case).isin(keys).to_numpy()]
    return out


def plain_snapshot(rows: dict, path: Path) -> None:
    for name, frame in rows.items():
        frame.to_file(path, layer=name, driver="GPKG")


def open_counts(reg) -> dict[str, int]:
    cases = reg.cases(state="open")
    return {str(k): int(v) for k, v in cases.groupby("output").size().items()}


def finding_counts(rows: dict) -> dict[str, int]:
    return {k: len(v) for k, v in rows.items() if len(v)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--full", action="store_true", help="scale 1.0: 50 000 approvals, 200 000 supplies")
    size.add_argument("--quick", action="store_true", help="scale 0.005 (a smoke test)")
    size.add_argument("--scale", type=float, help="any scale of redline.example.synthetic")
    ap.add_argument("--postgis", metavar="URL", help="also record both rounds into a PostGIS register at URL")
    ap.add_argument("--profile", metavar="FILE", help="write a cProfile of round 1's record (GeoPackage) to FILE")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", metavar="FILE", help="also write the measurements as JSON")
    args = ap.parse_args(argv)
    scale = args.scale or SCALES["full" if args.full else "quick" if args.quick else "default"]

    import warnings

    warnings.filterwarnings("ignore")
    from redline.example import synthetic
    from redline.pipeline import run_audits
    from redline.register import Register

    t0 = time.perf_counter()
    data = synthetic(scale, seed=args.seed)
    layers = {k: data[k] for k in ("approvals", "supplies", "buildings")}
    del data
    layers2, changes = round_two(layers, args.seed)
    build_s = time.perf_counter() - t0
    counts = {k: len(v) for k, v in layers.items()}
    print(f"scale {scale:g}: {', '.join(f'{v:,} {k}' for k, v in counts.items())} (built in {build_s:.1f} s)",
          file=sys.stderr, flush=True)
    t = Timer()
    ok = True
    checks = []
    sources = {k: f"{k}.gpkg" for k in layers}  # names only: a fingerprint of a missing file is of its name
    with tempfile.TemporaryDirectory(prefix="redline-bench-register-") as tmp:
        tmp = Path(tmp)
        run1 = t.run("audit 1", run_audits, layers, audits=AUDITS, as_of=AS_OF[0], area_method="planar")
        run2 = t.run("audit 2", run_audits, layers2, audits=AUDITS, as_of=AS_OF[1], area_method="planar")
        rows = {1: finding_rows(run1), 2: finding_rows(run2)}
        t.run("plain 1", plain_snapshot, rows[1], tmp / "snapshot1.gpkg")
        t.run("plain 2", plain_snapshot, rows[2], tmp / "snapshot2.gpkg")
        targets = {"gpkg": str(tmp / "register.gpkg")}
        schema = None
        if args.postgis:
            schema = f"bench_register_{uuid.uuid4().hex[:8]}"
            targets["postgis"] = f"{args.postgis}{'&' if '?' in args.postgis else '?'}schema={schema}"
        reports = {}
        try:
            for store, target in targets.items():
                reg = Register.init(target)
                for n, run in ((1, run1), (2, run2)):
                    if n == 1 and store == "gpkg" and args.profile:
                        import cProfile

                        prof = cProfile.Profile()
                        rep = t.run(f"{store} round {n}", prof.runcall, reg.record_round, run, sources=sources)
                        prof.dump_stats(args.profile)
                    else:
                        rep = t.run(f"{store} round {n}", reg.record_round, run, sources=sources)
                    reports[(store, n)] = rep
                    held, want = open_counts(reg), finding_counts(rows[n])
                    checks.append((store, n, held, want))
                    ok &= held == want
        finally:
            if schema:
                import psycopg

                with psycopg.connect(args.postgis, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        gpkg_mb = os.path.getsize(targets["gpkg"]) / 2**20
        snap_mb = os.path.getsize(tmp / "snapshot2.gpkg") / 2**20

    import platform

    import shapely

    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, shapely {shapely.__version__} "
          f"(GEOS {shapely.geos_version_string}), seed {args.seed}; scale {scale:g}: {counts['approvals']:,} approvals, "
          f"{counts['supplies']:,} supplies, {counts['buildings']:,} buildings; round 2 as of {AS_OF[1]}: "
          + ", ".join(f"{v:,} {k}" for k, v in changes.items()) + "\n")
    head = ("| step | findings | new | persisting | resolved | reappeared | by geometry | wall s | × audit | "
            "× plain to_file | peak MB |")
    print(head)
    print("|---|" + "---:|" * (head.count("|") - 2))
    for n in (1, 2):
        audit = t.rows[f"audit {n}"]["s"]
        plain = t.rows[f"plain {n}"]["s"]
        nf = sum(finding_counts(rows[n]).values())
        print(f"| audit {n} (`run_audits`, 批而未供 + 供而未用) | {nf:,} | | | | | | {audit:.2f} | 1.00 | | "
              f"{t.rows[f'audit {n}']['peak_mb']:.0f} |")
        print(f"| plain snapshot {n} (`to_file`, GeoPackage) | {nf:,} | | | | | | {plain:.2f} | {plain / audit:.3f} | "
              f"1.00 | {t.rows[f'plain {n}']['peak_mb']:.0f} |")
        for store in targets:
            rep = reports[(store, n)]
            ev = rep.events
            ch = ev["change"].value_counts()
            geo = int(ev["matched_by"].astype(str).str.startswith("geometry").sum())
            r = t.rows[f"{store} round {n}"]
            label = "GeoPackage" if store == "gpkg" else "PostGIS"
            print(f"| register round {n} ({label}) | {nf:,} | {ch.get('new', 0):,} | {ch.get('persisting', 0):,} | "
                  f"{ch.get('resolved', 0):,} | {ch.get('reappeared', 0):,} | {geo:,} | {r['s']:.2f} | "
                  f"{r['s'] / audit:.3f} | {r['s'] / plain:.1f} | {r['peak_mb']:.0f} |")
    print()
    same = "yes" if ok else "NO: " + "; ".join(f"{s} round {n}: register {h}, findings {w}"
                                               for s, n, h, w in checks if h != w)
    print(f"open cases = findings, per output, after every round: {same}. Register file {gpkg_mb:.0f} MB after two "
          f"rounds (snapshot of round 2 alone {snap_mb:.0f} MB). × audit: the step's time over that round's audit; "
          "peak MB: rise of the memory high-water mark during the step.")
    if args.json:
        Path(args.json).write_text(json.dumps({"scale": scale, "counts": counts, "changes": changes,
                                               "steps": t.rows, "same": ok}, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
