"""Buying roles of contacts: declared on opportunities in the CRM, else inferred from the title.

Inference reads the job title through the domain's one title reading
(:func:`customer_understanding.domain.read_titles` with ordered
:class:`~customer_understanding.domain.TitleRule` lists, the same rules that give the
customer base its seniority and department): the first rule naming a role gives it, with
a confidence that says how much a title of that kind usually tells. Rules run once per
distinct title, so the bulk path stays vectorised. Declared roles always win.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    NAT,
    Moment,
    TableExport,
    html_table,
    known_by,
    resolve_moment,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.committee._checks import column, is_a, require
from customer_understanding.domain import (
    DEFAULT_TITLE_RULES,
    Role,
    TitleRule,
    read_title,
    read_titles,
)
from customer_understanding.tables import ContactRoleTable, ContactTable, OpportunityTable
from customer_understanding.typing import AsOf

__all__ = [
    "DEFAULT_TITLE_RULES",
    "RoleAssignment",
    "TitleRule",
    "assign_roles",
    "infer_role",
    "roles_as_of",
]

_ROLES = tuple(role.value for role in Role)


def infer_role(
    title: str | None, *, rules: Sequence[TitleRule] = DEFAULT_TITLE_RULES
) -> tuple[Role | None, float]:
    """The role a job title suggests, with its confidence (``(None, 0.0)`` if none).

    Examples
    --------
    >>> infer_role("Chief Financial Officer")
    (<Role.ECONOMIC_BUYER: 'economic_buyer'>, 0.85)
    >>> infer_role("Solutions Architect")[0].value
    'technical_evaluator'
    >>> infer_role(None)
    (None, 0.0)
    """
    reading = read_title(title, rules=rules)
    return reading.role, reading.role_confidence


def _ints(value: Any) -> npt.NDArray[np.int64]:
    return column(value, np.int64)


def _floats(value: Any) -> npt.NDArray[np.float64]:
    return column(value, np.float64)


def _bools(value: Any) -> npt.NDArray[np.bool_]:
    return column(value, np.bool_)


def _ids(value: Any) -> npt.NDArray[np.object_] | None:
    return None if value is None else column(value, object)


_COLUMN = is_a(np.ndarray, "a one-dimensional column")


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class RoleAssignment(TableExport):
    """One role per contact row: its code in :class:`Role` order, confidence and source.

    ``source`` is ``"declared"`` (a CRM contact role), ``"inferred"`` (from the title) or
    ``None`` when nothing suggests a role. ``contact_id`` holds the contacts' ids when
    known (:func:`assign_roles` fills it).

    Examples
    --------
    >>> import numpy as np
    >>> roles = RoleAssignment(role=np.array([0, -1]), confidence=np.array([1.0, 0.0]),
    ...                        declared=np.array([True, False]), contact_id=["c1", "c2"])
    >>> roles.labels().tolist(), roles.sources().tolist()
    (['economic_buyer', None], ['declared', None])
    >>> roles
    RoleAssignment: 2 rows, declared=1, inferred=0
    """

    role: npt.NDArray[np.int64] = attrs.field(converter=_ints, validator=_COLUMN)
    confidence: npt.NDArray[np.float64] = attrs.field(converter=_floats, validator=_COLUMN)
    declared: npt.NDArray[np.bool_] = attrs.field(converter=_bools, validator=_COLUMN)
    contact_id: npt.NDArray[np.object_] | None = attrs.field(
        default=None, converter=_ids, validator=attrs.validators.optional(_COLUMN)
    )

    def __attrs_post_init__(self) -> None:
        sizes = {"role": len(self.role), "confidence": len(self.confidence),
                 "declared": len(self.declared)}  # fmt: skip
        if self.contact_id is not None:
            sizes["contact_id"] = len(self.contact_id)
        if len(set(sizes.values())) > 1:
            msg = f"the assignment's columns differ in length: {sizes}"
            raise InvalidValueError(msg)
        if np.any((self.role < -1) | (self.role >= len(_ROLES))):
            msg = f"role holds codes outside -1 … {len(_ROLES) - 1}"
            raise InvalidValueError(msg)

    def __len__(self) -> int:
        """The number of contacts."""
        return len(self.role)

    def __repr__(self) -> str:
        has = self.role >= 0
        return summary("RoleAssignment", len(self), declared=int((has & self.declared).sum()),
                       inferred=int((has & ~self.declared).sum()))  # fmt: skip

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per contact, as a new DataFrame.

        Columns: ``contact_id`` (``row`` without ids), ``role``, ``confidence``, ``source``.
        """
        who = ("row", np.arange(len(self))) if self.contact_id is None else (
            "contact_id", self.contact_id)  # fmt: skip
        return pd.DataFrame({who[0]: who[1], "role": self.labels(),
                             "confidence": self.confidence, "source": self.sources()})  # fmt: skip

    def labels(self) -> npt.NDArray[np.object_]:
        """Role names per contact (``None`` where no role)."""
        lookup = np.array([*_ROLES, None], dtype=object)
        return lookup[np.where(self.role < 0, len(_ROLES), self.role)]

    def sources(self) -> npt.NDArray[np.object_]:
        """``"declared"``, ``"inferred"`` or ``None`` per contact."""
        out = np.where(self.declared, "declared", "inferred").astype(object)
        out[self.role < 0] = None
        return out


def _inferred(contacts: ContactTable, rules: Sequence[TitleRule]) -> tuple[
    npt.NDArray[np.int64], npt.NDArray[np.float64]
]:  # fmt: skip
    reading = read_titles(contacts.column("title"), rules=rules)
    code = {role: place for place, role in enumerate(_ROLES)}
    role = np.asarray(reading["role"].map(code).fillna(-1), dtype=np.int64)
    confidence: npt.NDArray[np.float64] = reading["role_confidence"].to_numpy(dtype=np.float64)
    return role, confidence


def _declared(
    contacts: int, roles: ContactRoleTable, deals: OpportunityTable, as_of: int
) -> npt.NDArray[np.int64]:
    """Each contact's role on its most recent opportunity opened by ``as_of`` (-1 if none)."""
    contact, deal = roles.column("contact"), roles.column("opportunity")
    code = roles.column("role")
    opened = np.where(deal >= 0, np.append(deals.column("created_at"), NAT)[deal], NAT)
    usable = (contact >= 0) & (code >= 0) & known_by(opened, as_of)
    order = np.lexsort((opened[usable], contact[usable]))
    who, what = contact[usable][order], code[usable][order]
    declared = np.full(contacts, -1, dtype=np.int64)
    declared[who] = what  # later rows (newer deals) overwrite earlier ones
    return declared


def assign_roles(
    contacts: ContactTable,
    *,
    roles: ContactRoleTable,
    deals: OpportunityTable,
    as_of: AsOf = None,
    rules: Sequence[TitleRule] = DEFAULT_TITLE_RULES,
) -> RoleAssignment:
    """Declared roles where the CRM has one, inferred roles from titles elsewhere.

    A declared role counts from its deal's creation: ``as_of`` takes any form of a
    moment (``None``: the latest deal creation); a deal created exactly at ``as_of``
    counts. A moment before the first deal is allowed — titles still give roles — since
    these tables alone do not say when the data starts.

    Raises
    ------
    InvalidValueError
        For tables of the wrong kind, an ``as_of`` that is no moment or too early, or
        ``rules`` that are not :class:`TitleRule` objects.

    Examples
    --------
    >>> from customer_understanding.tables import ContactTable, ContactRoleTable, OpportunityTable
    >>> contacts = ContactTable.from_columns({"id": ["c1", "c2"],
    ...                                       "title": ["CFO", "Data Engineer"]})
    >>> assigned = assign_roles(contacts, roles=ContactRoleTable.empty(),
    ...                         deals=OpportunityTable.empty(), as_of="2026-06-01")
    >>> assigned.labels().tolist(), assigned.sources().tolist()
    (['economic_buyer', 'technical_evaluator'], ['inferred', 'inferred'])
    """
    require("contacts", contacts, ContactTable, "a ContactTable")
    require("roles", roles, ContactRoleTable, "a ContactRoleTable")
    require("deals", deals, OpportunityTable, "an OpportunityTable")
    require("rules", rules, (tuple, list), "a sequence of TitleRule")
    for rule in rules:
        require("rules", rule, TitleRule, "a sequence of TitleRule")
    created = deals.column("created_at")
    known = created[created != NAT]
    span = (None, int(known.max())) if len(known) else (None, None)
    moment = resolve_moment(as_of, earliest=None, latest=span[1])
    return roles_as_of(contacts, roles=roles, deals=deals, as_of=moment, rules=rules)


def roles_as_of(
    contacts: ContactTable,
    *,
    roles: ContactRoleTable,
    deals: OpportunityTable,
    as_of: Moment,
    rules: Sequence[TitleRule] = DEFAULT_TITLE_RULES,
) -> RoleAssignment:
    """:func:`assign_roles` for a moment already checked (the committees' bulk path)."""
    inferred, confidence = _inferred(contacts, rules)
    declared = _declared(len(contacts), roles, deals, as_of)
    # The role vocabulary of the table is Role's, in the same order as _ROLES.
    is_declared = declared >= 0
    return RoleAssignment(
        role=np.where(is_declared, declared, inferred),
        confidence=np.where(is_declared, 1.0, confidence),
        declared=is_declared,
        contact_id=contacts.column("id"),
    )
