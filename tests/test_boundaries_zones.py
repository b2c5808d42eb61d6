"""开发区土地集约利用评价 (zone_indicators): paper cases per indicator, the example county, invariants, bad input.

The paper case: zone Z1 = the square x 0..100, y 0..100 m (10 000 m², offsets from (500000, 3800000)).
- approval A1 = x 0..80 (8 000 m²), dated 2019; supply S1 = x 0..60 (6 000 m², 工业用地, signed 2024-01-01,
  start 2024-06-01, not started: idle one full year on 2026-06-30); supply S2 = x 60..70 (1 000 m², 商服用地,
  2018, outside the 3- and 5-year windows, no agreed start: not judged idle);
- land use: x 0..50 0601 (工业用地, 5 000 m²), x 50..70 05H1 (商服, 2 000 m²), x 70..100 0103 (旱地);
- building B1 = x 10..40, y 10..30 (600 m²), 2 storeys, on 0601; building B2 = x 55..65, y 0..10 (100 m²), 1 storey;
  both built in 2015, before the supplies (old construction, not a start of S1);
- parcel P1 = S1's land, 工业用地, 固定资产投资 1 200 万元, 税收 90 万元.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from redline.boundaries import zone_indicators
from redline.errors import RedlineError
from redline.units import M2_PER_MU

CRS = "EPSG:4547"
X0, Y0 = 500000.0, 3800000.0
AS_OF = "2026-06-30"


def b(x0, y0, x1, y1):
    return box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def zones(*geoms, ids=None, **cols):
    ids = ids or [f"Z{k + 1}" for k in range(len(geoms))]
    return gpd.GeoDataFrame({"开发区代码": ids, **cols}, geometry=list(geoms), crs=CRS)


def layers():
    approvals = gpd.GeoDataFrame({"批准文号": ["A1"], "批准日期": ["2019-03-01"]}, geometry=[b(0, 0, 80, 100)], crs=CRS)
    supplies = gpd.GeoDataFrame({"合同编号": ["S1", "S2"], "签订日期": ["2024-01-01", "2018-05-01"],
                                 "土地用途": ["工业用地", "商服用地"], "约定开工日期": ["2024-06-01", None]},
                                geometry=[b(0, 0, 60, 100), b(60, 0, 70, 100)], crs=CRS)
    landuse = gpd.GeoDataFrame({"BSM": ["1", "2", "3"], "DLBM": ["0601", "05H1", "0103"]},
                               geometry=[b(0, 0, 50, 100), b(50, 0, 70, 100), b(70, 0, 100, 100)], crs=CRS)
    buildings = gpd.GeoDataFrame({"幢号": ["B1", "B2"], "层数": [2, 1], "建成日期": ["2015-01-01", "2015-01-01"]},
                                 geometry=[b(10, 10, 40, 30), b(55, 0, 65, 10)], crs=CRS)
    parcels = gpd.GeoDataFrame({"宗地号": ["P1"], "土地用途": ["工业用地"], "固定资产投资": [1200.0], "年税收": [90.0]},
                               geometry=[b(0, 0, 60, 100)], crs=CRS)
    return dict(approvals=approvals, supplies=supplies, landuse=landuse, buildings=buildings, parcels=parcels)


def run(z=None, rules=None, **kw):
    args = layers()
    args.update(kw)
    return zone_indicators(z if z is not None else zones(b(0, 0, 100, 100), 规划建设用地面积=[2.0]),
                           as_of=AS_OF, rules=rules, area_method="planar", **args)



def test_development_rate_is_read_against_buildable_land():
    """土地开发率 = ready ÷ 可开发建设土地: the zone less its rivers and lakes. With x 90..100 a river (1101, 1 000 m²)
    instead of 旱地, the 8 000 m² ready are 8/9 of the 9 000 m² that can be built on; 坑塘 (1104) is not deducted."""
    lu = gpd.GeoDataFrame({"BSM": ["1", "2", "3", "4", "5"], "DLBM": ["0601", "05H1", "0103", "1104", "1101"]},
                          geometry=[b(0, 0, 50, 100), b(50, 0, 70, 100), b(70, 0, 80, 100), b(80, 0, 90, 100),
                                    b(90, 0, 100, 100)], crs=CRS)
    r = run(landuse=lu).iloc[0]
    assert r["unbuildable_m2"] == pytest.approx(1000) and r["buildable_m2"] == pytest.approx(9000)
    assert r["development_rate"] == pytest.approx(8000 / 9000)
    assert "可开发建设土地" in r["rule"] and "1101" in r["rule"]


def test_development_rate_without_land_use_says_nothing_was_deducted():
    """Without a land-use layer the rivers cannot be known: the rate is read against the whole zone, and a note
    says so (never a silent choice)."""
    from redline.result import AuditLog

    log = AuditLog()
    args = layers()
    del args["landuse"]
    r = zone_indicators(zones(b(0, 0, 100, 100)), as_of=AS_OF, area_method="planar", log=log, **args).iloc[0]
    assert r["development_rate"] == pytest.approx(0.8)
    assert np.isnan(r["unbuildable_m2"]) and r["buildable_m2"] == pytest.approx(10_000)
    assert any("不可建设土地" in t and "not deducted" in t for t in log.notes)


def test_national_2019_development_and_supply_rates_reproduced():
    """The ministry's 2019 figures for the national development zones (as reported): 可开发建设土地 48.38 万公顷 after
    deducting rivers, lakes and mountains, 43.28 ready for supply: 土地开发率 89.46 %; 40.12 supplied: 土地供应率
    92.68 % (the published 万公顷 are rounded to 0.01, so the rate is met within that rounding: 40.12 ÷ 43.28 is
    92.70 %). A strip 100 m tall, 1 万公顷 drawn as 100 m of length: zone 0..5000 with a river on 4838..5000."""
    z = zones(b(0, 0, 5000, 100))
    lu = gpd.GeoDataFrame({"BSM": ["1", "2"], "DLBM": ["0601", "1101"]},
                          geometry=[b(0, 0, 4838, 100), b(4838, 0, 5000, 100)], crs=CRS)
    approvals = gpd.GeoDataFrame({"批准文号": ["A1"], "批准日期": ["2019-03-01"]}, geometry=[b(0, 0, 4328, 100)], crs=CRS)
    supplies = gpd.GeoDataFrame({"合同编号": ["S1"], "签订日期": ["2019-05-01"], "土地用途": ["工业用地"]},
                                geometry=[b(0, 0, 4012, 100)], crs=CRS)
    r = zone_indicators(z, approvals=approvals, supplies=supplies, landuse=lu, as_of=AS_OF,
                        area_method="planar").iloc[0]
    assert r["buildable_m2"] == pytest.approx(483_800)
    assert round(r["development_rate"] * 100, 2) == 89.46
    rounding = 0.005 / 43.28 + 0.005 * 40.12 / 43.28**2  # the published figures' own rounding, as a rate
    assert abs(r["supply_rate"] - 0.9268) <= rounding + 0.00005


def test_development_supply_and_unsupplied_rates():
    """ready = A1 ∪ S1 ∪ S2 = x 0..80 = 8 000 m²: 土地开发率 0.8; supplied x 0..70 = 7 000: 供应率 7/8;
    批而未供 = A1 − supplies = x 70..80 = 1 000 m² of 8 000: 0.125."""
    r = run().iloc[0]
    assert r["ready_m2"] == pytest.approx(8000) and r["development_rate"] == pytest.approx(0.8)
    assert r["supply_rate"] == pytest.approx(7000 / 8000)
    assert r["unsupplied_m2"] == pytest.approx(1000) and r["unsupplied_rate"] == pytest.approx(0.125)
    assert r["unsupplied_mu"] == pytest.approx(1000 / M2_PER_MU)


def test_built_rate_and_industrial_share():
    """construction land = 0601 + 05H1 = 7 000 m² (0103 is not); supplied ∩ construction = x 0..70 = 7 000 of
    7 000 supplied: 建成率 1.0; 工矿仓储 = 0601 = 5 000 of 7 000: 工业用地率 5/7."""
    r = run().iloc[0]
    assert r["construction_m2"] == pytest.approx(7000)
    assert r["built_rate"] == pytest.approx(1.0)
    assert r["industrial_share"] == pytest.approx(5 / 7)


def test_plot_ratios_density_and_uplift():
    """floor area = 600 × 2 + 100 × 1 = 1 300 m² over 7 000 m² construction land: 综合容积率 1300/7000;
    on 0601: B1 only (B2 lies on 05H1), 1 200 m² over 5 000: 工业用地综合容积率 0.24; 建筑密度 700/7000 = 0.1;
    uplift to the target 1.0: (1.0 − 0.24) × 5 000 = 3 800 m² of floor area."""
    r = run().iloc[0]
    assert r["far"] == pytest.approx(1300 / 7000)
    assert r["industrial_far"] == pytest.approx(0.24)
    assert r["building_density"] == pytest.approx(0.1)
    assert r["far_uplift_m2"] == pytest.approx(3800)


def test_investment_and_tax_per_hectare_and_mu():
    """P1: 1 200 万元 on 6 000 m² = 0.6 公顷 = 9 亩: 2 000 万元/公顷, 133.3 万元/亩; tax 90 万元: 150 万元/公顷, 10 万元/亩."""
    r = run().iloc[0]
    assert r["investment_wan_per_ha"] == pytest.approx(2000)
    assert r["investment_wan_per_mu"] == pytest.approx(1200 / 9)
    assert r["tax_wan_per_ha"] == pytest.approx(150) and r["tax_wan_per_mu"] == pytest.approx(10)


def test_idle_rate_and_the_40_percent_test():
    """S1 (agreed start 2024-06-01, no start) is idle on 2026-06-30: 6 000 of 7 000 supplied, 闲置率 6/7. Industrial
    supply of the last three years = S1 (2024) = 6 000; idle industrial 6 000: share 1.0 > 0.4 -> suspend under
    qixia-example; cn-national does not apply the test (empty, with a note)."""
    r = run(rules="qixia-example").iloc[0]
    assert r["idle_m2"] == pytest.approx(6000) and r["idle_rate"] == pytest.approx(6 / 7)
    assert r["industrial_supply_3y_m2"] == pytest.approx(6000)
    assert r["idle_industrial_share_3y"] == pytest.approx(1.0)
    assert bool(r["suspend_new_industrial"]) is True and r["status"] == "suspend"
    from redline.result import AuditLog

    log = AuditLog()
    n = zone_indicators(zones(b(0, 0, 100, 100)), as_of=AS_OF, area_method="planar", log=log, **layers()).iloc[0]
    assert n["suspend_new_industrial"] is pd_na() and n["status"] == "not_judged"
    assert any("test not applied" in t for t in log.notes)


def pd_na():
    import pandas as pd

    return pd.NA


def test_years_of_supply_left():
    """planned 2 公顷 = 20 000 m², supplied 7 000: 13 000 left; supplied in the 5 years before 2026-06-30: S1 only,
    6 000 m² = 1 200 m² a year: 13 000 ÷ 1 200 = 10.83 years."""
    r = run().iloc[0]
    assert r["planned_construction_m2"] == pytest.approx(20000)
    assert r["supplied_recent_m2"] == pytest.approx(6000)
    assert r["years_of_supply_left"] == pytest.approx(13000 / 1200)


def test_planned_land_from_a_plan_layer():
    """No recorded figure: the plan's 用地用海 construction land in the zone (1001 工业用地 x 0..90 = 9 000 m²; 0103
    旱地 is not) -> (9 000 − 7 000) ÷ 1 200 = 1.67 years."""
    plan = gpd.GeoDataFrame({"BSM": ["G1", "G2"], "规划地类编码": ["1001", "0103"]},
                            geometry=[b(0, 0, 90, 100), b(90, 0, 100, 100)], crs=CRS)
    r = run(zones(b(0, 0, 100, 100)), plan=plan).iloc[0]
    assert r["planned_construction_m2"] == pytest.approx(9000)
    assert r["years_of_supply_left"] == pytest.approx(2000 / 1200)


def test_three_lines_per_zone():
    """Growth boundary x 0..40 (4 000 inside, 6 000 outside); PBF x 90..100 (1 000); eco red line none inside."""
    gb = gpd.GeoDataFrame({"编号": ["G"]}, geometry=[b(-50, -50, 40, 150)], crs=CRS)
    pbf = gpd.GeoDataFrame({"图斑编号": ["F"]}, geometry=[b(90, 0, 120, 100)], crs=CRS)
    eco = gpd.GeoDataFrame({"红线编号": ["E"]}, geometry=[b(500, 500, 600, 600)], crs=CRS)
    r = run(growth_boundary=gb, farmland=pbf, eco_redline=eco).iloc[0]
    assert r["in_growth_boundary_m2"] == pytest.approx(4000)
    assert r["outside_growth_boundary_m2"] == pytest.approx(6000)
    assert r["on_pbf_m2"] == pytest.approx(1000) and r["on_eco_redline_m2"] == 0.0


def test_expired_project_disposal_is_empty_with_its_reason():
    r = run().iloc[0]
    assert np.isnan(r["expired_disposal_rate"]) and "expired_disposal_rate" in r["not_computed"]


def test_a_zone_with_no_supply_has_empty_rates_not_zero():
    """Z2 = x 200..300 lies beside every approval and supply: nothing ready, nothing supplied -> NaN, with the
    reason in not_computed and the notes."""
    from redline.result import AuditLog

    log = AuditLog()
    args = layers()
    r = zone_indicators(zones(b(0, 0, 100, 100), b(200, 0, 300, 100), 规划建设用地面积=[2.0, 1.0]), as_of=AS_OF,
                        area_method="planar", log=log,
                        **args).set_index("zone_id")
    for c in ("supply_rate", "built_rate", "idle_rate", "unsupplied_rate", "years_of_supply_left"):
        assert np.isnan(r.loc["Z2", c]), c
        assert np.isfinite(r.loc["Z1", c]), c
    assert r.loc["Z2", "development_rate"] == 0.0  # the zone has land, none of it ready: a real 0
    assert "nothing supplied" in r.loc["Z2", "not_computed"]
    assert any("Z2" in t and "left empty" in t for t in log.notes)


def test_missing_layers_leave_their_indicators_empty():
    r = zone_indicators(zones(b(0, 0, 100, 100)), area_method="planar").iloc[0]
    assert np.isnan(r["supply_rate"]) and np.isnan(r["far"]) and np.isnan(r["in_growth_boundary_m2"])
    assert "no supplies given" in r["not_computed"] and "no buildings layer given" in r["not_computed"]


def test_overlapping_zones_are_refused():
    with pytest.raises(RedlineError, match="overlap"):
        zone_indicators(zones(b(0, 0, 100, 100), b(50, 0, 150, 100)), area_method="planar")


def test_duplicate_zone_ids_are_refused():
    with pytest.raises(RedlineError, match="occur more than once"):
        zone_indicators(zones(b(0, 0, 100, 100), b(200, 0, 300, 100), ids=["Z1", "Z1"]), area_method="planar")


def test_zones_without_ids_are_numbered_with_a_note():
    from redline.result import AuditLog

    log = AuditLog()
    z = gpd.GeoDataFrame({"开发区名称": ["甲", "乙"]}, geometry=[b(0, 0, 100, 100), b(200, 0, 300, 100)], crs=CRS)
    r = zone_indicators(z, area_method="planar", log=log)
    assert list(r["zone_id"]) == ["<row 1>", "<row 2>"]
    assert any("row number" in t for t in log.notes)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 90), st.integers(1, 40), st.integers(2015, 2026)), min_size=1, max_size=5))
def test_rates_stay_in_zero_one(sups):
    """Random supplies (strips x a..a+w, any year) inside and across the zone edge: every share in [0, 1]."""
    s = gpd.GeoDataFrame({"合同编号": [f"S{k}" for k in range(len(sups))],
                          "签订日期": [f"{y}-01-01" for _, _, y in sups], "土地用途": "工业用地",
                          "约定开工日期": [f"{y}-06-01" for _, _, y in sups]},
                         geometry=[b(a, 0, a + w, 100) for a, w, _ in sups], crs=CRS)
    args = layers()
    args["supplies"] = s
    r = zone_indicators(zones(b(0, 0, 100, 100)), as_of=AS_OF, area_method="planar", **args).iloc[0]
    for c in ("development_rate", "supply_rate", "built_rate", "industrial_share", "unsupplied_rate", "idle_rate",
              "building_density"):
        v = r[c]
        assert np.isnan(v) or -1e-9 <= v <= 1 + 1e-9, (c, v)
    assert r["supplied_m2"] <= r["ready_m2"] + 1e-6 <= r["area_m2"] + 1e-6


def test_example_county(tmp_path):
    """The example's two zones: every indicator has a value except 到期项目用地处置率; 息县产业集聚区 trips the
    40 % test under qixia-example, 息县城北工业园 does not; the supplied area agrees with a plain geopandas
    clip of the supplies signed by the audit date."""
    from redline.example import EXAMPLE_AS_OF, load_example
    from redline.pipeline import run_audits

    ex = load_example()
    names = ["zones", "approvals", "supplies", "buildings", "parcels", "landuse", "growth_boundary", "farmland",
             "eco_redline"]
    res = run_audits({k: ex[k] for k in names}, as_of=EXAMPLE_AS_OF, rules="qixia-example", area_method="planar",
                     audits=["supplied_not_used", "zone_indicators"])
    z = res.outputs["zone_indicators"].set_index("name")
    values = [c for c in z.columns if z[c].dtype.kind == "f" and c != "expired_disposal_rate"]
    assert z[values].notna().all().all()
    assert z.loc["息县产业集聚区", "status"] == "suspend" and z.loc["息县城北工业园", "status"] == "pass"
    sup = ex["supplies"]
    sup = sup[gpd.pd.to_datetime(sup["签订日期"]) <= gpd.pd.Timestamp(EXAMPLE_AS_OF)]
    for _, zone in ex["zones"].iterrows():
        plain = sup.geometry.union_all().intersection(zone.geometry).area
        assert z.loc[zone["开发区名称"], "supplied_m2"] == pytest.approx(plain, rel=1e-9)


def test_jiangsu_highest_and_lowest_investment_intensity_from_the_seed():
    """江苏 开发区 "投入强度最高每亩达2453万元，最低每亩仅126万元" (the seed, DOMAIN §3): two zones each holding one
    industrial parcel of exactly 10 亩 (100 m × 200/3 m = 6 666.67 m²) with 24 530 and 1 260 万元 of fixed-asset
    investment: 2 453 and 126 万元/亩."""
    parcels = gpd.GeoDataFrame({"宗地号": ["P1", "P2"], "土地用途": ["工业用地", "工业用地"],
                                "固定资产投资": [24530.0, 1260.0]},
                               geometry=[b(0, 0, 100, 200 / 3), b(1000, 0, 1100, 200 / 3)], crs=CRS)
    r = zone_indicators(zones(b(0, 0, 200, 200), b(1000, 0, 1200, 200)), parcels=parcels,
                        area_method="planar").set_index("zone_id")
    assert round(r.loc["Z1", "investment_wan_per_mu"], 2) == 2453
    assert round(r.loc["Z2", "investment_wan_per_mu"], 2) == 126
