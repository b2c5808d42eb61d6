"""Geometry that would kill or break the overlay: empty rings, rings valid in degrees but not once projected,
GEOS failures in floating point. Nothing crashes, nothing is lost, every repair is said."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import Polygon, box

from redline.overlay import _engine, approved_not_supplied, supply_outside_approvals
from redline.result import AuditLog
from redline.validate import PreparedLayer, prepare_layers

ROOT = Path(__file__).resolve().parents[1]
JTS300 = Path(__file__).parent / "data" / "geos_jts300" / "TestOverlay-jts-300.xml"
TOL = 0.01  # geometry.area_tolerance_m2 of cn-national


def _square(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


# -- 1. empty interior rings -------------------------------------------------------------------------------------

#: a supply 1 km across with a GeoJSON hole [] (an empty interior ring), and an approval inside it
EMPTY_RING_SCRIPT = """
import json, sys
import geopandas as gpd
from shapely.geometry import box
from redline.overlay import approved_not_supplied, supplied_not_used
from redline.result import AuditLog
supply = {"type": "FeatureCollection", "features": [{"type": "Feature",
          "properties": {"合同编号": "S-hole", "签订日期": "2020-01-01"},
          "geometry": {"type": "Polygon", "coordinates": [SHELL, []]}}]}
s = gpd.GeoDataFrame.from_features(supply["features"], crs="EPSG:4547")
a = gpd.GeoDataFrame({"批准文号": ["A1"], "批准日期": ["2019-01-01"]},
                     geometry=[box(500200, 3800200, 500400, 3800400)], crs="EPSG:4547")
r_log = AuditLog()
r = approved_not_supplied(a, s, as_of="2026-06-30", area_method="planar", log=r_log)
idle = supplied_not_used(s, a.rename(columns={"批准文号": "幢号"}), as_of="2026-06-30", area_method="planar")
print(json.dumps({"supplied_m2": float(r["supplied_m2"].iloc[0]), "unsupplied_m2": float(r["unsupplied_m2"].iloc[0]),
                  "developed_m2": float(idle["developed_m2"].iloc[0]), "notes": r_log.notes}))
""".replace("SHELL", json.dumps(_square(500000, 3800000, 501000, 3801000)))


def test_an_empty_interior_ring_does_not_kill_the_overlay():
    # Before: GEOS's covered_by on a polygon with an empty ring is a segmentation fault (exit -11 / 139).
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", EMPTY_RING_SCRIPT], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-2000:]}"
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["supplied_m2"] == pytest.approx(40_000) and out["unsupplied_m2"] == 0
    assert out["developed_m2"] == pytest.approx(40_000)
    (note,) = [n for n in out["notes"] if "empty rings" in n]
    assert "[supplies]" in note and "S-hole" in note


def test_empty_rings_and_empty_parts_are_removed_and_named():
    ring = shapely.from_geojson(json.dumps({"type": "Polygon", "coordinates": [_square(0, 0, 10, 10), []]}))
    multi = shapely.from_wkt("MULTIPOLYGON (EMPTY, ((20 0, 30 0, 30 10, 20 10, 20 0)))")
    layer = gpd.GeoDataFrame({"批准文号": ["A-ring", "A-multi", "A-ok"], "批准日期": ["2019-01-01"] * 3},
                             geometry=[ring, multi, box(40, 0, 50, 10)], crs="EPSG:4547")
    prepared = prepare_layers({"approvals": (layer, "approvals")})
    out = prepared.layers["approvals"].geometry
    assert shapely.get_num_interior_rings(out.iloc[0]) == 0 and out.iloc[0].area == 100
    assert len(shapely.get_parts(out.iloc[1])) == 1 and out.iloc[1].area == 100
    (note,) = [p for p in prepared.notes if p.code == "empty_ring"]
    assert note.ids == ("A-ring", "A-multi") and note.layer == "approvals"
    assert prepared.rejected.empty


# -- 2. valid in degrees, invalid in the working CRS -------------------------------------------------------------

def hole_on_a_parallel():
    """A 0.02° cell near Xi County with a triangular hole whose vertex touches the southern edge (32.30°N).

    Valid in EPSG:4490. In EPSG:4547 (GK zone CM 114E) the parallel is a curve: the projected vertex lies about
    4 cm south of the straight chord between the projected corners, i.e. outside the shell: self-intersection.
    """
    return Polygon([(114.60, 32.30), (114.62, 32.30), (114.62, 32.32), (114.60, 32.32)],
                   [[(114.61, 32.30), (114.615, 32.31), (114.605, 32.31)]])


def test_validity_is_checked_in_the_working_crs():
    geom = hole_on_a_parallel()
    assert geom.is_valid
    assert not gpd.GeoSeries([geom], crs="EPSG:4490").to_crs("EPSG:4547").is_valid.iloc[0]
    layer = gpd.GeoDataFrame({"批准文号": ["A-hole"], "批准日期": ["2019-01-01"]}, geometry=[geom], crs="EPSG:4490")
    prepared = prepare_layers({"approvals": (layer, "approvals")})
    out = prepared.layers["approvals"]
    assert out.crs.to_epsg() == 4547 and out.is_valid.all()
    (note,) = [p for p in prepared.notes if p.code == "repaired_geometry"]
    assert note.ids == ("A-hole",) and "valid in EPSG:4490 but not once projected to EPSG:4547" in note.message
    # the repair moves a 4 cm sliver: the area is the projected polygon's within a square metre
    assert out.area.iloc[0] == pytest.approx(gpd.GeoSeries([geom], crs=4490).to_crs(4547).area.iloc[0], abs=1.0)


def jts300():
    text = JTS300.read_text()
    a, b = (shapely.from_wkt(re.search(fr"<{t}>(.*?)</{t}>", text, re.S).group(1)) for t in ("a", "b"))
    return a, b


def jts300_layers():
    a, b = jts300()
    approvals = gpd.GeoDataFrame({"批准文号": ["A-jts300"], "批准日期": ["2019-01-01"]}, geometry=[a], crs="EPSG:4326")
    supplies = gpd.GeoDataFrame({"合同编号": ["S-jts300"], "签订日期": ["2020-01-01"]}, geometry=[b], crs="EPSG:4326")
    return approvals, supplies


def test_jts300_valid_as_given_repaired_in_the_working_crs_and_audited():
    approvals, supplies = jts300_layers()
    assert approvals.is_valid.all() and supplies.is_valid.all()
    # Before: shapely.errors.GEOSException (TopologyException: side location conflict) and a traceback.
    r_log = AuditLog()
    r = approved_not_supplied(approvals, supplies, as_of="2026-06-30", area_method="planar", log=r_log)
    assert "EPSG:32633" in r_log.working_crs
    row = r.iloc[0]
    assert row["supplied_m2"] == pytest.approx(2527.25, abs=0.1)  # A and B share a thin strip of 0.25 ha
    balance = row["approved_m2"] - row["supplied_m2"] - row["unsupplied_m2"] - row["sliver_m2"]
    assert abs(balance) < TOL
    notes = r_log.notes
    assert any("A-jts300" in n and "not once projected to EPSG:32633" in n for n in notes)
    assert not any("approved ≠ supplied" in n for n in notes)
    out = supply_outside_approvals(approvals, supplies, area_method="planar")
    o = out.iloc[0]
    assert abs(o["supply_m2"] - o["inside_m2"] - o["outside_m2"] - o["outside_sliver_m2"]) < TOL


def test_redline_check_reports_the_repairs_the_audit_makes(tmp_path):
    from redline.cli import main
    from redline.pipeline import run_audits

    approvals, supplies = jts300_layers()
    approvals.to_file(tmp_path / "approvals.gpkg")
    supplies.to_file(tmp_path / "supplies.gpkg")
    res = CliRunner().invoke(main, ["check", str(tmp_path / "approvals.gpkg"), "--kind", "approvals",
                                    "--crs", "EPSG:32633"])
    assert res.exit_code == 0, res.output
    run = run_audits({"approvals": str(tmp_path / "approvals.gpkg"), "supplies": str(tmp_path / "supplies.gpkg")},
                     audits=["approved_not_supplied"], as_of="2026-06-30", area_method="planar")
    (audit_note,) = [n for n in run.notes if "repaired with make_valid" in n]
    assert audit_note in res.output  # word for word: same CRS, same repair, same ids
    # and without --crs, check says which CRS it validated in
    res = CliRunner().invoke(main, ["check", str(tmp_path / "approvals.gpkg"), "--kind", "approvals"])
    assert "not once projected to EPSG:32633" in res.output and "A-jts300" in res.output


def test_the_overlay_falls_back_and_keeps_the_balance_when_geos_fails():
    # The engine given A projected but NOT repaired (as a caller that skips validation would): GEOS raises on
    # every level of floating point and snapping; the fallback repairs the operands and balances.
    a, b = (np.asarray(gpd.GeoSeries(g, crs="EPSG:4326").to_crs("EPSG:32633").values, dtype=object)
            for g in ([jts300()[0]], [jts300()[1]]))
    with pytest.raises(shapely.errors.GEOSException):
        shapely.intersection(a, b)
    for left, right in ((a, b), (b, a)):
        res = _engine.remnants(left, right)
        assert res.fallback[0] == 3  # make_valid of the operands, then floating point
        assert abs(res.area[0] - res.covered[0] - shapely.area(res.remnant[0])) < TOL
        assert res.covered[0] == pytest.approx(2527.25, abs=0.1)
        _, area, levels = _engine.pair_areas(left, right, return_fallback=True)
        assert area[0] == pytest.approx(2527.25, abs=0.1) and levels[0] == 3


def test_the_audit_says_when_and_for_whom_the_fallback_was_used():
    # Prepared layers skip validation (as the pipeline's do): an unrepaired geometry reaches the engine.
    approvals, supplies = (g.to_crs("EPSG:32633") for g in jts300_layers())
    approvals = approvals.rename(columns={"批准文号": "approval_id", "批准日期": "approval_date"})
    supplies = supplies.rename(columns={"合同编号": "supply_id", "签订日期": "supply_date"})
    approvals, supplies = PreparedLayer(approvals), PreparedLayer(supplies)
    r_log = AuditLog()
    r = approved_not_supplied(approvals, supplies, as_of="2026-06-30", area_method="planar", log=r_log)
    (note,) = [n for n in r_log.notes if "GEOS could not overlay" in n]
    assert note.startswith("[approved_not_supplied]") and "A-jts300" in note and "make_valid" in note
    row = r.iloc[0]
    assert abs(row["approved_m2"] - row["supplied_m2"] - row["unsupplied_m2"] - row["sliver_m2"]) < TOL
    o_log = AuditLog()
    supply_outside_approvals(approvals, supplies, area_method="planar", log=o_log)
    (note,) = [n for n in o_log.notes if "GEOS could not overlay" in n]
    assert note.startswith("[supply_outside_approvals]") and "S-jts300" in note


def test_robust_tries_the_fine_grid_first_and_then_repairs():
    calls = []

    def flaky(x, y, grid_size=None):
        calls.append((grid_size, bool(x.is_valid)))
        if x.is_valid and grid_size != 1e-3:
            raise shapely.errors.GEOSException("TopologyException: side location conflict")
        return shapely.intersection(x, y, grid_size=grid_size)

    out, level = _engine.robust_one(flaky, box(0, 0, 2, 2), box(1, 1, 3, 3))
    assert out.area == pytest.approx(1) and level == 2
    assert calls == [(None, True), (1e-6, True), (1e-3, True)]


# -- 7. random valid polygons anywhere in China survive every overlay audit -------------------------------------

from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def china_polygon(draw, lon0, lat0):
    """A small valid polygon (tens to hundreds of metres) near (lon0, lat0), EPSG:4490 degrees:
    a box, a box with a hole, a box whose hole touches the shell at a vertex on an edge (a parallel
    or a meridian), a box with two holes touching each other, or a random triangle."""
    u = st.floats(0, 1, allow_nan=False)
    x0 = lon0 + draw(u) * 0.004
    y0 = lat0 + draw(u) * 0.004
    w = 0.0005 + draw(u) * 0.003
    h = 0.0005 + draw(u) * 0.003
    x1, y1 = x0 + w, y0 + h
    kind = draw(st.sampled_from(["box", "hole", "touch_south", "touch_east", "two_holes", "triangle"]))
    mx, my = x0 + w / 2, y0 + h / 2
    if kind == "box":
        g = box(x0, y0, x1, y1)
    elif kind == "hole":
        g = Polygon(box(x0, y0, x1, y1).exterior, [box(x0 + w / 4, y0 + h / 4, x1 - w / 4, y1 - h / 4).exterior])
    elif kind == "touch_south":
        g = Polygon(box(x0, y0, x1, y1).exterior, [[(mx, y0), (mx + w / 4, my), (mx - w / 4, my)]])
    elif kind == "touch_east":
        g = Polygon(box(x0, y0, x1, y1).exterior, [[(x1, my), (mx, my + h / 4), (mx, my - h / 4)]])
    elif kind == "two_holes":
        g = Polygon(box(x0, y0, x1, y1).exterior, [[(x0 + w / 8, my), (mx, y0 + h / 8), (mx, y1 - h / 8)],
                                                   [(mx, y0 + h / 8), (x1 - w / 8, my), (mx, y1 - h / 8)]])
    else:
        pts = [(x0 + draw(u) * w, y0 + draw(u) * h) for _ in range(3)]
        g = Polygon(pts)
        assume(g.area > (w * h) / 50)
    assume(g.is_valid and not g.is_empty)
    return g


@st.composite
def china_layers(draw):
    lon0 = draw(st.floats(74, 134, allow_nan=False))
    lat0 = draw(st.floats(18, 53, allow_nan=False))

    def some(prefix, n_max=4):
        n = draw(st.integers(1, n_max))
        return [f"{prefix}{i}" for i in range(n)], [draw(china_polygon(lon0, lat0)) for _ in range(n)]

    return {k: some(k[0].upper()) for k in ("approvals", "supplies", "buildings", "parcels", "farmland", "growth")}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(layers=china_layers())
def test_random_valid_polygons_in_china_survive_every_overlay_audit(layers):
    from redline.farmland import conflicts
    from redline.overlay import supplied_not_used, underused

    def frame(name, fields):
        ids, geoms = layers[name]
        return gpd.GeoDataFrame({k: (ids if v is None else [v] * len(ids)) for k, v in fields.items()},
                                geometry=geoms, crs="EPSG:4490")

    a = frame("approvals", {"批准文号": None, "批准日期": "2019-01-01"})
    s = frame("supplies", {"合同编号": None, "签订日期": "2020-01-01", "约定开工日期": "2021-01-01"})
    b = frame("buildings", {"幢号": None, "层数": 2})
    p = frame("parcels", {"宗地号": None, "行业分类": "C17"})
    f = frame("farmland", {"图斑编号": None})
    g = frame("growth", {"编号": None})

    # validated once, in the working CRS, as the pipeline does; the audits take the prepared layers as they are
    prep = prepare_layers({"approvals": (a, "approvals"), "supplies": (s, "supplies"), "buildings": (b, "buildings"),
                           "parcels": (p, "parcels"), "farmland": (f, "farmland"),
                           "growth_boundary": (g, "growth_boundary")})
    assert all(x.is_valid.all() for x in prep.layers.values())
    rejected = prep.rejected.to_dict("records")
    for name, (ids, _) in layers.items():
        kind = "growth_boundary" if name == "growth" else name
        out = prep.layers[kind]
        kept = set(out[[c for c in out.columns if c.endswith("_id")][0]])
        assert kept | {r["feature_id"] for r in rejected if r["layer"] == kind} == set(ids)
    a, s, b, p, f, g = (prep.layers[k] for k in ("approvals", "supplies", "buildings", "parcels", "farmland",
                                                 "growth_boundary"))

    def accounted(result, layer, ids, id_field):
        gone = {r["feature_id"] for r in rejected if r["layer"] == layer}
        assert set(result[id_field]) | gone == set(ids)

    r_log = AuditLog()
    r = approved_not_supplied(a, s, as_of="2026-06-30", area_method="ellipsoidal", log=r_log)
    accounted(r, "approvals", layers["approvals"][0], "approval_id")
    balance = r["approved_m2"] - r["supplied_m2"] - r["unsupplied_m2"] - r["sliver_m2"]
    assert (balance.abs() < TOL).all(), balance.tolist()
    assert not any("approved ≠ supplied" in n for n in r_log.notes)

    o_log = AuditLog()
    o = supply_outside_approvals(a, s, area_method="planar", include_slivers=True, log=o_log)
    assert ((o["supply_m2"] - o["inside_m2"] - o["outside_m2"] - o["outside_sliver_m2"]).abs() < TOL).all()

    idle = supplied_not_used(s, b, as_of="2026-06-30", area_method="planar")
    accounted(idle, "supplies", layers["supplies"][0], "supply_id")
    assert (idle["developed_m2"] <= idle["supply_m2"] + TOL).all() and (idle["developed_m2"] >= 0).all()

    u = underused(p, b, area_method="planar")
    accounted(u, "parcels", layers["parcels"][0], "parcel_id")
    building_area = b.area.sum()
    assert (u["footprint_m2"].fillna(0) <= building_area + TOL).all() and (u["footprint_m2"].fillna(0) >= 0).all()
    assert ((u["building_coefficient"].dropna() >= 0) & (u["building_coefficient"].dropna() <= 1)).all()

    c = conflicts(f, g, area_method="planar")
    truth = sum(shapely.intersection(x, y).area for x in f.geometry for y in g.geometry)
    pairs = len(f) * len(g)
    assert c["area_m2"].sum() == pytest.approx(truth, abs=TOL * (pairs + 1))


def test_underused_says_when_and_for_whom_the_fallback_was_used():
    """The jts-300 pair as a parcel and a building footprint: GEOS cannot intersect it as given; the plot ratio is
    still computed (on the fallback's footing) and the note names the parcel."""
    from redline.overlay import underused

    approvals, supplies = (g.to_crs("EPSG:32633") for g in jts300_layers())
    parcels = approvals.rename(columns={"批准文号": "parcel_id"})[["parcel_id", "geometry"]]
    buildings = supplies.rename(columns={"合同编号": "building_id"})[["building_id", "geometry"]]
    parcels, buildings = PreparedLayer(parcels), PreparedLayer(buildings)
    r_log = AuditLog()
    r = underused(parcels, buildings, area_method="planar", log=r_log)
    (note,) = [n for n in r_log.notes if "GEOS could not overlay" in n]
    assert note.startswith("[underused]") and "A-jts300" in note
    assert r.iloc[0]["buildings_n"] == 1
