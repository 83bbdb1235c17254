"""The health scorer: service, satisfaction, product adoption and engagement of customers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import (
    are_numbers,
    check_finite,
    check_positive,
    frozen_mapping,
    numbers,
    positive,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.scoring._engagement import EngagementScorer
from customer_understanding.scoring._grading import check_thresholds, grade_by_thresholds
from customer_understanding.scoring._score_table import Reasons, ScoreTable
from customer_understanding.traits import OpenTickets, TraitSnapshot
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


def _points(value: Mapping[str, float]) -> Mapping[str, float]:
    return frozen_mapping(value) if isinstance(value, Mapping) else value


def _finite_points(instance: object, attribute: Any, value: object) -> None:
    numbers_ok = isinstance(value, Mapping) and all(
        isinstance(key, str) and isinstance(points, int | float) and np.isfinite(points)
        for key, points in value.items()
    )
    if not numbers_ok:
        msg = f"{attribute.name}={value!r} must map ticket priorities to finite points"
        raise InvalidValueError(msg)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class HealthScorer:
    """Customer health of accounts: a baseline moved up and down by explainable signals.

    Every signal is a standard trait of :mod:`customer_understanding.traits`, named as
    there, so health, segment rules and signal policies read the same facts: open
    tickets per priority (``open_p1_tickets`` …, weighted by ``ticket_points``),
    ``tickets_30d``, ``satisfaction`` (centred on 0.5), ``seat_utilisation`` (active
    users per licensed seat, at most 1; no points where seats are unknown),
    ``features_30d`` (at most ``feature_cap`` count), ``product_use_change`` (in
    [-1, 1]) and engagement (the engagement score over ``engagement_scale``, at most 1).
    Missing facts move nothing. Grades: ``healthy``, ``watch``, ``at_risk``. Renewal
    dates are not in the data model yet, so renewal proximity is not a signal.

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

    baseline: float = attrs.field(default=50.0, validator=check_finite)
    ticket_points: Mapping[str, float] = attrs.field(
        factory=lambda: {"p1": -15.0, "p2": -8.0, "p3": -3.0, "p4": -1.0},
        converter=_points,
        validator=_finite_points,
    )
    recent_ticket_points: float = attrs.field(default=-1.0, validator=check_finite)
    satisfaction_points: float = attrs.field(default=20.0, validator=check_finite)
    adoption_points: float = attrs.field(default=25.0, validator=check_finite)
    trend_points: float = attrs.field(default=10.0, validator=check_finite)
    feature_points: float = attrs.field(default=2.0, validator=check_finite)
    feature_cap: int = attrs.field(default=5, validator=check_positive)
    engagement_points: float = attrs.field(default=10.0, validator=check_finite)
    engagement_scale: float = attrs.field(default=50.0, validator=check_positive)
    grades: tuple[float, ...] = attrs.field(
        default=(60.0, 40.0), converter=numbers, validator=are_numbers
    )

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
        facts = TraitSnapshot(base, as_of=as_of)
        size = len(tables.accounts)
        ones = np.ones(size)
        parts = [_signal("baseline", ones, self.baseline, ones * self.baseline)]
        parts += self._service(facts)
        parts += self._product(facts)
        engaged = EngagementScorer(level="account").score(base, as_of=facts.as_of).score
        share = np.clip(engaged / self.engagement_scale, 0.0, 1.0)
        parts.append(
            _signal("engagement", share, self.engagement_points, share * self.engagement_points)
        )
        reasons = Reasons.concat(parts)
        score = reasons.total(size)
        return ScoreTable(
            scorer=self.name, level="account", as_of=facts.as_of,
            ids=tables.accounts.column("id"), score=score,
            grade=grade_by_thresholds(score, self.grades), grades=_GRADES, reasons=reasons,
        )  # fmt: skip

    def _service(self, facts: TraitSnapshot) -> list[Reasons]:
        parts = []
        for priority, points in self.ticket_points.items():
            count = facts.values(OpenTickets(priorities=(priority,)))
            parts.append(_signal(f"open_{priority}_tickets", count, points, count * points))
        count = facts.values("tickets_30d")
        recent = self.recent_ticket_points
        parts.append(_signal("tickets_30d", count, recent, count * recent))
        rating = facts.values("satisfaction")
        centred = np.nan_to_num(2 * rating - 1) * self.satisfaction_points
        parts.append(_signal("satisfaction", rating, self.satisfaction_points, centred))
        return parts

    def _product(self, facts: TraitSnapshot) -> list[Reasons]:
        used = facts.values("seat_utilisation")
        adoption = np.nan_to_num(np.minimum(used, 1.0)) * self.adoption_points
        trend = facts.values("product_use_change")
        moved = np.nan_to_num(np.clip(trend, -1.0, 1.0)) * self.trend_points
        features = np.minimum(facts.values("features_30d"), self.feature_cap)
        return [
            _signal("seat_utilisation", used, self.adoption_points, adoption),
            _signal("features_30d", features, self.feature_points, features * self.feature_points),
            _signal("product_use_change", trend, self.trend_points, moved),
        ]
