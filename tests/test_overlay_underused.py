"""用而不足: plot ratio with double-height storeys, building coefficient, investment intensity, per-industry floors."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from redline.overlay import underused
from redline.overlay.underused import industry_division
from redline.rules import load_rules

CRS = "EPSG:4547"
X0, Y0 = 500000.0, 3800000.0


def parcel(**fields):
    """A 100 m x 100 m industrial parcel: 10 000 m2 = 15 亩."""
    base = {"宗地号": "Z1", "土地用途": "工业用地"}
    base.update(fields)
    return gpd.GeoDataFrame({k: [v] for k, v in base.items()}, geometry=[box(X0, Y0, X0 + 100, Y0 + 100)], crs=CRS)


def buildings(*rows):
    """rows: (id, (x, y, w, h), fields)"""
    keys = sorted({k for r in rows for k in r[2]})
    data = {"幢号": [r[0] for r in rows]}
    for k in keys:
        data[k] = [r[2].get(k) for r in rows]
    geoms = [box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h) for _, (x, y, w, h), _ in rows]
    return gpd.GeoDataFrame(data, geometry=geoms, crs=CRS)


@pytest.mark.parametrize("storey, far", [(6.0, 0.4), (8.0, 0.4), (8.5, 0.8), (12.0, 0.8)])
def test_storey_over_8m_counts_twice(storey, far):
    # one single-storey 4 000 m2 hall: FAR 0.4, or 0.8 when its storey is over 8 m (8.0 exactly counts once)
    b = buildings(("B1", (0, 0, 80, 50), {"层数": 1, "层高": storey}))
    r = underused(parcel(行业分类="C36"), b, area_method="planar").iloc[0]
    assert r["far"] == pytest.approx(far)
    assert r["doubled_storey_buildings"] == (1 if storey > 8 else 0)
    assert r["building_coefficient"] == pytest.approx(0.4)


def test_storey_height_from_building_height_and_recorded_floor_area():
    b = buildings(("B1", (0, 0, 50, 40), {"层数": 1, "建筑高度": 10.0}),        # 10 m / 1 storey > 8: 2 x 2 000
                  ("B2", (60, 0, 40, 50), {"建筑面积": 3000.0, "层数": 3}),     # recorded floor area wins
                  ("B3", (0, 60, 20, 20), {}))                                # unknown floors: 1 storey
    r = underused(parcel(), b, area_method="planar").iloc[0]
    assert r["counted_floor_area_m2"] == pytest.approx(4000 + 3000 + 400)
    assert r["far"] == pytest.approx(0.74)
    assert r["buildings_n"] == 3 and r["footprint_m2"] == pytest.approx(2000 + 2000 + 400)


def test_building_straddling_parcels_is_shared_by_footprint():
    b = buildings(("B1", (80, 0, 40, 50), {"层数": 2}))  # half of it (20 m x 50 m) on this parcel
    r = underused(parcel(), b, area_method="planar").iloc[0]
    assert r["footprint_m2"] == pytest.approx(1000) and r["counted_floor_area_m2"] == pytest.approx(2000)


@pytest.mark.parametrize("industry, floor", [("C17", 0.8), ("1711", 0.8), ("26", 0.6), ("C25 石油加工", 0.5),
                                             ("13", 1.0), ("70 房地产业", None), (None, None)])
def test_far_floor_is_looked_up_by_industry_division(industry, floor):
    b = buildings(("B1", (0, 0, 100, 50), {"层数": 1}))  # FAR 0.5, coefficient 0.5
    r = underused(parcel(行业分类=industry), b).iloc[0]
    if floor is None:  # no manufacturing division: no FAR floor, only the building coefficient is judged
        assert np.isnan(r["far_min"]) and r["judgement"] == "meets" and "容积率 not judged" in r["not_judged"]
        return
    assert r["far_min"] == floor
    assert r["underused"] == (floor > 0.5)
    if floor > 0.5:
        assert f"underused.far_min[{industry_division(industry)}]" in r["reasons"]
        assert "自然资发〔2023〕72号" in r["rule"]


def test_investment_intensity_in_wan_per_mu_by_hand():
    b = buildings(("B1", (0, 0, 100, 50), {"层数": 2}))  # FAR 1.0, coefficient 0.5
    r = underused(parcel(行业分类="C17", 固定资产投资=3000.0), b, area_method="planar", rules="suzhou-example").iloc[0]
    assert r["site_mu"] == pytest.approx(15.0)
    assert r["investment_intensity"] == pytest.approx(200.0)  # 3 000 万元 / 15 亩 < 250
    assert r["underused"] and "underused.investment_intensity_min_wan_per_mu" in r["reasons"]
    r = underused(parcel(行业分类="C17", 固定资产投资=4500.0), b, area_method="planar", rules="suzhou-example").iloc[0]
    assert r["investment_intensity"] == pytest.approx(300.0) and not r["underused"]
    assert r["reasons"].startswith("meets 容积率, 建筑系数, 投资强度")


def test_local_rule_set_raises_the_floors():
    b = buildings(("B1", (0, 0, 100, 70), {"层数": 1}))  # FAR 0.7
    nat = underused(parcel(行业分类="26", 固定资产投资=4000.0), b).iloc[0]  # 266.7 万元/亩
    assert not nat["underused"]
    sz = underused(parcel(行业分类="26", 固定资产投资=4000.0), b, rules="suzhou-example").iloc[0]
    assert sz["far_min"] == 0.8 and sz["underused"]
    # 266.7 万元/亩 meets the seed's Suzhou floor of 250 (the rule set said 300 before)
    assert "suzhou-example" in sz["rule"] and "investment_intensity" not in sz["reasons"]


def test_tax_and_output_per_mu_either_is_enough():
    b = buildings(("B1", (0, 0, 100, 50), {"层数": 2}))
    on = load_rules(overrides={"underused.apply_output_tax_floors": True})
    ok_tax = underused(parcel(行业分类="17", 年税收=600.0, 年产值=1500.0), b, rules=on).iloc[0]  # 40 tax, 100 output
    assert ok_tax["tax_per_mu"] == pytest.approx(40, rel=1e-3) and not ok_tax["underused"]
    both_low = underused(parcel(行业分类="17", 年税收=300.0, 年产值=1500.0), b, rules=on).iloc[0]
    assert both_low["underused"] and "tax_min" in both_low["reasons"] and "output_min" in both_low["reasons"]


def test_low_efficiency_and_non_industrial_land():
    b = buildings(("B1", (0, 0, 50, 50), {"层数": 1}))  # FAR 0.25
    r = underused(parcel(土地用途="工业用地"), b).iloc[0]
    assert not r["low_efficiency"] and r["assessed"]  # 南通 通州's mark is local: off in cn-national
    on = load_rules(overrides={"underused.apply_far_low_efficiency": True})
    r = underused(parcel(土地用途="工业用地"), b, rules=on).iloc[0]
    assert r["low_efficiency"] and r["assessed"] and "far_low_efficiency" in r["reasons"]
    r = underused(parcel(土地用途="城镇住宅用地"), b).iloc[0]
    assert not r["assessed"] and not r["underused"] and "not industrial" in r["reasons"]


def test_without_buildings_the_recorded_floor_area_is_used():
    r = underused(parcel(建筑面积=9000.0, 行业分类="17"), area_method="planar").iloc[0]
    assert r["far"] == pytest.approx(0.9) and np.isnan(r["building_coefficient"])
    assert not r["underused"]


def test_works_on_supplies_with_land_price_and_contract_floor():
    s = gpd.GeoDataFrame({"合同编号": ["C1"], "签订日期": ["2020-01-01"], "行业分类": ["17"], "总投资": [2000.0],
                          "出让价款": [1000.0], "容积率下限": [1.2]},
                         geometry=[box(X0, Y0, X0 + 100, Y0 + 100)], crs=CRS)
    b = buildings(("B1", (0, 0, 100, 50), {"层数": 2}))  # FAR 1.0
    r = underused(s, b, kind="supplies", area_method="planar").iloc[0]
    assert r["investment_intensity"] == pytest.approx(200.0)  # (2 000 + 1 000) / 15
    assert r["underused"] and "合同容积率下限 1.20" in r["reasons"]
    assert r["contract_far_min"] == 1.2
    with pytest.raises(ValueError, match="parcels, supplies"):
        underused(s, b, kind="buildings")
