"""A formula variant is a registered strategy the rule set names: the idle fee (土地闲置费) by a local method."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from redline.errors import RulesError
from redline.overlay import supplied_not_used
from redline.overlay.idle import FeeAmounts, FeeCase
from redline.result import AuditLog
from redline.rules import RuleSet, load_rules
from redline.rules.strategies import register_strategy, registered, strategy, unregister_strategy

CRS = "EPSG:4547"


def supplies() -> gpd.GeoDataFrame:
    """Two 100 m x 100 m supplies (15 亩 each), agreed to start 2024-06-30, not started: idle on 2025-06-30."""
    return gpd.GeoDataFrame(
        {"合同编号": ["C1", "C2"], "签订日期": ["2023-01-01"] * 2, "约定开工日期": ["2024-06-30"] * 2,
         "出让价款": [1000.0, None], "benchmark_wan_per_mu": [30.0, 40.0]},
        geometry=[box(500000, 3800000, 500100, 3800100), box(500200, 3800000, 500300, 3800100)], crs=CRS)


@pytest.fixture
def benchmark_method():
    """A county that charges 20 % of its benchmark land price (基准地价, 万元/亩) × the supply's area."""

    @register_strategy("idle.fee_method", "benchmark_share")
    def fee_on_benchmark(case: FeeCase, rules: RuleSet) -> FeeAmounts:
        rate = float(rules.value("idle.fee_rate"))
        mu = case.supply_m2 / (10000 / 15)
        price = case.supplies["benchmark_wan_per_mu"].to_numpy(dtype=float) * mu
        return FeeAmounts(rate * price, [f"{rate:.0%} × 基准地价 {p:.1f} 万元" for p in price],
                          f"{rules.cite('idle.fee_method')}; {rules.cite('idle.fee_rate')}",
                          missing="no benchmark price (基准地价)")

    yield fee_on_benchmark
    unregister_strategy("idle.fee_method", "benchmark_share")


def test_cn_national_names_the_price_share_method_with_its_article():
    rules = load_rules()
    t = rules.threshold("idle.fee_method")
    assert t.value == "price_share" and t.status == "national"
    assert "第十四条(一)" in t.source and "百分之二十" in t.source
    assert strategy(rules, "idle.fee_method") is registered("idle.fee_method")["price_share"]


def test_price_share_is_20_percent_of_the_price():
    r = supplied_not_used(supplies(), as_of="2025-06-30")
    assert list(r["status"]) == ["idle", "idle"]
    assert r["idle_fee"].iloc[0] == pytest.approx(200.0)  # 20 % x 1 000 万元
    assert np.isnan(r["idle_fee"].iloc[1])  # no price: no fee, said so
    assert "idle fee 20% × 出让价款 1000.00 万元 = 200.00 万元" in r["reason"].iloc[0]
    assert "出让价款 (price_wan) missing" in r["reason"].iloc[1]
    assert "idle.fee_rate=0.2" in r["rule"].iloc[0] and "idle.fee_method" not in r["rule"].iloc[0]


def test_a_local_method_registered_outside_the_audit_changes_the_fee(benchmark_method):
    rules = load_rules(overrides={"idle.fee_method": "benchmark_share"})
    log = AuditLog()
    r = supplied_not_used(supplies(), as_of="2025-06-30", rules=rules, log=log)
    # 15 亩 x 30 万元/亩 = 450 万元, 20 % of it: 90; 15 x 40 = 600, 20 %: 120 (the contract price plays no part)
    assert r["idle_fee"].tolist() == pytest.approx([90.0, 120.0])
    assert r["fee_due"].tolist() == pytest.approx([90.0, 120.0])
    assert "20% × 基准地价 450.0 万元" in r["reason"].iloc[0]
    assert "idle.fee_method=benchmark_share" in r["rule"].iloc[0]
    notes = log.notes
    assert not any("fee not computed" in n for n in notes)


def test_a_local_method_says_what_a_missing_fee_lacked(benchmark_method):
    s = supplies()
    s.loc[1, "benchmark_wan_per_mu"] = None
    log = AuditLog()
    r = supplied_not_used(s, as_of="2025-06-30", rules=load_rules(overrides={"idle.fee_method": "benchmark_share"}),
                          log=log)
    assert np.isnan(r["idle_fee"].iloc[1])
    assert any("fee not computed for 1: no benchmark price (基准地价)" in n for n in log.notes)


def test_an_unregistered_method_is_a_rules_error_listing_the_registered_ones():
    rules = load_rules(overrides={"idle.fee_method": "per_day"})
    with pytest.raises(RulesError, match=r"idle.fee_method = 'per_day' is not a registered method "
                                         r"\(registered: price_share\)"):
        supplied_not_used(supplies(), as_of="2025-06-30", rules=rules)


def test_a_name_is_registered_once(benchmark_method):
    with pytest.raises(ValueError, match="already registered"):
        register_strategy("idle.fee_method", "benchmark_share")(lambda case, rules: None)
    unregister_strategy("idle.fee_method", "benchmark_share")
    assert "benchmark_share" not in registered("idle.fee_method")
