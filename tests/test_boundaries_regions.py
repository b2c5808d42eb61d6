"""区域节约集约评价 (TD/T 1018): each indicator on a case small enough to check on paper.

Two townships side by side, planar areas (EPSG:4547, metres): A = [0, 1000] × [0, 1000], B = [1000, 2000] × [0, 1000],
100 ha each. Construction land (DLBM 0702, 城镇村属性码 A 202 建制镇, B 203 村庄) is a strip at each west edge:

- base 2020: A 200 m wide (20 ha), B 100 m (10 ha); now 2025: A 270 m (27 ha), B 150 m (15 ha); the rest 0103 旱地;
- statistics: A GDP 10 → 15 亿元, population 2.0 → 2.2 万人; B GDP 4 → 5 亿元, population 1.0 → 0.9 万人.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from redline.boundaries import region_evaluation
from redline.boundaries.regions import TOTAL_ID, read_stats
from redline.errors import SchemaError
from redline.result import AuditLog
from redline.rules import load_rules
from redline.units import M2_PER_MU

CRS = "EPSG:4547"
X0, Y0 = 500000.0, 3500000.0


def b(x0, y0, x1, y1):
    return box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def admin():
    return gpd.GeoDataFrame({"行政区代码": ["1", "2"], "名称": ["A镇", "B乡"]},
                            geometry=[b(0, 0, 1000, 1000), b(1000, 0, 2000, 1000)], crs=CRS)


def landuse(wa, wb, year):
    rows = [("A1", "0702", "202", b(0, 0, wa, 1000)), ("A2", "0103", "", b(wa, 0, 1000, 1000)),
            ("B1", "0702", "203", b(1000, 0, 1000 + wb, 1000)), ("B2", "0103", "", b(1000 + wb, 0, 2000, 1000))]
    return gpd.GeoDataFrame({"BSM": [f"{year}{r[0]}" for r in rows], "DLBM": [r[1] for r in rows],
                             "CZCSXM": [r[2] for r in rows]}, geometry=[r[3] for r in rows], crs=CRS)


def stats(drop=()):
    rows = [("1", 2020, 10.0, 2.0), ("2", 2020, 4.0, 1.0), ("1", 2025, 15.0, 2.2), ("2", 2025, 5.0, 0.9)]
    rows = [r for r in rows if (r[0], r[1]) not in drop]
    return pd.DataFrame({"乡镇": [{"1": "A镇", "2": "B乡"}[r[0]] for r in rows], "行政区代码": [r[0] for r in rows],
                         "年份": [r[1] for r in rows],
                         "地区生产总值(亿元)": [r[2] for r in rows], "常住人口(万人)": [r[3] for r in rows]})


def evaluate(log=None, **kw):
    args = dict(landuse_base=landuse(200, 100, 2020), landuse_now=landuse(270, 150, 2025), stats=stats(),
                base_year=2020, year=2025, area_method="planar")
    args.update(kw)
    return region_evaluation(admin(), log=log if log is not None else AuditLog(), **args).set_index("unit_id")


def test_land_per_gdp_and_its_change():
    r = evaluate()
    # A: 20 ha / 10 亿元 = 2.0 → 27 ha / 15 亿元 = 1.8, change 1.8 / 2.0 − 1 = −0.1; B: 2.5 → 3.0, +0.2
    assert r.loc["1", "ha_per_yi_yuan_base"] == pytest.approx(20 / 10)
    assert r.loc["1", "ha_per_yi_yuan"] == pytest.approx(27 / 15)
    assert r.loc["1", "ha_per_yi_yuan_change"] == pytest.approx((27 / 15) / (20 / 10) - 1)
    assert r.loc["2", "ha_per_yi_yuan_change"] == pytest.approx((15 / 5) / (10 / 4) - 1)
    # all townships: 30 ha / 14 亿元 → 42 ha / 20 亿元
    assert r.loc[TOTAL_ID, "ha_per_yi_yuan_change"] == pytest.approx((42 / 20) / (30 / 14) - 1)
    # 地均GDP in 万元/公顷: the inverse
    assert r.loc["1", "gdp_wan_per_ha"] == pytest.approx(15e4 / 27)
    assert r.loc["1", "construction_m2_base"] == pytest.approx(200_000)
    assert r.loc["1", "construction_m2"] == pytest.approx(270_000)


def test_change_against_the_national_and_the_jiangsu_target():
    national = evaluate()
    # cn-national: −20 %; A fell by 10 %: not met, B rose: not met
    assert national.loc["1", "change_target"] == pytest.approx(-0.20)
    assert "change_target" in national.loc["1", "flags"] and "change_target" in national.loc["2", "flags"]
    js = evaluate(rules="jiangsu-example")
    assert js.loc["1", "change_target"] == pytest.approx(-0.31)
    assert js.loc["1", "change_stretch"] == pytest.approx(-0.33)
    assert "jiangsu-example" in js.loc["1", "rule"] and "31 %" in js.loc["1", "rule"]
    # a unit that fell by 40 % meets it: A's GDP 25 亿元 now gives 1.08 = −46 %
    s = stats()
    s.loc[(s["行政区代码"] == "1") & (s["年份"] == 2025), "地区生产总值(亿元)"] = 25
    met = evaluate(stats=s, rules="jiangsu-example")
    assert met.loc["1", "ha_per_yi_yuan_change"] == pytest.approx((27 / 25) / 2.0 - 1)
    assert "change_target" not in met.loc["1", "flags"]


def test_growth_consumption_and_elasticities():
    r = evaluate()
    # 单位GDP增长消耗新增建设用地 A: (27 − 20) ha ÷ (15 − 10) 亿元
    assert r.loc["1", "new_land_ha_per_yi_yuan_growth"] == pytest.approx(7 / 5)
    # elasticities: land growth 27/20 − 1 = 0.35 over GDP growth 0.5 and population growth 0.1
    assert r.loc["1", "gdp_elasticity"] == pytest.approx(0.35 / 0.5)
    assert r.loc["1", "pop_elasticity"] == pytest.approx(0.35 / 0.1)
    # B's population fell (−10 %) while land grew 50 %: a negative elasticity, not a missing one
    assert r.loc["2", "pop_elasticity"] == pytest.approx(0.5 / (0.9 / 1.0 - 1))



def test_population_elasticity_reads_urban_rural_land_only():
    """人口与城乡建设用地增长弹性 counts 城乡建设用地 (城镇村属性码 201-204), not a highway's construction land: A gains a
    road strip x 900..1000 (1003 公路用地, no 城镇村属性码, 10 ha) between the years. All construction land then grows
    (27 + 10) / 20 − 1 = 0.85 (the GDP elasticity's numerator), 城乡建设用地 still 27 / 20 − 1 = 0.35; population grows
    0.1: elasticity 3.5. 单位人口增长消耗新增城乡建设用地: 70 000 m² for 2 000 more people = 35 m² per person; B lost
    people: empty, not a negative consumption."""
    now = landuse(270, 150, 2025)
    a2 = now.index[now["BSM"] == "2025A2"][0]
    now.loc[a2, "geometry"] = b(270, 0, 900, 1000)
    road = gpd.GeoDataFrame({"BSM": ["2025A3"], "DLBM": ["1003"], "CZCSXM": [""]}, geometry=[b(900, 0, 1000, 1000)],
                            crs=CRS)
    r = evaluate(landuse_now=pd.concat([now, road], ignore_index=True))
    assert r.loc["1", "construction_growth"] == pytest.approx(0.85)
    assert r.loc["1", "gdp_elasticity"] == pytest.approx(0.85 / 0.5)
    assert r.loc["1", "urban_rural_growth"] == pytest.approx(0.35)
    assert r.loc["1", "pop_elasticity"] == pytest.approx(0.35 / 0.1)
    assert r.loc["1", "new_urban_rural_m2_per_person_growth"] == pytest.approx(70_000 / 2_000)
    assert np.isnan(r.loc["2", "new_urban_rural_m2_per_person_growth"])
    assert "城乡建设用地增长率 ÷ 人口增长率" in r.loc["1", "rule"]


def test_elasticity_without_urban_attribute_is_empty_and_said():
    base = landuse(200, 100, 2020).drop(columns="CZCSXM")
    log = AuditLog()
    r = evaluate(landuse_base=base, log=log)
    assert np.isnan(r.loc["1", "pop_elasticity"]) and np.isfinite(r.loc["1", "gdp_elasticity"])
    assert any("landuse_base" in t and "人口与城乡建设用地增长弹性" in t for t in log.notes)


def test_no_gdp_growth_leaves_consumption_empty_not_zero():
    s = stats()
    s.loc[(s["行政区代码"] == "2") & (s["年份"] == 2025), "地区生产总值(亿元)"] = 4
    r = evaluate(stats=s)
    assert np.isnan(r.loc["2", "new_land_ha_per_yi_yuan_growth"])
    assert np.isnan(r.loc["2", "gdp_elasticity"])


def test_density_cultivated_land_per_person_and_growth_boundary():
    gb = gpd.GeoDataFrame({"编号": ["G1"]}, geometry=[b(0, 0, 300, 1000)], crs=CRS)
    eco = gpd.GeoDataFrame({"红线编号": ["E1"]}, geometry=[b(1000, 0, 1300, 1000)], crs=CRS)
    r = evaluate(growth_boundary=gb, eco_redline=eco)
    # 城乡建设用地人口密度 A: 22 000 people on 0.27 km²
    assert r.loc["1", "urban_rural_density"] == pytest.approx(22_000 / 0.27)
    # 人均耕地 A: 73 ha of 旱地 = 73 × 15 亩, for 22 000 people; under the 0.8 亩 line
    assert r.loc["1", "cultivated_mu_per_capita"] == pytest.approx(730_000 / M2_PER_MU / 22_000)
    assert "cultivated_per_capita" in r.loc["1", "flags"]
    # 城镇开发边界扩展倍数 A: 30 ha boundary ÷ 27 ha of 202; B has no 城镇 (203 村庄 only): empty
    assert r.loc["1", "growth_boundary_ratio"] == pytest.approx(30 / 27)
    assert np.isnan(r.loc["2", "growth_boundary_ratio"])
    # eco red line: B 30 %; all townships 30 ha of 200 = 15 % < 20 %: the total is flagged, the townships not judged
    assert r.loc["2", "eco_share"] == pytest.approx(0.3)
    assert r.loc[TOTAL_ID, "eco_share"] == pytest.approx(0.15)
    assert "eco_share" in r.loc[TOTAL_ID, "flags"] and "eco_share" not in r.loc["1", "flags"]


def _supply_case(land_source=None):
    apps = gpd.GeoDataFrame({"批准文号": ["P1"], "批准日期": ["2023-03-01"]}, geometry=[b(0, 0, 200, 500)], crs=CRS)
    cols = {"合同编号": ["S1", "S2"], "签订日期": ["2023-06-01", "2024-02-01"], "土地用途": ["工业用地", "商服用地"]}
    if land_source is not None:
        cols["土地来源"] = land_source
    sup = gpd.GeoDataFrame(cols, geometry=[b(0, 0, 100, 500), b(500, 0, 600, 500)], crs=CRS)
    return apps, sup


def test_stock_share_from_supply_outside_approvals_and_same_year_rate():
    apps, sup = _supply_case()
    log = AuditLog()
    r = evaluate(log=log, supplies=sup, approvals=apps)
    # S1 (5 ha) inside approval P1, S2 (5 ha) outside every approval: 存量 5 of 10 ha
    assert r.loc["1", "stock_supply_share"] == pytest.approx(0.5)
    assert "supply outside every approval" in r.loc["1", "rule"]
    assert any("supply outside every approval" in n for n in log.notes)
    # P1 approved 2023 (10 ha), S1 signed in 2023 covers 5 ha of it
    assert r.loc["1", "same_year_supply_rate"] == pytest.approx(0.5)
    # B had no supply: empty, not 0
    assert np.isnan(r.loc["2", "stock_supply_share"])
    supply = log.facts["region_evaluation"]["supply"].set_index(["unit_id", "year", "land_use"])
    assert supply.loc[("1", "2023", "工业用地"), "supplied_m2"] == pytest.approx(50_000)
    assert supply.loc[("1", "2024", "合计"), "stock_share"] == pytest.approx(1.0)


def test_stock_share_from_land_source_field():
    apps, sup = _supply_case(["存量", "新增"])
    log = AuditLog()
    r = evaluate(log=log, supplies=sup, approvals=apps)
    # 土地来源 says S1 (inside the approval) is 存量 and S2 新增: the field wins over the geometry
    assert r.loc["1", "stock_supply_share"] == pytest.approx(0.5)
    assert "土地来源" in r.loc["1", "rule"]
    apps, sup = _supply_case(["存量", "存量"])
    assert evaluate(supplies=sup, approvals=apps).loc["1", "stock_supply_share"] == pytest.approx(1.0)


def test_supply_of_unknown_land_source_is_in_neither_share():
    apps, sup = _supply_case(["存量", "划拨"])
    log = AuditLog()
    r = evaluate(log=log, supplies=sup, approvals=apps)
    # S2's 土地来源 "划拨" is neither 存量 nor 新增: the share is over S1 alone (5 ha of 5 ha), and S2 is named
    assert r.loc["1", "stock_supply_share"] == pytest.approx(1.0)
    assert any("neither 存量 nor 新增" in n and "S2 (划拨)" in n for n in log.notes)


def test_index_and_rank_from_the_ideal_values():
    rules = load_rules(overrides={"regions.index_weights": {"ha_per_yi_yuan": 1.0, "gdp_elasticity": 1.0},
                                  "regions.index_ideals": {"ha_per_yi_yuan": 2.0, "gdp_elasticity": 0.5}})
    r = evaluate(rules=rules)
    # less is better for both: A: min(2.0/1.8, 1) = 1, elasticity 0.35/0.5 = 0.7 scores 0.5/0.7;
    # B: 2.0/3.0, elasticity 0.5/0.25 = 2 scores 0.5/2
    a = (1.0 + 0.5 / 0.7) / 2 * 100
    bb = (2.0 / 3.0 + 0.5 / 2) / 2 * 100
    assert r.loc["1", "index"] == pytest.approx(a)
    assert r.loc["2", "index"] == pytest.approx(bb)
    assert r.loc["1", "rank"] == (1 if a > bb else 2)
    assert np.isnan(r.loc[TOTAL_ID, "rank"])


def test_unknown_indicator_in_the_weights_is_an_error():
    rules = load_rules(overrides={"regions.index_weights": {"ha_per_yi_yuan": 1.0, "gdp_elastcity": 1.0}})
    with pytest.raises(SchemaError, match="gdp_elastcity"):
        evaluate(rules=rules)


def test_unit_missing_in_stats_is_reported_not_zero():
    log = AuditLog()
    r = evaluate(log=log, stats=stats(drop={("2", 2025)}))
    assert np.isnan(r.loc["2", "ha_per_yi_yuan"]) and np.isnan(r.loc["2", "gdp_yi_yuan"])
    assert np.isnan(r.loc[TOTAL_ID, "ha_per_yi_yuan"])  # a sum missing a township is not the total
    assert np.isnan(r.loc["2", "rank"]) and r.loc["1", "rank"] == 1
    assert any("no statistics for 2025" in n and "2 B乡" in n for n in log.notes)
    assert any("not ranked" in n and "2" in n for n in log.notes)


def test_stats_row_for_no_unit_is_reported():
    s = pd.concat([stats(), pd.DataFrame({"乡镇": ["C镇"], "行政区代码": ["9"], "年份": [2025], "地区生产总值(亿元)": [1],
                                          "常住人口(万人)": [1]})])
    log = AuditLog()
    evaluate(log=log, stats=s)
    assert any("not in the admin layer" in n and "9" in n for n in log.notes)


def test_stats_matched_by_name_without_codes():
    s = stats().drop(columns="行政区代码")
    log = AuditLog()
    r = evaluate(log=log, stats=s)
    assert r.loc["1", "ha_per_yi_yuan"] == pytest.approx(27 / 15)
    assert any("matched by name" in n for n in log.notes)


def test_stats_without_a_unit_name_column_is_refused():
    with pytest.raises(SchemaError, match="admin_name"):
        read_stats(stats().drop(columns="乡镇"))


def test_stats_units_converted_once_and_bad_values_named():
    t = read_stats(pd.DataFrame({"乡镇": ["A镇"], "年度": ["2025"], "GDP(万元)": ["150,000"], "常住人口(人)": ["22000"],
                                 "固定资产投资(亿元)": ["2"]}))
    assert t[["gdp_yi_yuan", "population_wan", "investment_wan"]].values.tolist() == [[15.0, 2.2, 20000.0]]
    with pytest.raises(SchemaError) as e:
        read_stats(pd.DataFrame({"乡镇": ["A镇", "B乡"], "年份": [2025, 2025], "地区生产总值(美元)": [1, 2],
                                 "常住人口(万人)": ["-1", "x"]}))
    text = str(e.value)
    assert "美元" in text and "negative" in text and "not a number" in text


def test_nantong_figures_from_the_seed():
    """南通 2013: 40.83 公顷/亿元, −28.25 % (DOMAIN §3, seed).

    One unit; construction land 4 083 ha both years (a 4 083 m × 10 000 m rectangle, planar), GDP 71.75 亿元 in the
    base year and 100 亿元 now: now 4 083 ÷ 100 = 40.83 公顷/亿元, base 4 083 ÷ 71.75, so the change is
    71.75 ÷ 100 − 1 = −28.25 %.
    """
    unit = gpd.GeoDataFrame({"行政区代码": ["320600"], "名称": ["南通"]}, geometry=[b(0, 0, 5000, 10000)], crs=CRS)
    lu = gpd.GeoDataFrame({"BSM": ["1", "2"], "DLBM": ["0702", "0103"], "CZCSXM": ["202", ""]},
                          geometry=[b(0, 0, 4083, 10000), b(4083, 0, 5000, 10000)], crs=CRS)
    s = pd.DataFrame({"地区": ["南通", "南通"], "年份": [2008, 2013], "地区生产总值(亿元)": [71.75, 100],
                      "常住人口(万人)": [700, 730]})
    r = region_evaluation(unit, landuse_base=lu, landuse_now=lu, stats=s, base_year=2008, year=2013,
                          area_method="planar", log=AuditLog()).set_index("unit_id")
    assert round(r.loc["320600", "ha_per_yi_yuan"], 2) == 40.83
    assert round(r.loc["320600", "ha_per_yi_yuan_change"], 4) == -0.2825


@settings(max_examples=15, deadline=None)
@given(g0=st.floats(1, 1000), g1=st.floats(1, 1000), k=st.floats(0.1, 10))
def test_land_per_gdp_change_ignores_the_gdp_unit_scale(g0, g1, k):
    """Scaling both years' GDP by k divides 单位GDP建设用地 by k and leaves its change as it was; the index is
    within 0-100, or empty when GDP did not grow (no growth consumption, no GDP elasticity)."""
    def run(f):
        s = stats()
        s.loc[s["行政区代码"] == "1", "地区生产总值(亿元)"] = [g0 * f, g1 * f]
        return evaluate(stats=s).loc["1"]
    one, scaled = run(1.0), run(k)
    assert scaled["ha_per_yi_yuan"] == pytest.approx(one["ha_per_yi_yuan"] / k)
    assert scaled["ha_per_yi_yuan_change"] == pytest.approx(one["ha_per_yi_yuan_change"])
    if g1 > g0:
        assert 0 <= scaled["index"] <= 100
    else:
        assert np.isnan(scaled["new_land_ha_per_yi_yuan_growth"]) and np.isnan(scaled["index"])


def test_example_county_ranks_every_township():
    from redline.cli.demo import example_params
    from redline.example import load_example

    layers = load_example()
    params = example_params()
    log = AuditLog()
    r = region_evaluation(layers["admin"], landuse_base=layers["landuse_base"], landuse_now=layers["landuse"],
                          stats=params["stats"], base_year=params["base_year"], year=params["year"],
                          supplies=layers["supplies"], approvals=layers["approvals"],
                          eco_redline=layers["eco_redline"], growth_boundary=layers["growth_boundary"], log=log)
    towns = r[r["unit_level"] == "township"]
    assert len(towns) == len(layers["admin"]) and towns["rank"].notna().all()
    assert sorted(towns["rank"].astype(int)) == list(range(1, len(towns) + 1))
    assert (towns["construction_m2"] > towns["construction_m2_base"]).all()
    for col in ("ha_per_yi_yuan", "ha_per_yi_yuan_change", "gdp_elasticity", "pop_elasticity", "urban_rural_density",
                "cultivated_mu_per_capita", "new_land_ha_per_yi_yuan_growth", "eco_share"):
        assert towns[col].notna().all(), col
    total = r[r["unit_level"] == "total"].iloc[0]
    for col in ("stock_supply_share", "same_year_supply_rate", "growth_boundary_ratio"):
        assert pd.notna(total[col]), col


def _run(with_approvals: bool):
    from redline.pipeline import run_audits

    apps, sup = _supply_case()
    sources = {"admin": admin(), "landuse_base": landuse(200, 100, 2020), "landuse": landuse(270, 150, 2025),
               "supplies": sup, **({"approvals": apps} if with_approvals else {})}
    return run_audits(sources, audits=["region_evaluation"], as_of="2025-12-31", area_method="planar",
                      params={"stats": stats()})


def test_run_alone_takes_stock_land_from_the_supply_outside_approvals_audit():
    r = _run(True)
    out = r.outputs["region_evaluation"].set_index("unit_id")
    assert out.loc["1", "stock_supply_share"] == pytest.approx(0.5)
    assert "supply_outside_approvals as of 2025-12-31" in " ".join(r.notes)
    assert set(r.outputs) == {"region_evaluation", "region_supply"}  # the producer's output is not kept
    # the years not given are the statistics' earliest and latest, and said so
    assert any("base_year not given" in n and "2020" in n for n in r.notes)


def test_run_without_approvals_leaves_stock_share_empty_and_says_why():
    r = _run(False)
    out = r.outputs["region_evaluation"].set_index("unit_id")
    assert np.isnan(out.loc["1", "stock_supply_share"]) and np.isnan(out.loc["1", "same_year_supply_rate"])
    assert any("存量供地比例 not computed" in n for n in r.notes)


def test_suzhou_stock_supply_share_and_suqian_same_year_rate_from_the_seed():
    """苏州 存量供地比例 54.06 %, 宿迁 当年报批当年供地率 53.6 % (the seeds' figures, DOMAIN §3).

    Township A supplies, all signed in 2024, by 土地来源: S1 存量 5 406 m² (54.06 × 100 m), S2 新增 4 594 m²
    (45.94 × 100 m): 存量 5 406 ÷ 10 000 = 54.06 % (S1 and S2 alone). Approval P1 of 2024 (10 000 m²,
    100 × 100 m) is covered in 2024 by S2 for 45.94 × 100 = 4 594 m² and by S3 (新增, 7.66 × 100 = 766 m², signed
    2024) — 5 360 of 10 000 m² = 53.6 % supplied in the year it was approved.
    """
    apps = gpd.GeoDataFrame({"批准文号": ["P1"], "批准日期": ["2024-03-01"]}, geometry=[b(0, 0, 100, 100)], crs=CRS)
    sup = gpd.GeoDataFrame({"合同编号": ["S1", "S2", "S3"], "签订日期": ["2024-05-01", "2024-06-01", "2024-07-01"],
                            "土地用途": ["工业用地"] * 3, "土地来源": ["存量", "新增", "新增"]},
                           geometry=[b(300, 0, 354.06, 100), b(0, 0, 45.94, 100), b(45.94, 0, 53.6, 100)], crs=CRS)
    r = evaluate(supplies=sup, approvals=apps)
    # S3 (766 m², 新增) joins the 2021-2025 supply too: 存量 5 406 of 5 406 + 4 594 + 766 m²
    assert r.loc["1", "stock_supply_share"] == pytest.approx(5406 / (5406 + 4594 + 766))
    assert r.loc["1", "same_year_supply_rate"] == pytest.approx(0.536)
    only_two = sup.iloc[:2]
    assert round(evaluate(supplies=only_two, approvals=apps).loc["1", "stock_supply_share"], 4) == 0.5406
