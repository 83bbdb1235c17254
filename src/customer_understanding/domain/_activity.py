"""Interactions, opportunities with their contact roles, and lifecycle journeys."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from customer_understanding._core import parse_moment, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.domain._activity_types import INTERACTION_TYPES
from customer_understanding.domain._entities import (
    _created_at,
    _id,
    _non_negative,
    _strip_or_none,
    _utc_or_none,
)
from customer_understanding.domain._json import JsonForm
from customer_understanding.domain._normalize import to_utc
from customer_understanding.domain._refs import (
    AccountId,
    ContactId,
    InteractionId,
    OpportunityId,
    SourceRef,
    source_refs,
    tuple_of,
)
from customer_understanding.domain._vocab import (
    Discipline,
    OpportunityKind,
    Outcome,
    Role,
    Stage,
    normalize_term,
)

if TYPE_CHECKING:
    from customer_understanding.typing import AsOf

__all__ = ["ContactRole", "Interaction", "Journey", "Opportunity", "StageChange"]


def _term(value: object, name: str = "value") -> str:
    if not isinstance(value, str):
        msg = f"{name}={value!r} must be a string"
        raise InvalidValueError(msg)
    term = normalize_term(value)
    if not term:
        msg = f"{name}={value!r} must contain a letter or digit"
        raise InvalidValueError(msg)
    return term


def _type(value: object) -> str:
    return _term(value, "type")


def _occurred_at(value: object) -> datetime:
    return to_utc(value, name="occurred_at")


def _at(value: object) -> datetime:
    return to_utc(value, name="at")


def _closed_at(value: object) -> datetime | None:
    return _utc_or_none(value, "closed_at")


def _optional_term(value: str | None) -> str | None:
    text = _strip_or_none(value)
    return None if text is None else _term(text)


def _discipline(value: object) -> Discipline:
    return Discipline.parse(value)


def _outcome(value: object) -> Outcome:
    return Outcome.parse(value)


def _kind_or_none(value: object) -> OpportunityKind | None:
    return None if value is None else OpportunityKind.parse(value)


def _role_or_none(value: object) -> Role | None:
    return None if value is None else Role.parse(value)


def _stage(value: object) -> Stage:
    return Stage.parse(value)


def _discipline_from_type(self: Interaction) -> Discipline:
    known = INTERACTION_TYPES.get(self.type)
    if known is None:
        msg = f"type={self.type!r} is not a well-known interaction type: give discipline="
        raise InvalidValueError(msg)
    return known.discipline


def _channel_from_type(self: Interaction) -> str:
    known = INTERACTION_TYPES.get(self.type)
    return "other" if known is None else known.channel


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Interaction(JsonForm):
    """One touch between the company and a customer, in any discipline.

    Parameters
    ----------
    id
        The interaction's id.
    occurred_at
        When it happened (UTC).
    type
        What happened, from an open vocabulary (``"email_open"``, ``"ticket"``,
        ``"feature_use"`` …, see :data:`INTERACTION_TYPES`).
    discipline
        Which discipline's system saw it; defaults from well-known types.
    channel
        Where it happened; defaults from well-known types, else ``"other"``.
    contact_id, account_id
        Who it involved, when known.
    subject
        A short human label: the e-mail subject, page, ticket title, feature name.
    campaign
        The campaign it belongs to, if any.
    priority, status
        For tickets and tasks: ``"p1"`` … ``"p4"``; ``"open"``, ``"solved"`` ….
    satisfaction
        A satisfaction rating in [0, 1] (a CSAT answer), if any.
    quantity
        A count the event carries (seats, minutes, pages), if any.
    thread
        A conversation or meeting key shared by interactions of the same exchange.
    opportunity_id
        The opportunity it was logged against, if any.
    source
        The source record it came from.

    Examples
    --------
    >>> touch = Interaction(id="i-1", occurred_at="2026-05-04T10:00:00Z", type="Webinar",
    ...                     contact_id="c-1", account_id="acc-1")
    >>> touch.type, touch.discipline.value, touch.channel
    ('webinar', 'marketing', 'event')
    """

    id: InteractionId = attrs.field(validator=_id)
    occurred_at: datetime = attrs.field(converter=_occurred_at)
    type: str = attrs.field(converter=_type)
    discipline: Discipline = attrs.field(
        default=attrs.Factory(_discipline_from_type, takes_self=True), converter=_discipline
    )
    channel: str = attrs.field(
        default=attrs.Factory(_channel_from_type, takes_self=True), converter=_term
    )
    contact_id: ContactId | None = None
    account_id: AccountId | None = None
    subject: str | None = attrs.field(default=None, converter=_strip_or_none)
    campaign: str | None = attrs.field(default=None, converter=_strip_or_none)
    priority: str | None = attrs.field(default=None, converter=_optional_term)
    status: str | None = attrs.field(default=None, converter=_optional_term)
    satisfaction: float | None = attrs.field(default=None)
    quantity: float | None = None
    thread: str | None = attrs.field(default=None, converter=_strip_or_none)
    opportunity_id: OpportunityId | None = None
    source: SourceRef | None = None

    @satisfaction.validator
    def _in_unit_interval(self, attribute: attrs.Attribute[object], value: float | None) -> None:
        if value is not None and not 0.0 <= value <= 1.0:
            msg = f"satisfaction={value!r} must be within [0, 1]"
            raise InvalidValueError(msg)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class ContactRole(JsonForm):
    """The role one contact plays on one opportunity (``None`` when the CRM names none).

    Examples
    --------
    >>> ContactRole(contact_id="c-1", role="Economic Buyer", is_primary=True).role
    <Role.ECONOMIC_BUYER: 'economic_buyer'>
    """

    contact_id: ContactId = attrs.field(validator=_id)
    role: Role | None = attrs.field(converter=_role_or_none)
    is_primary: bool = False


def _contact_roles(value: Iterable[object]) -> tuple[ContactRole, ...]:
    return tuple_of(ContactRole, value, field="contact_roles")


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Opportunity(JsonForm):
    """A potential deal with an account.

    Parameters
    ----------
    id, account_id
        The opportunity and the account it is with.
    name
        The deal's name.
    amount, currency
        The deal's value; ``amount`` must not be negative.
    sales_stage
        The sales stage as the CRM names it (``"Negotiation"``).
    outcome
        Open, won or lost.
    kind
        What it sells (:class:`OpportunityKind`: new business, renewal or expansion),
        ``None`` when the export does not say.
    created_at, closed_at
        When it was opened and, once decided, closed (UTC); ``closed_at`` may not
        come before ``created_at``.
    owner
        The sales rep who owns it.
    contact_roles
        The people on the deal and their :class:`Role`.
    sources
        The source records merged into it.

    Examples
    --------
    >>> deal = Opportunity(id="o-1", account_id="acc-1", amount=48000, outcome="Closed Won",
    ...                    created_at="2026-01-10", closed_at="2026-03-02",
    ...                    contact_roles=[ContactRole(contact_id="c-1", role="champion")])
    >>> deal.outcome.value, deal.is_closed, deal.contact_roles[0].role.value
    ('won', True, 'champion')
    >>> Opportunity(id="o-2", kind="Renewal").kind
    <OpportunityKind.RENEWAL: 'renewal'>
    """

    id: OpportunityId = attrs.field(validator=_id)
    account_id: AccountId | None = None
    name: str | None = attrs.field(default=None, converter=_strip_or_none)
    amount: float | None = attrs.field(default=None, validator=_non_negative)
    currency: str | None = attrs.field(default=None, converter=_strip_or_none)
    sales_stage: str | None = attrs.field(default=None, converter=_strip_or_none)
    outcome: Outcome = attrs.field(default=Outcome.OPEN, converter=_outcome)
    kind: OpportunityKind | None = attrs.field(default=None, converter=_kind_or_none)
    created_at: datetime | None = attrs.field(default=None, converter=_created_at)
    closed_at: datetime | None = attrs.field(default=None, converter=_closed_at)
    owner: str | None = attrs.field(default=None, converter=_strip_or_none)
    contact_roles: tuple[ContactRole, ...] = attrs.field(default=(), converter=_contact_roles)
    sources: tuple[SourceRef, ...] = attrs.field(default=(), converter=source_refs)

    @closed_at.validator
    def _closed_after_created(
        self, attribute: attrs.Attribute[object], value: datetime | None
    ) -> None:
        if value is not None and self.created_at is not None and value < self.created_at:
            closed, created = value.isoformat(), self.created_at.isoformat()
            msg = f"closed_at={closed!r} is before created_at={created!r}"
            raise InvalidValueError(msg)

    @property
    def is_closed(self) -> bool:
        """Whether the deal has been won or lost."""
        return self.outcome is not Outcome.OPEN


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class StageChange(JsonForm):
    """A move of a contact or account into a lifecycle stage at a point in time.

    Examples
    --------
    >>> StageChange(stage="MQL", at="2026-02-01").stage
    <Stage.MQL: 'mql'>
    """

    stage: Stage = attrs.field(converter=_stage)
    at: datetime = attrs.field(converter=_at)
    source: SourceRef | None = None
    reason: str | None = attrs.field(default=None, converter=_strip_or_none)


def _chronological(changes: object) -> tuple[StageChange, ...]:
    if not isinstance(changes, Iterable):
        msg = f"changes={changes!r} must be an iterable of StageChange"
        raise InvalidValueError(msg)
    items = tuple_of(StageChange, changes, field="changes")
    return tuple(sorted(items, key=lambda change: change.at))


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Journey(JsonForm):
    """The lifecycle path of one contact or account: its stage changes in time order.

    Parameters
    ----------
    subject_id
        The contact or account the journey belongs to.
    changes
        Its stage changes; they are sorted by time on construction.

    Examples
    --------
    >>> journey = Journey(subject_id="c-1", changes=[
    ...     StageChange(stage="sql", at="2026-03-01"),
    ...     StageChange(stage="mql", at="2026-02-01"),
    ... ])
    >>> [change.stage.value for change in journey.changes]
    ['mql', 'sql']
    >>> journey.current_stage, journey.stage_at(as_of="2026-02-15")
    (<Stage.SQL: 'sql'>, <Stage.MQL: 'mql'>)
    >>> journey.stage_at(as_of="2026-01-01") is None
    True
    """

    subject_id: str = attrs.field(validator=_id)
    changes: tuple[StageChange, ...] = attrs.field(default=(), converter=_chronological)

    @property
    def current_stage(self) -> Stage | None:
        """The latest stage, or ``None`` for an empty journey."""
        return self.changes[-1].stage if self.changes else None

    @property
    def started_at(self) -> datetime | None:
        """When the first stage was entered."""
        return self.changes[0].at if self.changes else None

    def stage_at(self, *, as_of: AsOf) -> Stage | None:
        """The stage the subject was in at ``as_of`` (``None`` before the first change).

        ``as_of`` takes any form of a moment (``None``: the latest change, so the current
        stage); a change exactly at ``as_of`` counts.
        """
        if as_of is None:
            return self.current_stage
        moment = parse_moment(as_of).datetime
        index = bisect.bisect_right([change.at for change in self.changes], moment)
        return self.changes[index - 1].stage if index else None

    def reached(self, stage: Stage | str) -> datetime | None:
        """When ``stage`` was first entered, or ``None`` if never."""
        wanted = Stage.parse(stage)
        return next((change.at for change in self.changes if change.stage is wanted), None)
