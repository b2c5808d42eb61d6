"""Every code block of the README runs here, on files named as the README names them.

The README speaks to a technician with their own files (报批红线.shp, 供地.gpkg:供地红线, …). This test writes
the example county under exactly those names (shapefiles in GBK without a .cpg, as bureaus mail them), then:

- runs the ``python`` blocks in order in one namespace, in that folder; a ``text`` block right after a python
  block is the output the README promises, compared with the block's last expression;
- writes each ``toml`` block to the file named in its first comment line and loads it as a rule set;
- runs each ``redline`` command of the ``bash`` blocks (``.venv/bin/redline`` is this environment's ``redline``)
  and expects exit 0.

Commands that are not redline's are covered elsewhere and listed in ``ELSEWHERE`` with the test that runs
them; a command in a bash block that is neither run here nor listed there fails the test, so a new README
command cannot go untested.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

#: command prefixes of README bash blocks that run in other tests (or cannot run in a test), and where
ELSEWHERE = {
    "./run demo": "tests/test_example.py::test_demo_writes_results_and_ledger (redline demo); CI runs ./run test",
    "./run test": "CI runs exactly this command (.ci/run)",
    "qgis_process": "tests/test_qgis_plugin.py (qgis_process run, from the installed plugin zip)",
    "python3 scripts/install_for_qgis.py": "tests/test_qgis_plugin.py::test_the_documented_install_leaves_qgis_own"
                                           "_algorithms_working (this command, then QGIS's and redline's algorithms)",
    "export PGSERVICE": "tests/test_postgis.py (the same URLs against the real server)",
    ".venv/bin/redline audit --approvals 'postgresql": "tests/test_postgis.py (audit from and to PostGIS URLs)",
    ".venv/bin/python scripts/package_plugin.py": "tests/test_qgis_plugin.py (builds and installs the zip)",
    ".venv/bin/python -m jupyter": "the notebooks run as tests (nbmake, setup.cfg)",
    ".venv/bin/pip install": "not a redline command",
    "./run bench": "benchmarks/, run by hand (performance targets never live in unit tests)",
    ".venv/bin/python benchmarks/bench_province.py": "tests/test_bench_province.py (the whole run on a tiny province, "
                                                      "every phase reported; the timings are run by hand)",
    ".venv/bin/python benchmarks/bench_realistic.py": "tests/test_bench_realistic.py (every method's answers on one "
                                                       "small city; the timings are run by hand)",
}

# GDAL reports each Chinese field name it cuts to the DBF's 10 bytes in GBK, which pyogrio cannot decode
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def blocks(text: str) -> list[tuple[str, str]]:
    """``[(language, body), ...]`` of the fenced blocks, in order."""
    return [(m[1].strip(), m[2]) for m in re.finditer(r"^```(\w*)[^\n]*\n(.*?)^```", text, re.M | re.S)]


def commands(body: str) -> list[str]:
    """Shell commands of a bash block: continuation lines joined, comments and blanks dropped."""
    out, cur = [], ""
    for line in body.splitlines():
        stripped = line.split("  #")[0].rstrip() if not line.lstrip().startswith("#") else ""
        if stripped.endswith("\\"):
            cur += stripped[:-1] + " "
            continue
        cur += stripped
        if cur.strip():
            out.append(cur.strip())
        cur = ""
    return out


@pytest.fixture(scope="module")
def bureau_folder(tmp_path_factory):
    """The example county under the README's file names: GBK shapefiles without .cpg, a GeoPackage layer."""
    from redline.example import load_example, write_example_rasters

    d = tmp_path_factory.mktemp("bureau")
    layers = load_example()
    shp = {"报批红线.shp": "approvals", "建筑物.shp": "buildings", "宗地.shp": "parcels",
           "永久基本农田.shp": "farmland", "城镇开发边界.shp": "growth_boundary", "生态保护红线.shp": "eco_redline",
           "DLTB.shp": "landuse", "DLTB_2020.shp": "landuse_base", "乡镇.shp": "admin", "项目红线.shp": "projects"}
    for name, layer in shp.items():
        layers[layer].to_file(d / name, encoding="GBK", engine="pyogrio")
        (d / name).with_suffix(".cpg").unlink(missing_ok=True)
    layers["supplies"].to_file(d / "供地.gpkg", layer="供地红线", engine="pyogrio")
    layers["stats"].to_excel(d / "统计表.xlsx", index=False)
    before, after = write_example_rasters(d)
    for alias, src in (("2024.tif", before), ("init.tif", before), ("2026.tif", after), ("final.tif", after)):
        (d / alias).write_bytes(Path(src).read_bytes())
    return d


def _redline_argv(cmd: str) -> list[str] | None:
    argv = shlex.split(cmd)
    if argv and argv[0] in (".venv/bin/redline", "redline"):
        return argv[1:]
    return None


def test_every_bash_command_is_run_somewhere():
    for lang, body in blocks(README.read_text(encoding="utf-8")):
        if lang != "bash":
            continue
        for cmd in commands(body):
            if any(cmd.startswith(p) for p in ELSEWHERE):
                continue
            assert _redline_argv(cmd) is not None, (
                f"README command {cmd!r} is neither a redline command (run by test_readme_redline_commands) nor "
                "listed in ELSEWHERE with the test that runs it")


@pytest.mark.slow
def test_readme_python_blocks_run_and_print_what_they_say(bureau_folder, monkeypatch):
    monkeypatch.chdir(bureau_folder)
    namespace: dict = {"__name__": "__readme__"}
    found = blocks(README.read_text(encoding="utf-8"))
    ran = 0
    for k, (lang, body) in enumerate(found):
        if lang == "toml":
            first = body.splitlines()[0]
            m = re.match(r"#\s*(\S+\.toml)", first)
            assert m, f"a toml block must name its file in its first line: {first!r}"
            (bureau_folder / m[1]).write_text(body, encoding="utf-8")
            from redline.rules import load_rules

            load_rules(bureau_folder / m[1])
            continue
        if lang != "python":
            continue
        code = compile(body, f"README python block {k}", "exec")
        last = (body.rstrip().splitlines() or [""])[-1]
        exec(code, namespace)
        ran += 1
        if k + 1 < len(found) and found[k + 1][0] == "text":
            value = eval(compile(last, "last line", "eval"), namespace)
            with pd.option_context("display.width", 200, "display.max_columns", 50):
                shown = str(value)
            norm = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
            assert norm(shown) == norm(found[k + 1][1]), f"README block {k} prints\n{shown}\nnot\n{found[k + 1][1]}"
    assert ran >= 2


@pytest.mark.slow
def test_readme_redline_commands(bureau_folder):
    # the redline of the tree under test, as its console script would start it
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}
    launcher = "import sys; from redline.cli import main; sys.argv[0] = 'redline'; sys.exit(main())"
    ran = 0
    for lang, body in blocks(README.read_text(encoding="utf-8")):
        if lang != "bash":
            continue
        for cmd in commands(body):
            argv = _redline_argv(cmd)
            if argv is None or any(cmd.startswith(p) for p in ELSEWHERE):
                continue
            if "--rules" in argv:
                rules_file = argv[argv.index("--rules") + 1]
                assert (bureau_folder / rules_file).exists() or not rules_file.endswith(".toml")
            result = subprocess.run([sys.executable, "-c", launcher, *argv], cwd=bureau_folder, env=env,
                                    capture_output=True, text=True, timeout=600)
            assert result.returncode == 0, f"{cmd}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            if "--out" in argv:
                out = bureau_folder / argv[argv.index("--out") + 1]
                wrote = out.is_file() if out.suffix else out.is_dir() and any(out.iterdir())
                assert wrote, f"{cmd} wrote nothing into {out}"
            ran += 1
    assert ran >= 2
