"""Declarative signal policies: conditions over account traits, and the signals they emit."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal

import attrs

from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.domain import Discipline
from customer_understanding.domain._refs import tuple_of
from customer_understanding.signals._traits import TRAITS

__all__ = ["Condition", "Emit", "Policy", "Signal"]

_OPERATORS: Mapping[str, Callable[[Any, Any], Any]] = MappingProxyType(
    {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt,
     "==": operator.eq, "!=": operator.ne}
)  # fmt: skip

Addressee = Literal["account", "most_engaged_contact", "newest_senior_contact"]


def _trait(value: str) -> str:
    if value not in TRAITS:
        msg = f"trait={value!r} is not one of: {', '.join(TRAITS)}"
        raise UnknownNameError(msg)
    return value


def _operator(value: str) -> str:
    if value not in _OPERATORS:
        msg = f"op={value!r} is not one of: {', '.join(_OPERATORS)}"
        raise InvalidValueError(msg)
    return value


@attrs.frozen(kw_only=True)
class Condition:
    """A test of one account trait against a threshold, e.g. ``open_p1_tickets >= 1``.

    Examples
    --------
    >>> condition = Condition(trait="open_p1_tickets", op=">=", value=1)
    >>> str(condition), bool(condition.holds(2.0))
    ('open_p1_tickets >= 1', True)
    """

    trait: str = attrs.field(converter=_trait)
    op: str = attrs.field(converter=_operator)
    value: float

    def holds(self, observed: Any) -> Any:
        """Whether observed trait values (a number or an array) satisfy the condition."""
        return _OPERATORS[self.op](observed, self.value)

    def __str__(self) -> str:
        return f"{self.trait} {self.op} {self.value:g}"


def _discipline(value: object) -> Discipline:
    return Discipline.parse(value)


@attrs.frozen(kw_only=True)
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

    Examples
    --------
    >>> Emit(kind="alert_owner", discipline="sales", priority=1).discipline.value
    'sales'
    """

    kind: str
    discipline: Discipline = attrs.field(converter=_discipline)
    priority: int = attrs.field(default=2)
    expires_in_days: float = attrs.field(default=14.0)
    to: Addressee = "account"

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


def _conditions(value: Iterable[object]) -> tuple[Condition, ...]:
    return tuple_of(Condition, value, field="when")


def _emits(value: Iterable[object]) -> tuple[Emit, ...]:
    return tuple_of(Emit, value, field="emit")


def _kinds(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


@attrs.frozen(kw_only=True)
class Policy:
    """When all conditions hold for an account, emit signals; higher precedence wins.

    Parameters
    ----------
    name
        The policy's name, quoted in every signal it raises.
    when
        Conditions that must all hold.
    emit
        The signals to raise.
    precedence
        Larger numbers win: a firing policy removes lower-precedence signals of the kinds
        it ``suppresses`` for the same account.
    suppresses
        Signal kinds this policy silences while it fires.
    description
        One line for people.

    Examples
    --------
    >>> policy = Policy(name="surge", when=[Condition(trait="web_visits_14d", op=">=",
    ...                 value=20)], emit=[Emit(kind="web_surge", discipline="sales")])
    >>> policy.when[0].trait
    'web_visits_14d'
    """

    name: str
    when: tuple[Condition, ...] = attrs.field(converter=_conditions)
    emit: tuple[Emit, ...] = attrs.field(converter=_emits)
    precedence: int = 0
    suppresses: frozenset[str] = attrs.field(factory=frozenset, converter=_kinds)
    description: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.when or not self.emit:
            msg = f"policy {self.name!r} needs at least one condition and one signal to emit"
            raise InvalidValueError(msg)


@attrs.frozen(kw_only=True)
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
    discipline: Discipline
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
