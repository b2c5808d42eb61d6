"""Coordinate systems: choosing the working CRS, reprojecting, and refusing to measure in degrees.

Chinese bureaus measure in a CGCS2000 3-degree Gauss-Kruger zone. When the input is
geographic (EPSG:4490 CGCS2000, EPSG:4326 WGS84), Web Mercator, or in mixed CRSs,
redline works in the 3-degree zone whose central meridian is nearest the data's
centre (EPSG:4534-4554, central meridians 75E-135E, no zone prefix on the easting).
Outside China (75E-135E) it uses the WGS84 UTM zone of the data's centre instead, so
nothing is ever measured in a zone that does not cover it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyproj
from pyproj import CRS, Transformer

from .errors import CRSError, Problem

__all__ = [
    "WorkingCRS",
    "cgcs2000_zone_epsg",
    "check_crs",
    "choose_working_crs",
    "is_metric_projected",
    "to_working",
]

CGCS2000_GEOGRAPHIC = 4490
#: EPSG:4534 is CGCS2000 / 3-degree Gauss-Kruger CM 75E; EPSG:4554 is CM 135E.
GK3_FIRST_EPSG, GK3_FIRST_CM, GK3_LAST_CM = 4534, 75, 135
WEB_MERCATOR = {3857, 900913, 3785, 102100, 102113}


@dataclass(frozen=True)
class WorkingCRS:
    """The CRS a run measures in, and why it was chosen (said in the run's log and outputs)."""

    crs: CRS | None
    reason: str

    @property
    def name(self) -> str:
        if self.crs is None:
            return "none"
        epsg = self.crs.to_epsg()
        return f"EPSG:{epsg} ({self.crs.name})" if epsg else self.crs.name

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


def cgcs2000_zone_epsg(lon: float) -> int | None:
    """EPSG code of the CGCS2000 3-degree GK zone (no prefix) whose central meridian is nearest ``lon``.

    Returns None outside the zones' coverage (central meridians 75E-135E, i.e. 73.5E-136.5E).

    >>> cgcs2000_zone_epsg(114.6)   # Xi County, Henan: CM 114E
    4547
    >>> cgcs2000_zone_epsg(119.95)  # Changzhou: CM 120E
    4549
    >>> cgcs2000_zone_epsg(6.7) is None
    True
    """
    n = int(np.floor(lon / 3.0 + 0.5))
    cm = 3 * n
    if cm < GK3_FIRST_CM or cm > GK3_LAST_CM:
        return None
    return GK3_FIRST_EPSG + (cm - GK3_FIRST_CM) // 3


def utm_epsg(lon: float, lat: float) -> int:
    """The WGS84 UTM zone EPSG code for a point (north: 326xx, south: 327xx)."""
    zone = int(np.floor((lon + 180.0) / 6.0)) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


def is_metric_projected(crs: CRS | None) -> bool:
    """True for a projected CRS in metres that is not Web Mercator (whose areas are wrong by 1/cos^2 lat)."""
    if crs is None or not crs.is_projected:
        return False
    if crs.to_epsg() in WEB_MERCATOR or "pseudo-mercator" in crs.name.lower() or "web mercator" in crs.name.lower():
        return False
    try:
        unit = crs.axis_info[0].unit_name.lower()
    except (IndexError, AttributeError):
        return False
    return unit in ("metre", "meter", "m")


def check_crs(gdf, layer: str) -> list[Problem]:
    """Problems with a layer's CRS: none declared, or coordinates impossible for the declared CRS."""
    problems = []
    if gdf.crs is None:
        problems.append(Problem(
            layer=layer, code="missing_crs",
            message="the layer has no coordinate reference system (no .prj, or a GeoJSON/CSV without one)",
            fix=f"give the CRS the data was made in, e.g. EPSG:4547 (CGCS2000 3-degree zone CM 114E) or EPSG:4490 "
                f"(CGCS2000 longitude/latitude): on the command line --assign-crs {layer}=EPSG:4547; in Python "
                f"read_layer(..., crs='EPSG:4547') or gdf.set_crs('EPSG:4547'); in QGIS 'Assign projection'"))
        return problems
    if len(gdf) == 0 or gdf.geometry.isna().all():
        return problems
    xmin, ymin, xmax, ymax = gdf.total_bounds
    if not np.all(np.isfinite([xmin, ymin, xmax, ymax])):
        return problems
    crs = gdf.crs
    if crs.is_geographic and (xmin < -180.5 or xmax > 360.5 or ymin < -90.5 or ymax > 90.5):
        problems.append(Problem(
            layer=layer, code="crs_mismatch",
            message=f"the layer says it is geographic ({crs.to_string()}) but its coordinates "
                    f"({xmin:.0f}, {ymin:.0f}) - ({xmax:.0f}, {ymax:.0f}) are not degrees",
            fix=f"the .prj is wrong: replace it with the projected CRS the data was made in (e.g. a CGCS2000 3-degree "
                f"zone): --assign-crs {layer}=EPSG:4547 --replace-crs on the command line, "
                f"read_layer(..., crs='EPSG:4547', replace_crs=True) in Python"))
    epsg = crs.to_epsg()
    if epsg and GK3_FIRST_EPSG <= epsg <= GK3_FIRST_EPSG + 20 and xmin > 1_000_000:
        zone = int(xmin // 1_000_000)
        problems.append(Problem(
            layer=layer, code="crs_mismatch",
            message=f"eastings start with a zone number ({xmin:.0f}) but EPSG:{epsg} has no zone prefix",
            fix=f"replace it with the prefixed CRS of zone {zone}: EPSG:{4513 + zone - 25} (CGCS2000 / 3-degree GK "
                f"zone {zone}): --assign-crs {layer}=EPSG:{4513 + zone - 25} --replace-crs on the command line"
            if 25 <= zone <= 45 else "assign the CRS with the zone prefix"))
    return problems


@lru_cache(maxsize=64)
def transformer(source: CRS, target) -> Transformer:
    """``Transformer.from_crs(source, target, always_xy=True)``, made once per pair (making one costs ~50 ms;
    pyproj's transformers are safe to share between threads)."""
    return Transformer.from_crs(source, target, always_xy=True)


def _centre_lonlat(layers: Sequence) -> tuple[float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for gdf in layers:
        if gdf.crs is None or len(gdf) == 0:
            continue
        b = gdf.total_bounds
        if not np.all(np.isfinite(b)):
            continue
        tr = transformer(gdf.crs, "EPSG:4326")
        # corners and edge midpoints, so a rotated projection's extent is not cut short
        cx = [b[0], b[2], b[0], b[2], (b[0] + b[2]) / 2]
        cy = [b[1], b[1], b[3], b[3], (b[1] + b[3]) / 2]
        lon, lat = tr.transform(cx, cy)
        xs += list(lon)
        ys += list(lat)
    ok = np.isfinite(xs) & np.isfinite(ys)
    if not ok.any():
        raise CRSError(Problem(layer="inputs", code="no_extent", message="no layer has coordinates to place the work",
                               fix="check that the layers are not empty"))
    ax, ay = np.asarray(xs)[ok], np.asarray(ys)[ok]
    return (float(ax.min() + ax.max()) / 2, float(ay.min() + ay.max()) / 2)


def choose_working_crs(layers: Sequence, crs: str | int | CRS | None = None,
                       names: Sequence[str] | None = None) -> WorkingCRS:
    """Choose the one CRS every layer of a run is brought to.

    Parameters
    ----------
    layers : sequence of GeoDataFrame
        All inputs of the run (their CRSs must be defined; see :func:`check_crs`).
    crs : optional
        The user's choice. Must be a projected CRS in metres (not Web Mercator).
    names : sequence of str, optional
        Layer names for messages.

    Rules, in order: the user's choice; else the layers' common CRS if it is projected in
    metres and not Web Mercator; else the CGCS2000 3-degree GK zone nearest the data's centre;
    else (outside 73.5E-136.5E) the WGS84 UTM zone of the centre.
    """
    names = list(names or [f"layer {i + 1}" for i in range(len(layers))])
    missing = [n for n, g in zip(names, layers, strict=False) if g.crs is None]
    if missing:
        raise CRSError([p for n, g in zip(names, layers, strict=False) for p in check_crs(g, n)])
    if crs is not None:
        try:
            chosen = CRS.from_user_input(crs)
        except pyproj.exceptions.CRSError as exc:
            raise CRSError(Problem(layer="--crs", code="bad_crs", message=f"cannot understand the CRS {crs!r}: {exc}",
                                   fix="give an EPSG code such as EPSG:4545")) from None
        if not is_metric_projected(chosen):
            raise CRSError(Problem(
                layer="--crs", code="not_metric",
                message=f"{chosen.name} cannot measure area: it is "
                        + ("geographic (degrees)" if chosen.is_geographic else "not a metric projection, or is Web Mercator"),
                fix="choose a projected CRS in metres, e.g. a CGCS2000 3-degree zone EPSG:4534-4554"))
        return WorkingCRS(chosen, "chosen by the user")
    crss = {g.crs for g in layers if g.crs is not None}
    if len(crss) == 1:
        only = next(iter(crss))
        if is_metric_projected(only):
            return WorkingCRS(only, "the inputs' own CRS (projected, metres)")
    lon, lat = _centre_lonlat(layers)
    why = ("the inputs are in different CRSs" if len(crss) > 1 else
           "the inputs are geographic (degrees)" if next(iter(crss)).is_geographic else
           "the inputs are in Web Mercator or a non-metric projection, whose areas are wrong")
    epsg = cgcs2000_zone_epsg(lon)
    if epsg is not None:
        cm = GK3_FIRST_CM + 3 * (epsg - GK3_FIRST_EPSG)
        return WorkingCRS(CRS.from_epsg(epsg),
                          f"{why}; the CGCS2000 3-degree Gauss-Kruger zone with central meridian {cm}E is nearest "
                          f"the data's centre ({lon:.3f}E, {lat:.3f}N)")
    epsg = utm_epsg(lon, lat)
    return WorkingCRS(CRS.from_epsg(epsg),
                      f"{why}; the data's centre ({lon:.3f}, {lat:.3f}) lies outside the CGCS2000 zones "
                      f"(75E-135E), so the WGS84 UTM zone covering it is used")


def to_working(gdf, crs: CRS | WorkingCRS):
    """The layer in the working CRS (a new frame; the input is not modified)."""
    target = crs.crs if isinstance(crs, WorkingCRS) else CRS.from_user_input(crs)
    if gdf.crs is not None and gdf.crs == target:
        return gdf.copy()
    return gdf.to_crs(target)
