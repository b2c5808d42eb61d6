"""三区三线冲突: cases checkable on paper, the fast kernel against plain shapely, the Oregon growth boundaries."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, box

from redline.area import measure_area
from redline.boundaries._fast import overlay_pairs, subdivide
from redline.errors import ValidationError
from redline.farmland import conflicts, conflicts_by_unit
from redline.result import AuditLog
from redline.rules import load_rules

CRS = "EPSG:4545"  # CGCS2000 3-degree GK CM 108E, no zone prefix
X0, Y0 = 500000.0, 3500000.0


def frame(idcol, ids, geoms, crs=CRS, **cols):
    return gpd.GeoDataFrame({idcol: ids, **cols}, geometry=list(geoms), crs=crs)


def sq(x, y, w, h=None):
    return box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + (w if h is None else h))


def test_half_inside_square_is_5000_m2_and_7_5_mu():
    pbf = frame("farmland_id", ["F1"], [sq(0, 0, 100)])
    ugb = frame("boundary_id", ["G1"], [sq(50, -1000, 2000)])
    c_log = AuditLog()
    c = conflicts(pbf, ugb, area_method="planar", log=c_log)
    assert len(c) == 1
    row = c.iloc[0]
    assert (row.kind, row.farmland_id, row.boundary_id, row.left_id, row.right_id) == \
        ("farmland_growth", "F1", "G1", "F1", "G1")
    assert row.area_m2 == pytest.approx(5000.0)
    assert row.area_mu == pytest.approx(7.5)
    assert row.width_m == pytest.approx(2 * 5000 / 300)  # 50 x 100 strip
    assert not row.is_sliver
    assert row.yields == "growth_boundary"
    assert "城镇开发边界避让永久基本农田" in row.resolution_zh
    assert "farmland.conflict_max_area_m2" in row.rule
    assert row.geometry.equals(sq(50, 0, 50, 100))


def test_ellipsoidal_area_differs_from_planar_by_the_scale_factor_only():
    pbf = frame("farmland_id", ["F1"], [sq(0, 0, 100)])
    ugb = frame("boundary_id", ["G1"], [sq(50, -1000, 2000)])
    planar = conflicts(pbf, ugb, area_method="planar").area_m2.iloc[0]
    ell = conflicts(pbf, ugb).area_m2.iloc[0]
    assert ell == pytest.approx(planar, rel=1e-3)  # on the central meridian the GK scale is ~1
    exact = measure_area(gpd.GeoSeries([sq(50, 0, 50, 100)], crs=CRS)).iloc[0]
    assert ell == pytest.approx(exact, rel=1e-6)


def test_half_metre_overlap_is_a_sliver_and_listed():
    pbf = frame("farmland_id", ["F1", "F2"], [sq(0, 0, 100), sq(500, 0, 100)])
    ugb = frame("boundary_id", ["G1"], [sq(99.5, -50, 400, 200)])  # F1 overlaps 0.5 m x 100 m; F2 not
    c_log = AuditLog()
    c = conflicts(pbf, ugb, area_method="planar", log=c_log)
    assert list(c.farmland_id) == ["F1"]
    row = c.iloc[0]
    assert row.area_m2 == pytest.approx(50.0)
    assert row.width_m == pytest.approx(2 * 50 / 201)
    assert row.is_sliver
    assert row.sliver_reason == "宽度 0.50 m < 2 m"  # 2 x 50 / 201; the area, 50 m2, is not < 50 m2
    assert "sliver_max_width_m" in row.rule
    assert row.resolution_zh.startswith("疑似数字化碎片")


def test_sliver_thresholds_come_from_the_rules():
    pbf = frame("farmland_id", ["F1"], [sq(0, 0, 100)])
    ugb = frame("boundary_id", ["G1"], [sq(99.5, -50, 400, 200)])
    rules = load_rules().with_overrides({"farmland.sliver_max_width_m": 0.1})
    row = conflicts(pbf, ugb, area_method="planar", rules=rules).iloc[0]
    assert not row.is_sliver
    assert row.rule.startswith("cn-national@2026.1+local")


def test_growth_eco_and_farmland_eco_with_precedence():
    pbf = frame("farmland_id", ["F1"], [sq(0, 0, 100)])
    ugb = frame("boundary_id", ["G1"], [sq(1000, 0, 100)])
    eco = frame("redline_id", ["E1"], [sq(80, 0, 1100, 50)])  # 20 x 50 over F1, 100 x 50 over G1
    c_log = AuditLog()
    c = conflicts(pbf, ugb, eco, area_method="planar", log=c_log)
    assert list(c.kind) == ["farmland_eco", "growth_eco"]
    fe, ge = c.iloc[0], c.iloc[1]
    assert (fe.farmland_id, fe.redline_id) == ("F1", "E1") and pd.isna(fe.boundary_id)
    assert fe.area_m2 == pytest.approx(1000.0)
    assert fe.yields == "farmland" and "生态保护红线优先" in fe.resolution_zh
    assert (ge.boundary_id, ge.redline_id) == ("G1", "E1") and pd.isna(ge.farmland_id)
    assert ge.area_m2 == pytest.approx(5000.0)
    assert ge.yields == "growth_boundary"
    assert list(c.conflict_id) == ["FE-00001", "GE-00001"]


def test_disconnected_overlap_gives_one_row_per_part():
    # a U-shaped boundary overlapping one farmland patch in two separate places
    u = Polygon([(X0, Y0), (X0 + 300, Y0), (X0 + 300, Y0 + 300), (X0 + 200, Y0 + 300), (X0 + 200, Y0 + 100),
                 (X0 + 100, Y0 + 100), (X0 + 100, Y0 + 300), (X0, Y0 + 300)])
    pbf = frame("farmland_id", ["F1"], [sq(50, 200, 200, 50)])
    c_log = AuditLog()
    c = conflicts(pbf, frame("boundary_id", ["G1"], [u]), area_method="planar", log=c_log)
    assert list(c.part) == [1, 2]
    assert c.area_m2.tolist() == pytest.approx([2500.0, 2500.0])


def test_patch_wholly_inside_equals_the_exact_intersection():
    big = shapely.Point(X0, Y0).buffer(5000, 256)  # 1 000+ vertices: subdivided
    patches = [sq(-100, -100, 37, 53), sq(100, 200, 80), sq(4990, 0, 30, 10)]  # 2 inside, 1 across the edge
    pbf = frame("farmland_id", ["A", "B", "C"], patches)
    c_log = AuditLog()
    c = conflicts(pbf, frame("boundary_id", ["G"], [big]), area_method="planar", log=c_log).set_index("farmland_id")
    for fid, g in zip("ABC", patches, strict=True):
        assert c.loc[fid, "area_m2"] == pytest.approx(shapely.intersection(g, big).area, rel=1e-12)
    assert c.loc["A", "geometry"].equals(patches[0])


def test_subdivided_boundary_gives_one_row_per_overlap_with_the_same_areas():
    big = shapely.Point(X0, Y0).buffer(3000, 512)
    rng = np.random.default_rng(7)
    x, y = rng.uniform(-3200, 3000, 400), rng.uniform(-3200, 3000, 400)
    pbf = frame("farmland_id", [f"F{i}" for i in range(400)], shapely.box(X0 + x, Y0 + y, X0 + x + 150, Y0 + y + 90))
    ugb = frame("boundary_id", ["G"], [big])
    fine = conflicts(pbf, ugb, area_method="planar", max_vertices=32)
    whole = conflicts(pbf, ugb, area_method="planar", max_vertices=0)
    assert len(fine) == len(whole) > 100
    pd.testing.assert_series_equal(fine.farmland_id, whole.farmland_id)
    np.testing.assert_allclose(fine.area_m2, whole.area_m2, rtol=1e-9)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), nvert=st.integers(40, 600), limit=st.sampled_from([8, 16, 64]))
def test_fast_kernel_area_equals_plain_shapely(seed, nvert, limit):
    rng = np.random.default_rng(seed)
    ang = np.sort(rng.uniform(0, 2 * np.pi, nvert))
    r = 1000 * (1 + 0.4 * np.sin(5 * ang) + 0.2 * rng.uniform(size=nvert))
    big = shapely.make_valid(Polygon(np.c_[r * np.cos(ang), r * np.sin(ang)]))
    n = 150
    x, y = rng.uniform(-1500, 1500, n), rng.uniform(-1500, 1500, n)
    small = shapely.box(x, y, x + rng.uniform(1, 200, n), y + rng.uniform(1, 200, n))
    pairs = overlay_pairs(small, [big], max_vertices=limit, threads=2)
    got = np.zeros(n)
    np.add.at(got, pairs["small"].to_numpy(), shapely.area(pairs["geometry"].to_numpy()))
    want = shapely.area(shapely.intersection(small, big))
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-6)
    assert not pairs.duplicated(["small", "big"]).any()  # pieces merged back: one row per pair
    # the pieces tile the polygon
    pieces, parent = subdivide([big], limit)
    assert shapely.area(pieces).sum() == pytest.approx(big.area, rel=1e-9)
    assert (shapely.get_num_coordinates(pieces) <= limit).all()
    assert (parent == 0).all()


def test_inputs_are_not_modified_and_nothing_disappears():
    pbf = frame("farmland_id", ["F1", "F2", "F3"], [sq(0, 0, 100), None, sq(10, 10, 5)])
    ugb = frame("boundary_id", ["G1"], [sq(50, -1000, 2000)])
    before = pbf.copy()
    c_log = AuditLog()
    c = conflicts(pbf, ugb, area_method="planar", log=c_log)
    pd.testing.assert_frame_equal(pbf, before)
    rej = c_log.rejected
    assert [r["feature_id"] for r in rej] == ["F2"]
    assert set(c.farmland_id) == {"F1"}


def test_duplicate_ids_and_missing_crs_are_reported():
    pbf = frame("farmland_id", ["F1", "F1"], [sq(0, 0, 100), sq(200, 0, 100)])
    ugb = frame("boundary_id", ["G1"], [sq(50, -1000, 2000)])
    with pytest.raises(ValidationError, match="F1"):
        conflicts(pbf, ugb)
    with pytest.raises(ValidationError, match="coordinate reference system"):
        conflicts(frame("farmland_id", ["F1"], [sq(0, 0, 100)], crs=None), ugb)


def test_admin_unit_and_summary_split_by_area():
    west, east = sq(-5000, -5000, 5050, 10000), sq(50, -5000, 5000, 10000)  # border at x = 50
    admin = frame("admin_code", ["411501", "411502"], [west, east], admin_name=["西区", "东区"])
    pbf = frame("farmland_id", ["F1", "F2"], [sq(0, 0, 100), sq(2000, 0, 100, 0.5)])
    ugb = frame("boundary_id", ["G1"], [sq(20, -1000, 3000)])
    c_log = AuditLog()
    c = conflicts(pbf, ugb, admin=admin, area_method="planar", log=c_log)
    f1 = c.set_index("farmland_id").loc["F1"]
    assert f1.area_m2 == pytest.approx(8000.0)  # x 20..100
    assert f1.admin_code == "411502"  # 50 x 100 east of the border, 30 x 100 west
    by = conflicts_by_unit(c, admin, area_method="planar").set_index("admin_code")
    assert by.loc["411501", "farmland_growth_m2"] == pytest.approx(3000.0)
    assert by.loc["411502", "farmland_growth_m2"] == pytest.approx(5000.0 + 50.0)
    assert by.loc["411502", "sliver_count"] == 1 and by.loc["411502", "sliver_m2"] == pytest.approx(50.0)
    assert by.loc["411502", "conflict_count"] == 1 and by.loc["411502", "conflict_mu"] == pytest.approx(7.5)
    assert by.loc["411501", "n_farmland_growth"] == 1 and by.loc["411501", "n_farmland_eco"] == 0


def test_no_overlap_gives_an_empty_layer_with_the_documented_fields():
    pbf = frame("farmland_id", ["F1"], [sq(0, 0, 100)])
    ugb = frame("boundary_id", ["G1"], [sq(100, 0, 100)])  # touching only
    c_log = AuditLog()
    c = conflicts(pbf, ugb, area_method="planar", log=c_log)
    assert len(c) == 0
    assert {"kind", "farmland_id", "boundary_id", "area_m2", "area_mu", "is_sliver", "resolution_zh",
            "rule"} <= set(c.columns)


# --- real data: the Oregon urban growth boundaries (NAD27 / UTM 10N) ------------------------------------------

@pytest.fixture(scope="module")
def ugb(request):
    from redline.io import read_layer

    path = request.config.rootpath / "tests" / "data" / "oregon_ugb" / "ugb.geojson"
    g = read_layer(path)
    return g.rename(columns={"NAME": "name"}).assign(boundary_id=lambda d: d["name"])


def test_oregon_ugb_areas_and_working_crs(ugb):
    from redline.crs import choose_working_crs

    km2 = dict(zip(ugb["name"], measure_area(ugb) / 1e6, strict=True))
    truth = {"Eugene/Springfield": 198.67, "Veneta": 6.63, "Creswell": 5.33, "Lowell": 3.06, "Coburg": 2.64}
    for name, want in truth.items():
        assert km2[name] == pytest.approx(want, abs=0.011)
    # outside China, geographic input is measured in the UTM zone, never in a Chinese GK zone
    work = choose_working_crs([ugb.to_crs("EPSG:4326")])
    assert work.crs.to_epsg() == 32610
    assert choose_working_crs([ugb]).crs.to_epsg() == 26710  # its own metric CRS is kept


def test_oregon_ugb_as_growth_boundary_against_generated_farmland(ugb):
    # farmland: a 400 m grid of 300 m squares around Veneta and Coburg, in WGS84 like a field survey
    sub = ugb[ugb["name"].isin(["Veneta", "Coburg"])].reset_index(drop=True)
    xmin, ymin, xmax, ymax = sub.total_bounds
    xs, ys = np.meshgrid(np.arange(xmin - 1000, xmax + 1000, 400), np.arange(ymin - 1000, ymax + 1000, 400))
    cells = shapely.box(xs.ravel(), ys.ravel(), xs.ravel() + 300, ys.ravel() + 300)
    near = shapely.distance(cells, shapely.union_all(sub.geometry.values)) < 500
    cells = cells[near]
    pbf = gpd.GeoDataFrame({"farmland_id": [f"F{i}" for i in range(len(cells))]}, geometry=cells,
                           crs=ugb.crs).to_crs("EPSG:4326")
    c_log = AuditLog()
    c = conflicts(pbf, sub, area_method="planar", log=c_log)
    assert c.crs.to_epsg() == 32610  # WGS84 UTM 10N: mixed CRSs brought to the zone covering the data
    assert set(c.boundary_id) == {"Veneta", "Coburg"}
    # same total as a plain intersection in that CRS
    p = pbf.to_crs(32610)
    s = sub.to_crs(32610)
    want = sum(shapely.area(shapely.intersection(p.geometry.values, g)).sum() for g in s.geometry.values)
    assert c.area_m2.sum() == pytest.approx(want, rel=1e-9)
    assert (c.area_mu * 10000 / 15).to_numpy() == pytest.approx(c.area_m2.to_numpy())


def test_lines_sharing_an_edge_are_not_slivers():
    # farmland ending exactly on the boundary: the intersection is a line or round-off, not a conflict
    import geopandas as gpd
    from shapely.geometry import Polygon

    from redline.farmland import conflicts

    fl = gpd.GeoDataFrame({"farmland_id": ["F1"]}, crs="EPSG:4547",
                          geometry=[Polygon([(500000.1, 3500000), (500100.3, 3500000.7), (500100.3, 3500100),
                                             (500000.1, 3500100)])])
    gb = gpd.GeoDataFrame({"boundary_id": ["G1"]}, crs="EPSG:4547",
                          geometry=[Polygon([(500100.3, 3500000.7), (500200, 3500000), (500200, 3500100),
                                             (500100.3, 3500100)])])
    out = conflicts(fl, gb)
    assert len(out) == 0 or (out["area_m2"] >= 0.01).all()


def test_resolution_texts_follow_the_2019_precedence():
    """DOMAIN §2/§7: the eco red line keeps its area; PBF leaves the overlap and is replaced outside the line;
    the growth boundary gives way to both. No text may move land out of the red line."""
    pbf = frame("farmland_id", ["F1", "F2"], [sq(0, 0, 100), sq(2000, 0, 100)])
    ugb = frame("boundary_id", ["G1", "G2"], [sq(1000, 0, 100), sq(2050, 0, 100)])  # G2: half over F2
    eco = frame("redline_id", ["E1"], [sq(80, 0, 1100, 50)])
    c_log = AuditLog()
    c = conflicts(pbf, ugb, eco, area_method="planar", log=c_log).set_index("kind")
    fe, ge, fg = c.loc["farmland_eco"], c.loc["growth_eco"], c.loc["farmland_growth"]
    assert "生态保护红线面积不减少" in fe.resolution_zh and "调出永久基本农田" in fe.resolution_zh
    assert "在生态保护红线外" in fe.resolution_zh and "补划永久基本农田" in fe.resolution_zh
    for row in (fe, ge, fg):
        assert "调出生态保护红线" not in row.resolution_zh and "out of the red line" not in row.resolution_en
    assert "保留在生态保护红线内" in ge.resolution_zh and "调出开发边界" in ge.resolution_zh
    assert "保留为永久基本农田" in fg.resolution_zh and "调出开发边界" in fg.resolution_zh
    assert fe.yields == "farmland" and ge.yields == "growth_boundary" and fg.yields == "growth_boundary"
