"""The outline of 息县 (Xi County, Henan, adcode 411528) that the example county is built on.

Derived from the DataV GeoAtlas boundary of Xinyang's counties (``411500_full.json``): those
coordinates are GCJ-02, so they are converted to WGS84/CGCS2000 with
:func:`redline.gcj02.geometry_gcj02_to_wgs84`, repaired with ``make_valid`` and stored in
``redline/data/xi_county_outline.json`` (longitude/latitude, EPSG:4490). The package reads that
file at run time; the DataV file is only needed to rebuild it (``build_outline``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer

ADCODE = 411528
NAME = "息县"
#: the working CRS of the example county: CGCS2000 3-degree Gauss-Kruger, central meridian 114E
CRS = "EPSG:4547"
OUTLINE_FILE = Path(__file__).resolve().parent.parent / "data" / "xi_county_outline.json"

__all__ = ["ADCODE", "CRS", "NAME", "OUTLINE_FILE", "build_outline", "load_outline", "seat_point"]


def _datav_feature(path, adcode: int = ADCODE) -> dict:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for feat in data["features"]:
        if int(feat["properties"].get("adcode", -1)) == adcode:
            return feat
    raise KeyError(f"adcode {adcode} not in {path}")


def build_outline(datav_path, out_path=OUTLINE_FILE) -> Path:
    """Convert the DataV (GCJ-02) outline of 息县 to CGCS2000 lon/lat and store it as GeoJSON."""
    from shapely.geometry import mapping, shape

    from ..gcj02 import gcj02_to_wgs84, geometry_gcj02_to_wgs84

    feat = _datav_feature(datav_path)
    geom = shapely.make_valid(geometry_gcj02_to_wgs84(shape(feat["geometry"])))
    geom = shapely.set_precision(geom, 1e-7)
    props = feat["properties"]
    seat = gcj02_to_wgs84(*props["center"])
    out = {
        "type": "FeatureCollection",
        "name": "xi_county_outline",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}},
        "features": [{
            "type": "Feature",
            "properties": {
                "adcode": ADCODE, "name": NAME,
                "seat_lon": round(float(seat[0]), 7), "seat_lat": round(float(seat[1]), 7),
                "source": "derived from DataV GeoAtlas boundary (411500_full.json), GCJ-02 corrected to WGS84/CGCS2000",
            },
            "geometry": mapping(geom),
        }],
    }
    Path(out_path).write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return Path(out_path)


def _to_crs(geom, crs=CRS):
    tr = Transformer.from_crs("EPSG:4490", crs, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _read():
    from shapely.geometry import shape

    feat = json.loads(OUTLINE_FILE.read_text(encoding="utf-8"))["features"][0]
    return shape(feat["geometry"]), feat["properties"]


def load_outline(crs=CRS):
    """The county outline as a shapely (Multi)Polygon in ``crs`` (default EPSG:4547)."""
    geom, _ = _read()
    return shapely.make_valid(_to_crs(geom, crs)) if crs not in ("EPSG:4490", 4490) else geom


def seat_point(crs=CRS):
    """The county seat (县城, DataV's ``center``, GCJ-02 corrected) as a shapely Point in ``crs``."""
    _, props = _read()
    return _to_crs(shapely.Point(props["seat_lon"], props["seat_lat"]), crs)
