"""Routing the audit engines' kernels through the cluster while a scale backend is active.

The overlay audits call a handful of kernels: :func:`redline.overlay._engine.pair_index`, ``pair_areas`` and
``remnants`` (批而未供, 供而未用, 用而不足), and :func:`redline.boundaries._fast.overlay_pairs` (三区三线 conflicts,
development intensity). Each is a function of a LEFT and a RIGHT geometry array whose results are per left
feature or per (left, right) pair, so it can run per spatial partition of the left side (with the right features
each partition needs) and be merged back exactly.

While :func:`redline.scale.use_backend` is active, those functions are replaced — in their own module and in every
``redline`` module that imported them by name — by wrappers that split, run the ORIGINAL function per partition
(on the Dask workers, where nothing is replaced), and merge. Without an active backend in the calling context the
wrappers call the original directly, so nothing changes for other code. On leaving the block the originals are
put back.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from . import Backend

__all__ = ["ROUTES", "installed", "original"]


def _objects(x) -> np.ndarray:
    if hasattr(x, "geometry") and hasattr(x, "iloc"):
        x = x.geometry.values
    elif hasattr(x, "values") and not isinstance(x, np.ndarray):
        x = x.values
    return np.asarray(x, dtype=object)


def _split(left, right, pairs=None):
    """Partitions of left, the right features each needs, and (when given) each one's share of ``pairs``."""
    from . import count_partitioned_run, default_npartitions, partition_left, right_for_partitions

    count_partitioned_run()
    backend = _backend()
    n = backend.npartitions or default_npartitions(len(left), backend.client)
    parts = partition_left(left, n)
    rights = right_for_partitions(left, right, parts)
    shares: list[tuple[np.ndarray, Any] | None] = [None] * len(parts)
    if pairs is not None:
        owner = np.empty(len(left), dtype=np.int64)
        for k, p in enumerate(parts):
            owner[p] = k
        rinv = np.full(len(right), -1, dtype=np.int64)
        linv = np.empty(len(left), dtype=np.int64)
        of = owner[pairs.left]
        for k, (lp, rp) in enumerate(zip(parts, rights, strict=True)):
            rows = np.flatnonzero(of == k)
            linv[lp] = np.arange(len(lp))
            rinv[:] = -1
            rinv[rp] = np.arange(len(rp))
            lr = rinv[pairs.right[rows]]
            if (lr < 0).any():  # cannot happen: a pair's bboxes intersect
                raise AssertionError("a pair's right feature was not sent to its left feature's partition")
            shares[k] = (rows, type(pairs)(linv[pairs.left[rows]], lr, pairs.left_covers[rows],
                                           pairs.left_within[rows], len(lp), len(rp)))
    return parts, rights, shares


def _backend() -> Backend:
    from . import active_backend

    backend = active_backend()
    if backend is None:
        raise RuntimeError("a routed call is split only while a scale backend is active")
    return backend


def _map(ref, jobs, kwargs):
    from . import map_partitions

    return map_partitions(ref, jobs, client=_backend().client, **kwargs)


def _merge_pairs(results, parts, rights, n_left, n_right):
    """PairIndex pieces with local positions -> one PairIndex in global positions, sorted by (left, right)."""
    from ..overlay._engine import PairIndex

    li = np.concatenate([lp[r.left] for r, lp in zip(results, parts, strict=True)] or [np.zeros(0, np.int64)])
    ri = np.concatenate([rp[r.right] for r, rp in zip(results, rights, strict=True)] or [np.zeros(0, np.int64)])
    cov = np.concatenate([r.left_covers for r in results] or [np.zeros(0, bool)])
    wit = np.concatenate([r.left_within for r in results] or [np.zeros(0, bool)])
    order = np.lexsort((ri, li))
    return PairIndex(li[order].astype(np.int64), ri[order].astype(np.int64), cov[order], wit[order],
                     n_left, n_right), order


def _pair_index(ref, left, right, *args, tree=None, **kwargs):
    left, right = _objects(left), _objects(right)
    parts, rights, _ = _split(left, right)
    results = _map(ref, [(left[lp], right[rp]) for lp, rp in zip(parts, rights, strict=True)], kwargs)
    return _merge_pairs(results, parts, rights, len(left), len(right))[0]


def _pair_areas(ref, left, right, *, pairs=None, **kwargs):
    left, right = _objects(left), _objects(right)
    parts, rights, shares = _split(left, right, pairs)
    jobs = [(left[lp], right[rp]) for lp, rp in zip(parts, rights, strict=True)]
    if pairs is None:
        results = _map(ref, jobs, kwargs)
        merged, order = _merge_pairs([r[0] for r in results], parts, rights, len(left), len(right))
        area = np.concatenate([r[1] for r in results] or [np.zeros(0)])[order]
        return merged, area
    area = np.zeros(len(pairs.left))
    results = _map_with_pairs(ref, jobs, shares, kwargs)
    for (rows, _), res in zip(shares, results, strict=True):
        area[rows] = res[1]
    return pairs, area


def _map_with_pairs(ref, jobs, shares, kwargs):
    from . import map_partitions

    return map_partitions(ref, jobs, client=_backend().client, per_job=[{"pairs": sh[1]} for sh in shares],
                          **kwargs)


def _remnants(ref, left, right, *, pairs=None, **kwargs):
    from ..overlay._engine import Remnants

    left, right = _objects(left), _objects(right)
    n = len(left)
    parts, rights, shares = _split(left, right, pairs)
    jobs = [(left[lp], right[rp]) for lp, rp in zip(parts, rights, strict=True)]
    results = _map(ref, jobs, kwargs) if pairs is None else _map_with_pairs(ref, jobs, shares, kwargs)
    area, covered, factor = np.zeros(n), np.zeros(n), np.ones(n)
    partners = np.zeros(n, dtype=np.int64)
    remnant = np.empty(n, dtype=object)
    for lp, res in zip(parts, results, strict=True):
        area[lp], covered[lp], factor[lp] = res.area, res.covered, res.factor
        partners[lp] = res.partners
        remnant[lp] = res.remnant
    if pairs is None:
        pairs = _merge_pairs([r.pairs for r in results], parts, rights, n, len(right))[0]
    return Remnants(area, covered, remnant, partners, factor, pairs)


def _overlay_pairs(ref, small, big, **kwargs):
    small, big = _objects(small), _objects(big)
    parts, rights, _ = _split(small, big)
    results = _map(ref, [(small[lp], big[rp]) for lp, rp in zip(parts, rights, strict=True)], kwargs)
    frames = []
    for lp, rp, res in zip(parts, rights, results, strict=True):
        res = res.copy()
        res["small"] = lp[res["small"].to_numpy(np.int64)]
        res["big"] = rp[res["big"].to_numpy(np.int64)]
        frames.append(res)
    if not frames:
        from . import call_local

        return call_local(ref, small[:0], big[:0], **kwargs)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["big", "small"], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Route:
    module: str
    name: str
    split: Callable


ROUTES = (
    Route("redline.overlay._engine", "pair_index", _pair_index),
    Route("redline.overlay._engine", "pair_areas", _pair_areas),
    Route("redline.overlay._engine", "remnants", _remnants),
    Route("redline.boundaries._fast", "overlay_pairs", _overlay_pairs),
)

_ORIGINALS: dict[tuple[str, str], Callable] = {}
_LOCK = threading.RLock()
_DEPTH = 0
_PATCHED: list[tuple[object, str, Callable]] = []


def original(module: str, name: str) -> Callable:
    """The engine function itself, never the routing wrapper."""
    fn = _ORIGINALS.get((module, name))
    return fn if fn is not None else getattr(importlib.import_module(module), name)


def _wrapper(route: Route, fn: Callable) -> Callable:
    from . import active_backend

    ref = (route.module, route.name)

    def routed(*args, **kwargs):
        if active_backend() is None:
            return fn(*args, **kwargs)
        return route.split(ref, *args, **kwargs)

    return functools.update_wrapper(routed, fn, assigned=("__name__", "__doc__"), updated=())


@contextlib.contextmanager
def installed() -> Iterator[None]:
    """Replace the routed functions while the block runs (nested blocks share one installation)."""
    global _DEPTH
    with _LOCK:
        if _DEPTH == 0:
            from ..registry import all_specs

            all_specs()  # import every audit module first, so each one's imported names are replaced
            for route in ROUTES:
                try:
                    mod = importlib.import_module(route.module)
                except ImportError:
                    continue
                fn: Callable | None = getattr(mod, route.name, None)
                if fn is None:
                    continue
                original: Callable = fn
                _ORIGINALS[(route.module, route.name)] = original
                wrapped = _wrapper(route, original)
                for m in list(sys.modules.values()):
                    if getattr(m, "__name__", "").startswith("redline.") and getattr(m, route.name, None) is original:
                        _PATCHED.append((m, route.name, original))
                        setattr(m, route.name, wrapped)
        _DEPTH += 1
    try:
        yield
    finally:
        with _LOCK:
            _DEPTH -= 1
            if _DEPTH == 0:
                for m, name, fn in reversed(_PATCHED):
                    setattr(m, name, fn)
                _PATCHED.clear()
                _ORIGINALS.clear()
