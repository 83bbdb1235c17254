"""Domain objects built on demand from single rows of the resolved tables."""

from __future__ import annotations

from typing import Any

import numpy as np

from customer_understanding.base._tables import Tables
from customer_understanding.domain import (
    Account,
    AccountId,
    Consent,
    Contact,
    ContactId,
    ContactRole,
    Interaction,
    InteractionId,
    Opportunity,
    OpportunityId,
    SourceRef,
)
from customer_understanding.tables import Table, from_nanos

__all__ = ["account_at", "contact_at", "interaction_at", "opportunity_at"]


def _row(table: Table, row: int, names: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in names:
        kind = table.SCHEMA[name].kind
        value = table.column(name)[row]
        if kind == "category":
            values[name] = None if value < 0 else table.categories[name][value]
        elif kind == "time":
            values[name] = from_nanos(int(value))
        elif kind == "float":
            values[name] = None if np.isnan(value) else float(value)
        else:
            values[name] = value
    return values


def _sources(tables: Table, rows: Any) -> list[SourceRef]:
    systems = tables.labels("system")[rows]
    ids = tables.column("source_id")[rows]
    return [SourceRef(system=s, id=i) for s, i in zip(systems, ids, strict=True)]


def account_at(tables: Tables, row: int) -> Account:
    """The account in row ``row`` of the account table."""
    accounts = tables.accounts
    fields = _row(
        accounts,
        row,
        (
            "id",
            "name",
            "domain",
            "industry",
            "employees",
            "annual_revenue",
            "country",
            "city",
            "owner",
            "created_at",
        ),
    )
    employees = fields.pop("employees")
    parent = int(accounts.column("parent")[row])
    records = np.flatnonzero(tables.resolution.account_of_record == row)
    return Account(
        **fields,
        employees=None if employees is None else int(employees),
        parent_id=None if parent < 0 else accounts.column("id")[parent],
        sources=_sources(tables.account_records, records),
    )  # fmt: skip


def contact_at(tables: Tables, row: int) -> Contact:
    """The contact in row ``row`` of the contact table."""
    contacts = tables.contacts
    fields = _row(
        contacts,
        row,
        (
            "id",
            "email",
            "first_name",
            "last_name",
            "title",
            "department",
            "seniority",
            "phone",
            "created_at",
        ),
    )
    account = int(contacts.column("account")[row])
    records = np.flatnonzero(tables.resolution.contact_of_record == row)
    return Contact(
        **fields,
        account_id=None if account < 0 else AccountId(tables.accounts.column("id")[account]),
        consents=_consents(tables, row),
        sources=_sources(tables.contact_records, records),
    )  # fmt: skip


def _consents(tables: Tables, row: int) -> list[Consent]:
    """Every consent statement of the contact in row ``row``, with its source and time."""
    statements = tables.consents
    rows = np.flatnonzero(statements.column("contact") == row)
    names = ("purpose", "status", "channel", "at", "system", "source_id")
    found = [_row(statements, int(r), names) for r in rows]
    return [
        Consent(purpose=f["purpose"], status=f["status"], channel=f["channel"],
                updated_at=f["at"], source=_source(f["system"], f["source_id"]))
        for f in found
    ]  # fmt: skip


def _source(system: str | None, source_id: str | None) -> SourceRef | None:
    return SourceRef(system=system, id=source_id) if system and source_id else None


def interaction_at(tables: Tables, row: int) -> Interaction:
    """The interaction in row ``row`` of the interaction table."""
    table = tables.interactions
    fields = _row(
        table,
        row,
        (
            "occurred_at",
            "type",
            "discipline",
            "channel",
            "subject",
            "campaign",
            "priority",
            "status",
            "satisfaction",
            "quantity",
            "thread",
        ),
    )
    contact, account = int(table.column("contact")[row]), int(table.column("account")[row])
    system, source_id = table.labels("system")[row], table.column("source_id")[row]
    opportunity = table.column("opportunity_ref")[row]
    return Interaction(
        id=InteractionId(f"{system}:{source_id}"),
        **fields,
        contact_id=None if contact < 0 else ContactId(tables.contacts.column("id")[contact]),
        account_id=None if account < 0 else AccountId(tables.accounts.column("id")[account]),
        opportunity_id=None if opportunity is None else OpportunityId(f"{system}:{opportunity}"),
        source=SourceRef(system=system, id=source_id),
    )  # fmt: skip


def opportunity_id(tables: Tables, row: int) -> OpportunityId:
    """The id of the opportunity in row ``row``: its system and its id there."""
    table = tables.opportunities
    return OpportunityId(f"{table.labels('system')[row]}:{table.column('source_id')[row]}")


def opportunity_at(tables: Tables, row: int) -> Opportunity:
    """The opportunity in row ``row``, with its contact roles."""
    table = tables.opportunities
    fields = _row(
        table,
        row,
        (
            "name",
            "amount",
            "currency",
            "sales_stage",
            "outcome",
            "kind",
            "created_at",
            "closed_at",
            "owner",
        ),
    )
    created, closed = fields["created_at"], fields["closed_at"]
    if created is not None and closed is not None and closed < created:
        # A close date without a time of day, on the day of creation, means "that day";
        # an earlier day is rejected at ingestion, but tables handed in another way may
        # hold one: the close decides the outcome, so it stays and the opening is dropped.
        same_day = closed.date() == created.date()
        fields["closed_at" if same_day else "created_at"] = created if same_day else None
    account = int(table.column("account")[row])
    roles = tables.contact_roles
    mine = np.flatnonzero((roles.column("opportunity") == row) & (roles.column("contact") >= 0))
    contact_ids = tables.contacts.column("id")
    return Opportunity(
        id=opportunity_id(tables, row),
        **fields,
        account_id=None if account < 0 else AccountId(tables.accounts.column("id")[account]),
        contact_roles=[
            ContactRole(contact_id=contact_ids[roles.column("contact")[i]],
                        role=roles.labels("role")[i],
                        is_primary=bool(roles.column("is_primary")[i]))
            for i in mine
        ],
        sources=[SourceRef(system=table.labels("system")[row], id=table.column("source_id")[row])],
    )  # fmt: skip
