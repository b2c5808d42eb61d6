"""The command line through click's CliRunner: help, messages in plain language, exit codes scripts trust."""

from __future__ import annotations

import geopandas as gpd
import pytest
from click.testing import CliRunner
from shapely.geometry import Polygon, box

from redline.cli import main


@pytest.fixture
def runner():
    return CliRunner()


def test_help_lists_the_jobs(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in ("audit", "check", "rules"):
        assert name in result.output


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and "redline" in result.output


def test_rules_list_and_show(runner):
    listed = runner.invoke(main, ["rules"])
    assert listed.exit_code == 0 and "cn-national@2026.1" in listed.output
    shown = runner.invoke(main, ["rules", "cn-national"])
    assert shown.exit_code == 0 and "idle.fee_rate" in shown.output and "第十四条" in shown.output


def test_unknown_rule_set_exits_5(runner):
    result = runner.invoke(main, ["rules", "nowhere"])
    assert result.exit_code == 5 and "use one of" in result.output


def test_check_reports_every_problem_and_exits_3(runner, tmp_path):
    path = tmp_path / "报批.gpkg"
    gpd.GeoDataFrame({"批准文号": ["A", "A", "B"], "批准日期": ["2019-01-01"] * 3},
                     geometry=[box(0, 0, 1, 1)] * 3, crs="EPSG:4547").to_file(path)
    result = runner.invoke(main, ["check", str(path), "--kind", "approvals"])
    assert result.exit_code == 3
    assert "occur more than once" in result.output and "(feature ids: A)" in result.output


def test_check_clean_layer_with_repairs(runner, tmp_path):
    path = tmp_path / "a.gpkg"
    bowtie = Polygon([(114.70, 32.30), (114.71, 32.31), (114.71, 32.30), (114.70, 32.31)])
    gpd.GeoDataFrame({"PZWH": ["A", "B"], "PZRQ": ["2019-01-01", "2019-01-01"]},
                     geometry=[bowtie, box(114.6, 32.3, 114.61, 32.31)], crs="EPSG:4490").to_file(path)
    result = runner.invoke(main, ["check", str(path), "--kind", "approvals"])
    assert result.exit_code == 0, result.output
    assert "2 features, 2 usable, 0 set aside" in result.output
    assert "repaired with make_valid" in result.output and "EPSG:4547" in result.output


def test_check_strict_rejects(runner, tmp_path):
    path = tmp_path / "a.gpkg"
    bowtie = Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    gpd.GeoDataFrame({"PZWH": ["A"], "PZRQ": ["2019-01-01"]}, geometry=[bowtie], crs="EPSG:4547").to_file(path)
    result = runner.invoke(main, ["check", str(path), "--kind", "approvals", "--strict"])
    assert result.exit_code == 3 and "Fix geometries" in result.output


def test_audit_without_inputs_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["audit", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "at least one input layer" in result.output


def test_audit_missing_file_exits_4(runner, tmp_path):
    result = runner.invoke(main, ["audit", "--approvals", str(tmp_path / "nope.shp"),
                                  "--supplies", str(tmp_path / "nope2.shp"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 4 and "file not found" in result.output


def test_audit_bad_date_option_exits_2(runner, tmp_path):
    path = tmp_path / "a.gpkg"
    gpd.GeoDataFrame({"PZWH": ["A"], "PZRQ": ["2019-01-01"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4547").to_file(path)
    result = runner.invoke(main, ["audit", "--approvals", str(path), "--supplies", str(path), "--as-of", "someday",
                                  "--out", str(tmp_path / "o")])
    assert result.exit_code in (2, 3), result.output


RUN = __import__("pathlib").Path(__file__).resolve().parent.parent / "run"


@pytest.mark.parametrize("args", [[], ["help"]])
def test_run_without_a_command_prints_only_the_usage(args):
    import subprocess

    done = subprocess.run(["bash", str(RUN), *args], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == "redline's entry point for people and CI."
    assert all(line.startswith(("  ./run", "      ")) for line in lines[1:]), lines  # no stray shell line
    assert any("./run demo" in line for line in lines) and not any("set -" in line for line in lines)


def test_run_with_an_unknown_command_says_so_and_exits_2():
    import subprocess

    done = subprocess.run(["bash", str(RUN), "demoo"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "unknown command 'demoo'" in done.stderr and done.stdout == ""


@pytest.mark.parametrize(("args", "passed"), [
    ([], ["--out", "redline-demo"]),
    (["--help"], ["--help"]),                      # was: --out --help, a folder called --help
    (["out1"], ["--out", "out1"]),
    (["out2", "--lang", "en"], ["--out", "out2", "--lang", "en"]),
    (["--lang", "en"], ["--out", "redline-demo", "--lang", "en"]),
    (["-o", "x"], ["-o", "x"]),
])
def test_run_demo_passes_options_to_redline_demo(args, passed):
    import subprocess

    script = RUN.read_text(encoding="utf-8")
    start = script.index("demo_args() {")
    function = script[start:script.index("\n}\n", start) + 3]
    done = subprocess.run(["bash", "-c", function + 'demo_args "$@" | tr "\\0" "\\n"', "run", *args],
                          capture_output=True, text=True, timeout=30)
    assert done.stdout.splitlines() == passed

