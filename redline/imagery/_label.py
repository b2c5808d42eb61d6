"""Connected-component labelling in numpy, and a vectorised union-find.

No SciPy: a block is labelled by runs. Each row's maximal runs of ``True`` pixels are the
nodes; runs in neighbouring rows that touch (sharing a column for 4-connectivity, or also a
corner for 8-connectivity) are the edges, found by binary search among the runs (only the
finding of the runs reads every pixel); a vectorised union-find (hook each root to the
smallest neighbouring root, then pointer-jump) joins them. The number of rounds grows with
the logarithm of a component's size, and the memory with the number of runs, not of pixels.

The same :func:`union_find` joins labels across block seams in :mod:`redline.imagery.patches`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["label", "label_runs", "runs", "union_find"]


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


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The maximal runs of ``True`` along the rows of a 2-D bool array, in raster-scan order:
    each run's row, first column and end column (exclusive), int64.

    >>> [a.tolist() for a in runs(np.array([[1, 1, 0, 1], [0, 0, 0, 0], [1, 0, 1, 1]], bool))]
    [[0, 0, 2, 2], [0, 3, 0, 2], [2, 4, 1, 4]]
    """
    mask = np.asarray(mask, dtype=bool)
    h, w = mask.shape
    padded = np.zeros((h, w + 1), np.int8)  # a column of False ends every row's last run
    padded[:, :w] = mask
    flat = padded.ravel()
    step = np.diff(flat)
    starts = np.flatnonzero(step == 1) + 1
    if h and w and flat[0]:
        starts = np.r_[0, starts]
    ends = np.flatnonzero(step == -1) + 1
    row = starts // (w + 1)
    return row, starts - row * (w + 1), ends - row * (w + 1)


def _touching(row: np.ndarray, c0: np.ndarray, c1: np.ndarray, w: int, reach: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of runs ``(a, b)``, ``b`` in the row below ``a``, that touch: sharing a column
    (``reach`` 0, 4-connectivity) or also a corner (``reach`` 1, 8-connectivity).

    Runs of one row are disjoint and sorted, so the runs below that ``a`` touches are one slice of
    the scan order, found by two binary searches on keys ``row * W + column``."""
    W = w + 4  # wider than any column +- reach: keys never reach into another row
    start_key = row * W + c0
    end_key = row * W + c1  # exclusive
    below = (row + 1) * W
    # b touches a when b.c0 < a.c1 + reach and b.c1 > a.c0 - reach
    lo = np.searchsorted(end_key, below + c0 - reach, side="right")
    hi = np.searchsorted(start_key, below + c1 + reach, side="left")
    count = np.maximum(hi - lo, 0)
    a = np.repeat(np.arange(row.size, dtype=np.int64), count)
    within = np.arange(a.size, dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    return a, np.repeat(lo, count) + within


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
    row, c0, c1 = runs(mask)
    run_label, n = label_runs(row, c0, c1, w, connectivity)
    if n:
        out[mask] = np.repeat(run_label, c1 - c0)  # a mask's pixels in scan order are its runs' pixels
    return out, n


def label_runs(row: np.ndarray, c0: np.ndarray, c1: np.ndarray, w: int,
               connectivity: int = 8) -> tuple[np.ndarray, int]:
    """The component (1..n, in scan order of each component's first pixel) of each run of :func:`runs`."""
    if row.size == 0:
        return np.zeros(0, np.int32), 0
    u, v = _touching(row, c0, c1, w, 1 if connectivity == 8 else 0)
    root = union_find(row.size, u, v)
    # roots are each component's smallest run id, i.e. its first run in scan order
    uniq, compact = np.unique(root, return_inverse=True)
    return compact.astype(np.int32) + 1, int(uniq.size)
