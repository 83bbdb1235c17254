"""The tables behind the domain model: source records, interactions, deals and stages.

Source-record tables keep provenance (``system``, ``source_id``) and the references a
source uses between its own records (``account_ref``, ``contact_ref`` …). The customer
base's entity tables hold one resolved row per account or contact, and the activity tables
gain integer ``account`` / ``contact`` columns pointing at those rows.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.domain import (
    ConsentStatus,
    Discipline,
    OpportunityKind,
    Outcome,
    Role,
    Seniority,
    Stage,
)
from customer_understanding.tables._table import Column, Schema, Table

__all__ = [
    "AccountRecords",
    "AccountTable",
    "ContactRecords",
    "ContactRoleTable",
    "ContactTable",
    "InteractionTable",
    "OpportunityTable",
    "StageHistoryTable",
]


def _closed(
    vocabulary: type[
        Discipline | Stage | Role | Seniority | Outcome | OpportunityKind | ConsentStatus
    ],
) -> tuple[str, ...]:
    return tuple(member.value for member in vocabulary)


_PROVENANCE = (
    Column(name="system", kind="category", doc="the source system"),
    Column(name="source_id", kind="text", doc="the record's id in its system"),
)
_ACCOUNT_FIELDS = (
    Column(name="name", kind="text", doc="company name as written"),
    Column(name="domain", kind="text", doc="normalised web domain"),
    Column(name="industry", kind="category"),
    Column(name="employees", kind="float", doc="head count"),
    Column(name="annual_revenue", kind="float"),
    Column(name="country", kind="category"),
    Column(name="city", kind="text"),
    Column(name="owner", kind="category", doc="account owner"),
    Column(name="created_at", kind="time"),
)
_CONTACT_FIELDS = (
    Column(name="email", kind="text", doc="normalised e-mail"),
    Column(name="first_name", kind="text"),
    Column(name="last_name", kind="text"),
    Column(name="title", kind="text"),
    Column(name="department", kind="category"),
    Column(name="seniority", kind="category", labels=_closed(Seniority)),
    Column(name="phone", kind="text", doc="phone as given"),
    Column(name="phone_normalized", kind="text"),
    Column(name="lifecycle_stage", kind="category", labels=_closed(Stage)),
    Column(name="marketing_consent", kind="category", labels=_closed(ConsentStatus)),
    Column(name="created_at", kind="time"),
)


class AccountRecords(Table):
    """Organisation records as each source system holds them.

    Examples
    --------
    >>> records = AccountRecords.from_columns({"system": ["salesforce"], "source_id": ["001A"],
    ...                                        "domain": ["acme.com"]})
    >>> records.labels("system").tolist(), records.column("domain").tolist()
    (['salesforce'], ['acme.com'])
    """

    SCHEMA = Schema(
        (
            *_PROVENANCE,
            *_ACCOUNT_FIELDS,
            Column(name="parent_ref", kind="text", doc="source id of the parent account"),
        )
    )


class ContactRecords(Table):
    """Person records (contacts, leads, users) as each source system holds them.

    Examples
    --------
    >>> records = ContactRecords.from_columns({"source_id": ["003A"], "seniority": ["vp"]})
    >>> records.categories["seniority"][records.column("seniority")[0]]
    'vp'
    """

    SCHEMA = Schema(
        (
            *_PROVENANCE,
            Column(name="record_type", kind="category", doc="contact, lead, user …"),
            *_CONTACT_FIELDS,
            Column(name="account_ref", kind="text", doc="source id of the person's account"),
            Column(name="company", kind="text", doc="company name typed on the record"),
        )
    )


class AccountTable(Table):
    """Resolved accounts: one golden row per organisation.

    Examples
    --------
    >>> accounts = AccountTable.from_columns({"id": ["acc_1", "acc_2"], "parent": [-1, 0]})
    >>> accounts.column("parent").tolist()
    [-1, 0]
    """

    SCHEMA = Schema(
        (
            Column(name="id", kind="text"),
            *_ACCOUNT_FIELDS,
            Column(name="parent", kind="index", doc="row of the parent account"),
        )
    )


class ContactTable(Table):
    """Resolved contacts: one golden row per person.

    Examples
    --------
    >>> ContactTable.SCHEMA["account"].kind
    'index'
    """

    SCHEMA = Schema(
        (
            Column(name="id", kind="text"),
            *_CONTACT_FIELDS,
            Column(name="account", kind="index", doc="row of the person's account"),
            Column(
                name="account_confidence", kind="float", doc="how sure the link is, from 0 to 1"
            ),
            Column(
                name="account_method",
                kind="category",
                labels=("reference", "domain", "name"),
                doc="how the account was found",
            ),
            Column(
                name="seniority_confidence",
                kind="float",
                doc="1 when an export states the seniority, the title rule's confidence when "
                "read from the title, missing when unknown",
            ),
            Column(
                name="department_confidence",
                kind="float",
                doc="the same for the department",
            ),
        )
    )


class InteractionTable(Table):
    """Touches in all four disciplines, one row each, in any order.

    Examples
    --------
    >>> table = InteractionTable.from_columns({"type": ["ticket"], "discipline": ["service"]})
    >>> table.labels("discipline").tolist()
    ['service']
    """

    SCHEMA = Schema(
        (
            *_PROVENANCE,
            Column(name="occurred_at", kind="time"),
            Column(name="discipline", kind="category", labels=_closed(Discipline)),
            Column(name="type", kind="category", doc="open vocabulary: email_open, ticket …"),
            Column(name="channel", kind="category"),
            Column(name="contact_ref", kind="text", doc="source id of the person"),
            Column(name="email", kind="text", doc="e-mail of the person when no id is given"),
            Column(name="account_ref", kind="text", doc="source id of the account"),
            Column(name="domain", kind="text", doc="company domain when no id is given"),
            Column(name="opportunity_ref", kind="text"),
            Column(name="subject", kind="text"),
            Column(name="campaign", kind="category"),
            Column(name="priority", kind="category"),
            Column(name="status", kind="category"),
            Column(name="satisfaction", kind="float", doc="in [0, 1]"),
            Column(name="quantity", kind="float"),
            Column(name="thread", kind="text"),
            Column(name="updated_at", kind="time", doc="when its status or rating last changed"),
            Column(name="contact", kind="index", doc="resolved contact row"),
            Column(name="account", kind="index", doc="resolved account row"),
        )
    )

    def ticket_of_update(self) -> npt.NDArray[np.int64]:
        """For each ``ticket_update`` row, the row of the ticket it updates; -1 otherwise.

        An update names its ticket in ``thread``: the ``ticket`` row of the same system
        whose ``source_id`` that is (a ticket's audit trail, e.g. ``zendesk.ticket_audits``).

        Examples
        --------
        >>> table = InteractionTable.from_columns({
        ...     "system": ["zendesk"] * 3, "source_id": ["7", "a1", "a2"],
        ...     "type": ["ticket", "ticket_update", "ticket_update"], "thread": [None, "7", "9"]})
        >>> table.ticket_of_update().tolist()
        [-1, 0, -1]
        """
        found = np.full(len(self), -1, dtype=np.int64)
        types = self.column("type")
        ticket, update = self.code_of("type", "ticket"), self.code_of("type", "ticket_update")
        if ticket < 0 or update < 0:
            return found
        tickets, updates = np.flatnonzero(types == ticket), np.flatnonzero(types == update)
        system, ids, thread = self.column("system"), self.column("source_id"), self.column("thread")
        keys = pd.Index(list(zip(system[tickets].tolist(), ids[tickets].tolist(), strict=True)))
        first = ~keys.duplicated()  # ids are unique per system; stay defined if they are not
        keys, tickets = keys[first], tickets[first]
        wanted = pd.Index(
            list(zip(system[updates].tolist(), thread[updates].tolist(), strict=True))
        )
        where = keys.get_indexer(wanted)
        found[updates[where >= 0]] = tickets[where[where >= 0]]
        return found


class OpportunityTable(Table):
    """Deals with their amounts, stages and outcomes.

    Examples
    --------
    >>> deals = OpportunityTable.from_columns({"amount": [1200.0], "outcome": ["won"]})
    >>> deals.labels("outcome").tolist()
    ['won']
    """

    SCHEMA = Schema(
        (
            *_PROVENANCE,
            Column(name="account_ref", kind="text"),
            Column(name="name", kind="text"),
            Column(name="amount", kind="float"),
            Column(name="currency", kind="category"),
            Column(name="sales_stage", kind="category"),
            Column(name="outcome", kind="category", labels=_closed(Outcome)),
            Column(name="kind", kind="category", labels=_closed(OpportunityKind)),
            Column(name="created_at", kind="time"),
            Column(name="closed_at", kind="time"),
            Column(name="owner", kind="category"),
            Column(name="account", kind="index", doc="resolved account row"),
        )
    )


class ContactRoleTable(Table):
    """Who plays which buying role on which opportunity.

    Examples
    --------
    >>> roles = ContactRoleTable.from_columns({"role": ["champion", None]})
    >>> roles.labels("role").tolist()
    ['champion', None]
    """

    SCHEMA = Schema(
        (
            *_PROVENANCE,
            Column(name="opportunity_ref", kind="text"),
            Column(name="contact_ref", kind="text"),
            Column(name="role", kind="category", labels=_closed(Role)),
            Column(name="is_primary", kind="bool"),
            Column(name="opportunity", kind="index", doc="resolved opportunity row"),
            Column(name="contact", kind="index", doc="resolved contact row"),
        )
    )


class StageHistoryTable(Table):
    """Lifecycle stage changes of contacts, accounts and opportunities.

    Examples
    --------
    >>> StageHistoryTable.SCHEMA["subject_kind"].labels
    ('account', 'contact', 'opportunity')
    """

    SCHEMA = Schema(
        (
            *_PROVENANCE,
            Column(
                name="subject_kind", kind="category", labels=("account", "contact", "opportunity")
            ),
            Column(name="subject_ref", kind="text", doc="source id of the contact/account/deal"),
            Column(name="stage", kind="category", labels=_closed(Stage)),
            Column(name="at", kind="time"),
            Column(name="detail", kind="text", doc="the source's own stage name"),
            Column(name="subject", kind="index", doc="resolved row of the subject"),
        )
    )
