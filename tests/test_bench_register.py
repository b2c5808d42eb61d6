"""`benchmarks/bench_register.py --quick` runs end to end: two rounds recorded, the register holding as many open
cases as each round has findings (the script exits non-zero otherwise). No timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_register.py"


def test_bench_register_quick(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--json", str(out)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "open cases = findings, per output, after every round: yes" in proc.stdout
    info = json.loads(out.read_text())
    assert info["same"] is True and info["counts"]["approvals"] == 250 and info["counts"]["supplies"] == 1000
    assert {"audit 1", "audit 2", "plain 1", "plain 2", "gpkg round 1", "gpkg round 2"} <= set(info["steps"])
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("| register round 2 (GeoPackage)")]
    cells = [c.strip() for c in lines[0].strip("|").split("|")]
    new, persisting, by_geometry = (int(c.replace(",", "")) for c in (cells[2], cells[3], cells[6]))
    assert persisting > 0 and new > 0 and by_geometry > 0  # round 2 keeps cases, adds some, renumbered ones found
