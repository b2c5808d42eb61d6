"""Options and configuration that are wrong say so (issue 12): --field, --encoding, --assign-crs, --as-of, rule files.

Small layers a person can check: two approvals and one supply in EPSG:4547 (CGCS2000 3-degree zone CM 114E).
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
from click.testing import CliRunner
from shapely.geometry import box

import redline
from redline.cli import main
from redline.io import read_layer_with_info
from redline.pipeline import run_audits
from redline.schema import apply_schema

X0, Y0 = 580_000, 3_590_000  # inside 息县, in EPSG:4547


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def layers(tmp_path):
    """approvals.gpkg whose id column is called 号 (redline does not know that name), and supplies.gpkg."""
    approvals = gpd.GeoDataFrame({"号": ["A1", "A2"], "批准日期": ["2019-03-01", "2020-05-01"]},
                                 geometry=[box(X0, Y0, X0 + 100, Y0 + 100), box(X0 + 200, Y0, X0 + 300, Y0 + 100)],
                                 crs="EPSG:4547")
    supplies = gpd.GeoDataFrame({"合同编号": ["S1"], "签订日期": ["2021-01-01"]},
                                geometry=[box(X0, Y0, X0 + 100, Y0 + 50)], crs="EPSG:4547")
    approvals.to_file(tmp_path / "approvals.gpkg")
    supplies.to_file(tmp_path / "supplies.gpkg")
    return tmp_path


def audit(runner, folder, *extra):
    return runner.invoke(main, ["audit", "--approvals", str(folder / "approvals.gpkg"),
                                "--supplies", str(folder / "supplies.gpkg"), "--out", str(folder / "out"),
                                "--as-of", "2026-06-30", *extra])


def test_the_missing_field_fix_is_written_as_the_command_line_takes_it(runner, layers):
    # a missing required field stops the run with the fix in the command line's form
    undated = gpd.read_file(layers / "approvals.gpkg").rename(columns={"批准日期": "日子"})
    undated.to_file(layers / "undated.gpkg")
    failed = runner.invoke(main, ["audit", "--approvals", str(layers / "undated.gpkg"), "--supplies",
                                  str(layers / "supplies.gpkg"), "--out", str(layers / "o2"), "--as-of", "2026-06-30",
                                  "--field", "approval_id=号"])
    assert failed.exit_code == 3
    assert "--field approvals.approval_date=<your column>" in failed.output
    # a missing id field: the features are numbered by row, and the note says how to map the id instead
    result = audit(runner, layers)
    assert result.exit_code == 0 and "--field approvals.approval_id=<column>" in result.output
    # the form the note suggests works, and so does the short form (approval_id belongs to approvals only)
    assert audit(runner, layers, "--field", "approvals.approval_id=号").exit_code == 0
    short = audit(runner, layers, "--field", "approval_id=号")
    assert short.exit_code == 0, short.output
    assert "批而未供 approved not supplied: 2 of 2 approvals" in short.output and "<row 1>" not in short.output


def test_the_python_message_keeps_the_python_form():
    import pandas as pd

    with pytest.raises(redline.SchemaError) as exc:
        apply_schema(pd.DataFrame({"号": ["A1"], "批准日期": ["2019-03-01"]}), "approvals")
    assert "fields={'approval_id': '<your column>'}" in exc.value.problems[0].fix


@pytest.mark.parametrize(("option", "says"), [
    (("--field", "aprovals.approval_id=号"), "no input called 'aprovals'; did you mean 'approvals'?"),
    (("--field", "approvals.aproval_id=号"), "approvals has no field 'aproval_id'; did you mean 'approval_id'?"),
    (("--field", "foo=bar"), "no input of this command has a field 'foo'"),
    (("--field", "district=区县"), "district is a field of several inputs (approvals, supplies); say which, e.g. "
                                   "--field approvals.district=区县"),
    (("--field", "parcels.parcel_id=宗地号"), "parcels is not among the layers given (approvals, supplies)"),
    (("--encoding", "aprovals=GBK"), "no input called 'aprovals'; did you mean 'approvals'?"),
    (("--assign-crs", "aprovals=EPSG:4547"), "no input called 'aprovals'; did you mean 'approvals'?"),
    (("--assign-crs", "approvals=EPSG:99999"), "not a CRS redline knows"),
    (("--replace-crs",), "--replace-crs replaces the CRS given with --assign-crs"),
])
def test_a_wrong_per_input_option_is_a_usage_error_naming_the_nearest(runner, layers, option, says):
    result = audit(runner, layers, "--field", "approval_id=号", *option)
    assert result.exit_code == 2, result.output
    assert says in " ".join(result.output.split())


def test_check_takes_field_as_its_message_says(runner, layers):
    path = str(layers / "approvals.gpkg")
    numbered = runner.invoke(main, ["check", path, "--kind", "approvals"])
    assert numbered.exit_code == 0 and "--field approvals.approval_id=<column>" in numbered.output
    for form in ("approvals.approval_id=号", "approval_id=号"):
        result = runner.invoke(main, ["check", path, "--kind", "approvals", "--field", form])
        assert result.exit_code == 0, result.output
        assert "2 features, 2 usable, 0 set aside" in result.output and "row number" not in result.output


def _without_prj(layers):
    gdf = gpd.read_file(layers / "approvals.gpkg").rename(columns={"号": "PZWH", "批准日期": "PZRQ"})
    gdf.to_file(layers / "approvals.shp", encoding="utf-8")
    (layers / "approvals.prj").unlink()
    return layers / "approvals.shp"


def test_a_layer_without_crs_is_given_one_on_the_command_line(runner, layers):
    shp = str(_without_prj(layers))
    base = ["audit", "--approvals", shp, "--supplies", str(layers / "supplies.gpkg"), "--out", str(layers / "o"),
            "--as-of", "2026-06-30"]
    failed = runner.invoke(main, base)
    assert failed.exit_code == 3 and "--assign-crs approvals=EPSG:4547" in failed.output
    assert "set_crs" in failed.output  # and the Python way
    result = runner.invoke(main, [*base, "--assign-crs", "approvals=EPSG:4547", "-v"])
    assert result.exit_code == 0, result.output
    assert "CRS assigned by the user: EPSG:4547" in result.output
    checked = runner.invoke(main, ["check", shp, "--kind", "approvals", "--assign-crs", "EPSG:4547"])
    assert checked.exit_code == 0 and "CRS assigned: EPSG:4547" in checked.output


def test_assigning_a_different_crs_to_a_declared_one_needs_replace_crs(runner, layers):
    result = audit(runner, layers, "--field", "approval_id=号", "--assign-crs", "approvals=EPSG:4546")
    assert result.exit_code == 3
    assert "declares EPSG:4547" in result.output and "--replace-crs" in result.output
    # the user says the .prj is wrong: the coordinates are kept and named EPSG:4546 (CM 111E) instead
    replaced = audit(runner, layers, "--field", "approval_id=号", "--assign-crs", "approvals=EPSG:4546",
                     "--replace-crs", "-v")
    assert replaced.exit_code == 0, replaced.output
    assert "replacing the declared EPSG:4547" in replaced.output and "different CRSs" in replaced.output


def test_read_layer_replace_crs(layers):
    gdf, info = read_layer_with_info(layers / "supplies.gpkg", crs="EPSG:4546", replace_crs=True)
    assert gdf.crs.to_epsg() == 4546 and gdf.total_bounds[0] == X0  # named, not reprojected
    assert "replacing the declared EPSG:4547" in info.crs_assigned


def test_an_audit_date_after_today_is_a_warning_kept_in_the_notes(runner, layers):
    future = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    result = runner.invoke(main, ["audit", "--approvals", str(layers / "approvals.gpkg"), "--supplies",
                                  str(layers / "supplies.gpkg"), "--out", str(layers / "out"), "--as-of", future,
                                  "--field", "approval_id=号"])
    assert result.exit_code == 0, result.output
    assert f"the audit date {future} is after today" in result.stderr
    run = run_audits({"approvals": str(layers / "approvals.gpkg"), "supplies": str(layers / "supplies.gpkg")},
                     as_of=future, fields={"approvals": {"approval_id": "号"}})
    assert any(n.startswith(f"the audit date {future} is after today") for n in run.notes)
    assert not any("audit date" in n for n in run_audits(
        {"approvals": str(layers / "approvals.gpkg"), "supplies": str(layers / "supplies.gpkg")},
        as_of="2026-06-30", fields={"approvals": {"approval_id": "号"}}).notes)


def test_an_audit_date_before_every_date_in_the_data_is_a_warning(runner, layers):
    result = audit(runner, layers, "--field", "approval_id=号", "--as-of", "2018-12-31")
    assert result.exit_code == 0, result.output
    assert ("the audit date 2018-12-31 is before every date in the data (the earliest: 批准日期 2019-03-01 in "
            "approvals)") in result.stderr
    assert "is before every date" not in audit(runner, layers, "--field", "approval_id=号",
                                               "--as-of", "2019-03-01").stderr


def test_a_rule_file_with_a_typo_stops_the_audit_with_exit_5(runner, layers):
    rules = layers / "xixian.toml"
    rules.write_text('[ruleset]\nname = "xixian"\nextends = "cn-national"\n\n[alerts]\nwarn_day_before = 15\n',
                     encoding="utf-8")
    result = audit(runner, layers, "--field", "approval_id=号", "--rules", str(rules))
    assert result.exit_code == 5
    assert f"[{rules}, line 6]" in result.output and "did you mean 'alerts.warn_days_before'?" in result.output


def test_exit_codes_are_in_the_help(runner):
    from redline.errors import EXIT_CODES

    for command in ("audit", "check"):
        text = runner.invoke(main, [command, "--help"]).output
        assert "Exit codes:" in text
        for code, meaning in EXIT_CODES.items():
            assert f"{code:>3}  {meaning}" in text, (command, code)


def test_check_counts_what_the_audits_cannot_judge(runner, tmp_path):
    # Three supplies, no 约定开工日期 and no 出让价款 columns; S2 has started, S3 has an agreed completion date.
    supplies = gpd.GeoDataFrame(
        {"合同编号": ["S1", "S2", "S3"], "签订日期": ["2021-01-01"] * 3,
         "实际开工日期": [None, "2022-01-01", None], "约定竣工日期": [None, None, "2024-01-01"]},
        geometry=[box(X0 + 100 * i, Y0, X0 + 100 * i + 50, Y0 + 50) for i in range(3)], crs="EPSG:4547")
    supplies.to_file(tmp_path / "s.gpkg")
    result = runner.invoke(main, ["check", str(tmp_path / "s.gpkg"), "--kind", "supplies"])
    assert result.exit_code == 0, result.output
    assert "3 features, 3 usable, 0 set aside" in result.output
    lines = [" ".join(line.split()) for line in result.output.splitlines()]
    assert ("供而未用(闲置土地) supplied_not_used: 2 of 3 without 约定开工日期 (agreed_start_date, no such column) and "
            "no 实际开工日期 or 实际竣工日期: not judged") in "\n".join(lines)
    assert "supplied_not_used: 3 of 3 without 出让价款(万元) (price_wan, no such column): no idle fee" in "\n".join(lines)
    # S1 and S2 have no agreed date at all; S3's completion date is the only thing to check
    assert "deadline_alerts: 2 of 3 without 约定交地日期 (agreed_handover_date, no such column) and" in "\n".join(lines)
    assert "deadline_alerts: 2 of 3 without 约定竣工日期 (agreed_completion_date): no 竣工 (completion) alert" \
        in "\n".join(lines)


def test_python_per_input_options_for_no_input_of_the_run_are_noted(layers, caplog):
    run = run_audits({"approvals": str(layers / "approvals.gpkg"), "supplies": str(layers / "supplies.gpkg")},
                     as_of="2026-06-30", fields={"approvals": {"approval_id": "号"}, "aprovals": {"x": "y"}},
                     encodings={"parcels": "GBK"})
    assert ("fields given for aprovals, which this run does not read: ignored (its inputs: approvals, supplies)"
            in run.notes)
    assert any(n.startswith("encodings given for parcels") for n in run.notes)
    assert "aprovals" in caplog.text  # and logged as a warning


def test_farmland_takes_field_as_its_message_says(runner, tmp_path):
    gpd.GeoDataFrame({"编号": ["F1"]}, geometry=[box(X0, Y0, X0 + 100, Y0 + 100)], crs="EPSG:4547").to_file(
        tmp_path / "pbf.gpkg")
    gpd.GeoDataFrame({"BSM": ["G1"]}, geometry=[box(X0 + 50, Y0, X0 + 150, Y0 + 100)], crs="EPSG:4547").to_file(
        tmp_path / "kfbj.gpkg")
    base = ["farmland", "--farmland", str(tmp_path / "pbf.gpkg"), "--growth-boundary", str(tmp_path / "kfbj.gpkg"),
            "--out", str(tmp_path / "o"), "--as-of", "2026-06-30"]
    numbered = runner.invoke(main, base)
    assert numbered.exit_code == 0 and "--field farmland.farmland_id=<column>" in numbered.output
    result = runner.invoke(main, [*base, "--field", "farmland.farmland_id=编号"])
    assert result.exit_code == 0, result.output
    assert "row number" not in result.output


def test_report_from_an_earlier_run_refuses_options_of_a_new_run(runner, tmp_path):
    result = runner.invoke(main, ["report", "--from", str(tmp_path), "--field", "approval_id=号"])
    assert result.exit_code == 2 and "--field apply to a new run, not to --from" in result.output
