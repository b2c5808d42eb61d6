"""The column helpers the audits and writers share: each gives what plain pandas gives, faster."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from redline._frames import coded_texts, map_distinct, text_array

_VALUES = st.one_of(st.none(), st.just(np.nan), st.text(alphabet=st.sampled_from(list("甲乙 a;\n\x00\U0001F600")),
                                                             max_size=6))


@settings(max_examples=300, deadline=None)
@given(st.lists(_VALUES, max_size=30))
def test_text_array_is_the_column_pandas_makes(values):
    expected = pd.Series(np.array(values, dtype=object))
    got = pd.Series(text_array(values))
    pd.testing.assert_series_equal(got, expected)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("甲乙 a;\n\x00\U0001F600")), max_size=6), min_size=1,
                max_size=5, unique=True), st.lists(st.integers(-1, 4), max_size=30))
def test_coded_texts_is_the_column_of_the_texts_they_name(texts, codes):
    codes = [c if c < len(texts) else -1 for c in codes]
    expected = pd.Series(np.array([texts[c] if c >= 0 else None for c in codes], dtype=object))
    pd.testing.assert_series_equal(pd.Series(coded_texts(np.array(codes, dtype=np.int64), texts)), expected)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(_VALUES, st.integers(-3, 3)), max_size=20))
def test_values_that_are_not_all_texts_are_left_to_pandas(values):
    pd.testing.assert_series_equal(pd.Series(text_array(values)), pd.Series(np.array(values, dtype=object)))


@settings(max_examples=200, deadline=None)
@given(st.lists(_VALUES, max_size=30))
def test_map_distinct_is_map(values):
    s = pd.Series(values, dtype=object)
    fn = lambda v: f"<{v}>" if isinstance(v, str) else "missing"  # noqa: E731
    pd.testing.assert_series_equal(map_distinct(s, fn), s.map(fn).astype(object))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["S1", "S2", "甲", ""])), max_size=20),
       st.sampled_from(["str", "object"]))
def test_repeated_is_duplicated_among_the_values_present(values, dtype):
    from redline._frames import repeated

    s = pd.Series(values, dtype=dtype)
    expected = (s.duplicated(keep=False) & s.notna()).to_numpy()
    assert repeated(s).tolist() == expected.tolist()
