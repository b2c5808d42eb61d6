"""Scale-out: spatial partitions never count an area twice, and the cluster gives the single-machine answer."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from redline import scale
from redline.scale import (
    Backend,
    dispatch_pairs,
    distributed_pairs,
    intersection_pairs,
    partition_left,
    right_for_partitions,
    use_backend,
)


def _cells(n=10, size=1.0):
    return gpd.GeoDataFrame({"id": range(n * n)}, geometry=[
        shapely.box(i * size, j * size, (i + 1) * size, (j + 1) * size) for i in range(n) for j in range(n)])


def test_partitions_own_each_left_feature_once():
    left = _cells()
    for k in (1, 2, 3, 7, 100, 250):
        parts = partition_left(left, k)
        allpos = np.concatenate(parts)
        assert sorted(allpos.tolist()) == list(range(len(left)))
        assert len(parts) == min(k, len(left))


def test_partitioned_frame_is_a_dask_geopandas_frame_with_the_same_partitions():
    import dask_geopandas

    left = _cells(6).set_crs("EPSG:4528")
    ddf = scale.partitioned_frame(left, 4)
    assert isinstance(ddf, dask_geopandas.GeoDataFrame)
    assert ddf.npartitions == 4
    got = [ddf.get_partition(k).compute(scheduler="sync")["id"].tolist() for k in range(4)]
    assert got == [left["id"].iloc[p].tolist() for p in partition_left(left, 4)]
    ddf.calculate_spatial_partitions()
    hulls = ddf.spatial_partitions
    assert len(hulls) == 4 and hulls.crs == left.crs
    # Hilbert runs are compact: the hulls of a 6 × 6 grid cut in 4 cover it without much overlap
    assert hulls.area.sum() <= 36 * 1.5


def test_crossing_geometries_counted_once_paper_case():
    """100 unit cells and a long strip × a 5×5 square straddling every partition edge: 25 + 1.0 m², no more."""
    left = pd.concat([_cells(), gpd.GeoDataFrame({"id": [100]}, geometry=[shapely.box(0, 4.2, 10, 4.4)])],
                     ignore_index=True)
    right = gpd.GeoDataFrame({"id": [0, 1]}, geometry=[shapely.box(2.5, 2.5, 7.5, 7.5),
                                                        shapely.box(20, 20, 21, 21)])  # far away: no pair
    full = intersection_pairs(left, right)
    for k in (1, 2, 3, 5, 7, 13):
        got = distributed_pairs(intersection_pairs, left, right, npartitions=k)
        assert not got.duplicated(["left", "right"]).any()
        pd.testing.assert_frame_equal(got, full)
        cells = got[got["left"] < 100]
        assert cells["area"].sum() == pytest.approx(25.0, abs=1e-12)
        assert got.loc[got["left"] == 100, "area"].sum() == pytest.approx(5 * 0.2, abs=1e-12)
        # the big square is sent to every partition whose features touch it, the far one to none
        rights = right_for_partitions(left, right, partition_left(left, k))
        assert all(1 not in r for r in rights)
        assert sum(0 in r for r in rights) >= min(k, 2)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100), st.floats(0.1, 40), st.floats(0.1, 40)),
                min_size=1, max_size=40),
       st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100), st.floats(0.1, 60), st.floats(0.1, 60)),
                min_size=0, max_size=15),
       st.integers(1, 9))
def test_partitioned_pairs_equal_single_machine(lbox, rbox, k):
    left = gpd.GeoDataFrame(geometry=[shapely.box(x, y, x + w, y + h) for x, y, w, h in lbox])
    right = gpd.GeoDataFrame(geometry=[shapely.box(x, y, x + w, y + h) for x, y, w, h in rbox])
    full = intersection_pairs(left, right)
    got = distributed_pairs(intersection_pairs, left, right, npartitions=k)
    pd.testing.assert_frame_equal(got, full)


def _touching_ids(left, right, tag="x"):
    """A kernel that returns extra columns, to check they pass through and positions map back."""
    res = intersection_pairs(left, right)
    res["label"] = [f"{tag}:{left.iloc[i]['id']}>{right.iloc[j]['id']}" for i, j in zip(res["left"], res["right"],
                                                                                         strict=True)]
    return res


def test_kernel_columns_and_positions_map_back():
    left = _cells(6)
    right = gpd.GeoDataFrame({"id": [10, 11]}, geometry=[shapely.box(1.5, 1.5, 4.5, 2.5), shapely.box(0, 5.5, 6, 6)])
    full = _touching_ids(left, right, tag="t")
    got = distributed_pairs(_touching_ids, left, right, npartitions=4, tag="t")
    pd.testing.assert_frame_equal(got, full)
    assert got["label"].str.startswith("t:").all()


def test_dispatch_is_local_without_backend_and_partitioned_with_it():
    left, right = _cells(4), gpd.GeoDataFrame({"id": [0]}, geometry=[shapely.box(0.5, 0.5, 3.5, 3.5)])
    seen = []

    def kernel(a, b):
        seen.append(len(a))
        return intersection_pairs(a, b)

    base = dispatch_pairs(kernel, left, right)
    assert seen == [16]
    with use_backend(Backend(client=None, npartitions=4)):
        part = dispatch_pairs(kernel, left, right)
    assert sorted(seen[1:]) == [4, 4, 4, 4]
    pd.testing.assert_frame_equal(part, base)


def test_empty_inputs():
    left = _cells(2)
    none = gpd.GeoDataFrame(geometry=[])
    assert distributed_pairs(intersection_pairs, left, none, npartitions=3).empty
    assert distributed_pairs(intersection_pairs, none, left, npartitions=3).empty


@pytest.fixture(scope="module")
def local_client():
    distributed = pytest.importorskip("distributed")
    with scale.cluster("local", n_workers=2) as client:
        assert isinstance(client, distributed.Client)
        yield client


@pytest.mark.slow
def test_local_cluster_same_pairs(local_client):
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 1000, size=(3000, 2))
    left = gpd.GeoDataFrame(geometry=shapely.box(xy[:, 0], xy[:, 1], xy[:, 0] + 15, xy[:, 1] + 12))
    cxy = rng.uniform(0, 1000, size=(300, 2))
    right = gpd.GeoDataFrame(geometry=shapely.buffer(shapely.points(cxy), 30, quad_segs=4))
    full = intersection_pairs(left, right)
    got = distributed_pairs(intersection_pairs, left, right, client=local_client, npartitions=6)
    pd.testing.assert_frame_equal(got, full)
    assert len(local_client.scheduler_info()["workers"]) == 2


@pytest.mark.slow
def test_run_uses_the_cluster_for_an_audit(monkeypatch, local_client):
    """scale.run prepares the layers like the pipeline and routes the audit's pairs through the cluster."""
    from redline import registry
    from redline.spec import AuditSpec, InputSpec

    calls = []

    def runner(layers, params, ctx):
        a, s = layers["approvals"], layers["supplies"]
        calls.append(ctx.backend)
        pairs = dispatch_pairs(intersection_pairs, a, s, backend=ctx.backend)
        covered = np.bincount(pairs["left"], weights=pairs["area"], minlength=len(a))
        return {"covered": pd.DataFrame({"approval_id": a["approval_id"].to_numpy(), "covered_m2": covered})}

    spec = AuditSpec(id="covered_test", label_zh="测试", label_en="test", group="test",
                     inputs=(InputSpec("approvals", "approvals"), InputSpec("supplies", "supplies")), outputs=(),
                     runner=runner)
    monkeypatch.setattr(registry, "get_spec", lambda audit_id: spec)
    x0, y0 = 40_500_000.0, 3_540_000.0
    approvals = gpd.GeoDataFrame({"approval_id": [f"A{i}" for i in range(40)],
                                  "approval_date": [dt.date(2020, 1, 1)] * 40},
                                 geometry=[shapely.box(x0 + 100 * i, y0, x0 + 100 * i + 90, y0 + 90)
                                           for i in range(40)], crs="EPSG:4528")
    supplies = gpd.GeoDataFrame({"supply_id": ["S0", "S1"], "supply_date": [dt.date(2021, 1, 1)] * 2},
                                geometry=[shapely.box(x0 + 45, y0 + 45, x0 + 3045, y0 + 60),
                                          shapely.box(x0 + 1000, y0, x0 + 1090, y0 + 90)], crs="EPSG:4528")
    res = scale.run("covered_test", {"approvals": approvals, "supplies": supplies}, scheduler=local_client,
                    npartitions=5, as_of="2026-06-30")
    assert calls[0].client is local_client
    got = res["covered"].set_index("approval_id")["covered_m2"]
    # S0 is a 3000 × 15 m strip from x0+45: A0 gets 45 × 15, A1..A29 get 90 × 15, A30 gets 45 × 15 (edges at 3045)
    assert got["A0"] == pytest.approx(45 * 15, rel=1e-9)
    assert got["A5"] == pytest.approx(90 * 15, rel=1e-9)
    # S1 covers A10 whole and S0 crosses it too: this kernel sums pairs, so both count
    assert got["A10"] == pytest.approx(90 * 90 + 90 * 15, rel=1e-9)
    assert got["A30"] == pytest.approx(45 * 15, rel=1e-9)
    assert got["A39"] == 0
    assert scale.active_backend() is None


def _example_layers(which):
    example = pytest.importorskip("redline.example")
    if which == "example":
        return example.load_example()
    try:
        from redline.example.synthetic import synthetic
    except ImportError as exc:
        pytest.skip(f"redline.example.synthetic() is not available yet: {exc}")
    return synthetic(scale=0.02)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["example", "synthetic"])
@pytest.mark.parametrize("audit_id", ["approved_not_supplied", "supplied_not_used", "three_line_conflicts"])
def test_overlay_audits_identical_on_the_cluster(audit_id, which, local_client):
    from redline.registry import all_specs

    specs = {s.id: s for s in all_specs()}
    if audit_id not in specs:
        pytest.skip(f"audit {audit_id} is not in this build yet")
    layers = _example_layers(which)
    spec = specs[audit_id]
    inputs = {i.name: layers[i.name] for i in spec.inputs if i.name in layers}
    from redline.pipeline import run_audits

    single = run_audits(inputs, audits=[audit_id], as_of="2026-06-30", ledger=False).outputs
    before = distributed_pairs.calls
    dist = scale.run(audit_id, inputs, scheduler=local_client, npartitions=5, as_of="2026-06-30")
    assert distributed_pairs.calls > before, "the audit's engine does not route its pairs via dispatch_pairs"
    assert set(dist) == set(single)
    assert sum(len(f) for f in single.values()) > 0
    for name, frame in single.items():
        pd.testing.assert_frame_equal(pd.DataFrame(dist[name]).drop(columns="geometry", errors="ignore"),
                                      pd.DataFrame(frame).drop(columns="geometry", errors="ignore"))
        if isinstance(frame, gpd.GeoDataFrame):
            a = np.asarray(frame.geometry.values, dtype=object)
            b = np.asarray(dist[name].geometry.values, dtype=object)
            assert (shapely.equals_exact(a, b, tolerance=0) | (shapely.is_missing(a) & shapely.is_missing(b))).all()


def test_cli_option_gives_the_command_a_backend():
    import click
    from click.testing import CliRunner

    from redline.cli._scale import scale_options

    seen = []

    @click.command()
    @click.option("--name", default="x")
    @scale_options
    def cmd(name, backend):
        b = backend
        seen.append((name, None if b is None else (b.client, b.npartitions)))

    runner = CliRunner()
    assert runner.invoke(cmd, ["--name", "a"]).exit_code == 0
    assert runner.invoke(cmd, ["--name", "b", "--scheduler", "sync", "--partitions", "3"]).exit_code == 0
    assert seen == [("a", None), ("b", (None, 3))]
    assert "--scheduler" in runner.invoke(cmd, ["--help"]).output


@pytest.mark.slow
@pytest.mark.parametrize("left_name,right_name", [("approvals", "supplies"), ("supplies", "buildings"),
                                                  ("farmland", "growth_boundary")])
def test_example_county_pairs_identical_on_the_cluster(left_name, right_name, local_client):
    """The example county's real overlays, through the reference kernel: cluster == one machine, bit for bit."""
    layers = _example_layers("example")
    left, right = layers[left_name], layers[right_name]
    full = intersection_pairs(left, right)
    assert len(full) > 0
    got = distributed_pairs(intersection_pairs, left, right, client=local_client, npartitions=7)
    pd.testing.assert_frame_equal(got, full)
    assert not got.duplicated(["left", "right"]).any()


@pytest.mark.slow
def test_redline_audit_cli_with_scheduler_gives_the_same_results(tmp_path):
    """`redline audit ... --scheduler sync` (partitioned, in-process) writes the same layers as without it."""
    import pyogrio
    from click.testing import CliRunner

    from redline.cli.audit import command
    from redline.example import example_path

    g = str(example_path())
    base = ["--approvals", f"{g}:approvals", "--supplies", f"{g}:supplies", "--as-of", "2026-06-30", "-q"]
    before = distributed_pairs.calls
    runner = CliRunner()
    plain = runner.invoke(command, [*base, "--out", str(tmp_path / "plain")])
    assert plain.exit_code == 0, plain.output
    assert distributed_pairs.calls == before
    parted = runner.invoke(command, [*base, "--out", str(tmp_path / "parted"), "--scheduler", "sync",
                                     "--partitions", "5"])
    assert parted.exit_code == 0, parted.output
    assert distributed_pairs.calls > before
    a, b = tmp_path / "plain" / "redline_results.gpkg", tmp_path / "parted" / "redline_results.gpkg"
    names = [n for n, _ in pyogrio.list_layers(a) if n not in ("redline_run", "layer_styles")]
    assert "approved_not_supplied" in names
    for name in names:
        x, y = pyogrio.read_dataframe(a, layer=name), pyogrio.read_dataframe(b, layer=name)
        pd.testing.assert_frame_equal(pd.DataFrame(x).drop(columns="geometry", errors="ignore"),
                                      pd.DataFrame(y).drop(columns="geometry", errors="ignore"))
        if "geometry" in x:
            gx, gy = np.asarray(x.geometry.values, dtype=object), np.asarray(y.geometry.values, dtype=object)
            assert (shapely.equals_exact(gx, gy, tolerance=0) | (shapely.is_missing(gx) & shapely.is_missing(gy))).all()


def test_engine_kernels_given_a_backend_give_the_local_results():
    """backend= on the kernels themselves: partitioned in-process, the same pairs, areas, fallback levels."""
    from redline.boundaries import _fast
    from redline.overlay import _engine

    layers = _example_layers("example")
    a = np.asarray(layers["approvals"].geometry.values, dtype=object)
    s = np.asarray(layers["supplies"].geometry.values, dtype=object)
    b = Backend(client=None, npartitions=5)
    before = distributed_pairs.calls
    local, routed = _engine.pair_index(a, s), _engine.pair_index(a, s, backend=b)
    for name in ("left", "right", "left_covers", "left_within"):
        np.testing.assert_array_equal(getattr(routed, name), getattr(local, name))
    for pairs in (None, local):
        x, y = _engine.pair_areas(a, s, pairs=pairs, return_fallback=True), _engine.pair_areas(
            a, s, pairs=pairs, return_fallback=True, backend=b)
        np.testing.assert_array_equal(x[1], y[1])
        np.testing.assert_array_equal(x[2], y[2])
        r1 = _engine.remnants(a, s, pairs=pairs)
        r2 = _engine.remnants(a, s, pairs=pairs, backend=b)
        for name in ("area", "covered", "partners", "factor", "fallback"):
            np.testing.assert_array_equal(getattr(r2, name), getattr(r1, name))
        assert shapely.equals_exact(r1.remnant, r2.remnant, tolerance=0).all()
    f, g = layers["farmland"].geometry.values, layers["growth_boundary"].geometry.values
    pd.testing.assert_frame_equal(_fast.overlay_pairs(f, g, backend=b).drop(columns="geometry"),
                                  _fast.overlay_pairs(f, g).drop(columns="geometry"))
    assert distributed_pairs.calls >= before + 6


def test_use_backend_replaces_no_function():
    from redline.boundaries import _fast
    from redline.overlay import _engine

    kernels = [_engine.pair_index, _engine.pair_areas, _engine.remnants, _fast.overlay_pairs]
    with use_backend(Backend(client=None, npartitions=3)) as b:
        assert scale.active_backend() is b
        assert [_engine.pair_index, _engine.pair_areas, _engine.remnants, _fast.overlay_pairs] == kernels
    assert scale.active_backend() is None
