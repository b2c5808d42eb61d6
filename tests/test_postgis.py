"""PostGIS as source and sink, against a real PostgreSQL + PostGIS server (scripts/postgis.sh).

``./run test`` starts the server and sets ``REDLINE_TEST_PG``; under plain pytest the ``pg_url`` fixture
(tests/conftest.py) starts it itself (and stops it again if it started it). In CI a server that cannot start
is a failure, not a skip.
"""

from __future__ import annotations

import datetime as dt
import socket
import uuid
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from redline.errors import RedlineIOError
from redline.io import read_layer, read_layer_with_info, write_layers
from redline.io.postgis import read_postgis, redact, write_postgis

pytestmark = pytest.mark.postgis
psycopg = pytest.importorskip("psycopg")

@pytest.fixture
def schema(pg_url):
    """A fresh schema per test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    yield name
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(psycopg.sql.Identifier(name)))


def _sql(url, query, params=None):
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(query, params)
        return cur.fetchall() if cur.description else None


def _approvals() -> gpd.GeoDataFrame:
    """Example-like approvals in CGCS2000 / 3-degree GK zone 40 (EPSG:4528), Chinese field names and text."""
    x0, y0 = 40_500_000.0, 3_540_000.0
    geoms = [shapely.box(x0, y0, x0 + 200, y0 + 150),
             shapely.Polygon([(x0 + 300, y0), (x0 + 500, y0), (x0 + 450, y0 + 120), (x0 + 300, y0 + 100)],
                             holes=[[(x0 + 350, y0 + 20), (x0 + 380, y0 + 20), (x0 + 380, y0 + 50)]]),
             shapely.MultiPolygon([shapely.box(x0, y0 + 300, x0 + 50, y0 + 350),
                                   shapely.box(x0 + 60, y0 + 300, x0 + 90, y0 + 330)])]
    return gpd.GeoDataFrame({
        "批准文号": ["苏政地〔2019〕112号", "苏政地〔2020〕7号", "宁政地〔2021〕33号"],
        "批准日期": [dt.date(2019, 5, 6), dt.date(2020, 1, 15), None],
        "批次名称": ["2019年度第三批次城镇建设用地", "南京市江宁区2020年第1批次", "禄口街道（含“空港”）"],
        "面积": [30000.0, 21_000.5, np.nan],
        "宗数": [1, 2, 3],
    }, geometry=geoms, crs="EPSG:4528")


def _same_geoms(a, b) -> bool:
    a = shapely.normalize(np.asarray(a, dtype=object))
    b = shapely.normalize(np.asarray(b, dtype=object))
    return bool(shapely.equals(a, b).all())


def test_round_trip_chinese_text_geometry_crs(pg_url, schema):
    src = _approvals()
    where = write_postgis({"approvals": src}, f"{pg_url}?schema={schema}")
    assert schema in where
    back = read_postgis(f"{pg_url}?table={schema}.approvals")
    assert back.crs == src.crs
    assert list(back.columns) == list(src.columns)
    assert back["批准文号"].tolist() == src["批准文号"].tolist()
    assert back["批次名称"].tolist() == src["批次名称"].tolist()
    assert back["批准日期"].tolist()[:2] == [dt.date(2019, 5, 6), dt.date(2020, 1, 15)]
    assert back["批准日期"].isna().tolist() == [False, False, True]
    np.testing.assert_array_equal(back["面积"].to_numpy(), src["面积"].to_numpy())
    assert back["宗数"].tolist() == [1, 2, 3]
    assert set(back.geom_type) == {"MultiPolygon"}  # polygons are stored as MultiPolygon
    assert _same_geoms(back.geometry, src.geometry)
    # the table is what a GIS expects: typed geometry with SRID, and a GiST index
    cols = _sql(pg_url, "SELECT type, srid FROM geometry_columns WHERE f_table_schema = %s", (schema,))
    assert cols == [("MULTIPOLYGON", 4528)]
    idx = _sql(pg_url, "SELECT indexdef FROM pg_indexes WHERE schemaname = %s", (schema,))
    assert len(idx) == 1 and "gist" in idx[0][0].lower()


def test_read_layer_applies_schema_mapping(pg_url, schema):
    write_postgis({"pz": _approvals()}, f"{pg_url}?schema={schema}")
    gdf, info = read_layer_with_info(f"{pg_url}?table={schema}.pz", schema="approvals")
    assert "approval_id" in gdf.columns and "approval_date" in gdf.columns
    assert gdf["approval_id"].iloc[0] == "苏政地〔2019〕112号"
    assert info.source == "postgis"
    # layer= overrides the URL's table
    same = read_layer(pg_url, f"{schema}.pz", schema="approvals")
    assert same["approval_id"].tolist() == gdf["approval_id"].tolist()


def test_write_layers_routes_tables_and_metadata(pg_url, schema):
    rejected = pd.DataFrame({"layer": ["approvals"], "feature_id": ["苏政地〔2019〕112号"],
                             "code": ["invalid_geometry"], "reason": ["自相交，已修复"]})
    write_layers({"approvals": _approvals(), "rejected": rejected}, f"{pg_url}?schema={schema}",
                 metadata={"rules": "cn-national@2026.1", "as_of": "2026-06-30"})
    rows = _sql(pg_url, psycopg.sql.SQL("SELECT key, value FROM {} ORDER BY key").format(
        psycopg.sql.Identifier(schema, "redline_run")))
    assert rows == [("as_of", "2026-06-30"), ("rules", "cn-national@2026.1")]
    rej = read_postgis(pg_url, f"{schema}.rejected")
    assert isinstance(rej, pd.DataFrame) and not isinstance(rej, gpd.GeoDataFrame)
    assert rej["reason"].tolist() == ["自相交，已修复"]


def test_bureau_table_with_numeric_and_srid(pg_url, schema):
    """A table made the way a bureau's database has it: numeric columns, geometry(Polygon, 4490), no index."""
    q = psycopg.sql.SQL
    t = psycopg.sql.Identifier(schema, "dltb")
    _sql(pg_url, q("CREATE SCHEMA {}").format(psycopg.sql.Identifier(schema)))
    _sql(pg_url, q("CREATE TABLE {} (bsm varchar(18), dlbm varchar(5), tbmj numeric(18,2), "
                   "shape geometry(Polygon, 4490))").format(t))
    _sql(pg_url, q("INSERT INTO {} VALUES ('320115000001', '0101', 1234.56, "
                   "ST_GeomFromText('POLYGON((118.8 31.9,118.81 31.9,118.81 31.91,118.8 31.9))', 4490))").format(t))
    gdf = read_postgis(pg_url, f"{schema}.dltb")
    assert gdf.crs.to_epsg() == 4490
    assert gdf["tbmj"].dtype == float and gdf["tbmj"].iloc[0] == 1234.56
    assert gdf.geometry.iloc[0].equals(shapely.Polygon([(118.8, 31.9), (118.81, 31.9), (118.81, 31.91)]))


def test_failed_write_rolls_back_everything(pg_url, schema):
    url = f"{pg_url}?schema={schema}"
    first = _approvals()
    write_postgis({"approvals": first, "supplies": first.iloc[:1]}, url)
    changed = first.assign(宗数=[7, 8, 9])
    no_crs = first.set_crs(None, allow_override=True)
    # 1) a layer redline refuses (no CRS) after another layer was already replaced in the transaction
    with pytest.raises(RedlineIOError, match="rolled back"):
        write_postgis({"approvals": changed, "new_layer": first, "supplies": no_crs}, url)
    # 2) a layer the server refuses (text with a NUL byte) in the middle
    bad = first.assign(批次名称=["ok", "bad\x00text", "ok"])
    with pytest.raises(RedlineIOError, match="rolled back"):
        write_postgis({"approvals": changed, "broken": bad, "later": first}, url)
    assert read_postgis(url + f"&table={schema}.approvals")["宗数"].tolist() == [1, 2, 3]
    assert len(read_postgis(pg_url, f"{schema}.supplies")) == 1
    tables = {r[0] for r in _sql(pg_url, "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                                 (schema,))}
    assert tables == {"approvals", "supplies"}


def test_hostile_identifiers_are_just_names(pg_url, schema):
    _sql(pg_url, "CREATE TABLE IF NOT EXISTS public.x (keep int)")
    hostile = '"; DROP TABLE x; --'
    frame = _approvals().rename(columns={"宗数": 'n"); DROP TABLE public.x; --'})
    hostile_schema = schema + '"; DROP SCHEMA public CASCADE; --'
    try:
        write_postgis({hostile: frame}, f"{pg_url}?schema={hostile_schema.replace(';', '%3B')}")
        back = read_postgis(pg_url, f"{hostile_schema}.{hostile}")
        assert back['n"); DROP TABLE public.x; --'].tolist() == [1, 2, 3]
        assert _sql(pg_url, "SELECT to_regclass('public.x') IS NOT NULL") == [(True,)]
    finally:
        _sql(pg_url, psycopg.sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
            psycopg.sql.Identifier(hostile_schema)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_clear_errors_without_passwords(pg_url, schema):
    port = _free_port()
    with pytest.raises(RedlineIOError) as err:
        read_postgis(f"postgresql://ann:s3cret-pw@127.0.0.1:{port}/gis?table=a.b")
    assert f"127.0.0.1:{port}" in str(err.value) and "s3cret-pw" not in str(err.value)
    with pytest.raises(RedlineIOError, match="not found"):
        read_postgis(pg_url, f"{schema}.no_such_table")
    with pytest.raises(RedlineIOError, match="name the table"):
        read_postgis(pg_url)
    no_postgis = pg_url.rsplit("/", 1)[0] + "/postgres"
    with pytest.raises(RedlineIOError, match="no PostGIS extension"):
        read_postgis(no_postgis, "public.anything")
    with pytest.raises(RedlineIOError, match="no PostGIS extension"):
        write_postgis({"a": _approvals()}, no_postgis)
    assert redact("postgresql://u:p%40ss@h/db") == "postgresql://u:***@h/db"


def test_pipeline_end_to_end_postgis_in_and_out(pg_url, schema):
    from redline.registry import all_specs

    if "approved_not_supplied" not in {s.id for s in all_specs()}:
        pytest.skip("the approved_not_supplied audit is not in this build yet")
    from redline.example import load_example
    from redline.pipeline import run_audits

    layers = load_example()
    url = f"{pg_url}?schema={schema}"
    write_postgis({"in_approvals": layers["approvals"], "in_supplies": layers["supplies"]}, url)
    sources = {"approvals": f"{pg_url}?table={schema}.in_approvals",
               "supplies": f"{pg_url}?table={schema}.in_supplies"}
    res_pg = run_audits(sources, out=url, audits=["approved_not_supplied"], as_of="2026-06-30")
    res_mem = run_audits({"approvals": layers["approvals"], "supplies": layers["supplies"]},
                         audits=["approved_not_supplied"], as_of="2026-06-30", ledger=False)
    assert res_pg.paths["postgis"] == url
    for name, frame in res_mem.outputs.items():
        got = res_pg.outputs[name]
        assert len(got) == len(frame)
        for c in [c for c in frame.columns if str(c).endswith(("_m2", "_mu"))]:
            np.testing.assert_allclose(got[c].to_numpy(float), frame[c].to_numpy(float), rtol=1e-9)
        stored = read_postgis(pg_url, f"{schema}.{name}")
        assert len(stored) == len(frame)
    meta = dict(_sql(pg_url, psycopg.sql.SQL("SELECT key, value FROM {}").format(
        psycopg.sql.Identifier(schema, "redline_run"))))
    assert meta["as_of"] == "2026-06-30" and meta["rules"] == res_pg.rules.label


def test_gdal_style_conninfo_and_service_file(pg_url, schema, tmp_path, monkeypatch):
    """``PG:host=... dbname=...`` (as QGIS/GDAL users write it) and a libpq service file both work."""
    from urllib.parse import urlsplit

    write_postgis({"pz": _approvals()}, f"{pg_url}?schema={schema}")
    u = urlsplit(pg_url)
    conninfo = f"PG:host={u.hostname} port={u.port} dbname={u.path.lstrip('/')} user={u.username}"
    gdf = read_layer(conninfo, f"{schema}.pz", schema="approvals")
    assert gdf["approval_id"].tolist()[0] == "苏政地〔2019〕112号"
    service = tmp_path / "pg_service.conf"
    service.write_text(f"[bureau]\nhost={u.hostname}\nport={u.port}\ndbname={u.path.lstrip('/')}\n"
                       f"user={u.username}\n", encoding="utf-8")
    monkeypatch.setenv("PGSERVICEFILE", str(service))
    back = read_postgis(f"postgresql:///?service=bureau&table={schema}.pz")
    assert len(back) == 3 and back.crs.to_epsg() == 4528


def test_command_line_writes_the_run_to_postgis(pg_url, schema, tmp_path):
    """`redline audit --out postgresql://…?schema=…`: the URL is kept as a URL (not folded into a path),
    the tables land in that schema, and no folder named after the URL appears."""
    from click.testing import CliRunner

    from redline.cli import main
    from redline.example import example_path

    gpkg = example_path()
    url = f"{pg_url}?schema={schema}"
    result = CliRunner().invoke(main, ["audit", "--approvals", f"{gpkg}:approvals", "--supplies", f"{gpkg}:supplies",
                                       "--as-of", "2026-06-30", "--only", "approved_not_supplied", "--out", url],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"postgis: {url}" in result.output
    tables = {r[0] for r in _sql(pg_url, "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                                 (schema,))}
    assert {"approved_not_supplied", "supply_outside_approvals", "rejected", "redline_run"} <= tables
    (count,), = _sql(pg_url, psycopg.sql.SQL("SELECT count(*) FROM {}").format(
        psycopg.sql.Identifier(schema, "approved_not_supplied")))
    approvals = read_layer(str(gpkg), "approvals", schema="approvals")
    audited = approvals["approval_date"] <= pd.Timestamp("2026-06-30")  # a later approval is not one yet
    assert count == int(audited.sum()) and not audited.all()
    assert not Path("postgresql:").exists()
