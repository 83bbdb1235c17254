"""Reading the customer base: its tables, single objects by id, timelines and journeys."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import NotFoundError
from customer_understanding.base._base_state import BaseState
from customer_understanding.base._consent_register import ConsentRegister, consent_in_force
from customer_understanding.base._golden import GoldenProfiles, golden_profiles
from customer_understanding.base._growing import RowLookup
from customer_understanding.base._links import with_none
from customer_understanding.base._materialise import (
    account_at,
    contact_at,
    interaction_at,
    opportunity_at,
)
from customer_understanding.domain import (
    Account,
    ConsentPurpose,
    Contact,
    Discipline,
    Interaction,
    Journey,
    Opportunity,
    SourceRef,
    StageChange,
)
from customer_understanding.tables import Table, from_nanos
from customer_understanding.typing import AsOf, Level

if TYPE_CHECKING:
    from customer_understanding.base._tables import Tables

__all__ = ["ReadMethods"]


class ReadMethods(BaseState):
    """The customer base's read methods: tables, objects by id, timelines, journeys."""

    # -- tables -----------------------------------------------------------------------

    @property
    def tables(self) -> Tables:
        """All resolved tables, including the source records and the resolution."""
        return self._tables

    @property
    def accounts(self) -> Table:
        """One golden row per account (an :class:`~customer_understanding.tables.AccountTable`)."""
        return self._tables.accounts

    @property
    def contacts(self) -> Table:
        """One golden row per contact (a :class:`~customer_understanding.tables.ContactTable`)."""
        return self._tables.contacts

    @property
    def interactions(self) -> Table:
        """Every interaction, with ``contact`` and ``account`` rows resolved (-1 if unknown)."""
        return self._tables.interactions

    @property
    def opportunities(self) -> Table:
        """Every opportunity, with its ``account`` row resolved."""
        return self._tables.opportunities

    # -- single objects ---------------------------------------------------------------

    def _row(self, index: pd.Index[str] | RowLookup, value: str, kind: str) -> int:
        if self._aliases.get(kind):
            from customer_understanding.base._stored import survivor_of

            value = survivor_of(self._aliases[kind], value, warn=True)  # type: ignore[assignment]
        position = index.get_indexer(pd.Index([value]))[0] if isinstance(value, str) else -1
        if position < 0:
            msg = f"{kind}_id={value!r} is not in the customer base"
            raise NotFoundError(msg)
        return int(position)

    def account_row(self, account_id: str) -> int:
        """The row of an account in :attr:`accounts` (for bulk work on the tables).

        Raises
        ------
        NotFoundError
            If no account has that id.
        """
        return self._row(self._account_rows, account_id, "account")

    def contact_row(self, contact_id: str) -> int:
        """The row of a contact in :attr:`contacts`."""
        return self._row(self._contact_rows, contact_id, "contact")

    def opportunity_row(self, opportunity_id: str) -> int:
        """The row of an opportunity in :attr:`opportunities`."""
        return self._row(self._opportunity_rows, opportunity_id, "opportunity")

    def account(self, account_id: str) -> Account:
        """The account with this id, with its provenance.

        Raises
        ------
        NotFoundError
            If no account has that id.
        """
        return account_at(self._tables, self._row(self._account_rows, account_id, "account"))

    def contact(self, contact_id: str) -> Contact:
        """The contact with this id, with its provenance and marketing consent."""
        return contact_at(self._tables, self._row(self._contact_rows, contact_id, "contact"))

    def golden(self, level: Level = "contact", *, as_of: AsOf = None) -> GoldenProfiles:
        """Golden accounts or contacts as of a moment, with every value's evidence.

        Without ``as_of`` these are the base's own golden records. With it, the same
        survivorship rules run over the records created by then (records that do not
        say when count as always there), so a profile reads as it would have then;
        entities with no record yet are left out.

        Raises
        ------
        InvalidValueError
            If ``level`` is not ``"account"`` or ``"contact"``, or ``as_of`` is not a
            moment (or is before the first event).

        Examples
        --------
        >>> import customer_understanding as cu
        >>> crm = cu.Source(name="crm", mapping="salesforce.Contact", data=[
        ...     {"Id": "1", "Email": "ann@acme.com", "Title": "Analyst",
        ...      "CreatedDate": "2025-01-01"},
        ...     {"Id": "2", "Email": "ann@acme.com", "Title": "Head of Data",
        ...      "CreatedDate": "2026-01-01"}])
        >>> web = cu.Source(name="web", mapping="web.visits", data=[
        ...     {"visit_id": "v1", "timestamp": "2025-01-01", "email": "ann@acme.com"}])
        >>> base = cu.CustomerBase.build([crm, web])
        >>> base.golden("contact").to_pandas()["title"].tolist()
        ['Head of Data']
        >>> base.golden("contact", as_of="2025-06-30").to_pandas()["title"].tolist()
        ['Analyst']
        """
        return golden_profiles(self._tables, level, as_of=as_of)

    def opportunity(self, opportunity_id: str) -> Opportunity:
        """The opportunity with this id (``"system:source id"``), with its contact roles."""
        row = self._row(self._opportunity_rows, opportunity_id, "opportunity")
        return opportunity_at(self._tables, row)

    def iter_accounts(self) -> Iterator[Account]:
        """Materialise every account, one at a time."""
        return (account_at(self._tables, row) for row in range(len(self.accounts)))

    def iter_contacts(self) -> Iterator[Contact]:
        """Materialise every contact, one at a time."""
        return (contact_at(self._tables, row) for row in range(len(self.contacts)))

    def contacts_of(self, account_id: str) -> list[Contact]:
        """The contacts working at an account."""
        row = self._row(self._account_rows, account_id, "account")
        rows = np.flatnonzero(self.contacts.column("account") == row)
        return [contact_at(self._tables, int(r)) for r in rows]

    def opportunities_of(self, account_id: str) -> list[Opportunity]:
        """The opportunities with an account, oldest first."""
        row = self._row(self._account_rows, account_id, "account")
        rows = np.flatnonzero(self.opportunities.column("account") == row)
        rows = rows[np.argsort(self.opportunities.column("created_at")[rows], kind="stable")]
        return [opportunity_at(self._tables, int(r)) for r in rows]

    # -- timelines and journeys ---------------------------------------------------------

    def _timeline_rows(
        self, account_id: str, disciplines: Iterable[Discipline | str] | None
    ) -> npt.NDArray[np.intp]:
        row = self._row(self._account_rows, account_id, "account")
        table = self.interactions
        mask = table.column("account") == row
        if disciplines is not None:
            wanted = [table.code_of("discipline", Discipline.parse(d).value) for d in disciplines]
            mask &= np.isin(table.column("discipline"), wanted)
        rows = np.flatnonzero(mask)
        return rows[np.argsort(table.column("occurred_at")[rows], kind="stable")]

    def interactions_of(
        self, account_id: str, *, disciplines: Iterable[Discipline | str] | None = None
    ) -> list[Interaction]:
        """An account's interactions across all disciplines as objects, oldest first."""
        rows = self._timeline_rows(account_id, disciplines)
        return [interaction_at(self._tables, int(r)) for r in rows]

    def consents(
        self, *, as_of: AsOf = None, purposes: Any = tuple(ConsentPurpose),
        channel: str | None = None,
    ) -> ConsentRegister:  # fmt: skip
        """The consent in force for every contact and purpose as of a moment, with its source.

        The latest dated statement across systems wins (see
        :func:`~customer_understanding.domain.latest_consent`); a purpose with no
        statement is ``unknown``, which is not consent.

        Parameters
        ----------
        as_of
            The moment (any form; ``None``: the latest event); later statements do not count.
        purposes
            One purpose or several (every :class:`ConsentPurpose` by default).
        channel
            Only statements about this channel or about every channel (``None``: any).

        Examples
        --------
        >>> import customer_understanding as cu
        >>> base = cu.CustomerBase.from_objects(contacts=[cu.Contact(id="c1", consents=[
        ...     cu.Consent(purpose="tracking", status="denied", updated_at="2026-01-05")])],
        ...     interactions=[cu.Interaction(id="i1", occurred_at="2025-12-01",
        ...                                  type="webinar", contact_id="c1")])
        >>> base.consents(purposes="tracking").to_pandas()["status"].tolist()
        ['denied']
        >>> base.consents(as_of="2026-01-01", purposes="tracking").to_pandas()["status"].tolist()
        ['unknown']
        """
        return consent_in_force(self._tables, as_of=as_of, purposes=purposes, channel=channel)

    def timeline(
        self, account_id: str, *, disciplines: Iterable[Discipline | str] | None = None
    ) -> pd.DataFrame:
        """An account's unified timeline across marketing, sales, service and product.

        Returns
        -------
        pandas.DataFrame
            One row per interaction, oldest first: when, discipline, type, channel,
            the contact's id and name, subject, priority, status and source system.
        """
        rows = self._timeline_rows(account_id, disciplines)
        view = self.interactions.take(rows).to_pandas()
        contacts = self.contacts
        contact = view["contact"].to_numpy()
        names = _full_names(contacts)
        view["contact_id"] = with_none(contacts.column("id"))[contact]
        view["contact_name"] = with_none(names)[contact]
        columns = ["occurred_at", "discipline", "type", "channel", "contact_id", "contact_name",
                   "subject", "priority", "status", "system"]  # fmt: skip
        return view[columns].reset_index(drop=True)

    def journey(self, subject_id: str) -> Journey:
        """The lifecycle journey of a contact or account, from the loaded stage history."""
        if subject_id in self._contact_rows:
            kind, row = "contact", self._row(self._contact_rows, subject_id, "contact")
        else:
            kind, row = "account", self._row(self._account_rows, subject_id, "account")
        stages = self._tables.stages
        mask = (stages.labels("subject_kind") == kind) & (stages.column("subject") == row)
        changes = [
            StageChange(
                stage=stages.labels("stage")[i],
                at=from_nanos(int(stages.column("at")[i])),
                source=SourceRef(
                    system=stages.labels("system")[i], id=stages.column("source_id")[i]
                ),
                reason=stages.column("detail")[i],
            )
            for i in np.flatnonzero(mask)
            if stages.column("at")[i] != np.iinfo(np.int64).min
        ]
        return Journey(subject_id=subject_id, changes=changes)


def _full_names(contacts: Table) -> npt.NDArray[np.object_]:
    first = pd.Series(contacts.column("first_name"), dtype="string")
    last = pd.Series(contacts.column("last_name"), dtype="string")
    full = (first.fillna("") + " " + last.fillna("")).str.strip()
    names: npt.NDArray[np.object_] = full.to_numpy(dtype=object)
    names[(full == "").to_numpy()] = None
    return names
