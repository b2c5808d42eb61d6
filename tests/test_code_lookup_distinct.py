"""Code lookup normalises each distinct code once: the same table as normalising and looking up every cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.boundaries.codes import code_table, normalise_codes

CELLS = st.one_of(
    st.sampled_from(["0101", "101", "0601", "05h1", " 0702 ", "０７０１", "1006", "10", "201", "0101K", "1104A",
                     "9999", "", "  "]),
    st.sampled_from([101.0, 601.0, 1006.0, 5.0, np.nan]),
    st.sampled_from([101, 702, 1004]),
    st.none(),
)


def reference(table, codes):
    norm = normalise_codes(codes).reset_index(drop=True)
    out = []
    for c in norm.astype(object).where(norm.notna(), None):
        i = table._index.get(c) if isinstance(c, str) else None
        if i is None and isinstance(c, str) and len(c) > 4 and c[-1] in "KA" and c[:-1] in table._index:
            i = table._index[c[:-1]]
        out.append((c, -1 if i is None else i))
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, max_size=30), st.sampled_from(["tdt1055-2019", "ydyh2023"]),
       st.sampled_from([None, "string", "float"]))
def test_lookup_equals_the_cell_by_cell_lookup(cells, name, dtype):
    if dtype == "string":
        cells = [None if c is None or (isinstance(c, float) and np.isnan(c)) else str(c) for c in cells]
    elif dtype == "float":
        cells = [c for c in cells if isinstance(c, float) or c is None]
    codes = pd.Series(cells, dtype=dtype if dtype == "string" else (float if dtype else object))
    table = code_table(name)
    got = table.lookup(codes)
    want = reference(table, codes)
    assert got["code"].tolist() == [c for c, _ in want]
    assert got["known"].tolist() == [i >= 0 for _, i in want]
    frame = table.frame
    assert got["construction"].tolist() == [frame["construction"].iloc[i] if i >= 0 else pd.NA for _, i in want]
    assert got["cultivated"].tolist() == [bool(frame["cultivated"].iloc[i]) if i >= 0 else False for _, i in want]
