"""The stored blocks an update asks about, found by looking keys up, are the sorted ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding.base._keyindex import KeyIndex, _Blocks, _positions
from customer_understanding.identity import Field, Linker
from customer_understanding.identity._blocking import block_by_rule

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
    # asked in two rounds (keys of the second not asked in the first), then joined
    first = np.unique(wanted[: len(wanted) // 2])
    second = np.setdiff1d(wanted, first)
    joined = _Blocks.among(stored, first).joined(_Blocks.among(stored, second))
    for full, few in zip(every, joined.at(wanted), strict=True):
        assert full.tolist() == few.tolist()
    holders = np.flatnonzero(np.isin(stored, wanted[wanted >= 0]))
    assert joined.holders(wanted).tolist() == holders.tolist()
    assert (
        joined.holders(first).tolist()
        == np.flatnonzero(np.isin(stored, first[first >= 0])).tolist()
    )


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


# Three blocking columns make five default rules (three alone, two pairs … see
# default_rules); a small cap and budget make blocks pass both often.
_FIELDS = [Field(column="a", kind="identifier"), Field(column="b", kind="identifier"),
           Field(column="c", kind="family_name")]  # fmt: skip
_ROWS = st.lists(st.tuples(*[st.sampled_from(["k1", "k2", "k3", "k4", None])] * 3), max_size=40)


def _pairs(frame: pd.DataFrame, linker: Linker) -> set[tuple[int, int]]:
    """The candidate pairs a build over ``frame`` blocks, as row pairs."""
    coded = KeyIndex.of_frame(frame, linker=linker).coded
    codes = {column: values for column, (values, _) in coded.items()}
    n = len(frame)
    if not n:
        return set()
    encoded = block_by_rule(codes, linker.rules, sources=np.arange(n), max_pairs=None,
                            max_candidates=linker.max_candidates)  # fmt: skip
    every = np.unique(np.concatenate([np.empty(0, dtype=np.int64), *encoded]))
    return {(int(pair // n), int(pair % n)) for pair in every}


@settings(max_examples=400, deadline=None)
@given(_ROWS, _ROWS, st.lists(st.booleans(), max_size=40), st.integers(2, 6), st.integers(1, 6))
def test_an_update_reaches_every_stored_record_whose_pairs_it_changes(
    stored_rows: list[tuple[str | None, ...]], new_rows: list[tuple[str | None, ...]],
    replaced: list[bool], max_block: int, max_candidates: int,
) -> None:  # fmt: skip
    """What a rebuild pairs differently than the build did, an update resolves again.

    A pair a rebuild makes anew needs both its stored records resolved again; a pair it
    no longer makes, one of them (a pair that was a link put both in one entity, which
    is resolved again whole).
    """
    linker = Linker(fields=_FIELDS, max_block=max_block, max_candidates=max_candidates)
    stored = pd.DataFrame(stored_rows, columns=["a", "b", "c"], dtype=object)
    new = pd.DataFrame(new_rows, columns=["a", "b", "c"], dtype=object)
    kept = ~np.resize(np.asarray(replaced or [False], dtype=bool), len(stored))
    index = KeyIndex.of_frame(stored, linker=linker)
    population = index.population(new, kept=kept)
    reached = set(index.reached(population, kept=kept).tolist())

    before = _pairs(stored, linker)
    # after the update: the kept stored records, then the new ones (named past the stored)
    names = np.concatenate([np.flatnonzero(kept), len(stored) + np.arange(len(new))])
    after = {
        (int(names[a]), int(names[b]))
        for a, b in _pairs(pd.concat([stored[kept], new], ignore_index=True), linker)
    }
    old = set(range(len(stored)))
    for pair in after - before:  # every stored record a new pair holds
        assert set(pair) & old <= reached, (pair, sorted(reached))
    for pair in before - after:  # one record of a pair no longer made (both kept)
        if set(pair) <= set(np.flatnonzero(kept).tolist()):
            assert set(pair) & reached, (pair, sorted(reached))
