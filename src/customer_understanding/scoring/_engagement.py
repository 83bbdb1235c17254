"""The engagement scorer: points per interaction type with decay, caps and a roll-up."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import (
    Moment,
    are_numbers,
    check_finite,
    check_positive,
    known_by,
    numbers,
    one_of,
    positive_or_none,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.base import Tables, consent_status
from customer_understanding.domain import ConsentPurpose
from customer_understanding.scoring._engagement_core import (
    ContactPoints,
    contact_points,
    roll_up_points,
    signal_codes,
)
from customer_understanding.scoring._grading import check_thresholds, grade_by_thresholds
from customer_understanding.scoring._score_table import Reasons, ScoreTable
from customer_understanding.tables import NAT
from customer_understanding.typing import AsOf, BaseLike, Level

__all__ = ["DEFAULT_POINTS", "DEFAULT_ROLE_WEIGHTS", "EngagementScorer"]

#: Points per interaction type; negative signals subtract.
DEFAULT_POINTS: Mapping[str, float] = {
    "demo": 30.0, "meeting": 20.0, "webinar": 15.0, "form_fill": 15.0, "call": 10.0,
    "content_download": 10.0, "email_reply": 8.0, "email_click": 5.0, "trial_start": 25.0,
    "login": 1.0, "feature_use": 1.0, "page_view": 1.0, "email_open": 1.0,
    "unsubscribe": -25.0, "spam_report": -40.0, "email_bounce": -10.0,
}  # fmt: skip
#: How much a contact's engagement counts towards its account, by buying role.
DEFAULT_ROLE_WEIGHTS: Mapping[str, float] = {
    "economic_buyer": 2.0, "decision_maker": 2.0, "champion": 1.5,
    "technical_evaluator": 1.25, "influencer": 1.25, "procurement": 1.0, "user": 1.0,
    "blocker": 0.5,
}  # fmt: skip
_BANDS = ("1", "2", "3", "4")


def _purpose(value: object) -> ConsentPurpose | None:
    return None if value is None else ConsentPurpose.parse(value)


def _number_map(value: object, name: str) -> dict[str, float]:
    """A private copy of a mapping of names to finite numbers, or a named error."""
    if not isinstance(value, Mapping):
        msg = f"{name}={value!r} must be a mapping of names to numbers"
        raise InvalidValueError(msg)
    for key, number in value.items():
        finite = isinstance(number, int | float | np.integer | np.floating) and not isinstance(
            number, bool
        )
        if not isinstance(key, str) or not finite or not np.isfinite(number):
            msg = f"{name}[{key!r}]={number!r} must be a finite number"
            raise InvalidValueError(msg)
    return {key: float(number) for key, number in value.items()}


def _point_map(value: Any) -> dict[str, float]:
    return _number_map(value, "points")


def _role_map(value: Any) -> dict[str, float]:
    return _number_map(value, "role_weights")


def _points(instance: object, attribute: attrs.Attribute[Any], value: Mapping[str, float]) -> None:
    if not any(value.values()):
        msg = f"{attribute.name}={dict(value)!r} must give points to at least one type"
        raise InvalidValueError(msg)


def _cap_map(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping):
        msg = f"caps={value!r} must be a mapping of interaction types to counts"
        raise InvalidValueError(msg)
    for name, cap in value.items():
        if isinstance(cap, bool) or not isinstance(cap, int | np.integer) or cap < 1:
            msg = f"caps[{name!r}]={cap!r} must be an integer >= 1"
            raise InvalidValueError(msg)
    return {str(name): int(cap) for name, cap in value.items()}


def _count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        msg = f"{attribute.name}={value!r} must be an integer >= 0"
        raise InvalidValueError(msg)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class EngagementScorer:
    """Engagement: points per interaction type, decayed by age, capped per period.

    Contacts score the decayed points of their interactions up to ``as_of``; an account
    scores its people's points weighted by their buying role plus ``breadth_points`` for
    each engaged person beyond the first (at most ``breadth_cap``). Reason codes give, per
    entity and interaction type, the count, the points, the mean decay and the contribution.

    Parameters
    ----------
    level
        ``"contact"`` or ``"account"``.
    points
        Points per interaction type; negative values (unsubscribe, spam report, bounce) subtract.
    half_life_days
        Age at which an interaction is worth half its points; ``None`` for no decay.
    window_days
        Only interactions this recent count; ``None`` for all history.
    caps, cap_period_days
        At most ``caps[type]`` interactions of a type count per contact and period.
    role_weights, breadth_points, breadth_cap
        How the account roll-up weighs roles and rewards breadth.
    bands
        Descending score thresholds for bands ``"1"`` (most engaged) to ``"4"``.
    purpose
        A consent purpose the contact scores are for (``"marketing"`` …): contacts who had
        not granted it as of the moment are left out of a contact-level table (why is in
        :meth:`CustomerBase.consents(...).withheld
        <customer_understanding.base.ConsentRegister.withheld>`). ``None`` scores everyone.
        Web and product events of a person who denied tracking never count for them,
        only for their account.

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> from customer_understanding.datasets import generate_world
    >>> world = generate_world(accounts=8, interactions=800, defects=False)
    >>> base = CustomerBase.build(world.as_sources())
    >>> scores = EngagementScorer(level="account", half_life_days=30).score(
    ...     base, as_of="2026-06-01")
    >>> bool(np.allclose(scores.reasons.total(len(scores)), scores.score))
    True
    """

    level: Level = attrs.field(default="contact", validator=one_of("contact", "account"))
    points: Mapping[str, float] = attrs.field(
        factory=lambda: dict(DEFAULT_POINTS), converter=_point_map, validator=_points
    )
    half_life_days: float | None = attrs.field(default=30.0, validator=positive_or_none)
    window_days: float | None = attrs.field(default=None, validator=positive_or_none)
    caps: Mapping[str, int] = attrs.field(
        factory=lambda: {"page_view": 5, "email_open": 3}, converter=_cap_map
    )
    cap_period_days: float = attrs.field(default=1.0, validator=check_positive)
    role_weights: Mapping[str, float] = attrs.field(
        factory=lambda: dict(DEFAULT_ROLE_WEIGHTS), converter=_role_map
    )
    breadth_points: float = attrs.field(default=5.0, validator=check_finite)
    breadth_cap: int = attrs.field(default=5, validator=_count)
    bands: tuple[float, ...] = attrs.field(
        default=(60.0, 25.0, 5.0), converter=numbers, validator=are_numbers
    )
    purpose: ConsentPurpose | None = attrs.field(default=None, converter=_purpose)

    def __attrs_post_init__(self) -> None:
        check_thresholds("bands", self.bands, _BANDS)

    @property
    def name(self) -> str:
        """The registry name of this scorer."""
        return "engagement"

    def score(self, base: BaseLike, /, *, as_of: AsOf) -> ScoreTable:
        """Score every contact (or account) as of ``as_of`` from earlier interactions."""
        tables = base.tables
        moment = tables.moment(as_of)
        contacts = self._contact_scores(tables, moment)
        if self.level == "contact":
            return self._granted_only(contacts, tables)
        return self.roll_up(contacts, base)

    def _granted_only(self, table: ScoreTable, tables: Tables) -> ScoreTable:
        """The rows of contacts who granted ``purpose`` as of the table's moment."""
        if self.purpose is None:
            return table
        status = consent_status(tables.consents, len(tables.contacts), purpose=self.purpose,
                                moment=table.as_of)  # fmt: skip
        keep = np.flatnonzero(status == "granted")
        new_row = np.full(len(table), -1, dtype=np.int64)
        new_row[keep] = np.arange(len(keep))
        r = table.reasons
        mine = new_row[r.row] >= 0
        reasons = Reasons(
            row=new_row[r.row[mine]], signal=r.signal[mine], signals=r.signals,
            value=r.value[mine], weight=r.weight[mine], decay=r.decay[mine],
            contribution=r.contribution[mine],
        )  # fmt: skip
        return attrs.evolve(table, ids=table.ids[keep], score=table.score[keep],
                            grade=table.grade[keep], reasons=reasons)  # fmt: skip

    def contact_scores(self, tables: Tables, /, *, as_of: AsOf) -> ScoreTable:
        """Contact scores from the interaction table, as of a moment in any accepted form."""
        return self._contact_scores(tables, tables.moment(as_of))

    def _contact_scores(self, tables: Tables, as_of: Moment) -> ScoreTable:
        table = tables.interactions
        lookup, weights, names = signal_codes(table.categories["type"], self.points)
        caps = np.array([self.caps.get(name, np.inf) for name in names], dtype=np.float64)
        points = contact_points(
            contact=table.column("contact"), signal=table.column("type"), lookup=lookup,
            occurred_at=table.column("occurred_at"), weights=weights, as_of=as_of,
            size=len(tables.contacts), half_life_days=self.half_life_days,
            window_days=self.window_days, caps=caps if np.isfinite(caps).any() else None,
            cap_period_days=self.cap_period_days,
        )  # fmt: skip
        return self._table("contact", tables.contacts.column("id"), as_of, points, names)

    def roll_up(self, contacts: ScoreTable, base: BaseLike) -> ScoreTable:
        """Account scores from contact scores: role-weighted, plus points for breadth."""
        tables = base.tables
        names = contacts.reasons.signals
        weights = np.zeros(len(names))
        reasons = contacts.reasons
        weights[reasons.signal] = reasons.weight
        points = ContactPoints(
            score=contacts.score, row=reasons.row, signal=reasons.signal, value=reasons.value,
            weight=reasons.weight, decay=reasons.decay, contribution=reasons.contribution,
        )  # fmt: skip
        rolled, breadth = roll_up_points(
            points, account=tables.contacts.column("account"),
            person_weight=self._person_weights(tables, contacts.as_of), weights=weights,
            size=len(tables.accounts), breadth_points=self.breadth_points,
            breadth_cap=self.breadth_cap,
        )  # fmt: skip
        table = self._table("account", tables.accounts.column("id"), contacts.as_of, rolled, names)
        return attrs.evolve(table, reasons=Reasons.concat([table.reasons, self._breadth(breadth)]))

    def _breadth(self, breadth: npt.NDArray[np.float64]) -> Reasons:
        rows = np.flatnonzero(breadth)
        extra = breadth[rows] / self.breadth_points if len(rows) else breadth[rows]
        return Reasons(
            row=rows, signal=np.zeros(len(rows)), signals=("breadth",), value=extra,
            weight=np.full(len(rows), self.breadth_points), decay=np.ones(len(rows)),
            contribution=breadth[rows],
        )  # fmt: skip

    def person_weights(self, tables: Tables, /, *, as_of: AsOf) -> npt.NDArray[np.float64]:
        """Per contact row, the largest weight of its roles on deals opened by ``as_of``."""
        return self._person_weights(tables, tables.moment(as_of))

    def _person_weights(self, tables: Tables, as_of: Moment) -> npt.NDArray[np.float64]:
        roles = tables.contact_roles
        weight = np.full(len(tables.contacts), -np.inf)
        labels = roles.categories["role"]
        by_code = np.array([self.role_weights.get(label, 1.0) for label in labels] + [1.0])
        opened = tables.opportunities.column("created_at")
        deal = roles.column("opportunity")
        when = np.append(opened, NAT)[deal]
        ok = (roles.column("contact") >= 0) & known_by(when, as_of)
        np.maximum.at(weight, roles.column("contact")[ok], by_code[roles.column("role")[ok]])
        return np.where(np.isfinite(weight), weight, 1.0)

    def _table(
        self, level: Level, ids: npt.NDArray[np.object_], as_of: int, points: ContactPoints,
        names: tuple[str, ...],
    ) -> ScoreTable:  # fmt: skip
        reasons = Reasons(
            row=points.row, signal=points.signal, signals=names, value=points.value,
            weight=points.weight, decay=points.decay, contribution=points.contribution,
        )  # fmt: skip
        return ScoreTable(
            scorer=self.name, level=level, as_of=as_of, ids=ids, score=points.score,
            grade=grade_by_thresholds(points.score, self.bands), grades=_BANDS, reasons=reasons,
        )  # fmt: skip
