"""A rule's pairs, made block size by block size, equal the pairs of every block."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from customer_understanding.identity._pairs import rule_pairs


def _every_pair(keys: list[int], sources: list[int]) -> list[int]:
    n = len(keys)
    return sorted(left * n + right for left, right in itertools.combinations(range(n), 2)
                  if keys[left] >= 0 and keys[left] == keys[right]
                  and sources[left] != sources[right])  # fmt: skip


@given(st.lists(st.tuples(st.integers(-1, 6), st.integers(0, 3)), max_size=60), st.booleans())
def test_rule_pairs_equal_every_pair_of_each_block(
    cells: list[tuple[int, int]], own_sources: bool
) -> None:
    keys = [key for key, _ in cells]
    sources = list(range(len(cells))) if own_sources else [source for _, source in cells]
    found = rule_pairs(np.array(keys, dtype=np.int64), np.array(sources, dtype=np.int64))
    assert found.tolist() == _every_pair(keys, sources)
