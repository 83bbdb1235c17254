"""One condition language for segment rules and signal policies.

A :class:`Condition` tests one trait (``open_p1_tickets >= 1``, ``industry in
("Software", "Fintech")``, ``satisfaction missing``); :class:`AllOf`, :class:`AnyOf`
and :class:`Not` combine conditions (also written ``&``, ``|`` and ``~``), and
:class:`OverContacts` tests an account's contacts. **The missing-value rule**: a
comparison on a missing value is false, whatever the operator (``!=`` and ``not in``
included); ``missing`` and ``present`` test for it explicitly; ``Not`` is plain
negation, so ``not_(x >= 1)`` holds where ``x`` is missing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import one_of, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.typing import Level

if TYPE_CHECKING:
    from customer_understanding.traits._frame import TraitSnapshot

__all__ = ["AllOf", "AnyCondition", "AnyOf", "Condition", "Not", "OverContacts", "all_of",
           "any_of", "not_"]  # fmt: skip

Bools = npt.NDArray[np.bool_]
Op = Literal["==", "!=", ">=", ">", "<=", "<", "in", "not in", "contains", "missing", "present"]
_ORDER: dict[str, Callable[[Any, Any], Any]] = {
    ">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less,
}  # fmt: skip
_OPS = ("==", "!=", *_ORDER, "in", "not in", "contains", "missing", "present")


class _Logic:
    """``&``, ``|`` and ``~`` for every condition."""

    __slots__ = ()

    def __and__(self, other: AnyCondition) -> AllOf:
        return all_of(self, other)  # type: ignore[arg-type]

    def __or__(self, other: AnyCondition) -> AnyOf:
        return any_of(self, other)  # type: ignore[arg-type]

    def __invert__(self) -> Not:
        return not_(self)  # type: ignore[arg-type]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _shown(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "missing"
    return f"{value:g}" if _is_number(value) else str(value)


def _literal(value: object) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_literal(v) for v in value) + ")"
    return f"{value:g}" if _is_number(value) else repr(value)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class Condition(_Logic):
    """A test of one trait: ``trait op value``, e.g. ``open_p1_tickets >= 1``.

    Operators: ``==`` ``!=`` (numbers or text), ``>=`` ``>`` ``<=`` ``<`` (numbers),
    ``in`` ``not in`` (a list of numbers or texts), ``contains`` (text, ignoring case),
    ``missing`` ``present`` (no value). A comparison on a missing value is false.

    Raises
    ------
    InvalidValueError
        Naming the trait and the value, for an unknown operator, a value of the wrong
        type for it, and (when evaluated) a numeric test of a category trait or a text
        test of a numeric one.

    Examples
    --------
    >>> condition = Condition(trait="industry", op="in", value=["Software", "Fintech"])
    >>> str(condition)
    "industry in ('Software', 'Fintech')"
    >>> str(Condition(trait="open_p1_tickets", op=">=", value=1) & ~condition)
    "all of (open_p1_tickets >= 1; not (industry in ('Software', 'Fintech')))"
    """

    trait: str
    op: Op = attrs.field()
    value: Any = None

    @op.validator
    def _known_op(self, attribute: attrs.Attribute[Op], value: object) -> None:
        if value not in _OPS:
            msg = f"op={value!r} (on trait {self.trait!r}) is not one of: {', '.join(_OPS)}"
            raise InvalidValueError(msg)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.trait, str) or not self.trait:
            msg = f"trait={self.trait!r} must be a trait name"
            raise InvalidValueError(msg)
        object.__setattr__(self, "value", self._checked_value())

    def _refuse(self, need: str) -> InvalidValueError:
        return InvalidValueError(
            f"value={self.value!r} for trait {self.trait!r} with op {self.op!r} must be {need}"
        )

    def _checked_value(self) -> Any:
        value, op = self.value, self.op
        if op in ("missing", "present"):
            if value is not None:
                raise self._refuse("left out (None)")
            return None
        if op in ("in", "not in"):
            if isinstance(value, str | bytes) or not isinstance(value, Iterable):
                raise self._refuse("a list of numbers or texts")
            items = tuple(value)
            if not items or not all(_is_number(v) or isinstance(v, str) for v in items):
                raise self._refuse("a non-empty list of numbers or texts")
            return tuple(float(v) if _is_number(v) else v for v in items)
        if op == "contains":
            if not isinstance(value, str):
                raise self._refuse("a text")
            return value
        if _is_number(value):
            if not math.isfinite(float(value)):
                raise self._refuse("a finite number")
            return float(value)
        if op in ("==", "!=") and isinstance(value, str):
            return value
        raise self._refuse("a number" if op in _ORDER else "a number or a text")

    def __str__(self) -> str:
        if self.op in ("missing", "present"):
            return f"{self.trait} {self.op}"
        return f"{self.trait} {self.op} {_literal(self.value)}"

    def __repr__(self) -> str:
        return f"Condition({str(self)!r})"

    @property
    def trait_names(self) -> frozenset[str]:
        """The names of the traits the condition reads."""
        return frozenset({self.trait})

    def test(self, snapshot: TraitSnapshot, *, level: Level = "account") -> Bools:
        """Which entity rows satisfy the condition (a missing value never does)."""
        values = snapshot.values(self.trait, level=level)
        missing = np.asarray(pd.isna(values), dtype=np.bool_)
        if self.op in ("missing", "present"):
            return missing if self.op == "missing" else ~missing
        hit = self._numeric(values) if values.dtype.kind == "f" else self._text(values)
        return np.asarray(hit, dtype=np.bool_) & ~missing

    def _numeric(self, values: npt.NDArray[np.float64]) -> Bools:
        wanted = self.value if isinstance(self.value, tuple) else (self.value,)
        if self.op == "contains" or any(isinstance(v, str) for v in wanted):
            msg = (f"trait {self.trait!r} is numeric: {self} compares it with text "
                   f"value={self.value!r}")  # fmt: skip
            raise InvalidValueError(msg)
        with np.errstate(invalid="ignore"):
            if self.op in _ORDER:
                return np.asarray(_ORDER[self.op](values, self.value))
            hit = np.isin(values, np.asarray(wanted, dtype=np.float64))
        return ~hit if self.op in ("!=", "not in") else hit

    def _text(self, values: npt.NDArray[Any]) -> Bools:
        wanted = self.value if isinstance(self.value, tuple) else (self.value,)
        if self.op in _ORDER or any(not isinstance(v, str) for v in wanted):
            msg = (f"trait {self.trait!r} holds categories or text: {self} needs text values "
                   f"and one of ==, !=, in, not in, contains; value={self.value!r}")  # fmt: skip
            raise InvalidValueError(msg)
        series = pd.Series(values, dtype=object)
        if self.op == "contains":
            found = series.astype("string").str.contains(self.value, case=False, regex=False)
            return found.fillna(False).to_numpy(dtype=np.bool_)
        hit = series.isin(wanted).to_numpy(dtype=np.bool_)
        return ~hit if self.op in ("!=", "not in") else hit

    def observed(
        self, snapshot: TraitSnapshot, row: int, *, level: Level = "account"
    ) -> tuple[str, ...]:
        """The value the condition sees at an entity row, as ``trait = value``."""
        return (f"{self.trait} = {_shown(snapshot.values(self.trait, level=level)[row])}",)

    def explain(
        self, snapshot: TraitSnapshot, row: int, *, level: Level = "account"
    ) -> tuple[str, ...]:
        """Why the condition holds at a row: ``open_p1_tickets = 2 (open_p1_tickets >= 1)``."""
        return tuple(f"{seen} ({self})" for seen in self.observed(snapshot, row, level=level))


def _one(value: object) -> AnyCondition:
    if not isinstance(value, Condition | AllOf | AnyOf | Not | OverContacts):
        msg = f"condition={value!r} is not a Condition, AllOf, AnyOf, Not or OverContacts"
        raise InvalidValueError(msg)
    return value


def _conditions(values: Iterable[object]) -> tuple[AnyCondition, ...]:
    items = tuple(_one(value) for value in values)
    if not items:
        msg = "conditions=() must hold at least one condition"
        raise InvalidValueError(msg)
    return items


def _observed(parts: Iterable[AnyCondition], snapshot: TraitSnapshot, row: int,
              level: Level) -> tuple[str, ...]:  # fmt: skip
    seen = [text for part in parts for text in part.observed(snapshot, row, level=level)]
    return tuple(dict.fromkeys(seen))


class _Group(_Logic):
    """What all-of and any-of share: their text, their traits and what they observe."""

    __slots__ = ()
    _word: ClassVar[str]
    conditions: tuple[AnyCondition, ...]

    def __str__(self) -> str:
        return f"{self._word} ({'; '.join(str(c) for c in self.conditions)})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    @property
    def trait_names(self) -> frozenset[str]:
        """The names of the traits the condition reads."""
        return frozenset().union(*(c.trait_names for c in self.conditions))

    def observed(
        self, snapshot: TraitSnapshot, row: int, *, level: Level = "account"
    ) -> tuple[str, ...]:
        """The values the conditions see at a row."""
        return _observed(self.conditions, snapshot, row, level)


@attrs.frozen(field_transformer=typed_fields, repr=False)
class AllOf(_Group):
    """Every condition holds (also written ``a & b``).

    Examples
    --------
    >>> both = all_of(Condition(trait="won_deals", op=">=", value=1),
    ...               Condition(trait="seat_utilisation", op="<", value=0.3))
    >>> str(both)
    'all of (won_deals >= 1; seat_utilisation < 0.3)'
    """

    _word: ClassVar[str] = "all of"
    conditions: tuple[AnyCondition, ...] = attrs.field(converter=_conditions)

    def test(self, snapshot: TraitSnapshot, *, level: Level = "account") -> Bools:
        """Which entity rows satisfy every condition."""
        hit = np.ones(snapshot.size(level), dtype=np.bool_)
        for condition in self.conditions:
            hit &= snapshot.holds(condition, level=level)
        return hit

    def explain(
        self, snapshot: TraitSnapshot, row: int, *, level: Level = "account"
    ) -> tuple[str, ...]:
        """Every condition's reason."""
        return tuple(r for c in self.conditions for r in c.explain(snapshot, row, level=level))


@attrs.frozen(field_transformer=typed_fields, repr=False)
class AnyOf(_Group):
    """At least one condition holds (also written ``a | b``).

    Examples
    --------
    >>> str(any_of(Condition(trait="days_since_product_use", op=">=", value=60),
    ...            Condition(trait="days_since_product_use", op="missing")))
    'any of (days_since_product_use >= 60; days_since_product_use missing)'
    """

    _word: ClassVar[str] = "any of"
    conditions: tuple[AnyCondition, ...] = attrs.field(converter=_conditions)

    def test(self, snapshot: TraitSnapshot, *, level: Level = "account") -> Bools:
        """Which entity rows satisfy at least one condition."""
        hit = np.zeros(snapshot.size(level), dtype=np.bool_)
        for condition in self.conditions:
            hit |= snapshot.holds(condition, level=level)
        return hit

    def explain(
        self, snapshot: TraitSnapshot, row: int, *, level: Level = "account"
    ) -> tuple[str, ...]:
        """The reasons of the conditions that hold at the row."""
        held = [c for c in self.conditions if snapshot.holds(c, level=level)[row]]
        return tuple(r for c in held for r in c.explain(snapshot, row, level=level))


@attrs.frozen(field_transformer=typed_fields, repr=False)
class Not(_Logic):
    """The condition does not hold (also written ``~a``); true where its trait is missing.

    Examples
    --------
    >>> str(not_(Condition(trait="industry", op="==", value="Software")))
    "not (industry == 'Software')"
    """

    condition: AnyCondition = attrs.field(converter=_one)

    def __str__(self) -> str:
        return f"not ({self.condition})"

    def __repr__(self) -> str:
        return f"Not({str(self)!r})"

    @property
    def trait_names(self) -> frozenset[str]:
        """The names of the traits the condition reads."""
        return self.condition.trait_names

    def test(self, snapshot: TraitSnapshot, *, level: Level = "account") -> Bools:
        """Which entity rows do not satisfy the condition."""
        return ~snapshot.holds(self.condition, level=level)

    def observed(
        self, snapshot: TraitSnapshot, row: int, *, level: Level = "account"
    ) -> tuple[str, ...]:
        """The values the condition sees at a row."""
        return self.condition.observed(snapshot, row, level=level)

    def explain(
        self, snapshot: TraitSnapshot, row: int, *, level: Level = "account"
    ) -> tuple[str, ...]:
        """The values seen, and the negated condition."""
        return (f"{', '.join(self.observed(snapshot, row, level=level))} ({self})",)


_QUANTIFIED = {"any": "any contact", "all": "all contacts", "none": "no contact"}


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class OverContacts(_Logic):
    """An account condition over its contacts: ``any``, ``all`` or ``none`` satisfy one.

    The inner condition reads contact-level traits. An account with no contacts
    satisfies ``none`` but neither ``any`` nor ``all``.

    Examples
    --------
    >>> senior = Condition(trait="seniority", op="in", value=["vp", "c_level"])
    >>> str(OverContacts(quantifier="any", condition=senior))
    "any contact: seniority in ('vp', 'c_level')"
    """

    quantifier: Literal["any", "all", "none"] = attrs.field(validator=one_of("any", "all", "none"))
    condition: AnyCondition = attrs.field(converter=_one)

    def __str__(self) -> str:
        return f"{_QUANTIFIED[self.quantifier]}: {self.condition}"

    def __repr__(self) -> str:
        return f"OverContacts({str(self)!r})"

    @property
    def trait_names(self) -> frozenset[str]:
        """The names of the traits the condition reads."""
        return self.condition.trait_names

    def _counts(self, snapshot: TraitSnapshot, level: Level) -> tuple[Any, Any]:
        if level != "account":
            msg = f"{self} is an account condition; it cannot be tested at level={level!r}"
            raise InvalidValueError(msg)
        account = snapshot.tables.contacts.column("account")
        linked = account >= 0
        hit = snapshot.holds(self.condition, level="contact") & linked
        size = snapshot.size("account")
        return np.bincount(account[hit], minlength=size), np.bincount(
            account[linked], minlength=size
        )

    def test(self, snapshot: TraitSnapshot, *, level: Level = "account") -> Bools:
        """Which account rows have any, all or none of their contacts satisfying the condition."""
        hits, people = self._counts(snapshot, level)
        if self.quantifier == "any":
            return np.asarray(hits > 0)
        if self.quantifier == "all":
            return np.asarray((hits == people) & (people > 0))
        return np.asarray(hits == 0)

    def observed(
        self, snapshot: TraitSnapshot, row: int, *, level: Level = "account"
    ) -> tuple[str, ...]:
        """How many of the account's contacts satisfy the inner condition."""
        hits, people = self._counts(snapshot, level)
        return (f"{hits[row]} of {people[row]} contacts with {self.condition}",)

    def explain(
        self, snapshot: TraitSnapshot, row: int, *, level: Level = "account"
    ) -> tuple[str, ...]:
        """The count of contacts, and the condition."""
        return (f"{self.observed(snapshot, row, level=level)[0]} ({self})",)


#: Any condition of the language.
AnyCondition: TypeAlias = Condition | AllOf | AnyOf | Not | OverContacts


def _flat(
    kind: type[AllOf | AnyOf], conditions: tuple[AnyCondition, ...]
) -> tuple[AnyCondition, ...]:
    return tuple(part for c in conditions
                 for part in (c.conditions if isinstance(c, kind) else (c,)))  # fmt: skip


def all_of(*conditions: AnyCondition) -> AllOf:
    """Every condition holds; nested ``all_of`` are flattened.

    Examples
    --------
    >>> a, b = Condition(trait="a", op="present"), Condition(trait="b", op="missing")
    >>> len(all_of(a, all_of(a, b)).conditions)
    3
    """
    return AllOf(_flat(AllOf, _conditions(conditions)))


def any_of(*conditions: AnyCondition) -> AnyOf:
    """At least one condition holds; nested ``any_of`` are flattened.

    Examples
    --------
    >>> str(any_of(Condition(trait="a", op="==", value="x"), Condition(trait="b", op="<", value=1)))
    "any of (a == 'x'; b < 1)"
    """
    return AnyOf(_flat(AnyOf, _conditions(conditions)))


def not_(condition: AnyCondition) -> Not:
    """The condition does not hold (true where its trait is missing).

    Examples
    --------
    >>> str(not_(Condition(trait="open_tickets", op=">=", value=1)))
    'not (open_tickets >= 1)'
    """
    return Not(condition)
