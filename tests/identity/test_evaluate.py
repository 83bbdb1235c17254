import numpy as np
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.identity import cluster_scores, pair_scores


def test_perfect_clustering_scores_one() -> None:
    scores = cluster_scores([3, 3, 1, 2], truth=["a", "a", "b", "c"])
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)


def test_over_merge_costs_every_implied_pair() -> None:
    scores = cluster_scores([0, 0, 0, 0], truth=["a", "a", "b", "b"])
    assert (scores.true_positives, scores.predicted, scores.actual) == (2, 6, 2)


def test_pair_scores_ignore_repeated_and_reversed_pairs() -> None:
    scores = pair_scores((np.array([0, 1, 2]), np.array([1, 0, 3])), truth=["a", "a", "b", "c"])
    assert (scores.true_positives, scores.predicted, scores.actual) == (1, 2, 1)


def test_nothing_predicted_has_precision_one_and_recall_zero() -> None:
    scores = pair_scores((np.array([], dtype=int), np.array([], dtype=int)), truth=["a", "a"])
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 0.0, 0.0)


def test_missing_truth_label_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="truth holds a missing label at row 1"):
        cluster_scores([0, 1], truth=["a", None])


def test_lengths_must_agree() -> None:
    with pytest.raises(InvalidValueError, match="clusters has 2 labels but truth has 3"):
        cluster_scores([0, 1], truth=["a", "b", "c"])
