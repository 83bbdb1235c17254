"""The health scorer: service, satisfaction, product adoption and engagement of customers."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import DAY_NS, numbers, positive
from customer_understanding.base import Tables
from customer_understanding.scoring._engagement import EngagementScorer
from customer_understanding.scoring._grading import check_thresholds, grade_by_thresholds
from customer_understanding.scoring._score_table import Reasons, ScoreTable
from customer_understanding.scoring._traits import (
    ActiveSeatShare,
    FeatureBreadth,
    InteractionCount,
    OpenTickets,
)
from customer_understanding.tables import NAT
from customer_understanding.typing import AsOf, BaseLike, Level

__all__ = ["HealthScorer"]

Floats = npt.NDArray[np.float64]
_GRADES = ("healthy", "watch", "at_risk")


def _signal(name: str, value: Floats, weight: float, contribution: Floats) -> Reasons:
    rows = np.flatnonzero(~np.isnan(value) & (contribution != 0))
    return Reasons(
        row=rows, signal=np.zeros(len(rows)), signals=(name,), value=value[rows],
        weight=np.full(len(rows), weight), decay=np.ones(len(rows)),
        contribution=contribution[rows],
    )  # fmt: skip


def _mean_satisfaction(tables: Tables, as_of: int, window_days: float) -> Floats:
    table = tables.interactions
    times, rating = table.column("occurred_at"), table.column("satisfaction")
    account = table.column("account")
    mask = (times != NAT) & (times < as_of) & (times >= as_of - int(window_days * DAY_NS))
    mask &= ~np.isnan(rating) & (account >= 0)
    size = len(tables.accounts)
    total = np.bincount(account[mask], weights=rating[mask], minlength=size)
    count = np.bincount(account[mask], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


@attrs.frozen(kw_only=True)
class HealthScorer:
    """Customer health of accounts: a baseline moved up and down by explainable signals.

    Signals (each a reason): open tickets per priority (``ticket_points``), tickets
    opened in the last 30 days, mean satisfaction (centred on 0.5), the active share of
    seats in the last 30 days, the distinct features used in the last 30 days (at most
    ``feature_cap`` count), the trend of product use (last 30 days against the 30
    before, in [-1, 1]) and engagement (the engagement score over ``engagement_scale``,
    at most 1). Grades: ``healthy``, ``watch``, ``at_risk``. Renewal dates are not in the
    data model yet, so renewal proximity is not a signal.

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> from customer_understanding.datasets import generate_world
    >>> world = generate_world(accounts=8, interactions=800, defects=False)
    >>> base = CustomerBase.build(world.as_sources())
    >>> table = HealthScorer().score(base, as_of="2026-06-01")
    >>> set(table.labels()) <= {"healthy", "watch", "at_risk"}
    True
    """

    baseline: float = 50.0
    ticket_points: Mapping[str, float] = attrs.field(
        factory=lambda: {"p1": -15.0, "p2": -8.0, "p3": -3.0, "p4": -1.0}
    )
    recent_ticket_points: float = -1.0
    satisfaction_points: float = 20.0
    adoption_points: float = 25.0
    trend_points: float = 10.0
    feature_points: float = 2.0
    feature_cap: int = 5
    engagement_points: float = 10.0
    engagement_scale: float = 50.0
    grades: tuple[float, ...] = attrs.field(default=(60.0, 40.0), converter=numbers)

    def __attrs_post_init__(self) -> None:
        check_thresholds("grades", self.grades, _GRADES)
        positive("engagement_scale", self.engagement_scale)

    @property
    def level(self) -> Level:
        """Health is about accounts."""
        return "account"

    @property
    def name(self) -> str:
        """The registry name of this scorer."""
        return "health"

    def score(self, base: BaseLike, /, *, as_of: AsOf) -> ScoreTable:
        """Score every account's health as of ``as_of``."""
        tables = base.tables
        moment = tables.moment(as_of)
        size = len(tables.accounts)
        ones = np.ones(size)
        parts = [_signal("baseline", ones, self.baseline, ones * self.baseline)]
        parts += self._service(tables, moment)
        parts += self._product(tables, moment)
        engaged = EngagementScorer(level="account").score(base, as_of=moment).score
        share = np.clip(engaged / self.engagement_scale, 0.0, 1.0)
        parts.append(
            _signal("engagement", share, self.engagement_points, share * self.engagement_points)
        )
        reasons = Reasons.concat(parts)
        score = reasons.total(size)
        return ScoreTable(
            scorer=self.name, level="account", as_of=moment, ids=tables.accounts.column("id"),
            score=score, grade=grade_by_thresholds(score, self.grades), grades=_GRADES,
            reasons=reasons,
        )  # fmt: skip

    def _service(self, tables: Tables, as_of: int) -> list[Reasons]:
        parts = []
        for priority, points in self.ticket_points.items():
            count = OpenTickets(priorities=(priority,)).evaluate(
                tables, as_of=as_of, level="account"
            )
            parts.append(_signal(f"open_{priority}_tickets", count, points, count * points))
        recent = InteractionCount(types=("ticket",), window_days=30.0)
        count = recent.evaluate(tables, as_of=as_of, level="account")
        parts.append(
            _signal(
                "tickets_30d", count, self.recent_ticket_points, count * self.recent_ticket_points
            )
        )
        rating = _mean_satisfaction(tables, as_of, 180.0)
        centred = np.nan_to_num(2 * rating - 1)
        parts.append(
            _signal(
                "satisfaction", rating, self.satisfaction_points, centred * self.satisfaction_points
            )
        )
        return parts

    def _product(self, tables: Tables, as_of: int) -> list[Reasons]:
        seats = ActiveSeatShare(window_days=30.0).evaluate(tables, as_of=as_of, level="account")
        adoption = np.nan_to_num(seats) * self.adoption_points
        use = InteractionCount(disciplines=("product",), window_days=30.0)
        recent = use.evaluate(tables, as_of=as_of, level="account")
        before = use.evaluate(tables, as_of=as_of - 30 * DAY_NS, level="account")
        trend = np.clip((recent - before) / np.maximum(before, 1.0), -1.0, 1.0)
        features = FeatureBreadth(window_days=30.0).evaluate(tables, as_of=as_of, level="account")
        counted = np.minimum(features, self.feature_cap)
        return [
            _signal("active_seat_share", seats, self.adoption_points, adoption),
            _signal("feature_breadth", counted, self.feature_points, counted * self.feature_points),
            _signal("product_trend", trend, self.trend_points, trend * self.trend_points),
        ]
