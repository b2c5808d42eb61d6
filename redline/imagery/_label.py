"""Connected-component labelling in numpy, and a vectorised union-find.

No SciPy: a block is labelled by runs. Each row's maximal runs of ``True`` pixels are the
nodes; runs in neighbouring rows that touch (sharing a column for 4-connectivity, or also a
corner for 8-connectivity) are the edges; a vectorised union-find (hook each root to the
smallest neighbouring root, then pointer-jump) joins them. The number of rounds grows with
the logarithm of a component's size, and the memory with the number of runs, not of pixels.

The same :func:`union_find` joins labels across block seams in :mod:`redline.imagery.patches`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["label", "union_find"]


def union_find(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Root of each of ``n`` nodes joined by the edges ``u[i] -- v[i]``.

    Every component's root is its smallest node, so the result does not depend on the order of
    the edges.

    >>> union_find(5, np.array([3, 1]), np.array([4, 3])).tolist()
    [0, 1, 2, 1, 1]
    """
    parent = np.arange(n, dtype=np.int64)
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    while u.size:
        pu, pv = parent[u], parent[v]
        hi, lo = np.maximum(pu, pv), np.minimum(pu, pv)
        live = hi != lo
        if not live.any():
            break
        hi, lo = hi[live], lo[live]
        u, v = u[live], v[live]  # edges already inside one component never matter again
        np.minimum.at(parent, hi, lo)  # hi is a root: parent was compressed at the end of the last round
        while True:  # pointer jumping until every node points at its root
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
    return parent


def _run_pairs(ma: np.ndarray, mb: np.ndarray, ra: np.ndarray, rb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of run ids (``ra`` above, ``rb`` below) where both masks hold, one pair per overlap."""
    both = ma & mb
    first = both.copy()
    # a pair continues along the row while both runs continue: keep only its first column
    first[:, 1:] &= ~(both[:, :-1] & (ra[:, 1:] == ra[:, :-1]) & (rb[:, 1:] == rb[:, :-1]))
    return ra[first], rb[first]


def label(mask: np.ndarray, connectivity: int = 8) -> tuple[np.ndarray, int]:
    """Label the connected components of a boolean array.

    Parameters
    ----------
    mask : 2-D bool array
    connectivity : {4, 8}
        8 joins pixels touching at a corner too.

    Returns
    -------
    labels : int32 array, 0 outside the mask, 1..n inside, numbered in raster-scan order of each
        component's first pixel.
    n : int

    >>> m = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 0], [1, 1, 0]], bool)
    >>> label(m, 8)[0].tolist()
    [[1, 0, 0], [0, 1, 0], [0, 0, 0], [2, 2, 0]]
    >>> label(m, 4)[1]
    3
    """
    if connectivity not in (4, 8):
        raise ValueError(f"connectivity must be 4 or 8, not {connectivity!r}")
    mask = np.asarray(mask, dtype=bool)
    h, w = mask.shape
    out = np.zeros((h, w), dtype=np.int32)
    if not mask.any():
        return out, 0
    start = mask.copy()
    start[:, 1:] &= ~mask[:, :-1]
    nruns = int(np.count_nonzero(start))
    run = np.cumsum(start, axis=None, dtype=np.int32).reshape(h, w)  # 1-based run id, valid where mask
    run -= 1
    ma, mb, ra, rb = mask[:-1], mask[1:], run[:-1], run[1:]
    pairs = [_run_pairs(ma, mb, ra, rb)]
    if connectivity == 8 and w > 1:
        pairs.append(_run_pairs(ma[:, :-1], mb[:, 1:], ra[:, :-1], rb[:, 1:]))  # down-right
        pairs.append(_run_pairs(ma[:, 1:], mb[:, :-1], ra[:, 1:], rb[:, :-1]))  # down-left
    u = np.concatenate([p[0] for p in pairs])
    v = np.concatenate([p[1] for p in pairs])
    root = union_find(nruns, u, v)
    # roots are each component's smallest run id, i.e. its first run in scan order
    uniq, compact = np.unique(root, return_inverse=True)
    labels = (compact.astype(np.int32) + 1)
    out[mask] = labels[run[mask]]
    return out, int(uniq.size)
