"""Funnel (waterfall) metrics over a stage history: volume, conversion, velocity, value.

For each step ``s_i → s_{i+1}`` of :attr:`Funnel.steps`, every subject that entered
``s_i`` is followed from its first entry until the first of:

- *conversion*: entering any later step (skipping a step still converts);
- a *competing outcome*: entering one of :attr:`Funnel.failures` (lost, recycled, dormant);
- the end of follow-up ``as_of`` (*censored*: still open, not failed).

From these the table reports the naive ratio, the Kaplan-Meier conversion (competing
outcomes treated as censoring), the Aalen-Johansen cumulative incidence of conversion
(competing outcomes competing), and velocity: the Kaplan-Meier median time in the stage
and the plain median days to convert among converters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    DAY_NS,
    NAT,
    Moment,
    TableExport,
    html_table,
    known_by,
    positive_or_none,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys._columns import (
    checked,
    column,
    frame,
    moment_of,
    moment_within,
    refused,
    require,
    shown,
)
from customer_understanding.journeys._stages import StageHistory, _stage_tuple
from customer_understanding.journeys._survival import survival_curve
from customer_understanding.typing import AsOf

__all__ = ["Funnel", "FunnelTable"]

_NEVER = np.iinfo(np.int64).max
Ints = npt.NDArray[np.int64]


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class FunnelTable(TableExport):
    """One row per step (and cohort) of a funnel, as of a moment.

    Parameters
    ----------
    frame
        Columns ``cohort``, ``stage``, ``next_stage``, ``entered``, ``converted``,
        ``failed``, ``open``, ``value`` (of the subjects that entered the step),
        ``converted_value`` (of those that went on to the next), ``conversion_naive``,
        ``conversion_km``, ``conversion_cif``, ``median_days_in_stage``,
        ``median_days_to_convert``; the table keeps a private copy and :meth:`to_pandas`
        hands out new ones.
    as_of
        The end of follow-up, stored as a :class:`~customer_understanding.typing.Moment`.

    Examples
    --------
    >>> history = StageHistory.build(subject=[0, 0, 1], stage=["mql", "sql", "mql"],
    ...                              at=[0, 86_400 * 10**9, 0], subjects=2)
    >>> table = Funnel(steps=("mql", "sql")).measure(history, as_of="1970-01-11")
    >>> table
    FunnelTable: 1 row, as of 1970-01-11T00:00:00Z, steps=mql>sql
    >>> table.to_pandas()[["stage", "entered", "converted", "open"]].to_dict("records")
    [{'stage': 'mql', 'entered': 2, 'converted': 1, 'open': 1}]
    """

    _frame: pd.DataFrame = attrs.field(converter=frame, validator=checked, alias="frame")
    as_of: Moment = attrs.field(converter=moment_of)

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        stages = self._frame["stage"].tolist() if "stage" in self._frame else []
        steps = ">".join(dict.fromkeys([*stages, *self._frame.get("next_stage", [])]))
        return summary("FunnelTable", len(self), as_of=self.as_of, steps=steps or "none")

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """The table as a new DataFrame."""
        return self._frame.copy()


def _steps(value: Any) -> tuple[str, ...]:
    names = _stage_tuple(value)
    if isinstance(names, tuple) and len(names) < 2:
        return refused(value, "must name at least two stages")  # type: ignore[no-any-return]
    return names


def _horizon(value: object) -> object:
    # ``inf`` (the old default) means no horizon, like ``None``.
    return None if isinstance(value, float) and value == float("inf") else value


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Funnel:
    """Settings of a funnel: its ordered steps and the competing outcomes.

    Examples
    --------
    >>> Funnel().steps
    ('known', 'mql', 'sql', 'opportunity', 'won')
    """

    steps: tuple[str, ...] = attrs.field(
        default=("known", "mql", "sql", "opportunity", "won"),
        converter=_steps,
        validator=checked,
    )
    failures: tuple[str, ...] = attrs.field(
        default=("lost", "recycled", "dormant"), converter=_stage_tuple, validator=checked
    )
    horizon_days: float | None = attrs.field(
        default=None, converter=_horizon, validator=positive_or_none
    )

    def measure(
        self,
        history: StageHistory,
        *,
        as_of: AsOf = None,
        cohort: tuple[Ints, Sequence[str]] | None = None,
        value: Any = None,
    ) -> FunnelTable:
        """Measure the funnel on ``history``, followed up to ``as_of``.

        ``as_of`` takes any form of a moment (``None``: the history's last entry); it
        may not be before the history's first entry. An entry exactly at ``as_of``
        counts. ``cohort`` is ``(codes, labels)`` with one code per subject (``-1`` for
        none); ``value`` is one number per subject (a deal amount), summed over those
        entering.

        Raises
        ------
        InvalidValueError
            For an ``as_of`` that is no moment or before the first entry, or a ``cohort``
            or ``value`` that does not fit the history's subjects.
        UnknownNameError
            If a step or failure is not a stage of the history's model.
        """
        require("history", history, StageHistory, "a StageHistory")
        moment = moment_within(as_of, history.at)
        return self._measure(history, moment, cohort=cohort, value=value)

    def _measure(
        self, history: StageHistory, as_of: Moment, *, cohort: Any, value: Any
    ) -> FunnelTable:
        for name in (*self.steps, *self.failures):
            history.model.code(name)
        entries = np.stack([history.first_entry(step) for step in self.steps])
        failed_at = self._failures(history)
        codes, labels = _cohorts(cohort, history.subjects)
        amounts = np.zeros(history.subjects) if value is None else _values(value, history)
        rows = [
            self._row(
                (entries, failed_at), index=index, member=codes == code, as_of=as_of, value=amounts
            )
            | {"cohort": label}
            for code, label in enumerate(labels)
            for index in range(len(self.steps) - 1)
        ]
        columns = ["cohort", "stage", "next_stage", *_METRICS]
        return FunnelTable(frame=pd.DataFrame(rows, columns=columns), as_of=as_of)

    def _failures(self, history: StageHistory) -> list[Ints]:
        return [history.first_entry(name) for name in self.failures] or [
            np.full(history.subjects, NAT, dtype=np.int64)
        ]

    def _row(
        self,
        times: tuple[Ints, list[Ints]],
        *,
        index: int,
        member: npt.NDArray[np.bool_],
        as_of: int,
        value: npt.NDArray[np.float64],
    ) -> dict[str, Any]:
        start = times[0][index]
        entered = member & known_by(start, as_of)
        days, cause = _follow_up(times, index=index, entered=entered, as_of=as_of)
        curve = survival_curve(days, cause)
        km, cif = curve.at(float("inf") if self.horizon_days is None else self.horizon_days)
        count = int(entered.sum())
        won = int((cause == 1).sum())
        return {
            "stage": self.steps[index],
            "next_stage": self.steps[index + 1],
            "entered": count,
            "converted": won,
            "failed": int((cause == 2).sum()),
            "open": int((cause == 0).sum()),
            "value": float(value[entered].sum()),
            "converted_value": float(value[entered][cause == 1].sum()),
            "conversion_naive": won / count if count else float("nan"),
            "conversion_km": km if count else float("nan"),
            "conversion_cif": cif if count else float("nan"),
            "median_days_in_stage": curve.median(),
            "median_days_to_convert": float(np.median(days[cause == 1])) if won else float("nan"),
        }


def _follow_up(
    times: tuple[Ints, list[Ints]], *, index: int, entered: npt.NDArray[np.bool_], as_of: int
) -> tuple[npt.NDArray[np.float64], Ints]:
    """Days from entering step ``index`` to its end, and the end's cause (0, 1 or 2)."""
    entries, failed_at = times
    start = entries[index, entered]
    later = entries[index + 1 :, entered]
    converted_at = np.where(later >= start, later, _NEVER).min(axis=0)
    fails = [np.where(f[entered] >= start, f[entered], _NEVER) for f in failed_at]
    fail_at = np.minimum.reduce(fails)
    end = np.minimum(np.minimum(converted_at, fail_at), as_of)
    cause = np.where(converted_at == end, 1, np.where(fail_at == end, 2, 0))
    cause[~known_by(converted_at, as_of) & ~known_by(fail_at, as_of)] = 0
    return (end - start) / DAY_NS, cause.astype(np.int64)


def _cohorts(cohort: Any, subjects: int) -> tuple[Ints, Sequence[str]]:
    if cohort is None:
        return np.zeros(subjects, dtype=np.int64), ("all",)
    try:
        raw, labels = cohort
        labels = [str(label) for label in labels]
    except (TypeError, ValueError):
        msg = f"cohort={shown(cohort)} must be a pair (codes, labels)"
        raise InvalidValueError(msg) from None
    codes = column("cohort codes", raw, np.int64, "integers")
    if len(codes) != subjects or np.any((codes < -1) | (codes >= len(labels))):
        msg = f"cohort codes must be one code per subject ({subjects}) in -1 … {len(labels) - 1}"
        raise InvalidValueError(msg)
    return codes, labels


def _values(value: Any, history: StageHistory) -> npt.NDArray[np.float64]:
    amounts = column("value", value, np.float64, "numbers")
    if len(amounts) != history.subjects:
        msg = f"value has {len(amounts)} numbers but the history has {history.subjects} subjects"
        raise InvalidValueError(msg)
    return amounts


_METRICS = (
    "entered",
    "converted",
    "failed",
    "open",
    "value",
    "converted_value",
    "conversion_naive",
    "conversion_km",
    "conversion_cif",
    "median_days_in_stage",
    "median_days_to_convert",
)
