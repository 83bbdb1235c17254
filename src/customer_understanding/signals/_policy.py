"""Declarative signal policies: conditions over account traits, and the signals they emit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal

import attrs

from customer_understanding._core import are_names, names, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.domain import ConsentPurpose, Discipline
from customer_understanding.traits import AllOf, AnyCondition

__all__ = ["Emit", "Policy", "Signal"]

Addressee = Literal["account", "most_engaged_contact", "newest_senior_contact"]


def _discipline(value: object) -> Discipline:
    return Discipline.parse(value)


def _purpose(value: object) -> ConsentPurpose | None:
    return None if value is None else ConsentPurpose.parse(value)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Emit:
    """One signal a policy raises when it fires.

    Parameters
    ----------
    kind
        What the signal asks for (``"pause_nurture"``, ``"advocate_candidate"`` …).
    discipline
        Who receives it.
    priority
        1 (act now) to 4 (when convenient).
    expires_in_days
        How long the signal stays live.
    to
        ``"account"`` (the account owner), or a contact chosen by the rule named.
    purpose
        The consent a signal addressed to a contact needs: only contacts who granted it
        (as of the moment) are chosen. ``None`` takes ``"marketing"`` for marketing
        signals and asks nothing of other disciplines (set ``"sales_outreach"`` for a
        call, ``"references"`` for a case-study request).

    Examples
    --------
    >>> Emit(kind="alert_owner", discipline="sales", priority=1).discipline.value
    'sales'
    >>> Emit(kind="nurture", discipline="marketing", to="most_engaged_contact").consent
    <ConsentPurpose.MARKETING: 'marketing'>
    """

    kind: str
    discipline: Discipline = attrs.field(converter=_discipline)
    priority: int = attrs.field(default=2)
    expires_in_days: float = attrs.field(default=14.0)
    to: Addressee = "account"
    purpose: ConsentPurpose | None = attrs.field(default=None, converter=_purpose)

    @property
    def consent(self) -> ConsentPurpose | None:
        """The consent purpose a contact must have granted to receive this signal."""
        if self.purpose is None and self.discipline is Discipline.MARKETING:
            return ConsentPurpose.MARKETING
        return self.purpose

    @priority.validator
    def _priority(self, attribute: attrs.Attribute[int], value: int) -> None:
        if value not in (1, 2, 3, 4):
            msg = f"priority={value!r} must be 1, 2, 3 or 4"
            raise InvalidValueError(msg)

    @expires_in_days.validator
    def _expiry(self, attribute: attrs.Attribute[float], value: float) -> None:
        if not value > 0:
            msg = f"expires_in_days={value!r} must be > 0"
            raise InvalidValueError(msg)


def _when(value: object) -> AnyCondition:
    if isinstance(value, AnyCondition):
        return value
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"when={value!r} must be a condition or a list of conditions"
        raise InvalidValueError(msg)
    items = tuple(value)
    if not items:
        msg = "when=[] needs at least one condition"
        raise InvalidValueError(msg)
    return AllOf(items)


def _emits(value: Iterable[object]) -> tuple[Emit, ...]:
    items: list[Emit] = []
    for item in value:
        if not isinstance(item, Emit):
            msg = f"emit holds {item!r}, which is not an Emit"
            raise InvalidValueError(msg)
        items.append(item)
    return tuple(items)


def _kinds(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Policy:
    """When all conditions hold for an account, emit signals; higher precedence wins.

    Parameters
    ----------
    name
        The policy's name, quoted in every signal it raises.
    when
        A condition of :mod:`customer_understanding.traits` (a list means all of them),
        over standard or registered traits, or the scores, segments and traits given
        to :func:`evaluate_signals`.
    emit
        The signals to raise.
    precedence
        Larger numbers win: a firing policy removes lower-precedence signals of the kinds
        it ``suppresses`` for the same account.
    suppresses
        Signal kinds this policy silences while it fires.
    description
        One line for people.
    context
        Trait names whose values every signal quotes in its reasons, after the
        conditions (``top_pages_14d`` for a web surge); missing values are left out.

    Examples
    --------
    >>> from customer_understanding.traits import Condition
    >>> policy = Policy(name="at_risk", when=Condition(trait="health", op="<", value=40),
    ...                 emit=[Emit(kind="alert_csm", discipline="service")])
    >>> str(policy.when)
    'health < 40'
    """

    name: str
    when: AnyCondition = attrs.field(converter=_when)
    emit: tuple[Emit, ...] = attrs.field(converter=_emits)
    precedence: int = 0
    suppresses: frozenset[str] = attrs.field(factory=frozenset, converter=_kinds)
    description: str = ""
    context: tuple[str, ...] = attrs.field(default=(), converter=names, validator=are_names)

    def __attrs_post_init__(self) -> None:
        if not self.emit:
            msg = f"policy {self.name!r} needs at least one signal to emit"
            raise InvalidValueError(msg)

    @property
    def trait_names(self) -> frozenset[str]:
        """Every trait the policy reads: its conditions' and its context's."""
        return self.when.trait_names | frozenset(self.context)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Signal:
    """A request from one discipline's facts to another discipline, with its reasons.

    Examples
    --------
    >>> from datetime import UTC
    >>> signal = Signal(kind="alert_owner", discipline=Discipline.SALES, priority=1,
    ...     account_id="a1", owner="Dana", contact_id=None, policy="p1",
    ...     reasons=("open_p1_tickets = 2 (open_p1_tickets >= 1)",),
    ...     created_at=datetime(2026, 3, 1, tzinfo=UTC),
    ...     expires_at=datetime(2026, 3, 8, tzinfo=UTC))
    >>> signal.is_live(datetime(2026, 3, 5, tzinfo=UTC))
    True
    """

    kind: str
    # Rebuilt from a table row, where the discipline may be held as its plain text.
    discipline: Discipline = attrs.field(converter=_discipline)
    priority: int
    account_id: str
    owner: str | None
    contact_id: str | None
    policy: str
    reasons: tuple[str, ...]
    created_at: datetime
    expires_at: datetime

    def is_live(self, at: datetime) -> bool:
        """Whether the signal is live at ``at`` (created, not yet expired)."""
        return self.created_at <= at < self.expires_at


def check_unique_names(policies: Sequence[Policy]) -> None:
    """Raise when two policies share a name (their signals could not be told apart)."""
    seen: set[str] = set()
    for policy in policies:
        if policy.name in seen:
            msg = f"policy name {policy.name!r} is used twice"
            raise InvalidValueError(msg)
        seen.add(policy.name)
