"""Tables that silently mismatched (issue 12): admin codes as floats, farmland outside every unit, targets for
units not in the layer, target units in headers, and 占补平衡 records without area, with two spellings of a year,
negative areas or grades outside 1-15. Every case is small enough to check on paper."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from redline.errors import GeometryError, SchemaError
from redline.farmland import balance, balance_by_grade, retention
from redline.result import AuditLog

CRS = "EPSG:4545"
X0, Y0 = 500000.0, 3500000.0
MU = 10000 / 15


def sq(x, y, w, h=None):
    return box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + (w if h is None else h))


@pytest.fixture
def units():
    # two townships of 1 km2; the codes come from a float column, as after an Excel round trip
    return gpd.GeoDataFrame({"XZQDM": [411528001.0, 411528002.0], "XZQMC": ["城关镇", "项店镇"]},
                            geometry=[sq(0, 0, 1000), sq(1000, 0, 1000)], crs=CRS)


@pytest.fixture
def landuse():
    # 城关镇 600 000 m2 = 900 亩 cultivated; 项店镇 300 000 m2 = 450 亩
    return gpd.GeoDataFrame({"BSM": ["1", "2", "3"], "DLBM": ["0101", "0102", "0701"]},
                            geometry=[sq(0, 0, 1000, 600), sq(1000, 0, 1000, 300), sq(1000, 300, 1000, 700)],
                            crs=CRS)


def test_float_admin_codes_match_text_targets(units, landuse):
    targets = pd.DataFrame({"行政区代码": ["411528001", "４１１５２８００２"], "耕地保有量": [1000, 400]})
    r_log = AuditLog()
    r = retention(landuse, None, units, targets=targets, area_method="planar", log=r_log).set_index("admin_code")
    assert list(r.index) == ["411528001", "411528002"]
    # 900 亩 against 1000: short by 100 (the old code matched no target and printed 达标 / not checked)
    assert r.loc["411528001", "cultivated_gap_mu"] == pytest.approx(-100.0)
    assert r.loc["411528001", "status"] == "cultivated_short"
    assert r.loc["411528002", "status"] == "ok"
    notes = " ".join(r_log.notes)
    assert "'411528001.0' -> 411528001" in notes and "'４１１５２８００２' -> 411528002" in notes


def test_targets_for_units_not_in_the_layer_and_units_without_targets(units, landuse):
    targets = pd.DataFrame({"admin_code": ["411528001", "411528999"], "cultivated_target_mu": [800, 50]})
    r_log = AuditLog()
    r = retention(landuse, None, units, targets=targets, area_method="planar", log=r_log).set_index("admin_code")
    notes = " ".join(r_log.notes)
    assert "1 target row(s) name no unit of the admin layer and are not used: 411528999" in notes
    assert "1 unit(s) have no target row" in notes
    assert r.loc["411528001", "status"] == "ok"
    assert r.loc["411528002", "status"] == "no_target"  # not 达标: nothing was checked against a target
    assert r.loc["411528002", "status_zh"] == "保护目标表中无此单位"


def test_farmland_outside_every_unit_is_reported(units, landuse):
    # PBF: F1 inside 城关镇 (300 000 m2); F2 straddles the county edge at x = 2000: 100 x 200 = 20 000 m2 outside;
    # F3 wholly outside (10 000 m2)
    pbf = gpd.GeoDataFrame({"farmland_id": ["F1", "F2", "F3"]},
                           geometry=[sq(0, 0, 1000, 300), sq(1900, 0, 200, 200), sq(3000, 0, 100)], crs=CRS)
    lu = pd.concat([landuse, gpd.GeoDataFrame({"BSM": ["9"], "DLBM": ["0103"]}, geometry=[sq(-50, 700, 100, 100)],
                                              crs=CRS)], ignore_index=True)  # 5 000 m2 cultivated outside
    r_log = AuditLog()
    r = retention(lu, pbf, units, area_method="planar", log=r_log)
    notes = r_log.notes
    farm = next(n for n in notes if n.startswith("[farmland]") and "outside every" in n)
    assert "2 permanent basic farmland" in farm and "30,000.0 m2 (45.00 亩)" in farm and "F2, F3" in farm
    land = next(n for n in notes if n.startswith("[landuse]") and "outside every" in n)
    assert "5,000.0 m2 (7.50 亩)" in land and ": 9 " in land
    out = {o["feature_id"]: o["outside_m2"] for o in r_log.fact("farmland_retention", "outside")}
    assert out == pytest.approx({"9": 5000.0, "F2": 20000.0, "F3": 10000.0})
    assert r.set_index("admin_code").loc["411528002", "pbf_m2"] == pytest.approx(20_000.0)


def test_overlapping_farmland_patches_stop_retention(units, landuse):
    pbf = gpd.GeoDataFrame({"farmland_id": ["F1", "F1-copy"]}, geometry=[sq(0, 0, 1000, 300)] * 2, crs=CRS)
    with pytest.raises(GeometryError, match=r"F1 x F1-copy \(300,000.0 m2\)"):
        retention(landuse, pbf, units, area_method="planar")


def test_target_units_in_headers_are_converted(units, landuse, tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"行政区代码": ["411528001"], "耕地保有量（公顷）": ["60"], "永久基本农田保护面积(万亩)": ["0.05"]}).to_csv(
        path, index=False, encoding="gb18030")
    r_log = AuditLog()
    r = retention(landuse, None, units, targets=str(path), area_method="planar", log=r_log).set_index("admin_code")
    assert r.loc["411528001", "cultivated_target_mu"] == pytest.approx(900.0)  # 60 公顷 x 15
    assert r.loc["411528001", "pbf_target_mu"] == pytest.approx(500.0)
    assert any("converted to 亩 (x 15)" in n for n in r_log.notes)
    bad = pd.DataFrame({"行政区代码": ["411528001"], "耕地保有量(亩)": [1], "永久基本农田保护面积(万公顷)": [1]})
    with pytest.raises(SchemaError, match="unit not understood"):
        retention(landuse, None, units, targets=bad)


def test_unreadable_targets_are_errors_naming_the_row(units, landuse):
    bad = pd.DataFrame({"admin_code": ["411528001", "411528002", "411528002.0"],
                        "cultivated_target_mu": ["1,000", "约900", "-5"]})
    with pytest.raises(SchemaError) as err:
        retention(landuse, None, units, targets=bad)
    text = str(err.value)
    assert "listed twice" in text
    assert "not a number in row(s) 2 (411528002: '约900')" in text
    assert "negative in row(s) 3" in text


# --- 占补平衡 -------------------------------------------------------------------------------------------------------

def test_balance_years_2024_and_2024_0_are_one_group():
    taken = pd.DataFrame({"admin_code": ["411528"], "year": ["2024"], "area_mu": [100.0], "quality_grade": [5]})
    added = pd.DataFrame({"admin_code": [411528.0], "year": [2024.0], "area_mu": [100.0], "quality_grade": [5]})
    b = balance(taken, added)
    assert len(b) == 1  # the old code made two groups: 100 taken, nothing added / nothing taken, 100 added
    assert b.iloc[0][["admin_code", "year"]].tolist() == ["411528", "2024"]
    assert bool(b.iloc[0]["balanced"])


def test_balance_record_without_area_is_reported():
    taken = pd.DataFrame({"项目编号": ["T1", "T2"], "admin_code": ["1", "1"], "year": [2024, 2024],
                          "area_mu": [100.0, None], "quality_grade": [5, 5]})
    added = pd.DataFrame({"admin_code": ["1"], "year": [2024], "area_mu": [100.0], "quality_grade": [5]})
    with pytest.raises(SchemaError, match=r"\[taken\] no area .* row 2 \(T2\)"):
        balance(taken, added)


def test_balance_rejects_negative_areas_and_grades_outside_1_to_15_all_at_once():
    taken = pd.DataFrame({"project_id": ["T1", "T2"], "admin_code": ["1", "1"], "year": [2024, 2024],
                          "area_m2": [-5.0, 100.0], "quality_grade": [5, 16]})
    added = pd.DataFrame({"admin_code": ["1", "1"], "year": [2024, 2024], "area_m2": [10.0, 20.0],
                          "quality_grade": ["0", "五等"]})
    with pytest.raises(SchemaError) as err:
        balance(taken, added)
    text = str(err.value)
    assert "[taken] area_m2 is negative in row(s) 1 (T1: -5.0)" in text
    assert "[taken] quality_grade outside 1-15 in row 2 (T2: 16)" in text
    assert "[added] quality_grade outside 1-15 in row 1 (row 1: '0')" in text  # a grade read as text
    assert "[added] quality_grade is not a number in row 2 (row 2: '五等')" in text
    with pytest.raises(SchemaError, match="outside 1-15"):
        balance_by_grade(taken.assign(area_m2=[5.0, 100.0]), added.assign(quality_grade=[5, 5]))


def test_balance_area_mu_fills_a_missing_area_m2():
    # area_m2 empty in one row, area_mu given: 15 亩 = 10 000 m2 is used, not dropped
    taken = pd.DataFrame({"admin_code": ["1", "1"], "year": [2024, 2024], "area_m2": [MU * 10, None],
                          "area_mu": [10.0, 15.0]})
    added = pd.DataFrame({"admin_code": ["1"], "year": [2024], "area_mu": [25.0]})
    b = balance(taken, added).iloc[0]
    assert b.taken_mu == pytest.approx(25.0) and bool(b.quantity_balanced)


def test_balance_year_written_with_nian_is_the_same_year():
    taken = pd.DataFrame({"admin_code": ["1"], "year": ["2024年"], "area_mu": [10.0]})
    added = pd.DataFrame({"admin_code": ["1"], "year": ["2024年度"], "area_mu": [10.0]})
    assert balance(taken, added)["year"].tolist() == ["2024"]


def test_targets_from_excel_with_numeric_codes(units, landuse, tmp_path):
    path = tmp_path / "targets.xlsx"
    pd.DataFrame({"行政区代码": [411528001, 411528002], "耕地保有量(亩)": [950, 400.5]}).to_excel(path, index=False)
    r_log = AuditLog()
    r = retention(landuse, None, units, targets=str(path), area_method="planar", log=r_log).set_index("admin_code")
    assert r["cultivated_target_mu"].tolist() == [950.0, 400.5]
    assert r["status"].tolist() == ["cultivated_short", "ok"]


def test_retention_notes_reach_the_run(units, landuse):
    from redline.pipeline import run_audits

    targets = pd.DataFrame({"admin_code": ["411528001", "411528777"], "cultivated_target_mu": [800, 1]})
    res = run_audits({"landuse": landuse, "admin": units}, audits=["farmland_retention"],
                     params={"targets": targets}, area_method="planar")
    notes = " ".join(res.notes)
    assert "411528777" in notes and "normalised" in notes
    r = res.outputs["farmland_retention"].set_index("admin_code")
    assert r.loc["411528001", "status"] == "ok" and r.loc["411528002", "status"] == "no_target"
    assert any("1 unit(s) not in the targets table" in line for line in res.summary)
