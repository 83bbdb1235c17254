"""A few rows (one record online) are read in plain Python exactly as pandas reads many."""

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_understanding.ingest import _columns, _distinct

_CELLS = st.one_of(
    st.none(),
    st.just(math.nan),
    st.just(pd.NA),
    st.just(pd.NaT),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(-3, 3, allow_nan=False).map(lambda v: round(v, 1)),
    st.sampled_from(["", " ", "a", " a ", "A", "1", "1.0", "ann@acme.com", "\t", "é"]),
    st.text(max_size=4),
    st.lists(st.integers(0, 2), max_size=2),
    st.dictionaries(st.sampled_from("ab"), st.integers(0, 1), max_size=1),
)


def _series(cells: list[Any], dtype: Any) -> pd.Series:
    return pd.Series(cells, dtype=dtype)


@pytest.mark.parametrize("dtype", [object, None])
@given(cells=st.lists(_CELLS, max_size=_distinct.FEW_ROWS))
def test_distinct_text_of_a_few_rows_is_that_of_pandas(cells: list[Any], dtype: Any) -> None:
    series = _series(cells, dtype)
    codes, texts = _distinct.distinct_text(series)
    original = _distinct.FEW_ROWS
    try:
        _distinct.FEW_ROWS = -1
        want_codes, want_texts = _distinct.distinct_text(series)
    finally:
        _distinct.FEW_ROWS = original
    assert codes.tolist() == want_codes.tolist()
    assert texts.tolist() == want_texts.tolist()
    assert codes.dtype == want_codes.dtype
    assert texts.dtype == want_texts.dtype == np.dtype(object)


@pytest.mark.parametrize("dtype", [object, "string"])
def test_texts_differing_after_a_nul_stay_apart_in_many_rows(dtype: Any) -> None:
    # pandas hashes object texts only up to a NUL (before 3.1): read in plain Python
    cells = ["x\x00y", "x\x00z", "x", "", "\x00", None] * 5
    codes, texts = _distinct.distinct_text(_series(cells, dtype))
    assert texts.tolist() == ["x\x00y", "x\x00z", "x", "\x00"]
    assert codes.tolist() == [0, 1, 2, -1, 3, -1] * 5


@given(cells=st.lists(_CELLS, max_size=_columns.FEW_ROWS))
def test_a_blank_column_of_a_few_rows_is_blank_as_pandas_sees_it(cells: list[Any]) -> None:
    series = _series(cells, object)
    fast = _columns._blank(series)
    original = _columns.FEW_ROWS
    try:
        _columns.FEW_ROWS = -1
        assert fast == _columns._blank(series)
    finally:
        _columns.FEW_ROWS = original
