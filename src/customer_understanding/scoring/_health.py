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
    positive_or_none,
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


def _of_rows(reasons: Reasons, keep: npt.NDArray[np.bool_]) -> Reasons:
    """The reasons of the kept entity rows only."""
    mask = keep[reasons.row]
    return Reasons(
        row=reasons.row[mask], signal=reasons.signal[mask], signals=reasons.signals,
        value=reasons.value[mask], weight=reasons.weight[mask], decay=reasons.decay[mask],
        contribution=reasons.contribution[mask],
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


def _spreads(instance: object, attribute: Any, value: object) -> None:
    fine = (
        isinstance(value, tuple) and len(value) == 2
        and all(isinstance(v, float) and np.isfinite(v) for v in value)
        and 0 <= value[0] < value[1]
    )  # fmt: skip
    if not fine:
        msg = f"{attribute.name}={value!r} must be two numbers 0 <= watch < at_risk"
        raise InvalidValueError(msg)


def _grades_or_none(instance: object, attribute: Any, value: object) -> None:
    if value is not None:
        are_numbers(instance, attribute, value)


def _numbers_or_none(value: Any) -> Any:
    return None if value is None else numbers(value)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class HealthScorer:
    """Customer health: a baseline moved up and down by explainable signals, for customers only.

    A customer is an account with a won deal closed by ``as_of``; other accounts
    (prospects) get no score (``nan``) and no grade. Every signal is a standard trait of
    :mod:`customer_understanding.traits`, named as there, so health, segment rules and
    signal policies read the same facts:

    - renewals: ``renewal_lost`` (the latest decided renewal was lost) and
      ``contract_lapsed`` (no won deal for more than ``lapse_days``, from
      ``days_since_revenue``), each worth ``renewal_points``;
    - service: open tickets per priority (``open_p1_tickets`` …, ``ticket_points``),
      ``tickets_30d`` and ``satisfaction``, centred on the mean satisfaction of the
      customers as of ``as_of`` (a customer as satisfied as the others moves nothing);
    - product: ``seat_utilisation`` (active users per licensed seat, at most 1; no
      points where seats are unknown), ``features_30d`` (at most ``feature_cap``),
      ``product_use_change`` (in [-1, 1]) and, in a base that holds product use at all,
      ``no_active_users_30d`` (``idle_points``);
    - engagement: the engagement score over ``engagement_scale``, at most 1.

    Other missing facts move nothing. Grades are ``healthy``, ``watch`` and
    ``at_risk``. By default they are calibrated on the customer population as of
    ``as_of``: a score more than ``spreads[0]`` robust standard deviations (1.4826 times
    the median absolute deviation) below the median customer's is ``watch``, more than
    ``spreads[1]`` is ``at_risk``, so grades mean the same whatever scale a company's
    data gives the points. The population is the customers of the base scored: grade a
    slice (``base.for_accounts``) with ``grades`` taken from the whole base, or give
    ``grades`` (descending score thresholds) to grade on fixed points.

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> from customer_understanding.datasets import generate_world
    >>> world = generate_world(accounts=8, interactions=800, defects=False)
    >>> base = CustomerBase.build(world.as_sources())
    >>> table = HealthScorer().score(base, as_of="2026-06-01")
    >>> set(table.labels()) <= {"healthy", "watch", "at_risk", None}
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
    renewal_points: float = attrs.field(default=-40.0, validator=check_finite)
    lapse_days: float | None = attrs.field(default=425.0, validator=positive_or_none)
    idle_points: float = attrs.field(default=-20.0, validator=check_finite)
    spreads: tuple[float, float] = attrs.field(
        default=(0.5, 1.0), converter=_numbers_or_none, validator=_spreads
    )
    grades: tuple[float, ...] | None = attrs.field(
        default=None, converter=_numbers_or_none, validator=_grades_or_none
    )

    def __attrs_post_init__(self) -> None:
        if self.grades is not None:
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
        """Score the health of every customer as of ``as_of``; other accounts get none."""
        tables = base.tables
        facts = TraitSnapshot(base, as_of=as_of)
        size = len(tables.accounts)
        customer = facts.values("won_deals") > 0
        ones = np.ones(size)
        parts = [_signal("baseline", ones, self.baseline, ones * self.baseline)]
        parts += self._renewal(facts)
        parts += self._service(facts, customer)
        parts += self._product(facts)
        engaged = EngagementScorer(level="account").score(base, as_of=facts.as_of).score
        share = np.clip(engaged / self.engagement_scale, 0.0, 1.0)
        parts.append(
            _signal("engagement", share, self.engagement_points, share * self.engagement_points)
        )
        reasons = _of_rows(Reasons.concat(parts), customer)
        score = np.where(customer, reasons.total(size), np.nan)
        grade = np.where(customer, grade_by_thresholds(score, self._thresholds(score)), -1)
        return ScoreTable(
            scorer=self.name, level="account", as_of=facts.as_of,
            ids=tables.accounts.column("id"), score=score, grade=grade, grades=_GRADES,
            reasons=reasons,
        )  # fmt: skip

    def _thresholds(self, score: Floats) -> tuple[float, ...]:
        """The grades' thresholds: given, or from the customers' (non-missing) scores."""
        if self.grades is not None:
            return self.grades
        known = score[~np.isnan(score)]
        if not len(known):
            return (0.0, -1.0)
        centre = float(np.median(known))
        spread = max(1.4826 * float(np.median(np.abs(known - centre))), 1e-9)
        return tuple(centre - k * spread for k in self.spreads)

    def _renewal(self, facts: TraitSnapshot) -> list[Reasons]:
        lost = facts.values("renewal_lost")
        parts = [_signal("renewal_lost", lost, self.renewal_points, lost * self.renewal_points)]
        if self.lapse_days is not None:
            days = facts.values("days_since_revenue")
            lapsed = np.where(np.nan_to_num(days) > self.lapse_days, 1.0, 0.0) * (1 - lost)
            points = lapsed * self.renewal_points
            parts.append(_signal("contract_lapsed", lapsed, self.renewal_points, points))
        return parts

    def _service(self, facts: TraitSnapshot, customer: npt.NDArray[np.bool_]) -> list[Reasons]:
        parts = []
        for priority, points in self.ticket_points.items():
            count = facts.values(OpenTickets(priorities=(priority,)))
            parts.append(_signal(f"open_{priority}_tickets", count, points, count * points))
        count = facts.values("tickets_30d")
        recent = self.recent_ticket_points
        parts.append(_signal("tickets_30d", count, recent, count * recent))
        rating = facts.values("satisfaction")
        rated = rating[customer & ~np.isnan(rating)]
        usual = float(rated.mean()) if len(rated) else 0.5
        centred = np.nan_to_num(2 * (rating - usual)) * self.satisfaction_points
        parts.append(_signal("satisfaction", rating, self.satisfaction_points, centred))
        return parts

    def _product(self, facts: TraitSnapshot) -> list[Reasons]:
        used = facts.values("seat_utilisation")
        adoption = np.nan_to_num(np.minimum(used, 1.0)) * self.adoption_points
        trend = facts.values("product_use_change")
        moved = np.nan_to_num(np.clip(trend, -1.0, 1.0)) * self.trend_points
        features = np.minimum(facts.values("features_30d"), self.feature_cap)
        parts = [
            _signal("seat_utilisation", used, self.adoption_points, adoption),
            _signal("features_30d", features, self.feature_points, features * self.feature_points),
            _signal("product_use_change", trend, self.trend_points, moved),
        ]
        if np.isfinite(facts.values("days_since_product_use")).any():
            # only in a base that holds product use at all: elsewhere silence says nothing
            idle = (facts.values("active_users_30d") == 0).astype(np.float64)
            parts.append(_signal("no_active_users_30d", idle, self.idle_points,
                                 idle * self.idle_points))  # fmt: skip
        return parts
