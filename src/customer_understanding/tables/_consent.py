"""Consent statements: what each person said about each purpose, where and when."""

from __future__ import annotations

from customer_understanding.domain import ConsentPurpose, ConsentStatus
from customer_understanding.tables._table import Column, Schema, Table

__all__ = ["ORIGINS", "ConsentTable"]

#: Where a statement in a customer base comes from: a consent log, or a contact record's
#: own consent flag (which the base derives, and derives again when the record changes).
ORIGINS = ("log", "record")


class ConsentTable(Table):
    """Dated consent statements from every system, one row each, in any order.

    A row says that a person (``contact_ref`` in its system, or ``email``) granted or
    denied a purpose on a channel (``None``: every channel) at a time (missing when
    the source keeps a flag without a date). In a customer base, ``contact`` points at
    the resolved contact and ``known_at`` says since when the statement could be tied
    to it: the later of ``at`` and the creation of the record it is tied through, and
    ``origin`` tells a consent log's statements from the records' own flags.

    Examples
    --------
    >>> table = ConsentTable.from_columns({"purpose": ["marketing"], "status": ["denied"],
    ...                                    "channel": ["email"], "email": ["ann@beta.io"]})
    >>> table.labels("purpose").tolist(), table.labels("status").tolist()
    (['marketing'], ['denied'])
    """

    SCHEMA = Schema(
        (
            Column(name="system", kind="category", doc="the source system"),
            Column(name="source_id", kind="text", doc="the statement's (or record's) id"),
            Column(name="contact_ref", kind="text", doc="source id of the person"),
            Column(name="email", kind="text", doc="e-mail of the person when no id is given"),
            Column(name="purpose", kind="category", labels=tuple(p.value for p in ConsentPurpose)),
            Column(name="channel", kind="category", doc="missing: every channel"),
            Column(name="status", kind="category", labels=tuple(s.value for s in ConsentStatus)),
            Column(name="at", kind="time", doc="when it was stated (missing: not dated)"),
            Column(name="contact", kind="index", doc="resolved contact row"),
            Column(
                name="known_at",
                kind="time",
                doc="when it could first be tied to its contact (missing: always)",
            ),
            Column(
                name="origin",
                kind="category",
                labels=ORIGINS,
                doc="a consent log's statement, or the flag of the record it names "
                "(in a customer base; missing: not told apart when it was stored)",
            ),
        )
    )
