"""Scoring a linkage against ground truth, at the level of pairs and of clusters."""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import typed_fields
from customer_understanding._errors import InvalidValueError

__all__ = ["Scores", "cluster_scores", "pair_scores"]


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Scores:
    """Precision, recall and F1 with the counts behind them.

    Examples
    --------
    >>> Scores(true_positives=8, predicted=10, actual=16).f1
    0.6153...
    """

    true_positives: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        """Share of the predicted pairs that are true (1.0 when nothing is predicted)."""
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Share of the true pairs that are predicted (1.0 when nothing is true)."""
        return self.true_positives / self.actual if self.actual else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _codes(labels: object, name: str) -> npt.NDArray[np.int64]:
    codes, _ = pd.factorize(pd.Series(np.asarray(labels, dtype=object)), use_na_sentinel=True)
    if (codes < 0).any():
        msg = f"{name} holds a missing label at row {int(np.flatnonzero(codes < 0)[0])}"
        raise InvalidValueError(msg)
    return codes.astype(np.int64)


def _pairs_within(codes: npt.NDArray[np.int64]) -> int:
    sizes = np.bincount(codes).astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def pair_scores(pairs: tuple[npt.ArrayLike, npt.ArrayLike], truth: npt.ArrayLike) -> Scores:
    """Score predicted links (row positions) against true entity labels per record.

    Examples
    --------
    >>> import numpy as np
    >>> scores = pair_scores((np.array([0, 1]), np.array([1, 2])), truth=["a", "a", "b"])
    >>> scores.precision, scores.recall
    (0.5, 1.0)
    """
    codes = _codes(truth, "truth")
    left, right = np.asarray(pairs[0], dtype=np.int64), np.asarray(pairs[1], dtype=np.int64)
    keys = np.unique(np.minimum(left, right) * len(codes) + np.maximum(left, right))
    low, high = keys // max(len(codes), 1), keys % max(len(codes), 1)
    hits = int(((codes[low] == codes[high]) & (low != high)).sum())
    return Scores(true_positives=hits, predicted=len(keys), actual=_pairs_within(codes))


def cluster_scores(clusters: npt.ArrayLike, truth: npt.ArrayLike) -> Scores:
    """Score a clustering against the truth over every pair the clusters imply.

    A record pair counts as predicted when both records share a cluster, and as true
    when they share a true entity; transitive merges are therefore paid for in full.

    Examples
    --------
    >>> scores = cluster_scores([0, 0, 0, 1], truth=["a", "a", "b", "b"])
    >>> scores.true_positives, scores.predicted, scores.actual
    (1, 3, 2)
    """
    predicted, actual = _codes(clusters, "clusters"), _codes(truth, "truth")
    if len(predicted) != len(actual):
        msg = f"clusters has {len(predicted)} labels but truth has {len(actual)}"
        raise InvalidValueError(msg)
    joint = pd.factorize(pd.Series(predicted * (int(actual.max(initial=0)) + 1) + actual))[0]
    return Scores(
        true_positives=_pairs_within(joint.astype(np.int64)),
        predicted=_pairs_within(predicted),
        actual=_pairs_within(actual),
    )
