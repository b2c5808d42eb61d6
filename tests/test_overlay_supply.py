"""批而未供, 存量供地 and 供地率 on small cases checked on paper, plus the area invariant under hypothesis."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, box

from redline.overlay import approved_not_supplied, overlay_areas, supply_outside_approvals, supply_rate
from redline.overlay._engine import grouped_union, remnants, subdivide
from redline.result import AuditLog
from redline.rules import load_rules

CRS = "EPSG:4547"  # CGCS2000 3-degree GK, CM 114E; x = 500 000 is the central meridian (scale 1)
X0, Y0 = 500000.0, 3800000.0


def approvals(*rows, crs=CRS):
    """rows: (id, date, geometry[, district])"""
    data = {"批准文号": [r[0] for r in rows], "批准日期": [r[1] for r in rows]}
    if rows and len(rows[0]) > 3:
        data["所在区县"] = [r[3] for r in rows]
    return gpd.GeoDataFrame(data, geometry=[r[2] for r in rows], crs=crs)


def supplies(*rows, crs=CRS):
    """rows: (id, geometry)"""
    return gpd.GeoDataFrame({"合同编号": [r[0] for r in rows], "签订日期": ["2021-01-05"] * len(rows)},
                            geometry=[r[1] for r in rows], crs=crs)


def sq(x, y, w, h=None):
    return box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + (w if h is None else h))


@pytest.mark.parametrize("method", ["planar", "ellipsoidal"])
def test_sixty_percent_supplied_leaves_six_mu(method):
    a = approvals(("A", "2020-03-01", sq(0, 0, 100)))
    s = supplies(("S", sq(0, 0, 60, 100)))
    r_log = AuditLog()
    r = approved_not_supplied(a, s, as_of="2026-06-30", area_method=method, log=r_log).iloc[0]
    tol = 1e-6 if method == "planar" else 0.05  # ellipsoidal: the GK scale at 114E is ~1 within 1e-5
    assert r["approved_m2"] == pytest.approx(10000, abs=tol)
    assert r["supplied_m2"] == pytest.approx(6000, abs=tol)
    assert r["unsupplied_m2"] == pytest.approx(4000, abs=tol)
    assert r["unsupplied_mu"] == pytest.approx(6.0, abs=tol / 666)
    assert r["supply_rate"] == pytest.approx(0.6, abs=1e-6)
    assert r["unsupplied_kind"] == "land" and r["sliver_m2"] == 0
    assert r["geometry"].area == pytest.approx(4000)  # the unsupplied east 40 m
    assert r["geometry"].bounds == pytest.approx((X0 + 60, Y0, X0 + 100, Y0 + 100))
    assert r["approval_age_years"] == 6 and r["approval_year"] == 2020
    assert "cn-national@2026.1" in r["rule"] and "geometry.sliver_max_area_m2" in r["rule"]
    log = AuditLog()
    approved_not_supplied(a, s, as_of="2026-06-30", area_method=method, log=log)
    assert log.area_method == method and log.working_crs.startswith("EPSG:4547")


def test_ellipsoidal_differs_from_planar_off_the_central_meridian():
    # 150 km east of the central meridian the GK scale factor is ~1.00028: planar overstates area by ~0.055 %
    a = approvals(("A", "2020-03-01", box(650000, Y0, 650100, Y0 + 100)))
    s = supplies(("S", box(650000, Y0, 650060, Y0 + 100)))
    pl = approved_not_supplied(a, s, area_method="planar").iloc[0]
    el = approved_not_supplied(a, s, area_method="ellipsoidal").iloc[0]
    assert pl["unsupplied_m2"] == pytest.approx(4000)
    assert 0.0003 < 1 - el["unsupplied_m2"] / pl["unsupplied_m2"] < 0.0008
    assert el["supply_rate"] == pytest.approx(0.6)


def test_overlapping_supplies_are_not_counted_twice():
    a = approvals(("A", "2020-03-01", sq(0, 0, 200, 100)))
    s = supplies(("S1", sq(0, 0, 120, 100)), ("S2", sq(80, 0, 120, 100)))  # overlap 40 m x 100 m
    r_log = AuditLog()
    r = approved_not_supplied(a, s, area_method="planar", log=r_log).iloc[0]
    assert r["supplied_m2"] == pytest.approx(20000)  # not 24 000
    assert r["unsupplied_m2"] == 0 and r["unsupplied_kind"] == "none" and r["supply_rate"] == 1.0
    assert r["supplies_n"] == 2 and r["geometry"].is_empty and r["sliver_parts"] == 0


def test_supply_outside_approvals_is_reported_not_lost():
    a = approvals(("A", "2020-03-01", sq(0, 0, 100)))
    s = supplies(("inside", sq(0, 0, 50, 100)), ("crossing", sq(90, 0, 30, 100)), ("stock", sq(500, 500, 50)))
    out = supply_outside_approvals(a, s, area_method="planar").set_index("supply_id")
    assert sorted(out.index) == ["crossing", "stock"]
    assert out.loc["crossing", "outside_m2"] == pytest.approx(2000)
    assert out.loc["crossing", "inside_m2"] == pytest.approx(1000)
    assert out.loc["stock", "outside_m2"] == pytest.approx(2500) and out.loc["stock", "approvals_n"] == 0
    assert out.loc["stock", "outside_mu"] == pytest.approx(2500 / (10000 / 15))
    for _, row in out.iterrows():
        assert row["supply_m2"] == pytest.approx(row["inside_m2"] + row["outside_m2"] + row["outside_sliver_m2"])
    r_log = AuditLog()
    r = approved_not_supplied(a, s, area_method="planar", log=r_log).iloc[0]
    assert r["supplied_m2"] == pytest.approx(6000)  # 50 m + the 10 m of "crossing" inside the approval


@pytest.mark.parametrize("gap, kind", [
    ((0.3, 100), "sliver"),   # 0.3 m x 100 m = 30 m2 > 10 m2 but thinner than 1 m
    ((2, 2), "sliver"),       # a 2 m x 2 m corner: 4 m2 < 10 m2
    ((5, 100), "land"),       # a 5 m strip is land
])
def test_sliver_remnants(gap, kind):
    w, h = gap
    a = approvals(("A", "2020-03-01", sq(0, 0, 100)))
    # supply covers everything but a w x h piece in the north-east corner
    s = supplies(("S", shapely.difference(sq(0, 0, 100), sq(100 - w, 100 - h, w, h))))
    r_log = AuditLog()
    r = approved_not_supplied(a, s, area_method="planar", log=r_log).iloc[0]
    assert r["unsupplied_kind"] == kind
    if kind == "sliver":
        assert r["sliver_m2"] == pytest.approx(w * h) and r["unsupplied_m2"] == 0 and r["geometry"].is_empty
        assert r["supply_rate"] == pytest.approx(1.0)
    else:
        assert r["unsupplied_m2"] == pytest.approx(w * h) and r["sliver_m2"] == 0
    assert r["approved_m2"] == pytest.approx(r["supplied_m2"] + r["unsupplied_m2"] + r["sliver_m2"])


def test_sliver_thresholds_come_from_the_rules():
    a = approvals(("A", "2020-03-01", sq(0, 0, 100)))
    s = supplies(("S", sq(0, 0, 98, 100)))  # a 2 m x 100 m strip
    assert approved_not_supplied(a, s).iloc[0]["unsupplied_kind"] == "land"
    rules = load_rules(overrides={"geometry.sliver_max_width_m": 3.0})
    assert approved_not_supplied(a, s, rules=rules).iloc[0]["unsupplied_kind"] == "sliver"


def test_no_supplies_means_nothing_supplied_and_ids_kept():
    a = approvals(("A1", "2020-03-01", sq(0, 0, 100)), ("A2", "2021-03-01", sq(300, 0, 50)))
    empty = supplies()
    for s in (empty, None):
        r_log = AuditLog()
        r = approved_not_supplied(a, s, area_method="planar", log=r_log)
        assert r["approval_id"].tolist() == ["A1", "A2"]
        assert r["unsupplied_m2"].tolist() == pytest.approx([10000, 2500])
        assert (r["supply_rate"] == 0).all()


def test_big_approvals_are_subdivided_with_the_same_answer():
    circle = shapely.Point(X0, Y0).buffer(500, quad_segs=256)  # 1 025 vertices
    a = approvals(("A", "2020-03-01", circle))
    s = supplies(*[(f"S{i}", sq(-500 + 100 * i, -50, 60, 100)) for i in range(10)])
    r_log = AuditLog()
    r = approved_not_supplied(a, s, area_method="planar", log=r_log).iloc[0]
    expected_supplied = shapely.intersection(circle, shapely.union_all(s.geometry.values)).area
    assert r["supplied_m2"] == pytest.approx(expected_supplied, abs=1e-6)
    assert r["unsupplied_m2"] == pytest.approx(circle.area - expected_supplied, abs=1e-6)
    assert r["geometry"].area == pytest.approx(circle.area - expected_supplied, abs=1e-6)
    pieces, parent = subdivide(np.array([circle]), 64)
    assert len(pieces) > 1 and (parent == 0).all()
    assert shapely.area(pieces).sum() == pytest.approx(circle.area)
    assert (shapely.get_num_coordinates(pieces) <= 64).all()


def test_grouped_union_groups_of_every_size():
    geoms = np.array([sq(i * 10, 0, 15, 10) for i in range(12)])
    groups = np.array([0] + [1] * 2 + [2] * 4 + [4] * 5)
    out = grouped_union(geoms, groups, 5)
    assert out[3] is None
    assert out[0].equals(geoms[0])
    assert out[1].area == pytest.approx(250) and out[2].area == pytest.approx(450)
    assert out[4].area == pytest.approx(550)  # x 70..125


def test_overlay_areas_pairs_sum_across_partitions():
    a = gpd.GeoDataFrame({"aid": ["A", "B"]}, geometry=[sq(0, 0, 100), sq(200, 0, 100)], crs=CRS)
    s = gpd.GeoDataFrame({"sid": [f"S{i}" for i in range(6)]},
                         geometry=[sq(50 * i, 20, 60, 20) for i in range(6)], crs=CRS)
    whole = overlay_areas(a, s, left_id="aid", right_id="sid").groupby("aid").area_m2.sum()
    parts = pd.concat([overlay_areas(a, s.iloc[:3], left_id="aid", right_id="sid"),
                       overlay_areas(a, s.iloc[3:], left_id="aid", right_id="sid")]).groupby("aid").area_m2.sum()
    pd.testing.assert_series_equal(whole, parts)
    covered = overlay_areas(a, s, left_id="aid", how="covered").set_index("aid")
    assert covered.loc["A", "covered_m2"] == pytest.approx(100 * 20)
    assert covered.loc["B", "covered_m2"] == pytest.approx(100 * 20)
    with pytest.raises(ValueError, match="pairs, covered"):
        overlay_areas(a, s, left_id="aid", how="dissolve")


# -- the invariant, on random layers -------------------------------------------------------------------------------

coord = st.integers(min_value=0, max_value=40).map(lambda v: v * 5.0)


@st.composite
def rect(draw):
    x, y = draw(coord), draw(coord)
    w, h = draw(st.integers(1, 20)) * 5.0, draw(st.integers(1, 20)) * 5.0
    return sq(x, y, w, h)


@st.composite
def poly(draw):
    """A rectangle or a (valid) random star-shaped polygon."""
    if draw(st.booleans()):
        return draw(rect())
    cx, cy, r = draw(coord), draw(coord), draw(st.integers(5, 60)) * 1.0
    k = draw(st.integers(3, 9))
    radii = draw(st.lists(st.floats(0.3, 1.0), min_size=k, max_size=k))
    ang = np.linspace(0, 2 * np.pi, k, endpoint=False)
    pts = [(X0 + cx + r * q * np.cos(t), Y0 + cy + r * q * np.sin(t)) for q, t in zip(radii, ang, strict=True)]
    return Polygon(pts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(poly(), min_size=1, max_size=6), st.lists(poly(), min_size=0, max_size=10))
def test_invariant_approved_equals_supplied_plus_unsupplied(a_geoms, s_geoms):
    a = approvals(*[(f"A{i}", "2019-05-01", g) for i, g in enumerate(a_geoms)])
    s = supplies(*[(f"S{i}", g) for i, g in enumerate(s_geoms)])
    r_log = AuditLog()
    r = approved_not_supplied(a, s, area_method="planar", as_of="2026-06-30", log=r_log)
    tol = load_rules().value("geometry.area_tolerance_m2")
    assert r["approval_id"].tolist() == a["批准文号"].tolist()  # no approval lost, order kept
    union = shapely.union_all(s.geometry.values) if len(s) else shapely.Polygon()
    for geom, (_, row) in zip(a.geometry, r.iterrows(), strict=True):
        assert row["approved_m2"] == pytest.approx(geom.area, abs=tol)
        # supplied computed independently here: approval ∩ union of every supply
        assert row["supplied_m2"] == pytest.approx(shapely.intersection(geom, union).area, abs=tol)
        assert abs(row["approved_m2"] - row["supplied_m2"] - row["unsupplied_m2"] - row["sliver_m2"]) <= tol
        assert 0.0 <= row["supply_rate"] <= 1.0
        assert row["geometry"].area == pytest.approx(row["unsupplied_m2"], abs=tol)
    # no fallback or repair note; an empty supplies layer is said to be empty
    assert r_log.notes == ([] if s_geoms else ["[supplies] the layer has no features: it is read as holding nothing "
                                               "(no farmland, no approval, ...) -- fix: check the file and the layer "
                                               "name (FILE:LAYER)"])
    out = supply_outside_approvals(a, s, area_method="planar", include_slivers=True)
    a_union = shapely.union_all(a.geometry.values)
    for _, row in out.iterrows():
        g = s.geometry[s["合同编号"] == row["supply_id"]].iloc[0]
        assert row["outside_m2"] + row["outside_sliver_m2"] == pytest.approx(shapely.difference(g, a_union).area,
                                                                            abs=tol)
    listed = set(out["supply_id"])
    for sid, g in zip(s["合同编号"], s.geometry, strict=True):
        if shapely.difference(g, a_union).area > tol:
            assert sid in listed


def test_remnants_covered_is_computed_independently():
    left = np.array([sq(0, 0, 100)])
    right = np.array([sq(0, 0, 50, 100), sq(25, 0, 50, 100), sq(90, 90, 50)])
    res = remnants(left, right)
    assert res.covered[0] == pytest.approx(7500 + 100)
    assert shapely.area(res.remnant[0]) == pytest.approx(10000 - 7600)
    assert res.partners[0] == 3


# -- 供地率 -------------------------------------------------------------------------------------------------------


def _rate_case():
    # district 东区: 2021 approval 100 % supplied, 2025 approval 0 % -> five-year rate 50 % < 60 %
    # district 西区: 2023 approval 80 % supplied; a 2018 approval (outside the 2021-2025 window) unsupplied
    a = approvals(("E1", "2021-05-01", sq(0, 0, 100), "东区"), ("E2", "2025-02-01", sq(200, 0, 100), "东区"),
                  ("W1", "2023-07-01", sq(400, 0, 100), "西区"), ("W2", "2018-01-01", sq(600, 0, 100), "西区"))
    s = supplies(("S1", sq(0, 0, 100)), ("S2", sq(400, 0, 80, 100)))
    return a, s


def test_supply_rate_by_year_district_and_windows():
    a, s = _rate_case()
    r_log = AuditLog()
    r = supply_rate(a, s, as_of="2026-06-30", area_method="planar", log=r_log)
    long = r[r.period_kind == "long"].set_index("district")
    assert long.loc["东区", "supply_rate"] == pytest.approx(0.5) and bool(long.loc["东区", "below_min"])
    assert long.loc["西区", "supply_rate"] == pytest.approx(0.8) and not bool(long.loc["西区", "below_min"])
    assert long.loc["全部", "supply_rate"] == pytest.approx(18000 / 30000)
    assert not bool(long.loc["全部", "below_min"])  # exactly 60 % is not under 60 %
    assert long.loc["东区", "period"] == "近5年 2021–2025"
    assert long.loc["东区", "period_start"] == pd.Timestamp("2021-01-01")
    assert "supply_rate.min_rate_5y" in long.loc["东区", "rule"]
    recent = r[r.period_kind == "recent"].set_index("district")
    assert recent.loc["东区", "supply_rate"] == 0 and recent.loc["东区", "approvals_n"] == 1
    assert recent.loc["西区", "approvals_n"] == 0 and np.isnan(recent.loc["西区", "supply_rate"])
    years = r[(r.period_kind == "year") & (r.district == "西区")].set_index("period")
    assert years.loc["2018", "supply_rate"] == 0 and years.loc["2023", "supplied_mu"] == pytest.approx(12)
    assert any("东区" in n for n in r_log.notes)


def test_supply_rate_from_a_result_with_admin_units_and_rolling_windows():
    a, s = _rate_case()
    ans = approved_not_supplied(a, s, as_of="2026-06-30", area_method="planar")
    admin = gpd.GeoDataFrame({"行政区代码": ["411528100", "411528101"], "行政区名称": ["城关镇", "包信镇"]},
                             geometry=[sq(-10, -10, 350, 200), sq(340, -10, 500, 200)], crs=CRS)
    r_log = AuditLog()
    r = supply_rate(ans, admin=admin, as_of="2026-06-30", log=r_log)
    long = r[r.period_kind == "long"].set_index("district")
    assert set(long.index) == {"城关镇", "包信镇", "全部"}
    assert long.loc["城关镇", "supply_rate"] == pytest.approx(0.5)
    assert long.loc["城关镇", "geometry"].equals(admin.geometry[0])
    rolling = load_rules(overrides={"supply_rate.window_mode": "rolling"})
    r2 = supply_rate(ans, as_of="2026-06-30", rules=rolling, by=("district",))
    assert set(r2.period_kind) == {"recent", "long"}
    rec = r2[r2.period_kind == "recent"].set_index("district")
    assert rec.loc["东区", "period_start"] == pd.Timestamp("2025-07-01")
    assert rec.loc["东区", "approvals_n"] == 0  # 2025-02-01 is more than a year before 2026-06-30
    with pytest.raises(ValueError, match="year and/or district"):
        supply_rate(ans, by=("month",))
    with pytest.raises(ValueError, match="missing columns"):
        supply_rate(a)


def test_robust_retries_failing_items_on_a_grid():
    from redline.overlay._engine import robust

    calls = []

    def flaky(a, b, grid_size=None):
        calls.append(grid_size)
        if grid_size is None and (np.ndim(a) or a.area > 50):
            raise shapely.errors.GEOSException("TopologyException: side location conflict")
        return shapely.intersection(a, b, grid_size=grid_size)

    a = np.array([sq(0, 0, 5), sq(0, 0, 10)])
    b = np.array([sq(0, 0, 2), sq(0, 0, 4)])
    out = robust(flaky, a, b)
    assert [g.area for g in out] == pytest.approx([4, 16])
    assert calls == [None, None, None, 1e-6]  # the array, item 1, item 2 failed, item 2 on the 1 µm grid
