"""``sorted_codes``: the codes pandas gives with ``sort=True``, text sorted in C."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import example, given
from hypothesis import strategies as st

from customer_understanding._core import sorted_codes, value_codes

# pandas hashes text up to a NUL character, so NUL is left out of the generated text.
_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=6
)


def _reference(values: list[object]) -> tuple[list[int], list[object]]:
    codes, uniques = pd.factorize(np.array(values, dtype=object), sort=True)
    return codes.tolist(), list(uniques)


@given(st.lists(st.one_of(_TEXT, st.none()), max_size=40))
def test_text_codes_equal_a_sorted_factorize(values: list[str | None]) -> None:
    codes, uniques = sorted_codes(np.array(values, dtype=object))
    assert (codes.tolist(), uniques.tolist()) == _reference(values)


@given(st.lists(st.one_of(st.integers(-5, 5), st.floats(allow_nan=True), st.none()), max_size=30))
def test_numbers_and_missing_values_equal_a_sorted_factorize(values: list[object]) -> None:
    codes, uniques = sorted_codes(np.array(values, dtype=object))
    expected_codes, expected_uniques = _reference(values)
    assert codes.tolist() == expected_codes
    assert uniques.tolist() == expected_uniques


def test_characters_beyond_the_basic_plane_sort_as_python_does() -> None:
    values = ["b", "\U0001f600", "\uffff", "é", "e", "ab", "a", "z\u0301"]
    codes, uniques = sorted_codes(np.array(values, dtype=object))
    assert uniques.tolist() == sorted(values)
    assert [uniques[c] for c in codes] == values


def test_lone_surrogates_and_mixed_types_still_get_codes_in_a_fixed_order() -> None:
    surrogate = ["\ud800", "a", "\ud800"]
    codes, uniques = sorted_codes(np.array(surrogate, dtype=object))
    assert uniques.tolist() == sorted(set(surrogate))
    assert codes.tolist() == [1, 0, 1]
    mixed = np.array([("t", 1), "x", ("t", 1)], dtype=object)
    mixed_codes, mixed_uniques = sorted_codes(mixed)
    assert mixed_codes[0] == mixed_codes[2] != mixed_codes[1]
    # pandas versions order such values differently (or refuse): only a fixed order is asked
    again_codes, again_uniques = sorted_codes(mixed[::-1])
    assert again_uniques.tolist() == mixed_uniques.tolist()
    assert again_codes.tolist() == mixed_codes[::-1].tolist()


def test_a_string_column_with_pandas_missing_values() -> None:
    series = pd.Series(["b", pd.NA, "a"], dtype="string")
    codes, uniques = sorted_codes(series)
    assert codes.tolist() == [1, -1, 0]
    assert uniques.tolist() == ["a", "b"]


# Every character, NUL too: the oracle is Python's own equality and order.
_ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=5)


@example(["", "\x00"])
@example(["x\x00y", "x\x00z", "x", None, "x\x00y"])
@given(st.lists(st.one_of(_ANY_TEXT, st.none()), max_size=40))
def test_texts_alike_up_to_a_nul_are_told_apart(values: list[str | None]) -> None:
    array = np.array(values, dtype=object)
    codes, uniques = value_codes(array)
    first_seen = list(dict.fromkeys(v for v in values if v is not None))
    assert uniques.tolist() == first_seen
    assert [None if c < 0 else uniques[c] for c in codes] == values
    ordered, distinct = sorted_codes(array)
    assert distinct.tolist() == sorted(first_seen)
    assert [None if c < 0 else distinct[c] for c in ordered] == values


def test_numbers_missing_values_and_a_nul_text_keep_their_codes() -> None:
    values = np.array([1, None, float("nan"), "a\x00", "a", 1], dtype=object)
    codes, uniques = value_codes(values)
    assert codes.tolist() == [0, -1, -1, 1, 2, 0]
    assert uniques.tolist() == [1, "a\x00", "a"]
