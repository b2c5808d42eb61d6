"""Bad input: a clear error naming layer, ids and fix; every feature either kept or listed as rejected."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import GeometryCollection, LinearRing, LineString, MultiPolygon, Point, Polygon, box

import redline
from redline.result import AuditLog
from redline.validate import drop_empty_rings, prepare_layers, validate_layer

BOWTIE = Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])  # self-intersecting


def approvals(geoms, ids=None, dates=None, crs="EPSG:4547"):
    n = len(geoms)
    return gpd.GeoDataFrame({
        "批准文号": ids or [f"A{i}" for i in range(n)],
        "批准日期": dates or ["2018-05-01"] * n,
    }, geometry=geoms, crs=crs)


def test_clean_layer_passes_untouched():
    layer = approvals([box(0, 0, 10, 10), box(20, 0, 30, 10)])
    before = layer.copy()
    prepared = prepare_layers({"approvals": (layer, "approvals")})
    assert list(prepared.layers["approvals"]["approval_id"]) == ["A0", "A1"]
    assert prepared.rejected.empty and prepared.notes == []
    pd.testing.assert_frame_equal(layer, before)  # input not modified


def test_invalid_geometry_is_repaired_and_reported():
    layer = approvals([BOWTIE, box(20, 0, 30, 10)])
    prepared = prepare_layers({"approvals": (layer, "approvals")})
    out = prepared.layers["approvals"]
    assert out.geometry.is_valid.all()
    assert out.geometry.iloc[0].area == pytest.approx(50.0)  # the two triangles of the bow-tie
    (note,) = [p for p in prepared.notes if p.code == "repaired_geometry"]
    assert note.ids == ("A0",) and "Self-intersection" in note.message
    assert layer.geometry.iloc[0].equals(BOWTIE)  # input not modified


def test_strict_mode_rejects_invalid_geometry():
    layer = approvals([BOWTIE, box(20, 0, 30, 10)])
    with pytest.raises(redline.GeometryError, match="A0"):
        prepare_layers({"approvals": (layer, "approvals")}, strict=True)


def test_empty_null_and_non_polygon_geometries_are_set_aside_with_reasons():
    layer = approvals([box(0, 0, 10, 10), None, Polygon(), LineString([(0, 0), (1, 1)]), Point(3, 3),
                       MultiPolygon([box(40, 0, 50, 10)])])
    prepared = prepare_layers({"approvals": (layer, "approvals")})
    assert list(prepared.layers["approvals"]["approval_id"]) == ["A0", "A5"]
    rej = prepared.rejected.set_index("feature_id")
    assert rej.loc["A1", "code"] == "null_geometry"
    assert rej.loc["A2", "code"] == "empty_geometry"
    assert rej.loc["A3", "code"] == rej.loc["A4", "code"] == "not_polygon"
    assert (prepared.rejected["layer"] == "approvals").all()


def test_duplicate_ids_are_fatal_and_named():
    layer = approvals([box(0, 0, 1, 1)] * 4, ids=["A", "B", "B", "C"])
    with pytest.raises(redline.ValidationError) as exc:
        prepare_layers({"approvals": (layer, "approvals")})
    (problem,) = exc.value.problems
    assert problem.code == "duplicate_id" and problem.ids == ("B",) and problem.layer == "approvals"
    assert "unique" in problem.fix


def test_missing_ids_are_named_by_row():
    layer = approvals([box(0, 0, 1, 1)] * 2, ids=["A", None])
    prepared = prepare_layers({"approvals": (layer, "approvals")})
    assert list(prepared.layers["approvals"]["approval_id"]) == ["A", "<row 2>"]
    assert any(p.code == "missing_id" and p.ids == ("row 2",) for p in prepared.notes)


def test_null_and_unparseable_required_dates_are_rejected():
    layer = approvals([box(0, 0, 1, 1)] * 4, dates=["2018-05-01", None, "sometime", "2019年13月1日"])
    prepared = prepare_layers({"approvals": (layer, "approvals")})
    assert list(prepared.layers["approvals"]["approval_id"]) == ["A0"]
    codes = dict(zip(prepared.rejected["feature_id"], prepared.rejected["code"], strict=True))
    assert codes == {"A1": "missing_date", "A2": "bad_date", "A3": "bad_date"}


def test_unparseable_optional_values_are_kept_and_reported():
    layer = gpd.GeoDataFrame({"合同编号": ["S1", "S2"], "签订日期": ["2019-01-01", "2019-01-02"],
                              "约定开工日期": ["2019-07-01", "下月"], "出让价款": ["1,200.5", "abc"]},
                             geometry=[box(0, 0, 1, 1), box(2, 0, 3, 1)], crs="EPSG:4547")
    prepared = prepare_layers({"supplies": (layer, "supplies")})
    out = prepared.layers["supplies"]
    assert list(out["supply_id"]) == ["S1", "S2"]
    assert out["price_wan"].iloc[0] == pytest.approx(1200.5) and pd.isna(out["price_wan"].iloc[1])
    assert pd.isna(out["agreed_start_date"].iloc[1])
    codes = {(p.code, p.ids) for p in prepared.notes}
    assert ("bad_date", ("S2",)) in codes and ("bad_float", ("S2",)) in codes


def test_a_negative_optional_value_is_set_aside_not_the_feature():
    layer = gpd.GeoDataFrame({"合同编号": ["S1", "S2", "S3"], "签订日期": ["2019-01-01"] * 3,
                              "出让价款": [100, -5, "abc"], "总投资": [-1, 200, 300]},
                             geometry=[box(0, 0, 1, 1), box(2, 0, 3, 1), box(4, 0, 5, 1)], crs="EPSG:4547")
    prepared = prepare_layers({"supplies": (layer, "supplies")})
    assert prepared.rejected.empty
    out = prepared.layers["supplies"]
    assert out["supply_id"].tolist() == ["S1", "S2", "S3"]
    assert out["price_wan"].iloc[0] == 100 and pd.isna(out["price_wan"].iloc[1]) and pd.isna(out["price_wan"].iloc[2])
    assert pd.isna(out["total_investment_wan"].iloc[0]) and out["total_investment_wan"].iloc[1] == 200
    notes = {(p.code, p.ids): str(p) for p in prepared.notes}
    assert "price_wan (出让价款(万元)) is negative" in notes[("negative_value", ("S2",))]
    assert notes[("negative_value", ("S2",))].startswith("[supplies]")
    assert "total_investment_wan" in notes[("negative_value", ("S1",))]
    assert ("bad_float", ("S3",)) in notes


def test_a_negative_price_no_longer_makes_false_unsupplied_land():
    from redline.overlay import approved_not_supplied

    # a 100 m square approval (15 亩) fully supplied by a contract whose price was typed as -1 200
    a = approvals([box(500000, 3800000, 500100, 3800100)])
    s = gpd.GeoDataFrame({"合同编号": ["S1"], "签订日期": ["2019-01-01"], "出让价款": [-1200]},
                         geometry=[box(500000, 3800000, 500100, 3800100)], crs="EPSG:4547")
    r_log = AuditLog()
    r = approved_not_supplied(a, s, as_of="2026-06-30", area_method="planar", log=r_log)
    assert r["unsupplied_mu"].iloc[0] == 0 and r["supplied_mu"].iloc[0] == pytest.approx(15)
    assert r_log.rejected == []
    assert any("price_wan" in n and "S1" in n for n in r_log.notes)


def test_a_required_value_that_is_negative_still_rejects_the_feature():
    from dataclasses import replace

    from redline.schema import get_schema

    schema = get_schema("supplies")
    schema = replace(schema, fields=tuple(replace(f, required=True) if f.name == "price_wan" else f
                                          for f in schema.fields))
    layer = gpd.GeoDataFrame({"合同编号": ["S1", "S2"], "签订日期": ["2019-01-01"] * 2, "出让价款": [100, -5]},
                             geometry=[box(0, 0, 1, 1), box(2, 0, 3, 1)], crs="EPSG:4547")
    clean, rejected, _ = validate_layer(layer, schema)
    assert clean["supply_id"].tolist() == ["S1"] and rejected["feature_id"].tolist() == ["S2"]
    assert "price_wan (出让价款(万元)) is negative" in rejected["reason"].iloc[0]


def test_a_layer_without_an_id_field_is_numbered_by_row():
    ugb = gpd.GeoDataFrame({"名称": ["城区", "产业园"]}, geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10)],
                           crs="EPSG:4547")
    prepared = prepare_layers({"growth_boundary": (ugb, "growth_boundary")})
    out = prepared.layers["growth_boundary"]
    assert out["boundary_id"].tolist() == ["<row 1>", "<row 2>"] and out["name"].tolist() == ["城区", "产业园"]
    (note,) = [p for p in prepared.notes if p.code == "no_id_field"]
    assert note.layer == "growth_boundary" and "<row 1> ... <row 2>" in note.message
    assert "--field growth_boundary.boundary_id=" in note.fix
    assert list(ugb.columns) == ["名称", "geometry"]  # input not modified


def test_an_id_field_that_repeats_still_stops_the_run():
    ugb = gpd.GeoDataFrame({"编号": ["G1", "G1"]}, geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10)], crs="EPSG:4547")
    with pytest.raises(redline.ValidationError) as exc:
        prepare_layers({"growth_boundary": (ugb, "growth_boundary")})
    assert [(p.code, p.ids) for p in exc.value.problems] == [("duplicate_id", ("G1",))]


def test_missing_fields_reported_together_with_what_was_found():
    layer = gpd.GeoDataFrame({"编号X": ["1"], "日期X": ["2019-01-01"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4547")
    with pytest.raises(redline.SchemaError) as exc:
        prepare_layers({"supplies": (layer, "supplies")})
    text = str(exc.value)
    assert "supply_id (合同编号" in text and "supply_date" in text and "The layer has: 编号X, 日期X" in text
    # and the user's mapping fixes it
    prepared = prepare_layers({"supplies": (layer, "supplies", {"supply_id": "编号X", "supply_date": "日期X"})})
    assert list(prepared.layers["supplies"]["supply_id"]) == ["1"]


def test_all_problems_of_all_layers_reported_at_once():
    bad_ids = approvals([box(0, 0, 1, 1)] * 2, ids=["A", "A"])
    no_crs = gpd.GeoDataFrame({"合同编号": ["S"], "签订日期": ["2019-01-01"]}, geometry=[box(0, 0, 1, 1)])
    with pytest.raises(redline.ValidationError) as exc:
        prepare_layers({"approvals": (bad_ids, "approvals"), "supplies": (no_crs, "supplies")})
    assert {(p.layer, p.code) for p in exc.value.problems} == {("approvals", "duplicate_id"),
                                                                ("supplies", "missing_crs")}
    assert "2 problems found" in str(exc.value)


def test_mixed_crs_brought_together_and_said():
    a = approvals([box(500000, 3580000, 500100, 3580100)])
    s = gpd.GeoDataFrame({"合同编号": ["S"], "签订日期": ["2019-01-01"]},
                         geometry=[box(500000, 3580000, 500050, 3580100)], crs="EPSG:4547").to_crs("EPSG:4490")
    prepared = prepare_layers({"approvals": (a, "approvals"), "supplies": (s, "supplies")})
    assert prepared.layers["supplies"].crs == prepared.layers["approvals"].crs
    assert any(p.code == "mixed_crs" for p in prepared.notes)
    assert prepared.layers["supplies"].area.iloc[0] == pytest.approx(5000, rel=1e-6)


def test_errors_subclass_value_error():
    assert issubclass(redline.SchemaError, ValueError) and issubclass(redline.CRSError, redline.RedlineError)
    assert issubclass(redline.RedlineIOError, OSError)


def test_prepared_layers_pass_through_cheaply():
    prepared = prepare_layers({"approvals": (approvals([box(0, 0, 1, 1)]), "approvals")})
    again = prepare_layers({"approvals": (prepared.layers["approvals"], "approvals")})
    assert again.layers["approvals"] is prepared.layers["approvals"]


GEOMS = st.sampled_from(["ok", "bowtie", "none", "empty", "line", "point", "collapsed"])


def _geom(kind, i):
    x = i * 20
    return {"ok": box(x, 0, x + 10, 10), "bowtie": Polygon([(x, 0), (x + 10, 10), (x + 10, 0), (x, 10)]),
            "none": None, "empty": Polygon(), "line": LineString([(x, 0), (x + 1, 1)]), "point": Point(x, 0),
            "collapsed": Polygon([(x, 0), (x + 5, 0), (x + 10, 0)])}[kind]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kinds=st.lists(GEOMS, min_size=1, max_size=12),
       dates=st.lists(st.sampled_from(["2018-01-01", None, "bad", "2018/2/3"]), min_size=12, max_size=12))
def test_no_feature_silently_disappears(kinds, dates):
    layer = approvals([_geom(k, i) for i, k in enumerate(kinds)], dates=dates[:len(kinds)])
    clean, rejected, problems = validate_layer(layer, "approvals")
    kept, set_aside = set(clean["approval_id"]), set(rejected["feature_id"])
    assert kept.isdisjoint(set_aside)
    assert kept | set_aside == set(layer["批准文号"])
    assert clean.geometry.is_valid.all() and not clean.geometry.is_empty.any()
    assert not any(p.fatal for p in problems)


# -- empty rings and empty parts ------------------------------------------------------------------------------------

def _square(x, holes=()):
    """A 10 m square at ``x`` with holes: ``"hole"`` a 1 m square inside it, ``"empty"`` an empty ring."""
    rings = [box(x + 1 + 2 * k, 1, x + 2 + 2 * k, 2).exterior if h == "hole" else LinearRing()
             for k, h in enumerate(holes)]
    return Polygon(box(x, 0, x + 10, 10).exterior, rings)


@st.composite
def _part(draw, x):
    if draw(st.integers(0, 5)) == 0:
        return Polygon()
    return _square(x, draw(st.lists(st.sampled_from(["hole", "hole", "empty"]), max_size=3)))


@st.composite
def _ringed_geometry(draw):
    x = draw(st.integers(0, 100)) * 20.0
    kind = draw(st.sampled_from(["polygon", "polygon", "multipolygon", "multipolygon", "collection", "point", "none"]))
    if kind == "polygon":
        return draw(_part(x))
    if kind == "multipolygon":
        parts = draw(st.lists(_part(x), max_size=4))
        return shapely.multipolygons(parts) if parts else MultiPolygon()  # keeps empty parts, as a file can hold them
    if kind == "collection":
        return GeometryCollection([*draw(st.lists(_part(x), max_size=2)), Point(x, 0)])
    return Point(x, 0) if kind == "point" else None


def _without_empty_rings(geom):
    """Part by part, ring by ring: polygon parts lose their empty holes, empty polygon parts are dropped."""
    if geom is None or geom.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
        return geom
    if geom.geom_type == "Polygon":
        if geom.is_empty or not any(r.is_empty for r in geom.interiors):
            return geom
        return Polygon(geom.exterior, [r for r in geom.interiors if not r.is_empty])
    kept, dropped = [], False
    for part in geom.geoms:
        if part.geom_type != "Polygon":
            kept.append(part)
        elif part.is_empty:
            dropped = True
        elif any(r.is_empty for r in part.interiors):
            kept.append(Polygon(part.exterior, [r for r in part.interiors if not r.is_empty]))
            dropped = True
        else:
            kept.append(part)
    if not dropped:
        return geom
    if not kept:
        return Polygon()
    return MultiPolygon(kept) if geom.geom_type == "MultiPolygon" else GeometryCollection(kept)


def _wkb(geom):
    return None if geom is None else geom.wkb_hex


@settings(max_examples=300, deadline=None)
@given(st.lists(_ringed_geometry(), max_size=25))
def test_drop_empty_rings_removes_exactly_the_empty_rings_and_parts(geoms):
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = geoms
    out, changed = drop_empty_rings(arr)
    expected = [_without_empty_rings(g) for g in geoms]
    assert [_wkb(g) for g in out] == [_wkb(g) for g in expected]
    assert changed.tolist() == [_wkb(g) != _wkb(e) for g, e in zip(geoms, expected, strict=True)]
    assert all(out[i] is geoms[i] for i in np.flatnonzero(~changed))  # untouched rows are the very objects given
    assert [_wkb(g) for g in arr] == [_wkb(g) for g in geoms]  # the input is not modified


def test_only_parts_with_holes_have_their_rings_read(monkeypatch):
    """Plain polygons and the hole-free parts of multipolygons cannot hold an empty ring: they are not looked into."""
    read = []

    def get_rings(parts, **kw):
        read.extend(parts)
        return real(parts, **kw)

    real = shapely.get_rings
    monkeypatch.setattr(shapely, "get_rings", get_rings)
    geoms = [box(0, 0, 10, 10), MultiPolygon([_square(20), _square(40)]), MultiPolygon([_square(60), _square(80, ["hole"])]),
             MultiPolygon([_square(100, ["empty"]), _square(120)]), _square(140, ["hole"])]
    out, changed = drop_empty_rings(geoms)
    assert changed.tolist() == [False, False, False, True, False]
    assert [_wkb(g) for g in read] == [_wkb(_square(80, ["hole"])), _wkb(_square(100, ["empty"])),
                                       _wkb(_square(140, ["hole"]))]
    assert out[3].equals(MultiPolygon([_square(100), _square(120)])) and len(shapely.get_parts(out[3])) == 2


def test_a_large_layer_checked_for_validity_in_slices_gets_the_mask_of_one_pass(monkeypatch):
    """Above the size where validity is checked on several threads, each feature is still judged on its own."""
    import redline.validate as validate

    n, bowties = 10_000, [0, 2501, 4999, 7500, 9999]
    geoms = shapely.box(30 * np.arange(n), 0, 30 * np.arange(n) + 10, 10)
    geoms[bowties] = [Polygon([(30 * i, 0), (30 * i + 10, 10), (30 * i + 10, 0), (30 * i, 10)]) for i in bowties]
    geoms[2800], geoms[3600] = None, Polygon()
    position = {id(g): i for i, g in enumerate(geoms) if g is not None}
    real, slices = shapely.is_valid, []

    def is_valid(part, **kw):
        slices.append((position.get(id(part[0])), len(part)))
        return real(part, **kw)

    monkeypatch.setattr(validate, "THREADED_VALIDITY_MIN", 1000)
    monkeypatch.setattr(shapely, "is_valid", is_valid)
    mask = validate._is_valid(geoms)
    starts = sorted(slices)
    assert len(starts) > 1 and [a + k for a, k in starts[:-1]] == [a for a, _ in starts[1:]]  # slices, end to end,
    assert starts[0][0] == 0 and sum(k for _, k in starts) == n
    ends = np.array([a + k for a, k in starts])
    assert len({int(np.searchsorted(ends, i, side="right")) for i in bowties}) >= 3  # with bow-ties in several
    np.testing.assert_array_equal(mask, real(geoms))
    assert np.flatnonzero(~mask).tolist() == [*bowties[:2], 2800, *bowties[2:]]  # the bow-ties, and no geometry
    clean, rejected, problems = validate_layer(approvals(list(geoms)), "approvals")
    (note,) = [p for p in problems if p.code == "repaired_geometry"]
    assert note.ids == tuple(f"A{i}" for i in bowties)
    assert set(rejected["feature_id"]) == {"A2800", "A3600"} and len(clean) == n - 2
