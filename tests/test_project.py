"""项目红线审查: the 报批 地类面积表, the checks against the control lines and the plan, the land-use standard,
and the same checks on what was already granted; each on a case small enough to count by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.errors import SchemaError, ValidationError
from redline.project import check, landuse_table, pbf_approval_level, standard_check, supply_outside_boundary
from redline.result import AuditLog
from redline.units import M2_PER_MU

CRS = "EPSG:4547"
X0, Y0 = 500000.0, 3550000.0


def box(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def gdf(rows, geoms):
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=CRS)


# -- 报批 地类面积表 ---------------------------------------------------------------------------------------------------

@pytest.fixture
def squares():
    """A 300 m x 120 m project over five patches: 0101 and 0103 (collective, slope grades 2 and 3) of 1 ha each,
    0702 (state) and 1101 of 0.5 ha each; the top 20 m strip is on no patch."""
    project = gdf({"项目编号": ["P1"]}, [box(0, 0, 300, 120)])
    landuse = gdf({"BSM": ["1", "2", "3", "4"], "DLBM": ["0101", "0103", "0702", "1101"],
                   "QSXZ": ["30", "32", "20", "10"], "PDJB": ["2", "3", None, None]},
                  [box(0, 0, 100, 100), box(100, 0, 200, 100), box(200, 0, 300, 50), box(200, 50, 300, 100)])
    return project, landuse


def test_landuse_table_counts_each_class_and_subtotal_in_the_standards_order(squares):
    project, landuse = squares
    log = AuditLog()
    t = landuse_table(project, landuse, area_method="planar", log=log)
    assert t["label"].tolist() == ["农用地", "其中: 耕地", "0101 水田 (坡度级别 2)", "0103 旱地 (坡度级别 3)", "建设用地",
                                   "0702 农村宅基地", "未利用地", "1101 河流水面", "未调查 (无地类图斑)", "合计"]
    # by hand: 100 x 100 = 10 000 m² each for 0101 and 0103, 100 x 50 = 5 000 m² for 0702 and 1101,
    # 300 x 20 = 6 000 m² on no patch, 300 x 120 = 36 000 m² in all
    area = dict(zip(t["label"], t["area_m2"], strict=True))
    assert area["农用地"] == pytest.approx(20000) and area["其中: 耕地"] == pytest.approx(20000)
    assert area["建设用地"] == pytest.approx(5000) and area["未利用地"] == pytest.approx(5000)
    assert area["未调查 (无地类图斑)"] == pytest.approx(6000) and area["合计"] == pytest.approx(36000)
    total = t[t["row_type"] == "total"].iloc[0]
    assert total["area_ha"] == pytest.approx(3.6) and total["area_mu"] == pytest.approx(36000 / M2_PER_MU)
    # 权属性质: 10/20 国有, 30/32 集体
    assert total["state_m2"] == pytest.approx(10000) and total["collective_m2"] == pytest.approx(20000)
    cult = t[t["row_type"] == "class"].set_index("dlbm")
    assert cult.loc["0101", "is_cultivated"] and not cult.loc["0702", "is_cultivated"]
    assert cult.loc["0103", "slope_grade"] == "3" and pd.isna(cult.loc["0702", "slope_grade"])
    assert any("未调查" in n and "P1 (6,000.0 m²)" in n for n in log.notes)
    assert "《土地管理法》第四条" in total["rule"]


def test_without_qsxz_ownership_is_empty_and_said(squares):
    project, landuse = squares
    log = AuditLog()
    t = landuse_table(project, landuse.drop(columns=["QSXZ"]), area_method="planar", log=log)
    assert t["state_m2"].isna().all() and t["collective_m2"].isna().all()
    assert any("no 权属性质 (QSXZ)" in n for n in log.notes)


def test_a_code_the_table_cannot_place_is_listed_not_guessed(squares):
    project, landuse = squares
    landuse = landuse.assign(DLBM=["0101", "0103", "0702", "11"])  # 11: a first-level code mixing categories
    log = AuditLog()
    t = landuse_table(project, landuse, area_method="planar", log=log)
    odd = t[t["group"] == "未能归类"]
    assert odd["area_m2"].tolist() == pytest.approx([5000, 5000])  # its subtotal and its class row
    assert any("未能归类" in n and "11" in n for n in log.notes)


# -- checks -----------------------------------------------------------------------------------------------------------

def test_pbf_under_a_project_needs_the_state_council_quoting_the_articles():
    p = gdf({"项目编号": ["P1"]}, [box(0, 0, 100, 100)])
    pbf = gdf({"图斑编号": ["J1", "J2"]}, [box(0, 0, 30, 100), box(90, 0, 200, 100)])
    r = check(p, farmland=pbf, area_method="planar")
    row = r[r["kind"] == "pbf"].iloc[0]
    assert row["status"] == "needs_state_council" and row["area_m2"] == pytest.approx(4000)  # 30 + 10 m wide strips
    assert row["target_id"] == "J1, J2" and row["share"] == pytest.approx(0.4)
    assert "第四十四条" in row["rule"] and "永久基本农田转为建设用地的, 由国务院批准" in row["rule"]
    assert "第三十五条" in row["rule"] and "必须经国务院批准" in row["rule"]


def test_eco_redline_only_for_a_listed_limited_activity():
    eco = gdf({"红线编号": ["E1"]}, [box(0, 0, 50, 100)])
    p = gdf({"项目编号": ["road", "mall"], "红线内活动类型": ["线性基础设施 (县道改建)", "商业开发"]},
            [box(0, 0, 100, 100), box(0, 0, 100, 100)])
    r = check(p, eco_redline=eco, area_method="planar").set_index("project_id")
    assert r.loc["road", "status"] == "eco_limited_activity" and r.loc["mall", "status"] == "eco_not_listed"
    assert r.loc["mall", "area_m2"] == pytest.approx(5000)
    assert "自然资发〔2022〕142号" in r.loc["mall", "rule"] and "NOT CHECKED" in r.loc["mall", "rule"]


def test_outside_the_boundary_and_by_zone():
    p = gdf({"项目编号": ["P1"]}, [box(0, 0, 100, 100)])
    gb = gdf({"边界编号": ["B1", "B2"], "分区类型": ["城镇集中建设区", "特别用途区"]}, [box(0, 0, 40, 100), box(40, 0, 70, 100)])
    r = check(p, growth_boundary=gb, area_method="planar")
    got = {(k, s): a for k, s, a in r[["kind", "status", "area_m2"]].itertuples(index=False)}
    assert got == pytest.approx({("outside_growth_boundary", "outside_boundary"): 3000,
                                 ("growth_zone", "zone_allowed"): 4000, ("growth_zone", "zone_not_allowed"): 3000})


def test_planned_use_against_the_plan_a_class_above_fits():
    p = gdf({"项目编号": ["P1"], "拟用地类型": ["1001"]}, [box(0, 0, 100, 100)])
    plan = gdf({"标识码": ["G1", "G2"], "用地用海代码": ["10", "0701"]}, [box(0, 0, 60, 100), box(60, 0, 100, 100)])
    r = check(p, plan=plan, area_method="planar")
    assert r["kind"].tolist() == ["plan_mismatch"]
    row = r.iloc[0]
    assert row["target_id"] == "G2" and row["area_m2"] == pytest.approx(4000)
    assert "0701 城镇住宅用地" in row["detail"] and "1001 工业用地" in row["detail"]


def test_a_clean_project_and_slivers_are_rows_not_findings():
    pbf = gdf({"图斑编号": ["J1"]}, [box(99, 0, 100, 5)])  # 5 m² under the red line: a sliver
    p = gdf({"项目编号": ["P1"]}, [box(0, 0, 100, 100)])
    log = AuditLog()
    r = check(p, farmland=pbf, area_method="planar", log=log)
    assert r["status"].tolist() == ["sliver", "clean"]
    assert any("no eco_redline layer given" in n for n in log.notes)


# -- land-use standard -------------------------------------------------------------------------------------------------

def _square_mu(mu, **attrs):
    side = (mu * M2_PER_MU) ** 0.5
    return gdf({k: [v] for k, v in attrs.items()}, [box(0, 0, side, side)])


def test_reduce_area_from_investment_and_far():
    # 丹阳: 300 万元/亩 (the local example set); C34 FAR floor 0.7 (underused.far_min)
    p = _square_mu(40, 项目编号="P1", 园区="丹阳", 行业分类="C3411", 总投资=9000.0, 计划建筑面积=14000.0)
    r = standard_check(p, rules="jiangsu-project-example", area_method="planar").iloc[0]
    assert r["area_by_investment_mu"] == pytest.approx(9000 / 300)  # 30 亩
    assert r["area_by_far_mu"] == pytest.approx(14000 / 0.7 / M2_PER_MU)  # 20 000 m² = 30 亩
    assert r["allowed_mu"] == pytest.approx(30) and r["reduce_mu"] == pytest.approx(10)
    assert r["reduce_rate"] == pytest.approx(0.25) and r["status"] == "reduce"
    assert "丹阳" in r["rule"] and "far_min[34]" in r["rule"]


def test_below_the_zones_minimum_investment_goes_to_standard_factory_space():
    p = _square_mu(10, 项目编号="P1", 园区="泰州", 总投资=50000.0)  # 5 亿元 < 6 亿元
    r = standard_check(p, rules="jiangsu-project-example", area_method="planar").iloc[0]
    assert r["status"] == "standard_factory" and r["standalone_min_investment_wan"] == 60000


def test_national_rules_have_no_investment_floor_so_it_is_not_run_and_said():
    p = _square_mu(40, 项目编号="P1", 园区="丹阳", 总投资=9000.0)
    log = AuditLog()
    r = standard_check(p, area_method="planar", log=log).iloc[0]
    assert r["status"] == "not_judged" and np.isnan(r["area_by_investment_mu"]) and np.isnan(r["reduce_mu"])
    assert "no investment-intensity floor for zone '丹阳'" in r["reasons"]
    assert any("投资强度 not judged" in n for n in log.notes)


# -- what was already granted ------------------------------------------------------------------------------------------

def test_approvals_on_pbf_by_authority_and_date():
    a = gdf({"批准文号": ["A1", "A2", "A3", "A4"], "批准日期": ["2024-01-01", "2024-01-01", "2024-01-01", "2027-01-01"],
             "批准机关": ["河南省人民政府", "国务院", None, "河南省人民政府"]},
            [box(0, 0, 100, 100), box(200, 0, 300, 100), box(400, 0, 500, 100), box(600, 0, 700, 100)])
    pbf = gdf({"图斑编号": ["J1"]}, [box(0, 0, 700, 10)])
    log = AuditLog()
    r = pbf_approval_level(a, pbf, as_of="2026-06-30", area_method="planar", log=log)
    assert r[["approval_id", "status"]].values.tolist() == [["A1", "wrong_level"], ["A2", "state_council"],
                                                           ["A3", "level_unknown"]]
    assert r["pbf_m2"].tolist() == pytest.approx([1000, 1000, 1000])
    assert any("A4" in n and "after the audit date" in n for n in log.notes)


def test_supplies_outside_the_boundary():
    s = gdf({"合同编号": ["S1", "S2"], "签订日期": ["2023-01-01", "2023-01-01"]},
            [box(0, 0, 100, 100), box(200, 0, 300, 100)])
    gb = gdf({"边界编号": ["B1"]}, [box(0, 0, 250, 100)])
    r = supply_outside_boundary(s, gb, as_of="2026-06-30", area_method="planar")
    assert r[["supply_id", "status"]].values.tolist() == [["S2", "outside_boundary"]]
    assert r["outside_m2"].iloc[0] == pytest.approx(5000) and r["outside_share"].iloc[0] == pytest.approx(0.5)


def test_supplies_outside_a_boundary_of_many_vertices_are_the_plain_difference():
    """A boundary big enough to be cut into pieces: supplies deep inside, inside on its edge, across the pieces'
    cut lines, crossing its edge and outside each have, outside it, exactly what a plain difference leaves."""
    from redline.boundaries._fast import subdivide

    ring = shapely.Point(X0 + 5000, Y0 + 5000).buffer(4000, quad_segs=256)  # 1 024 vertices: cut into pieces
    assert len(subdivide(np.array([ring], dtype=object))[0]) > 1
    boxes = [box(4900, 4900, 5100, 5100),  # deep inside, across the middle cut lines
             box(1000, 4950, 1100, 5050),  # inside, crossing the edge: part outside
             box(8990, 4990, 9100, 5010),  # crossing the far edge
             box(4000, 4000, 4050, 4050),  # inside
             box(20, 20, 60, 60)]  # outside
    ids = [f"S{i}" for i in range(len(boxes))]
    s = gdf({"合同编号": ids, "签订日期": ["2023-01-01"] * len(boxes)}, boxes)
    r = supply_outside_boundary(s, gdf({"边界编号": ["B1"]}, [ring]), as_of="2026-06-30", area_method="planar")
    expected = {i: shapely.difference(b, ring).area for i, b in zip(ids, boxes, strict=True)}
    got = dict(zip(r["supply_id"], r["outside_m2"], strict=True))
    assert set(got) == {i for i, a in expected.items() if a > 0} == {"S1", "S2", "S4"}
    for i, area in got.items():
        assert area == pytest.approx(expected[i], rel=1e-9), i


# -- bad input ----------------------------------------------------------------------------------------------------------

def test_a_project_without_id_is_named_by_its_row_and_said(squares):
    _, landuse = squares
    p = gdf({"项目编号": ["P1", None]}, [box(0, 0, 100, 100), box(100, 0, 200, 100)])
    log = AuditLog()
    t = landuse_table(p, landuse, area_method="planar", log=log)
    assert set(t["project_id"]) == {"P1", "<row 2>"}
    assert any("have no project_id (项目编号)" in n for n in log.notes)


def test_duplicate_project_ids_stop_the_run(squares):
    _, landuse = squares
    p = gdf({"项目编号": ["P1", "P1"]}, [box(0, 0, 100, 100), box(100, 0, 200, 100)])
    with pytest.raises(ValidationError, match=r"project_id \(项目编号\) value\(s\) occur more than once"):
        landuse_table(p, landuse, area_method="planar")


def test_landuse_without_dlbm_is_refused_naming_the_field(squares):
    project, landuse = squares
    with pytest.raises(SchemaError, match="land_use_code"):
        landuse_table(project, landuse.drop(columns=["DLBM"]), area_method="planar")


# -- the example county -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def county():
    from redline.example import load_example

    return load_example()


def test_example_landuse_table_matches_a_count_by_overlay(county):
    projects, landuse = county["projects"], county["landuse"]
    t = landuse_table(projects, landuse, area_method="planar")
    # the hand count: geopandas' overlay of the two layers, areas summed per project and code
    pieces = gpd.overlay(projects[["项目编号", "geometry"]], landuse[["DLBM", "geometry"]], how="intersection")
    counted = pieces.assign(a=pieces.area).groupby(["项目编号", "DLBM"])["a"].sum()
    classes = t[t["row_type"] == "class"].groupby(["project_id", "dlbm"])["area_m2"].sum()
    assert classes.index.tolist() == counted.index.tolist()
    assert classes.to_numpy() == pytest.approx(counted.to_numpy(), abs=0.01)
    total = t[t["row_type"] == "total"].set_index("project_id")["area_m2"]
    assert total.to_numpy() == pytest.approx(projects.area.to_numpy(), abs=0.01)


def test_example_projects_one_on_pbf_and_outside_the_boundary_one_clean(county):
    r = check(county["projects"], farmland=county["farmland"], eco_redline=county["eco_redline"],
              growth_boundary=county["growth_boundary"], landuse=county["landuse"], area_method="planar")
    first = r[r["project_id"] == "XM-2026-001"]
    assert {"needs_state_council", "outside_boundary", "zone_allowed"} <= set(first["status"])
    pbf = shapely.union_all(county["farmland"].geometry.values)
    on_pbf = county["projects"].geometry.iloc[0].intersection(pbf).area
    assert first.loc[first["kind"] == "pbf", "area_m2"].iloc[0] == pytest.approx(on_pbf, abs=0.01)
    second = r[r["project_id"] == "XM-2026-002"]
    # inside the concentrated construction zone, off PBF and the eco red line: no finding (耕地 only to compensate)
    assert (second["status"] == "zone_allowed").any()
    assert set(second["status"]) <= {"zone_allowed", "clean", "compensate"}
    assert "clean" not in set(first["status"])


def test_redline_project_command(tmp_path):
    from redline.cli import main
    from redline.example import example_path

    g = str(example_path())
    res = CliRunner().invoke(main, ["project", "--projects", f"{g}:projects", "--landuse", f"{g}:landuse",
                                    "--farmland", f"{g}:farmland", "--growth-boundary", f"{g}:growth_boundary",
                                    "--rules", "jiangsu-project-example", "--out", str(tmp_path / "out"), "-q"])
    assert res.exit_code == 0, res.output
    import pyogrio

    names = {n for n, _ in pyogrio.list_layers(tmp_path / "out" / "redline_results.gpkg")}
    assert {"project_checks", "project_landuse", "project_standard"} <= names


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.booleans())
def test_parts_inside_and_outside_equal_those_against_the_whole_layer_at_once(seed, inside):
    """The part of each feature inside (outside) the right layer, met piece by piece, equals the part against one
    union of the whole right layer: random squares against a 3 000-vertex wobbly boundary with a hole and small
    PBF-like patches, some overlapping, some sharing edges."""
    from redline.project.granted import _overlaps

    rng = np.random.default_rng(seed)
    x0, y0 = 500_000.0, 3_500_000.0
    t = np.linspace(0, 2 * np.pi, 3000, endpoint=False)
    r = 900 + 60 * np.sin(7 * t) + rng.uniform(-5, 5, len(t))
    ring = np.c_[x0 + r * np.cos(t), y0 + r * np.sin(t)]
    big = shapely.Polygon(ring, [shapely.Point(x0, y0).buffer(200).exterior.coords])
    small = [shapely.box(x0 + dx, y0 + dy, x0 + dx + 100, y0 + dy + 100)
             for dx, dy in rng.uniform(-1200, 1100, (8, 2)).round(0)]
    right = gpd.GeoDataFrame(geometry=[big, *small], crs="EPSG:4547")
    left = gpd.GeoDataFrame(geometry=[shapely.box(x0 + dx, y0 + dy, x0 + dx + w, y0 + dy + w)
                                      for dx, dy, w in rng.uniform([-1300, -1300, 20], [1200, 1200, 400], (40, 3))],
                            crs="EPSG:4547")
    part, m2 = _overlaps(left, right, left.crs, "planar", inside)
    whole = shapely.union_all(right.geometry.values)
    expect = shapely.area(shapely.intersection(left.geometry.values, whole) if inside
                          else shapely.difference(left.geometry.values, whole))
    np.testing.assert_allclose(m2, expect, rtol=1e-9, atol=1e-6)
    assert shapely.is_valid(part).all()
