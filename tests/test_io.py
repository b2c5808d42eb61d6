"""Reading every kind of source, and writing results atomically, never over an input."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import box

import redline


@pytest.fixture
def layer():
    return gpd.GeoDataFrame({"合同编号": ["S1", "S2"], "签订日期": ["2019-01-01", "2019-02-01"], "出让价款": [120.0, 80.5]},
                            geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10)], crs="EPSG:4547")


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".shp", ".parquet", ".fgb"])
def test_read_each_format_with_schema(tmp_path, layer, suffix):
    path = tmp_path / f"supplies{suffix}"
    if suffix == ".parquet":
        layer.to_parquet(path)
    elif suffix == ".shp":
        layer.to_file(path, encoding="GBK")  # as bureaus export: 2 bytes a character fit the 10-byte field names
    else:
        layer.to_file(path)
    gdf = redline.read_layer(path, schema="supplies").sort_values("supply_id")  # FlatGeobuf reorders spatially
    assert list(gdf["supply_id"]) == ["S1", "S2"]
    assert gdf["price_wan"].tolist() == [120.0, 80.5]
    assert str(gdf["supply_date"].iloc[1].date()) == "2019-02-01"
    assert gdf.crs.to_epsg() == 4547


def test_multi_layer_geopackage_needs_a_layer_name(tmp_path, layer):
    path = tmp_path / "bureau.gpkg"
    layer.to_file(path, layer="供地")
    layer.to_file(path, layer="other")
    with pytest.raises(redline.RedlineIOError, match="several layers"):
        redline.read_layer(path)
    assert len(redline.read_layer(path, "供地")) == 2


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(redline.RedlineIOError, match="file not found"):
        redline.read_layer(tmp_path / "nope.shp")


def test_declared_crs_is_never_overridden(tmp_path, layer):
    path = tmp_path / "a.gpkg"
    layer.to_file(path)
    with pytest.raises(redline.CRSError, match="declares"):
        redline.read_layer(path, crs="EPSG:4490")


def test_crs_assigned_when_missing(tmp_path, layer):
    # a source without a CRS (e.g. a shapefile without .prj), given as a frame
    bare = layer.set_crs(None, allow_override=True)
    assert redline.read_layer(bare, crs="EPSG:4547").crs.to_epsg() == 4547


def test_write_layers_several_layers_and_tables(tmp_path, layer):
    out = tmp_path / "results.gpkg"
    redline.write_layers({"findings": layer, "table": pd.DataFrame({"a": [1, 2], "说明": ["甲", "乙"]})}, out,
                         metadata={"rules": "cn-national@2026.1"})
    names = dict(pyogrio.list_layers(out))
    assert names == {"findings": "MultiPolygon", "table": None, "redline_run": None}
    back = pyogrio.read_dataframe(out, layer="table")
    assert back["说明"].tolist() == ["甲", "乙"]
    run = pyogrio.read_dataframe(out, layer="redline_run")
    assert dict(zip(run["key"], run["value"], strict=True)) == {"rules": "cn-national@2026.1"}


def test_write_is_atomic_old_result_survives_a_failure(tmp_path, layer):
    out = tmp_path / "results.gpkg"
    redline.write_layers({"findings": layer}, out)
    before = out.read_bytes()
    no_crs = layer.set_crs(None, allow_override=True)
    with pytest.raises(redline.RedlineIOError, match="no CRS"):
        redline.write_layers({"first": layer, "second": no_crs}, out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["results.gpkg"]  # no temporary left behind


def test_never_writes_over_an_input(tmp_path, layer):
    src = tmp_path / "input.gpkg"
    layer.to_file(src)
    with pytest.raises(redline.RedlineIOError, match="over an input"):
        redline.write_layers({"x": layer}, src, inputs=[str(src)])


def test_only_geopackage_destinations(tmp_path, layer):
    with pytest.raises(redline.RedlineIOError, match=r"\.gpkg"):
        redline.write_layers({"x": layer}, tmp_path / "out.shp")


def test_empty_geometries_and_lists_are_writable(tmp_path, layer):
    frame = layer.copy()
    frame.loc[1, "geometry"] = box(0, 0, 0, 0).buffer(0)  # empty
    frame["ids"] = [["a", "b"], []]
    out = redline.write_layers({"x": frame}, tmp_path / "o.gpkg")
    back = pyogrio.read_dataframe(out)
    assert back.geometry.iloc[1] is None and back["ids"].tolist() == ['["a", "b"]', "[]"]


def test_polygons_and_multipolygons_are_written_as_the_same_multipolygons_and_empties_as_null(tmp_path):
    holed = shapely.Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (2, 1), (2, 2), (1, 2)]])
    two = shapely.MultiPolygon([shapely.box(10, 0, 11, 1), shapely.box(12, 0, 13, 1)])
    geoms = [holed, shapely.Polygon(), None, two, shapely.from_wkt("MULTIPOLYGON EMPTY"), shapely.box(20, 0, 21, 2)]
    frame = gpd.GeoDataFrame({"fid_": list("abcdef")}, geometry=geoms, crs="EPSG:4547")
    out = tmp_path / "results.gpkg"
    redline.write_layers({"findings": frame}, out)
    back = pyogrio.read_dataframe(out, layer="findings")
    assert back["fid_"].tolist() == list("abcdef")  # no feature lost, the empty ones included
    assert [g is None for g in back.geometry] == [False, True, True, False, True, False]
    kept = back.geometry.dropna()
    assert set(kept.geom_type) == {"MultiPolygon"}
    # the same rings, coordinate for coordinate: a polygon becomes the one part of its multipolygon
    assert [shapely.get_parts(g).tolist() for g in kept] == [[holed], [two.geoms[0], two.geoms[1]],
                                                            [shapely.box(20, 0, 21, 2)]]
    assert frame.geometry.iloc[0].geom_type == "Polygon"  # the input is not modified


def test_a_long_layer_written_in_slices_reads_back_as_written_whole(tmp_path, monkeypatch):
    """A layer longer than WRITE_SLICE_ROWS goes in slices appended in turn (the memory the writing takes is a
    slice's): the file holds the same features, fields and values as one written whole, whatever each slice holds
    (a slice whose text column is all empty, lists as JSON, numbers stored as text, dates, polygons beside
    multipolygons, empty geometries)."""
    import datetime as dt
    import sqlite3

    import numpy as np

    from redline.io import write

    n = 11
    geoms = [shapely.box(i, 0, i + 1, 1) if i % 4 else shapely.MultiPolygon([shapely.box(i, 5, i + 1, 6)])
             for i in range(n)]
    geoms[5] = shapely.Polygon()
    frame = gpd.GeoDataFrame({
        "fid_": [f"F{i}" for i in range(n)],
        "note": [None, None, None, "甲", None, "乙", "", None, "丙", None, None],  # the first slice has none
        "mixed": [1, "a", 2.5, None, "b", 3, 4, "c", None, 5, "d"],
        "ids": [[i, i + 1] if i % 3 else [] for i in range(n)],
        "area_m2": np.arange(n) * 1.5, "count": np.arange(n), "flag": [i % 2 == 0 for i in range(n)],
        "when": pd.to_datetime([dt.date(2020, 1, 1 + i) for i in range(n)]),
    }, geometry=geoms, crs="EPSG:4547")
    whole = redline.write_layers({"x": frame}, tmp_path / "whole.gpkg")
    monkeypatch.setattr(write, "WRITE_SLICE_ROWS", 3)  # four slices
    sliced = redline.write_layers({"x": frame}, tmp_path / "sliced.gpkg")
    a, b = pyogrio.read_dataframe(whole, layer="x"), pyogrio.read_dataframe(sliced, layer="x")
    pd.testing.assert_frame_equal(a, b)
    assert len(b) == n and b["fid_"].tolist() == frame["fid_"].tolist()
    assert pyogrio.read_info(whole, layer="x")["fields"].tolist() == pyogrio.read_info(sliced, layer="x")["fields"].tolist()
    assert pyogrio.read_info(whole, layer="x")["dtypes"].tolist() == pyogrio.read_info(sliced, layer="x")["dtypes"].tolist()
    with sqlite3.connect(sliced) as db:  # the spatial index holds every feature with a geometry
        assert db.execute("SELECT count(*) FROM rtree_x_geom").fetchone()[0] == n - 1


def test_written_in_pages_of_64_kib_and_gdal_left_as_it_was(tmp_path, layer):
    """The file's pages are 64 KiB (a finding's long citations fit in a page instead of a chain of overflow
    pages), the file is a sound SQLite database any reader opens, and GDAL's options are put back after writing,
    also when the writing fails."""
    import sqlite3
    from contextlib import closing

    pyogrio.set_gdal_config_options({"OGR_SQLITE_CACHE": "7"})
    try:
        frame = layer.assign(rule="《闲置土地处置办法》第二条 " * 200)  # a row of some 8 000 bytes
        out = redline.write_layers({"findings": frame}, tmp_path / "r.gpkg")
        with closing(sqlite3.connect(out)) as db:
            assert db.execute("PRAGMA page_size").fetchone() == (65536,)
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert pyogrio.read_dataframe(out, layer="findings")["rule"].tolist() == frame["rule"].tolist()
        assert pyogrio.get_gdal_config_option("OGR_SQLITE_CACHE") == 7
        assert pyogrio.get_gdal_config_option("OGR_SQLITE_PRAGMA") is None
        with pytest.raises(redline.RedlineIOError, match="no CRS"):
            redline.write_layers({"x": layer.set_crs(None, allow_override=True)}, tmp_path / "s.gpkg")
        assert pyogrio.get_gdal_config_option("OGR_SQLITE_CACHE") == 7
    finally:
        pyogrio.set_gdal_config_options({"OGR_SQLITE_CACHE": None})
