"""Grades and bands from descending thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from customer_understanding._errors import InvalidValueError

__all__ = ["check_thresholds", "grade_by_thresholds"]


def check_thresholds(name: str, thresholds: Sequence[float], labels: Sequence[str]) -> None:
    """Refuse thresholds that are not strictly descending or do not fit the labels.

    Examples
    --------
    >>> check_thresholds("bands", (10, 20), ("1", "2", "3"))
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: bands=(10, 20) must be strictly descending
    """
    values = tuple(thresholds)
    if len(values) != len(labels) - 1:
        msg = f"{name}={values!r} needs {len(labels) - 1} thresholds for {tuple(labels)!r}"
        raise InvalidValueError(msg)
    if any(not np.isfinite(v) for v in values) or any(a <= b for a, b in pairwise(values)):
        msg = f"{name}={values!r} must be strictly descending"
        raise InvalidValueError(msg)


def grade_by_thresholds(
    score: npt.NDArray[np.float64], thresholds: Sequence[float]
) -> npt.NDArray[np.int32]:
    """Grade code per score: 0 from the first threshold up, 1 from the second, and so on.

    Examples
    --------
    >>> grade_by_thresholds(np.array([95.0, 50.0, 3.0]), (80, 40)).tolist()
    [0, 1, 2]
    """
    ascending = -np.asarray(thresholds, dtype=np.float64)
    return np.searchsorted(ascending, -score, side="left").astype(np.int32)
