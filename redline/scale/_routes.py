"""The engine kernels computed partition-wise on a scale backend.

The overlay audits call a handful of kernels: :func:`redline.overlay._engine.pair_index`, ``pair_areas`` and
``remnants`` (批而未供, 供而未用, 用而不足), and :func:`redline.boundaries._fast.overlay_pairs` (三区三线 conflicts,
development intensity). Each is a function of a LEFT and a RIGHT geometry array whose results are per left
feature or per (left, right) pair, so it can run per spatial partition of the left side (with the right features
each partition needs) and be merged back exactly.

Each kernel takes ``backend=``; given one (or with :func:`redline.scale.use_backend` in force), it hands its
arguments to the function of the same name here, which splits, runs the kernel itself per partition with no
backend (on the Dask workers, or here one after another) and merges.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ..overlay._engine import PairIndex, Remnants
    from . import Backend

__all__ = ["overlay_pairs", "pair_areas", "pair_index", "remnants"]

_ENGINE = "redline.overlay._engine"
_FAST = "redline.boundaries._fast"


Kernel = tuple[str, str]


def _objects(x: Any) -> np.ndarray:
    if hasattr(x, "geometry") and hasattr(x, "iloc"):
        x = x.geometry.values
    elif hasattr(x, "values") and not isinstance(x, np.ndarray):
        x = x.values
    return np.asarray(x, dtype=object)


def _split(backend: Backend, left: np.ndarray, right: np.ndarray, pairs: PairIndex | None = None
           ) -> tuple[list[np.ndarray], list[np.ndarray], list[tuple[np.ndarray, PairIndex] | None]]:
    """Partitions of left, the right features each needs, and (when given) each one's share of ``pairs``."""
    from . import count_partitioned_run, default_npartitions, partition_left, right_for_partitions

    count_partitioned_run()
    n = backend.npartitions or default_npartitions(len(left), backend.client)
    parts = partition_left(left, n)
    rights = right_for_partitions(left, right, parts)
    shares: list[tuple[np.ndarray, PairIndex] | None] = [None] * len(parts)
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


def _map(backend: Backend, ref: Kernel, jobs: list[tuple[Any, ...]], kwargs: dict[str, Any],
         shares: list[tuple[np.ndarray, PairIndex] | None] | None = None) -> list[Any]:
    """The kernel ``ref`` on every partition's job (each with its share of the pairs, when given)."""
    from . import map_partitions

    per_job = None if shares is None else [{"pairs": sh[1] if sh is not None else None} for sh in shares]
    return map_partitions(ref, jobs, client=backend.client, per_job=per_job, **kwargs)


def _merge_pairs(results: list[PairIndex], parts: list[np.ndarray], rights: list[np.ndarray], n_left: int,
                 n_right: int) -> tuple[PairIndex, np.ndarray]:
    """PairIndex pieces with local positions -> one PairIndex in global positions, sorted by (left, right)."""
    from ..overlay._engine import PairIndex

    li = np.concatenate([lp[r.left] for r, lp in zip(results, parts, strict=True)] or [np.zeros(0, np.int64)])
    ri = np.concatenate([rp[r.right] for r, rp in zip(results, rights, strict=True)] or [np.zeros(0, np.int64)])
    cov = np.concatenate([r.left_covers for r in results] or [np.zeros(0, bool)])
    wit = np.concatenate([r.left_within for r in results] or [np.zeros(0, bool)])
    order = np.lexsort((ri, li))
    return PairIndex(li[order].astype(np.int64), ri[order].astype(np.int64), cov[order], wit[order],
                     n_left, n_right), order


def pair_index(backend: Backend, left: Any, right: Any, *, tree: Any = None, **kwargs: Any) -> PairIndex:
    """:func:`redline.overlay._engine.pair_index` per partition (a given ``tree`` is of the whole right side:
    each partition builds its own)."""
    left, right = _objects(left), _objects(right)
    parts, rights, _ = _split(backend, left, right)
    jobs = [(left[lp], right[rp]) for lp, rp in zip(parts, rights, strict=True)]
    results = _map(backend, (_ENGINE, "pair_index"), jobs, kwargs)
    return _merge_pairs(results, parts, rights, len(left), len(right))[0]


def pair_areas(backend: Backend, left: Any, right: Any, *, pairs: PairIndex | None = None,
               **kwargs: Any) -> tuple[Any, ...]:
    """:func:`redline.overlay._engine.pair_areas` per partition; the pairs given are split with the left side."""
    left, right = _objects(left), _objects(right)
    parts, rights, shares = _split(backend, left, right, pairs)
    jobs = [(left[lp], right[rp]) for lp, rp in zip(parts, rights, strict=True)]
    ref = (_ENGINE, "pair_areas")
    extra = len(_map_extra(kwargs))
    if pairs is None:
        results = _map(backend, ref, jobs, kwargs)
        merged, order = _merge_pairs([r[0] for r in results], parts, rights, len(left), len(right))
        rest = [np.concatenate([r[k] for r in results] or [np.zeros(0)])[order] for k in range(1, 2 + extra)]
        return (merged, *rest)
    out: list[np.ndarray] = [np.zeros(len(pairs.left))]
    out += [np.zeros(len(pairs.left), dtype=np.int8) for _ in range(extra)]
    results = _map(backend, ref, jobs, kwargs, shares)
    for share, res in zip(shares, results, strict=True):
        if share is not None:
            for k, arr in enumerate(out):
                arr[share[0]] = res[k + 1]
    return (pairs, *out)


def _map_extra(kwargs: dict[str, Any]) -> tuple[str, ...]:
    """The arrays ``pair_areas`` returns besides the areas (the fallback levels, when asked)."""
    return ("fallback",) if kwargs.get("return_fallback") else ()


def remnants(backend: Backend, left: Any, right: Any, *, pairs: PairIndex | None = None,
             **kwargs: Any) -> Remnants:
    """:func:`redline.overlay._engine.remnants` per partition, the per-feature results put back in place."""
    from ..overlay._engine import Remnants

    left, right = _objects(left), _objects(right)
    n = len(left)
    parts, rights, shares = _split(backend, left, right, pairs)
    jobs = [(left[lp], right[rp]) for lp, rp in zip(parts, rights, strict=True)]
    results = _map(backend, (_ENGINE, "remnants"), jobs, kwargs, None if pairs is None else shares)
    area, covered, factor = np.zeros(n), np.zeros(n), np.ones(n)
    partners = np.zeros(n, dtype=np.int64)
    fallback = np.zeros(n, dtype=np.int8)
    remnant = np.empty(n, dtype=object)
    for lp, res in zip(parts, results, strict=True):
        area[lp], covered[lp], factor[lp] = res.area, res.covered, res.factor
        partners[lp] = res.partners
        remnant[lp] = res.remnant
        fallback[lp] = res.fallback
    if pairs is None:
        pairs = _merge_pairs([r.pairs for r in results], parts, rights, n, len(right))[0]
    return Remnants(area, covered, remnant, partners, factor, pairs, fallback)


def overlay_pairs(backend: Backend, small: Any, big: Any, **kwargs: Any) -> pd.DataFrame:
    """:func:`redline.boundaries._fast.overlay_pairs` per partition of ``small``, sorted as it sorts."""
    from . import call_local

    small, big = _objects(small), _objects(big)
    parts, rights, _ = _split(backend, small, big)
    ref = (_FAST, "overlay_pairs")
    results = _map(backend, ref, [(small[lp], big[rp]) for lp, rp in zip(parts, rights, strict=True)], kwargs)
    frames = []
    for lp, rp, res in zip(parts, rights, results, strict=True):
        res = res.copy()
        res["small"] = lp[res["small"].to_numpy(np.int64)]
        res["big"] = rp[res["big"].to_numpy(np.int64)]
        frames.append(res)
    if not frames:
        return call_local(ref, small[:0], big[:0], **kwargs)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["big", "small"], kind="stable").reset_index(drop=True)
