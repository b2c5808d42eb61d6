"""PostGIS as a source and a sink: read any layer from a table, write a run's results in one transaction.

Sources and destinations are libpq URLs with redline's own query parameters:

- reading: ``postgresql://user@host:port/db?table=schema.table`` (or ``layer="schema.table"``; without a
  schema the connection's ``search_path`` decides, as in ``psql``). An optional ``geometry=column`` picks one of
  several geometry columns.
- writing: ``postgresql://user@host:port/db?schema=results``: every output layer becomes the table
  ``results.<layer name>`` (the schema is created when missing; default ``public``), plus ``rejected`` and
  ``redline_run`` (key, value) like the GeoPackage.

Other query parameters (``sslmode``, ``service``, ``connect_timeout``...) go to libpq unchanged. Credentials come
from the URL or, better, from libpq's environment: ``PGPASSWORD``, ``PGPASSFILE`` (``~/.pgpass``), ``PGSERVICE`` with
``~/.pg_service.conf`` (``postgresql:///?service=bureau&table=gis.approvals``). Passwords are never printed: every
message and log line shows the URL with the password replaced by ``***``.

Table and column names always go through :class:`psycopg.sql.Identifier` (quoted); values through query
parameters. No SQL is built by pasting user text, so a layer named ``"; DROP TABLE x; --`` is just a table name.

Written tables
--------------
- polygon layers: column ``geom geometry(MultiPolygon, SRID)`` with a GiST index ``<table>_geom_gix``; other
  geometry types ``geometry(Geometry, SRID)``; the attribute columns typed ``bigint``, ``double precision``,
  ``boolean``, ``date``, ``timestamp`` or ``text`` (lists and dicts as JSON text, Chinese text as UTF-8);
- tables without geometry (``rejected``, ``redline_run``) as plain tables.

Everything of one run is written in ONE transaction: tables that existed are dropped and re-created inside it, so
a failure anywhere (a bad layer, a lost connection) rolls back to the previous results, and no half-written table
is ever visible.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import RedlineIOError

log = logging.getLogger("redline.io")

__all__ = ["read_postgis", "redact", "write_postgis"]

#: query parameters redline reads itself (the rest go to libpq)
_OWN_PARAMS = ("table", "schema", "geometry")
_GEOM_COL = "geom"


def redact(text: str) -> str:
    """``text`` with every password in a URL or conninfo string replaced by ``***``.

    >>> redact("postgresql://ann:s3cret@db.example:5432/gis?table=a.b")
    'postgresql://ann:***@db.example:5432/gis?table=a.b'
    >>> redact("host=db password='x y' dbname=gis")
    'host=db password=*** dbname=gis'
    """
    text = re.sub(r"(postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@", r"\1***@", str(text))
    text = re.sub(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", r"\1***", text, flags=re.I)
    return text


class _Target:
    """A parsed source/destination: libpq conninfo plus redline's own parameters."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.params: dict[str, str] = {}
        if url.startswith("PG:"):  # GDAL-style "PG:dbname=x host=y"; table via layer=
            rest = []
            for part in url[3:].split():
                key, _, value = part.partition("=")
                if key in _OWN_PARAMS:
                    self.params[key] = value.strip("'\"")
                else:
                    rest.append(part)
            self.conninfo = " ".join(rest)
            kv = dict(p.partition("=")[::2] for p in rest)
            self.host = kv.get("host", "localhost")
            self.port = kv.get("port", "5432")
            self.dbname = kv.get("dbname", "")
            return
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        self.params = {k: v for k, v in query if k in _OWN_PARAMS}
        libpq = [(k, v) for k, v in query if k not in _OWN_PARAMS]
        # built by hand: urlunsplit drops the "//" of "postgresql:///?service=x" (no host: libpq's defaults)
        self.conninfo = f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{urlencode(libpq)}" if libpq else "")
        try:
            port = parts.port
        except ValueError:
            raise RedlineIOError(f"not a valid PostgreSQL URL (bad port): {redact(url)}") from None
        self.host = parts.hostname or dict(libpq).get("host", "localhost (socket)")
        self.port = str(port or dict(libpq).get("port", "5432"))
        self.dbname = parts.path.lstrip("/") or dict(libpq).get("dbname", "")

    @property
    def where(self) -> str:
        db = f" database {self.dbname!r}" if self.dbname else ""
        return f"PostgreSQL at {self.host}:{self.port}{db}"

    def connect(self):
        try:
            import psycopg
        except ImportError:
            raise RedlineIOError("PostGIS sources need psycopg 3: pip install 'redline[postgis]'") from None
        kwargs: dict[str, Any] = {} if "connect_timeout" in self.conninfo else {"connect_timeout": 10}
        try:
            return psycopg.connect(self.conninfo, **kwargs)
        except psycopg.OperationalError as exc:
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            reason = redact("; ".join(lines) or type(exc).__name__)
            raise RedlineIOError(
                f"cannot connect to {self.where}: {reason}. Check that the server runs and accepts connections "
                "there, and the user/password (PGPASSWORD, ~/.pgpass or a service file)") from None


def _split_table(name: str) -> tuple[str | None, str]:
    """``"schema.table"`` -> (schema, table); ``"table"`` -> (None, table). The first dot separates."""
    schema, dot, table = str(name).partition(".")
    if not dot:
        return None, schema
    return schema, table


def _check_postgis(conn, target: _Target) -> None:
    row = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'postgis'").fetchone()
    if row is None:
        raise RedlineIOError(
            f"{target.where} has no PostGIS extension: run CREATE EXTENSION postgis; in that database "
            "(needs a superuser or the database owner), or ask the database administrator")


def _find_table(conn, schema: str | None, table: str, target: _Target) -> tuple[str, str]:
    if schema is None:
        row = conn.execute(
            "SELECT table_schema FROM information_schema.tables t, "
            "unnest(current_schemas(false)) WITH ORDINALITY AS s(name, pos) "
            "WHERE t.table_schema = s.name AND t.table_name = %s ORDER BY s.pos LIMIT 1", (table,)).fetchone()
    else:
        row = conn.execute("SELECT table_schema FROM information_schema.tables WHERE table_schema = %s "
                           "AND table_name = %s", (schema, table)).fetchone()
    if row is None:
        known = [f"{s}.{t}" for s, t in conn.execute(
            "SELECT f_table_schema, f_table_name FROM geometry_columns ORDER BY 1, 2 LIMIT 11").fetchall()]
        more = f"; tables with geometry there: {', '.join(known[:10])}" + (" ..." if len(known) > 10 else "") \
            if known else "; it has no table with a geometry column"
        shown = f"{schema}.{table}" if schema else table
        raise RedlineIOError(f"table {shown!r} not found in {target.where}{more}")
    return row[0], table


def _crs_for_srid(conn, srid: int):
    if not srid:
        return None
    row = conn.execute("SELECT auth_name, auth_srid, srtext FROM spatial_ref_sys WHERE srid = %s", (srid,)).fetchone()
    if row is None:
        return f"EPSG:{srid}"
    auth, code, wkt = row
    if auth and auth.upper() == "EPSG" and code:
        return f"EPSG:{code}"
    return wkt or None


def read_postgis(url: str, layer: str | None = None) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read one PostGIS table into a GeoDataFrame with its CRS (geometry fetched as WKB).

    Parameters
    ----------
    url : str
        ``postgresql://user@host:port/db?table=schema.table`` (password from the environment, a service file or
        the URL; never printed).
    layer : str, optional
        ``"schema.table"`` or ``"table"``; overrides ``table=`` in the URL.

    Returns
    -------
    GeoDataFrame
        The table's rows; ``numeric`` columns as floats; the CRS from the column's SRID (``geometry_columns``,
        else the SRID found on the rows). A table without a geometry column comes back as a DataFrame.

    Raises
    ------
    RedlineIOError
        The server cannot be reached (host and port named), the database has no PostGIS, the table is missing,
        or its rows carry several SRIDs.
    """
    import psycopg
    from psycopg import sql

    target = _Target(url)
    name = layer if layer is not None else target.params.get("table")
    if not name:
        raise RedlineIOError(f"name the table to read: {redact(url)}?table=schema.table (or layer='schema.table')")
    schema, table = _split_table(str(name))
    try:
        with target.connect() as conn:
            _check_postgis(conn, target)
            schema, table = _find_table(conn, schema, table, target)
            cols = conn.execute(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                (schema, table)).fetchall()
            geoms = [c for c, t in cols if t.startswith("geometry")]
            want = target.params.get("geometry")
            geom: str | None
            if want:
                if want not in geoms:
                    raise RedlineIOError(f"{schema}.{table} has no geometry column {want!r} (it has: "
                                         f"{', '.join(geoms) or 'none'})")
                geom = want
            else:
                geom = geoms[0] if geoms else None
            attrs = [c for c, _ in cols if c not in geoms]
            tbl = sql.Identifier(schema, table)
            select: list[sql.Composable] = [sql.Identifier(c) for c in attrs]
            srid = 0
            if geom is not None:
                row = conn.execute("SELECT srid FROM geometry_columns WHERE f_table_schema = %s AND f_table_name = %s "
                                   "AND f_geometry_column = %s", (schema, table, geom)).fetchone()
                srid = int(row[0]) if row and row[0] else 0
                if not srid:
                    found = [r[0] for r in conn.execute(sql.SQL(
                        "SELECT DISTINCT ST_SRID({g}) FROM {t} WHERE {g} IS NOT NULL LIMIT 3").format(
                            g=sql.Identifier(geom), t=tbl)).fetchall()]
                    if len(found) > 1:
                        raise RedlineIOError(f"{schema}.{table}.{geom} mixes SRIDs {found}: transform them to one "
                                             "(ST_Transform) before reading")
                    srid = int(found[0]) if found else 0
                select.append(sql.SQL("ST_AsBinary({g})").format(g=sql.Identifier(geom)))
            query = sql.SQL("SELECT {cols} FROM {t}").format(cols=sql.SQL(", ").join(select) if select else sql.SQL("1"),
                                                              t=tbl)
            with conn.cursor(binary=True) as cur:
                cur.execute(query)
                rows = cur.fetchall()
            crs = _crs_for_srid(conn, srid) if geom is not None else None
    except psycopg.Error as exc:
        raise RedlineIOError(f"cannot read {name!r} from {target.where}: {redact(str(exc).strip())}") from None
    names = attrs + ([geom] if geom is not None else [])
    frame = pd.DataFrame.from_records(rows, columns=names) if rows else pd.DataFrame({c: [] for c in names})
    for c in attrs:
        s = frame[c]
        if s.dtype == object and s.map(lambda v: isinstance(v, Decimal)).any():
            frame[c] = s.map(lambda v: None if v is None else float(v)).astype(float)
    log.info("read %d rows from %s.%s (%s)", len(frame), schema, table, redact(target.where))
    if geom is None:
        return frame
    import shapely

    wkb = frame.pop(geom).map(lambda v: None if v is None else bytes(v)).to_numpy(dtype=object)
    series = gpd.GeoSeries(shapely.from_wkb(wkb), index=frame.index, crs=crs)
    return gpd.GeoDataFrame(frame, geometry=series.rename("geometry"), crs=crs)


# ---------------------------------------------------------------- writing


def _pg_type(s: pd.Series) -> tuple[str, Callable[[Any], object]]:
    """(PostgreSQL type, converter value -> python value)."""
    if pd.api.types.is_bool_dtype(s):
        return "boolean", bool
    if pd.api.types.is_integer_dtype(s):
        return "bigint", int
    if pd.api.types.is_float_dtype(s):
        return "double precision", float
    if pd.api.types.is_datetime64_any_dtype(s):
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            return "timestamptz", lambda v: v.to_pydatetime()
        return "timestamp", lambda v: v.to_pydatetime()
    if pd.api.types.is_timedelta64_dtype(s):
        return "bigint", lambda v: int(v.days)
    sample = s.dropna()
    if len(sample) and sample.map(lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime)).all():
        return "date", lambda v: v
    if len(sample) and sample.map(lambda v: isinstance(v, bool | np.bool_)).all():
        return "boolean", bool
    if len(sample) and sample.map(lambda v: isinstance(v, int | np.integer) and not isinstance(v, bool)).all():
        return "bigint", int
    if len(sample) and sample.map(lambda v: isinstance(v, float | int | np.number)).all():
        return "double precision", float

    def text(v):
        if isinstance(v, list | tuple | dict | set):
            return json.dumps(sorted(v) if isinstance(v, set) else v, ensure_ascii=False, default=str)
        return str(v)

    return "text", text


def _is_missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, np.floating) and np.isnan(v)


def _write_one(conn, schema: str, name: str, frame: pd.DataFrame) -> int:
    from psycopg import sql

    if frame.columns.duplicated().any():
        dup = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise RedlineIOError(f"layer {name!r} has duplicate column names: {', '.join(dup)}")
    geom_name = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    attrs = [c for c in frame.columns if c != geom_name]
    if _GEOM_COL in [str(c) for c in attrs] and geom_name is not None:
        raise RedlineIOError(f"layer {name!r} has an attribute column named {_GEOM_COL!r}: rename it")
    defs: list[sql.Composable] = []
    convs: list[Callable[[Any], object]] = []
    for c in attrs:
        typ, conv = _pg_type(frame[c])
        defs.append(sql.SQL("{} {}").format(sql.Identifier(str(c)), sql.SQL(typ)))
        convs.append(conv)
    columns = [str(c) for c in attrs]
    geoms = None
    if geom_name is not None:
        import shapely

        if frame.crs is None:
            raise RedlineIOError(f"layer {name!r} has no CRS; refusing to write it without one")
        srid = frame.crs.to_epsg()
        if srid is None:
            raise RedlineIOError(f"layer {name!r}: its CRS has no EPSG code PostGIS knows ({frame.crs.name}); "
                                 "reproject it or write it to a GeoPackage")
        values = np.asarray(frame.geometry.values, dtype=object)
        types = set(shapely.get_type_id(values[~shapely.is_missing(values)]).tolist())
        if types <= {3, 6}:  # Polygon, MultiPolygon (or an empty layer)
            gtype = "MultiPolygon"
            single = shapely.get_type_id(values) == 3
            if single.any():
                values = values.copy()
                values[single] = [shapely.MultiPolygon([g]) for g in values[single]]
        else:
            gtype = "Geometry"
        blank = shapely.is_empty(values) | shapely.is_missing(values)
        values = values.copy()
        values[blank] = None
        values = shapely.set_srid(values, srid)
        geoms = shapely.to_wkb(values, hex=True, include_srid=True)
        defs.append(sql.SQL("{} geometry({}, {})").format(sql.Identifier(_GEOM_COL), sql.SQL(gtype),
                                                           sql.Literal(int(srid))))
        columns.append(_GEOM_COL)
    if not defs:
        raise RedlineIOError(f"layer {name!r} has no columns to write")
    tbl = sql.Identifier(schema, name)
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(tbl))
    conn.execute(sql.SQL("CREATE TABLE {} ({})").format(tbl, sql.SQL(", ").join(defs)))
    copy = sql.SQL("COPY {} ({}) FROM STDIN").format(tbl, sql.SQL(", ").join(sql.Identifier(c) for c in columns))
    data = [frame[c].to_numpy(dtype=object) for c in attrs]
    with conn.cursor() as cur, cur.copy(copy) as cp:
        for i in range(len(frame)):
            row = [None if _is_missing(col[i]) else conv(col[i]) for col, conv in zip(data, convs, strict=True)]
            if geoms is not None:
                row.append(geoms[i])
            cp.write_row(row)
    if geoms is not None:
        index = f"{name[:50]}_geom_gix"
        conn.execute(sql.SQL("CREATE INDEX {} ON {} USING GIST ({})").format(
            sql.Identifier(index), tbl, sql.Identifier(_GEOM_COL)))
    return len(frame)


def write_postgis(layers: Mapping[str, pd.DataFrame], url: str, metadata: Mapping[str, str] | None = None) -> str:
    """Write several layers (and plain tables) into a PostGIS schema, in one transaction.

    Parameters
    ----------
    layers : mapping of name -> GeoDataFrame or DataFrame
        Each becomes the table ``<schema>.<name>`` (replaced when it exists).
    url : str
        ``postgresql://user@host:port/db?schema=results`` (default schema ``public``).
    metadata : mapping, optional
        Written as the table ``redline_run`` (key, value).

    Returns
    -------
    str
        The destination with any password redacted.

    Raises
    ------
    RedlineIOError
        The server cannot be reached, PostGIS is missing, or any layer fails to write: then nothing of this run is
        written and tables that existed before are untouched.
    """
    import psycopg
    from psycopg import sql

    target = _Target(url)
    schema = target.params.get("schema") or "public"
    tables = dict(layers)
    if metadata:
        tables["redline_run"] = pd.DataFrame({"key": list(metadata), "value": [str(v) for v in metadata.values()]})
    if not tables:
        raise RedlineIOError("nothing to write")
    for name in tables:
        if not str(name) or len(str(name).encode()) > 63:
            raise RedlineIOError(f"layer name {str(name)!r} cannot be a PostgreSQL table name (1 to 63 bytes)")
    with target.connect() as conn:
        _check_postgis(conn, target)
        current = None
        try:
            with conn.transaction():
                conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
                for name, frame in tables.items():
                    current = name
                    n = _write_one(conn, schema, str(name), frame)
                    log.info("wrote %d rows to %s.%s", n, schema, name)
        except RedlineIOError as exc:
            raise RedlineIOError(f"nothing written to {target.where} (rolled back): {exc}") from None
        except psycopg.Error as exc:
            raise RedlineIOError(f"nothing written to {target.where} (rolled back): layer {current!r}: "
                                 f"{redact(str(exc).strip())}") from None
    return redact(url)
