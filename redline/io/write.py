"""Writing results: one GeoPackage with several layers, written atomically, never over an input.

A result set is written to a temporary file next to the destination and renamed into place
only when every layer is written, so a failed or interrupted run never leaves a half-written
GeoPackage where the last good one was. Destinations that are also inputs are refused. Field aliases
(the Chinese label of each column, from the audits' declared columns) are written to the GeoPackage's
``gpkg_data_columns`` table (schema extension), which GDAL 3.7 and later reads as field alternative
names and QGIS shows as aliases. Each layer's QGIS style (:mod:`redline.styles`: colours by status, field
aliases, map tip) is stored in the ``layer_styles`` table QGIS itself reads and writes, as the layer's
default, so the file opens styled. The files are GeoPackage 1.2 (:data:`GPKG_VERSION`), which QGIS 3.22
with GDAL 3.6 reads without warning.
PostGIS destinations (``postgresql://...``) go to :mod:`redline.io.postgis`, transactionally.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import RedlineIOError
from .vector import is_database_url

__all__ = ["GPKG_VERSION", "atomic_path", "prepare_for_ogr", "write_aliases", "write_layers", "write_styles"]

#: the GeoPackage version written (GDAL's ``VERSION`` creation option; the header's ``user_version`` 10200).
#: GDAL 3.12 writes 1.4 by default, and GDAL before 3.7 (QGIS 3.22 on Debian 12 has GDAL 3.6) opens a 1.4
#: file with "This version of GeoPackage user_version=0x000028A0 (10400, v1.4.0) ... may only be partially
#: supported"; 1.2 has all this file uses (features, attribute tables, the schema extension) and every
#: GDAL since 2.2 reads it without a word.
GPKG_VERSION = "1.2"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def check_not_input(dest: Path, inputs: Iterable) -> None:
    for src in inputs:
        if isinstance(src, str | os.PathLike) and not is_database_url(str(src)) and _same_file(dest, Path(os.fspath(src))):
            raise RedlineIOError(f"refusing to write results over an input: {dest} is also read as input; "
                                 "choose another output folder or file")


class atomic_path:
    """Context manager giving a temporary path beside ``dest``, renamed onto ``dest`` on success.

    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "out.txt") as tmp:
    ...     _ = tmp.write_text("ok")
    >>> (d / "out.txt").read_text()
    'ok'
    """

    def __init__(self, dest: str | os.PathLike, suffix: str | None = None) -> None:
        self.dest = Path(dest)
        self.suffix = suffix if suffix is not None else self.dest.suffix

    def __enter__(self) -> Path:
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{self.dest.stem}.", suffix=f".tmp{self.suffix}", dir=self.dest.parent)
        os.close(fd)
        os.unlink(name)  # writers create the file themselves (GDAL refuses to open an empty one)
        self.tmp = Path(name)
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        sidecars = [Path(str(self.tmp) + s) for s in ("-wal", "-shm", "-journal")]
        if exc_type is None:
            os.replace(self.tmp, self.dest)
        else:
            self.tmp.unlink(missing_ok=True)
        for s in sidecars:
            s.unlink(missing_ok=True)


def prepare_for_ogr(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy OGR can write: lists/dicts as JSON text, mixed object columns as text, bools kept."""
    out = frame.copy()
    geom = out.geometry.name if isinstance(out, gpd.GeoDataFrame) else None
    for col in out.columns:
        if col == geom:
            continue
        s = out[col]
        if s.dtype == object:
            sample = s.dropna()
            if sample.empty:
                out[col] = s.astype("string")
            elif sample.map(lambda v: isinstance(v, list | tuple | dict | set)).any():
                out[col] = s.map(lambda v: None if v is None else json.dumps(
                    sorted(v) if isinstance(v, set) else v, ensure_ascii=False, default=str))
            elif not sample.map(lambda v: isinstance(v, str)).all():
                out[col] = s.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
        elif isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = s.dt.tz_convert(None)
        elif pd.api.types.is_timedelta64_dtype(s):
            out[col] = s.dt.days
    return out


#: the GeoPackage schema extension (``gpkg_data_columns``), as the standard defines its tables
_DATA_COLUMNS_SQL = """
CREATE TABLE IF NOT EXISTS gpkg_data_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT, mime_type TEXT,
  constraint_name TEXT, CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
  CONSTRAINT gdc_tn UNIQUE (table_name, name));
CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (
  constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL, value TEXT, min NUMERIC, min_is_inclusive BOOLEAN,
  max NUMERIC, max_is_inclusive BOOLEAN, description TEXT,
  CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value));
CREATE TABLE IF NOT EXISTS gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
"""
_SCHEMA_EXTENSION = ("gpkg_schema", "http://www.geopackage.org/spec/#extension_schema", "read-write")


def write_aliases(path: str | os.PathLike, aliases: Mapping[str, Mapping[str, tuple[str, str]]]) -> int:
    """Record field aliases in a GeoPackage: ``{table: {column: (alias, description)}}``; returns how many.

    Written to ``gpkg_data_columns`` (``name`` and ``title`` = the alias, ``description``), with the
    ``gpkg_schema`` extension registered: GDAL reads ``name`` as the field's alternative name and
    ``description`` as its comment; QGIS shows the alternative name as the field alias. Columns the
    table does not have, and an alias a table already gives another column, are left out.
    """
    import sqlite3
    from contextlib import closing

    rows = []
    with closing(sqlite3.connect(os.fspath(path))) as db, db:
        tables = {t for (t,) in db.execute("SELECT table_name FROM gpkg_contents")}
        for table, columns in aliases.items():
            if table not in tables:
                continue
            have = {r[1] for r in db.execute(f'PRAGMA table_info("{table.replace(chr(34), chr(34) * 2)}")')}
            used: set[str] = set()
            for column, (alias, description) in columns.items():
                if column in have and alias and alias not in used:
                    used.add(alias)
                    rows.append((table, column, alias, alias, description or None))
        if not rows:
            return 0
        db.executescript(_DATA_COLUMNS_SQL)
        db.executemany("INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title, description)"
                       " VALUES (?, ?, ?, ?, ?)", rows)
        for table in ("gpkg_data_columns", "gpkg_data_column_constraints"):
            db.execute("INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, definition, "
                       "scope) VALUES (?, NULL, ?, ?, ?)", (table, *_SCHEMA_EXTENSION))
    return len(rows)


#: the ``layer_styles`` table exactly as QGIS 3.22 creates it (through OGR) when it saves a style in a GeoPackage
_LAYER_STYLES_SQL = """
CREATE TABLE "layer_styles" ( "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "f_table_catalog" TEXT(256),
  "f_table_schema" TEXT(256), "f_table_name" TEXT(256), "f_geometry_column" TEXT(256), "styleName" TEXT(30),
  "styleQML" TEXT, "styleSLD" TEXT, "useAsDefault" BOOLEAN, "description" TEXT, "owner" TEXT(30), "ui" TEXT(30),
  "update_time" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))
"""
#: GDAL's feature-count triggers of an attribute table, so a style QGIS adds later keeps the count right
_LAYER_STYLES_TRIGGERS = """
CREATE TRIGGER "trigger_insert_feature_count_layer_styles" AFTER INSERT ON "layer_styles" BEGIN UPDATE
  gpkg_ogr_contents SET feature_count = feature_count + 1 WHERE lower(table_name) = lower('layer_styles'); END;
CREATE TRIGGER "trigger_delete_feature_count_layer_styles" AFTER DELETE ON "layer_styles" BEGIN UPDATE
  gpkg_ogr_contents SET feature_count = feature_count - 1 WHERE lower(table_name) = lower('layer_styles'); END;
"""


def write_styles(path: str | os.PathLike, styles: Mapping[str, str], *, description: str = "") -> int:
    """Store QGIS styles in a GeoPackage: ``{layer: QML}``, each as the layer's default; returns how many.

    Written to the ``layer_styles`` table QGIS reads when it opens a layer (and writes with *Save as
    Default*), created as QGIS creates it and registered in ``gpkg_contents`` as an attribute table;
    ``styleName`` is the layer's name, ``styleSLD`` left empty (QGIS reads the QML). A layer the file does
    not have is an error, so is a file that already holds a style for one of the layers.
    """
    import sqlite3
    from contextlib import closing

    if not styles:
        return 0
    with closing(sqlite3.connect(os.fspath(path))) as db, db:
        geometry = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())
        tables = {t for (t,) in db.execute("SELECT table_name FROM gpkg_contents")}
        missing = sorted(set(styles) - tables)
        if missing:
            raise RedlineIOError(f"{path}: no layer {', '.join(map(repr, missing))} to store a style for")
        if "layer_styles" not in tables:
            db.executescript(_LAYER_STYLES_SQL)
            db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
                       "VALUES ('layer_styles', 'attributes', 'layer_styles', '', "
                       "strftime('%Y-%m-%dT%H:%M:%fZ','now'))")
            has_counts = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'gpkg_ogr_contents'").fetchone()
            if has_counts:
                db.execute("INSERT INTO gpkg_ogr_contents (table_name, feature_count) VALUES ('layer_styles', 0)")
                db.executescript(_LAYER_STYLES_TRIGGERS)
        taken = sorted({t for (t,) in db.execute('SELECT f_table_name FROM "layer_styles"')} & set(styles))
        if taken:
            raise RedlineIOError(f"{path}: layer_styles already holds a style for {', '.join(taken)}")
        db.executemany(
            'INSERT INTO "layer_styles" (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, '
            "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui) "
            "VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', NULL)",
            [(table, geometry.get(table, ""), table, qml, description) for table, qml in styles.items()])
    return len(styles)


def write_layers(layers: Mapping[str, pd.DataFrame], dest, *, inputs: Iterable = (),
                 metadata: Mapping[str, str] | None = None,
                 aliases: Mapping[str, Mapping[str, tuple[str, str]]] | None = None,
                 styles: Mapping[str, str] | None = None) -> str:
    """Write several layers (and plain tables) into one GeoPackage, atomically.

    Parameters
    ----------
    layers : mapping of name -> GeoDataFrame or DataFrame
        Layer names become GeoPackage table names; DataFrames without geometry become attribute tables.
    dest : path or PostGIS URL
        A ``.gpkg`` file (created or replaced whole), or ``postgresql://...`` (one transaction).
    inputs : iterable
        The run's input sources: writing over any of them is refused.
    metadata : mapping, optional
        Written as a ``redline_run`` table (key, value): rule set, working CRS, area method, as-of date...
    aliases : mapping, optional
        ``{layer: {column: (alias, description)}}``: field aliases, see :func:`write_aliases`
        (GeoPackage only).
    styles : mapping, optional
        ``{layer: QML}``: each layer's default QGIS style, see :func:`write_styles` (GeoPackage only).

    Returns
    -------
    str
        Where the results were written.
    """
    if is_database_url(dest):
        from .postgis import write_postgis

        return write_postgis(layers, dest, metadata=metadata)
    dest = Path(os.fspath(dest))
    if dest.suffix.lower() != ".gpkg":
        raise RedlineIOError(f"results are written to a GeoPackage: {dest} should end in .gpkg")
    check_not_input(dest, inputs)
    tables = dict(layers)
    if metadata:
        tables["redline_run"] = pd.DataFrame({"key": list(metadata), "value": [str(v) for v in metadata.values()]})
    if not tables:
        raise RedlineIOError("nothing to write")
    import pyogrio

    try:
        with atomic_path(dest) as tmp, _sqlite_settings():
            for n, (name, frame) in enumerate(tables.items()):
                kwargs = {}
                if isinstance(frame, gpd.GeoDataFrame):
                    if frame.crs is None:
                        raise RedlineIOError(f"layer {name!r} has no CRS; refusing to write it without one")
                    types = set(frame.geom_type.dropna().unique())
                    if types and types <= {"Polygon", "MultiPolygon"}:
                        kwargs["geometry_type"] = "MultiPolygon"  # each slice's polygons made multi as written
                    elif types and types <= {"Point", "MultiPoint"}:
                        kwargs["geometry_type"] = "Point" if types == {"Point"} else "MultiPoint"
                    else:
                        kwargs["geometry_type"] = "Unknown"
                    if frame.empty:
                        kwargs["geometry_type"] = kwargs.get("geometry_type", "MultiPolygon")
                if n == 0:  # a dataset creation option: only when the file is made
                    kwargs["VERSION"] = GPKG_VERSION
                # a long layer in slices, each appended to the layer the first made: what is converted for GDAL at
                # once (copies, multipolygons, WKB, Arrow columns) is a slice's, not the layer's
                # (the layer's options go with the first slice, which creates it; the others only append)
                appending = {k: v for k, v in kwargs.items() if k == "geometry_type"}
                for lo in range(0, max(len(frame), 1), WRITE_SLICE_ROWS):
                    part = prepare_for_ogr(frame.iloc[lo:lo + WRITE_SLICE_ROWS])
                    if not isinstance(part, gpd.GeoDataFrame):
                        part = pd.DataFrame(part)
                    elif kwargs.get("geometry_type") == "MultiPolygon":
                        part = part.set_geometry(_to_multi(part.geometry))
                    pyogrio.write_dataframe(part, tmp, layer=name, driver="GPKG", promote_to_multi=False,
                                            use_arrow=_ARROW, append=lo > 0, **(appending if lo else kwargs))
            if aliases:
                write_aliases(tmp, aliases)
            if styles:
                write_styles(tmp, styles)
    except RedlineIOError:
        raise
    except Exception as exc:
        raise RedlineIOError(f"cannot write {dest}: {exc}") from exc
    return str(dest)


#: how GDAL's SQLite is set while a result set is written (restored afterwards): pages of 64 KiB, so a finding's
#: row (its citations run to a thousand characters) fits in one page instead of spilling into a chain of overflow
#: pages of 4 KiB (a province's file 1.57 -> 1.22 GB); a page cache of 128 MB instead of SQLite's 2 MB, so the pages
#: the spatial index and the tables' last pages keep returning to are not written out and read back (a province:
#: 2.8 GB written and 2.8 GB read back for a 1.6 GB file). Measured on a province's three largest layers: 14-20 s
#: -> 10.4-12.3 s. The page size is a file's own (a reader takes it from the file: GDAL, QGIS, sqlite3 alike); the
#: cache is memory of the writing process alone.
SQLITE_SETTINGS = {"OGR_SQLITE_PRAGMA": "page_size=65536", "OGR_SQLITE_CACHE": "128"}


@contextlib.contextmanager
def _sqlite_settings() -> Iterator[None]:
    """GDAL's configuration options of :data:`SQLITE_SETTINGS` for the writing, each put back as it was after."""
    import pyogrio

    before = {k: pyogrio.get_gdal_config_option(k) for k in SQLITE_SETTINGS}
    pyogrio.set_gdal_config_options(SQLITE_SETTINGS)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(before)


#: a layer longer than this is written in slices of it (appended in turn): the memory the writing takes is a
#: slice's (800 000 deadline obligations written at once took 1.1 GB more than the layer itself)
WRITE_SLICE_ROWS = 100_000


def _arrow_writes() -> bool:
    """Whether pyogrio can hand GDAL whole columns (Arrow; pyarrow installed): a layer is then written in bulk,
    not feature by feature from Python (1.5-2x faster measured on 300 000 buildings)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


_ARROW = _arrow_writes()


def _to_multi(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    import shapely

    arr = np.asarray(geoms.values, dtype=object)
    single = np.flatnonzero(shapely.get_type_id(arr) == 3)  # Polygon
    if len(single):  # each polygon the one part of a multipolygon, built in one call (5x a loop of MultiPolygon([g]))
        arr = arr.copy()
        arr[single] = shapely.multipolygons(arr[single], indices=np.arange(len(single)))
    # empty geometries are written as null geometries: GeoPackage has no typed empty
    empty = shapely.is_empty(arr)
    if empty.any():
        arr = arr.copy()
        arr[empty] = None
    return gpd.GeoSeries(arr, index=geoms.index, crs=geoms.crs, name=geoms.name)
