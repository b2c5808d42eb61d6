"""Every overlay finding planted in the example county (息县) is found, and `redline audit` writes both outputs."""

from __future__ import annotations

import pytest

example = pytest.importorskip("redline.example")


@pytest.fixture(scope="module")
def run():
    from redline.pipeline import run_audits

    layers = example.load_example()
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
    keys = {"underused_far": "underused.far_min", "underused_building_coefficient": "building_coefficient_min"}
    for _, row in _cases(planted, *keys).iterrows():
        got = und.loc[row["feature_id"]]
        assert got["underused"] and keys[row["expected_finding"]] in got["reasons"], row["case"]
    # cn-national has no investment floor (2023: 推荐性指标); a local rule set with one finds the planted case
    from redline.overlay import underused

    for _, row in _cases(planted, "underused_investment").iterrows():
        assert "投资强度 not judged" in und.loc[row["feature_id"], "not_judged"], row["case"]
        parcels = example.load_example("parcels")
        local = underused(parcels[parcels["宗地号"] == row["feature_id"]], rules="suzhou-example").iloc[0]
        assert "investment_intensity_min" in local["reasons"], row["case"]
    for _, row in _cases(planted, "compliant", "storey_over_8m_counts_twice").iterrows():
        assert not und.loc[row["feature_id"], "underused"], row["case"]
    low = planted.set_index("case").loc["low_efficiency", "feature_id"]
    assert und.loc[low, "underused"] and not und.loc[low, "low_efficiency"]  # the local mark is off nationally
    from redline.rules import load_rules

    on = load_rules(overrides={"underused.apply_far_low_efficiency": True})
    marked = underused(example.load_example("parcels"), example.load_example("buildings"), rules=on)
    marked = marked.set_index("parcel_id")
    assert marked.loc[low, "low_efficiency"] and "far_low_efficiency" in marked.loc[low, "reasons"]
    assert int(marked["low_efficiency"].sum()) == 1
    hall = und.loc[planted.set_index("case").loc["storey_over_8m", "feature_id"]]
    assert hall["far"] == pytest.approx(0.9, abs=0.01) and hall["doubled_storey_buildings"] == 1


def test_deadline_alerts(run):
    planted, result = run
    al = result.outputs["deadline_alerts"]
    levels = {"alert_warning": "upcoming", "alert_overdue": "overdue", "alert_escalated": "escalated"}
    for _, row in _cases(planted, *levels).iterrows():
        assert levels[row["expected_finding"]] in set(al.loc[al["supply_id"] == row["feature_id"], "level"]), \
            row["case"]


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


@pytest.fixture(scope="module")
def generated_run():
    """The generator's county in memory: the cases planted since the shipped .gpkg was last regenerated."""
    from redline.pipeline import run_audits

    layers = example.generate_layers()
    result = run_audits({k: layers[k] for k in ("parcels", "buildings")}, as_of=example.EXAMPLE_AS_OF,
                        audits=["underused"])
    return layers["planted"], result


def test_underused_judges_what_the_data_says_in_the_example(generated_run):
    planted, result = generated_run
    und = result.outputs["underused"].set_index("parcel_id")
    judgement = {"not_assessable": "not_assessable", "not_industrial": "not_industrial", "compliant": "meets",
                 "underused_far": "underused", "far_over_max": "meets"}
    for _, row in _cases(planted, *judgement).iterrows():
        assert und.loc[row["feature_id"], "judgement"] == judgement[row["expected_finding"]], row["case"]
    for _, row in _cases(planted, "far_over_max").iterrows():
        assert und.loc[row["feature_id"], "far_over_max"] and "擅自提高容积率" in und.loc[row["feature_id"], "reasons"]
    case = planted.set_index("case")["feature_id"]
    assert und.loc[case["underused_electronics_c3911"], "far_min"] == 1.0
    assert und.loc[case["underused_cement_c3011"], "far_min"] == 0.7
    assert und.loc[case["underused_yard_coefficient"], "building_coefficient"] == pytest.approx(0.35, abs=1e-3)
    assert und.loc[case["parcel_compliant"], "far"] == pytest.approx(1.2, abs=1e-3)  # the 堆场 has no floor area
    assert "1 over the contract FAR cap" in result.summary[0] and "2 not assessable, 1 not industrial" in result.summary[0]
