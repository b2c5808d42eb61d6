"""Layers between QGIS and redline without a second GDAL: features -> WKB -> shapely -> GeoDataFrame and back.

Nothing here opens a file: a feature source is whatever QGIS reads (a selection, a memory layer,
PostGIS, WFS ...), and results go to whatever sink Processing hands out. pyogrio and rasterio,
which bundle their own GDAL, are never imported in the QGIS process.
"""

from __future__ import annotations

import datetime as dt
import math

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessingException,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime, QVariant

__all__ = ["crs_to_qgis", "frame_fields", "frame_to_sink", "qgis_crs_to_pyproj", "source_to_frame"]


def _py(value):
    """A QGIS attribute value as plain Python (NULL -> None, QDate -> date ...)."""
    if value is None:
        return None
    if isinstance(value, QVariant):
        return None if value.isNull() else value.value()
    if isinstance(value, QDateTime):
        return value.toPyDateTime() if value.isValid() else None
    if isinstance(value, QDate):
        return value.toPyDate() if value.isValid() else None
    if isinstance(value, QTime):
        return value.toPyTime() if value.isValid() else None
    return value


def qgis_crs_to_pyproj(crs: QgsCoordinateReferenceSystem):
    """The pyproj CRS of a QGIS CRS (None when the layer has none)."""
    from pyproj import CRS

    if crs is None or not crs.isValid():
        return None
    authid = crs.authid()
    if authid.upper().startswith("EPSG:"):
        return CRS.from_user_input(authid)
    return CRS.from_wkt(crs.toWkt(QgsCoordinateReferenceSystem.WKT2_2019))


def crs_to_qgis(crs) -> QgsCoordinateReferenceSystem:
    """A QGIS CRS from a pyproj CRS (or anything pyproj accepts)."""
    if crs is None:
        return QgsCoordinateReferenceSystem()
    from pyproj import CRS

    crs = CRS.from_user_input(crs)
    epsg = crs.to_epsg()
    if epsg:
        return QgsCoordinateReferenceSystem(f"EPSG:{epsg}")
    return QgsCoordinateReferenceSystem.fromWkt(crs.to_wkt())


def _wkb(geometry: QgsGeometry):
    if geometry is None or geometry.isNull():
        return None
    if QgsWkbTypes.isCurvedType(geometry.wkbType()):
        geometry = QgsGeometry(geometry.constGet().segmentize())
    if QgsWkbTypes.hasM(geometry.wkbType()):
        geometry = QgsGeometry(geometry.constGet().clone())
        geometry.get().dropMValue()
    return bytes(geometry.asWkb())


def source_to_frame(source, name: str, feedback=None, request=None):
    """A GeoDataFrame of every feature of a QGIS feature source (or those ``request`` selects), attributes as
    they are."""
    import geopandas as gpd
    import shapely

    fields = source.fields()
    names = [f.name() for f in fields]
    columns: dict[str, list] = {n: [] for n in names}
    wkbs = []
    total = max(source.featureCount(), 1)
    for k, feature in enumerate(source.getFeatures(request if request is not None else QgsFeatureRequest())):
        if feedback is not None:
            if feedback.isCanceled():
                raise QgsProcessingException("cancelled")
            if k % 2000 == 0:
                feedback.setProgressText(f"{name}: {k}/{total}")
        for n, v in zip(names, feature.attributes(), strict=True):
            columns[n].append(_py(v))
        wkbs.append(_wkb(feature.geometry()))
    geoms = shapely.from_wkb(wkbs) if wkbs else []
    frame = gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(geoms, crs=qgis_crs_to_pyproj(source.sourceCrs())))
    frame.attrs["redline"] = {"source": f"QGIS layer {name}"}
    return frame


def _column_type(series) -> tuple[int, str]:
    """(QVariant type, converter name) for a pandas column."""
    import pandas as pd
    from pandas.api import types as t

    if t.is_bool_dtype(series.dtype):
        return QVariant.Bool, "bool"
    if t.is_integer_dtype(series.dtype):
        return QVariant.LongLong, "int"
    if t.is_float_dtype(series.dtype):
        return QVariant.Double, "float"
    if t.is_datetime64_any_dtype(series.dtype):
        values = series.dropna()
        if len(values) and (values != values.dt.normalize()).any():
            return QVariant.DateTime, "datetime"
        return QVariant.Date, "date"
    values = [v for v in series if v is not None and not (isinstance(v, float) and math.isnan(v))
              and v is not pd.NaT]
    if values and all(isinstance(v, dt.datetime | pd.Timestamp) for v in values):
        return QVariant.DateTime, "datetime"
    if values and all(isinstance(v, dt.date) for v in values):
        return QVariant.Date, "date"
    if values and all(isinstance(v, bool) for v in values):
        return QVariant.Bool, "bool"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return QVariant.LongLong, "int"
    if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return QVariant.Double, "float"
    return QVariant.String, "str"


def _convert(value, kind: str):
    import pandas as pd

    if value is None or value is pd.NaT:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "date":
        d = value.date() if isinstance(value, dt.datetime) else value
        return QDate(d.year, d.month, d.day)
    if kind == "datetime":
        return QDateTime(pd.Timestamp(value).to_pydatetime())
    if isinstance(value, list | tuple | set | dict):
        return "; ".join(map(str, value)) if not isinstance(value, dict) else str(value)
    return str(value)


def frame_fields(frame, aliases: dict | None = None) -> tuple[QgsFields, list[str]]:
    """The QGIS fields of a frame's attribute columns, and a converter per column."""
    fields = QgsFields()
    kinds = []
    geometry_name = frame.geometry.name if hasattr(frame, "geometry") and hasattr(frame, "crs") else None
    for column in frame.columns:
        if column == geometry_name:
            continue
        qtype, kind = _column_type(frame[column])
        field = QgsField(str(column), qtype)
        if aliases and aliases.get(column):
            field.setAlias(aliases[column])
        fields.append(field)
        kinds.append(kind)
    return fields, kinds


def _wkb_type(frame) -> int:
    if not hasattr(frame, "crs") or frame.geometry.name not in frame.columns:
        return QgsWkbTypes.NoGeometry
    types = {t for t in frame.geometry.geom_type.dropna().unique()}
    if types <= {"Polygon", "MultiPolygon"}:
        return QgsWkbTypes.MultiPolygon
    if types <= {"LineString", "MultiLineString"}:
        return QgsWkbTypes.MultiLineString
    if types == {"Point"}:
        return QgsWkbTypes.Point
    if types <= {"Point", "MultiPoint"}:
        return QgsWkbTypes.MultiPoint
    return QgsWkbTypes.Unknown


def frame_to_sink(frame, algorithm, parameters, name: str, context, aliases: dict | None = None,
                  geometry: bool = True, feedback=None) -> str:
    """Write a (Geo)DataFrame into the feature sink parameter ``name``; return its destination id."""
    import shapely

    fields, kinds = frame_fields(frame, aliases)
    is_spatial = geometry and hasattr(frame, "crs") and frame.geometry.name in frame.columns
    wkb_type = _wkb_type(frame) if is_spatial else QgsWkbTypes.NoGeometry
    crs = crs_to_qgis(frame.crs) if is_spatial else QgsCoordinateReferenceSystem()
    sink, dest_id = algorithm.parameterAsSink(parameters, name, context, fields, wkb_type, crs)
    if sink is None:
        return None
    attribute_columns = [c for c in frame.columns if not (is_spatial and c == frame.geometry.name)]
    if not geometry and hasattr(frame, "crs") and frame.geometry.name in frame.columns:
        attribute_columns = [c for c in frame.columns if c != frame.geometry.name]
    geoms = shapely.to_wkb(frame.geometry.values, output_dimension=2) if is_spatial else None
    multi = wkb_type in (QgsWkbTypes.MultiPolygon, QgsWkbTypes.MultiLineString, QgsWkbTypes.MultiPoint)
    values = [frame[c].tolist() for c in attribute_columns]
    for row in range(len(frame)):
        feature = QgsFeature(fields)
        feature.setAttributes([_convert(col[row], kind) for col, kind in zip(values, kinds, strict=True)])
        if is_spatial and geoms[row] is not None:
            g = QgsGeometry()
            g.fromWkb(bytes(geoms[row]))
            if multi and not g.isMultipart():
                g.convertToMultiType()
            feature.setGeometry(g)
        if not sink.addFeature(feature, QgsFeatureSink.FastInsert):
            raise QgsProcessingException(f"could not write a feature to {name}: {sink.lastError()}")
        if feedback is not None and feedback.isCanceled():
            raise QgsProcessingException("cancelled")
    return dest_id
