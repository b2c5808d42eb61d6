"""增减挂钩 on hand-drawn squares: each check's answer worked out on paper in the test's comment."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import box

from redline.farmland import linkage
from redline.pipeline import run_audits
from redline.result import AuditLog
from redline.rules import load_rules

CRS = "EPSG:4547"
HA = 10000.0


def sq(x, side, y=3800000.0, height=None):
    return box(x, y, x + side, y + (side if height is None else height))


def dem(rows, **recorded):
    """拆旧区: rows of (地块编号, 项目编号, geometry); project-level recorded figures as columns."""
    frame = gpd.GeoDataFrame({"地块编号": [r[0] for r in rows], "项目编号": [r[1] for r in rows]},
                             geometry=[r[2] for r in rows], crs=CRS)
    for k, v in recorded.items():
        frame[k] = v
    return frame


def new(rows, **extra):
    frame = gpd.GeoDataFrame({"地块编号": [r[0] for r in rows], "项目编号": [r[1] for r in rows],
                              "是否安置区": [r[2] for r in rows]}, geometry=[r[3] for r in rows], crs=CRS)
    for k, v in extra.items():
        frame[k] = v
    return frame


def lu(rows):
    return gpd.GeoDataFrame({"BSM": [f"L{i}" for i in range(len(rows))], "DLBM": [r[0] for r in rows]},
                            geometry=[r[1] for r in rows], crs=CRS)


def run(d, b, **kw):
    log = AuditLog()
    out = linkage(d, b, as_of=kw.pop("as_of", "2026-06-30"), area_method="planar", log=log, **kw)
    return out.set_index("project_id"), log.notes


def test_xixian_quoted_figures_do_not_reconcile():
    # 息县's summary: 建新区 395.42 公顷, 拆旧区 853.72 公顷, 节余指标 490.77 公顷. Even with every 拆旧区 m²
    # reclaimed, the surplus is 853.72 - 395.42 = 458.30 公顷: the record is 32.47 公顷 (487.05 亩) too high,
    # and higher than its own recorded 拆旧 - 建新.
    d_side, b_side = (853.72 * HA) ** 0.5, (395.42 * HA) ** 0.5
    d = dem([("C1", "XX", sq(500000, d_side))], 拆旧面积=853.72 * HA, 建新面积=395.42 * HA, 节余指标=490.77 * HA)
    b = new([("J1", "XX", "否", sq(510000, b_side))])
    later = lu([("0103", sq(500000, d_side))])
    r, _ = run(d, b, landuse_later=later)
    p = r.loc["XX"]
    assert p["surplus_m2"] / HA == pytest.approx(458.30)
    assert p["surplus_difference_m2"] / HA == pytest.approx(32.47)
    assert p["surplus_difference_mu"] == pytest.approx(32.47 * 15)
    assert p["recorded_room_m2"] / HA == pytest.approx(458.30)
    assert not p["reconciles"]
    assert set(p["status"].split("; ")) == {"surplus_over_records", "surplus_mismatch", "not_checked"}
    assert "farmland.linkage_surplus_tolerance_m2=100" in p["rule"]


def test_a_surplus_within_the_tolerance_reconciles():
    # 拆旧 100 m x 100 m = 10 000 m² reclaimed, 建新 4 000 m²: surplus 6 000 m²; recorded 6 050: 50 m² apart,
    # under the 100 m² of 0.01 公顷 rounding. With a 10 m² tolerance the same record is a finding.
    d = dem([("C1", "P", sq(500000, 100))], 节余指标=6050.0)
    b = new([("J1", "P", "是", sq(501000, 40, height=100))])
    later = lu([("0101", sq(500000, 100))])
    r, _ = run(d, b, landuse_later=later)
    assert r.loc["P", "surplus_difference_m2"] == pytest.approx(50)
    assert r.loc["P", "reconciles"] and r.loc["P", "resettlement_m2"] == pytest.approx(4000)
    r, _ = run(d, b, landuse_later=later,
               rules=load_rules(overrides={"farmland.linkage_surplus_tolerance_m2": 10.0}))
    assert not r.loc["P", "reconciles"] and "surplus_mismatch" in r.loc["P", "status"]


def test_built_not_below_demolished_and_reclaimed_short_of_farmland_taken():
    # 拆旧 50 x 50 = 2 500 m², half of it (25 x 50 = 1 250 m²) 旱地 on the later survey, the rest still 宅基地;
    # 建新 60 x 50 = 3 000 m² ≥ 2 500 on 耕地 wholly (earlier survey 0101): reclaimed 1 250 < 3 000 taken;
    # the plot is 50 % farmland < 95 %: not reclaimed.
    d = dem([("C1", "P", sq(500000, 50))])
    b = new([("J1", "P", "否", sq(501000, 60, height=50))])
    before = lu([("0101", sq(501000, 60, height=50))])
    later = lu([("0103", sq(500000, 25, height=50)), ("0702", sq(500025, 25, height=50))])
    r, _ = run(d, b, landuse=before, landuse_later=later)
    p = r.loc["P"]
    assert (p["demolished_m2"], p["built_m2"], p["cultivated_taken_m2"], p["reclaimed_m2"]) == pytest.approx(
        (2500, 3000, 3000, 1250))
    assert p["reclaimed_share"] == pytest.approx(0.5) and p["plots_not_reclaimed"] == 1
    codes = set(p["status"].split("; "))
    assert {"built_exceeds_demolished", "reclaimed_short", "not_reclaimed"} <= codes


def test_quota_deadline_recorded_or_from_the_approval_date():
    # P1 records 归还期限 2025-12-31 and no return: 181 days late on 2026-06-30. P2 records none; its 建新区
    # was approved 2022-03-01, so due 2025-03-01 (3 years), returned 2025-06-01: 92 days late.
    d = dem([("C1", "P1", sq(500000, 100)), ("C2", "P2", sq(500200, 100))],
            周转指标归还期限=["2025-12-31", None], 归还日期=[None, "2025-06-01"])
    b = new([("J1", "P1", "否", sq(501000, 10)), ("J2", "P2", "否", sq(501100, 10))],
            批准日期=["2021-05-01", "2022-03-01"])
    r, notes = run(d, b)
    assert r.loc["P1", "quota_days_late"] == 181 and "quota_overdue" in r.loc["P1", "status"]
    assert str(r.loc["P2", "quota_due_date"].date()) == "2025-03-01"
    assert r.loc["P2", "quota_days_late"] == 92 and "quota_returned_late" in r.loc["P2", "status"]
    assert any("P2 (2025-03-01)" in n and "farmland.linkage_quota_max_years" in n for n in notes)


def test_no_later_land_use_leaves_the_surplus_empty_and_says_so():
    d = dem([("C1", "P", sq(500000, 100))], 节余指标=6000.0)
    b = new([("J1", "P", "否", sq(501000, 40, height=100))])
    r, notes = run(d, b)
    p = r.loc["P"]
    assert p["reclaimed_m2"] != p["reclaimed_m2"] and p["surplus_m2"] != p["surplus_m2"]  # NaN, not 0
    assert not p["reconciles"] and "not_checked" in p["status"]
    assert any("no later land-use layer" in n for n in notes)


def test_bad_input_missing_project_ids_and_a_new_area_without_demolished_area():
    d = dem([("C1", "P", sq(500000, 100)), ("C2", None, sq(500200, 100))])
    b = new([("J1", "P", "否", sq(501000, 10)), ("J2", "Q", "否", sq(501100, 10))])
    r, notes = run(d, b, landuse_later=lu([("0101", sq(500000, 100))]))
    assert list(r.index) == ["P", "Q"]
    assert r.loc["Q", "status"].split("; ")[0] == "no_demolished" and r.loc["Q", "demolished_plots"] == 0
    assert any("have no project_id" in n and "C2" in n for n in notes)
    assert any("建新区 but no 拆旧区" in n and "Q" in n for n in notes)


def test_plots_layer_and_the_pipeline_outputs():
    d = dem([("C1", "P", sq(500000, 100))])
    b = new([("J1", "P", "否", sq(501000, 10))])
    res = run_audits({"linkage_demolished": d, "linkage_built": b,
                      "landuse_later": lu([("0102", sq(500000, 100))])}, audits=["linkage"],
                     as_of="2026-06-30", area_method="planar")
    plots = res.outputs["linkage_plots"].set_index("plot_id")
    assert plots.loc["C1", "status"] == "reclaimed" and plots.loc["C1", "reclaimed_share"] == pytest.approx(1)
    assert plots.loc["J1", "status"] == "built" and plots.loc["J1", "side_zh"] == "建新区"
    assert res.summary[0].startswith("增减挂钩 linkage: 1 projects")


def test_redline_farmland_runs_the_supplement_audits_without_the_three_line_layers(tmp_path):
    # the 占补平衡 and 增减挂钩 layers alone: no 三区三线 layer asked for, no parameter warning
    from click.testing import CliRunner

    from redline.cli import main

    side = (100 * 10000 / 15) ** 0.5  # 100 亩 taken, 80 亩 added: 20 亩 short
    gpd.GeoDataFrame({"批准文号": ["T1"], "行政区代码": ["1"], "年度": ["2025"]},
                     geometry=[sq(500000, side)], crs=CRS).to_file(tmp_path / "t.gpkg")
    gpd.GeoDataFrame({"项目编号": ["A1"], "行政区代码": ["1"], "年度": ["2025"]},
                     geometry=[sq(501000, side, height=0.8 * side)], crs=CRS).to_file(tmp_path / "a.gpkg")
    dem([("C1", "P", sq(502000, 100))], 节余指标=6000.0).to_file(tmp_path / "cj.gpkg")
    new([("J1", "P", "否", sq(503000, 40, height=100))]).to_file(tmp_path / "jx.gpkg")
    lu([("0103", sq(502000, 100))]).to_file(tmp_path / "later.gpkg")
    res = CliRunner().invoke(main, ["farmland", "--farmland-taken", str(tmp_path / "t.gpkg"), "--farmland-added",
                                    str(tmp_path / "a.gpkg"), "--linkage-demolished", str(tmp_path / "cj.gpkg"),
                                    "--linkage-built", str(tmp_path / "jx.gpkg"), "--landuse-later",
                                    str(tmp_path / "later.gpkg"), "--area", "planar", "--as-of", "2026-06-30",
                                    "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert "占补平衡 farmland balance: 1 unit-years, taken 100.0 亩, added 80.0 亩" in res.output
    assert "增减挂钩 linkage: 1 projects" in res.output
    assert "parameter(s)" not in res.output
    out = gpd.read_file(tmp_path / "o" / "redline_results.gpkg", layer="linkage")
    assert out.loc[0, "surplus_m2"] == pytest.approx(6000) and bool(out.loc[0, "reconciles"])
