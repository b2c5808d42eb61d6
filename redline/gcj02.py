"""GCJ-02 ("Mars coordinates") to WGS84 / CGCS2000.

Web maps from Chinese providers (Amap/Gaode, Tencent, DataV GeoAtlas boundaries) publish
coordinates in GCJ-02, which is WGS84 shifted by a deliberate, position-dependent offset of
a few hundred metres. Files in GCJ-02 usually declare no CRS, or declare EPSG:4326 wrongly.
Treating them as WGS84 puts every boundary a few hundred metres off; redline converts them.

The forward transformation (WGS84 -> GCJ-02) is the published obfuscation formula on the
Krasovsky ellipsoid; the inverse has no closed form and is solved by fixed-point iteration
to well under a millimetre. Outside mainland China's rough bounding box the offset is zero.
WGS84 and CGCS2000 agree to a few centimetres, which is below what these data resolve.

Examples
--------
>>> lon, lat = wgs84_to_gcj02(114.0, 32.3)
>>> round((lon - 114.0) * 1e5), round((lat - 32.3) * 1e5)  # offset in 1e-5 degrees (about 1 m)
(576, -215)
>>> back = gcj02_to_wgs84(lon, lat)
>>> abs(back[0] - 114.0) < 1e-9 and abs(back[1] - 32.3) < 1e-9
True
"""

from __future__ import annotations

import numpy as np
import shapely

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as the formula uses it
_EE = 0.00669342162296594323  # its first eccentricity squared

__all__ = ["gcj02_to_wgs84", "geometry_gcj02_to_wgs84", "in_china", "wgs84_to_gcj02"]


def in_china(lon, lat):
    """The rough box in which GCJ-02 applies an offset."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _delta(lon, lat):
    x, y = lon - 105.0, lat - 35.0
    pi = np.pi
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
            + (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
            + (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0)
    radlat = lat / 180.0 * pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * pi)
    return dlon, dlat


def wgs84_to_gcj02(lon, lat):
    """WGS84 longitude/latitude to GCJ-02 (arrays or scalars)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon, lat)
    inside = in_china(lon, lat)
    out = np.where(inside, lon + dlon, lon), np.where(inside, lat + dlat, lat)
    return (float(out[0]), float(out[1])) if out[0].ndim == 0 else out


def gcj02_to_wgs84(lon, lat, *, tol: float = 1e-10, max_iter: int = 30):
    """GCJ-02 longitude/latitude to WGS84, by fixed-point iteration (error < 1e-9 degrees)."""
    glon, glat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = np.asarray(flon) - glon, np.asarray(flat) - glat
        wlon, wlat = wlon - elon, wlat - elat
        if np.all(np.abs(elon) < tol) and np.all(np.abs(elat) < tol):
            break
    return (float(wlon), float(wlat)) if wlon.ndim == 0 else (wlon, wlat)


def geometry_gcj02_to_wgs84(geoms):
    """Convert shapely geometries (or a GeoSeries) from GCJ-02 to WGS84 coordinates.

    A GeoSeries comes back with CRS EPSG:4326; plain arrays of geometries come back as arrays.
    """
    def fn(xy):
        lon, lat = gcj02_to_wgs84(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    if hasattr(geoms, "crs") and hasattr(geoms, "geometry"):
        import geopandas as gpd

        values = shapely.transform(np.asarray(geoms.geometry.values, dtype=object), fn)
        series = gpd.GeoSeries(values, index=geoms.index, crs="EPSG:4326")
        if hasattr(geoms, "columns"):
            out = geoms.copy()
            out = out.set_geometry(series.values, crs="EPSG:4326") if out.geometry.name == geoms.geometry.name else out
            return out.set_crs("EPSG:4326", allow_override=True)
        return series
    return shapely.transform(np.asarray(geoms, dtype=object), fn)
