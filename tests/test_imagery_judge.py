"""judge_patches: the 卫片 register on hand-drawn layers where every judgement appears."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from redline.errors import CRSError, SchemaError
from redline.imagery import JUDGEMENTS, judge_patches
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
    reg = judge_patches(patches)
    assert (reg["judgement"] == "unapproved").all()
    assert reg.attrs["layers_missing"] == "approvals, supplies, farmland"


def test_patches_reprojected_to_the_vectors_crs(layers):
    patches, approvals, supplies, farmland = layers
    geographic = patches.to_crs("EPSG:4490")
    reg = judge_patches(geographic, approvals=approvals, supplies=supplies, farmland=farmland, area_method="planar")
    assert reg["judgement"].tolist() == list(JUDGEMENTS)
    assert reg.crs.to_epsg() == 4490  # the patches come back as given
    assert "EPSG:4547" in reg.attrs["working_crs"]
    assert reg["farmland_m2"].iloc[3] == pytest.approx(300, rel=1e-6)


def test_patches_without_area_get_one(layers):
    patches = layers[0].drop(columns="area_m2")
    reg = judge_patches(patches, area_method="planar")
    assert reg["area_m2"].tolist() == pytest.approx([900.0] * 4)
    assert reg["area_mu"].tolist() == pytest.approx([1.35] * 4)


def test_bad_layers_are_all_reported_at_once(layers):
    patches, approvals, supplies, farmland = layers
    with pytest.raises(SchemaError) as err:
        judge_patches(patches, approvals=approvals.rename(columns={"approval_id": "编号X"}),
                      supplies=supplies.rename(columns={"supply_id": "号码X"}))
    assert len(err.value.problems) == 2 and "approval_id" in str(err.value) and "supply_id" in str(err.value)
    with pytest.raises(CRSError, match="no coordinate reference system"):
        judge_patches(patches, farmland=farmland.set_crs(None, allow_override=True))


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
