"""judge_patches: the 卫片 register on hand-drawn layers where every judgement appears."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from redline.errors import CRSError, SchemaError, ValidationError
from redline.imagery import JUDGEMENTS, judge_patches
from redline.result import AuditLog
from redline.rules import load_rules

GK = "EPSG:4547"
X, Y = 500_000, 3_500_000


def sq(x, y, size=30):
    """A square patch with its lower-left corner ``(x, y)`` metres from the origin."""
    return box(X + x, Y + y, X + x + size, Y + y + size)


@pytest.fixture
def layers():
    # four 30 m x 30 m patches (900 m2 = 1.35 亩 each), 100 m apart
    patches = gpd.GeoDataFrame({"patch_id": [1, 2, 3, 4], "area_m2": 900.0},
                               geometry=[sq(0, 0), sq(100, 0), sq(200, 0), sq(300, 0)], crs=GK)
    approvals = gpd.GeoDataFrame({"approval_id": ["苏政地〔2023〕1号", "苏政地〔2023〕2号", "苏政地〔2023〕3号"]},
                                 geometry=[box(X - 10, Y - 10, X + 140, Y + 40),   # covers patches 1 and 2
                                           box(X + 115, Y, X + 130, Y + 30),     # overlaps approval 2 inside patch 2
                                           box(X + 200, Y + 30, X + 230, Y + 60)],  # touches patch 3 at its edge
                                 crs=GK)
    supplies = gpd.GeoDataFrame({"supply_id": ["3204002023B00001"]}, geometry=[sq(-5, -5, 40)], crs=GK)
    farmland = gpd.GeoDataFrame({"farmland_id": ["JBNT-001", "JBNT-002"]},
                                geometry=[box(X + 290, Y, X + 310, Y + 30),    # 10 m x 30 m of patch 4
                                          box(X + 120, Y, X + 160, Y + 30)],  # under approved patch 2
                                crs=GK)
    return patches, approvals, supplies, farmland


def test_each_judgement_appears_with_ids_and_areas(layers):
    patches, approvals, supplies, farmland = layers
    reg = judge_patches(patches, approvals=approvals, supplies=supplies, farmland=farmland, area_method="planar")
    assert reg["judgement"].tolist() == ["approved_supplied", "approved_not_supplied", "unapproved",
                                         "unapproved_on_farmland"]
    assert set(reg["judgement"]) == set(JUDGEMENTS)
    assert reg["judgement_zh"].tolist() == ["已批已供", "已批未供", "未批先用", "未批占用永久基本农田"]
    assert reg["approval_ids"].tolist() == ["苏政地〔2023〕1号", "苏政地〔2023〕1号, 苏政地〔2023〕2号", "", ""]
    assert reg["supply_ids"].tolist() == ["3204002023B00001", "", "", ""]
    assert reg["farmland_ids"].tolist() == ["", "JBNT-002", "", "JBNT-001"]
    # overlapping approvals are not counted twice: patch 2 is covered once, 900 m2
    assert reg["approved_m2"].tolist() == pytest.approx([900, 900, 0, 0])
    assert reg["supplied_m2"].tolist() == pytest.approx([900, 0, 0, 0])
    assert reg["farmland_m2"].tolist() == pytest.approx([0, 300, 0, 300])
    assert reg["farmland_mu"].iloc[3] == pytest.approx(0.45)
    assert reg["rule"].iloc[3].startswith("cn-national@") and "imagery.min_farmland_overlap_m2" in reg["rule"].iloc[3]
    assert "imagery.min_overlap_ratio" in reg["rule"].iloc[0]
    assert reg.crs == patches.crs and reg["patch_id"].tolist() == [1, 2, 3, 4]
    assert reg.columns[-1] == "geometry"


def test_min_overlap_ratio_from_the_rules(layers):
    patches, approvals, supplies, farmland = layers
    half = gpd.GeoDataFrame({"approval_id": ["A"]}, geometry=[box(X + 300, Y, X + 315, Y + 30)], crs=GK)
    reg = judge_patches(patches.iloc[[3]], approvals=half, farmland=farmland)
    assert reg["judgement"].tolist() == ["approved_not_supplied"]  # any overlap counts by default
    strict = load_rules(overrides={"imagery.min_overlap_ratio": 0.8})
    reg = judge_patches(patches.iloc[[3]], approvals=half, farmland=farmland, rules=strict)
    assert reg["judgement"].tolist() == ["unapproved_on_farmland"]
    assert reg["approved_m2"].iloc[0] == pytest.approx(450, rel=1e-3)  # reported even when not enough


def test_missing_layers_mean_nothing_approved(layers):
    patches = layers[0]
    reg = judge_patches(patches, log=(log := AuditLog()))
    assert (reg["judgement"] == "unapproved").all()
    assert log.fact("judge_patches", "layers_missing") == "approvals, supplies, farmland"


def test_patches_reprojected_to_the_vectors_crs(layers):
    patches, approvals, supplies, farmland = layers
    geographic = patches.to_crs("EPSG:4490")
    reg = judge_patches(geographic, approvals=approvals, supplies=supplies, farmland=farmland, area_method="planar",
                        log=(log := AuditLog()))
    assert reg["judgement"].tolist() == list(JUDGEMENTS)
    assert reg.crs.to_epsg() == 4490  # the patches come back as given
    assert "EPSG:4547" in log.fact("judge_patches", "working_crs")
    assert reg["farmland_m2"].iloc[3] == pytest.approx(300, rel=1e-6)


def test_patches_without_area_get_one(layers):
    patches = layers[0].drop(columns="area_m2")
    reg = judge_patches(patches, area_method="planar")
    assert reg["area_m2"].tolist() == pytest.approx([900.0] * 4)
    assert reg["area_mu"].tolist() == pytest.approx([1.35] * 4)


def test_bad_layers_are_all_reported_at_once(layers):
    patches, approvals, supplies, farmland = layers
    with pytest.raises(SchemaError, match="patch_id"):
        judge_patches(patches.rename(columns={"patch_id": "编号X"}), approvals=approvals)
    twice = approvals.assign(approval_id=["A", "A", "B"])
    with pytest.raises(ValidationError) as err:
        judge_patches(patches, approvals=twice, supplies=pd.concat([supplies, supplies]))
    assert {(p.layer, p.code) for p in err.value.problems} == {("approvals", "duplicate_id"),
                                                               ("supplies", "duplicate_id")}
    with pytest.raises(CRSError, match="no coordinate reference system"):
        judge_patches(patches, farmland=farmland.set_crs(None, allow_override=True))


def test_layers_are_validated_like_an_audit(layers):
    patches, approvals, supplies, farmland = layers
    # a bow-tie over patch 1 (before: GEOS TopologyException), farmland with a null geometry, supplies without ids
    bowtie = Polygon([(X - 10, Y - 10), (X + 40, Y + 40), (X + 40, Y - 10), (X - 10, Y + 40)])
    a = gpd.GeoDataFrame({"批准文号": ["A-bow"]}, geometry=[bowtie], crs=GK)
    f = gpd.GeoDataFrame({"farmland_id": ["F-null", "JBNT-001"]}, geometry=[None, farmland.geometry.iloc[0]], crs=GK)
    s = supplies.rename(columns={"supply_id": "备注"})
    info = AuditLog()
    reg = judge_patches(patches, approvals=a, supplies=s, farmland=f, area_method="planar", log=info)
    assert reg["judgement"].tolist() == ["approved_supplied", "unapproved", "unapproved", "unapproved_on_farmland"]
    assert reg["approved_m2"].iloc[0] == pytest.approx(450)  # the bow-tie's two triangles over patch 1
    assert reg["supply_ids"].iloc[0] == "<row 1>"
    assert [(r["layer"], r["feature_id"], r["code"]) for r in info.rejected] == [("farmland", "F-null",
                                                                                     "null_geometry")]
    assert any(n.startswith("[approvals]") and "A-bow" in n and "make_valid" in n for n in info.notes)
    assert any(n.startswith("[supplies]") and "no supply_id" in n for n in info.notes)


def test_floating_point_contact_is_a_sliver_not_a_finding(layers):
    patches = layers[0]
    eps = 1e-9
    a = gpd.GeoDataFrame({"approval_id": ["A-noise", "A-strip", "A-real"]}, crs=GK, geometry=[
        box(X + 30 - eps, Y, X + 60, Y + 30),       # reaches 1e-9 m into patch 1
        box(X + 129.5, Y, X + 160, Y + 30),         # a 0.5 m x 30 m strip of patch 2: 15 m2, 0.48 m wide
        box(X + 200, Y, X + 210, Y + 30)])          # 10 m x 30 m of patch 3: counted
    f = gpd.GeoDataFrame({"farmland_id": ["F-noise"]}, geometry=[box(X + 330 - eps, Y, X + 400, Y + 30)], crs=GK)
    reg = judge_patches(patches, approvals=a, farmland=f, area_method="planar")
    assert reg["judgement"].tolist() == ["unapproved", "unapproved", "approved_not_supplied", "unapproved"]
    assert reg["approved_m2"].tolist() == pytest.approx([0, 0, 300, 0])
    assert reg["approved_sliver_m2"].tolist() == pytest.approx([30 * eps, 15, 0, 0], abs=1e-6)
    assert reg["farmland_m2"].iloc[3] == 0 and reg["farmland_sliver_m2"].iloc[3] > 0
    assert reg["approval_ids"].tolist() == ["", "", "A-real", ""]
    assert "A-noise" in reg["sliver_reason"].iloc[0] and "A-strip" in reg["sliver_reason"].iloc[1]
    assert "F-noise" in reg["sliver_reason"].iloc[3] and reg["sliver_reason"].iloc[2] == ""
    assert "geometry.sliver_max_width_m" in reg["rule"].iloc[0]


def test_empty_patches(layers):
    patches, approvals, supplies, farmland = layers
    reg = judge_patches(patches.iloc[:0], approvals=approvals, supplies=supplies, farmland=farmland)
    assert len(reg) == 0 and "judgement" in reg.columns


def test_change_patches_feed_the_register(tmp_path):
    import rasterio
    from affine import Affine

    from redline.imagery import change_patches
    before = np.full((10, 10), 1, "uint8")
    after = before.copy()
    after[0:3, 0:3] = 5      # patch 1 at the top-left
    after[6:9, 6:9] = 5      # patch 2 at the bottom-right
    paths = []
    for name, arr in (("a", before), ("b", after)):
        path = tmp_path / f"{name}.tif"
        with rasterio.open(path, "w", driver="GTiff", width=10, height=10, count=1, dtype="uint8", nodata=0,
                           crs=GK, transform=Affine(10, 0, X, 0, -10, Y + 100)) as dst:
            dst.write(arr, 1)
        paths.append(path)
    patches = change_patches(*paths, from_classes=1, to_classes=5)
    approvals = gpd.GeoDataFrame({"approval_id": ["A1"]}, geometry=[box(X, Y + 70, X + 30, Y + 100)], crs=GK)
    reg = judge_patches(patches, approvals=approvals)
    assert reg["judgement"].tolist() == ["approved_not_supplied", "unapproved"]
    assert reg["area_m2"].tolist() == [900.0, 900.0]


def test_bureau_field_names_are_accepted():
    # a layer straight from a bureau shapefile: 批准文号 rather than approval_id
    import geopandas as gpd
    from shapely.geometry import box

    from redline.imagery import judge_patches

    patches = gpd.GeoDataFrame({"patch_id": [1]}, geometry=[box(0, 0, 30, 30)], crs="EPSG:4547")
    approvals = gpd.GeoDataFrame({"批准文号": ["豫政土〔2015〕1号"]}, geometry=[box(0, 0, 50, 50)], crs="EPSG:4547")
    reg = judge_patches(patches, approvals=approvals, area_method="planar")
    assert reg.loc[0, "approval_ids"] == "豫政土〔2015〕1号"
    assert reg.loc[0, "judgement"] == "approved_not_supplied"
    assert list(approvals.columns) == ["批准文号", "geometry"]  # input not modified


def test_redline_changes_validates_the_vector_layers(tmp_path):
    from pathlib import Path

    import pyogrio
    from click.testing import CliRunner

    from redline.cli.changes import RESULT_FILE, command

    molusce = Path(__file__).parent / "data" / "molusce"
    # a bow-tie approval (before: GEOS TopologyException, exit 1 with a traceback) and a farmland layer whose
    # second patch has no geometry
    x0, y0, x1, y1 = 360000, 6230000, 365000, 6236000
    approvals = tmp_path / "approvals.gpkg"
    gpd.GeoDataFrame({"批准文号": ["A-bow"]}, geometry=[Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])],
                     crs="EPSG:32639").to_file(approvals)
    farmland = tmp_path / "farmland.gpkg"
    gpd.GeoDataFrame({"图斑编号": ["F1", "F-null"]}, geometry=[box(x0, y0, x1, y1), None],
                     crs="EPSG:32639").to_file(farmland)
    out = tmp_path / "out"
    result = CliRunner().invoke(command, [str(molusce / "init.tif"), str(molusce / "final.tif"),
                                          "--from-classes", "1,2,4", "--to-classes", "3", "--min-area", "1000",
                                          "--approvals", str(approvals), "--farmland", str(farmland),
                                          "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "A-bow" in result.output and "make_valid" in result.output
    assert "1 feature(s) set aside" in result.output
    rejected = pyogrio.read_dataframe(out / RESULT_FILE, layer="rejected")
    assert rejected[["layer", "feature_id", "code"]].values.tolist() == [["farmland", "F-null", "null_geometry"]]
    register = gpd.read_file(out / RESULT_FILE, layer="register")
    assert "approved_sliver_m2" in register.columns and len(register) > 0
