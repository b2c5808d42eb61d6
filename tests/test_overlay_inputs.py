"""Bad input to the overlay audits: clear errors, nothing lost, inputs never modified."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from redline.errors import SchemaError, ValidationError
from redline.overlay import (
    approved_not_supplied,
    deadline_alerts,
    supplied_not_used,
    supply_outside_approvals,
    supply_rate,
    underused,
)
from redline.result import AuditLog

CRS = "EPSG:4547"
X0, Y0 = 500000.0, 3800000.0


def approvals(n=2):
    return gpd.GeoDataFrame({"批准文号": [f"A{i}" for i in range(n)], "批准日期": ["2020-03-01"] * n},
                            geometry=[box(X0 + 200 * i, Y0, X0 + 200 * i + 100, Y0 + 100) for i in range(n)], crs=CRS)


def supplies(n=2):
    return gpd.GeoDataFrame({"合同编号": [f"S{i}" for i in range(n)], "签订日期": ["2021-01-01"] * n,
                             "约定开工日期": ["2022-01-01"] * n, "出让价款": [100.0] * n},
                            geometry=[box(X0 + 200 * i, Y0, X0 + 200 * i + 50, Y0 + 100) for i in range(n)], crs=CRS)


def test_missing_required_field_lists_it():
    a = approvals().drop(columns=["批准日期"])
    with pytest.raises(SchemaError) as err:
        approved_not_supplied(a, supplies())
    assert "approval_date" in str(err.value) and "批准日期" in str(err.value)
    s = supplies().drop(columns=["签订日期"])
    with pytest.raises(SchemaError, match="supply_date"):
        supplied_not_used(s, as_of="2026-06-30")


def test_a_layer_without_its_id_field_is_numbered_by_row_not_refused():
    s = supplies().drop(columns=["合同编号"])
    r_log = AuditLog()
    r = supplied_not_used(s, as_of="2026-06-30", log=r_log)
    assert r["supply_id"].tolist() == ["<row 1>", "<row 2>"]
    assert any("[supplies] the layer has no supply_id (合同编号) field" in n for n in r_log.notes)


def test_duplicate_ids_are_named():
    a = approvals(3)
    a["批准文号"] = ["A0", "A1", "A1"]
    with pytest.raises(ValidationError) as err:
        approved_not_supplied(a, supplies())
    assert "A1" in str(err.value) and any(p.code == "duplicate_id" for p in err.value.problems)
    s = supplies(3)
    s["合同编号"] = ["S0", "S0", "S2"]
    with pytest.raises(ValidationError, match="S0"):
        deadline_alerts(s, as_of="2026-06-30")


def test_empty_layers_give_empty_results():
    a0, s0 = approvals(0), supplies(0)
    r_log = AuditLog()
    r = approved_not_supplied(a0, s0, log=r_log)
    assert r.empty and "unsupplied_m2" in r.columns and r.crs == a0.crs
    assert supply_outside_approvals(a0, s0).empty
    assert supply_outside_approvals(a0, supplies(1))["outside_m2"].tolist() == pytest.approx([5000.0], rel=1e-3)
    rate = supply_rate(a0, s0, as_of="2026-06-30")
    assert (rate["approvals_n"] == 0).all()
    assert supplied_not_used(s0, as_of="2026-06-30").empty
    assert deadline_alerts(s0, as_of="2026-06-30").empty
    p0 = gpd.GeoDataFrame({"宗地号": []}, geometry=[], crs=CRS)
    assert underused(p0, None).empty


def test_invalid_and_empty_geometries_are_set_aside_with_their_ids():
    a = approvals(3)
    bowtie = Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)])
    a.loc[1, "geometry"] = bowtie  # repaired (make_valid), reported in the notes
    a.loc[2, "geometry"] = None    # set aside, listed in rejected
    r_log = AuditLog()
    r = approved_not_supplied(a, supplies(), log=r_log)
    assert r["approval_id"].tolist() == ["A0", "A1"]
    assert [x["feature_id"] for x in r_log.rejected] == ["A2"]
    assert any("repaired" in n for n in r_log.notes)
    assert r.loc[r.approval_id == "A1", "approved_m2"].iloc[0] == pytest.approx(5000, rel=1e-3)


def test_inputs_are_not_modified():
    a, s = approvals(), supplies()
    b = gpd.GeoDataFrame({"幢号": ["B1"], "层数": [2]}, geometry=[box(X0, Y0, X0 + 10, Y0 + 10)], crs=CRS)
    copies = [x.copy(deep=True) for x in (a, s, b)]
    approved_not_supplied(a, s)
    supply_outside_approvals(a, s)
    supply_rate(a, s)
    supplied_not_used(s, b, as_of="2026-06-30")
    underused(s, b, kind="supplies")
    deadline_alerts(s, as_of="2026-06-30")
    for before, after in zip(copies, (a, s, b), strict=True):
        pd.testing.assert_frame_equal(pd.DataFrame(before), pd.DataFrame(after))
        assert list(before.columns) == list(after.columns)


def test_geographic_input_is_measured_in_a_gauss_kruger_zone():
    a = approvals().to_crs("EPSG:4490")
    s = supplies().to_crs("EPSG:4490")
    r_log = AuditLog()
    r = approved_not_supplied(a, s, log=r_log)
    assert r_log.working_crs.startswith("EPSG:4547")
    assert r["supply_rate"].tolist() == pytest.approx([0.5, 0.5], abs=1e-6)
    assert r["approved_m2"].tolist() == pytest.approx([10000, 10000], rel=1e-4)


def test_bad_area_method_names_the_choices():
    with pytest.raises(ValueError, match="ellipsoidal, planar"):
        approved_not_supplied(approvals(), supplies(), area_method="spherical")
