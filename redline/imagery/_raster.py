"""Block-wise reading of a pair of classified rasters: opening, aligning, nodata, pixel areas, threads.

Shared by :func:`redline.imagery.transitions` and :func:`redline.imagery.change_patches`.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import rasterio
from pyproj import CRS, Transformer
from pyproj.crs import Ellipsoid
from rasterio.enums import MaskFlags, Resampling
from rasterio.vrt import WarpedVRT
from rasterio.windows import Window

from ..crs import is_metric_projected
from ..errors import CRSError, Problem, RedlineError, RedlineIOError, ValidationError

Align = Literal["nearest", "refuse"]
ALIGN_CHOICES = ("nearest", "refuse")

#: GDAL's raster block cache, in MB, while redline reads blocks (it counts against the memory bound).
GDAL_CACHE_MB = 64
#: default block edge in pixels: 2048 x 2048 uint8 pairs keep each worker's working set near 100 MB.
DEFAULT_BLOCK = 2048


#: the dataset tags an imaging date (成像日期) is read from, in this order: GDAL's TIFF tag
#: (``YYYY:MM:DD HH:MM:SS``), then the tags imagery products and users write (an ISO date)
DATE_TAGS = ("TIFFTAG_DATETIME", "ACQUISITION_DATE", "acquisition_date", "DATE_ACQUIRED")


@dataclass(frozen=True)
class ImagingDate:
    """A raster's imaging date as its metadata gives it.

    ``date`` is None when no tag of :data:`DATE_TAGS` holds a readable date; ``tag`` names the tag it was
    read from and ``text`` what the tag says; ``unreadable`` lists the date tags whose text is not a date,
    e.g. ``("ACQUISITION_DATE='spring 2024'",)``.
    """

    date: dt.date | None
    tag: str = ""
    text: str = ""
    unreadable: tuple[str, ...] = ()


def _parse_tag_date(text: str) -> dt.date | None:
    text = text.strip()
    for fmt in ("%Y:%m:%d %H:%M:%S", "%Y:%m:%d"):  # TIFF 6.0 DateTime
        with suppress(ValueError):
            return dt.datetime.strptime(text, fmt).date()
    with suppress(ValueError):  # ISO 8601: 2024-05-01, 2024-05-01T10:30:00Z, 20240501
        return dt.date.fromisoformat(text[:10] if len(text) > 10 and text[10] in "T " else text)
    return None


def imaging_date(src) -> ImagingDate:
    """The imaging date in a raster's dataset tags (:data:`DATE_TAGS`), from a path or an open dataset.

    >>> from affine import Affine
    >>> from rasterio.io import MemoryFile
    >>> with MemoryFile() as m:
    ...     with m.open(driver="GTiff", width=1, height=1, count=1, dtype="uint8", crs="EPSG:4547",
    ...                 transform=Affine(10, 0, 500000, 0, -10, 3500000)) as d:
    ...         d.update_tags(TIFFTAG_DATETIME="2024:05:01 10:30:00")
    ...     imaging_date(m.name)
    ImagingDate(date=datetime.date(2024, 5, 1), tag='TIFFTAG_DATETIME', text='2024:05:01 10:30:00', unreadable=())
    """
    if isinstance(src, str | os.PathLike):
        with rasterio.open(src) as ds:
            return imaging_date(ds)
    tags = src.tags()
    unreadable: list[str] = []
    for tag in DATE_TAGS:
        text = tags.get(tag)
        if text is None or not str(text).strip():
            continue
        day = _parse_tag_date(str(text))
        if day is not None:
            return ImagingDate(day, tag, str(text), tuple(unreadable))
        unreadable.append(f"{tag}={text!r}")
    return ImagingDate(None, unreadable=tuple(unreadable))


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


@dataclass
class _Side:
    """One date's raster: where to (re)open it, and what it looks like."""

    label: str          # "before" / "after", for messages
    name: str           # what the user gave, for messages
    path: str | None    # re-openable path, one handle per thread
    shared: Any = None  # an open dataset that cannot be re-opened: reads go through a lock
    lock: Any = None
    crs: CRS | None = None
    transform: Any = None
    width: int = 0
    height: int = 0
    nodata: float | None = None
    dtype: str = "uint8"
    use_masks: bool = False
    imaging: ImagingDate = ImagingDate(None)


def _describe(src) -> str:
    return str(src) if isinstance(src, str | os.PathLike) else getattr(src, "name", repr(src))


def _probe(src, label: str, stack: ExitStack) -> _Side:
    if isinstance(src, str | os.PathLike):
        path = str(src)
        if not Path(path).exists() and not path.startswith("/vsi") and "://" not in path:
            raise RedlineIOError(f"[{label}] raster {path} does not exist -- fix: check the path")
        try:
            ds = stack.enter_context(rasterio.open(path))
        except rasterio.errors.RasterioIOError as exc:
            raise RedlineIOError(f"[{label}] cannot open raster {path}: {exc} -- fix: give a GeoTIFF or any "
                                 f"raster GDAL reads") from None
        side = _Side(label, path, path)
    elif hasattr(src, "read") and hasattr(src, "transform"):
        ds = src
        if getattr(ds, "closed", False):
            raise RedlineIOError(f"[{label}] the dataset {ds.name} is closed -- fix: pass it while it is open, or "
                                 "pass its path")
        side = _Side(label, ds.name, None)
        try:  # a file or /vsimem/ dataset can be opened once per thread; anything else is read under a lock
            with rasterio.open(ds.name) as again:
                if (again.width, again.height, again.count) == (ds.width, ds.height, ds.count) \
                        and not isinstance(ds, WarpedVRT):
                    side.path = ds.name
        except Exception:  # any failure means: not re-openable
            side.path = None
        if side.path is None:
            side.shared, side.lock = ds, threading.Lock()
    else:
        raise ValidationError(Problem(layer=label, code="bad_raster",
                                      message=f"expected a raster path or an open rasterio dataset, got "
                                              f"{type(src).__name__}",
                                      fix="pass a path such as 'landcover_2020.tif' or rasterio.open(...)"))
    if ds.count < 1:
        raise ValidationError(Problem(layer=label, code="no_band", message=f"{side.name} has no band"))
    side.crs = CRS.from_user_input(ds.crs) if ds.crs else None
    side.transform = ds.transform
    side.width, side.height = ds.width, ds.height
    side.nodata = ds.nodata
    side.dtype = ds.dtypes[0]
    flags = ds.mask_flag_enums[0]
    side.use_masks = side.nodata is None and (MaskFlags.per_dataset in flags or MaskFlags.alpha in flags)
    side.imaging = imaging_date(ds)
    return side


def same_grid(a: _Side, b: _Side) -> bool:
    return (a.width, a.height) == (b.width, b.height) and a.crs == b.crs and \
        all(math.isclose(x, y, rel_tol=0, abs_tol=1e-9 * max(1.0, abs(x))) for x, y in
            zip(tuple(a.transform)[:6], tuple(b.transform)[:6], strict=True))


class RasterPair:
    """Two single-band classified rasters on one grid (the first's), read block by block from any thread.

    When the second raster lies on another grid and ``align="nearest"``, it is read through a GDAL
    warped VRT onto the first raster's grid by nearest neighbour; pixels of the first grid that the
    second raster does not cover are nodata.
    """

    def __init__(self, before, after, *, align: Align = "nearest") -> None:
        if align not in ALIGN_CHOICES:
            raise ValueError(f"align must be one of {', '.join(ALIGN_CHOICES)}, not {align!r}")
        self._stack = ExitStack()
        try:
            self.before = _probe(before, "before", self._stack)
            self.after = _probe(after, "after", self._stack)
        except BaseException:
            self._stack.close()
            raise
        self._stack.close()  # probing handles are not used for reading
        b, a = self.before, self.after
        problems = [Problem(layer=s.label, code="missing_crs",
                            message=f"raster {s.name} has no coordinate reference system, so pixel areas are unknown",
                            fix="assign one, e.g. gdal_edit.py -a_srs EPSG:4547 file.tif")
                    for s in (b, a) if s.crs is None]
        if problems:
            raise CRSError(problems)
        self.aligned = not same_grid(b, a)
        if self.aligned and align == "refuse":
            raise ValidationError(Problem(
                layer="after", code="different_grid",
                message=f"the rasters are on different grids: before {b.width}x{b.height} {_crs_name(b.crs)} "
                        f"origin ({b.transform.c:.6g}, {b.transform.f:.6g}) pixel {b.transform.a:.6g}; after "
                        f"{a.width}x{a.height} {_crs_name(a.crs)} origin ({a.transform.c:.6g}, {a.transform.f:.6g}) "
                        f"pixel {a.transform.a:.6g}",
                fix="pass align='nearest' to resample the second raster onto the first's grid, or warp it "
                    "first (gdalwarp -r near -te ... -tr ...)"))
        self.width, self.height = b.width, b.height
        self.transform = b.transform
        assert b.crs is not None  # a raster without a CRS was refused above
        self.crs: CRS = b.crs
        self._local = threading.local()
        self._handles: list = []
        self._handles_lock = threading.Lock()

    # -- reading ------------------------------------------------------------------------------
    def _open(self, side: _Side):
        if side.path is None:
            return side.shared
        ds = rasterio.open(side.path)
        with self._handles_lock:
            self._handles.append(ds)
        return ds

    def _datasets(self):
        ds = getattr(self._local, "ds", None)
        if ds is None:
            bds = self._open(self.before)
            ads = self._open(self.after)
            if self.aligned:
                vrt = WarpedVRT(ads, crs=self.crs, transform=self.transform, width=self.width,
                                height=self.height, resampling=Resampling.nearest,
                                add_alpha=self.after.nodata is None)
                with self._handles_lock:
                    self._handles.append(vrt)
                ads = vrt
            ds = self._local.ds = (bds, ads)
        return ds

    def _read_one(self, ds, side: _Side, window: Window, masks: bool) -> tuple[np.ndarray, np.ndarray]:
        def go():
            data = ds.read(1, window=window)
            if side.nodata is not None:
                if np.isnan(side.nodata):
                    valid = ~np.isnan(data)
                else:
                    valid = data != np.asarray(side.nodata).astype(data.dtype)
                    if data.dtype.kind == "f":
                        valid &= ~np.isnan(data)
            elif masks:
                valid = ds.read_masks(1, window=window) > 0
            else:
                valid = np.ones(data.shape, dtype=bool)
            return data, valid
        if side.lock is not None:
            with side.lock:
                return go()
        return go()

    def read(self, window: Window) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``before, after, before_valid, after_valid`` for one window of the first raster's grid."""
        bds, ads = self._datasets()
        b, vb = self._read_one(bds, self.before, window, self.before.use_masks)
        a, va = self._read_one(ads, self.after, window, self.after.use_masks or (self.aligned and
                                                                                  self.after.nodata is None))
        return b, a, vb, va

    def close(self) -> None:
        for ds in self._handles:
            with suppress(Exception):  # closing is best effort
                ds.close()
        self._handles.clear()

    def __enter__(self) -> RasterPair:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- geometry of the grid ----------------------------------------------------------------
    def windows(self, block_size: int | tuple[int, int] = DEFAULT_BLOCK) -> list[list[Window]]:
        """The grid of windows, one list per block row."""
        rows, cols = (block_size, block_size) if isinstance(block_size, int) else tuple(block_size)
        if rows < 1 or cols < 1:
            raise ValueError(f"block_size must be positive, not {block_size!r}")
        return [[Window(c, r, min(cols, self.width - c), min(rows, self.height - r))
                 for c in range(0, self.width, cols)] for r in range(0, self.height, rows)]

    def pixel_area(self) -> PixelArea:
        return pixel_area(self.crs, self.transform, self.height)


def _crs_name(crs: CRS | None) -> str:
    if crs is None:
        return "no CRS"
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name


@dataclass(frozen=True)
class PixelArea:
    """Area of one pixel per row of the grid (m²), and a sentence saying how it was computed."""

    per_row_m2: np.ndarray
    constant_m2: float | None
    note: str


def _band_area(a: float, f_inv: float, lat1: np.ndarray, lat2: np.ndarray, dlon_deg: float) -> np.ndarray:
    """Exact area on the ellipsoid between two parallels and two meridians ``dlon_deg`` apart (m²)."""
    f = 1.0 / f_inv if f_inv else 0.0
    e2 = f * (2.0 - f)
    dlon = math.radians(abs(dlon_deg))

    def q(lat):
        s = np.sin(np.radians(lat))
        if e2 == 0:
            return 2.0 * s
        e = math.sqrt(e2)
        return (1.0 - e2) * (s / (1.0 - e2 * s * s) - np.log((1.0 - e * s) / (1.0 + e * s)) / (2.0 * e))

    if e2 == 0:
        return np.abs(a * a * dlon * (np.sin(np.radians(lat2)) - np.sin(np.radians(lat1))))
    return np.abs(a * a * dlon / 2.0 * (q(lat2) - q(lat1)))


def pixel_area(crs: CRS, transform, height: int) -> PixelArea:
    """Pixel area per row: planar in a metric projection, ellipsoidal per row in a geographic CRS.

    - projected CRS in metres (UTM, Gauss-Kruger): the planar area ``|a * e - b * d|``, the same for
      every pixel, as desktop GIS and MOLUSCE report it;
    - projected CRS in feet etc.: the same, converted to m²;
    - geographic CRS (EPSG:4326, EPSG:4490): each row's cell is a quadrangle between two parallels and
      two meridians; its exact area on the CRS's ellipsoid is
      ``a² Δλ / 2 · (1 − e²) [sinφ/(1 − e² sin²φ) + artanh(e sinφ)/e]`` between the row's edges;
    - Web Mercator: the row's edges are inverse-projected to latitudes, then as geographic.
    """
    a, b, _, d, e, _ = tuple(transform)[:6]
    rotated = b != 0 or d != 0
    name = _crs_name(crs)
    if crs.is_projected and not is_metric_projected(crs) and _is_web_mercator(crs):
        if rotated:
            raise _rotated(name)
        y_edges = transform.f + transform.e * np.arange(height + 1)
        x0 = transform.c
        tr = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
        lon, lat = tr.transform(np.array([x0, x0 + transform.a]), np.array([0.0, 0.0]))
        _, lat_edges = tr.transform(np.full(height + 1, x0), y_edges)
        ell = _ellipsoid(crs, name)
        rows = _band_area(ell.semi_major_metre, ell.inverse_flattening, lat_edges[:-1], lat_edges[1:],
                          lon[1] - lon[0])
        return PixelArea(rows, None, f"ellipsoidal pixel area per row on the {ell.name} ellipsoid ({name} is Web "
                                     f"Mercator, whose planar areas are wrong): {_range(rows)} m² per pixel")
    if crs.is_projected:
        factor = 1.0
        with suppress(IndexError, AttributeError):
            factor = float(crs.axis_info[0].unit_conversion_factor or 1.0)
        area = abs(a * e - b * d) * factor * factor
        unit = "" if factor == 1.0 else f" (map units converted to metres x {factor:.6g})"
        return PixelArea(np.full(height, area), area,
                         f"planar pixel area {area:.10g} m² in {name} ({crs.name}){unit}")
    if crs.is_geographic:
        if rotated:
            raise _rotated(name)
        try:
            unit = crs.axis_info[0].unit_name.lower()
        except (IndexError, AttributeError):
            unit = "degree"
        if "degree" not in unit:
            raise CRSError(Problem(layer="before", code="not_degrees",
                                   message=f"the raster's geographic CRS {name} is not in degrees ({unit})",
                                   fix="warp it to EPSG:4490 or a CGCS2000 3-degree zone"))
        lat_edges = transform.f + transform.e * np.arange(height + 1)
        ell = _ellipsoid(crs, name)
        rows = _band_area(ell.semi_major_metre, ell.inverse_flattening, lat_edges[:-1], lat_edges[1:], transform.a)
        return PixelArea(rows, None, f"ellipsoidal pixel area per row on the {ell.name} ellipsoid ({name} is "
                                     f"geographic, so pixel area varies with latitude): {_range(rows)} m² per pixel")
    raise CRSError(Problem(layer="before", code="unknown_crs_kind", message=f"cannot measure pixels in {name}",
                           fix="warp the rasters to a CGCS2000 3-degree zone (EPSG:4534-4554)"))


def _ellipsoid(crs: CRS, name: str) -> Ellipsoid:
    if crs.ellipsoid is None:
        raise CRSError(Problem(layer="before", code="unknown_crs_kind",
                               message=f"cannot measure pixels in {name}: it names no ellipsoid",
                               fix="warp the rasters to a CGCS2000 3-degree zone (EPSG:4534-4554)"))
    return crs.ellipsoid


def _is_web_mercator(crs: CRS) -> bool:
    n = crs.name.lower()
    return crs.to_epsg() in (3857, 900913, 3785, 102100, 102113) or "pseudo-mercator" in n or "web mercator" in n


def _rotated(name: str) -> CRSError:
    return CRSError(Problem(layer="before", code="rotated_grid",
                            message=f"the raster's grid is rotated in {name}, so its rows are not parallels",
                            fix="warp it north-up (gdalwarp) or to a projected CRS in metres"))


def _range(rows: np.ndarray) -> str:
    lo, hi = float(rows.min()), float(rows.max())
    return f"{lo:.6g}" if math.isclose(lo, hi, rel_tol=1e-9) else f"{lo:.6g} to {hi:.6g}"


def _init_worker_process() -> None:
    os.environ["GDAL_CACHEMAX"] = str(GDAL_CACHE_MB)


class BlockError(RedlineError, RuntimeError):
    """A block of the rasters could not be read or processed; the message names its window."""


def describe_window(window: Window) -> str:
    """``"rows 2048-4095, columns 0-2047"``: a block's pixels, for messages (0-based, inclusive)."""
    r, c = int(window.row_off), int(window.col_off)
    return f"rows {r}-{r + int(window.height) - 1}, columns {c}-{c + int(window.width) - 1}"


def block_failed(window: Window, exc: BaseException, where: str = "") -> BlockError:
    """The error of a block, naming its window (and the worker process it ran in)."""
    return BlockError(f"the block at {describe_window(window)}{where} failed: {type(exc).__name__}: {exc} "
                      "-- fix: check that both rasters read completely (gdalinfo -checksum)")


def map_blocks(func: Callable[[Window], Any], windows: Iterable[Window], *, workers: int,
               processes: bool = False, progress: Callable[[int, int], None] | None = None) -> Iterator[Any]:
    """``func`` over windows on ``workers`` threads (or processes), results in order, at most
    ``2 * workers`` in flight; ``progress(done, total)`` after each block.

    GDAL reads and most numpy work release the GIL, so threads share the work with the least
    memory; work that holds the GIL (polygonising) goes to spawned processes, which need a picklable
    ``func`` and a picklable result. A block that fails raises :class:`BlockError` naming its window
    (errors redline raises on purpose pass as they are), and the blocks not yet started are cancelled,
    so a failure never waits for the rest of the raster.
    """
    windows = list(windows)
    total = len(windows)
    workers = min(workers, total)
    with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB):
        if workers <= 1:
            for k, w in enumerate(windows, 1):
                try:
                    out = func(w)
                except RedlineError:
                    raise
                except Exception as exc:
                    raise block_failed(w, exc) from exc
                if progress is not None:
                    progress(k, total)
                yield out
            return
        pool: Executor
        if processes:
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_init_worker_process)
        else:
            pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="redline-imagery")
        pending: deque = deque()
        done = 0

        def result():
            nonlocal done
            w, future = pending.popleft()
            try:
                out = future.result()
            except RedlineError:
                raise
            except BrokenProcessPool as exc:
                raise block_failed(w, exc, " (its worker process stopped: out of memory, or killed)") from exc
            except Exception as exc:
                raise block_failed(w, exc) from exc
            done += 1
            if progress is not None:
                progress(done, total)
            return out

        try:
            for w in windows:
                pending.append((w, pool.submit(func, w)))
                if len(pending) >= 2 * workers:
                    yield result()
            while pending:
                yield result()
        finally:  # an error, or the caller stopped early: cancel what has not started
            pool.shutdown(wait=True, cancel_futures=True)


def class_index(values: np.ndarray, classes: Sequence) -> np.ndarray:
    """For each pixel, the position of its value in ``classes``, or -1 (int16)."""
    out = np.full(values.shape, -1, dtype=np.int16)
    for k, c in enumerate(classes):
        out[values == c] = k
    return out


def as_class_list(classes, what: str) -> list:
    if classes is None:
        raise ValidationError(Problem(layer=what, code="missing_classes", message=f"{what} is required",
                                      fix=f"pass {what}=[...] with the raster's class values"))
    if np.isscalar(classes):
        classes = [classes]
    out = list(dict.fromkeys(np.asarray(list(classes)).tolist()))
    if not out:
        raise ValidationError(Problem(layer=what, code="empty_classes", message=f"{what} is empty",
                                      fix=f"pass {what}=[...] with at least one class value"))
    return out
