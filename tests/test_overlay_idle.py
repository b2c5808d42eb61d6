"""供而未用 / 闲置土地: every status of MLR order 53, the exact one-year boundary, fees and exemptions."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from redline.overlay import STATUSES, supplied_not_used
from redline.rules import load_rules

CRS = "EPSG:4547"
X0, Y0 = 500000.0, 3800000.0


def supply(**fields):
    """One 100 m x 100 m supply (10 000 m2 = 15 亩) with bureau field names."""
    base = {"合同编号": "C1", "签订日期": "2020-01-01", "出让价款": 1000.0}
    base.update(fields)
    return gpd.GeoDataFrame({k: [v] for k, v in base.items()}, geometry=[box(X0, Y0, X0 + 100, Y0 + 100)], crs=CRS)


def status_of(as_of, rules=None, buildings=None, **fields):
    return supplied_not_used(supply(**fields), buildings, as_of=as_of, rules=rules).iloc[0]


@pytest.mark.parametrize("as_of, expected", [
    ("2025-06-29", "not_due"),        # before the agreed start
    ("2025-06-30", "not_due"),        # the agreed start day itself: still in time
    ("2025-07-01", "start_overdue"),  # the day after
    ("2026-06-29", "start_overdue"),  # the day before one full year
    ("2026-06-30", "idle"),           # one full year: the anniversary
    ("2026-07-01", "idle"),           # the day after
    ("2027-06-29", "idle"),           # the day before two full years
    ("2027-06-30", "idle_recover"),   # two full years
    ("2027-07-01", "idle_recover"),
])
def test_one_and_two_full_years_by_calendar_date(as_of, expected):
    r = status_of(as_of, 约定开工日期="2025-06-30")
    assert r["status"] == expected
    if expected in ("idle", "idle_recover"):
        assert r["idle_fee"] == pytest.approx(200.0)  # 20 % x 1 000 万元
        assert "idle.fee_rate" in r["rule"] and "2025-06-30" in r["reason"]
    else:
        assert r["idle_fee"] == 0
    days = (dt.date.fromisoformat(as_of) - dt.date(2025, 6, 30)).days
    assert r["idle_days"] == max(days, 0)
    assert r["recovery_candidate"] == (expected == "idle_recover")


@pytest.mark.parametrize("as_of, expected", [("2021-02-27", "start_overdue"), ("2021-02-28", "idle"),
                                             ("2021-03-01", "idle")])
def test_29_february_start_is_idle_on_28_february(as_of, expected):
    r = status_of(as_of, 约定开工日期="2020-02-29")
    assert r["status"] == expected
    assert str(r["idle_date"])[:10] == "2021-02-28"


@pytest.mark.parametrize("as_of, expected", [("2026-06-30", "start_overdue"), ("2026-07-01", "idle")])
def test_civil_code_counting_is_idle_the_day_after(as_of, expected):
    rules = load_rules(overrides={"idle.full_year_counting": "civil_code"})
    assert status_of(as_of, rules=rules, 约定开工日期="2025-06-30")["status"] == expected


def test_stalled_by_developed_area():
    # started, 已开发面积 2 500 of 10 000 m2 (1/4 < 1/3), investment unknown, suspended more than a year
    r = status_of("2026-06-30", 约定开工日期="2020-06-01", 实际开工日期="2020-05-01", 停工日期="2025-01-01",
                  已开发面积=2500)
    assert r["status"] == "stalled"
    assert r["developed_ratio"] == pytest.approx(0.25) and np.isnan(r["invested_ratio"])
    assert r["developed_source"] == "field" and not r["developed_estimated"]
    assert r["idle_days"] == (dt.date(2026, 6, 30) - dt.date(2025, 1, 1)).days
    assert r["idle_fee"] == pytest.approx(200.0) and r["fee_due"] == pytest.approx(200.0)
    assert "idle.stalled_developed_ratio" in r["rule"] and "25.0%" in r["reason"]


def test_stalled_by_investment_and_not_when_suspension_is_recent_or_ratios_are_high():
    common = dict(约定开工日期="2020-06-01", 实际开工日期="2020-05-01", 已开发面积=8000, 总投资=10000)
    r = status_of("2026-06-30", 停工日期="2025-01-01", 已投资=2000, **common)  # 80 % developed, 20 % invested
    assert r["status"] == "stalled" and r["invested_ratio"] == pytest.approx(0.2)
    assert r["developed_source"] == "field" and r["developed_ratio"] == pytest.approx(0.8)
    # suspended under a year: still in progress
    assert status_of("2026-06-30", 停工日期="2025-07-01", 已投资=2000, **common)["status"] == "in_progress"
    assert status_of("2026-06-30", 停工日期="2025-06-30", 已投资=2000, **common)["status"] == "stalled"
    # both ratios above the floors: in progress despite the suspension
    assert status_of("2026-06-30", 停工日期="2025-01-01", 已投资=3000, **common)["status"] == "in_progress"


def test_in_progress_completed_and_not_due():
    assert status_of("2026-06-30", 约定开工日期="2024-01-01", 实际开工日期="2024-02-01")["status"] == "in_progress"
    r = status_of("2026-06-30", 约定开工日期="2020-01-01", 实际开工日期="2020-02-01", 实际竣工日期="2022-02-01")
    assert r["status"] == "completed" and r["idle_fee"] == 0
    # a completion date after the audit date does not count yet
    r = status_of("2021-06-30", 约定开工日期="2020-01-01", 实际开工日期="2020-02-01", 实际竣工日期="2022-02-01")
    assert r["status"] == "in_progress"
    assert status_of("2026-06-30", 约定开工日期="2026-11-01")["status"] == "not_due"


def test_buildings_on_the_land_count_as_started_even_without_a_start_date():
    b = gpd.GeoDataFrame({"幢号": ["B1"]}, geometry=[box(X0, Y0, X0 + 60, Y0 + 60)], crs=CRS)
    r = status_of("2026-06-30", buildings=b, 约定开工日期="2022-01-01")
    assert r["status"] == "in_progress" and r["started"]
    # a building recorded as built after the audit date is not there yet
    b["建成日期"] = ["2027-01-01"]
    assert status_of("2026-06-30", buildings=b, 约定开工日期="2022-01-01")["status"] == "idle_recover"


def test_change_patches_and_buildings_united():
    b = gpd.GeoDataFrame({"幢号": ["B1"]}, geometry=[box(X0, Y0, X0 + 50, Y0 + 50)], crs=CRS)
    p = gpd.GeoDataFrame({"图斑编号": ["P1"]}, geometry=[box(X0 + 25, Y0, X0 + 75, Y0 + 50)], crs=CRS)
    r = supplied_not_used(supply(约定开工日期="2022-01-01"), b, as_of="2026-06-30", change_patches=p,
                          area_method="planar").iloc[0]
    assert r["developed_m2"] == pytest.approx(75 * 50)  # the 25 m x 50 m overlap counted once
    assert r["developed_source"] == "buildings+patches"


@pytest.mark.parametrize("code, clause", [("planning_revision", "第八条第一款第(二)项"), ("规划修改", "第八条第一款第(二)项"),
                                          ("force_majeure", "第八条第二款"), ("不可抗力", "第八条第二款"),
                                          (" Late_Handover ", "第八条第一款第(一)项")])
def test_a_coded_article_8_cause_is_reported_not_charged(code, clause):
    # agreed start 2026-01-01, not started, cause verified: as of 2026-06-30 the disposal is pending (< 1 year)
    r = status_of("2026-06-30", 约定开工日期="2026-01-01", 闲置原因代码=code, 延期原因="规划调整, 待重新核定条件")
    assert r["status"] == "exempt" and r["exempt_from"] == "start_overdue"
    assert r["delay_cause_clause"].startswith(clause)
    assert r["idle_fee"] == 0 and r["fee_due"] == 0 and not r["recovery_candidate"]
    assert "idle.delay_cause_codes[" + clause in r["rule"] and "not charged" in r["reason"]
    assert "pending since 2026-01-01" in r["reason"] and str(r["pending_since"])[:10] == "2026-01-01"
    assert "evidence only, not deciding" in r["reason"]


def test_missing_price_and_missing_agreed_date():
    r = status_of("2026-06-30", 约定开工日期="2024-01-01", 出让价款=None)
    assert r["status"] == "idle_recover" and np.isnan(r["idle_fee"])
    assert "missing" in r["reason"]
    r = status_of("2026-06-30")
    assert r["status"] == "undetermined" and "约定开工日期" in r["reason"]


def test_every_status_is_reachable_in_one_layer():
    rows = [dict(约定开工日期="2026-12-01"), dict(约定开工日期="2026-03-01"), dict(约定开工日期="2025-03-01"),
            dict(约定开工日期="2023-03-01"),
            dict(约定开工日期="2020-01-01", 实际开工日期="2020-01-01", 停工日期="2024-01-01", 总投资=100, 已投资=10),
            dict(约定开工日期="2020-01-01", 实际开工日期="2020-01-01"),
            dict(约定开工日期="2018-01-01", 实际开工日期="2018-01-01", 实际竣工日期="2020-01-01"),
            dict(约定开工日期="2026-03-01", 闲置原因代码="petition"), dict(),
            dict(约定开工日期="2023-03-01", 闲置原因代码="government_other"),
            dict(约定开工日期="2020-01-01", 实际开工日期="2020-01-01", 停工日期="2024-01-01"),
            dict(签订日期="2026-08-01", 约定开工日期="2023-03-01")]
    frames = []
    for i, f in enumerate(rows):
        g = supply(**f)
        g["合同编号"] = f"C{i}"
        frames.append(g)
    layer = gpd.GeoDataFrame(__import__("pandas").concat(frames, ignore_index=True), crs=CRS)
    r = supplied_not_used(layer, as_of="2026-06-30")
    assert r["status"].tolist() == ["not_due", "start_overdue", "idle", "idle_recover", "stalled", "in_progress",
                                    "completed", "exempt", "undetermined", "exempt_overdue", "suspended_undetermined",
                                    "not_yet_supplied"]
    assert set(r["status"]) == set(STATUSES)
    assert r["status_zh"].notna().all() and r["reason"].str.len().gt(10).all()
    assert r["idle_fee"].tolist()[:5] == [0, 0, 200, 200, 200]
    assert r["fee_due"].tolist()[:5] == [0, 0, 200, 0, 200]  # idle_recover: recovery stage, its fee not due


def test_as_of_is_required():
    with pytest.raises(TypeError, match="as_of"):
        supplied_not_used(supply(), as_of=None)


def test_footprints_on_a_shared_edge_count_once_and_only_where_they_stand():
    """Two 100 m x 100 m supplies side by side (x = 0..100 and 100..200). A 20 m x 10 m footprint drawn on
    the shared edge from the left overshoots it by 0.1 µm (floating-point noise): it is the left supply's
    200 m², whole, and nothing of the right one's. A footprint crossing the edge by 5 m is cut: 5 x 10 m each
    side of it."""
    from redline.overlay.idle import developed_area

    supplies = gpd.GeoDataFrame(geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)], crs="EPSG:4547")
    noise = gpd.GeoDataFrame(geometry=[box(80, 10, 100 + 1e-7, 20)], crs="EPSG:4547")
    dev = developed_area(supplies, noise)
    assert dev[0] == pytest.approx(200.0, abs=1e-5)
    assert dev[1] == 0.0  # not even the 1e-6 m² an exact intersection would leave: contact is not development
    real = gpd.GeoDataFrame(geometry=[box(95, 50, 105, 60)], crs="EPSG:4547")
    np.testing.assert_allclose(developed_area(supplies, real), [50.0, 50.0], atol=1e-9)
    both = gpd.GeoDataFrame(geometry=[box(80, 10, 100 + 1e-7, 20), box(95, 50, 105, 60)], crs="EPSG:4547")
    np.testing.assert_allclose(developed_area(supplies, both), [250.0, 50.0], atol=1e-5)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(1, 12), st.integers(1, 12),
                          st.integers(0, 4)), min_size=0, max_size=30))
def test_union_area_of_each_group_apart_touching_or_overlapping(boxes):
    """The shortcut (members whose boxes do not meet: area = sum) gives the area of the real union."""
    import shapely

    from redline.overlay import _engine

    geoms = np.array([box(x, y, x + w, y + h) for x, y, w, h, _ in boxes], dtype=object)
    groups = np.array([g for *_, g in boxes], dtype=np.int64)
    got = _engine.grouped_union_area(geoms, groups, 5)
    want = [shapely.union_all(geoms[groups == g]).area if (groups == g).any() else 0.0 for g in range(5)]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9)
