import importlib.util
import sys

import numpy as np
import pandas as pd
import pytest

from customer_understanding import InvalidValueError, MissingDependencyError, UnknownNameError
from customer_understanding.identity import (
    Linker,
    candidate_pairs,
    compare_pairs,
    ecm_links,
    pair_scores,
)
from tests.identity.conftest import PEOPLE_FIELDS

# recordlinkage is the optional `recordlinkage` extra; it requires pandas < 3, so the
# pandas-3 test environment runs without it.
needs_recordlinkage = pytest.mark.skipif(
    importlib.util.find_spec("recordlinkage") is None,
    reason="recordlinkage is not installed (the `recordlinkage` extra; it requires pandas < 3)",
)


@needs_recordlinkage
def test_blocking_passes_are_combined_without_repeats(people: pd.DataFrame) -> None:
    left, right = candidate_pairs(people, block=["family", "postcode"])
    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert len(pairs) == len(left)
    assert all(a < b for a, b in pairs)


@needs_recordlinkage
def test_candidate_pairs_hold_every_true_duplicate(people: pd.DataFrame, truth: np.ndarray) -> None:
    pairs = candidate_pairs(people, block=["family", "dob", "postcode"])
    assert pair_scores(pairs, truth=truth).recall == 1.0


@needs_recordlinkage
def test_sorted_neighbourhood_pairs_near_values() -> None:
    frame = pd.DataFrame({"family": ["smith", "smyth", "zhou", "adams"]})
    left, right = candidate_pairs(frame, sorted_neighbourhood=["family"], window=3)
    assert (0, 1) in set(zip(left.tolist(), right.tolist(), strict=True))
    assert (2, 3) not in set(zip(left.tolist(), right.tolist(), strict=True))


def test_compare_pairs_returns_engine_levels_on_a_pair_index(people: pd.DataFrame) -> None:
    pairs = (np.array([0, 1]), np.array([0, 2]))
    features = compare_pairs(people, pairs, fields=PEOPLE_FIELDS)
    assert list(features.columns) == ["given", "family", "dob", "postcode"]
    assert features.index.names == ["left", "right"]
    assert (features.iloc[0] == 0).all()  # a record agrees exactly with itself


@needs_recordlinkage
def test_ecm_agrees_with_the_engine_on_clear_duplicates(
    people: pd.DataFrame, truth: np.ndarray
) -> None:
    result = Linker(fields=PEOPLE_FIELDS).deduplicate(people)
    scores = pair_scores(ecm_links(result).links, truth=truth)
    assert scores.recall >= 0.95
    assert scores.precision >= 0.9


@needs_recordlinkage
def test_ecm_probabilities_align_with_the_result_pairs(people: pd.DataFrame) -> None:
    result = Linker(fields=PEOPLE_FIELDS).deduplicate(people)
    table = ecm_links(result).to_pandas()
    assert table["left"].tolist() == result.left.tolist()
    assert table["probability"].between(0.0, 1.0).all()


def test_no_pass_is_refused(people: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match="name no pass"):
        candidate_pairs(people)


def test_unknown_blocking_column_is_named(people: pd.DataFrame) -> None:
    with pytest.raises(UnknownNameError, match="block names column 'surname'"):
        candidate_pairs(people, block=[["given", "surname"]])


def test_even_window_is_refused(people: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match="window=4 must be an odd number >= 3"):
        candidate_pairs(people, sorted_neighbourhood=["family"], window=4)


def test_pair_outside_the_table_is_refused(people: pd.DataFrame) -> None:
    with pytest.raises(InvalidValueError, match=r"row position outside 0\.\.459"):
        compare_pairs(people, (np.array([0]), np.array([460])), fields=PEOPLE_FIELDS)


def test_ecm_threshold_outside_unit_interval_is_refused(people: pd.DataFrame) -> None:
    result = Linker(fields=PEOPLE_FIELDS).deduplicate(people)
    with pytest.raises(InvalidValueError, match=r"threshold=1.0 must be in \(0, 1\)"):
        ecm_links(result, threshold=1.0)


def test_a_missing_recordlinkage_names_its_extra(
    people: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "recordlinkage", None)  # makes its import fail
    with pytest.raises(MissingDependencyError, match=r"customer-understanding\[recordlinkage\]"):
        candidate_pairs(people, block=["family"])
    with pytest.raises(ImportError, match="ecm_links needs recordlinkage"):
        ecm_links(Linker(fields=PEOPLE_FIELDS).deduplicate(people))


def test_tables_in_any_form_are_compared(people: pd.DataFrame) -> None:
    pa = pytest.importorskip("pyarrow")
    pairs = (np.array([0, 1]), np.array([2, 3]))
    expected = compare_pairs(people, pairs, fields=PEOPLE_FIELDS)
    table = pa.Table.from_pandas(people, preserve_index=False)
    pd.testing.assert_frame_equal(compare_pairs(table, pairs, fields=PEOPLE_FIELDS), expected)
