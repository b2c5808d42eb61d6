"""The transition matrix (转移矩阵) between two classified land-cover rasters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..units import M2_PER_MU
from ._raster import DEFAULT_BLOCK, Align, RasterPair, as_class_list, class_index, default_workers, map_blocks

__all__ = ["Transitions", "transitions"]


@dataclass(frozen=True)
class Transitions:
    """A transition matrix, as pixel counts and as areas.

    Every frame is indexed by the first date's class (``before``) with one column per second-date
    class (``after``); both axes list the same classes, so the diagonal is "unchanged".

    Attributes
    ----------
    pixels : DataFrame of int
        Pixels valid on both dates, by (before class, after class).
    area_m2 : DataFrame of float
        The same in m²: planar pixel area in a projected CRS, the exact ellipsoidal area of each
        row's pixels in a geographic CRS (see ``pixel_area_note``).
    nodata_pixels : int
        Pixels left out because either date is nodata (or, for an aligned second raster, outside it).
    nodata_before_pixels, nodata_after_pixels : int
        Pixels that are nodata at the first / the second date (a pixel nodata at both counts in both).
    unlisted_pixels : int
        Pixels valid on both dates but of a class not in ``classes`` (left out); 0 when ``classes`` was
        not given.
    pixel_area_m2 : float or None
        The area of every pixel when it is constant (projected CRS), else None.
    pixel_area_note : str
        How pixel areas were computed.
    aligned : bool
        True when the second raster was resampled (nearest neighbour) onto the first's grid.
    crs : str
        The grid's CRS.
    """

    pixels: pd.DataFrame
    area_m2: pd.DataFrame
    nodata_pixels: int
    nodata_before_pixels: int
    nodata_after_pixels: int
    unlisted_pixels: int
    pixel_area_m2: float | None
    pixel_area_note: str
    aligned: bool
    crs: str
    total_pixels: int = field(default=0)

    @property
    def area_mu(self) -> pd.DataFrame:
        """The matrix in 亩 (1 亩 = 10000/15 m²)."""
        return self.area_m2 / M2_PER_MU

    @property
    def classes(self) -> list:
        return list(self.pixels.index)

    def class_areas(self) -> pd.DataFrame:
        """Area of each class at each date (pixels valid on both dates), in m² and 亩, and the change.

        Columns ``before_m2``, ``after_m2``, ``change_m2``, ``before_mu``, ``after_mu``, ``change_mu``.
        """
        before = self.area_m2.sum(axis=1)
        after = self.area_m2.sum(axis=0)
        out = pd.DataFrame({"before_m2": before, "after_m2": after})
        out["change_m2"] = out["after_m2"] - out["before_m2"]
        for col in ("before", "after", "change"):
            out[f"{col}_mu"] = out[f"{col}_m2"] / M2_PER_MU
        out.index.name = "class"
        return out

    def to_long(self) -> pd.DataFrame:
        """One row per (before, after) pair with pixels, ``area_m2`` and ``area_mu`` (for charts)."""
        px = self.pixels.stack().rename("pixels")
        m2 = self.area_m2.stack().rename("area_m2")
        out = pd.concat([px, m2], axis=1).reset_index()
        out["area_mu"] = out["area_m2"] / M2_PER_MU
        out["changed"] = out["before"] != out["after"]
        return out


_SMALL_INT = {"uint8": 0, "int8": 128}


def transitions(before, after, *, classes: Sequence | None = None, align: Align = "nearest",
                block_size: int | tuple[int, int] = DEFAULT_BLOCK, workers: int | None = None) -> Transitions:
    """Transition matrix (转移矩阵) between two classified rasters, in pixels and in m².

    Parameters
    ----------
    before, after : path or open rasterio dataset
        Single-band classified rasters of the first and second date (band 1 is read). Each one's
        nodata value (or mask) marks pixels without a class.
    classes : sequence, optional
        The class values to index the matrix by, in order; classes that do not occur get a row and a
        column of zeros, pixels of other classes are counted in ``unlisted_pixels`` and left out. By
        default, every class value found on either date, sorted.
    align : {"nearest", "refuse"}
        When the rasters are on different grids (CRS, origin, pixel size or shape): ``"nearest"``
        (default) reads the second raster onto the first's grid by nearest neighbour (a GDAL warped
        VRT; first-grid pixels it does not cover are nodata); ``"refuse"`` raises
        :class:`redline.errors.ValidationError` naming both grids.
    block_size : int or (rows, cols)
        Pixels per block edge; memory is bounded by the block size times the number of workers,
        whatever the raster's size.
    workers : int, optional
        Threads reading and counting blocks (default: the number of CPUs, at most 8).

    Returns
    -------
    Transitions
        ``.pixels`` and ``.area_m2`` (and ``.area_mu``) DataFrames indexed by ``before`` class with
        one column per ``after`` class, plus nodata counts and ``.pixel_area_note``.

    Raises
    ------
    redline.errors.CRSError
        A raster has no CRS, or a geographic raster's grid is rotated.
    redline.errors.ValidationError
        The grids differ and ``align="refuse"``.
    redline.errors.RedlineIOError
        A raster cannot be opened.

    Notes
    -----
    Area per pixel: planar (``|a·e − b·d|`` of the geotransform) in a projected CRS in metres; in a
    geographic CRS each row's pixels are quadrangles between two parallels, measured exactly on the
    CRS's ellipsoid, so areas are right at any latitude.

    Examples
    --------
    >>> import numpy as np, rasterio
    >>> from rasterio.io import MemoryFile
    >>> from affine import Affine
    >>> profile = dict(driver="GTiff", width=2, height=2, count=1, dtype="uint8", nodata=0,
    ...                crs="EPSG:4547", transform=Affine(10, 0, 500000, 0, -10, 3500000))
    >>> with MemoryFile() as m1, MemoryFile() as m2:
    ...     with m1.open(**profile) as d:
    ...         d.write(np.array([[1, 1], [2, 0]], "uint8"), 1)
    ...     with m2.open(**profile) as d:
    ...         d.write(np.array([[1, 3], [3, 3]], "uint8"), 1)
    ...     t = transitions(m1.name, m2.name)
    >>> t.pixels.loc[1].tolist(), t.nodata_pixels, float(t.area_m2.loc[2, 3])
    ([1, 0, 1], 1, 100.0)
    """
    workers = workers or default_workers()
    wanted = as_class_list(classes, "classes") if classes is not None else None
    with RasterPair(before, after, align=align) as pair:
        pa = pair.pixel_area()
        dtypes = {pair.before.dtype, pair.after.dtype}
        small = len(dtypes) == 1 and next(iter(dtypes)) in _SMALL_INT and wanted is None
        shift = _SMALL_INT.get(pair.before.dtype, 0)

        def block(window):
            b, a, vb, va = pair.read(window)
            valid = vb & va
            counts = (int(np.count_nonzero(~vb)), int(np.count_nonzero(~va)), int(np.count_nonzero(~valid)))
            rows = None
            if pa.constant_m2 is None:
                r0 = window.row_off
                rows = np.broadcast_to(pa.per_row_m2[r0:r0 + window.height, None], b.shape)
            if small:
                code = (b.astype(np.int32) + shift) * 256 + (a.astype(np.int32) + shift)
                code = code[valid]
                px = np.bincount(code, minlength=65536)
                area = np.bincount(code, weights=rows[valid], minlength=65536) if rows is not None else None
                return counts, px, area, 0
            if wanted is not None:
                bi, ai = class_index(b, wanted), class_index(a, wanted)
                listed = valid & (bi >= 0) & (ai >= 0)
                code = bi[listed].astype(np.int64) * len(wanted) + ai[listed]
                n = len(wanted) ** 2
                px = np.bincount(code, minlength=n)
                area = np.bincount(code, weights=rows[listed], minlength=n) if rows is not None else None
                return counts, px, area, int(np.count_nonzero(valid)) - int(code.size)
            pairs, inv = np.unique(np.stack([b[valid], a[valid]]), axis=1, return_inverse=True)
            inv = inv.ravel()
            px = np.bincount(inv, minlength=pairs.shape[1])
            area = np.bincount(inv, weights=rows[valid], minlength=pairs.shape[1]) if rows is not None else None
            return counts, (pairs, px), area, 0

        nd_b = nd_a = nd = unlisted = 0
        acc_px = acc_area = None
        generic: list[pd.DataFrame] = []
        windows = [w for row in pair.windows(block_size) for w in row]
        for counts, px, area, unl in map_blocks(block, windows, workers=workers):
            nd_b, nd_a, nd = nd_b + counts[0], nd_a + counts[1], nd + counts[2]
            unlisted += unl
            if isinstance(px, tuple):
                pairs, n = px
                generic.append(pd.DataFrame({"before": pairs[0], "after": pairs[1], "pixels": n,
                                             "area_m2": area if area is not None else n * pa.constant_m2}))
                continue
            acc_px = px if acc_px is None else acc_px + px
            if area is not None:
                acc_area = area if acc_area is None else acc_area + area

        if small or wanted is not None:
            if small:
                idx = np.flatnonzero(acc_px) if acc_px is not None else np.array([], int)
                bvals, avals = idx // 256 - shift, idx % 256 - shift
                found = sorted(set(bvals.tolist()) | set(avals.tolist()))
                classes_out = found
            else:
                assert wanted is not None  # not small: the classes were given
                k = len(wanted)
                idx = np.arange(k * k)
                bvals, avals = np.asarray(wanted, dtype=object)[idx // k], np.asarray(wanted, dtype=object)[idx % k]
                classes_out = wanted
                if acc_px is None:
                    acc_px = np.zeros(k * k, dtype=np.int64)
            px_vals = acc_px[idx] if acc_px is not None else np.zeros(0, np.int64)
            area_vals = acc_area[idx] if acc_area is not None else px_vals * (pa.constant_m2 or 0.0)
            long = pd.DataFrame({"before": bvals, "after": avals, "pixels": px_vals, "area_m2": area_vals})
        else:
            long = (pd.concat(generic).groupby(["before", "after"], as_index=False).sum()
                    if generic else pd.DataFrame({"before": [], "after": [], "pixels": [], "area_m2": []}))
            classes_out = sorted(set(long["before"].tolist()) | set(long["after"].tolist()))

        pixels = _square(long, "pixels", classes_out).astype(np.int64)
        area_m2 = _square(long, "area_m2", classes_out).astype(float)
        if pa.constant_m2 is not None:  # exact: pixels times one pixel's area, no summation error
            area_m2 = pixels * pa.constant_m2
        return Transitions(pixels=pixels, area_m2=area_m2, nodata_pixels=nd, nodata_before_pixels=nd_b,
                           nodata_after_pixels=nd_a, unlisted_pixels=unlisted, pixel_area_m2=pa.constant_m2,
                           pixel_area_note=pa.note, aligned=pair.aligned, crs=pair.crs.to_string(),
                           total_pixels=pair.width * pair.height)


def _square(long: pd.DataFrame, value: str, classes: list) -> pd.DataFrame:
    mat = long.pivot_table(index="before", columns="after", values=value, aggfunc="sum", fill_value=0) \
        if len(long) else pd.DataFrame()
    mat = mat.reindex(index=classes, columns=classes, fill_value=0)
    mat.index = pd.Index(classes, name="before")
    mat.columns = pd.Index(classes, name="after")
    return mat
