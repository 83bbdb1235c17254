"""The customer base's privacy methods: erase a person, answer a subject-access request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from customer_understanding.base._base_state import BaseState, text_or_none

if TYPE_CHECKING:
    from customer_understanding.base._customer_base import CustomerBase

__all__ = ["PrivacyMethods"]


class PrivacyMethods(BaseState):
    """Erasure and subject-access export, in memory or in the base's store."""

    def erase(self, contact_id: str, *, reason: str, actor: str | None = None) -> CustomerBase:
        """Erase a person: a new base without them, and, with a store, the store too.

        The person's golden row, source records, identifiers, consent statements, deal
        roles and stage history go; their interactions stay with the account but lose
        the link to the person (their row, e-mail address and source id). Every
        score, segment, signal or committee computed from the returned base (or the
        store, reopened) is computed without them; results computed *before* still
        name them — discard them (see the how-to "Erase a person and answer a
        subject-access request").

        Without a store, nothing is written: ``self`` is left as it is and still holds
        the person, so drop it. In a base built into or opened from a store, the
        erasure is one write to the store (whatever base object it is called on, it
        erases from the store's last build): the tables without the person, the
        person's records out of the id lineage, a salted hash (under the store's
        secret) of each of their e-mail addresses, phone numbers and source record ids
        kept as a *suppression* entry so that building the same exports into the store
        again drops them (and says so in the event log), and an ``erase`` row in the
        event log with the time, ``actor`` and ``reason``. The file and its WAL are
        then compacted, so the person's values are not left in freed pages.

        Parameters
        ----------
        contact_id
            The person's id now (an id merged away is refused, naming its survivor).
        reason
            Why (required; written to the event log), e.g. a request's reference.
        actor
            Who erases (written to the event log).

        Returns
        -------
        CustomerBase
            A new base without the person (on the store, when there is one).

        Raises
        ------
        NotFoundError
            If no contact has that id.
        InvalidValueError
            If ``reason`` is empty, ``actor`` is not text, or ``contact_id`` was merged
            into another contact.
        StoreError
            If another process is writing the store.

        Examples
        --------
        >>> import customer_understanding as cu
        >>> base = cu.CustomerBase.from_objects(
        ...     accounts=[cu.Account(id="a1", name="Acme")],
        ...     contacts=[cu.Contact(id="c1", email="ann@acme.com", account_id="a1"),
        ...               cu.Contact(id="c2", email="bo@acme.com", account_id="a1")],
        ...     interactions=[cu.Interaction(id="i1", occurred_at="2026-03-01",
        ...                                  type="webinar", contact_id="c1", account_id="a1")])
        >>> erased = base.erase("c1", reason="request 42")
        >>> erased.contacts.column("id").tolist()
        ['c2']
        >>> erased.to_pandas("interactions")[["account_id", "contact_id"]]
          account_id contact_id
        0         a1       None
        """
        from customer_understanding.base._erasure import check_reason, erase_in_memory

        why, who = check_reason(reason), text_or_none(actor, "actor")
        if self._store is None:
            erased = erase_in_memory(self._tables, contact_id, report=self.report,
                                     aliases=self._aliases.get("contact", {}))  # fmt: skip
            return self._new(erased.tables, report=erased.report)
        from customer_understanding.base._erasure import erase_stored
        from customer_understanding.base._stored import _store_path

        done = erase_stored(_store_path(self._store), contact_id, actor=who, reason=why)
        return self._new(done.tables, report=done.report, aliases=done.aliases,
                          store=self._store)  # fmt: skip

    def subject_export(self, contact_id: str, *, results: Mapping[str, Any] | None = None) -> str:
        """Everything held about a person, as JSON text (a subject-access answer).

        One JSON object: ``contact_id``, ``exported_at``, ``golden`` (the golden
        values), ``provenance`` (per golden field, the ``system:source_id`` of the
        record whose value won), ``records`` (every source record, with its
        ``record`` key, system and source id), ``consents`` (every statement) and
        ``consents_in_force``, ``interactions`` (those linked to the person),
        ``deal_roles``, ``stages``, ``review_pairs`` (record pairs of theirs left for
        review) and ``results``. Times are ISO 8601 UTC; missing values are ``null``.

        Scores, segments, signals and committees are computed on demand by the
        caller's own scorers and rules, so the base cannot know them: pass the results
        you compute or keep as ``results`` (a name for each), and ``results[name]``
        lists the rows of each that name the person (its ``contact_id`` column), every
        column kept; a score table's rows carry the person's ``reasons`` too. A result
        with no ``contact_id`` column (an account-level score) gives an empty list.

        Raises
        ------
        NotFoundError
            If no contact has that id.
        InvalidValueError
            If ``contact_id`` was merged into another contact, or a result has no
            ``to_pandas()``.

        Examples
        --------
        >>> import json
        >>> import customer_understanding as cu
        >>> base = cu.CustomerBase.from_objects(
        ...     contacts=[cu.Contact(id="c1", email="ann@acme.com", last_name="Lee")])
        >>> document = json.loads(base.subject_export("c1"))
        >>> document["golden"]["email"], len(document["records"])
        ('ann@acme.com', 1)
        """
        import json

        from customer_understanding.base._erasure import contact_row
        from customer_understanding.base._subject import subject_document

        row = contact_row(self._tables, contact_id, self._aliases.get("contact", {}))
        document = subject_document(cast("CustomerBase", self), row, results=results)
        return json.dumps(document, ensure_ascii=False)

    def _new(self, tables: Any, **state: Any) -> CustomerBase:
        """A new base of this base's own class over ``tables``."""
        return cast("CustomerBase", type(self)(tables, **state))  # type: ignore[call-arg]
