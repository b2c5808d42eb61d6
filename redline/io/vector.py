"""Reading vector layers from whatever a bureau has: GeoPackage, Shapefile (GBK or UTF-8),
GeoJSON, FileGDB (where GDAL has the driver), GeoParquet, zipped shapefiles, and PostGIS."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from ..errors import CRSError, EncodingError, Problem, RedlineIOError
from ..result import LayerInfo
from ..schema import LayerSchema, apply_schema, get_schema
from .encoding import detect_shapefile_encoding, detect_zipped_shapefile_encoding

log = logging.getLogger("redline.io")

__all__ = ["list_layers", "read_layer", "read_layer_with_info"]


#: how a PostGIS source or destination is written: a libpq URL, or GDAL's ``PG:`` conninfo
DATABASE_PREFIXES = ("postgresql://", "postgres://", "PG:")


def is_database_url(source) -> bool:
    """True for a PostGIS URL (``postgresql://…``, ``postgres://…``, ``PG:…``), False for a file or folder."""
    return isinstance(source, str) and source.startswith(DATABASE_PREFIXES)


def list_layers(source) -> list[str]:
    """Names of the layers in a multi-layer source (GeoPackage, FileGDB...)."""
    import pyogrio

    try:
        return [str(n) for n, _ in pyogrio.list_layers(str(source))]
    except Exception as exc:  # pyogrio raises its own DataSourceError family
        raise RedlineIOError(f"cannot open {source}: {exc}") from None


def read_layer(source, layer: str | int | None = None, *, encoding: str | None = None,
               schema: str | LayerSchema | None = None, fields: Mapping[str, str] | None = None,
               crs=None, replace_crs: bool = False, gcj02: bool = False, name: str | None = None) -> gpd.GeoDataFrame:
    """Read any OGR vector source into a GeoDataFrame, decoding Chinese text correctly.

    The same as :func:`read_layer_with_info`, without the :class:`~redline.result.LayerInfo`.
    """
    return read_layer_with_info(source, layer, encoding=encoding, schema=schema, fields=fields, crs=crs,
                                replace_crs=replace_crs, gcj02=gcj02, name=name)[0]


def read_layer_with_info(source, layer: str | int | None = None, *, encoding: str | None = None,
                         schema: str | LayerSchema | None = None, fields: Mapping[str, str] | None = None,
                         crs=None, replace_crs: bool = False, gcj02: bool = False,
                         name: str | None = None) -> tuple[gpd.GeoDataFrame, LayerInfo]:
    """Read any OGR vector source into a GeoDataFrame, decoding Chinese text correctly; and say how.

    Parameters
    ----------
    source : str, Path or GeoDataFrame
        A file (``.gpkg``, ``.shp``, ``.geojson``, ``.gdb``, ``.parquet``, ``.zip``...), or a PostGIS
        URL ``postgresql://user@host/db?table=schema.table`` (see :mod:`redline.io.postgis`).
        A GeoDataFrame is copied, so the same call serves files and layers already in memory.
    layer : str or int, optional
        The layer within a multi-layer source; required when a GeoPackage has several.
    encoding : str, optional
        The attribute encoding, when detection gets a shapefile wrong (e.g. ``"GBK"``).
    schema : str or LayerSchema, optional
        A layer kind (``"approvals"``, ``"supplies"``, ``"buildings"``, ``"parcels"``, ``"farmland"``,
        ``"growth_boundary"``, ``"eco_redline"``, ``"landuse"``, ``"admin"``, ``"change_patches"``): columns are
        renamed to redline's canonical names (批准文号/PZWH -> ``approval_id`` ...) and dates/numbers parsed.
    fields : mapping, optional
        ``{canonical_name: your_column}`` for fields redline does not recognise by name.
    crs : optional
        The CRS of a source that declares none (e.g. ``"EPSG:4490"``). A source that declares a
        different CRS is an error (redline never silently overrides a declared CRS), unless
        ``replace_crs`` says so.
    replace_crs : bool
        With ``crs``: replace the CRS the source declares (its .prj is wrong). The coordinates are not
        transformed; ``LayerInfo.crs_assigned`` records what was replaced.
    gcj02 : bool
        The coordinates are GCJ-02 (web maps from Chinese providers, DataV boundaries): convert to WGS84.
    name : str, optional
        How to call the layer in messages (defaults to the file and layer name).

    Returns
    -------
    (GeoDataFrame, LayerInfo)
        The layer, and a :class:`~redline.result.LayerInfo` recording source, layer, encoding and how it
        was chosen, the CRS assigned, the field mapping used, and values that could not be parsed.

    Raises
    ------
    RedlineIOError
        The source cannot be opened (with GDAL's reason).
    SchemaError
        Required fields of ``schema`` are missing (all listed, with the columns found).
    CRSError
        ``crs`` contradicts the CRS the source declares.
    """
    info: dict = {}
    if isinstance(source, gpd.GeoDataFrame):
        gdf = source.copy()
        label = name or "layer"
        info.update(source="<GeoDataFrame>", layer=label)
    elif is_database_url(source):
        from .postgis import read_postgis

        gdf = read_postgis(source, layer=None if layer is None else str(layer))
        label = name or str(layer or source.split("?")[0].rsplit("/", 1)[-1])
        info.update(source="postgis", layer=label)
    else:
        path = Path(os.fspath(source))
        label = name or (f"{path.name}:{layer}" if layer is not None else path.name)
        if not path.exists() and not str(path).startswith("/vsi"):
            raise RedlineIOError(f"[{label}] file not found: {path}")
        info.update(source=str(path), layer=label)
        if path.suffix.lower() in (".parquet", ".geoparquet"):
            try:
                gdf = gpd.read_parquet(path)
            except Exception as exc:
                raise RedlineIOError(f"[{label}] cannot read GeoParquet {path}: {exc}") from None
            info["encoding"] = "UTF-8 (GeoParquet)"
        else:
            if layer is None and path.suffix.lower() in (".gpkg", ".gdb", ".sqlite"):
                names = list_layers(path)
                if len(names) > 1:
                    raise RedlineIOError(f"[{label}] {path.name} holds several layers ({', '.join(names)}): "
                                         "name the one to read (layer=..., or FILE:LAYER on the command line)")
            kwargs = {}
            detected = None
            if path.suffix.lower() in (".shp", ".dbf") or (path.is_dir() and list(path.glob("*.shp"))):
                shp = path if path.suffix.lower() == ".shp" else next(iter(path.glob("*.shp")), path)
                detected = detect_shapefile_encoding(shp, encoding)
            elif path.suffix.lower() == ".zip":
                detected = detect_zipped_shapefile_encoding(path, layer, encoding)
            if detected is not None:
                kwargs["encoding"] = detected.encoding
                info["encoding"] = str(detected)
                log.info("[%s] attribute encoding: %s", label, detected)
            elif encoding:
                kwargs["encoding"] = encoding
                info["encoding"] = f"{encoding} (from user)"
            import pyogrio

            try:
                gdf = pyogrio.read_dataframe(path, layer=layer, use_arrow=_arrow_ok(), **kwargs)
            except UnicodeDecodeError as exc:
                gdf = _read_utf8_cut_text(path, layer) if kwargs.get("encoding") == "utf-8" else None
                if gdf is None:
                    raise EncodingError(Problem(
                        layer=label, code="bad_encoding",
                        message=f"attribute text is not valid {kwargs.get('encoding', 'UTF-8')}: {exc.reason}",
                        fix="pass the right encoding, e.g. encoding='GBK' (or --encoding GBK)")) from None
                info["encoding"] += ("; text cut in the middle of a character (a DBF field name holds 10 bytes) "
                                     "was read without the cut character")
                log.info("[%s] attribute encoding: %s", label, info["encoding"])
            except Exception as exc:
                raise RedlineIOError(f"[{label}] cannot read {path}: {exc}") from None
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise RedlineIOError(f"[{label}] has no geometry column: redline audits need a spatial layer")
    if crs is not None:
        try:
            want = CRS.from_user_input(crs)
        except Exception as exc:  # pyproj's CRSError
            raise CRSError(Problem(layer=label, code="bad_crs", message=f"cannot understand the CRS {crs!r}: {exc}",
                                   fix="give an EPSG code such as EPSG:4547 (CGCS2000 3-degree zone CM 114E) "
                                       "or EPSG:4490 (CGCS2000 longitude/latitude)")) from None
        if gdf.crs is None:
            gdf = gdf.set_crs(want)
            info["crs_assigned"] = f"{_crs_name(want)}; the source declared none"
        elif gdf.crs != want and replace_crs:
            info["crs_assigned"] = f"{_crs_name(want)}, replacing the declared {_crs_name(gdf.crs)} (not reprojected)"
            gdf = gdf.set_crs(want, allow_override=True)
        elif gdf.crs != want:
            raise CRSError(Problem(
                layer=label, code="crs_conflict",
                message=f"the source declares {_crs_name(gdf.crs)} but {_crs_name(want)} was given to assign",
                fix="drop the CRS you gave (--assign-crs, crs=): redline reprojects declared CRSs itself; if the declared one is wrong "
                    "(a wrong .prj), replace it: --replace-crs on the command line, replace_crs=True in Python"))
    if gcj02:
        from ..gcj02 import geometry_gcj02_to_wgs84

        if gdf.crs is not None and not gdf.crs.is_geographic:
            raise CRSError(Problem(layer=label, code="gcj02_projected",
                                   message="gcj02=True applies to longitude/latitude data, but the layer is projected",
                                   fix="convert GCJ-02 data before projecting it"))
        gdf = geometry_gcj02_to_wgs84(gdf if gdf.crs is not None else gdf.set_crs("EPSG:4326"))
        info["gcj02"] = "converted from GCJ-02 to WGS84"
    if schema is not None:
        kind = get_schema(schema)
        gdf, sinfo = apply_schema(gdf, kind, fields=fields, layer_name=label)
        info.update(kind=kind.kind, field_map=sinfo["field_map"], bad_values=sinfo["bad_values"])
    return gdf, LayerInfo(**info)


def _crs_name(crs: CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg} ({crs.name})" if epsg else crs.name


def _utf8_allowing_a_cut_end(text: str) -> str:
    """Latin-1-decoded bytes of UTF-8 text, decoded again; a character cut off at the end is dropped.

    Raises UnicodeDecodeError when the bytes are not UTF-8 before their end either."""
    import codecs

    return codecs.getincrementaldecoder("utf-8")().decode(text.encode("latin-1"), final=False)


def _read_utf8_cut_text(path, layer):
    """A UTF-8 shapefile whose writer cut Chinese text in the middle of a character (GDAL cuts field names at
    the DBF's 10 bytes: 批准文号 is 12), which pyogrio refuses to decode. Read the bytes as Latin-1 and decode
    them as UTF-8, dropping the cut character; None if the text is not UTF-8 even so."""
    import pyogrio

    try:
        # the shapefile driver's own ENCODING option: bytes to text one to one, whatever .cpg says
        raw = pyogrio.read_dataframe(path, layer=layer, use_arrow=False, ENCODING="ISO-8859-1")
        geometry = raw.geometry.name
        names = {c: _utf8_allowing_a_cut_end(c) for c in raw.columns if c != geometry}
        if len(set(names.values())) < len(names):
            return None
        for c in names:
            if raw[c].dtype == object or pd.api.types.is_string_dtype(raw[c]):
                raw[c] = raw[c].map(lambda v: _utf8_allowing_a_cut_end(v) if isinstance(v, str) else v)
    except (UnicodeDecodeError, UnicodeEncodeError):
        return None
    return raw.rename(columns=names)


def _arrow_ok() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True
