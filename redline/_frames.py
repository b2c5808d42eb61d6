"""Small helpers over pandas columns shared by the audits and the writers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd


def map_distinct(values: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """``values.map(fn)`` with ``fn`` called once per distinct value (missing values one by one, as they are).

    A province's outputs repeat a few statuses and rule citations over hundreds of thousands of rows; a Python
    function called per row is most of the cost of ``map``. The result holds Python objects (``object`` dtype).

    >>> map_distinct(pd.Series(["a", "b", "a", None]), lambda v: v * 2 if isinstance(v, str) else "-").tolist()
    ['aa', 'bb', 'aa', '-']
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    out = np.empty(len(values), dtype=object)
    table = np.empty(len(uniques), dtype=object)
    for i, u in enumerate(uniques):
        table[i] = fn(u)
    known = codes >= 0
    out[known] = table[codes[known]]
    missing = np.flatnonzero(~known)
    for i, v in zip(missing.tolist(), values.iloc[missing].tolist(), strict=True):
        out[i] = fn(v)
    return pd.Series(out, index=values.index, name=values.name, dtype=object)


def text_array(values) -> Any:
    """Texts (``None`` or NaN where missing) as the column pandas makes of them, each distinct text converted once.

    Assigning a list of Python strings to a frame converts each to pandas' Arrow-backed ``str`` dtype one by one;
    a rule citation of a thousand characters repeated over 200 000 rows then costs a second for 200 MB of
    copies. Here each distinct text is converted once and the column is made by taking from them (the same
    column: dtype, values and missing values). Values that are not all texts are returned as they came, for
    pandas to infer as it would.

    >>> s = pd.Series(text_array(["甲", None, "甲", "乙"]))
    >>> s.equals(pd.Series(["甲", None, "甲", "乙"])), str(s.dtype)
    (True, 'str')
    """
    values = np.asarray(values, dtype=object)
    dtype = pd.Series(["x"]).dtype
    if not len(values) or getattr(dtype, "storage", None) != "pyarrow":
        return values
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if not all(isinstance(u, str) for u in uniques):
        return values
    if not len(uniques):  # every value missing: pandas' own column of them
        return values
    return coded_texts(codes, list(uniques))


def coded_texts(codes: np.ndarray, texts: list[str]) -> Any:
    """The column of ``texts[codes[i]]`` (missing where a code is negative), as :func:`text_array` makes it: for a
    caller that numbered its texts as it made them (no hashing of long texts again).

    >>> pd.Series(coded_texts(np.array([1, -1, 0, 1]), ["甲", "乙"])).tolist()
    ['乙', nan, '甲', '乙']
    """
    import pyarrow as pa

    codes = np.asarray(codes, dtype=np.int64)
    dtype = pd.Series(["x"]).dtype
    if getattr(dtype, "storage", None) != "pyarrow" or not (codes >= 0).any():  # as pandas makes such a column
        return np.array([texts[c] if c >= 0 else None for c in codes], dtype=object)
    missing = codes < 0
    taken = pa.array(texts, type=pa.large_string()).take(
        pa.array(np.where(missing, 0, codes), mask=missing if missing.any() else None))
    return pd.array(taken, dtype=dtype)


def repeated(values: pd.Series) -> np.ndarray:
    """For each value, whether another row holds it too (``values.duplicated(keep=False)`` for the values present;
    a missing value is never repeated), found by numbering the distinct values (ten times faster on a layer's
    ids than ``duplicated``, which turns Arrow-backed text into Python objects first).

    >>> repeated(pd.Series(["a", "b", "a", None, None])).tolist()
    [True, False, True, False, False]
    """
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    present = codes >= 0
    out = np.zeros(len(codes), dtype=bool)
    if present.any():
        out[present] = np.bincount(codes[present])[codes[present]] > 1
    return out
