"""Sort keys packed side by side give the order of the keys themselves."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from customer_understanding.identity._records import _packed


@given(st.integers(1, 40), st.lists(st.integers(0, 2**40), min_size=1, max_size=12),
       st.integers(0, 2**32 - 1))  # fmt: skip
def test_packed_keys_sort_as_the_keys_do(rows: int, highs: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    keys = [rng.integers(-1, high + 1, size=rows).astype(np.int64) for high in highs]
    packed = _packed(keys)
    assert len(packed) <= len(keys)
    assert np.lexsort(packed).tolist() == np.lexsort(keys).tolist()
