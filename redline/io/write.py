"""Writing results: one GeoPackage with several layers, written atomically, never over an input.

A result set is written to a temporary file next to the destination and renamed into place
only when every layer is written, so a failed or interrupted run never leaves a half-written
GeoPackage where the last good one was. Destinations that are also inputs are refused. Field aliases
(the Chinese label of each column, from the audits' declared columns) are written to the GeoPackage's
``gpkg_data_columns`` table (schema extension), which GDAL reads as field alternative names and QGIS
shows as aliases.
PostGIS destinations (``postgresql://...``) go to :mod:`redline.io.postgis`, transactionally.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import RedlineIOError
from .vector import is_database_url

__all__ = ["atomic_path", "prepare_for_ogr", "write_aliases", "write_layers"]


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


def write_layers(layers: Mapping[str, pd.DataFrame], dest, *, inputs: Iterable = (),
                 metadata: Mapping[str, str] | None = None,
                 aliases: Mapping[str, Mapping[str, tuple[str, str]]] | None = None) -> str:
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
        with atomic_path(dest) as tmp:
            for name, frame in tables.items():
                frame = prepare_for_ogr(frame)
                kwargs = {}
                if isinstance(frame, gpd.GeoDataFrame):
                    if frame.crs is None:
                        raise RedlineIOError(f"layer {name!r} has no CRS; refusing to write it without one")
                    types = set(frame.geom_type.dropna().unique())
                    if types and types <= {"Polygon", "MultiPolygon"}:
                        kwargs["geometry_type"] = "MultiPolygon"
                        frame = frame.set_geometry(_to_multi(frame.geometry))
                    elif types and types <= {"Point", "MultiPoint"}:
                        kwargs["geometry_type"] = "Point" if types == {"Point"} else "MultiPoint"
                    else:
                        kwargs["geometry_type"] = "Unknown"
                    if frame.empty:
                        kwargs["geometry_type"] = kwargs.get("geometry_type", "MultiPolygon")
                else:
                    frame = pd.DataFrame(frame)
                pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG", promote_to_multi=False, **kwargs)
            if aliases:
                write_aliases(tmp, aliases)
    except RedlineIOError:
        raise
    except Exception as exc:
        raise RedlineIOError(f"cannot write {dest}: {exc}") from exc
    return str(dest)


def _to_multi(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    import shapely

    values = geoms.values
    single = np.asarray(geoms.geom_type == "Polygon")
    arr = np.asarray(values, dtype=object)
    if single.any():
        arr = arr.copy()
        arr[single] = np.array([shapely.MultiPolygon([g]) for g in arr[single]], dtype=object)
    # empty geometries are written as null geometries: GeoPackage has no typed empty
    empty = shapely.is_empty(arr)
    if empty.any():
        arr = arr.copy()
        arr[empty] = None
    return gpd.GeoSeries(arr, index=geoms.index, crs=geoms.crs, name=geoms.name)
