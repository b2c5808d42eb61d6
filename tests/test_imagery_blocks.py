"""Block-wise processing gives the whole-raster result: patches crossing block seams stay one patch."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from rasterio.io import MemoryFile

from redline.imagery import change_patches, transitions
from redline.imagery._label import label, union_find

GK = "EPSG:4547"
TEN_M = Affine(10, 0, 500000, 0, -10, 3500000)  # 10 m pixels


def _memfile(array, transform, crs) -> MemoryFile:
    mem = MemoryFile()
    with mem.open(driver="GTiff", width=array.shape[1], height=array.shape[0], count=1, dtype=array.dtype,
                  crs=crs, transform=transform, nodata=0) as dst:
        dst.write(array, 1)
    return mem


def _compare(before, after, block_sizes, *, transform=TEN_M, crs=GK,
             connectivity=8, workers=2):
    m1, m2 = _memfile(before, transform, crs), _memfile(after, transform, crs)
    try:
        kw = dict(from_classes=[1, 2], to_classes=[3], connectivity=connectivity)
        whole = change_patches(m1.name, m2.name, block_size=10_000, workers=1, **kw)
        t_whole = transitions(m1.name, m2.name, block_size=10_000, workers=1)
        for bs in block_sizes:
            part = change_patches(m1.name, m2.name, block_size=bs, workers=workers, **kw)
            assert len(part) == len(whole), bs
            assert part["pixels"].tolist() == whole["pixels"].tolist()
            assert part["area_m2"].to_numpy() == pytest.approx(whole["area_m2"].to_numpy(), rel=1e-12)
            assert part[["from_class", "to_class", "from_class_pixels"]].equals(
                whole[["from_class", "to_class", "from_class_pixels"]])
            a = shapely.normalize(part.geometry.to_numpy())
            b = shapely.normalize(whole.geometry.to_numpy())
            assert shapely.equals_exact(a, b, tolerance=0).all(), bs
            t = transitions(m1.name, m2.name, block_size=bs, workers=workers)
            assert t.pixels.equals(t_whole.pixels) and t.nodata_pixels == t_whole.nodata_pixels
            assert t.area_m2.to_numpy() == pytest.approx(t_whole.area_m2.to_numpy(), rel=1e-12)
        return whole
    finally:
        m1.close()
        m2.close()


def test_snake_crossing_every_seam_is_one_patch():
    before = np.full((12, 12), 1, "uint8")
    after = before.copy()
    after[1, 1:11] = 3          # along the top
    after[1:11, 10] = 3         # down the right
    after[10, 1:11] = 3         # back along the bottom
    after[5, 5] = 3             # an island
    after[4, 4] = 3             # ... joined to the island only by a corner
    after[9, 0] = 3             # corner contact with the bottom run across a block corner
    whole = _compare(before, after, [1, 3, (3, 5), (12, 1)])
    assert whole["pixels"].tolist() == [29, 2]  # 10 + 9 + 9 along the snake, 1 by a corner; the island
    assert whole.geometry.is_valid.all()
    whole4 = _compare(before, after, [2, 5], connectivity=4)
    assert sorted(whole4["pixels"].tolist()) == [1, 1, 1, 28]


def test_ring_around_a_hole_across_blocks():
    before = np.full((9, 9), 2, "uint8")
    after = before.copy()
    after[1:8, 1:8] = 3
    after[3:6, 3:6] = 2  # a 3x3 hole
    whole = _compare(before, after, [2, 4, 5])
    assert len(whole) == 1 and whole.iloc[0]["pixels"] == 49 - 9
    assert len(whole.geometry.iloc[0].interiors) == 1


def test_geographic_raster_blocks_agree():
    rng = np.random.default_rng(7)
    before = rng.choice(np.array([1, 2], "uint8"), size=(30, 40))
    after = np.where(rng.random((30, 40)) < 0.4, np.uint8(3), before)
    t = Affine(0.0001, 0, 120.0, 0, -0.0001, 31.5)
    whole = _compare(before, after, [7, 16], transform=t, crs="EPSG:4490")
    assert whole.crs.to_epsg() == 4490


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=arrays(np.uint8, st.tuples(st.integers(1, 14), st.integers(1, 14)), elements=st.sampled_from([0, 1, 2, 3])),
    flips=st.data(),
    block=st.tuples(st.integers(1, 6), st.integers(1, 6)),
    connectivity=st.sampled_from([4, 8]),
)
def test_random_rasters_block_result_equals_one_block(before, flips, block, connectivity):
    after = flips.draw(arrays(np.uint8, before.shape, elements=st.sampled_from([0, 1, 2, 3, 3, 3])))
    _compare(before, after, [block], connectivity=connectivity, workers=1)


@settings(max_examples=60, deadline=None)
@given(mask=arrays(bool, st.tuples(st.integers(1, 12), st.integers(1, 12))), connectivity=st.sampled_from([4, 8]))
def test_label_matches_a_flood_fill(mask, connectivity):
    labels, n = label(mask, connectivity)
    h, w = mask.shape
    ref = np.zeros((h, w), int)
    k = 0
    steps = [(-1, 0), (1, 0), (0, -1), (0, 1)] + ([(-1, -1), (-1, 1), (1, -1), (1, 1)] if connectivity == 8 else [])
    for i in range(h):
        for j in range(w):
            if mask[i, j] and not ref[i, j]:
                k += 1
                ref[i, j] = k
                stack = [(i, j)]
                while stack:
                    a, b = stack.pop()
                    for da, db in steps:
                        x, y = a + da, b + db
                        if 0 <= x < h and 0 <= y < w and mask[x, y] and not ref[x, y]:
                            ref[x, y] = k
                            stack.append((x, y))
    assert n == k and (labels == ref).all()


def test_union_find_roots_are_smallest_members():
    assert union_find(6, np.array([5, 4, 2]), np.array([4, 2, 1])).tolist() == [0, 1, 1, 3, 1, 1]
    assert union_find(3, np.array([], int), np.array([], int)).tolist() == [0, 1, 2]


def test_memory_file_reads_do_not_leave_handles_open(tmp_path):
    path = tmp_path / "a.tif"
    with rasterio.open(path, "w", driver="GTiff", width=4, height=4, count=1, dtype="uint8", crs=GK, nodata=0,
                       transform=Affine(10, 0, 500000, 0, -10, 3500000)) as dst:
        dst.write(np.ones((4, 4), "uint8"), 1)
    transitions(path, path, block_size=2, workers=2)
    path.unlink()  # would fail on some systems if a handle stayed open; at least it must not raise here


def test_worker_processes_give_the_same_patches(tmp_path):
    rng = np.random.default_rng(3)
    before = rng.choice(np.array([1, 2, 4], "uint8"), size=(40, 50))
    after = np.where(rng.random((40, 50)) < 0.3, np.uint8(3), before)
    paths = []
    for name, arr in (("a", before), ("b", after)):
        with rasterio.open(tmp_path / f"{name}.tif", "w", driver="GTiff", width=50, height=40, count=1,
                           dtype="uint8", nodata=0, crs=GK, transform=TEN_M) as dst:
            dst.write(arr, 1)
        paths.append(tmp_path / f"{name}.tif")
    kw = dict(from_classes=[1, 2], to_classes=3, block_size=16, workers=2)
    threads = change_patches(*paths, executor="threads", **kw)
    processes = change_patches(*paths, executor="processes", **kw)
    assert processes.drop(columns="geometry").equals(threads.drop(columns="geometry"))
    assert shapely.equals_exact(processes.geometry.to_numpy(), threads.geometry.to_numpy(), tolerance=0).all()
    with pytest.raises(ValueError, match="executor"):
        change_patches(*paths, executor="dask", **kw)


def _pieces(mask, connectivity, pack):
    from redline.imagery._label import label_runs, runs
    from redline.imagery.patches import _polygonize

    row, c0, c1 = runs(mask)
    run_label, n = label_runs(row, c0, c1, mask.shape[1], connectivity)
    length = c1 - c0
    rr = np.repeat(row, length)
    cc = np.repeat(c0 - np.cumsum(length) + length, length) + np.arange(rr.size)
    lv = np.repeat(run_label.astype(np.int64) - 1, length)
    labels, pieces = _polygonize(rr, cc, lv, n, mask.shape, 7, 11, pack=pack)
    return sorted(zip(labels.tolist(), shapely.to_wkt(shapely.normalize(pieces)).tolist(), strict=True))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), shape=st.tuples(st.integers(1, 60), st.integers(1, 60)),
       rects=st.integers(0, 12), noise=st.floats(0, 0.05), connectivity=st.sampled_from([4, 8]))
def test_packed_polygonising_traces_the_pieces_of_the_block(seed, shape, rects, noise, connectivity):
    """Tracing each component on a canvas of packed bounding boxes gives GDAL's pieces in the block,
    vertex for vertex, each with its label."""
    rng = np.random.default_rng(seed)
    mask = rng.random(shape) < noise
    for _ in range(rects):
        y, x = rng.integers(0, shape[0]), rng.integers(0, shape[1])
        mask[y:y + rng.integers(1, 9), x:x + rng.integers(1, 9)] = True
        mask[y + 1:y + 3, x + 1:x + 3] = False  # holes and rings
    assert _pieces(mask, connectivity, True) == _pieces(mask, connectivity, False)


def test_sparse_changes_are_traced_on_a_canvas_smaller_than_the_block():
    from redline.imagery.patches import _pack

    mask = np.zeros((200, 300), bool)
    mask[10:14, 20:25] = mask[150:152, 280:300] = mask[100, 0] = True
    mask[50:60, 50:60] = True
    mask[53:56, 53:56] = False
    rr, cc = np.nonzero(mask)
    from redline.imagery._label import label

    lab, n = label(mask, 8)
    canvas, _, _ = _pack(rr, cc, lab[rr, cc].astype(np.int64) - 1, n, mask.shape)
    assert canvas.size < mask.size / 10 and np.count_nonzero(canvas) == np.count_nonzero(mask)
    assert _pieces(mask, 8, True) == _pieces(mask, 8, False)


def _write_pair(tmp_path, before, after, **profile):
    paths = []
    for name, arr in (("before", before), ("after", after)):
        path = tmp_path / f"{name}.tif"
        with rasterio.open(path, "w", driver="GTiff", width=arr.shape[1], height=arr.shape[0], count=1,
                           dtype="uint8", nodata=0, crs=GK, transform=TEN_M, **profile) as dst:
            dst.write(arr, 1)
        paths.append(path)
    return paths


def test_worker_processes_and_one_process_give_the_same_patches_across_seams(tmp_path):
    rng = np.random.default_rng(11)
    before = rng.choice(np.array([1, 2, 4], "uint8"), size=(90, 70))
    after = before.copy()
    for _ in range(40):  # rectangles, many straddling the 32-pixel seams, and noise
        y, x = rng.integers(0, 90), rng.integers(0, 70)
        after[y:y + rng.integers(1, 15), x:x + rng.integers(1, 15)] = 3
    after[rng.random(after.shape) < 0.02] = 3
    paths = _write_pair(tmp_path, before, after)
    kw = dict(from_classes=[1, 2], to_classes=3, block_size=32)
    whole = change_patches(*paths, from_classes=[1, 2], to_classes=3, block_size=1000, workers=1)
    one = change_patches(*paths, workers=1, **kw)
    processes = change_patches(*paths, executor="processes", workers=2, **kw)
    # patches crossing a seam: their pixel outline spans two blocks
    x0, y0, x1, y1 = shapely.bounds(whole.geometry.to_numpy()).T
    col0, col1 = np.floor((x0 - 500000) / 10 / 32), np.floor(((x1 - 500000) / 10 - 1) / 32)
    row0, row1 = np.floor((3500000 - y1) / 10 / 32), np.floor(((3500000 - y0) / 10 - 1) / 32)
    assert ((col0 != col1) | (row0 != row1)).sum() >= 5
    for part in (one, processes):
        assert part.drop(columns="geometry").equals(whole.drop(columns="geometry"))
        assert shapely.equals_exact(part.geometry.to_numpy(), whole.geometry.to_numpy(), tolerance=0).all()


def test_a_block_failing_in_a_worker_process_is_an_error_naming_it(tmp_path):
    import threading

    from redline.imagery._raster import BlockError

    rng = np.random.default_rng(5)
    before = rng.choice(np.array([1, 2], "uint8"), size=(64, 64))
    after = np.where(rng.random((64, 64)) < 0.3, np.uint8(3), before)
    paths = _write_pair(tmp_path, before, after, tiled=True, blockxsize=16, blockysize=16, compress="deflate")
    with rasterio.open(paths[1]) as ds:  # the tile of columns 16-31, rows 32-47 of the second date
        offset = int(ds.get_tag_item("BLOCK_OFFSET_1_2", "TIFF", bidx=1))
        size = int(ds.get_tag_item("BLOCK_SIZE_1_2", "TIFF", bidx=1))
    with open(paths[1], "r+b") as fh:
        fh.seek(offset)
        fh.write(bytes(size))  # no longer DEFLATE data
    outcome: list = []

    def run():
        try:
            change_patches(*paths, from_classes=[1, 2], to_classes=3, block_size=16, workers=2,
                           executor="processes")
        except Exception as exc:  # the test inspects it below
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "a failing block must not leave the call waiting"
    assert len(outcome) == 1 and isinstance(outcome[0], BlockError), outcome
    assert "rows 32-47, columns 16-31" in str(outcome[0]) and "worker process" in str(outcome[0])
    with pytest.raises(BlockError, match="rows 32-47, columns 16-31"):  # the same in one process
        change_patches(*paths, from_classes=[1, 2], to_classes=3, block_size=16, workers=1)


def test_progress_counts_every_block(tmp_path):
    before = np.full((30, 40), 1, "uint8")
    after = before.copy()
    after[5:25, 5:35] = 3
    paths = _write_pair(tmp_path, before, after)
    for executor, workers in (("threads", 1), ("threads", 2), ("processes", 2)):
        seen: list = []
        change_patches(*paths, from_classes=1, to_classes=3, block_size=10, workers=workers, executor=executor,
                       progress=lambda done, total, seen=seen: seen.append((done, total)))
        assert seen == [(k, 12) for k in range(1, 13)], executor
