"""土地开发强度 and growth-boundary use: by hand, unknown codes, GDP, and the real DataV denominators."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from redline.area import measure_area
from redline.boundaries import development_intensity, growth_boundary_use
from redline.errors import SchemaError
from redline.result import AuditLog
from redline.rules import load_rules

CRS = "EPSG:4545"
X0, Y0 = 500000.0, 3500000.0


def sq(x, y, w, h=None):
    return box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + (w if h is None else h))


@pytest.fixture
def two_units():
    # two 1 km x 1 km units side by side
    return gpd.GeoDataFrame({"XZQDM": ["411528001", "411528002"], "XZQMC": ["城关镇", "项店镇"]},
                            geometry=[sq(0, 0, 1000), sq(1000, 0, 1000)], crs=CRS)


@pytest.fixture
def landuse():
    # unit 1: 350 000 m2 construction (0701 + 1004 + 1201) of 1 km2; 1006/1104/1203 are not construction
    # unit 2: 100 000 m2 construction (1003 road), plus a patch across the border: 0601, half in each unit
    rows = [
        ("1", "0701", sq(0, 0, 500, 500)),        # 250 000 m2 in unit 1
        ("2", "1004", sq(500, 0, 100, 500)),      # 50 000
        ("3", "1201", sq(600, 0, 100, 500)),      # 50 000 空闲地: construction
        ("4", "1006", sq(0, 500, 500, 500)),      # 农村道路: not construction
        ("5", "1104", sq(500, 500, 200, 500)),    # 坑塘水面
        ("6", "1203", sq(700, 500, 200, 500)),    # 田坎
        ("7", "0101", sq(700, 0, 200, 500)),
        ("8", "1003", sq(1000, 0, 1000, 100)),    # 100 000 in unit 2
        ("9", "0601", sq(900, 100, 200, 100)),    # 20 000: 10 000 in each unit
        ("10", "0103", sq(1100, 200, 900, 800)),
    ]
    return gpd.GeoDataFrame({"BSM": [r[0] for r in rows], "DLBM": [r[1] for r in rows]},
                            geometry=[r[2] for r in rows], crs=CRS)


def test_intensity_by_hand(two_units, landuse):
    d_log = AuditLog()
    d = development_intensity(landuse, two_units, area_method="planar", log=d_log).set_index("admin_code")
    assert d.loc["411528001", "total_m2"] == pytest.approx(1e6)
    assert d.loc["411528001", "construction_m2"] == pytest.approx(350_000 + 10_000)
    assert d.loc["411528002", "construction_m2"] == pytest.approx(100_000 + 10_000)
    assert d.loc["411528001", "intensity"] == pytest.approx(0.36)
    assert d.loc["411528002", "intensity"] == pytest.approx(0.11)
    assert d.loc["411528001", "construction_mu"] == pytest.approx(360_000 / (10000 / 15))
    assert list(d["level"]) == ["warning", "normal"]
    assert list(d["level_zh"]) == ["预警", "正常"]
    assert "intensity.warning=0.3" in d.loc["411528001", "rule"]
    assert d.loc["411528001", "admin_name"] == "城关镇"
    assert d.loc["411528001", "coverage"] == pytest.approx(0.91)  # the strip x 900..1000 has no patch but F9
    assert d.loc["411528002", "coverage"] == pytest.approx((100_000 + 10_000 + 720_000) / 1e6)
    assert (d["unknown_m2"] == 0).all()


def test_attention_level_and_rule_overrides(two_units, landuse):
    rules = load_rules().with_overrides({"intensity.warning": 0.5, "intensity.attention": 0.1})
    d_log = AuditLog()
    d = development_intensity(landuse, two_units, area_method="planar", rules=rules, log=d_log)
    assert list(d["level"]) == ["attention", "attention"]


def test_unknown_codes_are_reported_not_guessed(two_units, landuse):
    lu = landuse.copy()
    lu.loc[lu["BSM"] == "2", "DLBM"] = "10"      # first-level 交通运输用地: ambiguous
    lu.loc[lu["BSM"] == "3", "DLBM"] = "9999"    # not a code
    d_log = AuditLog()
    d = development_intensity(lu, two_units, area_method="planar", log=d_log).set_index("admin_code")
    assert d.loc["411528001", "construction_m2"] == pytest.approx(250_000 + 10_000)
    assert d.loc["411528001", "unknown_m2"] == pytest.approx(100_000)
    assert d.loc["411528001", "unknown_codes"] == "10, 9999"
    log = AuditLog()
    development_intensity(lu, two_units, area_method="planar", log=log)
    unknown = log.fact("development_intensity", "unknown_codes")
    assert {u["code"]: u["area_m2"] for u in unknown} == pytest.approx({"10": 50_000.0, "9999": 50_000.0})


def test_czcs_codes_in_the_code_column_are_refused(two_units, landuse):
    lu = landuse.assign(CZCSXM=["201"] * len(landuse))
    with pytest.raises(SchemaError, match="城镇村属性码"):
        development_intensity(lu, two_units, code_field="CZCSXM")


def test_own_code_field_and_own_table(two_units, landuse):
    lu = landuse.rename(columns={"DLBM": "地类代码X"})
    d_log = AuditLog()
    d = development_intensity(lu, two_units, code_field="地类代码X", area_method="planar", log=d_log)
    assert d["construction_m2"].tolist() == pytest.approx([360_000, 110_000])
    own = pd.DataFrame({"code": ["0701", "1004", "1201", "1006", "1104", "1203", "0101", "1003", "0601", "0103"],
                        "construction": [1, 1, 0, 1, 0, 0, 0, 1, 1, 0]})  # a bureau counting 1006 as built
    d_log = AuditLog()
    d = development_intensity(landuse, two_units, classification=own, area_method="planar", log=d_log)
    assert d["construction_m2"].tolist() == pytest.approx([360_000 - 50_000 + 250_000, 110_000])
    with pytest.raises(SchemaError, match="no column"):
        development_intensity(landuse, two_units, code_field="NOPE")


def test_gdp_per_construction_land(two_units, landuse, tmp_path):
    gdp = tmp_path / "gdp.csv"
    pd.DataFrame({"行政区代码": ["411528001", "411528002"], "GDP(亿元)": [7.2, 0]}).to_csv(gdp, index=False)
    d_log = AuditLog()
    d = development_intensity(landuse, two_units, gdp=str(gdp), area_method="planar", log=d_log).set_index("admin_code")
    assert d.loc["411528001", "construction_ha_per_yi_yuan"] == pytest.approx(36.0 / 7.2)
    assert d.loc["411528001", "gdp_yi_yuan_per_km2"] == pytest.approx(7.2 / 0.36)
    assert np.isnan(d.loc["411528002", "construction_ha_per_yi_yuan"])  # no GDP: no ratio, no division by 0


def test_growth_boundary_use(landuse):
    gb = gpd.GeoDataFrame({"边界编号": ["G1"], "名称": ["城区"]}, geometry=[sq(0, 0, 1000, 500)], crs=CRS)
    g = growth_boundary_use(gb, landuse, area_method="planar").iloc[0]
    assert g.total_m2 == pytest.approx(500_000)
    assert g.built_m2 == pytest.approx(350_000 + 10_000)  # patches 1-3 and the part of 9 inside
    assert g.unbuilt_m2 == pytest.approx(140_000)
    assert g.built_share == pytest.approx(0.72)
    assert g["name"] == "城区"


def test_ydyh_classification(two_units):
    lu = gpd.GeoDataFrame({"BSM": ["1", "2", "3"], "DLBM": ["1207", "1705", "0602"]},
                          geometry=[sq(0, 0, 100), sq(100, 0, 100), sq(200, 0, 100)], crs=CRS)
    d_log = AuditLog()
    d = development_intensity(lu, two_units, classification="ydyh2023", area_method="planar", log=d_log)
    assert d["construction_m2"].tolist() == pytest.approx([10_000, 0])


# --- real data: DataV boundaries (GCJ-02, one self-intersecting) as the denominators -----------------------------

@pytest.fixture(scope="module")
def datav(request):
    return request.config.rootpath / "tests" / "data" / "cn_admin_datav"


def test_changzhou_districts_as_denominators(datav):
    from redline.io import read_layer

    raw = gpd.read_file(datav / "320400_full.json")
    assert measure_area(raw).sum() / 1e6 == pytest.approx(4365.0, abs=0.05)  # the published truth, as drawn
    units = read_layer(datav / "320400_full.json", gcj02=True)
    assert len(units) == 6
    # land use: one built patch per district around its representative point, in CGCS2000 geographic
    pts = units.to_crs(4549).geometry.representative_point()
    lu = gpd.GeoDataFrame({"BSM": [str(i) for i in range(6)], "DLBM": ["0701"] * 6},
                          geometry=pts.buffer(500, 64).values, crs=4549).to_crs(4490)
    d_log = AuditLog()
    d = development_intensity(lu, units, log=d_log)
    assert d_log.working_crs.startswith("EPSG:4549")  # CGCS2000 3-degree zone CM 120E
    total_km2 = d["total_m2"].sum() / 1e6
    assert total_km2 == pytest.approx(measure_area(units).sum() / 1e6, rel=1e-9)
    # GCJ-02 correction moves vertices non-uniformly: the area changes by < 0.2 %
    assert total_km2 == pytest.approx(4365.0, rel=2e-3)
    disc = shapely.area(pts.buffer(500, 64).values)
    assert d["construction_m2"].to_numpy() == pytest.approx(disc, rel=2e-3)
    assert set(d["admin_name"]) >= {"天宁区", "武进区", "溧阳市"}


def test_xinyang_self_intersecting_unit_is_repaired_and_reported(datav):
    from redline.io import read_layer

    units = read_layer(datav / "411500_full.json", gcj02=True)
    lu = gpd.GeoDataFrame({"BSM": ["1"], "DLBM": ["0702"]}, geometry=[units.geometry.iloc[9].representative_point()
                                                                     .buffer(0.01)], crs=units.crs)
    d_log = AuditLog()
    d = development_intensity(lu, units, log=d_log)
    notes = " ".join(d_log.notes)
    assert "repaired" in notes and "411502" in notes  # 浉河区
    xi = d.set_index("admin_code").loc["411528"]
    assert xi.admin_name == "息县"
    assert xi.total_m2 / 1e6 == pytest.approx(1882.5, rel=2e-3)
    raw = gpd.read_file(datav / "411500_full.json")
    raw_xi = raw[raw["adcode"].astype(str) == "411528"]
    assert measure_area(raw_xi).iloc[0] / 1e6 == pytest.approx(1882.5, abs=0.05)
    assert len(d) == 10 and d["total_m2"].gt(1e9).all()


def test_patches_outside_every_unit_are_named(two_units, landuse):
    lu = pd.concat([landuse, gpd.GeoDataFrame({"BSM": ["99"], "DLBM": ["0701"]}, geometry=[sq(5000, 0, 10)],
                                              crs=CRS)], ignore_index=True)
    d_log = AuditLog()
    d = development_intensity(lu, two_units, area_method="planar", log=d_log)
    assert any("outside every administrative unit" in n and "99" in n for n in d_log.notes)
    assert d["construction_m2"].tolist() == pytest.approx([360_000, 110_000])


# --- tables and layers that silently mismatched (issue 12) ------------------------------------------------------

def test_overlapping_patches_stop_the_run_instead_of_an_intensity_of_200_percent(two_units):
    # unit 1 is one 0701 patch of 1 km2, drawn twice: counted twice it read as 200 %
    lu = gpd.GeoDataFrame({"BSM": ["A", "A2", "B"], "DLBM": ["0701", "0701", "0103"]},
                          geometry=[sq(0, 0, 1000), sq(0, 0, 1000), sq(1000, 0, 1000)], crs=CRS)
    from redline.errors import GeometryError

    with pytest.raises(GeometryError) as err:
        development_intensity(lu, two_units, area_method="planar")
    text = str(err.value)
    assert "A x A2 (1,000,000.0 m2)" in text and "1 pair(s) of land-use patches overlap" in text
    assert "Topology Checker" in text


def test_a_partial_overlap_is_named_with_its_area(two_units, landuse):
    # patch 2 (x 500..600) widened 50 m into patch 3 (x 600..700): 50 x 500 = 25 000 m2 overlap
    lu = landuse.copy()
    lu.loc[lu["BSM"] == "2", "geometry"] = sq(500, 0, 150, 500)
    from redline.errors import GeometryError

    with pytest.raises(GeometryError, match=r"2 x 3 \(25,000.0 m2\)"):
        development_intensity(lu, two_units, area_method="planar")
    with pytest.raises(GeometryError, match="overlap"):
        growth_boundary_use(gpd.GeoDataFrame({"BH": ["G1"]}, geometry=[sq(0, 0, 1000)], crs=CRS), lu,
                            area_method="planar")


def test_overlaps_under_the_tolerance_are_noted_not_fatal(two_units, landuse):
    # patch 2 reaches 1 mm into patch 3: 0.001 x 500 = 0.5 m2, under intensity.overlap_tolerance_m2 (1 m2)
    lu = landuse.copy()
    lu.loc[lu["BSM"] == "2", "geometry"] = sq(500, 0, 100.001, 500)
    d_log = AuditLog()
    development_intensity(lu, two_units, area_method="planar", log=d_log)
    notes = " ".join(d_log.notes)
    assert "1 pair(s) of land-use patches overlap by at most 1 m2 each (0.50 m2 in all)" in notes
    rules = load_rules().with_overrides({"intensity.overlap_tolerance_m2": 0.1})
    from redline.errors import GeometryError

    with pytest.raises(GeometryError, match="2 x 3"):
        development_intensity(lu, two_units, area_method="planar", rules=rules)


def test_admin_codes_from_a_float_column_match_the_gdp_table(two_units, landuse, tmp_path):
    units = two_units.assign(XZQDM=[411528001.0, 411528002.0])  # as read from an Excel-made layer
    gdp = tmp_path / "gdp.csv"
    pd.DataFrame({"行政区代码": ["411528001", " ４１１５２８００２ "], "GDP(亿元)": ["1,207.5", "3"]}).to_csv(gdp, index=False)
    d_log = AuditLog()
    d = development_intensity(landuse, units, gdp=str(gdp), area_method="planar", log=d_log)
    assert d["admin_code"].tolist() == ["411528001", "411528002"]
    assert d["gdp_yi_yuan"].tolist() == [1207.5, 3.0]
    notes = " ".join(d_log.notes)
    assert "normalised" in notes and "411528001.0" in notes


def test_gdp_table_problems_are_errors_not_empty_cells(two_units, landuse):
    bad = pd.DataFrame({"admin_code": ["411528001", "411528001.0", "411528002"], "gdp_yi_yuan": ["7", "8", "n/a"]})
    with pytest.raises(SchemaError) as err:
        development_intensity(landuse, two_units, gdp=bad, area_method="planar")
    text = str(err.value)
    assert "listed twice" in text and "411528001" in text
    assert "not a number in row(s) 3 (411528002: 'n/a')" in text
    with pytest.raises(SchemaError, match="negative"):
        development_intensity(landuse, two_units, gdp=pd.DataFrame({"admin_code": ["411528001"],
                                                                      "gdp_yi_yuan": [-1]}))


def test_gdp_rows_naming_no_unit_are_noted(two_units, landuse):
    gdp = pd.DataFrame({"admin_code": ["411528001", "411528999"], "gdp_yi_yuan": [7.2, 1.0]})
    d_log = AuditLog()
    development_intensity(landuse, two_units, gdp=gdp, area_method="planar", log=d_log)
    notes = " ".join(d_log.notes)
    assert "1 GDP row(s) name no unit of the admin layer and are not used: 411528999" in notes
    assert "1 unit(s) have no GDP row" in notes and "411528002" in notes


def test_self_overlaps_kernel_by_hand():
    from redline.boundaries._fast import self_overlaps

    grid = [sq(x, y, 100) for x in (0, 100, 200) for y in (0, 100)]  # 6 cells touching: no overlap
    assert len(self_overlaps(grid)) == 0
    pairs = self_overlaps([*grid, sq(50, 50, 100)])  # a cell over the corner of four others: 2 500 m2 each
    assert sorted(pairs["a"].tolist()) == [0, 1, 2, 3] and (pairs["b"] == 6).all()
    assert pairs["area"].tolist() == pytest.approx([2500.0] * 4)


def test_gdp_in_wan_yuan_is_converted_and_a_bare_header_is_said(two_units, landuse):
    gdp = pd.DataFrame({"行政区代码": ["411528001", "411528002"], "地区生产总值（万元）": [72000, 10000]})
    d_log = AuditLog()
    d = development_intensity(landuse, two_units, gdp=gdp, area_method="planar", log=d_log)
    assert d["gdp_yi_yuan"].tolist() == pytest.approx([7.2, 1.0])
    assert any("converted to 亿元" in n for n in d_log.notes)
    d_log = AuditLog()
    d = development_intensity(landuse, two_units, gdp=gdp.rename(columns={"地区生产总值（万元）": "GDP"}),
                              area_method="planar", log=d_log)
    assert any("'GDP' has no unit in its header: read as 亿元" in n for n in d_log.notes)
    with pytest.raises(SchemaError, match="unit not understood"):
        development_intensity(landuse, two_units, gdp=gdp.rename(columns={"地区生产总值（万元）": "GDP(美元)"}))


def test_a_unit_the_land_use_layer_does_not_cover_is_noted(two_units, landuse):
    d_log = AuditLog()
    development_intensity(landuse, two_units, area_method="planar", log=d_log)
    notes = " ".join(d_log.notes)
    # unit 1: 910 000 of 1 000 000 m2 covered; unit 2: 830 000
    assert "cover only part of 2 unit(s) (coverage): 411528001 (91.00%), 411528002 (83.00%)" in notes
    assert "260,000 m2 without patches" in notes


def test_admin_code_normalising_is_stable_under_excel_round_trips():
    from hypothesis import given
    from hypothesis import strategies as st

    from redline.boundaries.intensity import normalise_admin_codes

    @given(st.integers(min_value=0, max_value=999_999_999_999), st.integers(min_value=0, max_value=2))
    def check(code, zeros):
        text = "0" * zeros + str(code)  # a code with leading zeros keeps them
        full = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        out = normalise_admin_codes([text, f" {text} ", full, f"{text}.0"]).tolist()
        assert out == [text] * 4
        assert normalise_admin_codes([float(code)]).tolist() == [str(code)]  # the float column of Excel
        assert normalise_admin_codes(out).tolist() == out  # idempotent

    check()


def test_self_overlaps_finds_exactly_the_duplicated_cells():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from redline.boundaries._fast import self_overlaps

    @settings(max_examples=30, deadline=None)
    @given(st.integers(2, 6), st.integers(2, 6), st.sets(st.integers(0, 35), max_size=4))
    def check(nx, ny, dup):
        grid = [sq(i * 37.5, j * 21.0, 37.5, 21.0) for i in range(nx) for j in range(ny)]
        dup = sorted(d for d in dup if d < len(grid))
        pairs = self_overlaps(grid + [grid[d] for d in dup])
        assert sorted(zip(pairs["a"], pairs["b"], strict=True)) == [(d, len(grid) + k) for k, d in enumerate(dup)]
        assert pairs["area"].tolist() == pytest.approx([37.5 * 21.0] * len(dup))

    check()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(1, 3), st.integers(1, 3)),
                min_size=2, max_size=12))
def test_self_overlaps_equals_every_pair_tested_by_hand(cells):
    """Rectangles on an integer grid (many only touch, along an edge or at a corner): the pairs self_overlaps finds
    are exactly those whose intersection has area, with that area."""
    from redline.boundaries._fast import self_overlaps

    geoms = [box(x, y, x + w, y + h) for x, y, w, h in cells]
    want = {(i, j): geoms[i].intersection(geoms[j]).area for i in range(len(geoms)) for j in range(i + 1, len(geoms))
            if geoms[i].intersection(geoms[j]).area > 0}
    got = self_overlaps(geoms)
    assert {(int(a), int(b)): area for a, b, area in got.itertuples(index=False)} == pytest.approx(want)


def test_audits_of_one_run_check_and_overlay_the_land_use_once_with_the_same_results(monkeypatch):
    """土地开发强度, 城镇开发边界使用 and 耕地保有 all check the land-use layer for overlaps, and two of them overlay it
    with the townships: in one run each is done once, and every output is the one the audits give alone."""
    import pyogrio

    from redline.boundaries import intensity as I
    from redline.example import example_path
    from redline.pipeline import run_audits
    from redline.registry import all_specs

    path = example_path()
    src = {n: f"{path}:{n}" for n in ("landuse", "admin", "farmland", "growth_boundary")}
    audits = ["development_intensity", "growth_boundary_use", "farmland_retention"]
    assert {n for n, _ in pyogrio.list_layers(path)} >= set(src)
    calls: list[tuple] = []
    check, clip = I._check_overlaps, I.overlay_pairs
    monkeypatch.setattr(I, "_check_overlaps", lambda frame, idf, layer, *a, **k: calls.append(("check", layer))
                        or check(frame, idf, layer, *a, **k))
    monkeypatch.setattr(I, "overlay_pairs", lambda small, big, **k: calls.append(("overlay", len(small), len(big)))
                        or clip(small, big, **k))
    together = run_audits(src, as_of="2026-06-30", audits=audits)
    assert calls.count(("check", "landuse")) == 1, calls
    overlays = [c for c in calls if c[0] == "overlay"]
    assert len(overlays) == len(set(overlays)) == 3, calls  # land use x townships once, x boundary, farmland x townships
    reads = {s.id: {i.name for i in s.inputs} for s in all_specs()}
    alone = {a: run_audits({k: v for k, v in src.items() if k in reads[a]}, as_of="2026-06-30", audits=[a])
             for a in audits}
    assert calls.count(("check", "landuse")) == 1 + 3  # each audit alone checks it again
    for a in audits:
        for name, frame in alone[a].outputs.items():
            pd.testing.assert_frame_equal(pd.DataFrame(together.outputs[name]), pd.DataFrame(frame))
    assert set(together.notes) == set().union(*(set(r.notes) for r in alone.values()))


def test_the_overlap_check_beside_the_overlay_reports_as_if_it_had_run_first():
    """The overlap check runs on a second thread while the overlay runs: its error is the one raised, whether the
    overlay succeeded or failed too, and both results come back when neither fails."""
    from redline.boundaries.intensity import _checked_while
    from redline.errors import GeometryError, Problem

    def bad_check():
        raise GeometryError(Problem(layer="landuse", code="overlapping_features", message="2 pairs overlap"))

    def bad_work():
        raise ValueError("overlay failed")

    assert _checked_while(lambda: ["note"], lambda: 42) == (["note"], 42)
    with pytest.raises(GeometryError, match="2 pairs overlap"):
        _checked_while(bad_check, lambda: 42)
    with pytest.raises(GeometryError, match="2 pairs overlap"):
        _checked_while(bad_check, bad_work)
    with pytest.raises(ValueError, match="overlay failed"):
        _checked_while(lambda: [], bad_work)
