"""Term frequencies: how often each compared value was held where a model was fitted.

Exact agreement on a rare value weighs more than on a common one (see
:func:`~customer_understanding.identity._model.term_frequency_weights`). What is rare is
counted once, over the records a model is fitted on, and kept with the model: a run
that reuses the model (an incremental update, online matching) reuses the counts too,
so a pair weighs what it weighed when the model was fitted, whatever was added since.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import int64s
from customer_understanding._errors import InvalidValueError
from customer_understanding.identity._model import exact_u

__all__ = ["Frequencies"]

Ints = npt.NDArray[np.int64]


def _counts(values: Any) -> Mapping[str, Ints]:
    if not isinstance(values, Mapping):
        msg = f"counts={values!r} must be a mapping of column names to arrays of counts"
        raise InvalidValueError(msg)
    return {str(name): int64s(found) for name, found in values.items()}


def _exact(values: Any) -> Mapping[str, float]:
    if not isinstance(values, Mapping):
        msg = f"exact={values!r} must be a mapping of column names to probabilities"
        raise InvalidValueError(msg)
    return {str(name): float(found) for name, found in values.items()}


@attrs.frozen(kw_only=True, eq=False)
class Frequencies:
    """Per term-frequency column, the records that held each value, and exact-agreement u.

    Parameters
    ----------
    counts
        Per column, indexed by value code: how many of the counted records held it.
    exact
        Per column, the chance that two counted records (of different sources) agree
        exactly (see :func:`~customer_understanding.identity._model.exact_u`).

    A value's share is its count over the records that held any value. A value the
    counts do not know (new since they were counted, so its code is past them; or one
    no counted record held) is taken as held once: the share of the rarest value seen.

    Examples
    --------
    >>> import numpy as np
    >>> counted = Frequencies.count({"email": np.array([0, 0, 1, -1])}, ["email"])
    >>> counted.shares("email", np.array([0, 1, 2])).tolist()  # 2: a value new since
    [0.6666666666666666, 0.3333333333333333, 0.3333333333333333]
    >>> round(counted.exact["email"], 3)
    0.333
    """

    counts: Mapping[str, Ints] = attrs.field(converter=_counts)
    exact: Mapping[str, float] = attrs.field(converter=_exact)
    _totals: dict[str, int] = attrs.field(factory=dict, init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if set(self.counts) != set(self.exact):
            msg = f"counts {sorted(self.counts)} and exact {sorted(self.exact)} must name one set"
            raise InvalidValueError(msg)
        for column, found in self.counts.items():
            self._totals[column] = max(int(found.sum()), 1)

    @classmethod
    def count(cls, codes: Mapping[str, npt.ArrayLike], columns: list[str], *,
              sources: npt.ArrayLike | None = None) -> Frequencies:  # fmt: skip
        """The frequencies of ``columns`` counted over every record of ``codes``.

        ``codes`` holds per column each record's value code (``-1``: missing);
        ``sources`` each record's source for exact-agreement u (default: each its own,
        as when one table is deduplicated).
        """
        counts, exact = {}, {}
        for column in columns:
            found = np.asarray(codes[column], dtype=np.int64)
            mine = (np.arange(len(found), dtype=np.int64) if sources is None
                    else np.asarray(sources, dtype=np.int64))  # fmt: skip
            counts[column] = np.bincount(found[found >= 0], minlength=0).astype(np.int64)
            exact[column] = exact_u(found, mine)
        return cls(counts=counts, exact=exact)

    def __contains__(self, column: object) -> bool:
        return column in self.counts

    def shares(self, column: str, codes: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The share of the counted values each of ``codes`` (present ones) holds."""
        found, counts = np.asarray(codes, dtype=np.int64), self.counts[column]
        held = np.ones(len(found), dtype=np.int64)
        known = found < len(counts)
        held[known] = np.maximum(counts[found[known]], 1)
        shares: npt.NDArray[np.float64] = held / self._totals[column]
        return shares
