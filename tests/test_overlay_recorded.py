"""面积核对: recorded areas (批准面积, 出让面积, TBMJ) against the drawn geometry, beyond the rule set's tolerance."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from redline.area import geodesic_area
from redline.overlay.recorded import recorded_areas
from redline.result import AuditLog
from redline.rules import load_rules

CRS = "EPSG:4547"  # CGCS2000 3-degree zone, central meridian 114E
X0, Y0 = 500000.0, 3600000.0


def square(k, w=100.0, h=None):
    return box(X0 + 1000 * k, Y0, X0 + 1000 * k + w, Y0 + (w if h is None else h))


def supplies(areas, geoms=None):
    n = len(areas)
    geoms = geoms or [square(k) for k in range(n)]
    return gpd.GeoDataFrame({"合同编号": [f"C{k + 1}" for k in range(n)], "签订日期": ["2024-01-01"] * n,
                             "出让面积": areas}, geometry=geoms, crs=CRS)


def test_tolerance_is_half_a_percent_with_a_one_square_metre_floor():
    # 100 m x 100 m = 10 000 m2 drawn (planar); tolerance max(0.5 % x recorded, 1 m2)
    s = supplies([10000.0, 10040.0, 10060.0, 9900.0, 30.8],
                 [square(0), square(1), square(2), square(3), square(4, 5.0, 6.0)])
    r_log = AuditLog()
    r = recorded_areas(supplies=s, area_method="planar", log=r_log).set_index("feature_id")
    assert list(r.index) == ["C3", "C4"]  # 40 m2 of 10 040 is 0.40 %; 0.8 m2 of 30.8 is under the 1 m2 floor
    c3, c4 = r.loc["C3"], r.loc["C4"]
    assert c3["drawn_m2"] == pytest.approx(10000.0) and c3["difference_m2"] == pytest.approx(-60.0)
    assert c3["tolerance_m2"] == pytest.approx(50.3) and c3["difference_ratio"] == pytest.approx(-60 / 10060)
    assert c3["difference_mu"] == pytest.approx(-0.09) and c3["recorded_mu"] == pytest.approx(15.09)
    assert c4["difference_m2"] == pytest.approx(100.0) and c4["difference_ratio"] == pytest.approx(100 / 9900)
    assert "出让面积 10,060.00 m²" in c3["reason"] and "smaller by 60.00 m² (-0.60%)" in c3["reason"]
    assert "geometry.recorded_area_tolerance_ratio=0.005" in c3["rule"] and c3["layer_zh"] == "供地红线"
    assert r_log.fact("recorded_areas", "compared") == {"supplies": [5, 2]}
    tighter = load_rules(overrides={"geometry.recorded_area_tolerance_ratio": 0.003})
    assert set(recorded_areas(supplies=s, area_method="planar", rules=tighter)["feature_id"]) == {"C2", "C3", "C4"}


def test_a_value_in_hectares_or_mu_is_pointed_out():
    s = supplies([1.0, 15.0, 10000.0])  # 1 公顷, 15 亩, and right
    r_log = AuditLog()
    r = recorded_areas(supplies=s, area_method="planar", log=r_log).set_index("feature_id")
    assert list(r.index) == ["C1", "C2"]
    assert "looks like 公顷" in r.loc["C1", "reason"] and "looks like 亩" in r.loc["C2", "reason"]


def test_the_run_area_method_measures_the_drawn_area():
    # far from the central meridian (about 2.7 degrees east) planar Gauss area is ~0.18 % larger than the
    # ellipsoidal TBMJ; with a 0.01 % tolerance the planar run lists the patch, the ellipsoidal one does not
    g = box(770000, 3600000, 770100, 3600100)
    tbmj = float(geodesic_area([g], CRS)[0])
    assert 1e-3 < 10000 / tbmj - 1 < 3e-3
    farm = gpd.GeoDataFrame({"图斑编号": ["F1"], "TBMJ": [tbmj]}, geometry=[g], crs=CRS)
    rules = load_rules(overrides={"geometry.recorded_area_tolerance_ratio": 0.0001})
    assert recorded_areas(farmland=farm, rules=rules).empty
    planar = recorded_areas(farmland=farm, rules=rules, area_method="planar")
    assert list(planar["feature_id"]) == ["F1"] and planar["area_method"].iloc[0] == "planar"
    assert planar["drawn_m2"].iloc[0] == pytest.approx(10000.0) and planar["recorded_field_zh"].iloc[0] == "图斑面积(TBMJ)"


def test_a_layer_without_a_recorded_area_is_a_note_not_silence():
    appr = gpd.GeoDataFrame({"批准文号": ["A1"], "批准日期": ["2020-01-01"]}, geometry=[square(0)], crs=CRS)
    s = supplies([10000.0, None])
    r_log = AuditLog()
    r = recorded_areas(approvals=appr, supplies=s, area_method="planar", log=r_log)
    assert r.empty and r_log.fact("recorded_areas", "compared") == {"supplies": [1, 0]}
    notes = r_log.notes
    assert any("approvals" in n and "not compared: no 批准面积 field" in n for n in notes)
    assert any("1 feature(s) with no 出让面积 value not compared: C2" in n for n in notes)
    with pytest.raises(TypeError, match="at least one"):
        recorded_areas()


def test_the_pipeline_runs_it_when_one_layer_is_given_and_writes_the_ledger_sheet(tmp_path):
    import openpyxl

    from redline.pipeline import run_audits

    s = supplies([10000.0, 12000.0])
    lu = gpd.GeoDataFrame({"BSM": ["L1"], "DLBM": ["0601"]}, geometry=[square(5)], crs=CRS)
    res = run_audits({"supplies": s, "landuse": lu}, as_of="2026-06-30", audits=["recorded_areas"],
                     out=tmp_path)
    out = res.outputs["area_discrepancies"]
    assert list(out["feature_id"]) == ["C2"] and out["difference_m2"].iloc[0] == pytest.approx(-2000, rel=1e-3)
    assert any(line.startswith("面积不符 recorded vs drawn area: 1 of 2 features over tolerance")
               for line in res.summary)
    assert any("landuse" in n and "not compared: no 图斑面积(TBMJ) field" in n for n in res.notes)
    book = openpyxl.load_workbook(res.paths["ledger"], read_only=True)
    assert "面积不符" in book.sheetnames
    # a run without any of its layers does not run it
    supplies_only = run_audits({"supplies": s}, as_of="2026-06-30")
    assert "area_discrepancies" in supplies_only.outputs
    from redline.registry import get_spec

    assert not get_spec("recorded_areas").can_run({"buildings", "parcels"})
    assert np.isfinite(out["difference_ratio"]).all() and isinstance(out, gpd.GeoDataFrame)
    assert pd.api.types.is_float_dtype(out["recorded_m2"])


def test_without_any_of_its_layers_the_audit_says_which_it_needs():
    from redline.pipeline import run_audits

    with pytest.raises(ValueError, match="need input.*one of approvals/supplies/farmland/landuse"):
        run_audits({}, as_of="2026-06-30", audits=["recorded_areas"])
