"""The customer base's online methods: match one incoming record, or add it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from customer_understanding.base._adding import Online
from customer_understanding.base._base_state import BaseState, text_or_none
from customer_understanding.base._matches import CandidateMatches
from customer_understanding.domain import Account, Contact

if TYPE_CHECKING:
    from customer_understanding.base._tables import Tables

__all__ = ["OnlineMethods"]


class OnlineMethods(BaseState):
    """One record at a time against the resolved base, without a relink."""

    def match(
        self, record: Mapping[str, Any] | Contact | Account, *, mapping: str | None = None,
        source: str | None = None,
    ) -> CandidateMatches:  # fmt: skip
        """The stored entities one incoming record may belong to, with evidence; writes nothing.

        The record is a dict in an export's shape with its preset (``mapping=``), or a
        :class:`~customer_understanding.Contact` / :class:`~customer_understanding.Account`.
        It is compared with the stored records sharing a blocking key with it (an index
        built on the first call, not a relink) and scored with the model fitted when the
        base was built into its store (fitted once here otherwise). See the how-to "Keep
        a customer base in a store".

        Raises
        ------
        InvalidValueError
            If the record is neither, or the mapping reads no contact or account from it.

        Examples
        --------
        >>> import customer_understanding as cu
        >>> rows = [{"Id": "1", "Email": "ann@acme.com", "FirstName": "Ann", "LastName": "Lee"}]
        >>> base = cu.CustomerBase.build([cu.Source(name="crm", data=rows,
        ...                                         mapping="salesforce.Contact")])
        >>> lead = {"Id": "L1", "Email": "ann@acme.com", "FirstName": "Ann", "LastName": "Lee"}
        >>> found = base.match(lead, mapping="salesforce.Lead")
        >>> found.best == base.contacts.column("id")[0]
        True
        """
        return self._matcher().match(record, mapping=mapping, source=source)

    def add(
        self, record: Mapping[str, Any] | Contact | Account, *, mapping: str | None = None,
        source: str | None = None, actor: str | None = None, reason: str | None = None,
    ) -> str:  # fmt: skip
        """Add one record: it joins its best link-band candidate, or becomes a new entity.

        Takes what :meth:`match` takes and returns the id of the entity the record
        joined (a new entity gets a new stable id). In a base with a store, the record,
        its membership and an ``add`` event (with ``actor`` and ``reason``) are written
        in one transaction, so :meth:`open` in any process matches against it too. The
        entity it joined or made is refreshed at once, as a build makes it from its
        records: golden values, their winning records, a contact's account link (what a
        build derives across entities, such as interactions only the new address would
        tie to the person, waits for the next build or update). The tables grow in
        place, with room to spare, so an add copies none of them: tables read before an
        add keep their length and records, but show the refreshed row of the entity the
        record joined.

        The base keeps its connection to the store open from one add to the next, and an
        add's commit does not wait for the disk: a killed process loses no add that
        returned, a power cut may lose the last ones (adding them again gives them the
        same ids). As with any SQLite file, copy or replace the store only when no
        process has it open.

        Raises
        ------
        InvalidValueError
            If the record is already in the base, or is no record (see :meth:`match`).
        StoreError
            If another process is writing the store.

        Examples
        --------
        >>> import customer_understanding as cu
        >>> rows = [{"Id": "1", "Email": "ann@acme.com", "LastName": "Lee"}]
        >>> base = cu.CustomerBase.build([cu.Source(name="crm", data=rows,
        ...                                         mapping="salesforce.Contact")])
        >>> bob = cu.Contact(id="web-7", email="bob@beta.io", last_name="Ng")
        >>> new_id = base.add(bob)
        >>> base.match(bob).best == new_id
        True
        """
        online = self._matcher()
        entity = online.add(
            record, mapping=mapping, source=source,
            actor=text_or_none(actor, "actor"), reason=text_or_none(reason, "reason"),
            rows={"contact": self._contact_rows, "account": self._account_rows},
        )  # fmt: skip
        self._set_tables(online.tables)
        return entity

    def _set_tables(self, tables: Tables) -> None:
        """Hold ``tables`` (with records added online), and the id lookups that go with them.

        A record added online keeps every entity in its row, and a new entity comes
        last: the lookups grow by the new ids only, and keep their hash tables otherwise.
        """
        self._tables = tables
        self._account_rows = self._account_rows.grown(tables.accounts.column("id"))
        self._contact_rows = self._contact_rows.grown(tables.contacts.column("id"))

    def _matcher(self) -> Online:
        if self._online is None:
            self._online = Online(self._tables, None if self._store is None else Path(self._store))
        return self._online
