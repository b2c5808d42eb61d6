"""耕地保有量 / 永久基本农田 targets and 占补平衡, by hand; the CLI and pipeline end to end; the example county."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import box

from redline.errors import SchemaError
from redline.farmland import balance, balance_by_grade, retention

CRS = "EPSG:4545"
X0, Y0 = 500000.0, 3500000.0
MU = 10000 / 15


def sq(x, y, w, h=None):
    return box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + (w if h is None else h))


@pytest.fixture
def units():
    return gpd.GeoDataFrame({"admin_code": ["A", "B"], "admin_name": ["甲乡", "乙乡"]},
                            geometry=[sq(0, 0, 1000), sq(1000, 0, 1000)], crs=CRS)


@pytest.fixture
def landuse():
    # A: 600 000 m2 cultivated (0101 + 0103); B: 300 000 m2 (0102); 1203 田坎 and 0201 are not cultivated
    return gpd.GeoDataFrame({"BSM": ["1", "2", "3", "4", "5"], "DLBM": ["0101", "0103", "1203", "0102", "0201"]},
                            geometry=[sq(0, 0, 1000, 400), sq(0, 400, 1000, 200), sq(0, 600, 1000, 100),
                                      sq(1000, 0, 1000, 300), sq(1000, 300, 1000, 300)], crs=CRS)


@pytest.fixture
def pbf():
    # A: 540 000 m2 (90 % of cultivated); B: 150 000 m2 (50 %)
    return gpd.GeoDataFrame({"farmland_id": ["F1", "F2"]},
                            geometry=[sq(0, 0, 1000, 540), sq(1000, 0, 1000, 150)], crs=CRS)


def test_retention_by_hand(units, landuse, pbf):
    targets = pd.DataFrame({"admin_code": ["A", "B"], "cultivated_target_mu": [900.0, 500.0],
                            "pbf_target_mu": [800.0, 300.0]})
    r = retention(landuse, pbf, units, targets=targets, area_method="planar").set_index("admin_code")
    assert r.loc["A", "cultivated_mu"] == pytest.approx(600_000 / MU)  # 900 亩
    assert r.loc["B", "cultivated_mu"] == pytest.approx(450.0)
    assert r.loc["A", "pbf_mu"] == pytest.approx(810.0)
    assert r.loc["B", "pbf_mu"] == pytest.approx(225.0)
    assert r.loc["A", "pbf_share"] == pytest.approx(0.9)
    assert r.loc["B", "pbf_share"] == pytest.approx(0.5)
    assert bool(r.loc["A", "cultivated_met"]) and bool(r.loc["A", "pbf_met"]) and bool(r.loc["A", "pbf_share_met"])
    assert r.loc["A", "status"] == "ok" and r.loc["A", "status_zh"] == "达标"
    assert r.loc["B", "cultivated_gap_mu"] == pytest.approx(-50.0)
    assert r.loc["B", "status"] == "cultivated_short; pbf_short; pbf_share_low"
    assert "farmland.pbf_share_min=0.8" in r.loc["B", "rule"]


def test_retention_without_targets_or_pbf(units, landuse):
    r = retention(landuse, None, units, area_method="planar")
    assert r["cultivated_mu"].tolist() == pytest.approx([900.0, 450.0])
    assert r["cultivated_met"].isna().all() and r["pbf_share"].isna().all()
    assert (r["status"] == "not_checked").all()  # nothing to check against: not "ok"


def test_targets_from_csv_with_chinese_headers(units, landuse, pbf, tmp_path):
    path = tmp_path / "targets.csv"
    pd.DataFrame({"行政区代码": ["A"], "耕地保有量": [1000], "永久基本农田保护面积": [800]}).to_csv(
        path, index=False, encoding="gb18030")
    r = retention(landuse, pbf, units, targets=str(path), area_method="planar").set_index("admin_code")
    assert r.loc["A", "cultivated_gap_mu"] == pytest.approx(-100.0)
    assert pd.isna(r.loc["B", "cultivated_target_mu"])
    with pytest.raises(SchemaError, match="admin_code"):
        retention(landuse, pbf, units, targets=pd.DataFrame({"x": [1]}))


def test_balance_quantity_and_quality_by_hand():
    taken = pd.DataFrame({"admin_code": ["A", "A", "B"], "year": [2024, 2024, 2024], "area_mu": [60.0, 40.0, 10.0],
                          "quality_grade": [4, 6, 7]})
    added = pd.DataFrame({"admin_code": ["A", "A", "B"], "year": [2024, 2024, 2024], "area_mu": [50.0, 50.0, 20.0],
                          "quality_grade": [4, 8, 6]})
    b = balance(taken, added).set_index("admin_code")
    # A: 100 亩 taken at mean grade 4.8, 100 亩 added at mean grade 6.0: quantity ok, quality worse
    assert b.loc["A", "taken_mu"] == pytest.approx(100.0) and b.loc["A", "added_mu"] == pytest.approx(100.0)
    assert bool(b.loc["A", "quantity_balanced"])
    assert b.loc["A", "taken_grade_mean"] == pytest.approx(4.8)
    assert b.loc["A", "added_grade_mean"] == pytest.approx(6.0)
    assert not b.loc["A", "quality_balanced"] and not b.loc["A", "balanced"]
    # grade by grade: taken at grade <= 6 is 100, added at grade <= 6 only 50 -> not dominated
    assert not b.loc["A", "quality_dominates"]
    # B: 10 亩 of grade 7 replaced by 20 亩 of grade 6: better
    assert b.loc["B", "net_mu"] == pytest.approx(10.0) and bool(b.loc["B", "balanced"])
    assert bool(b.loc["B", "quality_dominates"])
    assert "farmland.balance_min_ratio" in b.loc["A", "rule"]
    g = balance_by_grade(taken, added)
    a = g[g["admin_code"] == "A"].set_index("grade")
    assert a.loc[6, "cum_taken_mu"] == pytest.approx(100.0) and a.loc[6, "cum_added_mu"] == pytest.approx(50.0)


def test_balance_from_polygons_and_missing_columns():
    taken = gpd.GeoDataFrame({"admin_code": ["A"], "year": [2025], "quality_grade": [5]},
                             geometry=[sq(0, 0, 100)], crs=CRS)
    added = gpd.GeoDataFrame({"admin_code": ["A"], "year": [2025], "quality_grade": [5]},
                             geometry=[sq(500, 0, 90)], crs=CRS)
    b = balance(taken, added, area_method="planar").iloc[0]
    assert b.taken_mu == pytest.approx(15.0) and b.added_mu == pytest.approx(8100 / MU)
    assert not b.quantity_balanced and b.quality_balanced
    with pytest.raises(SchemaError, match="year"):
        balance(taken.drop(columns="year"), added)


# --- the command line and the pipeline, end to end -----------------------------------------------------------------

def test_cli_farmland_and_intensity_write_layers_and_ledger(tmp_path, units, landuse, pbf):
    from redline.cli import main

    ugb = gpd.GeoDataFrame({"BH": ["G1"]}, geometry=[sq(500, 0, 1000, 1000)], crs=CRS)
    paths = {}
    for name, g in {"pbf": pbf, "ugb": ugb, "units": units, "landuse": landuse}.items():
        paths[name] = str(tmp_path / f"{name}.gpkg")
        g.to_file(paths[name])
    runner = CliRunner()
    out = tmp_path / "out"
    res = runner.invoke(main, ["farmland", "--farmland", paths["pbf"], "--growth-boundary", paths["ugb"],
                               "--admin", paths["units"], "--landuse", paths["landuse"], "--out", str(out),
                               "--area", "planar"])
    assert res.exit_code == 0, res.output
    assert "三区三线冲突" in res.output
    import pyogrio

    layers = {name for name, _ in pyogrio.list_layers(out / "redline_results.gpkg")}
    assert {"three_line_conflicts", "conflicts_by_unit", "farmland_retention"} <= layers
    c = gpd.read_file(out / "redline_results.gpkg", layer="three_line_conflicts")
    # F1 (x 0..1000, y 0..540) x G1 (x 500..1500): 500 x 540; F2 (x 1000..2000, y 0..150): 500 x 150
    assert sorted(c["area_m2"].round(3)) == [75_000.0, 270_000.0]
    from openpyxl import load_workbook

    wb = load_workbook(out / "redline_ledger.xlsx")
    assert "三区三线冲突图斑" in wb.sheetnames
    headers = [cell.value for cell in next(wb["三区三线冲突图斑"].iter_rows(max_row=5))]
    assert headers  # the sheet exists with a header block
    out2 = tmp_path / "out2"
    res = runner.invoke(main, ["intensity", "--landuse", paths["landuse"], "--admin", paths["units"],
                               "--growth-boundary", paths["ugb"], "--out", str(out2), "--area", "planar"])
    assert res.exit_code == 0, res.output
    d = gpd.read_file(out2 / "redline_results.gpkg", layer="development_intensity")
    assert d.set_index("admin_code")["construction_m2"].tolist() == pytest.approx([0.0, 0.0])
    assert "土地开发强度" in res.output


def test_cli_reports_bad_input_with_exit_code_3(tmp_path, units):
    from redline.cli import main

    bad = gpd.GeoDataFrame({"BSM": ["1", "1"]}, geometry=[sq(0, 0, 10), sq(20, 0, 10)], crs=CRS)
    bad.to_file(tmp_path / "pbf.gpkg")
    units.to_file(tmp_path / "u.gpkg")
    res = CliRunner().invoke(main, ["farmland", "--farmland", str(tmp_path / "pbf.gpkg"), "--growth-boundary",
                                    str(tmp_path / "u.gpkg"), "--out", str(tmp_path / "o")])
    assert res.exit_code == 3
    assert "nothing was written" in res.output
    assert not (tmp_path / "o" / "redline_results.gpkg").exists()


# --- the example county: every planted conflict and intensity case is found ---------------------------------------

def _example():
    try:
        from redline.example import example_path, load_example
    except ImportError:
        return None
    if not example_path().exists():
        return None
    return load_example()


def test_example_county_findings():
    layers = _example()
    if layers is None:
        pytest.skip("the example county (redline/data/example_county.gpkg) is not built yet")
    from redline.boundaries import development_intensity
    from redline.farmland import conflicts

    planted = pd.DataFrame(layers["planted"])
    c = conflicts(layers["farmland"], layers["growth_boundary"], layers["eco_redline"], admin=layers["admin"])
    for _, case in planted[planted["expected_finding"].isin(
            ["farmland_growth", "farmland_eco", "growth_eco", "farmland_growth_sliver", "farmland_eco_sliver",
             "growth_eco_sliver"])].iterrows():
        kind = case["expected_finding"].removesuffix("_sliver")
        sliver = case["expected_finding"].endswith("_sliver")
        col = {"farmland": "farmland_id", "growth_boundary": "boundary_id", "eco_redline": "redline_id"}[case["layer"]]
        hits = c[(c["kind"] == kind) & (c[col].astype(str) == str(case["feature_id"]))]
        assert (hits["is_sliver"] == sliver).any(), (case["case"], case["note"])
    d = development_intensity(layers["landuse"], layers["admin"]).set_index("admin_code")
    for _, case in planted[planted["expected_finding"].str.startswith("intensity_")].iterrows():
        level = d.loc[str(case["feature_id"]), "level"]
        if case["expected_finding"] == "intensity_above_warning":
            assert level == "warning", case["note"]
        else:
            assert level != "warning", case["note"]
    from redline.boundaries import code_table

    lu = layers["landuse"].set_index("BSM") if "BSM" in layers["landuse"] else layers["landuse"].set_index("patch_id")
    table = code_table()
    code_col = "DLBM" if "DLBM" in lu else "land_use_code"
    cases = planted[planted["expected_finding"].isin(["construction_code", "not_construction_code"])]
    assert len(cases) >= 5
    for _, case in cases.iterrows():
        code = lu.loc[str(case["feature_id"]), code_col]
        assert table.is_construction([code]).iloc[0] == (case["expected_finding"] == "construction_code"), code
