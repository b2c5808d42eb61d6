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
