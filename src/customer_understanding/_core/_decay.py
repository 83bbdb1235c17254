"""Time decay: the one weighting of older events used by every area."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from customer_understanding._core._time import DAY_NS

__all__ = ["half_life_decay"]


def half_life_decay(
    age_ns: npt.NDArray[np.int64], half_life_days: float | None
) -> npt.NDArray[np.float64]:
    """The weight ``0.5 ** (age / half_life)`` of events ``age_ns`` old (1 without decay).

    Examples
    --------
    >>> half_life_decay(np.array([0, 30 * DAY_NS]), 30.0).tolist()
    [1.0, 0.5]
    >>> half_life_decay(np.array([5]), None).tolist()
    [1.0]
    """
    if half_life_days is None:
        return np.ones(len(age_ns))
    rate = np.float64(np.log(2.0) / (half_life_days * DAY_NS))
    return np.exp(-rate * np.asarray(age_ns, dtype=np.float64))
