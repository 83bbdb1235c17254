"""Kaplan-Meier and Aalen-Johansen estimates on durations with censoring.

``cause`` codes each subject's end: ``0`` still open at the end of follow-up (censored),
``1`` the event of interest (conversion), ``2`` a competing event (lost, dormant …).
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import TableExport, html_table, summary, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys._columns import checked, column, floats

__all__ = ["SurvivalCurve", "survival_curve"]

_COLUMNS = ("times", "survival", "km_event", "incidence")

Floats = npt.NDArray[np.float64]


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class SurvivalCurve(TableExport):
    """Step functions at the distinct event times.

    Attributes
    ----------
    times
        Distinct times at which any event (cause 1 or 2) happened, ascending.
    survival
        Kaplan-Meier probability of no event of any cause just after each time.
    km_event
        ``1 - S(t)`` from Kaplan-Meier on cause 1 alone, treating cause 2 as censoring.
    incidence
        Aalen-Johansen cumulative incidence of cause 1, with cause 2 competing.

    Examples
    --------
    >>> curve = survival_curve(np.array([1.0, 2.0, 3.0]), np.array([1, 0, 1]))
    >>> curve.km_event.round(3).tolist()
    [0.333, 1.0]
    """

    times: Floats = attrs.field(converter=floats, validator=checked)
    survival: Floats = attrs.field(converter=floats, validator=checked)
    km_event: Floats = attrs.field(converter=floats, validator=checked)
    incidence: Floats = attrs.field(converter=floats, validator=checked)

    def __attrs_post_init__(self) -> None:
        sizes = {name: len(getattr(self, name)) for name in _COLUMNS}
        if len(set(sizes.values())) > 1:
            msg = f"the curve's columns differ in length: {sizes}"
            raise InvalidValueError(msg)

    def __len__(self) -> int:
        """The number of distinct event times."""
        return len(self.times)

    def __repr__(self) -> str:
        return summary("SurvivalCurve", len(self), median=f"{self.median():g}")

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per event time: ``times``, ``survival``, ``km_event``, ``incidence``.

        Examples
        --------
        >>> survival_curve(np.array([1.0, 2.0]), np.array([1, 1])).to_pandas()["survival"].tolist()
        [0.5, 0.0]
        """
        return pd.DataFrame({name: getattr(self, name) for name in _COLUMNS})

    def at(self, horizon: float) -> tuple[float, float]:
        """``(km_event, incidence)`` at ``horizon`` (``inf`` for the end of follow-up)."""
        index = int(np.searchsorted(self.times, horizon, side="right")) - 1
        if index < 0:
            return 0.0, 0.0
        return float(self.km_event[index]), float(self.incidence[index])

    def median(self) -> float:
        """Median time to an event of any cause (``nan`` if survival never falls to 1/2)."""
        below = np.flatnonzero(self.survival <= 0.5)
        return float(self.times[below[0]]) if len(below) else float("nan")


def survival_curve(duration: Floats, cause: npt.NDArray[np.int64]) -> SurvivalCurve:
    """Estimate the curves of :class:`SurvivalCurve` from durations and end causes.

    Raises
    ------
    InvalidValueError
        If ``duration`` is not numbers without ``nan``, ``cause`` is not codes 0, 1 or 2,
        or the two differ in length.

    Examples
    --------
    >>> curve = survival_curve(np.array([1.0, 1.0, 2.0, 4.0]), np.array([1, 2, 1, 0]))
    >>> curve.at(float("inf"))
    (0.625, 0.5)
    """
    duration = column("duration", duration, np.float64, "numbers")
    cause = column("cause", cause, np.int64, "integers")
    if len(duration) != len(cause):
        msg = f"duration has {len(duration)} values but cause has {len(cause)}"
        raise InvalidValueError(msg)
    if np.isnan(duration).any() or not np.isin(cause, (0, 1, 2)).all():
        msg = "duration must hold no nan and cause only the codes 0, 1 and 2"
        raise InvalidValueError(msg)
    times, inverse = np.unique(duration, return_inverse=True)
    size = len(times)
    ended = np.bincount(inverse, minlength=size).astype(np.float64)
    first = np.bincount(inverse, weights=cause == 1, minlength=size)
    second = np.bincount(inverse, weights=cause == 2, minlength=size)
    at_risk = ended[::-1].cumsum()[::-1]
    events = first + second
    keep = events > 0
    survival = np.cumprod(1.0 - events / at_risk)
    before = np.concatenate([[1.0], survival[:-1]])
    incidence = np.cumsum(before * first / at_risk)
    km_event = 1.0 - np.cumprod(1.0 - first / at_risk)
    return SurvivalCurve(
        times=times[keep],
        survival=survival[keep],
        km_event=km_event[keep],
        incidence=incidence[keep],
    )
