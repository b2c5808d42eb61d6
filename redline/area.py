"""Area, two ways, always in square metres.

- ``planar``: the area in the working (projected, metric) CRS, as desktop GIS reports it.
- ``ellipsoidal``: the area on the CGCS2000 ellipsoid (GRS 1980 parameters), how 三调 TBMJ is
  defined (国土调查办发〔2008〕32号): vertices inverse-projected to geographic coordinates and the
  area summed on the ellipsoid. Planar Gauss-Kruger area differs by up to ~0.05 % near a zone edge.

Audits compute areas of many overlay pieces in the working CRS and convert with the projection's
areal scale factor at each piece (:func:`ellipsoidal_factor`); for pieces a few km across that is
within 1e-6 of the exact geodesic area. :func:`measure_area` computes the exact geodesic area.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, cast

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Geod, Proj

from .crs import WorkingCRS, check_crs, choose_working_crs, transformer
from .errors import CRSError
from .units import M2_PER_MU

if TYPE_CHECKING:
    from .result import AuditLog

AreaMethod = Literal["ellipsoidal", "planar"]
AREA_METHODS = ("ellipsoidal", "planar")

#: CGCS2000's ellipsoid has the GRS 1980 semi-major axis and flattening.
CGCS2000_GEOD = Geod(ellps="GRS80")

__all__ = ["AREA_METHODS", "AreaMethod", "area_factor", "check_area_method", "ellipsoidal_factor",
           "geodesic_area", "layer_areas", "measure_area", "method_label", "piece_areas"]


def check_area_method(method: str) -> AreaMethod:
    if method not in AREA_METHODS:
        raise ValueError(f"area method must be one of {', '.join(AREA_METHODS)}, not {method!r}")
    return cast(AreaMethod, method)


def method_label(method: AreaMethod) -> str:
    """How a run's metadata names the method: ``ellipsoidal (CGCS2000 ellipsoid)`` or ``planar``."""
    return method + (" (CGCS2000 ellipsoid)" if method == "ellipsoidal" else "")


def geodesic_area(geoms, crs) -> np.ndarray:
    """Exact area on the CGCS2000 ellipsoid of each geometry (m^2), geometries given in ``crs``."""
    geoms = np.asarray(geoms, dtype=object)
    crs = CRS.from_user_input(crs)
    if not crs.is_geographic or crs.to_epsg() not in (4490, 4326, 4610, 4214):
        tr = transformer(crs, "EPSG:4490")
        geoms = shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    out = np.zeros(len(geoms))
    for i, g in enumerate(geoms):
        if g is None or g.is_empty:
            continue
        for part in shapely.get_parts(g):
            if part.geom_type != "Polygon":
                continue
            out[i] += abs(CGCS2000_GEOD.geometry_area_perimeter(part)[0])
    return out


def ellipsoidal_factor(geoms, crs) -> np.ndarray:
    """Per geometry, the factor turning planar area in ``crs`` into ellipsoidal area (1 / areal scale).

    Evaluated at each geometry's representative point; exact for small pieces, within 1e-6 for
    pieces a few km across in a 3-degree zone.
    """
    geoms = np.asarray(geoms, dtype=object)
    out = np.ones(len(geoms))
    if len(geoms) == 0:
        return out
    crs = CRS.from_user_input(crs)
    pts = shapely.point_on_surface(geoms)
    ok = ~shapely.is_missing(pts) & ~shapely.is_empty(pts)
    if not ok.any():
        return out
    x, y = shapely.get_x(pts[ok]), shapely.get_y(pts[ok])
    tr = transformer(crs, crs.geodetic_crs)
    lon, lat = tr.transform(x, y)
    factors = Proj(crs).get_factors(lon, lat)
    out[ok] = 1.0 / np.asarray(factors.areal_scale)
    return out


def area_factor(geoms, crs, method: AreaMethod) -> np.ndarray:
    """Per geometry, the factor turning its planar area in ``crs`` into its area by ``method``.

    ``planar``: ones; ``ellipsoidal``: :func:`ellipsoidal_factor`. Audits measure overlay pieces in the
    working CRS and multiply by the factor of the feature they belong to.

    >>> from shapely.geometry import box
    >>> area_factor([box(500000, 3500000, 500100, 3500100)], "EPSG:4545", "planar").tolist()
    [1.0]
    """
    geoms = np.asarray(geoms, dtype=object)
    if check_area_method(method) == "planar" or len(geoms) == 0:
        return np.ones(len(geoms))
    return ellipsoidal_factor(geoms, crs)


def layer_areas(geoms, crs, method: AreaMethod) -> np.ndarray:
    """Whole features' areas (m²) in ``crs``: exact on the CGCS2000 ellipsoid (:func:`geodesic_area`) or planar."""
    geoms = np.asarray(geoms, dtype=object)
    if check_area_method(method) == "ellipsoidal":
        return geodesic_area(geoms, crs)
    return np.asarray(shapely.area(geoms), dtype=float)


def piece_areas(geoms, crs, method: AreaMethod = "ellipsoidal") -> np.ndarray:
    """Areas (m^2) of geometries in a metric working CRS, by the chosen method (fast path for audits)."""
    geoms = np.asarray(geoms, dtype=object)
    planar = np.nan_to_num(shapely.area(geoms), nan=0.0)
    return planar * area_factor(geoms, crs, method)


def measure_area(layer, *, method: AreaMethod = "ellipsoidal", crs=None, unit: Literal["m2", "mu"] = "m2",
                 name: str = "layer", log: AuditLog | None = None) -> pd.Series:
    """Each feature's area, aligned with the layer's index.

    Parameters
    ----------
    layer : GeoDataFrame or GeoSeries
        Must have a CRS. Geographic and Web Mercator layers are fine: they are never measured in
        their own units.
    method : {"ellipsoidal", "planar"}
        ``ellipsoidal`` (default): exact area on the CGCS2000 ellipsoid, like 三调 TBMJ.
        ``planar``: area in the working CRS (``crs``, or the CGCS2000 3-degree zone nearest the data).
    crs : optional
        The working CRS for planar areas.
    unit : {"m2", "mu"}
        Square metres (default) or 亩.

    Returns
    -------
    pandas.Series named ``area_m2`` or ``area_mu``. ``log`` (a :class:`redline.result.AuditLog`) receives
    the notes (what was repaired, in words) and ``facts["measure_area"]``: ``area_method``, ``crs`` and
    ``repaired`` (the index labels of the features repaired before measuring).

    Notes
    -----
    Invalid polygons are repaired with ``make_valid`` (its polygonal part kept) where they are measured:
    in the layer's own CRS for ellipsoidal areas, in the working CRS for planar ones. A bow-tie has no
    area of its own (its two triangles cancel in the shoelace sum); repaired, it has the area of the two
    triangles. Empty rings (a GeoJSON hole ``[]``) are removed. Nothing is repaired silently: the labels
    and a note are in ``log`` (logged as a warning without one).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> square = gpd.GeoSeries([box(500000, 3500000, 500100, 3500100)], crs="EPSG:4545")
    >>> round(float(measure_area(square, method="planar").iloc[0]), 3)
    10000.0
    >>> from shapely.geometry import Polygon
    >>> bowtie = gpd.GeoSeries([Polygon([(500000, 3500000), (500100, 3500100), (500100, 3500000),
    ...                                  (500000, 3500100)])], crs="EPSG:4545")
    >>> from redline.result import AuditLog
    >>> log = AuditLog()
    >>> a = measure_area(bowtie, method="planar", log=log)
    >>> round(float(a.iloc[0]), 3), log.fact("measure_area", "repaired")
    (5000.0, [0])
    """
    check_area_method(method)
    series = layer.geometry if hasattr(layer, "geometry") else layer
    problems = check_crs(series.to_frame("geometry") if hasattr(series, "to_frame") else layer, name)
    if problems:
        raise CRSError(problems)
    if method == "ellipsoidal":
        geoms, notes, repaired = _repaired(series.values, series.index, name, series.crs.to_string())
        values = geodesic_area(geoms, series.crs)
        used = "ellipsoidal (CGCS2000 ellipsoid, geodesic)"
        crs_used = "EPSG:4490"
    else:
        frame = series.to_frame("geometry") if not hasattr(series, "columns") else series
        work = choose_working_crs([frame], crs)
        from .validate import drop_empty_rings

        projected = series.copy()
        projected[:] = drop_empty_rings(series.values)[0]
        geoms, notes, repaired = _repaired(projected.to_crs(work.crs).values, series.index, name, work.name)
        values = np.nan_to_num(shapely.area(geoms), nan=0.0)
        used = "planar"
        crs_used = work.name
    if unit == "mu":
        values = values / M2_PER_MU
    out = pd.Series(values, index=series.index, name=f"area_{unit}")
    from .result import AuditLog, NoteList, deliver

    deliver(AuditLog(notes=NoteList(notes), facts={"measure_area": {"area_method": used, "crs": crs_used,
                                                                    "repaired": repaired}}), log, "measure_area")
    return out


def _repaired(geoms, index, name: str, where: str) -> tuple[np.ndarray, list[str], list]:
    """Geometries with empty rings removed and invalid polygons repaired; the notes and the labels repaired."""
    from .validate import drop_empty_rings, repair_polygons

    geoms, ringed = drop_empty_rings(np.asarray(geoms, dtype=object))
    present = ~shapely.is_missing(geoms)
    invalid = present & ~shapely.is_valid(geoms)
    notes = []
    labels = list(index[ringed | invalid])
    if ringed.any():
        notes.append(f"[{name}] empty rings removed before measuring (they enclose nothing): "
                     f"{', '.join(map(str, index[ringed][:10]))}")
    if invalid.any():
        reasons = sorted({r.split("[")[0].strip() for r in shapely.is_valid_reason(geoms[invalid])})
        geoms = geoms.copy()
        geoms[invalid] = repair_polygons(geoms[invalid])
        notes.append(f"[{name}] {int(invalid.sum())} invalid geometr{'y' if invalid.sum() == 1 else 'ies'} repaired "
                     f"with make_valid in {where} before measuring ({'; '.join(reasons[:3])}): "
                     f"{', '.join(map(str, index[invalid][:10]))}"
                     + (f" and {int(invalid.sum()) - 10} more" if invalid.sum() > 10 else ""))
    return geoms, notes, labels


def working_area_note(work: WorkingCRS, method: AreaMethod) -> str:
    """One line for outputs: which CRS and area method produced the areas."""
    return f"areas: {method} ({'CGCS2000 ellipsoid' if method == 'ellipsoidal' else 'planar'}); working CRS {work}"
