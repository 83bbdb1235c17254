import jellyfish
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import DamerauLevenshtein

from customer_understanding.identity._comparisons import _edits, compare_codes, levels_of


def _level(kind: str, a: str, b: str) -> str:
    uniques = np.array([a, b], dtype=object)
    level = compare_codes(np.array([0]), np.array([1]), uniques=uniques, kind=kind)[0]
    return levels_of(kind)[level]


@pytest.mark.parametrize(
    ("kind", "a", "b", "expected"),
    [
        ("given_name", "bill", "william", "nickname or initial"),
        ("given_name", "j", "james", "nickname or initial"),
        ("family_name", "harrington", "harringtn", "jaro-winkler >= 0.92"),
        ("family_name", "smith", "garcia", "different"),
        ("date", "19801204", "19800412", "day/month swapped or one edit"),
        ("date", "19801204", "19801205", "day/month swapped or one edit"),
        ("identifier", "6988048", "6988084", "one edit"),
        ("postcode", "2000", "2001", "one edit"),
        ("phone", "4401314419153", "01314419153", "same last 7 digits"),
        ("email", "ann@acme.com", "ann@gmail.com", "same local part"),
        ("organisation", "acme software", "acme", "one contains the other"),
        ("state", "nsw", "vic", "different"),
    ],
)
def test_level_of_a_pair_of_values(kind: str, a: str, b: str, expected: str) -> None:
    assert _level(kind, a, b) == expected


def test_missing_values_are_level_minus_one() -> None:
    uniques = np.array(["x"], dtype=object)
    levels = compare_codes(np.array([0, -1]), np.array([-1, 0]), uniques=uniques, kind="text")
    assert levels.tolist() == [-1, -1]


def test_each_distinct_pair_is_graded_once_and_spread_back() -> None:
    uniques = np.array(["anna", "ana", "zoe"], dtype=object)
    left, right = np.array([0, 1, 0, 2] * 3), np.array([1, 0, 2, 2] * 3)
    levels = compare_codes(left, right, uniques=uniques, kind="family_name")
    assert levels.tolist() == [1, 1, 3, 0] * 3


def test_bulk_levels_match_jellyfish_pair_by_pair() -> None:
    rng = np.random.default_rng(5)
    words = ["".join(rng.choice(list("abcde"), size=rng.integers(1, 9))) for _ in range(300)]
    uniques = np.array(sorted(set(words)), dtype=object)
    left = rng.integers(0, len(uniques), size=2_000)
    right = rng.integers(0, len(uniques), size=2_000)
    levels = compare_codes(left, right, uniques=uniques, kind="family_name")
    for a, b, level in zip(left.tolist(), right.tolist(), levels.tolist(), strict=True):
        score = jellyfish.jaro_winkler_similarity(uniques[a], uniques[b])
        expected = 0 if a == b else 1 if score >= 0.92 else 2 if score >= 0.80 else 3
        assert level == expected


def test_bulk_edit_levels_match_jellyfish_pair_by_pair() -> None:
    rng = np.random.default_rng(6)
    digits = ["".join(rng.choice(list("0123"), size=rng.integers(5, 8))) for _ in range(300)]
    uniques = np.array(sorted(set(digits)), dtype=object)
    left = rng.integers(0, len(uniques), size=2_000)
    right = rng.integers(0, len(uniques), size=2_000)
    levels = compare_codes(left, right, uniques=uniques, kind="identifier")
    for a, b, level in zip(left.tolist(), right.tolist(), levels.tolist(), strict=True):
        distance = jellyfish.damerau_levenshtein_distance(uniques[a], uniques[b])
        assert level == min(distance, 3)


def test_swapped_day_and_month_needs_eight_digits() -> None:
    assert _level("date", "19800412", "19801204") == "day/month swapped or one edit"
    assert _level("date", "1980041", "1980140") == "two edits"


@given(st.lists(st.tuples(st.text("0123ab", max_size=8), st.text("0123ab", max_size=8)),
                min_size=1, max_size=40), st.integers(1, 3))  # fmt: skip
def test_edits_sorted_out_by_plain_distance_equal_the_swap_distance(
    pairs: list[tuple[str, str]], limit: int
) -> None:
    firsts, seconds = [a for a, _ in pairs], [b for _, b in pairs]
    expected = [min(DamerauLevenshtein.distance(a, b), limit + 1) for a, b in pairs]
    assert _edits(firsts, seconds, limit).tolist() == expected
