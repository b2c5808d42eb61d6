"""Where a register lives: a GeoPackage (SQLite) or a PostGIS schema, behind one small interface.

Both stores create the tables of :mod:`redline.register.layout` and run every change of the register in one
transaction (:meth:`Store.transaction`): SQLite's ``BEGIN IMMEDIATE`` (one writer at a time, the others wait)
or one PostgreSQL transaction. SQL is written once with ``?`` placeholders and ``{cases}``-style table names;
each store quotes the names (a PostGIS schema is ``"schema"."table"``) and converts the placeholders.

Geometries travel as WKB; the GeoPackage store wraps them in the GeoPackage binary header and keeps the
R-tree spatial index of the standard's extension (its triggers call ``ST_MinX`` …, which the store provides
to SQLite, as GDAL and QGIS do).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import struct
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import shapely

from ..errors import RedlineIOError
from .layout import LAYOUT_VERSION, TABLES, Table

__all__ = ["GeoPackageStore", "PostGISStore", "Store", "open_store"]


class Store:
    """A register's storage: tables, one transaction at a time, geometries as WKB."""

    kind = ""
    where = ""
    srid: int | None = None
    #: set by open(): the register's tables exist, so each transaction can re-read a CRS set since
    _opened: bool = False

    def t(self, name: str) -> str:
        """The quoted name of table ``name``."""
        raise NotImplementedError

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        raise NotImplementedError
        yield

    def execute(self, tx: Any, sql: str, params: Sequence[Any] = ()) -> None:
        raise NotImplementedError

    def executemany(self, tx: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def query(self, tx: Any, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        raise NotImplementedError

    def geom_in(self) -> str:
        """The SQL expression a geometry parameter is written with (``?`` is the WKB)."""
        return "?"

    def geom_out(self, column: str = "geom") -> str:
        return column

    def to_param(self, wkb: bytes | None) -> Any:
        return wkb

    def from_value(self, value: Any) -> bytes | None:
        return value

    def exists(self) -> bool:
        raise NotImplementedError

    def create(self) -> None:
        raise NotImplementedError

    def set_crs(self, tx: Any, crs: Any) -> None:
        """Fix the register's CRS (at the first round that has geometries): the spatial columns get its SRID."""
        raise NotImplementedError

    def lock(self, tx: Any) -> None:
        """Take the register for a round or an undo (one at a time); disposal entries wait for it to finish."""

    def lock_case(self, tx: Any, case_id: str) -> None:
        """Hold one case while its disposal is recorded (so two entries on it both count)."""

    def meta(self, tx: Any) -> dict[str, str]:
        return {k: v for k, v in self.query(tx, "SELECT key, value FROM {register_meta}")}

    def set_meta(self, tx: Any, values: dict[str, str]) -> None:
        for k, v in values.items():
            self.execute(tx, "DELETE FROM {register_meta} WHERE key = ?", (k,))
            self.execute(tx, "INSERT INTO {register_meta} (key, value) VALUES (?, ?)", (k, v))

    def sql(self, text: str) -> str:
        return text.format(**{t.name: self.t(t.name) for t in TABLES})


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _base_meta() -> dict[str, str]:
    from .. import __version__

    return {"layout": LAYOUT_VERSION, "created_at": _now(), "created_by_redline": __version__}


# -- GeoPackage -------------------------------------------------------------------------------------------------

_SQLITE_TYPES = {"TEXT": "TEXT", "INTEGER": "INTEGER", "REAL": "REAL", "DATE": "DATE", "DATETIME": "DATETIME",
                 "GEOMETRY": "MULTIPOLYGON"}
_GPKG_CORE = """
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE IF NOT EXISTS gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
  identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT
  (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
  definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined',
  'undefined cartesian coordinate reference system');
INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined',
  'undefined geographic coordinate reference system');
INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
  'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
"""
_RTREE_EXT = ("gpkg_rtree_index", "http://www.geopackage.org/spec120/#extension_rtree", "write-only")
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def gpkg_blob(wkb: bytes | None, srs_id: int) -> bytes | None:
    """WKB wrapped in the GeoPackage binary header (version 0, little endian, with its XY envelope)."""
    if wkb is None:
        return None
    g = shapely.from_wkb(wkb)
    if g is None or g.is_empty:
        return b"GP\x00" + bytes([0x11]) + struct.pack("<i", srs_id) + wkb
    minx, miny, maxx, maxy = g.bounds
    return b"GP\x00" + bytes([0x03]) + struct.pack("<i4d", srs_id, minx, maxx, miny, maxy) + wkb


def gpkg_wkb(blob: bytes | None) -> bytes | None:
    """The WKB inside a GeoPackage geometry blob."""
    if blob is None:
        return None
    blob = bytes(blob)
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    return blob[8 + _ENVELOPE_BYTES[(blob[3] >> 1) & 0x07]:]


def _envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    if blob is None:
        return None
    blob = bytes(blob)
    if blob[3] & 0x10:
        return None
    if (blob[3] >> 1) & 0x07:
        minx, maxx, miny, maxy = struct.unpack("<4d", blob[8:40])
        return minx, maxx, miny, maxy
    g = shapely.from_wkb(gpkg_wkb(blob))
    if g is None or g.is_empty:
        return None
    x0, y0, x1, y1 = g.bounds
    return x0, x1, y0, y1


def _part(i: int):
    def f(blob):
        e = _envelope(blob)
        return None if e is None else e[i]

    return f


class GeoPackageStore(Store):
    """A register in a GeoPackage file: the embedded default."""

    kind = "gpkg"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(os.fspath(path))
        self.where = str(self.path)

    def t(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(os.fspath(self.path), timeout=60, isolation_level=None)
        db.create_function("ST_IsEmpty", 1, lambda b: None if b is None else int(_envelope(b) is None),
                           deterministic=True)
        for i, name in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
            db.create_function(name, 1, _part(i), deterministic=True)
        return db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        if not self.path.exists():
            raise RedlineIOError(f"no register at {self.path}: make one with `redline register init {self.path}`")
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            if self.srid is None and self._opened:  # another writer may have recorded the first round since
                self._read_srid(db)
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise RedlineIOError(f"register {self.path}: {exc}") from exc
        finally:
            db.close()

    def execute(self, tx, sql, params=()):
        tx.execute(self.sql(sql), tuple(params))

    def executemany(self, tx, sql, rows):
        tx.executemany(self.sql(sql), rows)

    def query(self, tx, sql, params=()):
        return tx.execute(self.sql(sql), tuple(params)).fetchall()

    def to_param(self, wkb):
        return gpkg_blob(wkb, self.srid if self.srid is not None else -1)

    def from_value(self, value):
        return gpkg_wkb(value)

    def exists(self) -> bool:
        if not self.path.exists():
            return False
        with self._connect() as db:
            return bool(db.execute("SELECT 1 FROM sqlite_master WHERE name = 'register_meta'").fetchall())

    def create(self) -> None:
        if self.path.exists():
            raise RedlineIOError(f"{self.path} exists: a register is made in a new file (give another name)")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".part")
        tmp.unlink(missing_ok=True)
        db = sqlite3.connect(os.fspath(tmp), isolation_level=None)
        try:
            db.execute("PRAGMA application_id = 1196444487")  # 'GPKG'
            db.execute("PRAGMA user_version = 10300")
            db.executescript(_GPKG_CORE)
            db.execute("BEGIN")
            for table in TABLES:
                cols = []
                for c in table.columns:
                    if c.name == table.key:
                        cols.append(f'"{c.name}" INTEGER PRIMARY KEY AUTOINCREMENT')
                    elif c.type != "GEOMETRY":
                        cols.append(f'"{c.name}" {_SQLITE_TYPES[c.type]}')
                    else:
                        cols.append(f'"{c.name}" MULTIPOLYGON')
                if table.name == "register_meta":
                    cols = ['"key" TEXT PRIMARY KEY', '"value" TEXT']
                db.execute(f'CREATE TABLE "{table.name}" ({", ".join(cols)})')
                kind = "features" if table.spatial else "attributes"
                db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
                           "VALUES (?, ?, ?, ?, ?)", (table.name, kind, table.name, table.description,
                                                      -1 if table.spatial else None))
                if table.spatial:
                    db.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'MULTIPOLYGON', -1, 0, 0)",
                               (table.name,))
                    _rtree(db, table)
            db.execute('CREATE UNIQUE INDEX "cases_case_id" ON "cases" ("case_id")')
            db.execute('CREATE INDEX "cases_key" ON "cases" ("output", "case_key")')
            db.execute('CREATE INDEX "case_events_case" ON "case_events" ("case_id", "round_id")')
            db.execute('CREATE INDEX "dispositions_case" ON "dispositions" ("case_id")')
            db.executemany('INSERT INTO "register_meta" VALUES (?, ?)', list(_base_meta().items()))
            db.execute("COMMIT")
        finally:
            db.close()
        from ..io.write import write_aliases

        write_aliases(tmp, {t.name: {c.name: (c.label_zh, c.description) for c in t.columns} for t in TABLES})
        os.replace(tmp, self.path)

    def set_crs(self, tx, crs) -> None:
        from pyproj import CRS

        crs = CRS.from_user_input(crs)
        epsg = crs.to_epsg()
        srs_id = epsg if epsg else 990001
        if not tx.execute("SELECT 1 FROM gpkg_spatial_ref_sys WHERE srs_id = ?", (srs_id,)).fetchall():
            tx.execute("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)",
                       (crs.name, srs_id, "EPSG" if epsg else "NONE", epsg or srs_id, crs.to_wkt("WKT1_GDAL"),
                        crs.name))
        for table in TABLES:
            if table.spatial:
                tx.execute("UPDATE gpkg_geometry_columns SET srs_id = ? WHERE table_name = ?", (srs_id, table.name))
                tx.execute("UPDATE gpkg_contents SET srs_id = ? WHERE table_name = ?", (srs_id, table.name))
        self.srid = srs_id

    def open(self) -> None:
        if not self.exists():
            raise RedlineIOError(f"no register at {self.path}: make one with `redline register init {self.path}`")
        with self._connect() as db:
            self._read_srid(db)
        self._opened = True

    def _read_srid(self, db: sqlite3.Connection) -> None:
        row = db.execute("SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'cases'").fetchone()
        self.srid = None if row is None or row[0] in (-1, 0) else int(row[0])

    def touch(self, tx) -> None:
        """Record the change time and the extent of the spatial tables in ``gpkg_contents``."""
        for table in TABLES:
            if table.spatial:
                ext = tx.execute(f'SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "rtree_{table.name}_geom"'
                                 ).fetchone()
                tx.execute("UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now'), min_x = ?, "
                           "min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?", (*ext, table.name))


def _rtree(db: sqlite3.Connection, table: Table) -> None:
    t, c, i = table.name, "geom", table.key
    r = f"rtree_{t}_{c}"
    db.execute(f'CREATE VIRTUAL TABLE "{r}" USING rtree(id, minx, maxx, miny, maxy)')
    vals = f"NEW.{i}, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c})"
    notempty = f"(NEW.{c} NOT NULL AND NOT ST_IsEmpty(NEW.{c}))"
    empty = f"(NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))"
    for name, body in (
        ("insert", f"AFTER INSERT ON \"{t}\" WHEN {notempty} BEGIN INSERT OR REPLACE INTO \"{r}\" VALUES ({vals}); END"),
        ("update1", f"AFTER UPDATE OF {c} ON \"{t}\" WHEN OLD.{i} = NEW.{i} AND {notempty} BEGIN INSERT OR REPLACE "
                    f"INTO \"{r}\" VALUES ({vals}); END"),
        ("update2", f"AFTER UPDATE OF {c} ON \"{t}\" WHEN OLD.{i} = NEW.{i} AND {empty} BEGIN DELETE FROM \"{r}\" "
                    f"WHERE id = OLD.{i}; END"),
        ("update3", f"AFTER UPDATE ON \"{t}\" WHEN OLD.{i} != NEW.{i} AND {notempty} BEGIN DELETE FROM \"{r}\" "
                    f"WHERE id = OLD.{i}; INSERT OR REPLACE INTO \"{r}\" VALUES ({vals}); END"),
        ("update4", f"AFTER UPDATE ON \"{t}\" WHEN OLD.{i} != NEW.{i} AND {empty} BEGIN DELETE FROM \"{r}\" "
                    f"WHERE id IN (OLD.{i}, NEW.{i}); END"),
        ("delete", f"AFTER DELETE ON \"{t}\" WHEN old.{c} NOT NULL BEGIN DELETE FROM \"{r}\" WHERE id = OLD.{i}; END"),
    ):
        db.execute(f'CREATE TRIGGER "{r}_{name}" {body}')
    db.execute("INSERT INTO gpkg_extensions VALUES (?, ?, ?, ?, ?)", (t, c, *_RTREE_EXT))


# -- PostGIS ----------------------------------------------------------------------------------------------------

_PG_TYPES = {"TEXT": "text", "INTEGER": "bigint", "REAL": "double precision", "DATE": "date",
             "DATETIME": "timestamptz"}


class PostGISStore(Store):
    """A register in a PostGIS schema (``postgresql://…?schema=register``), for a bureau with several technicians."""

    kind = "postgis"

    def __init__(self, url: str) -> None:
        from ..io.postgis import _Target, redact

        self.target = _Target(url)
        self.schema = self.target.params.get("schema", "public")
        self.where = f"{redact(url)}"

    def t(self, name: str) -> str:
        return '"' + self.schema.replace('"', '""') + '"."' + name.replace('"', '""') + '"'

    @contextmanager
    def transaction(self):
        conn = self.target.connect()
        try:
            with conn.transaction():
                if self.srid is None and self._opened:  # another writer may have recorded the first round since
                    srid = self.meta(conn).get("srid")
                    self.srid = int(srid) if srid else None
                yield conn
        except Exception as exc:
            import psycopg

            if isinstance(exc, psycopg.Error):
                raise RedlineIOError(f"register {self.where}: {exc}".strip()) from exc
            raise
        finally:
            conn.close()

    def _pg(self, sql: str) -> str:
        return self.sql(sql).replace("%", "%%").replace("?", "%s")

    def execute(self, tx, sql, params=()):
        tx.execute(self._pg(sql), tuple(params))

    def executemany(self, tx, sql, rows):
        with tx.cursor() as cur:
            cur.executemany(self._pg(sql), rows)

    def query(self, tx, sql, params=()):
        return tx.execute(self._pg(sql), tuple(params)).fetchall()

    def geom_in(self) -> str:
        return f"ST_Multi(ST_GeomFromWKB(?, {self.srid or 0}))"

    def geom_out(self, column: str = "geom") -> str:
        return f"ST_AsBinary({column})"

    def from_value(self, value):
        return None if value is None else bytes(value)

    def exists(self) -> bool:
        conn = self.target.connect()
        try:
            row = conn.execute("SELECT to_regclass(%s)", (self.t("register_meta"),)).fetchone()
            return row is not None and row[0] is not None
        finally:
            conn.close()

    def create(self) -> None:
        if self.exists():
            raise RedlineIOError(f"{self.where} already holds a register (schema {self.schema!r})")
        conn = self.target.connect()
        try:
            with conn.transaction():
                conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                for table in TABLES:
                    cols = []
                    for c in table.columns:
                        if c.name == table.key:
                            cols.append(f'"{c.name}" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
                        elif c.type != "GEOMETRY":
                            cols.append(f'"{c.name}" {_PG_TYPES[c.type]}')
                        else:
                            cols.append(f'"{c.name}" geometry(MultiPolygon)')
                    if table.name == "register_meta":
                        cols = ['"key" text PRIMARY KEY', '"value" text']
                    conn.execute(f"CREATE TABLE {self.t(table.name)} ({', '.join(cols)})")
                    for c in table.columns:
                        comment = c.label_zh + (f": {c.description}" if c.description else "")
                        conn.execute(f'COMMENT ON COLUMN {self.t(table.name)}."{c.name}" IS '
                                     + "'" + comment.replace("'", "''") + "'")
                conn.execute(f'CREATE UNIQUE INDEX ON {self.t("cases")} (case_id)')
                conn.execute(f'CREATE INDEX ON {self.t("cases")} (output, case_key)')
                conn.execute(f'CREATE INDEX ON {self.t("case_events")} (case_id, round_id)')
                conn.execute(f'CREATE INDEX ON {self.t("dispositions")} (case_id)')
                with conn.cursor() as cur:
                    cur.executemany(f"INSERT INTO {self.t('register_meta')} VALUES (%s, %s)",
                                    list(_base_meta().items()))
        finally:
            conn.close()

    def open(self) -> None:
        if not self.exists():
            raise RedlineIOError(f"no register in {self.where}: make one with `redline register init URL`")
        with self.transaction() as tx:
            srid = self.meta(tx).get("srid")
        self.srid = int(srid) if srid else None
        self._opened = True

    def set_crs(self, tx, crs) -> None:
        from pyproj import CRS

        epsg = CRS.from_user_input(crs).to_epsg()
        if not epsg:
            raise RedlineIOError(f"a PostGIS register needs an EPSG CRS; the round's CRS {crs} has no EPSG code")
        for table in TABLES:
            if table.spatial:
                tx.execute(f'ALTER TABLE {self.t(table.name)} ALTER COLUMN geom TYPE geometry(MultiPolygon, '
                           f'{int(epsg)}) USING ST_SetSRID(geom, {int(epsg)})')
                tx.execute(f'CREATE INDEX IF NOT EXISTS "{table.name}_geom_gix" ON {self.t(table.name)} USING gist (geom)')
        self.srid = int(epsg)
        self.set_meta(tx, {"srid": str(epsg)})

    def lock(self, tx) -> None:
        # One round (or undo) at a time; then every case row, so that a disposal entry under way (which holds
        # its case's row, lock_case) is committed before the round reads the entries, and a later one waits
        # for the round: otherwise the round's refresh of the cases' current disposal could write back the
        # entries as they were before one that committed meanwhile.
        tx.execute(f"LOCK TABLE {self.t('rounds')} IN EXCLUSIVE MODE")
        tx.execute(f"SELECT 1 FROM {self.t('cases')} ORDER BY fid FOR UPDATE")

    def lock_case(self, tx, case_id: str) -> None:
        tx.execute(f"SELECT 1 FROM {self.t('cases')} WHERE case_id = %s FOR UPDATE", (case_id,))

    def touch(self, tx) -> None:
        pass


def open_store(target: str | os.PathLike[str] | Store) -> Store:
    """The store at ``target``: a ``.gpkg`` path or a ``postgresql://…?schema=`` URL."""
    if isinstance(target, Store):
        return target
    from ..io.vector import is_database_url

    if is_database_url(target):
        return PostGISStore(str(target))
    path = Path(os.fspath(target))
    if path.suffix.lower() != ".gpkg":
        raise RedlineIOError(f"a register is a GeoPackage (.gpkg) or a postgresql:// URL, not {path}")
    return GeoPackageStore(path)
