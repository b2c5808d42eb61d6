"""Scale-out on Dask: the same overlay kernel, run per spatial partition on a local or remote Dask cluster.

When one machine is not enough (a province, the national register), the overlay audits run their pairs kernel
partition by partition on a Dask cluster and merge the pairs tables; the findings are computed from the merged
table exactly as on one machine, so the results are identical.

How the work is split (never counting an area twice)
----------------------------------------------------
- The LEFT layer (approvals, supplies, farmland: the side the audit reports on) is partitioned spatially: features
  are ordered along a Hilbert curve by the centre of their bounding box (as dask-geopandas' ``spatial_shuffle``
  does) and cut into ``npartitions`` runs of equal count. Each left feature belongs to exactly ONE partition,
  however far it reaches across a partition's edge.
- Each partition receives every RIGHT feature (supplies, buildings, boundaries) whose bounding box intersects the
  bounding box of one of its left features: a right feature crossing several partitions is broadcast to each of
  them. A (left, right) pair is therefore computed once, in its left feature's partition.
- The kernel returns positional ``left``/``right`` indices into the frames it was given; they are mapped back to
  the whole layers and the merged table is sorted by (left, right), so its row order does not depend on the
  partitioning either.

API
---
- :class:`Backend` ``(client, npartitions)``: where pairs are computed. The engine kernels
  (:func:`redline.overlay._engine.pair_index`, ``pair_areas``, ``remnants``, ``overlay_areas``,
  :func:`redline.boundaries._fast.overlay_pairs`) and the overlay audits take ``backend=``; the spec runners pass
  ``RunContext.backend``, which :class:`redline.options.RunOptions` ``backend`` sets (``redline audit
  --scheduler``). ``None``: one machine.
- :func:`use_backend` context manager: the backend a kernel uses when it is given none (a context variable read
  by the same code path; nothing is replaced).
- :func:`dispatch_pairs` ``(kernel, left, right, *, backend=None, **kw)``: ``kernel(left, right, **kw)`` locally,
  or partition-wise on the backend.
- :func:`distributed_pairs` the partition-wise run itself, for a given client.
- :func:`cluster` context manager: ``"local"`` (a ``distributed.LocalCluster``, ``n_workers`` processes of one thread),
  an address ``"tcp://host:8786"`` (an existing scheduler), ``"sync"`` (dask in-process, for debugging), or a
  ``distributed.Client``.
- :func:`run` ``(audit_id, layers, *, scheduler="local", n_workers=2, npartitions=None, **audit_kwargs)``: run one
  audit with the pairs computed on the cluster.
- :func:`intersection_pairs`: the reference kernel (shapely 2 STRtree bulk query + exact intersection areas).

Cost: a LocalCluster takes 2-4 s to start and every partition is pickled to a worker process; on one machine
threads are faster (see ``benchmarks/bench_engines.py``). Use it when the layers do not fit one machine's memory, or
with a cluster of several machines.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

log = logging.getLogger("redline.scale")

__all__ = [
    "Backend",
    "active_backend",
    "call_local",
    "cluster",
    "dispatch_pairs",
    "distributed_pairs",
    "intersection_pairs",
    "partition_left",
    "partitioned_frame",
    "resolve_backend",
    "right_for_partitions",
    "run",
    "use_backend",
]

PAIR_COLUMNS = ("left", "right")


def intersection_pairs(left: gpd.GeoSeries | gpd.GeoDataFrame, right: gpd.GeoSeries | gpd.GeoDataFrame
                       ) -> pd.DataFrame:
    """Pairs table ``(left, right, area)`` of every intersecting pair, positions into the given frames.

    The tree is built on ``right``, queried in bulk with ``left`` (``predicate="intersects"``); the area is that
    of the exact intersection (planar, in the layers' CRS units). Rows sorted by (left, right).
    """
    lg = np.asarray(left.geometry.values if hasattr(left, "geometry") else left.values, dtype=object)
    rg = np.asarray(right.geometry.values if hasattr(right, "geometry") else right.values, dtype=object)
    if len(lg) == 0 or len(rg) == 0:
        return pd.DataFrame({"left": np.array([], dtype=np.int64), "right": np.array([], dtype=np.int64),
                             "area": np.array([], dtype=float)})
    tree = shapely.STRtree(rg)
    li, ri = tree.query(lg, predicate="intersects")
    area = shapely.area(shapely.intersection(lg[li], rg[ri]))
    out = pd.DataFrame({"left": li.astype(np.int64), "right": ri.astype(np.int64), "area": area})
    return out.sort_values(["left", "right"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------- partitioning


def _geoms(frame) -> np.ndarray:
    if isinstance(frame, np.ndarray):
        return frame.astype(object, copy=False)
    if hasattr(frame, "geometry") and hasattr(frame, "iloc"):
        return np.asarray(frame.geometry.values, dtype=object)
    return np.asarray(getattr(frame, "values", frame), dtype=object)


def partition_left(left, npartitions: int) -> list[np.ndarray]:
    """Positions of ``left`` per partition: Hilbert order of bbox centres, cut into equal runs.

    Every position appears in exactly one partition (empty/missing geometries go with the last one).
    """
    geoms = _geoms(left)
    n = len(geoms)
    npartitions = max(1, min(int(npartitions), max(n, 1)))
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    ok = np.flatnonzero(~missing)
    if len(ok):
        series = gpd.GeoSeries(geoms[ok])
        dist = np.asarray(series.hilbert_distance(total_bounds=series.total_bounds, level=16))
        ok = ok[np.argsort(dist, kind="stable")]
    # each run sorted: local order = global order, so order-dependent steps (unions) see the same sequence
    parts = [np.sort(np.asarray(p, dtype=np.int64)) for p in np.array_split(ok, npartitions)]
    if missing.any():
        parts[-1] = np.sort(np.concatenate([parts[-1], np.flatnonzero(missing)]))
    return parts


def partitioned_frame(left: gpd.GeoDataFrame, npartitions: int):
    """``left`` as a dask-geopandas GeoDataFrame whose partitions are exactly :func:`partition_left`'s.

    For users who go on with dask-geopandas themselves (``.spatial_partitions``, ``sjoin``, ``to_parquet``): each
    partition holds the features it owns, in their original order; ``calculate_spatial_partitions()`` gives each
    partition's hull.
    """
    import dask.dataframe as dd
    import dask_geopandas

    parts = partition_left(left, npartitions)
    frames = [left.iloc[p] for p in parts]
    ddf = dd.from_map(_identity, frames, meta=left.iloc[:0], enforce_metadata=False)
    return dask_geopandas.from_dask_dataframe(ddf, geometry=left.geometry.name)


def _identity(frame):
    return frame


def right_for_partitions(left, right, parts: list[np.ndarray]) -> list[np.ndarray]:
    """For each partition, the positions of the right features whose bbox meets a bbox of its left features."""
    lg, rg = _geoms(left), _geoms(right)
    if len(rg) == 0:
        return [np.array([], dtype=np.int64) for _ in parts]
    tree = shapely.STRtree(shapely.envelope(rg))
    li, ri = tree.query(shapely.envelope(lg))  # bbox candidates only: cheap
    owner = np.empty(len(lg), dtype=np.int64)
    for k, p in enumerate(parts):
        owner[p] = k
    part_of_pair = owner[li]
    out = []
    for k in range(len(parts)):
        out.append(np.unique(ri[part_of_pair == k]))
    return out


def resolve_kernel(kernel: Callable[..., Any] | tuple[str, str]) -> Callable[..., Any]:
    """A kernel given as a callable, or as ``("module", "name")`` (an engine function, found by its name)."""
    if callable(kernel):
        return kernel
    import importlib

    module, name = kernel
    fn: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return fn


def call_local(kernel: Callable[..., Any] | tuple[str, str], *args: Any, **kwargs: Any) -> Any:
    """Run ``kernel`` here with no scale backend in force (so an engine kernel computes, rather than splits)."""
    token = _BACKEND.set(None)
    try:
        return resolve_kernel(kernel)(*args, **kwargs)
    finally:
        _BACKEND.reset(token)


def _run_part(kernel, left_part, right_part, lpos, rpos, kwargs):
    res = call_local(kernel, left_part, right_part, **kwargs)
    res = res.copy()
    res["left"] = lpos[res["left"].to_numpy(np.int64)]
    res["right"] = rpos[res["right"].to_numpy(np.int64)]
    return res


class _WKB:
    """An object array of geometries as one WKB array: pickling 35 000 shapely objects one by one takes ~1 s,
    ``shapely.to_wkb`` on the array a few ms; coordinates survive exactly."""

    def __init__(self, wkb: np.ndarray) -> None:
        self.wkb = wkb


class _WKBFrame:
    def __init__(self, frame: pd.DataFrame, geoms: dict, order: list) -> None:
        self.frame, self.geoms, self.order = frame, geoms, order


def _is_geom_array(x) -> bool:
    if not (isinstance(x, np.ndarray) and x.dtype == object and x.ndim == 1 and len(x)):
        return False
    isg = shapely.is_geometry(x)
    return bool(isg.any() and (isg | shapely.is_missing(x)).all())


def _pack(x):
    """Geometry arrays inside ``x`` (tuples, dicts, dataclasses, DataFrames) as WKB, for sending to workers."""
    import dataclasses

    if _is_geom_array(x):
        return _WKB(shapely.to_wkb(x))
    if isinstance(x, tuple | list):
        return type(x)(_pack(v) for v in x)
    if isinstance(x, dict):
        return {k: _pack(v) for k, v in x.items()}
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return type(x)(**{f.name: _pack(getattr(x, f.name)) for f in dataclasses.fields(x)})
    if isinstance(x, pd.DataFrame) and not isinstance(x, gpd.GeoDataFrame):
        cols = [c for c in x.columns if x[c].dtype == object and _is_geom_array(x[c].to_numpy())]
        if cols:
            return _WKBFrame(x.drop(columns=cols), {c: shapely.to_wkb(x[c].to_numpy()) for c in cols},
                             list(x.columns))
    return x


def _unpack(x):
    import dataclasses

    if isinstance(x, _WKB):
        return shapely.from_wkb(x.wkb)
    if isinstance(x, _WKBFrame):
        out = x.frame.copy()
        for c, wkb in x.geoms.items():
            out[c] = shapely.from_wkb(wkb)
        return out[x.order]
    if isinstance(x, tuple | list):
        return type(x)(_unpack(v) for v in x)
    if isinstance(x, dict):
        return {k: _unpack(v) for k, v in x.items()}
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return type(x)(**{f.name: _unpack(getattr(x, f.name)) for f in dataclasses.fields(x)})
    return x


def _remote(kernel, args, kwargs):
    return _pack(call_local(kernel, *_unpack(args), **_unpack(kwargs)))


def map_partitions(kernel, jobs: list[tuple], client=None, per_job: list[dict] | None = None, **kwargs) -> list:
    """``kernel(*job, **kwargs, **per_job[i])`` for every job, on ``client`` (or here, one after another), in order.

    Geometry arrays travel as WKB both ways (see :class:`_WKB`).
    """
    per_job = per_job if per_job is not None else [{}] * len(jobs)
    if client is None:
        return [call_local(kernel, *job, **kwargs, **extra) for job, extra in zip(jobs, per_job, strict=True)]
    futures = [client.submit(_remote, kernel, _pack(tuple(job)), _pack({**kwargs, **extra}), pure=False)
               for job, extra in zip(jobs, per_job, strict=True)]
    return [_unpack(r) for r in client.gather(futures)]


def default_npartitions(n_left: int, client=None) -> int:
    workers = len(client.scheduler_info().get("workers", {})) if client is not None else 1
    return max(2 * max(workers, 1), math.ceil(n_left / 25_000))


def distributed_pairs(kernel: Callable, left, right, *, client=None, npartitions: int | None = None,
                      **kwargs) -> pd.DataFrame:
    """``kernel(left, right, **kwargs)`` computed per spatial partition on a Dask client, merged.

    Parameters
    ----------
    kernel : callable
        ``kernel(left_frame, right_frame, **kwargs) -> DataFrame`` with integer columns ``left`` and ``right``
        (positions into the frames given) and any further columns (areas...). It must be picklable (a module-level
        function) to run on worker processes.
    left, right : GeoDataFrame or GeoSeries
    client : distributed.Client or None
        None runs the partitions in this process, one after another (same split, no cluster).
    npartitions : int, optional
        Default: ``max(2 × workers, ceil(len(left) / 25 000))``.

    Returns
    -------
    DataFrame
        The kernel's pairs with positions into the whole ``left`` and ``right``, sorted by (left, right).
    """
    count_partitioned_run()
    if npartitions is None:
        npartitions = default_npartitions(len(left), client)
    parts = partition_left(left, npartitions)
    rights = right_for_partitions(left, right, parts)
    jobs = [(lp, rp) for lp, rp in zip(parts, rights, strict=True) if len(lp) and len(rp)]
    log.info("scale: %d left x %d right in %d partitions (%d with work); right features sent: %d",
             len(left), len(right), len(parts), len(jobs), sum(len(r) for _, r in jobs))
    if client is None:
        results = [_run_part(kernel, left.iloc[lp], right.iloc[rp], lp, rp, kwargs) for lp, rp in jobs]
    else:
        futures = [client.submit(_run_part, kernel, left.iloc[lp], right.iloc[rp], lp, rp, kwargs, pure=False)
                   for lp, rp in jobs]
        results = client.gather(futures)
    if not results:
        empty = call_local(kernel, left.iloc[:0], right.iloc[:0], **kwargs)
        return empty.reset_index(drop=True)
    out = pd.concat(results, ignore_index=True)
    return out.sort_values(["left", "right"], kind="stable").reset_index(drop=True)


class _Counted(Protocol):
    calls: int


def count_partitioned_run() -> None:
    """One more partitioned run in ``distributed_pairs.calls``."""
    cast(_Counted, distributed_pairs).calls += 1


cast(_Counted, distributed_pairs).calls = 0  # partitioned runs made by this process (routed engine calls count too)


# ---------------------------------------------------------------- backend selection


@dataclass
class Backend:
    """Where pairs are computed: a Dask ``client`` (None: the partitions run here, one after another) and the
    number of spatial partitions (None: :func:`default_npartitions`)."""

    client: object = None
    npartitions: int | None = None


_BACKEND: contextvars.ContextVar[Backend | None] = contextvars.ContextVar("redline_scale_backend", default=None)


def active_backend() -> Backend | None:
    """The default scale backend set by :func:`use_backend`, or None (single machine)."""
    return _BACKEND.get()


def resolve_backend(backend: Backend | None) -> Backend | None:
    """The backend a kernel computes on: the one it was given, else the :func:`use_backend` default."""
    return backend if backend is not None else _BACKEND.get()


@contextlib.contextmanager
def use_backend(backend: Backend | None) -> Iterator[Backend | None]:
    """Within this block, the kernels given no ``backend=`` compute on ``backend`` (a context variable: other
    threads and tasks are not affected, and no function is replaced)."""
    token = _BACKEND.set(backend)
    try:
        yield backend
    finally:
        _BACKEND.reset(token)


def dispatch_pairs(kernel: Callable[..., pd.DataFrame], left: Any, right: Any, *, backend: Backend | None = None,
                   **kwargs: Any) -> pd.DataFrame:
    """``kernel(left, right, **kwargs)``: here, or partition-wise on ``backend`` (default: :func:`use_backend`'s)."""
    backend = resolve_backend(backend)
    if backend is None:
        return kernel(left, right, **kwargs)
    return distributed_pairs(kernel, left, right, client=backend.client, npartitions=backend.npartitions, **kwargs)


def _warm_up() -> None:
    """Import the engines on a worker once, at cluster start, rather than inside the first task."""
    import importlib

    for name in ("redline.overlay._engine", "redline.boundaries._fast"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


@contextlib.contextmanager
def cluster(scheduler="local", *, n_workers: int = 2, threads_per_worker: int = 1) -> Iterator[object]:
    """A Dask client for ``scheduler``, closed (with its local cluster) on exit.

    ``"local"``/None: a ``distributed.LocalCluster`` of ``n_workers`` processes; ``"sync"``: no cluster, partitions
    run in this process (yields None); an address (``tcp://host:8786``): an existing scheduler (left running);
    a ``distributed.Client``: used as is (left open).
    """
    if scheduler == "sync":
        yield None
        return
    try:
        import distributed
    except ImportError:
        from ..errors import RedlineError

        raise RedlineError("scale-out needs dask: pip install 'redline[scale]'") from None
    if scheduler is not None and not isinstance(scheduler, str):
        yield scheduler
        return
    if scheduler in (None, "local"):
        quiet = logging.getLogger("distributed")
        level = quiet.level
        quiet.setLevel(logging.WARNING)  # the scheduler's INFO chatter is not for bureau users
        try:
            with distributed.LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker,
                                          processes=True, dashboard_address=":0", silence_logs=logging.ERROR) as lc, \
                    distributed.Client(lc) as client:
                client.run(_warm_up)
                yield client
        finally:
            quiet.setLevel(level)
        return
    try:
        client = distributed.Client(scheduler, timeout="20s")
    except OSError as exc:
        from ..errors import RedlineIOError

        raise RedlineIOError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        client.run(_warm_up)
        yield client
    finally:
        client.close()


def run(audit_id: str, layers: dict, *, scheduler="local", n_workers: int = 2, npartitions: int | None = None,
        **audit_kwargs):
    """Run one audit with its pairs computed on a Dask cluster; same result as running it on one machine.

    Parameters
    ----------
    audit_id : str
        An audit id from the registry (``approved_not_supplied``, ``supplied_not_used``, ``three_line_conflicts``...).
    layers : mapping
        The audit's inputs by name (GeoDataFrames), as for ``spec.run``.
    scheduler : "local", "sync", an address, or a distributed.Client
    n_workers : int
        Workers of a local cluster.
    npartitions : int, optional
    **audit_kwargs
        ``as_of``, ``rules``, ``area_method``, ``crs``, ``strict`` and the audit's own parameters.

    Returns
    -------
    dict
        Output name -> frame, as the audit's spec returns them.
    """
    from ..pipeline import to_date
    from ..registry import get_spec
    from ..rules import resolve_rules
    from ..spec import RunContext
    from ..validate import prepare_layers

    spec = get_spec(audit_id)
    as_of = to_date(audit_kwargs.pop("as_of", None))
    rules = resolve_rules(audit_kwargs.pop("rules", None))
    area_method = audit_kwargs.pop("area_method", "ellipsoidal")
    strict = audit_kwargs.pop("strict", False)
    crs = audit_kwargs.pop("crs", None)
    kinds = {i.name: i.kind for i in spec.inputs}
    prepared = prepare_layers({n: (g, kinds[n]) for n, g in layers.items() if n in kinds and g is not None},
                              crs=crs, strict=strict)
    inputs = {i.name: prepared.layers.get(i.name) for i in spec.inputs}
    with cluster(scheduler, n_workers=n_workers) as client:
        ctx = RunContext(as_of=as_of, rules=rules, area_method=area_method, crs=prepared.working, strict=strict,
                         progress=None, backend=Backend(client, npartitions))
        return spec.run(inputs, audit_kwargs, ctx)
