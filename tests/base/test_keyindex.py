"""The stored blocks an update asks about, found by looking keys up, are the sorted ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding.base._keyindex import _Blocks, _positions

_KEYS = st.lists(st.integers(-1, 12), max_size=60)


@settings(max_examples=300, deadline=None)
@given(_KEYS, _KEYS)
def test_the_blocks_of_some_keys_are_those_of_every_record(keys: list[int],
                                                           asked: list[int]) -> None:  # fmt: skip
    stored = np.asarray(keys, dtype=np.int64)
    wanted = np.asarray(asked, dtype=np.int64)
    rows = np.arange(len(stored), dtype=np.int64)
    every = _Blocks.of(stored, rows).at(wanted)
    some = _Blocks.among(stored, wanted).at(wanted)
    for full, few in zip(every, some, strict=True):
        assert full.tolist() == few.tolist()


_TEXTS = st.lists(st.sampled_from(["a", "b", "c", "d", "é", "ab"]), unique=True, max_size=6)


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.lists(st.sampled_from(["a", "b", "x", "é", None]), max_size=12))
def test_positions_among_the_distinct_values_are_a_plain_look_up(
    distinct: list[str], values: list[str | None]
) -> None:
    stored = np.asarray(distinct, dtype=object)
    asked = pd.Series(values, dtype=object)
    plain = pd.Index(stored, dtype=object).get_indexer(pd.Index(asked, dtype=object))
    assert _positions(stored, asked).tolist() == plain.tolist()
