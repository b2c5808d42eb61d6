"""The whole ``redline audit`` run on a generated province, phase by phase, with its peak memory.

What a technician runs: ``redline audit --approvals in.gpkg:approvals --supplies in.gpkg:supplies … --out DIR``
reads every layer from a GeoPackage, validates them together, runs every audit the layers allow, and writes
``redline_results.gpkg`` and the ledger ``redline_ledger.xlsx`` (``redline audit`` writes no HTML report: that is
``redline report``, so there is no report phase). The target this measures is the one for the province, synthetic
scale 1.0 (50 000 approvals, 200 000 supplies, 1 000 000 buildings, 200 000 farmland patches, 50 growth
boundaries, 6 ecological red lines): the whole run in under 30 s and 4 GB.

Usage::

    .venv/bin/python benchmarks/bench_province.py                  # scale 0.05 (./run bench)
    .venv/bin/python benchmarks/bench_province.py --full           # scale 1.0, the province the targets are for
    .venv/bin/python benchmarks/bench_province.py --scale 0.25 --json province.json
    .venv/bin/python benchmarks/bench_province.py --data my.gpkg   # a GeoPackage of your own, one layer per input

The input is :func:`redline.example.synthetic` (seeded; canonical field names; its parcels and admin units
included, as a technician would give every layer they have), written once, one layer per input named as the input
(``approvals``, ``supplies``, ``buildings``, ``parcels``, ``farmland``, ``growth_boundary``, ``eco_redline``,
``admin``), into a GeoPackage cached under ``benchmarks/out/province/`` (``--cache DIR``): its name carries the
scale, the seed and a digest of the generator, so a changed generator never reads an old file. Building it is not
timed, and happens in its own process.

The timed run is the command itself, in a fresh Python process: redline's command line is imported first (as
``redline`` does before it parses its options), then the clock starts and ``redline audit`` runs on every layer of
the GeoPackage whose name is an audit input, with its defaults (ellipsoidal areas, ``cn-national``, the Chinese
ledger) and ``--as-of 2026-06-30``, the date the synthetic case is drawn for (the command's own default is today).
The phases are the run's own timings (``RunResult.timings``: ``read``, ``validate``, ``audit <id>`` for each audit,
``gpkg``, ``ledger``); ``other`` is the wall time outside them (parsing the options, choosing the audits, resolving
the rule set, swapping the written set into the folder, printing the summary). Peak memory is the resident
high-water mark of that process (``VmHWM``), the interpreter and redline's modules included; the table also gives
the resident memory at the end of each phase and the high-water mark reached by then (so the phase that set the
peak is the first to show it). Where a helper process (a forked copy of the run) wrote the GeoPackage while the
ledger was made, ``write`` is the wall time of the two, ``gpkg`` and ``ledger`` are shown within it (not added to
the total), the helper's CPU is added to the run's, and its own pages (those it does not share with the run) to
the memory the run needs, which is what the target is judged on. Results go to a temporary folder, removed afterwards, unless ``--out DIR`` is given.

Timing noise on a shared 2-core machine is ±10-25 %; the load average before and after is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / "out" / "province"
DEFAULT_SCALE = 0.05
AS_OF = "2026-06-30"
#: the province's targets, at synthetic scale 1.0: the whole run in under 30 s and 4 GB (4 096 MB of 2^20 bytes)
TARGET_SCALE, TARGET_S, TARGET_MB = 1.0, 30.0, 4096.0


def cache_path(folder: Path, scale: float, seed: int) -> Path:
    """The cached input of one scale and seed; the name carries a digest of the generator's source."""
    digest = hashlib.sha1((ROOT / "redline" / "example" / "synthetic.py").read_bytes()).hexdigest()[:10]
    return Path(folder) / f"synthetic-scale{scale:g}-seed{int(seed)}-{digest}.gpkg"


def build(path: Path, scale: float, seed: int) -> None:
    """Write ``synthetic(scale, seed=seed)`` into the GeoPackage ``path``, one layer per input, whole or not at all."""
    from redline.example import synthetic

    layers = synthetic(scale, seed=seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f"{path.stem}.partial.gpkg")
    part.unlink(missing_ok=True)
    for name, frame in layers.items():
        frame.to_file(part, layer=name, driver="GPKG")
    part.replace(path)


def ensure_input(folder: Path, scale: float, seed: int, log=sys.stderr) -> tuple[Path, bool]:
    """The cached input GeoPackage, built first (in its own process) when it is not there; (path, built)."""
    path = cache_path(folder, scale, seed)
    if path.exists():
        print(f"input: {path} (cached)", file=log, flush=True)
        return path, False
    print(f"input: building {path} (not timed)", file=log, flush=True)
    t0 = time.perf_counter()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--build", str(path), "--scale", repr(scale),
           "--seed", str(seed)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_env())
    if proc.returncode != 0 or not path.exists():
        raise SystemExit(f"building the input failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    print(f"input: built in {time.perf_counter() - t0:.1f} s", file=log, flush=True)
    return path, True


def _env() -> dict[str, str]:
    """The child's environment: this checkout's redline first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])])
    return env


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def child(data: Path, out: Path, as_of: str, report: Path) -> None:
    """The timed run: ``redline audit`` on every input layer of ``data`` into ``out``; measurements to ``report``."""
    import resource

    import pyogrio

    import redline.cli.audit as audit_cli
    from redline import __version__
    from redline.cli import main as redline_cli
    from redline.registry import all_specs

    specs = {s.id: s for s in all_specs()}
    inputs = {i.name for s in specs.values() for i in s.inputs}
    present = [str(name) for name, _ in pyogrio.list_layers(data)]
    given = [n for n in present if n in inputs]
    counts = {n: int(pyogrio.read_info(data, layer=n)["features"]) for n in given}
    option = {p.name: p.opts[0] for p in audit_cli.command.params}
    args = ["audit"]
    for name in given:
        args += [option[name], f"{data}:{name}"]
    args += ["--as-of", as_of, "--out", str(out)]

    kept = {}
    run_audits = audit_cli.run_audits

    def keeping(*a, **k):  # the command's own call, its result kept for its timings
        kept["result"] = run_audits(*a, **k)
        return kept["result"]

    import redline.pipeline as pipeline

    memory: dict[str, dict[str, float]] = {}
    timed = pipeline._timed

    def timed_with_memory(timings, name, start):  # each phase's end: its time, and the memory then
        memory[name] = {"rss_mb": _status_kb("VmRSS") / 1024, "peak_mb": _status_kb("VmHWM") / 1024}
        return timed(timings, name, start)

    audit_cli.run_audits = keeping
    pipeline._timed = timed_with_memory
    rss_before = _status_kb("VmRSS")
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    redline_cli.main(args, prog_name="redline", standalone_mode=False)
    wall = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    # This process's own high-water mark: getrusage's ru_maxrss (of this process, or of it as the parent's child)
    # starts from the parent's resident size at the fork, which Linux carries over the exec.
    peak = _status_kb("VmHWM")
    rss_after = _status_kb("VmRSS")
    audit_cli.run_audits, pipeline._timed = run_audits, timed
    result = kept["result"]
    import shapely

    gpkg = Path(result.paths["gpkg"])
    info = {
        "command": ["redline", *args], "counts": counts, "ignored_layers": [n for n in present if n not in inputs],
        "phases": dict(result.timings), "wall_s": wall,
        # the helper that wrote the GeoPackage beside the ledger (if one did): its CPU is added to the run's, and
        # its own pages (those it does not share with the run) to the memory the run needs
        "helper": dict(result.helper),
        "cpu_s": (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        + sum(h.get("cpu_s", 0.0) for h in result.helper.values()),
        "peak_rss_mb": peak / 1024, "rss_before_mb": rss_before / 1024, "rss_after_mb": rss_after / 1024,
        "helper_mb": sum(h.get("private_mb", 0.0) for h in result.helper.values()),
        "memory": memory,
        "labels": {f"audit {s.id}": f"{s.label_zh} {s.label_en}" for s in result.specs},
        "outputs": {name: len(frame) for name, frame in result.outputs.items()}, "rejected": len(result.rejected),
        "result_layers": [str(name) for name, _ in pyogrio.list_layers(gpkg)],
        "files_mb": {kind: os.path.getsize(p) / 2**20 for kind, p in result.paths.items()},
        "versions": {"redline": __version__, "python": platform.python_version(), "shapely": shapely.__version__,
                     "geos": shapely.geos_version_string, "gdal": pyogrio.__gdal_version_string__},
    }
    report.write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")


def measure(data: Path, out: Path | None, as_of: str = AS_OF, timeout: float | None = None) -> dict:
    """Run :func:`child` in its own process and return what it measured (plus the load average around it)."""
    with tempfile.TemporaryDirectory(prefix="redline-bench-province-") as tmp:
        target = Path(out) if out is not None else Path(tmp) / "results"
        report = Path(tmp) / "measured.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(report), "--data", str(data),
               "--out", str(target), "--as-of", as_of]
        load = os.getloadavg()[0]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=timeout)
        if proc.returncode != 0 or not report.exists():
            raise SystemExit(f"the run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        res = json.loads(report.read_text(encoding="utf-8"))
    res["load_average"] = [load, os.getloadavg()[0]]
    res["other_s"] = max(res["wall_s"] - sum(s for name, s in res["phases"].items() if not within(res, name)), 0.0)
    return res


#: the phases inside ``write`` when a helper process wrote the GeoPackage while the ledger was made
WITHIN_WRITE = ("gpkg", "ledger", "report")


def within(res: dict, phase: str) -> bool:
    """Whether ``phase`` ran at the same time as another, inside the ``write`` phase (not added to the total)."""
    return "write" in res["phases"] and phase in WITHIN_WRITE


def memory_mb(res: dict) -> float:
    """The memory the run needs: this process's high-water mark, plus the pages of its helper (if any) not shared
    with it (the helper is a forked copy: the pages it only reads are the run's own)."""
    return res["peak_rss_mb"] + res.get("helper_mb", 0.0)


def targets(scale: float | None, wall_s: float, peak_mb: float) -> dict:
    """Whether the run meets the province's targets; judged only on the synthetic case at scale 1.0
    (``scale=None``: a GeoPackage of one's own)."""
    judged = scale == TARGET_SCALE
    return {"scale": TARGET_SCALE, "time_s": TARGET_S, "memory_mb": TARGET_MB, "judged": judged,
            "time_met": wall_s < TARGET_S if judged else None, "memory_met": peak_mb < TARGET_MB if judged else None}


def _n(v: float) -> str:
    return f"{v:,.0f}"


def markdown(res: dict) -> str:
    """The run as markdown: a machine line, the input and output counts, the phase table, totals and targets."""
    v, wall = res["versions"], res["wall_s"]
    where = (f"synthetic scale {res['scale']:g}, seed {res['seed']}" if res["scale"] is not None
             else "a given GeoPackage")
    lines = [f"machine: {os.cpu_count()} cores, Python {v['python']}, shapely {v['shapely']} (GEOS {v['geos']}), "
             f"GDAL {v['gdal']}, redline {v['redline']}; load average {res['load_average'][0]:.1f} before, "
             f"{res['load_average'][1]:.1f} after",
             "",
             f"input ({where}: `{res['data']}`): " + ", ".join(f"{_n(c)} {k}" for k, c in res["counts"].items())
             + (f"; not audit inputs, left out: {', '.join(res['ignored_layers'])}" if res["ignored_layers"] else ""),
             "",
             f"`redline audit` with every layer, `--as-of {res['as_of']}`, the command's defaults otherwise "
             "(ellipsoidal areas, cn-national, ledger in Chinese, no HTML report); in its own process, "
             "redline imported before the clock",
             "",
             "| phase | what | s | share of total | RSS at its end MB | peak so far MB |",
             "|---|---|---:|---:|---:|---:|"]
    rows = [*res["phases"].items(), ("other", res["other_s"])]
    what = {"read": "read the layers from the GeoPackage", "validate": "validate and prepare them together",
            "gpkg": "write redline_results.gpkg", "ledger": "write the ledger redline_ledger.xlsx",
            "write": "write the GeoPackage (a helper process) and the ledger at once",
            "register": "record the round in the case register", "report": "write the HTML report",
            "other": "outside the phases: options, choosing audits, rule set, swapping the set in, summary",
            **res["labels"]}
    for name, s in rows:
        mem = res["memory"].get(name)
        at_end = f"{_n(mem['rss_mb'])} | {_n(mem['peak_mb'])}" if mem else " | "
        label = what.get(name, "") + (" (within write)" if within(res, name) else "")
        lines.append(f"| {name} | {label} | {s:.3f} | {100 * s / wall:.1f} % | {at_end} |")
    lines.append(f"| total | wall time of the command | {wall:.3f} | 100.0 % | {_n(res['rss_after_mb'])} | "
                 f"{_n(res['peak_rss_mb'])} |")
    lines += ["",
              f"total {wall:.2f} s wall, {res['cpu_s']:.2f} s CPU (user + system, {res['cpu_s'] / wall:.2f}× wall); "
              f"peak RSS {_n(res['peak_rss_mb'])} MB (the process's high-water mark, MB of 2^20 bytes; "
              f"{_n(res['rss_before_mb'])} MB before the run: Python with redline imported)",
              ""]
    for kind, h in res.get("helper", {}).items():
        lines += [f"{kind} written by a helper process (a forked copy of the run) while the ledger was made: "
                  f"{h['seconds']:.2f} s, {h.get('cpu_s', 0.0):.2f} s CPU (in the total above); its own pages "
                  f"(not shared with the run) {_n(h.get('private_mb', 0.0))} MB at its end, its high-water mark "
                  f"{_n(h.get('peak_mb', 0.0))} MB counting the pages it shares; the run needs "
                  f"{_n(memory_mb(res))} MB in all", ""]
    lines += ["outputs (rows): " + ", ".join(f"{k} {_n(c)}" for k, c in res["outputs"].items())
              + f"; rejected features {_n(res['rejected'])}; files: "
              + ", ".join(f"{k} {mb:,.1f} MB" for k, mb in res["files_mb"].items()),
              ""]
    t = res["targets"]
    if t["judged"]:
        lines.append(f"targets at scale {t['scale']:g}: time {wall:.1f} s against {t['time_s']:g} s: "
                     f"{'met' if t['time_met'] else 'NOT met'}; memory {_n(memory_mb(res))} MB against "
                     f"{_n(t['memory_mb'])} MB: {'met' if t['memory_met'] else 'NOT met'}")
    else:
        lines.append(f"targets ({t['time_s']:g} s, {_n(t['memory_mb'])} MB) are for the synthetic case at scale "
                     f"{t['scale']:g} (`--full`); this run is {where}: not judged")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=DEFAULT_SCALE,
                    help=f"scale of redline.example.synthetic (default {DEFAULT_SCALE:g})")
    ap.add_argument("--full", action="store_true", help="scale 1.0, the province the targets are for")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, help="audit this GeoPackage (one layer per input, named as the input)")
    ap.add_argument("--cache", type=Path, default=CACHE, help="folder of the cached inputs (default benchmarks/out/province)")
    ap.add_argument("--out", type=Path, help="write the results there (default: a temporary folder, removed)")
    ap.add_argument("--as-of", default=AS_OF, help=f"the audit date (default {AS_OF}, the synthetic case's)")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write the measurements as JSON")
    ap.add_argument("--timeout", type=float, default=None, help="seconds the run may take")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.build:
        build(args.build, args.scale, args.seed)
        return 0
    if args.child:
        child(args.data, args.out, args.as_of, args.child)
        return 0
    scale = 1.0 if args.full else args.scale
    if args.data is not None:
        if not args.data.exists():
            ap.error(f"--data {args.data}: no such file")
        data, scale = args.data, None
    else:
        data, _ = ensure_input(args.cache, scale, args.seed)
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        ap.error(f"--out {args.out}: not a folder")
    res = measure(data, args.out, args.as_of, args.timeout)
    res.update(scale=scale, seed=args.seed if scale is not None else None, data=str(data), as_of=args.as_of,
               targets=targets(scale, res["wall_s"], memory_mb(res)))
    print(markdown(res))
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
