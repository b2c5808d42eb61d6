"""土地整治, 耕作层剥离 and 进出平衡 on hand-drawn squares: each answer worked out on paper in the comments."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import box

from redline.farmland import consolidation, exchange, topsoil_stripping
from redline.result import AuditLog
from redline.rules import load_rules

CRS = "EPSG:4547"
HA = 10000.0
MU = 10000 / 15


def lu(rows, **extra):
    """Land-use patches: rows of (code, xmin, ymin, xmax, ymax); ids L0, L1, ..."""
    frame = gpd.GeoDataFrame({"BSM": [f"L{i}" for i in range(len(rows))], "DLBM": [r[0] for r in rows]},
                             geometry=[box(*r[1:]) for r in rows], crs=CRS)
    for k, v in extra.items():
        frame[k] = v
    return frame


KW = {"as_of": "2026-06-30", "area_method": "planar"}


# -- 土地整治 --------------------------------------------------------------------------------------------------
def test_xixian_consolidation_ratio_and_a_record_not_borne_out():
    # 息县: 新增耕地 2847.31 公顷 over 22374.70 公顷 = 12.73 %. Drawn 1:100 (2.8473 ha over 22.3747 ha, 4000 万元
    # scaled to 40): a project square of 22.3747 ha, 耕地 before 10 ha, after 12 ha: 2 ha measured against
    # 2.8473 ha recorded: 8 473 m² not borne out; 40 万元 / (28 473 / 666.67 亩) = 0.9366 万元/亩.
    side = (22.3747 * HA) ** 0.5
    p = gpd.GeoDataFrame({"项目编号": ["Z1"], "建设规模": [22.3747 * HA], "新增耕地面积": [2.8473 * HA],
                          "项目总投资": [40.0]}, geometry=[box(0, 0, side, side)], crs=CRS)
    h = lambda ha: ha * HA / side  # noqa: E731  the height of a strip of ``ha`` across the square
    before = lu([("0101", 0, 0, side, h(10)), ("0301", 0, h(10), side, side)])
    after = lu([("0101", 0, 0, side, h(12)), ("0301", 0, h(12), side, side)])
    r = consolidation(p, landuse=before, landuse_later=after, **KW).iloc[0]
    assert r["new_farmland_ratio"] == pytest.approx(2847.31 / 22374.70, abs=1e-5)
    assert r["measured_new_m2"] == pytest.approx(2 * HA)
    assert r["difference_m2"] == pytest.approx(8473)
    assert r["cost_per_new_mu"] == pytest.approx(40 / (28473 / MU))
    assert (r["status"], bool(r["verified"])) == ("not_verified", False)
    assert "farmland.consolidation_tolerance_m2=100" in r["rule"]


def test_consolidation_without_the_later_land_use_is_not_checked():
    p = gpd.GeoDataFrame({"项目编号": ["Z1"], "新增耕地面积": [100.0]}, geometry=[box(0, 0, 10, 10)], crs=CRS)
    log = AuditLog()
    r = consolidation(p, landuse=lu([("0101", 0, 0, 10, 10)]), log=log, **KW).iloc[0]
    assert r["status"] == "not_checked" and r["measured_new_m2"] != r["measured_new_m2"]  # NaN
    assert r["new_farmland_ratio"] != r["new_farmland_ratio"]  # no 建设规模 recorded: empty, not 0
    assert any("both needed" in n for n in log.notes) and any("record no 建设规模" in n for n in log.notes)


# -- 耕作层剥离 ------------------------------------------------------------------------------------------------
def approvals(rows):
    return gpd.GeoDataFrame({"批准文号": [r[0] for r in rows], "批准日期": [r[1] for r in rows]},
                            geometry=[box(*r[2:]) for r in rows], crs=CRS)


def strips(rows, **extra):
    frame = gpd.GeoDataFrame({"剥离编号": [r[0] for r in rows], "批准文号": [r[1] for r in rows]},
                             geometry=[box(*r[2:]) for r in rows], crs=CRS)
    for k, v in extra.items():
        frame[k] = v
    return frame


def test_topsoil_volume_depth_and_receiving_site():
    # A1: 100 x 100, all 水田: 10 000 m² x 0.30 m = 3 000 m³ due; stripped whole at 0.30 m with a site: ok.
    # A2: 100 x 100, half 旱地 (5 000 m²): 1 500 m³ due; stripped 0.20 m over 5 000 m² = 1 000 m³: depth and
    #     volume short by 500 m³, no site. A3: 耕地 5 000 m², no record. A4 on 宅基地 only: not listed.
    # A5 approved after the audit date: left out.
    a = approvals([("A1", "2025-01-01", 0, 0, 100, 100), ("A2", "2025-02-01", 200, 0, 300, 100),
                   ("A3", "2025-03-01", 400, 0, 500, 100), ("A4", "2025-04-01", 600, 0, 700, 100),
                   ("A5", "2026-09-01", 800, 0, 900, 100)])
    land = lu([("0101", 0, 0, 100, 100), ("0103", 200, 0, 250, 100), ("0702", 250, 0, 300, 100),
               ("0102", 400, 0, 450, 100), ("0702", 600, 0, 700, 100), ("0101", 800, 0, 900, 100)])
    t = strips([("B1", "A1", 0, 0, 100, 100), ("B2", "A2", 200, 0, 250, 100), ("B9", "X9", 0, 0, 1, 1)],
               剥离厚度=[0.30, 0.20, 0.3], 存放或利用地点=["东岳镇补充耕地项目", None, None])
    log = AuditLog()
    r = topsoil_stripping(a, land, t, log=log, **KW).set_index("approval_id")
    assert list(r.index) == ["A1", "A2", "A3"]
    assert r.loc["A1", "status"] == "ok" and r.loc["A1", "volume_m3"] == pytest.approx(3000)
    assert r.loc["A2", "required_m3"] == pytest.approx(1500) and r.loc["A2", "volume_short_m3"] == pytest.approx(500)
    assert set(r.loc["A2", "status"].split("; ")) == {"volume_short", "depth_short", "no_receiving_site"}
    assert r.loc["A3", "status"] == "no_record" and r.loc["A3", "volume_short_m3"] == pytest.approx(1500)
    assert any("B9 (X9)" in n for n in log.notes) and any("after the audit date" in n for n in log.notes)
    # a local rule of 20 cm: A2's depth is enough, its 1 000 m³ meets 5 000 x 0.20
    r = topsoil_stripping(a, land, t, rules=load_rules(overrides={"farmland.topsoil_depth_min_m": 0.2}),
                          **KW).set_index("approval_id")
    assert r.loc["A2", "status"] == "no_receiving_site"


def test_a_depth_in_centimetres_in_the_metre_field_is_not_read_as_metres():
    a = approvals([("A1", "2025-01-01", 0, 0, 100, 100)])
    t = strips([("B1", "A1", 0, 0, 100, 100)], 剥离厚度=[30.0], 存放或利用地点=["x"])
    log = AuditLog()
    r = topsoil_stripping(a, lu([("0101", 0, 0, 100, 100)]), t, log=log, **KW).iloc[0]
    assert r["status"] == "not_checked" and r["depth_m"] != r["depth_m"]
    assert any("over 3 m" in n and "B1" in n for n in log.notes)


# -- 进出平衡 --------------------------------------------------------------------------------------------------
def test_exchange_by_quantity_and_grade_per_unit():
    # unit 1 (x < 1000): 100 x 100 水田 (grade 5) -> 果园: 15 亩 out; 100 x 60 林地 -> 旱地 (grade 9): 9 亩 in,
    #   6 亩 short and 4 grades worse. unit 2 (x ≥ 1000): 50 x 100 草地 -> 水田 = 7.5 亩 in, nothing out;
    #   a 10 x 10 水田 -> 林地 sliver (100 m² < 400): small, not out. 0702 -> 0101 is not 进出 (not other
    #   agricultural land).
    before = lu([("0101", 0, 0, 100, 100), ("0301", 100, 0, 160, 100), ("0404", 1000, 0, 1050, 100),
                 ("0101", 1100, 0, 1110, 10), ("0702", 1200, 0, 1300, 100)], 耕地等别=[5, None, None, 6, None])
    after = lu([("0201", 0, 0, 100, 100), ("0103", 100, 0, 160, 100), ("0101", 1000, 0, 1050, 100),
                ("0301", 1100, 0, 1110, 10), ("0101", 1200, 0, 1300, 100)], 耕地等别=[None, 9, 7, None, 7])
    admin = gpd.GeoDataFrame({"行政区代码": ["1", "2"], "名称": ["甲乡", "乙乡"]},
                             geometry=[box(-10, -10, 999, 200), box(999, -10, 2000, 200)], crs=CRS)
    t = exchange(before, after, admin=admin, **KW).set_index("admin_code")
    one, two = t.loc["1"], t.loc["2"]
    assert (one["out_mu"], one["in_mu"], one["shortfall_mu"]) == pytest.approx((15, 9, 6))
    assert one["grade_change"] == pytest.approx(4) and set(one["status"].split("; ")) == {"short", "quality_lower"}
    assert (two["out_mu"], two["in_mu"], two["small_m2"]) == pytest.approx((0, 7.5, 100))
    assert two["status"] == "balanced"


def test_exchange_patches_name_their_codes():
    before = lu([("0101", 0, 0, 100, 100)])
    after = lu([("0301", 0, 0, 100, 100)])
    from redline.pipeline import run_audits

    res = run_audits({"landuse": before, "landuse_later": after}, audits=["farmland_exchange"], **KW)
    p = res.outputs["farmland_exchange_patches"].iloc[0]
    assert (p["direction"], p["from_code"], p["to_code"], p["area_m2"]) == ("out", "0101", "0301", 10000)
    assert any("no admin layer" in n for n in res.notes)
