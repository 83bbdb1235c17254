"""Lifecycle journeys: when each person and company entered each stage.

People walk the lead-to-cash waterfall (known → engaged → MQL → SAL → SQL → opportunity
→ won or lost, some recycled). The members of a buying committee reach ``opportunity``
when their company's first deal opens and ``won`` or ``lost`` when it closes. Companies
follow their committee (or, without a deal, their most advanced person), and customers
go on through onboarding and adoption to at risk, dormant or advocate; a customer who
leaves ends ``churned``.
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

from customer_understanding._core import epoch_nanos, typed_fields
from customer_understanding.datasets._deals import LOST, OPEN, Deals
from customer_understanding.datasets._firms import CHURNED, CUSTOMER, PROSPECT, Clock, Firms
from customer_understanding.datasets._people import People
from customer_understanding.datasets._text import DAY, HOUR, Ints, days, ints, pick
from customer_understanding.domain import Stage

__all__ = ["FIRM_STAGES", "PERSON_STAGES", "Journeys", "make_journeys"]

PERSON_STAGES: tuple[str, ...] = (
    "known", "engaged", "mql", "sal", "sql", "opportunity", "won", "lost", "recycled",
)  # fmt: skip
FIRM_STAGES: tuple[str, ...] = tuple(stage.value for stage in Stage)
_FIRST_CUSTOMER_COLUMN = FIRM_STAGES.index("onboarding")
_NEVER = np.iinfo(np.int64).max


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Journeys:
    """Stage-entry times (epoch seconds, ``-1`` if never) of every person and company."""

    person: Ints
    firm: Ints

    @property
    def person_stage(self) -> Ints:
        """Each person's current stage as an index into :data:`PERSON_STAGES`."""
        return ints(np.argmax(self.person, axis=1))

    @property
    def firm_stage(self) -> Ints:
        """Each company's current stage as an index into :data:`FIRM_STAGES`."""
        return ints(np.argmax(self.firm, axis=1))

    @property
    def known_at(self) -> Ints:
        """When each person first became known."""
        return self.person[:, 0]

    @property
    def latest(self) -> Ints:
        """When each person last changed stage."""
        return ints(self.person.max(axis=1))

    def reached(self, stage: str) -> Ints:
        """When each person entered ``stage`` (``-1`` if never)."""
        return self.person[:, PERSON_STAGES.index(stage)]


def _take(values: Ints, index: Ints) -> Ints:
    """``values[index]``, or ``-1`` everywhere when there are no values to take from."""
    return values[index] if len(values) else np.full(len(index), -1, dtype=np.int64)


def _waterfall(final: Ints, rng: np.random.Generator, *, anchor: Ints) -> Ints:
    """Times for positions 0…5 of the waterfall, walking back from ``anchor`` at ``final``."""
    count = len(final)
    gaps = (rng.exponential(12 * DAY, (count, 5)) + 2 * HOUR).astype(np.int64)
    before = np.concatenate([np.zeros((count, 1), np.int64), np.cumsum(gaps, axis=1)], axis=1)
    rows = np.arange(count)
    times = anchor[:, None] - (before[rows, final][:, None] - before)
    return np.where(np.arange(6)[None, :] <= final[:, None], times, -1)


def _person_times(
    cast: tuple[Firms, Deals, People], rng: np.random.Generator, *, clock: Clock
) -> Ints:
    firms, deals, people = cast
    primary = np.full(firms.size, -1)
    primary[deals.firm[deals.primary]] = np.flatnonzero(deals.primary)
    deal = primary[people.firm]
    committee = people.in_committee & (deal >= 0)
    count = people.size
    final = np.where(committee, 5, rng.choice(5, size=count, p=(0.44, 0.30, 0.15, 0.07, 0.04)))
    drift = clock.end - days(rng, low=0, high=1.5 * clock.span / DAY, count=count)
    opened = _take(deals.created, deal) + days(rng, low=0, high=2, count=count)
    anchor = np.where(committee, opened, drift)
    times = np.full((count, len(PERSON_STAGES)), -1, dtype=np.int64)
    times[:, :6] = _waterfall(final, rng, anchor=anchor)
    outcome, ended = _take(deals.outcome, deal), _take(deals.closed, deal)
    closed = committee & (outcome != OPEN)
    column = np.where(outcome == LOST, 7, 6)
    times[np.flatnonzero(closed), column[closed]] = ended[closed]
    lost_committee = closed & (outcome == LOST) & (rng.random(count) < 0.4)
    stalled = ~committee & (final == 2) & (rng.random(count) < 0.35)
    back = np.where(lost_committee, ended, anchor) + days(rng, low=20, high=150, count=count)
    recycle = (lost_committee | stalled) & (back <= clock.end)
    times[:, 8] = np.where(recycle, back, -1)
    return times


def _earliest(values: Ints, *, groups: Ints, count: int) -> Ints:
    best = np.full((count, values.shape[1]), _NEVER, dtype=np.int64)
    for column in range(values.shape[1]):
        seen = np.where(values[:, column] >= 0, values[:, column], _NEVER)
        np.minimum.at(best[:, column], groups, seen)
    return np.where(best == _NEVER, -1, best)


def _customer_side(firms: Firms, rng: np.random.Generator, *, clock: Clock) -> Ints:
    times = np.full((firms.size, len(FIRM_STAGES)), -1, dtype=np.int64)
    ever = firms.status != PROSPECT
    times[:, _FIRST_CUSTOMER_COLUMN] = np.where(ever, firms.won_at + HOUR, -1)
    adopting = firms.won_at + days(rng, low=45, high=90, count=firms.size)
    settled = ever & (firms.health != 0)
    times[:, _FIRST_CUSTOMER_COLUMN + 1] = np.where(settled, adopting, -1)
    later = adopting + 14 * DAY
    moved = later + (rng.random(firms.size) * (clock.end - later)).astype(np.int64)
    rows = np.flatnonzero((firms.status == CUSTOMER) & (firms.health >= 2))
    times[rows, _FIRST_CUSTOMER_COLUMN + firms.health[rows]] = moved[rows]
    churned = np.flatnonzero(firms.status == CHURNED)
    warned = firms.churn_at[churned] - days(rng, low=20, high=100, count=len(churned))
    times[churned, FIRM_STAGES.index("at_risk")] = warned
    times[churned, FIRM_STAGES.index("churned")] = firms.churn_at[churned]
    return times


def make_journeys(
    cast: tuple[Firms, Deals, People], rng: np.random.Generator, *, clock: Clock
) -> Journeys:
    """Draw every person's and company's stage history."""
    firms, deals, people = cast
    person = _person_times(cast, rng, clock=clock)
    has_deal = np.zeros(firms.size, dtype=np.bool_)
    has_deal[deals.firm] = True
    drives = people.in_committee | ~has_deal[people.firm]
    waterfall = _earliest(person[drives, :8], groups=people.firm[drives], count=firms.size)
    firm = _customer_side(firms, rng, clock=clock)
    firm[:, :8] = np.where(firm[:, :8] >= 0, firm[:, :8], waterfall)
    return Journeys(person=person, firm=firm)


def stage_table(journeys: Journeys, *, people: People, firms: Firms) -> pd.DataFrame:
    """The ``truth.stages`` table: one row per stage change, by subject and time."""
    parts = []
    for kind, times, ids, names in (
        ("contact", journeys.person, people.ids, PERSON_STAGES),
        ("account", journeys.firm, firms.ids, FIRM_STAGES),
    ):
        rows, columns = np.nonzero(times >= 0)
        parts.append(
            pd.DataFrame(
                {
                    "subject_kind": kind,
                    "subject_id": ids[rows],
                    "stage": pick(names, columns),
                    "at": pd.to_datetime(epoch_nanos(times[rows, columns]), utc=True),
                }
            )
        )
    table = pd.concat(parts, ignore_index=True)
    return table.sort_values(["subject_kind", "subject_id", "at"], kind="stable", ignore_index=True)
