"""Two-date classified land-cover rasters of the example county, for the imagery path (卫片执法).

:func:`write_example_rasters` rasterises the example county's land-use patches (``landuse``, DLBM
codes mapped to five classes, see :data:`RASTER_CLASSES`) over the ``raster_window`` (3 km x 3 km on
the county seat's northern growth-boundary edge) and writes two uint8 GeoTIFFs in EPSG:4547:

* ``xi_landcover_2024.tif`` (first date): the land-use classes;
* ``xi_landcover_2026.tif`` (second date): the same, plus new construction (class 3) at the eight
  planted sites listed in the example's ``planted`` table (layer ``change_rasters``): inside approved
  and supplied land (legal), inside an approval without supply, inside a 设施农用地备案, inside a
  临时用地 whose term ended, inside an approval granted after the later image (先建后批), unapproved,
  unapproved on permanent basic farmland, and one straddling PBF, plain land and an approval; one new
  pond (cultivated -> water); one construction patch smaller than the rule set's minimum patch area
  (case ``below_min_area``); and a 'cloud' of nodata.

Each raster carries its imaging date (:data:`BEFORE_DATE`, :data:`AFTER_DATE`) in GDAL's TIFF tag
``TIFFTAG_DATETIME`` (``YYYY:MM:DD 00:00:00``, the TIFF DateTime field) and as ``ACQUISITION_DATE`` (ISO),
so :func:`redline.imagery.change_patches` dates the patches without being told.

At each planted site the first date is cultivated (class 1). Classes: 1 cultivated 耕地, 2 forest and
grass 林草地, 3 construction 建设用地, 4 water 水域, 5 other 其他; nodata 255 (outside the county, cloud).
The rasters are generated on demand (a fraction of a second), not shipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from .generate import RASTER_CLASSES, raster_class

NODATA = 255
BEFORE_NAME = "xi_landcover_2024.tif"
AFTER_NAME = "xi_landcover_2026.tif"
BEFORE_DATE, AFTER_DATE = "2024-10-15", "2026-05-20"
SITE_SIZE_M = 60.0

__all__ = ["AFTER_DATE", "AFTER_NAME", "BEFORE_DATE", "BEFORE_NAME", "NODATA", "RASTER_CLASSES", "raster_sites", "write_example_rasters"]


def raster_sites(layers=None) -> pd.DataFrame:
    """The planted change sites (rows of the ``planted`` table whose layer is ``change_rasters``)."""
    if layers is None:
        from . import load_example

        planted = load_example("planted")
    else:
        planted = layers["planted"]
    return planted[planted["layer"] == "change_rasters"].reset_index(drop=True)


def _pixel_block(x, y, size, x0, y0, px, nrows, ncols):
    """Row/column slices of a ``size`` m square centred on (x, y), snapped to the pixel grid."""
    n = max(1, int(round(size / px)))
    c0 = int(round((x - x0) / px - n / 2))
    r0 = int(round((y0 - y) / px - n / 2))
    c0, r0 = min(max(c0, 0), ncols - n), min(max(r0, 0), nrows - n)
    return slice(r0, r0 + n), slice(c0, c0 + n)


def write_example_rasters(out_dir, *, pixel_size: float = 10.0, layers=None) -> tuple[Path, Path]:
    """Write the example county's two classified land-cover rasters; returns ``(before_path, after_path)``.

    Parameters
    ----------
    out_dir : path
        Folder to write into (created if needed).
    pixel_size : float
        Pixel edge in metres (default 10 m: 300 x 300 pixels).
    layers : dict, optional
        The example county's layers (from :func:`redline.example.generate_layers`); default the shipped
        GeoPackage.
    """
    import rasterio
    from affine import Affine
    from rasterio.features import rasterize

    if layers is None:
        from . import load_example

        layers = {k: load_example(k) for k in ("landuse", "raster_window", "planted", "county")}
    window = layers["raster_window"].geometry.iloc[0]
    crs = layers["landuse"].crs
    minx, miny, maxx, maxy = window.bounds
    px = float(pixel_size)
    ncols, nrows = int(round((maxx - minx) / px)), int(round((maxy - miny) / px))
    transform = Affine(px, 0.0, minx, 0.0, -px, maxy)
    lu = layers["landuse"]
    lu = lu[lu.intersects(window)]
    classes = [raster_class(str(c)) for c in lu["DLBM"]]
    before = rasterize(zip(lu.geometry.values, classes, strict=True), out_shape=(nrows, ncols), transform=transform,
                       fill=NODATA, dtype="uint8")
    county = layers["county"].geometry.iloc[0]
    inside = rasterize([(county, 1)], out_shape=(nrows, ncols), transform=transform, fill=0, dtype="uint8")
    before[inside == 0] = NODATA
    after = before.copy()
    sites = raster_sites(layers)
    for _, row in sites.iterrows():
        size = px if row["expected_finding"] == "below_min_area" else SITE_SIZE_M
        rs, cs = _pixel_block(row["x"], row["y"], size, minx, maxy, px, nrows, ncols)
        before[rs, cs] = 1
        after[rs, cs] = 3
    # a new pond (cultivated -> water) and a cloud (nodata) on the second date
    far = sites[sites["expected_finding"] == "unapproved_on_farmland"].iloc[0]
    rs, cs = _pixel_block(far["x"] + 75, far["y"] + 70, 40, minx, maxy, px, nrows, ncols)
    before[rs, cs] = 1
    after[rs, cs] = 4
    cloud_r = slice(int(nrows * 0.05), int(nrows * 0.05) + max(1, int(200 / px)))
    cloud_c = slice(int(ncols * 0.85), int(ncols * 0.85) + max(1, int(200 / px)))
    after[cloud_r, cloud_c] = NODATA
    out_dir = Path(os.fspath(out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = {"driver": "GTiff", "width": ncols, "height": nrows, "count": 1, "dtype": "uint8", "nodata": NODATA,
               "crs": crs, "transform": transform, "compress": "deflate"}
    paths = []
    legend = "; ".join(f"{k} {v}" for k, v in RASTER_CLASSES.items()) + f"; {NODATA} nodata"
    for name, arr, date in ((BEFORE_NAME, before, BEFORE_DATE), (AFTER_NAME, after, AFTER_DATE)):
        path = out_dir / name
        tmp = out_dir / (name + ".part")
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(arr, 1)
            dst.update_tags(TIFFTAG_DATETIME=date.replace("-", ":") + " 00:00:00", ACQUISITION_DATE=date,
                            CLASSES=legend, SOURCE="redline example county 息县 (synthetic)")
        os.replace(tmp, path)
        paths.append(path)
    return paths[0], paths[1]
