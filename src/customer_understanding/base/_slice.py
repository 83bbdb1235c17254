"""The tables of a few accounts: what a per-customer call reads instead of the whole base.

A slice keeps the chosen accounts, every contact working at them, every interaction of
those accounts or contacts (with the audit trail of their tickets), their deals with the
contact roles on them, their stage history and their source records, with every row
index re-based to the slice. Rows keep their relative order, so whatever a rule decides
by row order it decides the same way.

Contacts of other accounts that appear on these accounts' interactions or deal roles,
and other accounts' deals that these contacts hold roles on, are kept too, unattached
(their account is -1): an interaction keeps its contact and a role its deal, so facts
about the chosen accounts read exactly what they read in the whole base. The slice also
keeps the whole base's first and last event, so that a moment means the same in both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import NotFoundError
from customer_understanding.base._growing import RowLookup
from customer_understanding.identity import Resolution

if TYPE_CHECKING:
    from customer_understanding.base._tables import Tables

__all__ = ["account_rows", "account_slice"]

Ints = npt.NDArray[np.int64]


def _rebase(rows: Ints, size: int) -> Ints:
    """Old row → new row for the kept ``rows`` (sorted), -1 otherwise; index -1 gives -1."""
    lookup = np.full(size + 1, -1, dtype=np.int64)
    lookup[rows] = np.arange(len(rows), dtype=np.int64)
    return lookup


def account_rows(
    ids: npt.NDArray[np.object_] | pd.Index[Any] | RowLookup, wanted: Iterable[str]
) -> Ints:
    """The rows of the ``wanted`` account ids among ``ids`` (sorted, once each)."""
    index = ids if isinstance(ids, pd.Index | RowLookup) else pd.Index(ids)
    values = [wanted] if isinstance(wanted, str) else list(wanted)
    rows = index.get_indexer(pd.Index(values, dtype=object)) if values else np.empty(0, np.intp)
    if (rows < 0).any():
        missing = values[int(np.flatnonzero(rows < 0)[0])]
        msg = f"account_id={missing!r} is not in the customer base"
        raise NotFoundError(msg)
    return np.unique(rows.astype(np.int64))


def _with(own: Ints, referenced: Ints) -> Ints:
    """The ``own`` rows and the valid ``referenced`` ones, sorted, once each."""
    return np.union1d(own, referenced[referenced >= 0])


class _Maps:
    """Old → new row lookups of the sliced entities, deals and records."""

    def __init__(self, tables: Tables, accounts: Ints) -> None:
        self.accounts = _rebase(accounts, len(tables.accounts))
        contact_account = tables.contacts.column("account")
        own = np.flatnonzero(self.accounts[contact_account] >= 0)
        own_map = _rebase(own, len(tables.contacts))
        deals = tables.opportunities
        own_deals = np.flatnonzero(self.accounts[deals.column("account")] >= 0)
        deal_map = _rebase(own_deals, len(deals))
        table = tables.interactions
        mine = (self.accounts[table.column("account")] >= 0) | (
            own_map[table.column("contact")] >= 0
        )
        # A ticket's audit trail names no account or contact: it goes with its ticket.
        ticket = table.ticket_of_update()
        mine |= (ticket >= 0) & mine[np.maximum(ticket, 0)]
        self.interaction_rows = np.flatnonzero(mine)
        roles = tables.contact_roles
        self.role_rows = np.flatnonzero(
            (own_map[roles.column("contact")] >= 0) | (deal_map[roles.column("opportunity")] >= 0)
        )
        self.contact_rows = _with(
            _with(own, table.column("contact")[self.interaction_rows]),
            roles.column("contact")[self.role_rows],
        )
        self.contacts = _rebase(self.contact_rows, len(tables.contacts))
        self.deal_rows = _with(own_deals, roles.column("opportunity")[self.role_rows])
        self.deals = _rebase(self.deal_rows, len(deals))
        resolution = tables.resolution
        self.account_record_rows = np.flatnonzero(self.accounts[resolution.account_of_record] >= 0)
        self.contact_record_rows = np.flatnonzero(self.contacts[resolution.contact_of_record] >= 0)


def _resolution(resolution: Resolution, maps: _Maps, accounts: Ints) -> Resolution:
    return Resolution(
        account_of_record=maps.accounts[resolution.account_of_record[maps.account_record_rows]],
        contact_of_record=maps.contacts[resolution.contact_of_record[maps.contact_record_rows]],
        account_keys=resolution.account_keys[accounts],
        contact_keys=resolution.contact_keys[maps.contact_rows],
        account_ids=resolution.account_ids[accounts],
        contact_ids=resolution.contact_ids[maps.contact_rows],
    )


def _winners(
    winners: Mapping[str, Ints], entities: Ints, records: Ints, size: int
) -> dict[str, Ints]:
    lookup = _rebase(records, size)
    return {field: lookup[rows[entities]] for field, rows in winners.items()}


def _stages(tables: Tables, maps: _Maps) -> Any:
    stages = tables.stages
    subject = stages.column("subject")
    kinds = stages.column("subject_kind")
    new = np.full(len(stages), -1, dtype=np.int64)
    for kind, lookup in (("account", maps.accounts), ("contact", maps.contacts),
                         ("opportunity", maps.deals)):  # fmt: skip
        mine = kinds == stages.code_of("subject_kind", kind)
        new[mine] = lookup[subject[mine]]
    kept = np.flatnonzero(new >= 0)
    return stages.take(kept).with_columns(subject=new[kept])


def _consents(tables: Tables, maps: _Maps) -> Any:
    consents = tables.consents
    contact = maps.contacts[consents.column("contact")]
    kept = np.flatnonzero(contact >= 0)
    return consents.take(kept).with_columns(contact=contact[kept])


def account_slice(tables: Tables, accounts: Ints) -> Tables:
    """The tables of the accounts in rows ``accounts`` (sorted, unique; see the module)."""
    maps = _Maps(tables, accounts)
    contacts, deals = tables.contacts, tables.opportunities
    table, roles = tables.interactions, tables.contact_roles
    contact_rows, deal_rows = maps.contact_rows, maps.deal_rows
    interaction_rows, role_rows = maps.interaction_rows, maps.role_rows
    account_winners = _winners(
        tables.account_winners, accounts, maps.account_record_rows, len(tables.account_records)
    )
    contact_winners = _winners(
        tables.contact_winners, contact_rows, maps.contact_record_rows, len(tables.contact_records)
    )
    return type(tables)(
        accounts=tables.accounts.take(accounts).with_columns(
            parent=maps.accounts[tables.accounts.column("parent")[accounts]]
        ),
        contacts=contacts.take(contact_rows).with_columns(
            account=maps.accounts[contacts.column("account")[contact_rows]]
        ),
        account_records=tables.account_records.take(maps.account_record_rows),
        contact_records=tables.contact_records.take(maps.contact_record_rows),
        interactions=table.take(interaction_rows).with_columns(
            account=maps.accounts[table.column("account")[interaction_rows]],
            contact=maps.contacts[table.column("contact")[interaction_rows]],
        ),
        opportunities=deals.take(deal_rows).with_columns(
            account=maps.accounts[deals.column("account")[deal_rows]]
        ),
        contact_roles=roles.take(role_rows).with_columns(
            contact=maps.contacts[roles.column("contact")[role_rows]],
            opportunity=maps.deals[roles.column("opportunity")[role_rows]],
        ),
        stages=_stages(tables, maps),
        resolution=_resolution(tables.resolution, maps, accounts),
        account_winners=account_winners,
        contact_winners=contact_winners,
        survivorship=tables.survivorship,
        consents=_consents(tables, maps),
        span=tables.event_span(),
    )
