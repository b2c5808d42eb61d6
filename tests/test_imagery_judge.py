"""judge_patches: the 卫片 register on hand-drawn layers where every judgement appears."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from redline.data import sample_path
from redline.errors import CRSError, RulesError, SchemaError, ValidationError
from redline.imagery import JUDGEMENTS, judge_patches
from redline.imagery.judge import judge_register
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
    assert reg["judgement_zh"].tolist() == ["已批已供", "已批未供", "未批先用", "未批占用永久基本农田"]
    assert reg["approval_ids"].tolist() == ["苏政地〔2023〕1号", "苏政地〔2023〕1号, 苏政地〔2023〕2号", "", ""]
    assert reg["supply_ids"].tolist() == ["3204002023B00001", "", "", ""]
    assert reg["farmland_ids"].tolist() == ["", "JBNT-002", "", "JBNT-001"]
    # overlapping approvals are not counted twice: patch 2 is covered once, 900 m2
    assert reg["approved_m2"].tolist() == pytest.approx([900, 900, 0, 0])
    assert reg["supplied_m2"].tolist() == pytest.approx([900, 0, 0, 0])
    assert reg["farmland_m2"].tolist() == pytest.approx([0, 300, 0, 300])
    assert reg["farmland_mu"].iloc[3] == pytest.approx(0.45)
    # patch 2's farmland lies inside its approval (approvals may occupy PBF): explained; patch 4's is not
    assert reg["explained_m2"].tolist() == pytest.approx([900, 900, 0, 0])
    assert reg["unexplained_m2"].tolist() == pytest.approx([0, 0, 900, 900])
    assert reg["unexplained_pbf_m2"].tolist() == pytest.approx([0, 0, 0, 300])
    assert reg["unexplained_cultivated_m2"].isna().all()  # no land-use layer: not measured, not 0
    assert reg["rule"].iloc[3].startswith("cn-national@") and "imagery.basis_may_occupy_pbf" in reg["rule"].iloc[3]
    assert reg.crs == patches.crs and reg["patch_id"].tolist() == [1, 2, 3, 4]
    assert reg.columns[-1] == "geometry"


def test_a_patch_partly_approved_is_split_not_judged_whole(layers):
    patches, _, _, farmland = layers
    # patch 4 is x 300..330; the approval covers 300..315, the farmland JBNT-001 300..310
    half = gpd.GeoDataFrame({"approval_id": ["A"]}, geometry=[box(X + 300, Y, X + 315, Y + 30)], crs=GK)
    res = judge_register(patches.iloc[[3]], approvals=half, farmland=farmland, area_method="planar")
    reg, pieces = res.register, res.pieces
    assert reg["judgement"].tolist() == ["unapproved"]  # the gravest unexplained piece: 450 m2 off farmland
    assert reg["explained_m2"].iloc[0] == pytest.approx(450) and reg["unexplained_m2"].iloc[0] == pytest.approx(450)
    assert reg["unexplained_pbf_m2"].iloc[0] == pytest.approx(0)  # the farmland lies inside the approval
    got = sorted(zip(pieces["judgement"], pieces["on_pbf"], pieces["area_m2"].round(6), strict=True))
    assert got == [("approved_not_supplied", False, 150.0), ("approved_not_supplied", True, 300.0),
                   ("unapproved", False, 450.0)]
    assert pieces["patch_judgement"].unique().tolist() == ["unapproved"]
    assert set(pieces["patch_id"]) == {4} and sorted(pieces["piece"]) == [1, 2, 3]


def test_the_straddling_patch_of_the_register():
    """10 000 m2: 100 m2 inside an approval, 9 000 m2 on PBF, 900 m2 elsewhere. Judged whole, it was
    approved_not_supplied with 0 m2 unapproved; a reviewer reads 100 legal, 9 000 illegal on PBF, 900 illegal."""
    patch = gpd.GeoDataFrame({"patch_id": ["P1"], "after_date": ["2024-06-30"]}, geometry=[sq(0, 0, 100)], crs=GK)
    approval = gpd.GeoDataFrame({"approval_id": ["A1"], "approval_date": ["2020-01-01"]}, geometry=[sq(0, 0, 10)],
                                crs=GK)
    pbf = gpd.GeoDataFrame({"farmland_id": ["F1"]}, geometry=[box(X + 10, Y, X + 100, Y + 100)], crs=GK)
    res = judge_register(patch, approvals=approval, farmland=pbf, area_method="planar")
    reg = res.register.iloc[0]
    assert reg["judgement"] == "unapproved_on_farmland"
    assert (reg["explained_m2"], reg["unexplained_m2"], reg["unexplained_pbf_m2"]) == pytest.approx((100, 9900, 9000))
    by = res.pieces.groupby("judgement")["area_m2"].sum().to_dict()
    assert by == pytest.approx({"approved_not_supplied": 100, "unapproved_on_farmland": 9000, "unapproved": 900})
    assert reg["unexplained_pbf_mu"] == pytest.approx(13.5)
    assert "A1 2020-01-01 ≤ 后时相 2024-06-30" in reg["reason"] and "F1" in reg["reason"]


def _dated(patch_date="2024-06-30", **layers):
    patch = gpd.GeoDataFrame({"patch_id": ["P"], "after_date": [patch_date]}, geometry=[sq(0, 0, 30)], crs=GK)
    return judge_register(patch, area_method="planar", **layers)


def test_a_basis_counts_only_if_granted_by_the_later_image():
    def approval(day):
        return gpd.GeoDataFrame({"approval_id": ["A"], "approval_date": [day]}, geometry=[sq(-5, -5, 40)], crs=GK)

    assert _dated(approvals=approval("2024-06-30")).register["judgement"].iloc[0] == "approved_not_supplied"
    late = _dated(approvals=approval("2024-07-01"))
    reg = late.register.iloc[0]
    assert reg["judgement"] == "built_before_approval" and reg["judgement_zh"] == "先建后批"
    assert reg["approval_ids"] == "" and reg["unexplained_m2"] == pytest.approx(900)
    assert "A (2024-07-01) 晚于后时相 2024-06-30" in reg["late_basis_ids"]
    # on farmland, the farmland decides: the gravest judgement, the late approval named in the reason
    pbf = gpd.GeoDataFrame({"farmland_id": ["F"]}, geometry=[sq(0, 0, 30)], crs=GK)
    reg = _dated(approvals=approval("2024-07-01"), farmland=pbf).register.iloc[0]
    assert reg["judgement"] == "unapproved_on_farmland" and "晚于后时相" in reg["reason"]
    # a supply dated after the image is no basis either, whatever the approval
    supply = gpd.GeoDataFrame({"supply_id": ["S"], "supply_date": ["2025-01-01"]}, geometry=[sq(0, 0, 30)], crs=GK)
    reg = _dated(approvals=approval("2020-01-01"), supplies=supply).register.iloc[0]
    assert reg["judgement"] == "approved_not_supplied" and "S (2025-01-01)" in reg["late_basis_ids"]


def test_without_an_image_date_the_dates_are_not_compared_and_a_note_says_so():
    approval = gpd.GeoDataFrame({"approval_id": ["A"], "approval_date": ["2030-01-01"]}, geometry=[sq(0, 0, 30)],
                                crs=GK)
    res = _dated(patch_date=None, approvals=approval, log=(log := AuditLog()))
    assert res.register["judgement"].iloc[0] == "approved_not_supplied"
    assert any("no later image date" in n for n in log.notes)
    # given in the call, it is used for every patch
    res = _dated(patch_date=None, approvals=approval, after_date="2024-06-30")
    assert res.register["judgement"].iloc[0] == "built_before_approval"
    with pytest.raises(ValidationError, match="earlier image date"):
        _dated(approvals=approval, before_date="2025-01-01")
    with pytest.raises(ValidationError, match="after_date: not a date: 'June'"):
        _dated(approvals=approval, after_date="June")


def test_temporary_use_within_its_term_and_expired():
    def temporary(end):
        return gpd.GeoDataFrame({"批准文号": ["T"], "批准日期": ["2022-01-01"], "到期日期": [end]},
                                geometry=[sq(0, 0, 30)], crs=GK)

    reg = _dated(temporary_use=temporary("2024-12-31")).register.iloc[0]
    assert (reg["judgement"], reg["temporary_use_ids"]) == ("other_basis", "T")
    pieces = _dated(temporary_use=temporary("2024-12-31")).pieces
    assert pieces["basis"].tolist() == ["temporary_use"] and pieces["basis_zh"].tolist() == ["临时用地"]
    reg = _dated(temporary_use=temporary("2024-01-31")).register.iloc[0]
    assert reg["judgement"] == "expired_temporary_use" and reg["temporary_use_ids"] == ""
    assert "到期早于后时相 2024-06-30" in reg["late_basis_ids"]
    with pytest.raises(SchemaError, match="end_date"):
        _dated(temporary_use=temporary("2024-12-31").drop(columns="到期日期"))


def test_cultivated_land_and_which_basis_may_occupy_it():
    # the patch 0..30: its left half on cultivated land (0101 水田), its right half on 0301 乔木林地
    landuse = gpd.GeoDataFrame({"BSM": ["L1", "L2"], "DLBM": ["0101", "0301"]},
                               geometry=[box(X, Y, X + 15, Y + 30), box(X + 15, Y, X + 30, Y + 30)], crs=GK)
    home = gpd.GeoDataFrame({"homestead_id": ["H"], "granted_date": ["2023-01-01"]}, geometry=[sq(0, 0, 30)], crs=GK)
    res = _dated(homestead=home, landuse=landuse)
    reg = res.register.iloc[0]
    # a homestead approval alone is no basis to occupy 耕地 (《土地管理法》第六十二条 -> 第四十四条)
    assert reg["judgement"] == "unapproved_on_cultivated" and reg["judgement_zh"] == "违法占用耕地"
    assert (reg["explained_m2"], reg["unexplained_cultivated_m2"], reg["cultivated_m2"]) == pytest.approx(
        (450, 450, 450))
    assert "宅基地审批 H 不是占用耕地的依据" in reg["reason"]
    assert "imagery.basis_may_occupy_cultivated" in reg["rule"]
    table = dict(load_rules().threshold("imagery.basis_may_occupy_cultivated").value)
    local = load_rules(overrides={"imagery.basis_may_occupy_cultivated": {**table, "homestead": True}})
    assert _dated(homestead=home, landuse=landuse, rules=local).register["judgement"].iloc[0] == "other_basis"
    facility = gpd.GeoDataFrame({"record_id": ["FA"], "备案日期": ["2023-01-01"]}, geometry=[sq(0, 0, 30)], crs=GK)
    assert _dated(facility_agri=facility, landuse=landuse).register["judgement"].iloc[0] == "other_basis"
    # a supply converts nothing: on cultivated land it needs the approval beside it, and with one it is supplied
    supply = gpd.GeoDataFrame({"supply_id": ["S"], "supply_date": ["2023-01-01"]}, geometry=[sq(0, 0, 30)], crs=GK)
    approval = gpd.GeoDataFrame({"approval_id": ["A"], "approval_date": ["2022-01-01"]}, geometry=[sq(0, 0, 30)],
                                crs=GK)
    alone = _dated(supplies=supply, landuse=landuse).register.iloc[0]
    assert alone["judgement"] == "unapproved_on_cultivated" and "供地 S 不是占用耕地的依据" in alone["reason"]
    both = _dated(supplies=supply, approvals=approval, landuse=landuse)
    assert both.register["judgement"].iloc[0] == "approved_supplied"
    assert set(both.pieces["basis"]) == {"supplies"} and "农转用/征收批准 A (A 2022-01-01)" in both.pieces["reason"].iloc[0]
    # PBF that is cultivated counts in both figures
    pbf = gpd.GeoDataFrame({"farmland_id": ["F"]}, geometry=[box(X, Y, X + 10, Y + 30)], crs=GK)
    reg = _dated(landuse=landuse, farmland=pbf).register.iloc[0]
    assert (reg["unexplained_pbf_m2"], reg["unexplained_cultivated_m2"], reg["unexplained_m2"]) == pytest.approx(
        (300, 450, 900))


def test_every_judgement_on_one_page():
    """Eight patches, one per judgement, each checkable by eye."""
    d = "2024-06-30"
    patches = gpd.GeoDataFrame({"patch_id": list("abcdefgh"), "after_date": d},
                               geometry=[sq(100 * i, 0) for i in range(8)], crs=GK)
    ap = gpd.GeoDataFrame({"approval_id": ["A-b", "A-d"], "approval_date": ["2020-01-01", "2025-01-01"]},
                          geometry=[sq(100, 0), sq(300, 0)], crs=GK)
    su = gpd.GeoDataFrame({"supply_id": ["S-a"], "supply_date": ["2021-01-01"]}, geometry=[sq(0, 0)], crs=GK)
    fa = gpd.GeoDataFrame({"record_id": ["FA-c"], "granted_date": ["2022-01-01"]}, geometry=[sq(200, 0)], crs=GK)
    tu = gpd.GeoDataFrame({"temporary_id": ["T-e"], "granted_date": ["2021-01-01"], "end_date": ["2023-01-01"]},
                          geometry=[sq(400, 0)], crs=GK)
    lu = gpd.GeoDataFrame({"patch_id": ["L-g"], "land_use_code": ["0103"]}, geometry=[sq(600, 0)], crs=GK)
    pbf = gpd.GeoDataFrame({"farmland_id": ["F-h"]}, geometry=[sq(700, 0)], crs=GK)
    reg = judge_patches(patches, approvals=ap, supplies=su, facility_agri=fa, temporary_use=tu, landuse=lu,
                        farmland=pbf, area_method="planar")
    assert reg["judgement"].tolist() == list(JUDGEMENTS)
    assert reg["explained_m2"].tolist() == pytest.approx([900] * 3 + [0] * 5)


def test_missing_layers_mean_nothing_approved(layers):
    patches = layers[0]
    reg = judge_patches(patches, log=(log := AuditLog()))
    assert (reg["judgement"] == "unapproved").all()
    assert log.fact("judge_patches", "layers_missing") == ("approvals, supplies, advance_use, linkage_new, homestead, "
                                                           "facility_agri, temporary_use, consolidation, farmland, "
                                                           "landuse, admin")


def test_patches_reprojected_to_the_vectors_crs(layers):
    patches, approvals, supplies, farmland = layers
    geographic = patches.to_crs("EPSG:4490")
    reg = judge_patches(geographic, approvals=approvals, supplies=supplies, farmland=farmland, area_method="planar",
                        log=(log := AuditLog()))
    assert reg["judgement"].tolist() == ["approved_supplied", "approved_not_supplied", "unapproved",
                                         "unapproved_on_farmland"]
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
    # patch 3: 300 m2 approved, 600 m2 not: split, judged by its unexplained part
    assert reg["judgement"].tolist() == ["unapproved"] * 4
    assert reg["approved_m2"].tolist() == pytest.approx([0, 0, 300, 0])
    assert reg["explained_m2"].tolist() == pytest.approx([0, 0, 300, 0])
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

    import pyogrio
    from click.testing import CliRunner

    from redline.cli.changes import RESULT_FILE, command

    molusce = sample_path("molusce")
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


def test_a_basis_table_with_a_typo_or_a_missing_basis_is_refused():
    table = dict(load_rules().threshold("imagery.basis_may_occupy_cultivated").value)
    typo = load_rules(overrides={"imagery.basis_may_occupy_cultivated": {**table, "homstead": True}})
    with pytest.raises(RulesError, match="'homstead' that nothing reads -- fix: did you mean 'homestead'"):
        _dated(rules=typo)
    # a local table listing a few bases would give the others the default, not their national value
    few = load_rules(overrides={"imagery.basis_may_occupy_cultivated": {"approvals": True, "homestead": True}})
    with pytest.raises(RulesError, match="lists no entry for 'supplies'"):
        _dated(rules=few)


def test_an_empty_layer_given_is_said_not_taken_for_no_farmland_silently():
    empty = gpd.GeoDataFrame({"farmland_id": []}, geometry=[], crs=GK)
    res = _dated(farmland=empty, log=(log := AuditLog()))
    assert res.register["unexplained_pbf_m2"].iloc[0] == 0  # measured against a layer that holds nothing
    assert any(n.startswith("[farmland]") and "no features" in n for n in log.notes)
