"""redline.imagery on real data with known truths and on tiny rasters checkable by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from pyproj import Geod
from rasterio.io import MemoryFile

from redline.data import sample_path
from redline.errors import CRSError, RedlineIOError, ValidationError
from redline.imagery import change_patches, transitions
from redline.result import AuditLog
from redline.rules import load_rules
from redline.units import M2_PER_MU

DATA = Path(__file__).parent / "data"
MOLUSCE = sample_path("molusce")
ESA = sample_path("esa_worldcover")
GK = "EPSG:4547"
TEN_M = Affine(10, 0, 500000, 0, -10, 3500000)  # 10 m pixels  # CGCS2000 3-degree Gauss-Kruger, central meridian 120E


def write(path, array, *, transform=TEN_M, crs=GK, nodata=0, **extra):
    array = np.asarray(array)
    profile = dict(driver="GTiff", width=array.shape[1], height=array.shape[0], count=1, dtype=array.dtype,
                   crs=crs, transform=transform, nodata=nodata, **extra)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array, 1)
    return str(path)


# --------------------------------------------------------------------------- MOLUSCE (UTM 39N)

MOLUSCE_CROSSTAB = [[4065, 4, 2, 1], [1657, 62871, 260, 364], [514, 539, 80689, 1969], [2, 15, 7, 8677]]
MOLUSCE_PIXEL_M2 = 624.5137844096937


@pytest.mark.parametrize("block_size", [4096, 64])
def test_molusce_crosstab_matches_molusce_exactly(block_size):
    t = transitions(MOLUSCE / "init.tif", MOLUSCE / "final.tif", block_size=block_size)
    assert t.pixels.index.tolist() == [1, 2, 3, 4] and t.pixels.columns.tolist() == [1, 2, 3, 4]
    assert t.pixels.to_numpy().tolist() == MOLUSCE_CROSSTAB
    assert t.pixel_area_m2 == pytest.approx(MOLUSCE_PIXEL_M2, rel=1e-12)
    assert t.area_m2.to_numpy() == pytest.approx(np.array(MOLUSCE_CROSSTAB) * MOLUSCE_PIXEL_M2, rel=1e-12)
    assert t.area_mu.to_numpy() == pytest.approx(t.area_m2.to_numpy() / M2_PER_MU)
    # MOLUSCE's class areas (tests/models/crosstabs/test_manager.py)
    areas = t.class_areas()
    assert areas["before_m2"].tolist() == pytest.approx(
        [2543020.1301162727, 40688322.08186036, 52278673.40671987, 5433894.43814875], rel=1e-12)
    assert areas["after_m2"].tolist() == pytest.approx(
        [3895716.9871476693, 39612284.83132246, 50559386.95823998, 6876521.28013514], rel=1e-12)
    # every pixel is either counted or nodata
    assert t.pixels.to_numpy().sum() + t.nodata_pixels == 443 * 365
    assert "planar" in t.pixel_area_note and "EPSG:32639" in t.pixel_area_note


def test_molusce_classes_argument_orders_and_pads():
    t = transitions(MOLUSCE / "init.tif", MOLUSCE / "final.tif", classes=[4, 3, 2, 1, 9])
    assert t.pixels.index.tolist() == [4, 3, 2, 1, 9]
    assert t.pixels.loc[2, 3] == 260 and t.pixels.loc[9].sum() == 0 and t.pixels[9].sum() == 0
    t = transitions(MOLUSCE / "init.tif", MOLUSCE / "final.tif", classes=[1, 2])
    assert t.pixels.to_numpy().tolist() == [[4065, 4], [1657, 62871]]
    assert t.unlisted_pixels == sum(map(sum, MOLUSCE_CROSSTAB)) - (4065 + 4 + 1657 + 62871)


def test_molusce_new_urban_patches():
    p = change_patches(MOLUSCE / "init.tif", MOLUSCE / "final.tif", from_classes=[1, 2, 4], to_classes=3)
    assert p["pixels"].sum() == 269
    assert p["area_m2"].sum() == pytest.approx(269 * MOLUSCE_PIXEL_M2)
    assert p.crs.to_epsg() == 32639
    assert p["patch_id"].tolist() == list(range(1, len(p) + 1))
    # each patch's polygon covers exactly its pixels
    assert shapely.area(p.geometry.to_numpy()) == pytest.approx(p["pixels"].to_numpy() * MOLUSCE_PIXEL_M2)
    assert p.geometry.is_valid.all()
    # nothing under the 200 m2 of new construction here (one pixel is 624.5 m2) -- and the rule is cited
    assert not p["below_min_area"].any()
    assert p["min_area_rule"].iloc[0].startswith("cn-national@") and \
        "imagery.min_patch_area_m2[construction]=200 m2" in p["min_area_rule"].iloc[0]
    mixed = p[p["from_class_pixels"].str.contains(",")]
    for _, row in mixed.iterrows():  # the majority class is named, every class's count listed
        counts = dict(part.split(":") for part in row["from_class_pixels"].split(", "))
        assert sum(map(int, counts.values())) == row["pixels"]
        assert int(counts[str(row["from_class"])]) == max(map(int, counts.values()))


# --------------------------------------------------------------------------- ESA WorldCover (EPSG:4326)

ESA_2020, ESA_2021 = ESA / "clip_saotome_city_2020.tif", ESA / "clip_saotome_city_2021.tif"
ESA_NOT_BUILT = [10, 20, 30, 40, 60, 70, 80, 90, 95, 100]


def test_esa_new_built_up_pixels():
    t = transitions(ESA_2020, ESA_2021)
    assert t.pixels[50].sum() == 138_913 and t.pixels.loc[50].sum() == 102_635
    assert t.pixels[50].sum() - t.pixels.loc[50, 50] == 39_533
    p = change_patches(ESA_2020, ESA_2021, from_classes=ESA_NOT_BUILT, to_classes=50, block_size=700)
    assert p["pixels"].sum() == 39_533
    assert p.crs.to_epsg() == 4326
    assert p["below_min_area"].any() and not p["below_min_area"].all()


def test_esa_area_per_row_matches_geodesic_cell_polygons():
    """Geographic pixels: every row's cell measured independently as a geodesic polygon (pyproj.Geod)."""
    t = transitions(ESA_2020, ESA_2021)
    p = change_patches(ESA_2020, ESA_2021, from_classes=ESA_NOT_BUILT, to_classes=50)
    geod = Geod(ellps="WGS84")
    with rasterio.open(ESA_2020) as ds:
        a, before = ds.transform, ds.read(1)
    with rasterio.open(ESA_2021) as ds:
        after = ds.read(1)
    lon0, lon1 = a.c, a.c + a.a
    cell = np.empty(before.shape[0])
    for r in range(before.shape[0]):
        top, bottom = a.f + a.e * r, a.f + a.e * (r + 1)
        area, _ = geod.polygon_area_perimeter([lon0, lon1, lon1, lon0], [bottom, bottom, top, top])
        cell[r] = abs(area)
    assert 85.0 < cell.min() < cell.max() < 86.0  # ~9.26 m x 9.22 m at 0.3 N
    valid = (before != 0) & (after != 0)
    new = valid & (after == 50) & (before != 50)
    expected_new = float((new * cell[:, None]).sum())
    assert p["area_m2"].sum() == pytest.approx(expected_new, rel=1e-9)
    expected_built_2021 = float(((valid & (after == 50)) * cell[:, None]).sum())
    assert t.area_m2[50].sum() == pytest.approx(expected_built_2021, rel=1e-9)
    assert t.pixel_area_m2 is None and "ellipsoidal" in t.pixel_area_note
    # the patch polygons, measured geodesically, agree with the pixel-sum areas
    big = p.nlargest(3, "pixels")
    geodesic = [abs(geod.geometry_area_perimeter(g)[0]) for g in big.geometry]
    assert geodesic == pytest.approx(big["area_m2"].tolist(), rel=1e-6)


# --------------------------------------------------------------------------- tiny rasters, by hand

def test_three_by_three_patch_is_900_m2_and_1_35_mu(tmp_path):
    before = np.full((6, 6), 2, "uint8")
    after = before.copy()
    after[1:4, 2:5] = 5
    p = change_patches(write(tmp_path / "a.tif", before), write(tmp_path / "b.tif", after),
                       from_classes=[1, 2], to_classes=[5])
    assert len(p) == 1
    row = p.iloc[0]
    assert (row["pixels"], row["area_m2"], row["area_mu"]) == (9, 900.0, pytest.approx(1.35))
    assert (row["from_class"], row["to_class"], row["below_min_area"]) == (2, 5, False)
    assert shapely.equals(row.geometry, shapely.box(500020, 3499960, 500050, 3499990))


def test_min_area_flags_small_patches_but_keeps_them(tmp_path):
    before = np.full((6, 6), 2, "uint8")
    after = before.copy()
    after[0, 0] = 5          # 100 m2: below the 200 m2 of construction
    after[3:5, 3:5] = 5      # 400 m2: not below
    a, b = write(tmp_path / "a.tif", before), write(tmp_path / "b.tif", after)
    p = change_patches(a, b, from_classes=2, to_classes=5)
    assert p["area_m2"].tolist() == [100.0, 400.0]
    assert p["below_min_area"].tolist() == [True, False]
    p = change_patches(a, b, from_classes=2, to_classes=5, min_area_m2=500)
    assert p["below_min_area"].tolist() == [True, True] and "given by the caller" in p["min_area_rule"].iloc[0]
    p = change_patches(a, b, from_classes=2, to_classes=5, rules=load_rules(overrides={
        "imagery.min_patch_area_m2": 50}), log=(log := AuditLog()))
    assert not p["below_min_area"].any() and "imagery.min_patch_area_m2=50" in log.fact("change_patches", "rule")
    with pytest.raises(ValidationError, match="non-negative"):
        change_patches(a, b, from_classes=2, to_classes=5, min_area_m2=-1)


def test_diagonal_pixels_one_patch_with_8_two_with_4(tmp_path):
    before = np.full((4, 4), 1, "uint8")
    after = before.copy()
    after[0, 0] = after[1, 1] = 3
    a, b = write(tmp_path / "a.tif", before), write(tmp_path / "b.tif", after)
    p8 = change_patches(a, b, from_classes=1, to_classes=3)
    assert len(p8) == 1 and p8.iloc[0]["pixels"] == 2
    assert p8.geometry.iloc[0].geom_type == "MultiPolygon" and p8.geometry.is_valid.all()
    p4 = change_patches(a, b, from_classes=1, to_classes=3, connectivity=4)
    assert p4["pixels"].tolist() == [1, 1]


def test_nodata_on_either_date_is_excluded_and_counted(tmp_path):
    before = np.array([[1, 1, 0], [2, 2, 2]], "uint8")
    after = np.array([[3, 0, 3], [3, 2, 0]], "uint8")
    a, b = write(tmp_path / "a.tif", before), write(tmp_path / "b.tif", after)
    t = transitions(a, b)
    assert (t.nodata_before_pixels, t.nodata_after_pixels, t.nodata_pixels) == (1, 2, 3)
    assert t.pixels.to_numpy().sum() == 3
    assert t.pixels.loc[1, 3] == 1 and t.pixels.loc[2, 3] == 1 and t.pixels.loc[2, 2] == 1
    assert 0 not in t.pixels.index
    p = change_patches(a, b, from_classes=[1, 2], to_classes=3)
    assert p["pixels"].sum() == 2


def test_internal_mask_without_nodata_value(tmp_path):
    before = np.array([[1, 1], [1, 1]], "uint8")
    path = tmp_path / "masked.tif"
    with rasterio.Env(GDAL_TIFF_INTERNAL_MASK=True), rasterio.open(
            path, "w", driver="GTiff", width=2, height=2, count=1, dtype="uint8", crs=GK, transform=TEN_M) as dst:
        dst.write(before, 1)
        dst.write_mask(np.array([[255, 0], [255, 255]], "uint8"))
    t = transitions(path, write(tmp_path / "b.tif", np.array([[2, 2], [2, 2]], "uint8")))
    assert t.nodata_before_pixels == 1 and t.pixels.loc[1, 2] == 3


def test_open_datasets_and_memoryfiles_are_accepted(tmp_path):
    before = np.array([[1, 1], [1, 2]], "uint8")
    after = np.array([[1, 3], [3, 3]], "uint8")
    profile = dict(driver="GTiff", width=2, height=2, count=1, dtype="uint8", nodata=0, crs=GK,
                   transform=Affine(10, 0, 500000, 0, -10, 3500000))
    with MemoryFile() as m1, MemoryFile() as m2:
        with m1.open(**profile) as d:
            d.write(before, 1)
        with m2.open(**profile) as d:
            d.write(after, 1)
        with m1.open() as d1, m2.open() as d2:
            t = transitions(d1, d2, workers=2)
            p = change_patches(d1, d2, from_classes=[1, 2], to_classes=3, workers=2)
    assert t.pixels.loc[1, 3] == 2 and p["pixels"].tolist() == [3]


def test_different_grids_aligned_by_nearest_or_refused(tmp_path):
    # the second raster has 5 m pixels over the same ground: nearest neighbour maps it back exactly
    before = np.array([[1, 1, 2], [2, 2, 2]], "uint8")
    after_10m = np.array([[3, 1, 2], [2, 3, 3]], "uint8")
    after_5m = np.repeat(np.repeat(after_10m, 2, axis=0), 2, axis=1)
    a = write(tmp_path / "a.tif", before)
    b = write(tmp_path / "b.tif", after_5m, transform=Affine(5, 0, 500000, 0, -5, 3500000))
    t = transitions(a, b)
    assert t.aligned
    reference = transitions(a, write(tmp_path / "b10.tif", after_10m))
    assert t.pixels.equals(reference.pixels) and not reference.aligned
    # shifted by a whole pixel to the east: the first column is not covered, so it is nodata
    c = write(tmp_path / "c.tif", after_10m, transform=Affine(10, 0, 500010, 0, -10, 3500000))
    t = transitions(a, c)
    assert t.nodata_after_pixels == 2 and t.pixels.to_numpy().sum() == 4
    with pytest.raises(ValidationError, match="different grids") as err:
        transitions(a, b, align="refuse")
    assert "align='nearest'" in str(err.value)
    with pytest.raises(ValidationError, match="different grids"):
        change_patches(a, b, from_classes=1, to_classes=3, align="refuse")


def test_no_crs_and_missing_file_are_clear_errors(tmp_path):
    a = write(tmp_path / "a.tif", np.ones((2, 2), "uint8"), crs=None)
    b = write(tmp_path / "b.tif", np.ones((2, 2), "uint8"))
    with pytest.raises(CRSError, match="no coordinate reference system"):
        transitions(a, b)
    with pytest.raises(RedlineIOError, match="does not exist"):
        transitions(tmp_path / "nope.tif", b)
    with pytest.raises(ValidationError, match="from_classes is empty"):
        change_patches(b, b, from_classes=[], to_classes=3)


def test_no_change_gives_an_empty_frame_with_the_columns(tmp_path):
    a = write(tmp_path / "a.tif", np.ones((3, 3), "uint8"))
    p = change_patches(a, a, from_classes=1, to_classes=3)
    assert len(p) == 0 and "area_mu" in p.columns and p.crs.to_epsg() == 4547


@pytest.mark.parametrize("crs, lat0", [("EPSG:4490", 60.0), ("EPSG:4326", -35.0), ("EPSG:4490", 0.005)])
def test_geographic_pixel_area_per_row_equals_geodesic_cells(crs, lat0):
    from pyproj import CRS

    from redline.imagery._raster import pixel_area
    step = 0.01  # about 1 km: large cells make the ellipsoid matter
    transform = Affine(step, 0, 110.0, 0, -step, lat0)
    pa = pixel_area(CRS.from_user_input(crs), transform, 5)
    ell = CRS.from_user_input(crs).ellipsoid
    geod = Geod(a=ell.semi_major_metre, rf=ell.inverse_flattening)
    # a geodesic polygon's edges along parallels bow towards the pole; densify them to follow the parallel
    lons = list(np.linspace(110.0, 110.0 + step, 200))
    for r in range(5):
        top, bottom = lat0 - step * r, lat0 - step * (r + 1)
        area, _ = geod.polygon_area_perimeter(lons + lons[::-1], [bottom] * 200 + [top] * 200)
        assert pa.per_row_m2[r] == pytest.approx(abs(area), rel=1e-7)
    assert pa.constant_m2 is None


def test_web_mercator_pixels_are_measured_on_the_ellipsoid(tmp_path):
    from pyproj import Transformer

    # 100 m Web Mercator pixels at 60 N cover only about 50 m x 50 m on the ground
    to_merc = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    x0, y0 = to_merc.transform(10.0, 60.0)
    a = write(tmp_path / "a.tif", np.ones((2, 2), "uint8"), transform=Affine(100, 0, x0, 0, -100, y0),
              crs="EPSG:3857")
    t = transitions(a, a)
    assert t.pixel_area_m2 is None and "Web Mercator" in t.pixel_area_note
    # independently: the 2 x 2 pixel block's outline inverse-projected (densified) and measured geodesically
    to_geo = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
    xs = np.r_[np.linspace(x0, x0 + 200, 50), np.full(50, x0 + 200), np.linspace(x0 + 200, x0, 50), np.full(50, x0)]
    ys = np.r_[np.full(50, y0), np.linspace(y0, y0 - 200, 50), np.full(50, y0 - 200), np.linspace(y0 - 200, y0, 50)]
    lon, lat = to_geo.transform(xs, ys)
    expected = abs(Geod(ellps="WGS84").polygon_area_perimeter(lon, lat)[0])
    assert float(t.area_m2.loc[1, 1]) == pytest.approx(expected, rel=1e-6)
    assert expected == pytest.approx(4 * 100 * 100 * np.cos(np.radians(60)) ** 2, rel=5e-3)  # about a quarter
