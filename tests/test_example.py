"""The example county (息县): real outline, determinism, bureau field names, planted findings, rasters, synthetic
province-scale layers and `redline demo`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import shape

from redline.area import geodesic_area
from redline.example import (
    DEFAULT_SEED,
    EXAMPLE_AS_OF,
    FINDINGS,
    LAYER_KINDS,
    example_path,
    generate_layers,
    load_example,
    synthetic,
    write_example_rasters,
)
from redline.example._outline import ADCODE, build_outline, load_outline
from redline.gcj02 import wgs84_to_gcj02
from redline.schema import apply_schema, get_schema


@pytest.fixture(scope="module")
def example():
    return load_example()


DATAV = Path(__file__).parent / "data" / "cn_admin_datav" / "411500_full.json"


@pytest.fixture(scope="module")
def datav_outline():
    data = json.loads(DATAV.read_text(encoding="utf-8"))
    feat = next(f for f in data["features"] if f["properties"]["adcode"] == ADCODE)
    return shape(feat["geometry"])


# --- the outline ------------------------------------------------------------------------------------------------
def test_outline_area_matches_known_truth():
    outline = load_outline()
    assert outline.is_valid
    km2 = geodesic_area([outline], "EPSG:4547")[0] / 1e6
    assert km2 == pytest.approx(1882.5, rel=0.01)


def test_outline_is_gcj02_corrected(datav_outline, tmp_path):
    raw = datav_outline  # GCJ-02, as published
    corrected = load_outline("EPSG:4490")
    geod = Geod(ellps="WGS84")
    c0, c1 = raw.centroid, corrected.centroid
    _, _, shift_m = geod.inv(c0.x, c0.y, c1.x, c1.y)
    assert 100 < shift_m < 1000
    # the correction is the inverse of the published offset: shifting the corrected outline forward gives DataV's
    fwd = shapely.transform(corrected, lambda xy: np.column_stack(wgs84_to_gcj02(xy[:, 0], xy[:, 1])))
    assert shapely.hausdorff_distance(fwd, raw) < 1e-6  # degrees, about 0.1 m
    # the shipped outline is exactly what build_outline makes from the DataV copy in tests/data
    rebuilt = build_outline(DATAV, tmp_path / "outline.json")
    shipped = json.loads((example_path().parent / "xi_county_outline.json").read_text(encoding="utf-8"))
    assert json.loads(rebuilt.read_text(encoding="utf-8")) == shipped


# --- determinism and the shipped file ------------------------------------------------------------------------------
def _same(a, b) -> bool:
    if "geometry" in a:
        return (a.drop(columns="geometry").equals(b.drop(columns="geometry"))
                and bool(np.all(shapely.equals_exact(a.geometry.values, b.geometry.values, 0))))
    return a.equals(b)


def test_same_seed_same_layers_other_seed_differs():
    a = generate_layers(seed=7, scale=0.3)
    b = generate_layers(seed=7, scale=0.3)
    assert a.keys() == b.keys()
    for name in a:
        assert _same(a[name], b[name]), name
    c = generate_layers(seed=8, scale=0.3)
    assert not _same(a["approvals"], c["approvals"])


def test_shipped_gpkg_is_the_generator_output(example):
    fresh = generate_layers(seed=DEFAULT_SEED)
    for name, frame in fresh.items():
        assert len(example[name]) == len(frame), name
    for name in ("approvals", "supplies", "parcels", "buildings", "planted"):
        got, want = example[name], fresh[name]
        cols = [c for c in want.columns if c != "geometry"]
        pd.testing.assert_frame_equal(got[cols].reset_index(drop=True), want[cols].reset_index(drop=True),
                                      check_dtype=False)
    for name in ("approvals", "supplies", "farmland"):
        assert np.allclose(example[name].area.values, fresh[name].area.values, rtol=0, atol=1e-6), name


def test_layers_are_valid_and_in_cgcs2000_gk(example):
    for name, frame in example.items():
        if "geometry" not in frame:
            continue
        assert frame.crs.to_epsg() == 4547, name
        assert frame.geometry.notna().all() and frame.geometry.is_valid.all(), name
    assert 3000 < len(example["landuse"]) < 8000  # a few thousand patches: the file stays a few MB
    assert example_path().stat().st_size < 6e6
    assert 100 <= len(example["approvals"]) <= 200
    n_vertices = shapely.get_num_coordinates(example["growth_boundary"].geometry.values)
    assert n_vertices.max() > 2000


def test_landuse_tessellates_the_county(example):
    lu, county = example["landuse"], example["county"].geometry.iloc[0]
    assert lu.area.sum() == pytest.approx(county.area, rel=1e-6)
    # no overlaps: the sum of areas equals the area of the union
    assert shapely.union_all(lu.geometry.values).area == pytest.approx(lu.area.sum(), rel=1e-6)
    assert {"1006", "1104", "1107", "1202", "1203", "0101", "0702", "0601", "05H1", "1101"} <= set(lu["DLBM"])
    assert set(lu["CZCSXM"]) >= {"202", "203", "204", ""}


# --- field names ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("layer", sorted(LAYER_KINDS))
def test_every_bureau_field_maps_to_the_schema(example, layer):
    frame = example[layer]
    out, info = apply_schema(frame, LAYER_KINDS[layer])
    schema = get_schema(LAYER_KINDS[layer])
    assert not info["bad_values"]
    assert set(schema.required) <= set(out.columns)
    extras = {"所在乡镇"}  # kept as they are (the township name beside its code)
    unmapped = [c for c in frame.columns if c != "geometry" and c not in info["field_map"] and c not in extras]
    assert not unmapped, f"{layer}: {unmapped} are not recognised by redline.schema"
    assert out[schema.id_field].is_unique


def test_dates_and_amounts_parse(example):
    sup, _ = apply_schema(example["supplies"], "supplies")
    assert sup["agreed_start_date"].notna().all()
    # every supply is signed by the audit date, but those planted to be signed after it
    planted = example["planted"]
    future = set(planted.loc[planted["expected_finding"].isin(["not_yet_supplied", "supply_after_audit_date"]),
                             "feature_id"])
    assert sup.loc[~sup["supply_id"].isin(future), "supply_date"].max() <= pd.Timestamp(EXAMPLE_AS_OF)
    assert (sup.loc[sup["supply_id"].isin(future), "supply_date"] > pd.Timestamp(EXAMPLE_AS_OF)).all()
    assert sup["actual_start_date"].isna().any() and sup["actual_start_date"].notna().any()
    assert (sup["price_wan"].dropna() > 0).all()
    bld, _ = apply_schema(example["buildings"], "buildings")
    assert (bld["storey_height_m"] > 8).any()  # industrial halls over 8 m
    assert bld["floors"].isna().any()  # varying completeness, like real cadastre extracts


# --- the planted cases --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def generated():
    """The generator's county in memory: the planted cases as the code plants them."""
    return generate_layers()


def test_planted_table_covers_every_finding(generated):
    example = generated
    planted = example["planted"]
    assert list(planted.columns[:5]) == ["case", "layer", "feature_id", "expected_finding", "note"]
    wanted = {f for group in FINDINGS.values() for f in group}
    assert wanted <= set(planted["expected_finding"])
    ids = {"approvals": "批准文号", "supplies": "合同编号", "parcels": "宗地号", "farmland": "图斑编号",
           "growth_boundary": "边界编号", "landuse": "BSM", "admin": "行政区代码"}
    for _, row in planted.iterrows():
        if row["layer"] in ids:
            assert row["feature_id"] in set(example[row["layer"]][ids[row["layer"]]]), row["case"]


def test_hand_checkable_planted_geometry(example):
    planted = example["planted"].set_index("case")
    apps = example["approvals"].set_index("批准文号")
    sups = example["supplies"]
    a = apps.loc[planted.loc["partly_supplied_60", "feature_id"]].geometry
    assert a.area == pytest.approx(10_000)
    covered = shapely.union_all(sups.geometry[sups.intersects(a)].values).intersection(a).area
    assert a.area - covered == pytest.approx(4_000)  # 6 亩 unsupplied
    a = apps.loc[planted.loc["overlapping_supplies", "feature_id"]].geometry
    touching = sups[sups.intersects(a)]
    assert touching.area.sum() == pytest.approx(24_000) and a.area == pytest.approx(20_000)
    s = sups.set_index("合同编号").loc[planted.loc["status_idle_exact_year", "feature_id"]]
    assert s["约定开工日期"] == EXAMPLE_AS_OF.replace(year=EXAMPLE_AS_OF.year - 1).isoformat()
    assert s["实际开工日期"] is None or pd.isna(s["实际开工日期"])
    # the seat is above the 30 % warning line, another township below
    lu = example["landuse"]
    admin = example["admin"].set_index("行政区代码")
    from redline.example import CONSTRUCTION_CODES

    for case, above in (("intensity_high", True), ("intensity_low", False)):
        unit = admin.loc[planted.loc[case, "feature_id"]].geometry
        inside = lu[lu.representative_point().within(unit)]
        share = inside.loc[inside["DLBM"].isin(CONSTRUCTION_CODES), "TBMJ"].sum() / inside["TBMJ"].sum()
        assert bool(share > 0.30) is above


def test_three_lines_overlap_only_where_planted(example):
    farm, gb, eco = example["farmland"], example["growth_boundary"], example["eco_redline"]
    planted = example["planted"]

    def overlapping(left, right, key):
        pairs = shapely.STRtree(right.geometry.values).query(left.geometry.values, predicate="intersects")
        area = shapely.area(shapely.intersection(left.geometry.values[pairs[0]], right.geometry.values[pairs[1]]))
        return set(left[key].values[pairs[0][area > 1e-6]])

    want = set(planted.loc[planted["expected_finding"].str.startswith("farmland_growth"), "feature_id"])
    assert overlapping(farm, gb, "图斑编号") == want
    want = set(planted.loc[planted["expected_finding"].str.startswith("farmland_eco"), "feature_id"])
    assert overlapping(farm, eco, "图斑编号") == want
    assert overlapping(gb, eco, "边界编号") == {"411528-KFBJ-01"}


# --- rasters ----------------------------------------------------------------------------------------------------------
def test_rasters_change_where_planted(tmp_path, example):
    import rasterio

    before_path, after_path = write_example_rasters(tmp_path)
    with rasterio.open(before_path) as b, rasterio.open(after_path) as a:
        assert b.crs.to_epsg() == 4547 and b.nodata == 255 and b.res == (10.0, 10.0)
        assert b.transform == a.transform and b.shape == a.shape
        before, after = b.read(1), a.read(1)
        sites = example["planted"][example["planted"]["layer"] == "change_rasters"]
        assert set(sites["expected_finding"]) == set(FINDINGS["imagery"])
        for _, row in sites.iterrows():
            c = int((row["x"] - b.transform.c) // b.transform.a)
            r = int((b.transform.f - row["y"]) // -b.transform.e)
            assert before[r, c] == 1 and after[r, c] == 3, row["case"]
        n_sites = int((sites["expected_finding"] != "below_min_area").sum())
        # the imaging dates, in GDAL's TIFF DateTime tag and as an ISO date
        assert b.tags()["TIFFTAG_DATETIME"] == "2024:10:15 00:00:00" and a.tags()["ACQUISITION_DATE"] == "2026-05-20"
        assert a.tags()["TIFFTAG_DATETIME"] == "2026:05:20 00:00:00"
    new = (before != 3) & (after == 3) & (before != 255) & (after != 255)
    assert n_sites == 9
    assert new.sum() == n_sites * 36 + 1  # the 60 m x 60 m sites and the one-pixel patch, nothing else
    assert ((after == 255) & (before != 255)).sum() == 400  # the cloud


def test_imagery_judges_each_planted_site(tmp_path, example):
    from redline.imagery import change_patches, judge_patches

    before, after = write_example_rasters(tmp_path)
    patches = change_patches(before, after, from_classes=[1, 2, 4, 5], to_classes=[3])
    # the dates come from the rasters' tags: the bases are compared with the later image (2026-05-20)
    assert set(patches["before_date"].astype(str)) == {"2024-10-15"}
    assert set(patches["after_date"].astype(str)) == {"2026-05-20"}
    kinds = ("approvals", "supplies", "farmland", "landuse", "admin", "facility_agri", "temporary_use")
    layers = {k: apply_schema(example[k], LAYER_KINDS[k])[0] for k in kinds}
    judged = judge_patches(patches, **layers)
    sites = example["planted"][example["planted"]["layer"] == "change_rasters"]
    for _, row in sites.iterrows():
        hit = judged[judged.contains(shapely.Point(row["x"], row["y"]))]
        assert len(hit) == 1, row["case"]
        if row["expected_finding"] == "below_min_area":
            assert bool(hit["below_min_area"].iloc[0])
        else:
            assert hit["judgement"].iloc[0] == row["expected_finding"], row["case"]
    # the straddling patch, as its note says: 10 m x 60 m in the approval, 40 m x 60 m on PBF, 10 m x 60 m on neither
    row = sites.set_index("case").loc["imagery_straddling"]
    hit = judged[judged.contains(shapely.Point(row["x"], row["y"]))].iloc[0]
    assert hit["explained_m2"] == pytest.approx(600, rel=1e-3)
    assert hit["unexplained_m2"] == pytest.approx(3000, rel=1e-3)
    assert hit["unexplained_pbf_m2"] == pytest.approx(2400, rel=1e-3)
    assert hit["pieces"] == 3


def test_the_new_imagery_bases_carry_bureau_fields(example):
    facility, temporary = example["facility_agri"], example["temporary_use"]
    assert list(facility.columns[:3]) == ["备案编号", "备案日期", "项目名称"]
    assert list(temporary.columns[:3]) == ["批准文号", "批准日期", "到期日期"]
    # the temporary use ended before the later image; the facility record and the straddling approval precede it
    assert (temporary["到期日期"] < "2026-05-20").all() and (facility["备案日期"] <= "2026-05-20").all()
    planted = example["planted"].set_index(["case", "layer"])
    apps = example["approvals"].set_index("批准文号")
    assert apps.loc[planted.loc[("imagery_straddling", "approvals"), "feature_id"], "批准日期"] <= "2026-05-20"
    late = apps.loc[planted.loc[("imagery_built_before_approval", "approvals"), "feature_id"], "批准日期"]
    assert "2026-05-20" < late <= EXAMPLE_AS_OF.isoformat()
    # the approvals of the earlier sites are dated before the later image
    for case in ("imagery_approved_supplied", "imagery_approved_not_supplied"):
        rows = example["planted"][example["planted"]["case"] == case]
        for fid in rows["feature_id"]:
            if fid in apps.index:
                assert apps.loc[fid, "批准日期"] <= "2026-05-20", case


# --- synthetic province ---------------------------------------------------------------------------------------------
def test_synthetic_counts_validity_and_canonical_fields():
    layers = synthetic(0.01)
    want = {"approvals": 500, "supplies": 2000, "buildings": 10_000, "farmland": 2000, "growth_boundary": 1}
    for name, n in want.items():
        assert len(layers[name]) == n, name
    assert shapely.get_num_coordinates(layers["growth_boundary"].geometry.values)[0] >= 5000
    n_vert = shapely.get_num_coordinates(layers["approvals"].geometry.values) - 1
    assert n_vert.min() >= 8 and n_vert.max() <= 16
    for name, frame in layers.items():
        assert frame.crs.to_epsg() == 4549
        assert frame.geometry.is_valid.all() and not frame.geometry.is_empty.any(), name
        out, info = apply_schema(frame, name)
        assert info["field_map"] == {} and not info["bad_values"], name  # already canonical
        assert out[get_schema(name).id_field].is_unique, name
    # supplies: some inside an approval, some crossing its edge, some on stock land
    apps, sups = layers["approvals"].geometry.values, layers["supplies"].geometry.values
    tree = shapely.STRtree(apps)
    within = np.unique(tree.query(sups, predicate="within")[0])
    touching = np.unique(tree.query(sups, predicate="intersects")[0])
    assert 0.5 * len(sups) < len(within) < len(touching) < len(sups)
    # buildings lie inside supplies
    b = layers["buildings"].geometry.values
    pairs = shapely.STRtree(sups).query(b, predicate="intersects")
    covered = np.bincount(pairs[0], weights=shapely.area(shapely.intersection(b[pairs[0]], sups[pairs[1]])),
                          minlength=len(b))
    assert np.all(covered >= shapely.area(b) * (1 - 1e-6))


def test_synthetic_is_linear_and_deterministic():
    a, b = synthetic(0.02, seed=3), synthetic(0.02, seed=3)
    assert all(_same(a[k], b[k]) for k in a)
    assert not _same(a["buildings"], synthetic(0.02, seed=4)["buildings"])
    assert len(a["buildings"]) == 2 * len(synthetic(0.01)["buildings"])
    with pytest.raises(ValueError):
        synthetic(0)


def _footprint_relations(layers):
    """Buildings, supplies, touching building pairs (i < j) and which of them share interior or a wall."""
    b = np.asarray(layers["buildings"].geometry.values, dtype=object)
    sups = np.asarray(layers["supplies"].geometry.values, dtype=object)
    i, j = shapely.STRtree(b).query(b, predicate="intersects")
    i, j = i[i < j], j[i < j]
    overlap = shapely.relate_pattern(b[i], b[j], "T********")
    wall = shapely.length(shapely.intersection(b[i], b[j])) > 0
    return b, sups, i, j, overlap, wall


def _each_in_one_supply(b, sups) -> bool:
    """Every footprint is covered by a supply, and the interior of no other supply reaches into it."""
    tree = shapely.STRtree(sups)
    covered = np.unique(tree.query(b, predicate="covered_by")[0])
    p, s = tree.query(b, predicate="intersects")
    inside = np.bincount(p[shapely.relate_pattern(b[p], sups[s], "T********")], minlength=len(b))
    return len(covered) == len(b) and bool(np.all(inside == 1))


def test_synthetic_buildings_are_shaped_like_surveyed_footprints():
    layers = synthetic(0.01)
    b, sups, i, j, overlap, wall = _footprint_relations(layers)
    assert len(b) == 10_000
    assert not overlap.any()  # no two footprints share interior
    assert wall.all()  # footprints that meet share a wall, never just a corner or a sliver
    terraced = np.unique(np.concatenate([i[wall], j[wall]]))
    assert 0.3 < len(terraced) / len(b) < 0.5
    for a, c in zip(i[wall], j[wall], strict=True):  # a wall is the same floats in both: two common vertices
        assert len(set(map(tuple, shapely.get_coordinates(b[a]))) & set(map(tuple, shapely.get_coordinates(b[c])))) >= 2
    # a tenth are clipped by their supply's edge (not rectangles): on the edge up to rounding, some exactly;
    # the others lie properly inside
    clipped = shapely.area(b) < shapely.area(shapely.envelope(b)) * (1 - 1e-9)
    assert 0.05 < clipped.mean() < 0.15
    fb, fs = shapely.STRtree(sups).query(b, predicate="covered_by")
    assert np.array_equal(fb, np.arange(len(b)))  # one covering supply each
    assert np.all(shapely.distance(b[clipped], shapely.boundary(sups[fs[clipped]])) < 1e-6)
    assert shapely.intersects(b[clipped], shapely.boundary(sups[fs[clipped]])).any()
    assert shapely.contains_properly(sups[fs[~clipped]], b[~clipped]).all()
    # supplies overlap in this generator; each footprint still lies in one of them only
    p, q = shapely.STRtree(sups).query(sups, predicate="intersects")
    assert shapely.relate_pattern(sups[p[p < q]], sups[q[p < q]], "T********").any()
    assert _each_in_one_supply(b, sups)
    # floor area from the footprint's area
    frame = layers["buildings"]
    assert np.array_equal(frame["floor_area_m2"], np.round(shapely.area(b) * frame["floors"], 2))


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), scale=st.sampled_from([0.001, 0.002, 0.003]))
def test_synthetic_footprints_never_overlap_and_stay_in_one_supply(seed, scale):
    layers = synthetic(scale, seed=seed)
    b, sups, i, j, overlap, wall = _footprint_relations(layers)
    assert len(b) == round(1_000_000 * scale)
    assert not overlap.any() and wall.all()
    assert _each_in_one_supply(b, sups)
    assert shapely.is_valid(b).all() and (shapely.get_type_id(b) == 3).all()


# --- redline demo -----------------------------------------------------------------------------------------------------
def test_demo_writes_results_and_ledger(tmp_path, example):
    import pyogrio

    from redline.cli import main
    from redline.registry import all_specs

    out = tmp_path / "demo"
    res = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert res.exit_code == 0, res.output
    gpkg, xlsx = out / "redline_results.gpkg", out / "redline_ledger.xlsx"
    assert gpkg.exists() and xlsx.exists()
    names = {n for n, _ in pyogrio.list_layers(gpkg)}
    assert {"rejected", "redline_run"} <= names
    run = pyogrio.read_dataframe(gpkg, layer="redline_run", read_geometry=False).set_index("key")["value"]
    assert run["as_of"] == EXAMPLE_AS_OF.isoformat()
    assert str(out) in res.output
    ids = {s.id for s in all_specs()}
    planted = example["planted"]

    def rows(layer, key, case):
        frame = pyogrio.read_dataframe(gpkg, layer=layer, read_geometry=False)
        return frame[frame[key] == planted.set_index("case").loc[case, "feature_id"]]

    if "supplied_not_used" in ids:
        for _, row in planted[planted["expected_finding"].isin(FINDINGS["idle"])].iterrows():
            assert rows("idle_land", "supply_id", row["case"])["status"].iloc[0] == row["expected_finding"]
    if "approved_not_supplied" in ids:
        assert rows("approved_not_supplied", "approval_id", "partly_supplied_60")["unsupplied_m2"].iloc[0] == \
            pytest.approx(4000, rel=1e-3)
    if "development_intensity" in ids:
        assert rows("development_intensity", "admin_code", "intensity_high")["intensity"].iloc[0] > 0.3
    if "judge_patches" in ids:  # every planted 卫片 site judged as planted, with the demo's inputs and dates
        register = pyogrio.read_dataframe(gpkg, layer="patch_register")
        assert set(register["after_date"].astype(str)) == {"2026-05-20"}
        for _, row in planted[planted["layer"] == "change_rasters"].iterrows():
            if row["expected_finding"] == "below_min_area":
                continue
            hit = register[register.contains(shapely.Point(row["x"], row["y"]))]
            assert list(hit["judgement"]) == [row["expected_finding"]], row["case"]
    # the README shows what the demo prints: its findings lines must be the ones printed now
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    shown = readme.split("What `./run demo` prints", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]

    def findings(text):
        return [line.rstrip() for line in text.splitlines()
                if line.startswith("  ") and not line.lstrip().startswith(("gpkg:", "ledger:", "report:"))]

    assert findings(shown) == findings(res.output), "README's demo transcript is out of date:\n" + res.output


def test_demo_without_audits_says_so(tmp_path, monkeypatch):
    import redline.registry
    from redline.cli import main

    monkeypatch.setattr(redline.registry, "all_specs", lambda: [])
    res = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "x")])
    assert res.exit_code == 0
    assert "No audits" in res.output
    assert not (tmp_path / "x" / "redline_results.gpkg").exists()
