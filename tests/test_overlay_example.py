"""Every overlay finding planted in the example county (息县) is found, and `redline audit` writes both outputs."""

from __future__ import annotations

import pytest

example = pytest.importorskip("redline.example")


@pytest.fixture(scope="module")
def run():
    from redline.pipeline import run_audits

    layers = example.generate_layers()  # the generator in memory: the shipped .gpkg is regenerated on merging
    sources = {k: layers[k] for k in ("approvals", "supplies", "buildings", "parcels", "admin")}
    result = run_audits(sources, as_of=example.EXAMPLE_AS_OF,
                        audits=["approved_not_supplied", "supply_rate", "supplied_not_used", "underused",
                                "deadline_alerts"])
    return layers["planted"], result


def _cases(planted, *findings):
    rows = planted[planted["expected_finding"].isin(findings)]
    assert len(rows), f"the example county plants no {findings}"
    return rows


def test_approved_not_supplied_findings(run):
    planted, result = run
    ans = result.outputs["approved_not_supplied"].set_index("approval_id")
    expect = {"fully_supplied": "none", "partly_supplied": "land", "not_supplied": "land", "old_unsupplied": "land",
              "unsupplied_sliver": "sliver", "overlapping_supplies": "none"}
    for _, row in _cases(planted, *expect).iterrows():
        got = ans.loc[row["feature_id"]]
        assert got["unsupplied_kind"] == expect[row["expected_finding"]], row["case"]
    partly = ans.loc[planted.set_index("case").loc["partly_supplied_60", "feature_id"]]
    assert partly["unsupplied_m2"] == pytest.approx(4000, rel=1e-3) and partly["supply_rate"] == pytest.approx(0.6)
    old = ans.loc[planted.set_index("case").loc["old_unsupplied", "feature_id"]]
    assert old["approval_age_years"] > 5
    out = result.outputs["supply_outside_approvals"]
    for _, row in _cases(planted, "supply_outside_approvals").iterrows():
        assert row["feature_id"] in set(out["supply_id"]), row["case"]
    rate = result.outputs["supply_rate"]
    assert {"year", "recent", "long"} <= set(rate["period_kind"])


def test_idle_statuses(run):
    planted, result = run
    idle = result.outputs["idle_land"].set_index("supply_id")
    cases = _cases(planted, "not_due", "start_overdue", "idle", "idle_recover", "stalled", "in_progress",
                   "completed", "exempt")
    for _, row in cases.iterrows():
        assert idle.loc[row["feature_id"], "status"] == row["expected_finding"], (row["case"], row["note"])
    assert set(cases["expected_finding"]) == {"not_due", "start_overdue", "idle", "idle_recover", "stalled",
                                              "in_progress", "completed", "exempt"}
    exact = idle.loc[planted.set_index("case").loc["status_idle_exact_year", "feature_id"]]
    assert exact["idle_fee"] == pytest.approx(120.0) and exact["idle_days"] == 365


def test_underused_findings(run):
    planted, result = run
    und = result.outputs["underused"].set_index("parcel_id")
    keys = {"underused_far": "underused.far_min", "underused_building_coefficient": "building_coefficient_min",
            "underused_investment": "investment_intensity_min"}
    for _, row in _cases(planted, *keys).iterrows():
        got = und.loc[row["feature_id"]]
        assert got["underused"] and keys[row["expected_finding"]] in got["reasons"], row["case"]
    for _, row in _cases(planted, "compliant", "storey_over_8m_counts_twice").iterrows():
        assert not und.loc[row["feature_id"], "underused"], row["case"]
    hall = und.loc[planted.set_index("case").loc["storey_over_8m", "feature_id"]]
    assert hall["far"] == pytest.approx(0.9, abs=0.01) and hall["doubled_storey_buildings"] == 1


def test_deadline_alerts(run):
    planted, result = run
    al = result.outputs["deadline_alerts"]
    levels = {"alert_warning": "upcoming", "alert_escalated": "escalated"}
    for _, row in _cases(planted, *levels).iterrows():
        assert levels[row["expected_finding"]] in set(al.loc[al["supply_id"] == row["feature_id"], "level"]), \
            row["case"]
    ten = al[(al["supply_id"] == planted.set_index("case").loc["alert_escalated_after_10_days", "feature_id"])
             & (al["obligation"] == "payment")].iloc[0]
    assert ten["level"] == "escalated" and ten["days_overdue"] == 10  # no 已逾期 tier in cn-national
    assert "overdue" not in set(al["level"])
    idle = result.outputs["idle_land"].set_index("supply_id")
    for _, row in _cases(planted, "alert_start_met_by_completion").iterrows():
        start = al[(al["supply_id"] == row["feature_id"]) & (al["obligation"] == "start")].iloc[0]
        assert start["level"] == "met" and "completed on 2024-08-01" in start["reason"], row["case"]
        assert idle.loc[row["feature_id"], "status"] == "completed"


def test_dates_written_as_a_month_are_completed_with_a_note(run):
    planted, result = run
    for _, row in _cases(planted, "date_completed_from_month").iterrows():
        al = result.outputs["deadline_alerts"]
        done = al[(al["supply_id"] == row["feature_id"]) & (al["obligation"] == "completion")].iloc[0]
        assert str(done["agreed_date"].date()) == "2028-07-31", row["case"]
        (note,) = [n for n in result.notes if "agreed_completion_date" in n and "a month only" in n]
        assert row["feature_id"] in note and "last day" in note


def test_recorded_areas_that_differ_from_the_drawing(run):
    from redline.pipeline import run_audits

    planted, _ = run
    layers = example.generate_layers()
    result = run_audits({k: layers[k] for k in ("approvals", "supplies", "farmland", "landuse")},
                        as_of=example.EXAMPLE_AS_OF, audits=["recorded_areas"])
    out = result.outputs["area_discrepancies"].set_index("feature_id")
    cases = _cases(planted, "area_discrepancy")
    assert set(out.index) == set(cases["feature_id"])  # every other recorded area matches its drawing
    got = out.loc[cases["feature_id"].iloc[0]]
    assert got["recorded_m2"] == 9000 and got["difference_m2"] == pytest.approx(2000, rel=1e-3)
    assert got["difference_ratio"] == pytest.approx(2 / 9, rel=1e-3)


@pytest.mark.slow
def test_cli_audit_writes_the_geopackage_and_the_ledger(tmp_path):
    import openpyxl
    import pyogrio
    from click.testing import CliRunner

    from redline.cli import main

    src = example.example_path()
    args = ["audit", "--out", str(tmp_path), "--as-of", example.EXAMPLE_AS_OF.isoformat()]
    for name in ("approvals", "supplies", "buildings", "parcels"):
        args += [f"--{name}", f"{src}:{name}"]
    for audit in ("approved_not_supplied", "supply_rate", "supplied_not_used", "underused", "deadline_alerts"):
        args += ["--only", audit]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    layers = {str(n) for n, _ in pyogrio.list_layers(tmp_path / "redline_results.gpkg")}
    assert {"approved_not_supplied", "supply_outside_approvals", "supply_rate", "idle_land", "underused",
            "deadline_alerts"} <= layers
    idle = pyogrio.read_dataframe(tmp_path / "redline_results.gpkg", layer="idle_land")
    assert "status" in idle.columns and idle["合同编号" if "合同编号" in idle else "supply_id"].notna().all()
    book = openpyxl.load_workbook(tmp_path / "redline_ledger.xlsx", read_only=True)
    assert {"批而未供", "闲置土地", "用而不足", "批后监管预警", "供地率"} <= set(book.sheetnames)
    headers = [c.value for c in next(book["批而未供"].iter_rows(max_row=5)) if c.value]
    text = " ".join(str(h) for h in headers)
    assert "批准文号" in text or any("批准文号" in str(c.value) for r in book["批而未供"].iter_rows(max_row=5)
                                     for c in r)
    assert "批而未供" in result.output
