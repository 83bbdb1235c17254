"""The fit scorer: declarative rules on firmographics and on title, seniority and department."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from customer_understanding._core import are_numbers, numbers, one_of, typed_fields
from customer_understanding._errors import UnknownNameError
from customer_understanding.domain import tuple_of
from customer_understanding.scoring._grading import check_thresholds, grade_by_thresholds
from customer_understanding.scoring._score_table import Reasons, ScoreTable
from customer_understanding.tables import AccountTable
from customer_understanding.traits import (
    AnyCondition,
    Condition,
    OverContacts,
    RecordField,
    TraitSnapshot,
    get_trait,
)
from customer_understanding.typing import AsOf, BaseLike, Level

__all__ = ["DEFAULT_FIT_RULES", "FitRule", "FitScorer"]

_GRADES = ("A", "B", "C", "D")


def _known(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    try:
        get_trait(value)
    except UnknownNameError as error:
        msg = f"field={value!r} is not a known trait or record field: {error}"
        raise UnknownNameError(msg) from None


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class FitRule:
    """One rule: when ``field op value`` holds, add ``points`` (negative to penalise).

    ``field`` is any trait name (see :func:`customer_understanding.traits.trait_names`):
    record fields such as ``industry``, ``employees``, ``annual_revenue``, ``country``,
    ``title``, ``seniority`` or ``department`` (a contact reads its account's fields), or
    any other fact. ``op`` and ``value`` follow
    :class:`customer_understanding.traits.Condition`: a missing value never matches a
    comparison; ``missing`` matches it.

    Examples
    --------
    >>> FitRule(field="employees", op=">=", value=200, points=20).label
    'employees >= 200'
    """

    field: str = attrs.field(validator=_known)
    op: str
    value: Any = None
    points: float
    name: str | None = None
    condition: Condition = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        condition = Condition(trait=self.field, op=self.op, value=self.value)  # type: ignore[arg-type]
        object.__setattr__(self, "condition", condition)

    @property
    def label(self) -> str:
        """The rule's name, or its condition when it has none."""
        return self.name or str(self.condition)


#: A generic B2B software profile: mid-size and large firms, senior buyers.
DEFAULT_FIT_RULES: tuple[FitRule, ...] = (
    FitRule(field="employees", op=">=", value=200, points=25),
    FitRule(field="employees", op=">=", value=50, points=10),
    FitRule(field="annual_revenue", op=">=", value=10_000_000, points=15),
    FitRule(field="seniority", op="in", value=("c_level", "vp", "director"), points=25),
    FitRule(field="seniority", op="==", value="manager", points=10),
    FitRule(field="title", op="contains", value="student", points=-30),
    FitRule(field="industry", op="missing", points=-5),
)


def _rules(values: Sequence[FitRule]) -> tuple[FitRule, ...]:
    return tuple_of(FitRule, values, field="rules")


def _contact_only(field: str) -> bool:
    trait = get_trait(field)
    return isinstance(trait, RecordField) and trait.name not in AccountTable.SCHEMA.names


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class FitScorer:
    """Fit: how closely a contact (with its account) or an account matches the ideal profile.

    Each matched rule contributes its points; grades ``A`` to ``D`` come from descending
    ``grades`` thresholds. At account level a rule on a contact field (title, seniority,
    department …) holds when *any* of the account's contacts satisfies it: the account
    has someone of that persona (seniority is filled from titles when the exports have
    none). Rules read their fields through :mod:`customer_understanding.traits` (fields
    as currently known).

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> from customer_understanding.datasets import generate_world
    >>> world = generate_world(accounts=8, interactions=400, defects=False)
    >>> base = CustomerBase.build(world.as_sources())
    >>> table = FitScorer().score(base, as_of="2026-06-01")
    >>> set(table.labels()) <= {"A", "B", "C", "D"}
    True
    """

    level: Level = attrs.field(default="contact", validator=one_of("contact", "account"))
    rules: tuple[FitRule, ...] = attrs.field(default=DEFAULT_FIT_RULES, converter=_rules)
    grades: tuple[float, ...] = attrs.field(
        default=(50.0, 30.0, 10.0), converter=numbers, validator=are_numbers
    )

    def __attrs_post_init__(self) -> None:
        check_thresholds("grades", self.grades, _GRADES)

    @property
    def name(self) -> str:
        """The registry name of this scorer."""
        return "fit"

    def score(self, base: BaseLike, /, *, as_of: AsOf) -> ScoreTable:
        """Apply the rules to every entity (firmographics are taken as currently known)."""
        facts = TraitSnapshot(base, as_of=as_of)
        parts = [self._rule_reasons(facts, code, rule) for code, rule in enumerate(self.rules)]
        reasons = Reasons.concat(parts) if parts else Reasons.empty()
        if parts:
            labels = tuple(rule.name or str(self._condition(rule)) for rule in self.rules)
            reasons = attrs.evolve(reasons, signals=labels)
        score = reasons.total(facts.size(self.level))
        return ScoreTable(
            scorer=self.name, level=self.level, as_of=facts.as_of, ids=facts.ids(self.level),
            score=score, grade=grade_by_thresholds(score, self.grades), grades=_GRADES,
            reasons=reasons,
        )  # fmt: skip

    def _condition(self, rule: FitRule) -> AnyCondition:
        """The rule's condition at this level: contact fields of an account over any contact."""
        if self.level == "account" and _contact_only(rule.field):
            return OverContacts(quantifier="any", condition=rule.condition)
        return rule.condition

    def _rule_reasons(self, facts: TraitSnapshot, code: int, rule: FitRule) -> Reasons:
        rows = np.flatnonzero(facts.holds(self._condition(rule), level=self.level))
        ones = np.ones(len(rows))
        return Reasons(
            row=rows, signal=np.zeros(len(rows)), signals=(f"rule{code}",), value=ones,
            weight=ones * rule.points, decay=ones, contribution=ones * rule.points,
        )  # fmt: skip


def rules_from(specs: Sequence[dict[str, Any]]) -> tuple[FitRule, ...]:
    """Rules from plain dicts (as read from JSON or YAML).

    Examples
    --------
    >>> rules_from([{"field": "country", "op": "==", "value": "Germany", "points": 10}])[0].label
    "country == 'Germany'"
    """
    return tuple(FitRule(**spec) for spec in specs)
