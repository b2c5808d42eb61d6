"""The results GeoPackage's QGIS styles (``layer_styles``) and its version header, without QGIS.

What QGIS makes of them is checked in real QGIS by tests/test_qgis_gpkg.py."""

from __future__ import annotations

import sqlite3

import geopandas as gpd
import pytest
import shapely

from redline.errors import RedlineIOError
from redline.io.write import write_layers, write_styles
from redline.styles import map_tip_columns, output_style

#: the columns of ``layer_styles`` as QGIS 3.22 creates the table (QgsOgrProviderUtils, through OGR)
QGIS_COLUMNS = ["id", "f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName",
                "styleQML", "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time"]


def _square(**columns):
    return gpd.GeoDataFrame(columns, geometry=[shapely.box(500000, 3550000, 500100, 3550100)], crs="EPSG:4547")


def test_styles_are_the_default_of_each_layer_in_qgis_own_table(tmp_path):
    out = write_layers({"a": _square(x=[1]), "b": _square(y=["t"])}, tmp_path / "r.gpkg",
                       styles={"a": "<qgis>A</qgis>", "b": "<qgis>B</qgis>"})
    with sqlite3.connect(out) as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(layer_styles)")]
        rows = db.execute("SELECT f_table_name, f_geometry_column, styleName, styleQML, useAsDefault "
                          "FROM layer_styles ORDER BY id").fetchall()
        kind = db.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone()
        count = db.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'layer_styles'").fetchone()
    assert columns == QGIS_COLUMNS
    assert rows == [("a", "geom", "a", "<qgis>A</qgis>", 1), ("b", "geom", "b", "<qgis>B</qgis>", 1)]
    assert kind == ("attributes",) and count == (2,)


def test_a_style_for_a_layer_the_file_lacks_is_an_error(tmp_path):
    out = write_layers({"a": _square(x=[1])}, tmp_path / "r.gpkg")
    with pytest.raises(RedlineIOError, match="no layer 'idle_land'"):
        write_styles(out, {"idle_land": "<qgis/>"})
    write_styles(out, {"a": "<qgis/>"})
    with pytest.raises(RedlineIOError, match="already holds a style for a"):
        write_styles(out, {"a": "<qgis/>"})


def test_the_file_is_geopackage_1_2_in_its_header(tmp_path):
    """GDAL 3.6 (QGIS 3.22 on Debian 12) warns "may only be partially supported" on a 1.4 file (10400)."""
    write_layers({"a": _square(x=[1]), "b": _square(x=[2])}, tmp_path / "r.gpkg")
    header = (tmp_path / "r.gpkg").read_bytes()[:100]
    assert header[:16] == b"SQLite format 3\x00"
    assert int.from_bytes(header[60:64], "big") == 10200  # user_version: 1.2.0
    assert header[68:72] == b"GPKG"  # application_id


def test_idle_land_map_tip_says_status_dates_ratios_reason_and_rule():
    from redline.registry import get_spec

    idle = next(o for o in get_spec("supplied_not_used").outputs if o.name == "idle_land")
    names = [c.name for c in map_tip_columns(idle)]
    assert names[0] == "status_zh" and names[-1] == "rule"
    assert {"supply_date", "effective_start_date", "idle_date", "idle_days", "developed_ratio", "invested_ratio",
            "reason"} <= set(names)
    assert "supply_mu" not in names and "status" not in names  # areas and the code itself are not the why
    qml = output_style(idle, aliases={"status_zh": "闲置认定"})
    assert '<alias field="status_zh" name="闲置认定"/>' in qml
    assert "<previewExpression>concat(&quot;supply_id&quot;, ' ', &quot;status_zh&quot;)" in qml \
        or '<previewExpression>concat("supply_id", \' \', "status_zh")' in qml
    assert output_style(idle) == qml.replace('  <aliases>\n    <alias field="status_zh" name="闲置认定"/>\n'
                                             '  </aliases>\n', "")
