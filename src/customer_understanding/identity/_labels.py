"""Labels when you have some: labelled pairs fix ``m`` and, through it, the prior.

A few hundred labelled pairs are enough: ``m`` (how often the same entity agrees at each
level) is counted on the labelled matches, whatever blocking rule would have found them;
``u`` stays estimated from random pairs; the share of matches among the candidates is
then fitted by EM with ``m`` and ``u`` held, so unlabelled pairs are never taken for
non-matches. Labels come as pairs of record ids with a verdict, or as cluster labels
for some of the records (``None`` for the others).

The most informative pairs to label next are those the model is least sure of: match
weight nearest zero, from the review band first (:func:`informative_pairs`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.identity._constraints import positions
from customer_understanding.identity._model import fit_prior, m_from_matches
from customer_understanding.identity._records import Prepared

__all__ = ["MIN_MATCHES", "LabelledPairs", "fit_labelled", "informative_pairs", "labelled_pairs"]

#: The fewest labelled matching pairs ``m`` is counted on; fewer is refused.
MIN_MATCHES = 20

LabelledPairs = Sequence[tuple[Hashable, Hashable, bool]] | pd.DataFrame
Ints = npt.NDArray[np.int64]


def _triples(pair_labels: LabelledPairs) -> list[tuple[Hashable, Hashable, bool]]:
    if isinstance(pair_labels, pd.DataFrame):
        missing = {"left_id", "right_id", "match"} - set(pair_labels.columns)
        if missing:
            msg = f"pair_labels lacks column(s) {sorted(missing)}; give left_id, right_id, match"
            raise InvalidValueError(msg)
        frame = pair_labels
        return list(zip(frame["left_id"], frame["right_id"], frame["match"], strict=True))
    if not isinstance(pair_labels, list | tuple):
        msg = f"pair_labels={type(pair_labels).__name__} must be (left_id, right_id, match) rows"
        raise InvalidValueError(msg)
    odd = [row for row in pair_labels if not isinstance(row, tuple | list) or len(row) != 3]
    if odd:
        msg = f"pair_labels row {odd[0]!r} must be (left_id, right_id, match)"
        raise InvalidValueError(msg)
    return [(a, b, verdict) for a, b, verdict in pair_labels]


def labelled_pairs(
    prepared: Prepared,
    *,
    pair_labels: LabelledPairs | None = None,
    truth: npt.NDArray[np.intp] | None = None,
    candidates: tuple[Ints, Ints] | None = None,
) -> tuple[Ints, Ints, npt.NDArray[np.bool_]]:
    """Positions of the labelled pairs and their verdicts.

    From ``pair_labels`` (record ids and a verdict each) and from cluster codes
    ``truth`` (``-1`` unlabelled): every candidate pair with both records labelled.
    """
    lefts, rights, verdicts = [np.empty(0, np.int64)], [np.empty(0, np.int64)], [np.empty(0, bool)]
    if pair_labels is not None:
        triples = _triples(pair_labels)
        found = positions(prepared, [(a, b) for a, b, _ in triples], "pair_labels")
        lefts.append(found[0])
        rights.append(found[1])
        verdicts.append(np.array([bool(v) for _, _, v in triples], dtype=bool))
    if truth is not None and candidates is not None:
        left, right = candidates
        both = (truth[left] >= 0) & (truth[right] >= 0)
        lefts.append(left[both])
        rights.append(right[both])
        verdicts.append(truth[left[both]] == truth[right[both]])
    return np.concatenate(lefts), np.concatenate(rights), np.concatenate(verdicts)


def fit_labelled(
    prepared: Prepared,
    labelled: tuple[Ints, Ints, npt.NDArray[np.bool_]],
    *,
    levels: npt.NDArray[np.int8],
    u: list[npt.NDArray[np.float64]],
) -> tuple[list[npt.NDArray[np.float64]], float]:
    """``m`` counted on the labelled matches, then the prior by EM over the candidates.

    Raises
    ------
    InvalidValueError
        With fewer than :data:`MIN_MATCHES` labelled matching pairs.
    """
    left, right, verdict = labelled
    matches = int(verdict.sum())
    if matches < MIN_MATCHES:
        msg = (
            f"the labels hold {matches} matching pair(s) ({len(verdict)} labelled pairs in "
            f"all); at least {MIN_MATCHES} are needed to fit m: label more pairs, or give "
            "no labels to fit without them"
        )
        raise InvalidValueError(msg)
    m = m_from_matches(prepared.compare(left[verdict], right[verdict]), u)
    return m, fit_prior(levels, m, u)


def informative_pairs(
    weights: npt.NDArray[np.float64], *, count: int, exclude: npt.NDArray[np.bool_] | None = None
) -> npt.NDArray[np.int64]:
    """Rows of the ``count`` pairs whose match weight is nearest zero (least sure first).

    Examples
    --------
    >>> import numpy as np
    >>> informative_pairs(np.array([9.0, -0.5, 0.2, -12.0, 3.0]), count=2).tolist()
    [2, 1]
    """
    distance = np.abs(weights)
    if exclude is not None:
        distance = np.where(exclude, np.inf, distance)
    order = np.argsort(distance, kind="stable")[:count]
    return order[np.isfinite(distance[order])].astype(np.int64)
