"""The 卫片 register's split: pieces sum to their patch, slivers decide nothing, and the county roll-up."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from redline.imagery.judge import LEGAL, judge_register
from redline.imagery.rollup import roll_up
from redline.result import AuditLog
from redline.rules import load_rules

GK = "EPSG:4547"
X, Y = 500_000, 3_500_000


def sq(x, y, w=30, h=None):
    return box(X + x, Y + y, X + x + w, Y + y + (w if h is None else h))


def test_a_sliver_piece_decides_nothing():
    # the approval covers the whole patch but a 0.5 m strip along its right edge, which lies on PBF
    patch = gpd.GeoDataFrame({"patch_id": ["P"]}, geometry=[sq(0, 0)], crs=GK)
    approval = gpd.GeoDataFrame({"approval_id": ["A"]}, geometry=[box(X - 5, Y - 5, X + 29.5, Y + 35)], crs=GK)
    pbf = gpd.GeoDataFrame({"farmland_id": ["F"]}, geometry=[box(X + 29.5, Y - 5, X + 60, Y + 35)], crs=GK)
    res = judge_register(patch, approvals=approval, farmland=pbf, area_method="planar")
    reg = res.register.iloc[0]
    assert reg["judgement"] == "approved_not_supplied"
    # the PBF strip is itself under the tolerances: left out of the farmland before the split (sliver_reason)
    assert reg["farmland_m2"] == 0 and "F 仅碎片接触 15.00 m²" in reg["sliver_reason"]
    assert reg["piece_sliver_m2"] == pytest.approx(15) and reg["explained_m2"] == pytest.approx(885)
    assert reg["unexplained_m2"] == 0
    assert res.pieces["sliver"].tolist() == [False, True]
    # no land-use layer: whether a piece is on cultivated land is not known, so it is empty, not False
    assert res.pieces["on_cultivated"].isna().all() and not res.pieces["on_pbf"].isna().any()


def test_pieces_do_not_overlap_and_keep_their_patch_crs():
    patch = gpd.GeoDataFrame({"patch_id": ["P"]}, geometry=[sq(0, 0, 100)], crs=GK).to_crs("EPSG:4490")
    approval = gpd.GeoDataFrame({"approval_id": ["A", "B"]}, geometry=[sq(0, 0, 60), sq(40, 40, 60)], crs=GK)
    res = judge_register(patch, approvals=approval, area_method="planar")
    assert res.pieces.crs.to_epsg() == 4490
    g = res.pieces.to_crs(GK).geometry
    assert shapely.union_all(g.values).area == pytest.approx(g.area.sum(), rel=1e-9)
    assert res.pieces["area_m2"].sum() == pytest.approx(10_000, rel=1e-6)
    # a piece is cut by each kind of basis, not by each feature: the land A and B cover is one piece naming both
    # (3 600 + 3 600 - 400 m2); the rest is two pieces, one per connected part (the corners A and B leave)
    assert sorted(zip(res.pieces["basis_ids"], res.pieces["area_m2"].round(3), strict=True)) == [
        ("", 1600.0), ("", 1600.0), ("A, B", 6800.0)]


boxes = st.tuples(st.integers(-20, 120), st.integers(-20, 120), st.integers(1, 80), st.integers(1, 80))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patches=st.lists(boxes, min_size=1, max_size=4), approvals=st.lists(boxes, max_size=3),
       supplies=st.lists(boxes, max_size=2), farmland=st.lists(boxes, max_size=3),
       cultivated=st.lists(boxes, max_size=2), late=st.booleans())
def test_the_pieces_of_a_patch_sum_to_the_patch(patches, approvals, supplies, farmland, cultivated, late):
    def layer(rects, id_field, **extra):
        return gpd.GeoDataFrame({id_field: [f"{id_field}{i}" for i in range(len(rects))], **extra},
                                geometry=[sq(x, y, w, h) for x, y, w, h in rects], crs=GK)

    p = layer(patches, "patch_id", after_date=["2024-06-30"] * len(patches))
    a = layer(approvals, "approval_id", approval_date=["2025-01-01" if late else "2020-01-01"] * len(approvals))
    s = layer(supplies, "supply_id", supply_date=["2021-01-01"] * len(supplies))
    f = layer(farmland, "farmland_id")
    lu = layer(cultivated, "patch_id", land_use_code=["0101"] * len(cultivated))
    res = judge_register(p, approvals=a, supplies=s, farmland=f, landuse=lu, area_method="planar")
    reg, pieces = res.register, res.pieces
    area = reg["area_m2"].to_numpy()
    total = pieces.groupby("patch_id")["area_m2"].sum().reindex(reg["patch_id"]).to_numpy()
    assert total == pytest.approx(area, rel=1e-9, abs=1e-6)
    assert (reg["explained_m2"] + reg["unexplained_m2"] + reg["piece_sliver_m2"]).to_numpy() == pytest.approx(
        area, rel=1e-9, abs=1e-6)
    assert (reg["unexplained_pbf_m2"] <= reg["unexplained_m2"] + 1e-6).all()
    assert (reg["unexplained_cultivated_m2"] <= reg["cultivated_m2"] + 1e-6).all()
    if late:
        assert not (pieces["basis"] == "approvals").any()
    # the patch's judgement is its gravest piece that is not a sliver
    real = pieces[~pieces["sliver"]]
    illegal = ~real["judgement"].isin(LEGAL)
    worst_illegal = real[illegal].groupby("patch_id")["area_m2"].sum()
    for pid, row in reg.set_index("patch_id").iterrows():
        assert row["unexplained_m2"] == pytest.approx(worst_illegal.get(pid, 0.0), abs=1e-6)
        if row["unexplained_m2"] > 0:
            assert row["judgement"] not in LEGAL


def _pieces(rows):
    """Pieces as judge_register writes them, from (patch, judgement, pbf, cultivated, x, w) strips 100 m tall."""
    return gpd.GeoDataFrame({
        "patch_id": [r[0] for r in rows], "judgement": [r[1] for r in rows], "on_pbf": [r[2] for r in rows],
        "on_cultivated": [r[3] for r in rows], "sliver": False, "area_m2": [r[5] * 100.0 for r in rows]},
        geometry=[box(X + r[4], Y, X + r[4] + r[5], Y + 100) for r in rows], crs=GK)


def test_the_roll_up_per_township_and_the_county_ratio():
    # township 东 (x < 1000) and 西 (x >= 1000); areas in m2 (strips 100 m tall)
    admin = gpd.GeoDataFrame({"admin_code": ["411528101", "411528102"], "admin_name": ["东镇", "西镇"],
                              "level": ["镇", "镇"]},
                             geometry=[box(X - 5000, Y - 5000, X + 1000, Y + 5000),
                                       box(X + 1000, Y - 5000, X + 9000, Y + 5000)], crs=GK)
    pieces = _pieces([
        # 东: 10 亩 legal on cultivated land, 2 亩 illegal on cultivated land: 2 / 12 = 16.7 %
        ("a", "approved_not_supplied", False, True, 0, 66.6666667),
        ("b", "unapproved_on_cultivated", False, True, 100, 13.3333333),
        # 西: 200 亩 illegal on cultivated (150 亩 of it PBF), 800 亩 legal on cultivated: 20 %, over 100 亩
        ("c", "unapproved_on_farmland", True, True, 1000, 1000),
        ("c", "unapproved_on_cultivated", False, True, 2000, 333.3333333),
        ("d", "approved_supplied", False, True, 3000, 5333.3333333),
        # a patch across the township line: 40 m of it in 东, 60 m in 西, off cultivated land
        ("e", "unapproved", False, False, 960, 100),
    ])
    notes: list[str] = []
    roll = roll_up(pieces, admin, notes=notes).set_index("admin_name")
    east, west, total = roll.loc["东镇"], roll.loc["西镇"], roll.loc["全部图斑"]
    assert east["patches"] == 3 and west["patches"] == 3 and total["patches"] == 5
    assert east["illegal_cultivated_mu"] == pytest.approx(2) and east["cultivated_mu"] == pytest.approx(12)
    assert east["illegal_cultivated_ratio"] == pytest.approx(2 / 12)
    assert east["status"] == "over_ratio"  # 16.7 % >= 15 %, but 2 亩 is not over 100 亩
    assert east["illegal_m2"] == pytest.approx(1333.333333 + 4000)  # 40 m of patch e
    assert west["illegal_pbf_mu"] == pytest.approx(150) and west["illegal_cultivated_mu"] == pytest.approx(200)
    assert west["illegal_cultivated_ratio"] == pytest.approx(0.2) and west["status"] == "interview"
    assert total["new_construction_m2"] == pytest.approx(pieces["area_m2"].sum())
    assert total["illegal_cultivated_ratio"] == pytest.approx(202 / 1012)
    assert "imagery.accountability_ratio=0.15" in total["rule"] and "imagery.interview_min_mu=100" in total["rule"]
    assert not notes
    # the line is the rule set's
    lenient = load_rules(overrides={"imagery.accountability_ratio": 0.25})
    assert roll_up(pieces, admin, rules=lenient).set_index("admin_name").loc["西镇", "status"] == "below"


def test_the_roll_up_without_cultivated_land_says_it_cannot_measure():
    pieces = _pieces([("a", "unapproved", False, False, 0, 100)])
    notes: list[str] = []
    roll = roll_up(pieces, None, notes=notes, cultivated_measured=False)
    assert roll["status"].tolist() == ["not_measured"] and np.isnan(roll["illegal_cultivated_ratio"].iloc[0])
    assert "no land-use layer" in roll["reason"].iloc[0]
    assert any("no administrative units" in n for n in notes)


def test_judge_register_rolls_up_with_the_land_use_layer():
    patch = gpd.GeoDataFrame({"patch_id": ["P"]}, geometry=[sq(0, 0, 100)], crs=GK)
    landuse = gpd.GeoDataFrame({"patch_id": ["L"], "land_use_code": ["0102"]}, geometry=[sq(0, 0, 100, 50)], crs=GK)
    res = judge_register(patch, landuse=landuse, area_method="planar")
    total = res.rollup.iloc[-1]
    assert total["cultivated_m2"] == pytest.approx(5000) and total["illegal_cultivated_m2"] == pytest.approx(5000)
    assert total["illegal_cultivated_ratio"] == pytest.approx(1.0) and total["status"] == "over_ratio"


def test_pieces_are_apportioned_to_the_patch_area_of_record():
    # a raster patch's area is its pixels' (here 909 m2 for a 900 m2 square): the pieces keep their shares
    patch = gpd.GeoDataFrame({"patch_id": ["P", "Q"], "area_m2": [909.0, 2000.0]}, geometry=[sq(0, 0), sq(100, 0)],
                             crs=GK)
    approval = gpd.GeoDataFrame({"approval_id": ["A"]}, geometry=[sq(0, 0, 10, 30)], crs=GK)
    res = judge_register(patch, approvals=approval, area_method="planar", log=(log := AuditLog()))
    reg = res.register.set_index("patch_id")
    assert reg.loc["P", "explained_m2"] == pytest.approx(303) and reg.loc["P", "unexplained_m2"] == pytest.approx(606)
    # 2000 is not the area of a 900 m2 square: kept as measured, and said
    assert reg.loc["Q", "unexplained_m2"] == pytest.approx(900)
    assert any("apportioned" in n for n in log.notes) and any("Q" in n and "more than 5%" in n for n in log.notes)
