"""`./run bench`: every ``benchmarks/bench_*.py`` in its own process, tables collected into one report.

Each script prints markdown (a machine line and tables) on stdout; this runner writes them, in order, to
``benchmarks/out/RESULTS.md`` and echoes them. ``--full`` is passed to the scripts that have a ``--full`` option
(the province-sized cases); the others run at their default size. ``--only NAME`` runs a subset.

Usage::

    ./run bench                 # default sizes: a few minutes on 2 cores
    ./run bench --full          # the full sizes (long)
    ./run bench --only engines overlay
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "RESULTS.md"
#: arguments of scripts whose own defaults are longer than a default ``./run bench`` (default, --full)
ARGS = {"bench_realistic.py": (["--size", "1", "--repeat", "1"], ["--size", "4", "--repeat", "3"])}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="full sizes, for the scripts that have them")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="e.g. engines overlay (bench_NAME.py)")
    ap.add_argument("--timeout", type=float, default=None, help="seconds per script (default 1800, 6 h with --full)")
    args = ap.parse_args(argv)
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.only]
        if not scripts:
            ap.error(f"no benchmarks/bench_{{{','.join(args.only)}}}.py")
    timeout = args.timeout or (6 * 3600 if args.full else 1800)
    parts = [f"# redline benchmarks\n\n{dt.datetime.now():%Y-%m-%d %H:%M}, "
             f"{'full sizes' if args.full else 'default sizes'} (`./run bench{' --full' if args.full else ''}`)\n"]
    failed = 0
    for script in scripts:
        cmd = [sys.executable, str(script)]
        if script.name in ARGS:
            cmd += ARGS[script.name][1 if args.full else 0]
        elif args.full and "--full" in script.read_text(encoding="utf-8"):
            cmd.append("--full")
        print(f"== {script.name}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout=timeout, cwd=HERE.parent)
            body, rc = proc.stdout.strip(), proc.returncode
        except subprocess.TimeoutExpired as exc:
            body, rc = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or ""), "timeout"
        took = time.perf_counter() - t0
        status = "" if rc == 0 else f" — **failed ({rc})**"
        failed += rc != 0
        section = f"\n## {script.stem} ({took:,.0f} s){status}\n\n{body}\n"
        print(section, flush=True)
        parts.append(section)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(parts), encoding="utf-8")
    print(f"\nwritten to {OUT.relative_to(HERE.parent)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
