"""Coordinates and area: never measured in degrees or Web Mercator; ellipsoidal truth within 0.1 %."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box

import redline
from redline.crs import cgcs2000_zone_epsg, check_crs, choose_working_crs
from redline.io import read_layer_with_info
from redline.result import AuditLog
from redline.units import M2_PER_MU

# GRS 1980 / CGCS2000 ellipsoid
A = 6378137.0
F = 1 / 298.257222101
E2 = F * (2 - F)
E = math.sqrt(E2)
B2 = A * A * (1 - E2)


def _q(phi):
    s = math.sin(phi)
    return s / (1 - E2 * s * s) + (1 / (2 * E)) * math.log((1 + E * s) / (1 - E * s))


def lat_lon_cell_area(lon0, lat0, lon1, lat1):
    """Closed-form area (m^2) on the ellipsoid of the cell bounded by two meridians and two parallels."""
    return abs(math.radians(lon1 - lon0)) * B2 / 2 * abs(_q(math.radians(lat1)) - _q(math.radians(lat0)))


def cell(lon0, lat0, lon1, lat1, n=200):
    """The cell as a polygon whose edges follow the parallels (densified)."""
    return shapely.segmentize(box(lon0, lat0, lon1, lat1), (lon1 - lon0) / n)


CELLS = [(114.60, 32.30, 114.65, 32.34), (119.90, 31.70, 120.00, 31.80), (86.0, 44.0, 86.2, 44.1)]


@pytest.mark.parametrize("bounds", CELLS)
def test_geodesic_area_matches_closed_form(bounds):
    truth = lat_lon_cell_area(*bounds)
    got = redline.measure_area(gpd.GeoSeries([cell(*bounds)], crs="EPSG:4490")).iloc[0]
    assert got == pytest.approx(truth, rel=1e-6)


@pytest.mark.parametrize("bounds", CELLS)
@pytest.mark.parametrize("source_crs", ["EPSG:4490", "EPSG:4326", "EPSG:3857"])
@pytest.mark.parametrize("method", ["ellipsoidal", "planar"])
def test_geographic_and_web_mercator_inputs_measure_right(bounds, source_crs, method):
    truth = lat_lon_cell_area(*bounds)
    layer = gpd.GeoSeries([cell(*bounds)], crs="EPSG:4490").to_crs(source_crs)
    got = redline.measure_area(layer, method=method).iloc[0]
    assert got == pytest.approx(truth, rel=1e-3), f"{source_crs} {method}"


def test_web_mercator_raw_area_would_be_wrong():
    # the trap the test above guards against: Mercator's own units overstate area by ~1/cos^2(lat)
    bounds = CELLS[0]
    merc = gpd.GeoSeries([cell(*bounds)], crs="EPSG:4490").to_crs("EPSG:3857")
    assert merc.area.iloc[0] / lat_lon_cell_area(*bounds) > 1.3


def test_area_in_mu_and_the_method_logged():
    square = gpd.GeoSeries([box(500000, 3500000, 500100, 3500100)], crs="EPSG:4547")
    mu = redline.measure_area(square, method="planar", unit="mu", log=(log := AuditLog()))
    assert mu.name == "area_mu" and mu.iloc[0] == pytest.approx(15.0)
    assert log.fact("measure_area", "area_method") == "planar"
    redline.measure_area(square, log=(log := AuditLog()))
    assert log.fact("measure_area", "area_method").startswith("ellipsoidal")


def test_planar_and_ellipsoidal_differ_near_zone_edge_as_expected():
    # 1.4 degrees east of the central meridian (114E): GK planar area is larger by ~ (x/R)^2 ~ 0.05 %
    geo = gpd.GeoSeries([cell(115.40, 32.30, 115.45, 32.34)], crs="EPSG:4490")
    planar = redline.measure_area(geo.to_crs("EPSG:4547"), method="planar").iloc[0]
    ellipsoidal = redline.measure_area(geo, method="ellipsoidal").iloc[0]
    assert 1.0002 < planar / ellipsoidal < 1.0008


def test_fast_piece_areas_agree_with_exact():
    from redline.area import piece_areas

    geo = gpd.GeoSeries([cell(*b) for b in CELLS[:2]], crs="EPSG:4490")
    for epsg in (4547, 4549):
        projected = geo.to_crs(epsg)
        fast = piece_areas(projected.values, projected.crs, "ellipsoidal")
        exact = redline.measure_area(geo).to_numpy()
        # pieces tens of km2 across, one 6 degrees off its zone's meridian: still within 1e-4
        np.testing.assert_allclose(fast, exact, rtol=1e-4)


@pytest.mark.parametrize(("lon", "epsg"), [(75.0, 4534), (114.6, 4547), (115.49, 4547), (115.51, 4548),
                                           (119.95, 4549), (135.0, 4554)])
def test_cgcs2000_zone(lon, epsg):
    assert cgcs2000_zone_epsg(lon) == epsg


def test_working_crs_for_geographic_input_is_the_nearest_gk_zone():
    layer = gpd.GeoDataFrame(geometry=[cell(*CELLS[0])], crs="EPSG:4490")
    work = choose_working_crs([layer])
    assert work.crs.to_epsg() == 4547 and "114E" in work.reason


def test_working_crs_keeps_a_common_metric_crs():
    layer = gpd.GeoDataFrame(geometry=[box(500000, 3500000, 500100, 3500100)], crs="EPSG:4547")
    assert choose_working_crs([layer]).crs.to_epsg() == 4547


def test_working_crs_for_mixed_inputs():
    a = gpd.GeoDataFrame(geometry=[cell(*CELLS[0])], crs="EPSG:4490")
    b = a.to_crs("EPSG:3857")
    work = choose_working_crs([a, b])
    assert work.crs.to_epsg() == 4547 and "different CRSs" in work.reason


def test_working_crs_outside_china_is_utm():
    # Oregon (123W): no CGCS2000 zone covers it
    layer = gpd.GeoDataFrame(geometry=[box(-123.1, 44.0, -123.0, 44.1)], crs="EPSG:4326")
    work = choose_working_crs([layer])
    assert work.crs.to_epsg() == 32610 and "UTM" in work.reason
    # and Sao Tome (6.7E, 0.3N)
    layer = gpd.GeoDataFrame(geometry=[box(6.7, 0.3, 6.8, 0.4)], crs="EPSG:4326")
    assert choose_working_crs([layer]).crs.to_epsg() == 32632


def test_user_crs_must_be_metric():
    layer = gpd.GeoDataFrame(geometry=[cell(*CELLS[0])], crs="EPSG:4490")
    with pytest.raises(redline.CRSError, match="cannot measure area"):
        choose_working_crs([layer], "EPSG:4490")
    with pytest.raises(redline.CRSError, match="cannot measure area"):
        choose_working_crs([layer], "EPSG:3857")
    assert choose_working_crs([layer], "EPSG:4548").reason == "chosen by the user"


def test_missing_crs_is_an_error_with_the_fix():
    layer = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)])
    with pytest.raises(redline.CRSError, match="no coordinate reference system") as exc:
        choose_working_crs([layer], names=["approvals"])
    assert exc.value.problems[0].layer == "approvals" and "EPSG" in exc.value.problems[0].fix
    with pytest.raises(redline.CRSError):
        redline.measure_area(layer)


def test_metres_declared_as_degrees_is_caught():
    layer = gpd.GeoDataFrame(geometry=[box(500000, 3500000, 500100, 3500100)], crs="EPSG:4490")
    (problem,) = check_crs(layer, "supplies")
    assert problem.code == "crs_mismatch" and "not degrees" in problem.message


def test_zone_prefixed_eastings_in_an_unprefixed_crs_are_caught():
    # 38 500 000: zone 38 prefix, but EPSG:4547 has none -> suggest EPSG:4526 (zone 38 with prefix)
    layer = gpd.GeoDataFrame(geometry=[box(38500000, 3500000, 38500100, 3500100)], crs="EPSG:4547")
    (problem,) = check_crs(layer, "approvals")
    assert "EPSG:4526" in problem.fix


def test_gcj02_round_trip_and_offset_size():
    from redline.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02

    lon = np.array([114.7, 119.95, 121.47, 87.6])
    lat = np.array([32.35, 31.78, 31.23, 43.8])
    glon, glat = wgs84_to_gcj02(lon, lat)
    # offsets are hundreds of metres
    dx = (glon - lon) * 111320 * np.cos(np.radians(lat))
    dy = (glat - lat) * 110540
    assert np.all((np.hypot(dx, dy) > 100) & (np.hypot(dx, dy) < 1000))
    back_lon, back_lat = gcj02_to_wgs84(glon, glat)
    np.testing.assert_allclose(back_lon, lon, atol=1e-8)
    np.testing.assert_allclose(back_lat, lat, atol=1e-8)
    # outside China no offset
    assert wgs84_to_gcj02(-123.0, 44.0) == (-123.0, 44.0)


def test_read_layer_gcj02_converts(tmp_path):
    poly = Polygon([(114.70, 32.30), (114.71, 32.30), (114.71, 32.31), (114.70, 32.31)])
    path = tmp_path / "gcj.geojson"
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[poly], crs="EPSG:4326").to_file(path)
    raw = redline.read_layer(path)
    fixed, info = read_layer_with_info(path, gcj02=True)
    shift = raw.to_crs(4547).centroid.iloc[0].distance(fixed.to_crs(4547).centroid.iloc[0])
    assert 100 < shift < 1000
    assert info.gcj02.startswith("converted")


def test_mu_constant():
    assert pytest.approx(10000) == M2_PER_MU * 15
    assert redline.m2_to_mu(4000) == pytest.approx(6.0)


def test_measure_area_repairs_and_reports_invalid_polygons():
    # a bow-tie over a 100 m square: its two triangles are 5 000 m²; unrepaired, the shoelace sum says 0
    gk = [(500000, 3580000), (500100, 3580100), (500100, 3580000), (500000, 3580100)]
    layer = gpd.GeoSeries([Polygon(gk), box(500200, 3580000, 500300, 3580100)], index=["B1", "ok"],
                          crs="EPSG:4547")
    planar = redline.measure_area(layer, method="planar", log=(log := AuditLog()))
    assert planar.tolist() == pytest.approx([5000.0, 10000.0])
    assert log.fact("measure_area", "repaired") == ["B1"]
    (note,) = log.notes
    assert "B1" in note and "make_valid" in note and "Self-intersection" in note
    geo = layer.to_crs("EPSG:4490")
    ellipsoidal = redline.measure_area(geo, log=(log := AuditLog()))
    assert ellipsoidal.tolist() == pytest.approx([5000.0, 10000.0], rel=2e-3)
    assert log.fact("measure_area", "repaired") == ["B1"]


def test_measure_area_removes_empty_rings():
    ring = shapely.from_geojson('{"type": "Polygon", "coordinates": [[[500000, 3580000], [500100, 3580000], '
                                '[500100, 3580100], [500000, 3580100], [500000, 3580000]], []]}')
    area = redline.measure_area(gpd.GeoSeries([ring], crs="EPSG:4547"), log=(log := AuditLog()))
    assert area.iloc[0] == pytest.approx(10000, rel=2e-3) and log.fact("measure_area", "repaired") == [0]
    assert "empty rings" in log.notes[0]
