"""The fit scorer: declarative rules on firmographics and on title, seniority and department."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import numbers
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.base import Tables
from customer_understanding.scoring._grading import check_thresholds, grade_by_thresholds
from customer_understanding.scoring._score_table import Reasons, ScoreTable
from customer_understanding.tables import Table
from customer_understanding.typing import AsOf, BaseLike, Level

__all__ = ["DEFAULT_FIT_RULES", "FitRule", "FitScorer"]

Op = Literal["==", "!=", ">=", ">", "<=", "<", "in", "not in", "contains", "missing"]
_OPS = ("==", "!=", ">=", ">", "<=", "<", "in", "not in", "contains", "missing")
_ACCOUNT_FIELDS = ("industry", "employees", "annual_revenue", "country", "city", "owner")
_CONTACT_FIELDS = ("title", "seniority", "department", "lifecycle_stage", "marketing_consent")
_GRADES = ("A", "B", "C", "D")


@attrs.frozen(kw_only=True)
class FitRule:
    """One rule: when ``field op value`` holds, add ``points`` (negative to penalise).

    Account fields: industry, employees, annual_revenue, country, city, owner; contact
    fields: title, seniority, department, lifecycle_stage, marketing_consent.
    ``contains`` matches text case-insensitively; ``missing`` matches absent values.

    Examples
    --------
    >>> FitRule(field="employees", op=">=", value=200, points=20).label
    'employees >= 200'
    """

    field: str = attrs.field(validator=attrs.validators.in_(_ACCOUNT_FIELDS + _CONTACT_FIELDS))
    op: Op = attrs.field(validator=attrs.validators.in_(_OPS))
    value: Any = None
    points: float
    name: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.op in ("in", "not in") and isinstance(self.value, str | bytes):
            msg = f"value={self.value!r} must be a list of values for op={self.op!r}"
            raise InvalidValueError(msg)

    @property
    def label(self) -> str:
        """The rule's name, or ``field op value`` when it has none."""
        if self.name:
            return self.name
        return (
            f"{self.field} missing"
            if self.op == "missing"
            else f"{self.field} {self.op} {self.value}"
        )


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
    return tuple(values)


def _column(table: Table, name: str) -> Any:
    kind = table.SCHEMA[name].kind
    return kind, table.column(name), table.categories.get(name, ())


def _matches(
    rule: FitRule, kind: str, values: Any, labels: tuple[str, ...]
) -> npt.NDArray[np.bool_]:
    if kind == "category":
        missing = np.asarray(values < 0, dtype=np.bool_)
        wanted = rule.value if rule.op in ("in", "not in") else (rule.value,)
        codes = np.asarray(np.isin(values, [labels.index(v) for v in wanted if v in labels]), bool)
        return _compare_coded(rule.op, codes, missing)
    if kind == "float":
        missing = np.asarray(np.isnan(values), dtype=np.bool_)
        if rule.op == "missing":
            return missing
        return _numeric(rule, values) & ~missing
    text = pd.Series(values, dtype="string")
    if rule.op == "contains":
        return (
            text.str.contains(str(rule.value), case=False, regex=False).fillna(False).to_numpy(bool)
        )
    missing = text.isna().to_numpy(bool)
    wanted = rule.value if rule.op in ("in", "not in") else (rule.value,)
    return _compare_coded(rule.op, text.isin(list(wanted)).to_numpy(bool), missing)


def _compare_coded(
    op: str, hit: npt.NDArray[np.bool_], missing: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    if op in ("==", "in"):
        return hit
    if op in ("!=", "not in"):
        return ~hit & ~missing
    if op == "missing":
        return missing
    msg = f"op={op!r} does not apply to a categorical or text field"
    raise InvalidValueError(msg)


def _numeric(rule: FitRule, values: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    if rule.op in ("in", "not in"):
        hit = np.isin(values, np.asarray(rule.value, dtype=np.float64))
        return hit if rule.op == "in" else ~hit
    if rule.op == "contains":
        msg = f"op='contains' does not apply to numeric field {rule.field!r}"
        raise InvalidValueError(msg)
    compare = {"==": np.equal, "!=": np.not_equal, ">=": np.greater_equal, ">": np.greater,
               "<=": np.less_equal, "<": np.less}  # fmt: skip
    return compare[rule.op](values, float(rule.value))


@attrs.frozen(kw_only=True)
class FitScorer:
    """Fit: how closely a contact (with its account) or an account matches the ideal profile.

    Each matched rule contributes its points; grades ``A`` to ``D`` come from descending
    ``grades`` thresholds. Account-level scoring accepts account fields only.

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

    level: Level = attrs.field(
        default="contact", validator=attrs.validators.in_(("contact", "account"))
    )
    rules: tuple[FitRule, ...] = attrs.field(default=DEFAULT_FIT_RULES, converter=_rules)
    grades: tuple[float, ...] = attrs.field(default=(50.0, 30.0, 10.0), converter=numbers)

    def __attrs_post_init__(self) -> None:
        check_thresholds("grades", self.grades, _GRADES)
        if self.level == "account":
            contact_rules = [r.field for r in self.rules if r.field in _CONTACT_FIELDS]
            if contact_rules:
                msg = f"level='account' cannot use contact fields {contact_rules!r}"
                raise UnknownNameError(msg)

    @property
    def name(self) -> str:
        """The registry name of this scorer."""
        return "fit"

    def score(self, base: BaseLike, /, *, as_of: AsOf) -> ScoreTable:
        """Apply the rules to every entity (firmographics are taken as currently known)."""
        tables = base.tables
        moment = tables.moment(as_of)
        entities = tables.contacts if self.level == "contact" else tables.accounts
        parts = [self._rule_reasons(tables, code, rule) for code, rule in enumerate(self.rules)]
        reasons = Reasons.concat(parts) if parts else Reasons.empty()
        if parts:
            reasons = attrs.evolve(reasons, signals=tuple(rule.label for rule in self.rules))
        score = reasons.total(len(entities))
        return ScoreTable(
            scorer=self.name, level=self.level, as_of=moment, ids=entities.column("id"),
            score=score, grade=grade_by_thresholds(score, self.grades), grades=_GRADES,
            reasons=reasons,
        )  # fmt: skip

    def _rule_reasons(self, tables: Tables, code: int, rule: FitRule) -> Reasons:
        hit = self._evaluate(tables, rule)
        rows = np.flatnonzero(hit)
        ones = np.ones(len(rows))
        return Reasons(
            row=rows, signal=np.zeros(len(rows)), signals=(f"rule{code}",), value=ones,
            weight=ones * rule.points, decay=ones, contribution=ones * rule.points,
        )  # fmt: skip

    def _evaluate(self, tables: Tables, rule: FitRule) -> npt.NDArray[np.bool_]:
        if rule.field in _CONTACT_FIELDS:
            return _matches(rule, *_column(tables.contacts, rule.field))
        hit = _matches(rule, *_column(tables.accounts, rule.field))
        if self.level == "account":
            return hit
        return np.append(hit, False)[tables.contacts.column("account")]  # type: ignore[no-any-return]


def rules_from(specs: Sequence[dict[str, Any]]) -> tuple[FitRule, ...]:
    """Rules from plain dicts (as read from JSON or YAML).

    Examples
    --------
    >>> rules_from([{"field": "country", "op": "==", "value": "Germany", "points": 10}])[0].label
    'country == Germany'
    """
    return tuple(FitRule(**spec) for spec in specs)
