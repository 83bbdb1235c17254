"""Tables built from domain objects: the way back from one-at-a-time objects to columns.

Objects carry their own ids, which become the ``source_id`` of records from the system
``system`` (``"objects"`` unless given); references between objects (a contact's
``account_id``, an interaction's ``contact_id``) become the ``*_ref`` columns, so that a
customer base resolves them exactly as it resolves references inside one export.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import numpy as np

from customer_understanding.domain import (
    Account,
    Contact,
    Interaction,
    Journey,
    Opportunity,
)
from customer_understanding.tables._consent import ConsentTable
from customer_understanding.tables._schemas import (
    AccountRecords,
    ContactRecords,
    ContactRoleTable,
    InteractionTable,
    OpportunityTable,
    StageHistoryTable,
)
from customer_understanding.tables._table import NAT, to_nanos

__all__ = [
    "from_accounts",
    "from_consents",
    "from_contacts",
    "from_interactions",
    "from_journeys",
    "from_opportunities",
]


def _nanos(value: datetime | None) -> int:
    return NAT if value is None else to_nanos(value)


def _float(value: float | None) -> float:
    return np.nan if value is None else float(value)


def _label(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def _columns(rows: list[dict[str, Any]], system: str) -> dict[str, Any]:
    names = rows[0].keys() if rows else ()
    columns: dict[str, Any] = {name: [row[name] for row in rows] for name in names}
    columns["system"] = [system] * len(rows)
    return columns


def from_accounts(accounts: Iterable[Account], *, system: str = "objects") -> AccountRecords:
    """Account records built from :class:`~customer_understanding.Account` objects.

    Examples
    --------
    >>> from customer_understanding import Account
    >>> records = from_accounts([Account(id="a1", name="Acme", domain="acme.com")])
    >>> records.column("source_id").tolist(), records.column("domain").tolist()
    (['a1'], ['acme.com'])
    """
    rows = [
        {"source_id": a.id, "name": a.name, "domain": a.domain, "industry": a.industry,
         "employees": _float(a.employees), "annual_revenue": _float(a.annual_revenue),
         "country": a.country, "city": a.city, "owner": a.owner,
         "created_at": _nanos(a.created_at), "parent_ref": a.parent_id}
        for a in accounts
    ]  # fmt: skip
    return AccountRecords.from_columns(_columns(rows, system), length=len(rows))


def from_contacts(contacts: Iterable[Contact], *, system: str = "objects") -> ContactRecords:
    """Contact records built from :class:`~customer_understanding.Contact` objects.

    Examples
    --------
    >>> from customer_understanding import Contact
    >>> records = from_contacts([Contact(id="c1", email="ann@acme.com", account_id="a1")])
    >>> records.column("account_ref").tolist()
    ['a1']

    Consent goes to a table of its own (:func:`from_consents`), statement by statement.
    """
    rows = [
        {"source_id": c.id, "record_type": "contact", "email": c.email,
         "first_name": c.first_name, "last_name": c.last_name, "title": c.title,
         "department": c.department, "seniority": _label(c.seniority), "phone": c.phone,
         "phone_normalized": c.phone_normalized, "account_ref": c.account_id,
         "created_at": _nanos(c.created_at)}
        for c in contacts
    ]  # fmt: skip
    return ContactRecords.from_columns(_columns(rows, system), length=len(rows))


def from_consents(contacts: Iterable[Contact], *, system: str = "objects") -> ConsentTable:
    """The consent statements of :class:`~customer_understanding.Contact` objects.

    Every statement is a row of ``system`` (so that ``contact_ref``, the contact's id,
    finds the contact's record), with its source's id, or the contact's id when it has
    no source.

    Examples
    --------
    >>> from customer_understanding import Consent, Contact
    >>> ann = Contact(id="c1", consents=[
    ...     Consent(purpose="tracking", status="denied", updated_at="2026-01-05")])
    >>> table = from_consents([ann])
    >>> table.labels("purpose").tolist(), table.column("contact_ref").tolist()
    (['tracking'], ['c1'])
    """
    rows = [
        {"source_id": c.id if s.source is None else s.source.id, "contact_ref": c.id,
         "purpose": s.purpose.value, "channel": s.channel, "status": s.status.value,
         "at": _nanos(s.updated_at)}
        for c in contacts for s in c.consents
    ]  # fmt: skip
    return ConsentTable.from_columns(_columns(rows, system), length=len(rows))


def from_interactions(
    interactions: Iterable[Interaction], *, system: str = "objects"
) -> InteractionTable:
    """An interaction table built from :class:`~customer_understanding.Interaction` objects.

    Examples
    --------
    >>> from customer_understanding import Interaction
    >>> table = from_interactions([Interaction(id="i1", occurred_at="2026-01-01",
    ...                                        type="webinar", contact_id="c1")])
    >>> table.labels("discipline").tolist(), table.column("contact_ref").tolist()
    (['marketing'], ['c1'])
    """
    rows = [
        {"source_id": i.id, "occurred_at": _nanos(i.occurred_at), "discipline": i.discipline.value,
         "type": i.type, "channel": i.channel, "contact_ref": i.contact_id,
         "account_ref": i.account_id, "opportunity_ref": i.opportunity_id, "subject": i.subject,
         "campaign": i.campaign, "priority": i.priority, "status": i.status,
         "satisfaction": _float(i.satisfaction), "quantity": _float(i.quantity),
         "thread": i.thread}
        for i in interactions
    ]  # fmt: skip
    return InteractionTable.from_columns(_columns(rows, system), length=len(rows))


def from_opportunities(
    opportunities: Iterable[Opportunity], *, system: str = "objects"
) -> tuple[OpportunityTable, ContactRoleTable]:
    """Opportunity and contact-role tables built from :class:`~customer_understanding.Opportunity`.

    Examples
    --------
    >>> from customer_understanding import ContactRole, Opportunity
    >>> deals, roles = from_opportunities([Opportunity(id="o1", amount=900, outcome="won",
    ...     contact_roles=[ContactRole(contact_id="c1", role="champion")])])
    >>> deals.labels("outcome").tolist(), roles.labels("role").tolist()
    (['won'], ['champion'])
    """
    deals = list(opportunities)
    rows = [
        {"source_id": o.id, "account_ref": o.account_id, "name": o.name,
         "amount": _float(o.amount), "currency": o.currency, "sales_stage": o.sales_stage,
         "outcome": o.outcome.value, "kind": _label(o.kind), "created_at": _nanos(o.created_at),
         "closed_at": _nanos(o.closed_at), "owner": o.owner}
        for o in deals
    ]  # fmt: skip
    roles = [
        {"source_id": f"{o.id}/{r.contact_id}", "opportunity_ref": o.id,
         "contact_ref": r.contact_id, "role": _label(r.role), "is_primary": r.is_primary}
        for o in deals
        for r in o.contact_roles
    ]  # fmt: skip
    return (
        OpportunityTable.from_columns(_columns(rows, system), length=len(rows)),
        ContactRoleTable.from_columns(_columns(roles, system), length=len(roles)),
    )


def from_journeys(
    journeys: Iterable[Journey], kinds: Mapping[str, str], *, system: str = "objects"
) -> StageHistoryTable:
    """Stage history built from journeys; ``kinds`` maps each subject id to its kind.

    Examples
    --------
    >>> from customer_understanding import Journey, StageChange
    >>> journey = Journey(subject_id="c1", changes=[StageChange(stage="mql", at="2026-01-01")])
    >>> table = from_journeys([journey], {"c1": "contact"})
    >>> table.labels("stage").tolist(), table.labels("subject_kind").tolist()
    (['mql'], ['contact'])
    """
    rows = [
        {"source_id": f"{j.subject_id}/{n}", "subject_kind": kinds.get(j.subject_id),
         "subject_ref": j.subject_id, "stage": c.stage.value, "at": _nanos(c.at),
         "detail": c.reason}
        for j in journeys
        for n, c in enumerate(j.changes)
    ]  # fmt: skip
    return StageHistoryTable.from_columns(_columns(rows, system), length=len(rows))
