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

from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys._stages import NAT, StageHistory, _names
from customer_understanding.journeys._survival import survival_curve

__all__ = ["Funnel", "FunnelTable"]

_DAY_NS = 86_400 * 10**9
_NEVER = np.iinfo(np.int64).max
Ints = npt.NDArray[np.int64]


@attrs.frozen(kw_only=True)
class FunnelTable:
    """One row per step (and cohort) of a funnel.

    Attributes
    ----------
    frame
        Columns ``cohort``, ``stage``, ``next_stage``, ``entered``, ``converted``,
        ``failed``, ``open``, ``value``, ``conversion_naive``, ``conversion_km``,
        ``conversion_cif``, ``median_days_in_stage``, ``median_days_to_convert``.

    Examples
    --------
    >>> history = StageHistory.build(subject=[0, 0, 1], stage=["mql", "sql", "mql"],
    ...                              at=[0, 86_400 * 10**9, 0], subjects=2)
    >>> table = Funnel(steps=("mql", "sql")).measure(history, as_of=10 * 86_400 * 10**9)
    >>> table.to_pandas()[["stage", "entered", "converted", "open"]].to_dict("records")
    [{'stage': 'mql', 'entered': 2, 'converted': 1, 'open': 1}]
    """

    frame: pd.DataFrame

    def to_pandas(self) -> pd.DataFrame:
        """A copy of the table as a DataFrame."""
        return self.frame.copy()


def _steps(value: Sequence[str]) -> tuple[str, ...]:
    names = _names(value)
    if len(names) < 2:
        msg = f"steps={tuple(value)!r} must name at least two stages"
        raise InvalidValueError(msg)
    return names


@attrs.frozen(kw_only=True)
class Funnel:
    """Settings of a funnel: its ordered steps and the competing outcomes.

    Examples
    --------
    >>> Funnel().steps
    ('known', 'mql', 'sql', 'opportunity', 'won')
    """

    steps: tuple[str, ...] = attrs.field(
        default=("known", "mql", "sql", "opportunity", "won"), converter=_steps
    )
    failures: tuple[str, ...] = attrs.field(
        default=("lost", "recycled", "dormant"), converter=_names
    )
    horizon_days: float = float("inf")

    def measure(
        self,
        history: StageHistory,
        *,
        as_of: int,
        cohort: tuple[Ints, Sequence[str]] | None = None,
        value: Any = None,
    ) -> FunnelTable:
        """Measure the funnel on ``history``, followed up to ``as_of`` (int64 UTC ns).

        ``cohort`` is ``(codes, labels)`` with one code per subject (``-1`` for none);
        ``value`` is one number per subject (a deal amount), summed over those entering.
        """
        for name in (*self.steps, *self.failures):
            history.model.code(name)
        entries = np.stack([history.first_entry(step) for step in self.steps])
        failed_at = self._failures(history)
        codes, labels = cohort if cohort is not None else (np.zeros(history.subjects), ("all",))
        codes = np.asarray(codes, dtype=np.int64)
        amounts = np.zeros(history.subjects) if value is None else np.asarray(value, float)
        rows = [
            self._row(
                (entries, failed_at), index=index, member=codes == code, as_of=as_of, value=amounts
            )
            | {"cohort": label}
            for code, label in enumerate(labels)
            for index in range(len(self.steps) - 1)
        ]
        columns = ["cohort", "stage", "next_stage", *_METRICS]
        return FunnelTable(frame=pd.DataFrame(rows, columns=columns))

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
        entered = member & (start != NAT) & (start <= as_of)
        days, cause = _follow_up(times, index=index, entered=entered, as_of=as_of)
        curve = survival_curve(days, cause)
        km, cif = curve.at(self.horizon_days)
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
    cause[(converted_at > as_of) & (fail_at > as_of)] = 0
    return (end - start) / _DAY_NS, cause.astype(np.int64)


_METRICS = (
    "entered",
    "converted",
    "failed",
    "open",
    "value",
    "conversion_naive",
    "conversion_km",
    "conversion_cif",
    "median_days_in_stage",
    "median_days_to_convert",
)
