"""Reading one title or many with ordered :class:`TitleRule` lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs
import numpy as np

from customer_understanding._core import require, shown, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.domain._refs import tuple_of
from customer_understanding.domain._title_rules import DEFAULT_TITLE_RULES
from customer_understanding.domain._titles import TitleRule, fold_title
from customer_understanding.domain._vocab import Role, Seniority

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TitleReading", "read_title", "read_titles"]


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class TitleReading:
    """What a job title says: role, seniority and department, each with its confidence.

    A fact no rule gave is ``None`` with confidence ``0.0``.

    Examples
    --------
    >>> reading = read_title("VP Sales")
    >>> reading.seniority, reading.department
    (<Seniority.VP: 'vp'>, 'Sales')
    """

    role: Role | None = None
    role_confidence: float = 0.0
    seniority: Seniority | None = None
    seniority_confidence: float = 0.0
    department: str | None = None
    department_confidence: float = 0.0


def _rules(rules: object) -> tuple[TitleRule, ...]:
    require("rules", rules, (tuple, list), "a sequence of TitleRule")
    assert isinstance(rules, tuple | list)
    return tuple_of(TitleRule, rules, field="rules")


def _first(matched: Sequence[TitleRule], fact: str) -> TitleRule | None:
    return next((rule for rule in matched if getattr(rule, fact) is not None), None)


def _read(title: str | None, rules: tuple[TitleRule, ...]) -> TitleReading:
    if not title or not title.strip():
        return TitleReading()
    folded = fold_title(title)
    matched = [rule for rule in rules if rule.matches(title, folded=folded)]
    role, seniority = _first(matched, "role"), _first(matched, "seniority")
    department = _first(matched, "department")
    return TitleReading(
        role=None if role is None else role.role,
        role_confidence=0.0 if role is None else role.confidence,
        seniority=None if seniority is None else seniority.seniority,
        seniority_confidence=0.0 if seniority is None else seniority.confidence,
        department=None if department is None else department.department,
        department_confidence=0.0 if department is None else department.confidence,
    )


def read_title(
    title: str | None, *, rules: Sequence[TitleRule] = DEFAULT_TITLE_RULES
) -> TitleReading:
    """Read one job title with ordered rules: each fact from the first rule giving it.

    Raises
    ------
    InvalidValueError
        If ``title`` is not a string or None, or ``rules`` holds something else than
        :class:`TitleRule` objects.

    Examples
    --------
    >>> read_title("Directrice Générale").seniority.value
    'c_level'
    >>> reading = read_title("Sr. Software Engineer")
    >>> reading.seniority.value, reading.department, reading.role.value
    ('individual', 'Engineering', 'technical_evaluator')
    >>> read_title(None).seniority is None
    True
    """
    require("title", title, (str, type(None)), "a string or None")
    return _read(title, _rules(rules))


_COLUMNS = ("role", "role_confidence", "seniority", "seniority_confidence", "department",
            "department_confidence")  # fmt: skip


def _row(reading: TitleReading) -> tuple[object, ...]:
    role, seniority = reading.role, reading.seniority
    return (None if role is None else role.value, reading.role_confidence,
            None if seniority is None else seniority.value, reading.seniority_confidence,
            reading.department, reading.department_confidence)  # fmt: skip


def _blank(value: object) -> bool:
    # pandas' NA is recognised by its class name: importing pandas here would make the
    # domain (and ``import customer_understanding``) heavy.
    return (value is None or type(value).__name__ == "NAType"
            or (isinstance(value, float) and np.isnan(value)))  # fmt: skip


def read_titles(
    titles: Iterable[str | None], *, rules: Sequence[TitleRule] = DEFAULT_TITLE_RULES
) -> pd.DataFrame:
    """Read many titles (each distinct title once), as a new DataFrame.

    One row per title, in order: ``title``, ``role``, ``role_confidence``, ``seniority``,
    ``seniority_confidence``, ``department`` and ``department_confidence`` (role and
    seniority as their vocabulary's values; ``None`` and ``0.0`` where no rule said).

    Raises
    ------
    InvalidValueError
        If ``titles`` is not a sequence of strings and missing values, or ``rules`` is
        not a sequence of :class:`TitleRule`.

    Examples
    --------
    >>> read_titles(["CFO", None, "Leiterin Vertrieb"])[["seniority", "department"]].values.tolist()
    [['c_level', 'Finance'], [None, None], ['director', 'Sales']]
    """
    import pandas as pd  # here, so that importing the domain stays light

    if isinstance(titles, str | bytes) or not isinstance(titles, Iterable):
        msg = f"titles={shown(titles)} must be a sequence of strings or None"
        raise InvalidValueError(msg)
    checked = _rules(rules)
    values = pd.Series([None if _blank(v) else v for v in titles], dtype=object)
    wrong = [v for v in values if v is not None and not isinstance(v, str)]
    if wrong:
        msg = f"titles holds {shown(wrong[0])}, which is not a string or None"
        raise InvalidValueError(msg)
    codes, distinct = pd.factorize(values)
    rows = [_row(_read(str(title), checked)) for title in distinct]
    rows.append(_row(TitleReading()))
    # Text columns stay object (None where unknown, under pandas 3 too), confidences float.
    table = pd.DataFrame(rows, columns=list(_COLUMNS), dtype=object)
    table = table.astype({name: np.float64 for name in _COLUMNS if name.endswith("_confidence")})
    picked = table.iloc[np.where(codes < 0, len(distinct), codes)].reset_index(drop=True)
    picked.insert(0, "title", values.to_numpy(dtype=object))
    return picked
