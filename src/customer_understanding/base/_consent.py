"""Consent in the customer base: every statement on its contact, and the one in force.

Statements come from consent logs (the ``consent`` target of a mapping: dated, per
purpose and channel) and from the yes/no consent flag of contact records (marketing
e-mail, undated). Each finds its contact through the record it names in its system or
through any e-mail address of the person. Which statement is in force follows
:func:`customer_understanding.domain.latest_consent`: a stated answer beats "unknown",
a dated statement beats an undated flag, the latest wins, and a denial wins a tie.

As of a moment, a statement counts once it was made *and* could be tied to its contact:
a record's undated flag from the record's creation, a statement naming a record or an
e-mail address from the creation of that record (the earliest of the person's records
carrying the address). A record made later does not carry its statements into the past.

A tracking denial in force takes the person's web and product events off their profile:
the events keep their account, so they still count for it, but no longer for the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import NAT, known_by
from customer_understanding.base._links import RefIndex, ValueIndex, fill_missing
from customer_understanding.base._order import canonical, merged_order
from customer_understanding.domain import CONSENT_CAUTION, ConsentPurpose, ConsentStatus
from customer_understanding.identity import Resolution
from customer_understanding.tables import ConsentTable, ContactRecords, InteractionTable, Table

__all__ = [
    "ORDER",
    "TRACKED",
    "carried_statements",
    "consent_rows",
    "consent_statements",
    "consent_status",
    "detach_tracked",
    "status_labels",
]

Ints = npt.NDArray[np.int64]

#: Interactions that only tracking records about a person: by channel, and by discipline.
TRACKED = {"channel": ("web", "in_app"), "discipline": ("product",)}


def _flags(records: ContactRecords, contact_of_record: Ints) -> ConsentTable:
    """The marketing consent flag of each contact record, as an undated e-mail statement.

    It is known from the record's creation (always, when the record is undated).
    """
    stated = [records.code_of("marketing_consent", label) for label in ("granted", "denied")]
    stated = [code for code in stated if code >= 0]  # -1 would be a missing value
    rows = np.flatnonzero(np.isin(records.column("marketing_consent"), stated))
    flagged = records.take(rows)  # the few records stating one, their labels read alone
    return ConsentTable.from_columns(
        {
            "system": flagged.labels("system"),
            "source_id": flagged.column("source_id"),
            "contact_ref": flagged.column("source_id"),
            "purpose": np.full(len(rows), ConsentPurpose.MARKETING.value, dtype=object),
            "channel": np.full(len(rows), "email", dtype=object),
            "status": flagged.labels("marketing_consent"),
            "at": np.full(len(rows), NAT, dtype=np.int64),
            "contact": contact_of_record[rows],
            "known_at": flagged.column("created_at"),
            "origin": np.full(len(rows), "record", dtype=object),
        },
        length=len(rows),
    )


#: The columns consent statements are put in order by (see :mod:`._order`).
ORDER = ("at", "system", "purpose", "channel", "status")


def consent_statements(
    logged: ConsentTable,
    records: ContactRecords,
    resolution: Resolution,
    *,
    held: ValueIndex | None = None,
    carried: Mapping[str, Any] | None = None,
    placed: dict[type[Table], Ints] | None = None,
    refs: RefIndex | None = None,
) -> ConsentTable:
    """Every consent statement (logs and record flags), each pointing at its contact.

    ``known_at`` is when it could first be tied to the contact: the later of its own
    time and the creation of the record naming the person (or, for an e-mail address,
    of the contact's earliest record carrying it). ``held`` indexes the records' e-mail
    addresses, when the caller has made it already.

    ``carried`` is what an update keeps (see :func:`carried_statements`): the stored
    statements, of which only those an update can change are tied again, and
    ``logged`` then holds the stored logged statements first, the new ones after;
    ``placed`` is then given each statement's row among the stored ones (``-1``: new).
    ``refs`` finds a record's row by its id, when the caller has made it already.
    """
    entity = resolution.contact_of_record
    held = ValueIndex(records.column("email")) if held is None else held
    if refs is None:
        refs = RefIndex(records, np.arange(len(records), dtype=np.int64))
    found = (held, refs)
    if carried is not None:
        statements, source = _carried(logged, records, entity, found, carried)
        if placed is not None:
            placed[ConsentTable] = source
        return statements
    logged = _tie(logged, records, entity, found)
    every = ConsentTable.concat([logged, _flags(records, entity)])
    return canonical(every, ORDER)


def _tie(logged: ConsentTable, records: ContactRecords, entity: Ints,
         found: tuple[ValueIndex, RefIndex]) -> ConsentTable:  # fmt: skip
    """Logged statements with their contact and the moment they could be tied to it.

    ``found`` indexes the records' addresses, and their rows by id.
    """
    held, refs = found
    created = records.column("created_at")
    record = refs.find(logged, "contact_ref")
    contact = np.where(record >= 0, entity[record], -1)
    since = np.where(record >= 0, created[record], NAT)
    emails = logged.column("email")
    # A statement through an address several people share (info@ …) names none of them.
    by_email = held.find(emails, entity, agreed=True)
    by_email = np.where(contact < 0, by_email, -1)
    first = _first_carrying(emails, by_email, records, entity, held)
    since = np.where(by_email >= 0, first, since)
    known_at = np.maximum(logged.column("at"), since)  # NAT is the smallest int64
    # what came in as a statement is a log's, whatever it looks like (see own_flags)
    origin = np.full(len(logged), logged.code_of("origin", "log"), dtype=np.int32)
    return logged.with_columns(contact=fill_missing(contact, by_email), known_at=known_at,
                               origin=origin)  # fmt: skip


def carried_statements(stored: ConsentTable, flag: npt.NDArray[np.bool_], *,
                       moved: Ints, again: Ints,
                       touched: npt.NDArray[np.object_]) -> dict[str, Any]:  # fmt: skip
    """What an update keeps of the stored statements, for :func:`consent_statements`.

    ``flag`` marks the stored rows that are records' own flags, ``moved`` gives each
    stored contact row's row after the update (``-1``: resolved again), ``again`` the
    records resolved again (their flags are made anew) and ``touched`` the e-mail
    addresses their records held before or hold now (a statement through one of them
    may name someone else now).
    """
    return {"stored": stored, "flag": flag, "moved": moved, "again": again,
            "touched": touched}  # fmt: skip


def _carried(logged: ConsentTable, records: ContactRecords, entity: Ints,
             found: tuple[ValueIndex, RefIndex],
             carried: Mapping[str, Any]) -> tuple[ConsentTable, Ints]:  # fmt: skip
    """The statements after an update, tying again only what the update can change.

    A stored statement keeps its contact, moved, unless that contact was resolved again,
    it named nobody, or its address is one the update touched; a stored flag of a record
    resolved again is made anew with the new ones. Everything else is in stored order
    already, so the new statements are merged in (see :func:`merged_order`). Returns
    the statements and each one's row among the stored ones (``-1``: new).
    """
    stored: ConsentTable = carried["stored"]
    flag = np.asarray(carried["flag"], dtype=bool)
    moved = np.append(np.asarray(carried["moved"], dtype=np.int64), -1)
    old = stored.column("contact")
    contact = moved[np.where(old >= 0, np.minimum(old, len(moved) - 1), -1)]
    dropped = flag & (contact < 0)  # flags of records resolved again are made anew
    touched = pd.Index(np.asarray(carried["touched"], dtype=object)).dropna()
    stated = np.flatnonzero(~flag)  # only a logged statement is tied through an address
    emails = pd.Index(np.asarray(stored.column("email"), dtype=object)[stated])
    again = stated[(contact[stated] < 0) | np.asarray(emails.isin(touched), dtype=bool)]
    fresh = logged.take(slice(len(stated), None))  # the stored logged statements come first
    tied = _tie(ConsentTable.concat([stored.take(again), fresh]), records, entity, found)
    contact[again] = tied.column("contact")[: len(again)]
    known_at = np.array(stored.column("known_at"), dtype=np.int64)
    known_at[again] = tied.column("known_at")[: len(again)]
    head = stored.with_columns(contact=contact, known_at=known_at)
    new = tied.take(slice(len(again), None))  # the new logged statements
    rows = np.asarray(carried["again"], dtype=np.int64)
    every = ConsentTable.concat([head, new, _flags(records.take(rows), entity[rows])])
    order = merged_order(every, len(head), ORDER, dropped=dropped)
    source = np.where(order < len(head), order, -1).astype(np.int64)
    return every.take(order), source


def _first_carrying(
    emails: npt.NDArray[np.object_],
    contact: Ints,
    records: ContactRecords,
    entity: Ints,
    index: ValueIndex,
) -> Ints:
    """Per statement, the creation of its contact's earliest record with its address.

    ``NAT`` when one of them is undated (known at every moment) or nothing matches.
    ``index`` indexes the records' addresses.
    """
    codes, distinct = index.codes, index.distinct
    asked = distinct.get_indexer(pd.Index(emails, dtype=object))
    wanted_codes = np.zeros(len(distinct) + 1, dtype=bool)  # the last entry stands for -1
    wanted_codes[asked[(asked >= 0) & (contact >= 0)]] = True
    held = wanted_codes[codes] & (entity >= 0)  # only records holding an address asked for
    span = int(max(entity.max(initial=0), contact.max(initial=0))) + 1
    # One number per (address, contact) pair; its earliest creation (NAT, undated, is smallest).
    pair, where = np.unique(codes[held] * span + entity[held], return_inverse=True)
    first = np.full(len(pair), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, where, records.column("created_at")[held])
    if not len(pair):
        return np.full(len(emails), NAT, dtype=np.int64)
    wanted = asked * span + contact
    place = np.minimum(np.searchsorted(pair, wanted), len(pair) - 1)
    hit = (asked >= 0) & (contact >= 0) & (pair[place] == wanted)
    return np.where(hit, first[place], NAT).astype(np.int64)


def consent_rows(
    statements: ConsentTable,
    size: int,
    *,
    purpose: ConsentPurpose | str,
    channel: str | None = None,
    moment: int | None = None,
) -> npt.NDArray[np.intp]:
    """Per contact row, the statement row in force for the purpose (-1 when none).

    With ``channel``, statements about that channel or about every channel count; with
    ``moment``, only statements made and tied to their contact by then count (an undated
    flag of an undated record counts at every moment).
    """
    wanted = statements.code_of("purpose", ConsentPurpose.parse(purpose).value)
    contact = statements.column("contact")
    mask = (statements.column("purpose") == wanted) & (contact >= 0)
    if channel is not None:
        codes = statements.column("channel")
        mask &= (codes < 0) | (codes == statements.code_of("channel", channel))
    at = statements.column("at")
    if moment is not None:
        since = np.maximum(at, statements.column("known_at"))  # NAT: known at every moment
        mask &= known_by(since, moment) | (since == NAT)
    rank = [CONSENT_CAUTION[ConsentStatus(label)] for label in statements.categories["status"]]
    caution = np.append(np.array(rank, dtype=np.int64), 0)[statements.column("status")]
    stated, dated = caution > 0, at != NAT
    rows = np.flatnonzero(mask)
    # Ascending on every key, so the statement in force is the last of its contact.
    keys = (rows, caution[rows], at[rows], dated[rows], stated[rows], contact[rows])
    order = rows[np.lexsort(keys)]
    chosen = np.full(size, -1, dtype=np.intp)
    chosen[contact[order]] = order
    return chosen


def status_labels(statements: ConsentTable, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.object_]:
    """The status of each chosen statement row, ``"unknown"`` where there is none."""
    labels = np.append(statements.labels("status"), np.array([ConsentStatus.UNKNOWN.value]))
    return np.asarray(labels[rows].astype(object), dtype=object)


def consent_status(
    statements: ConsentTable,
    size: int,
    *,
    purpose: ConsentPurpose | str,
    channel: str | None = None,
    moment: int | None = None,
) -> npt.NDArray[np.object_]:
    """Per contact row, the consent status in force: ``granted``, ``denied`` or ``unknown``.

    ``statements`` are a base's (``base.tables.consents``) and ``size`` its number of
    contacts. The statement in force is chosen as :func:`latest_consent
    <customer_understanding.domain.latest_consent>` chooses it; with ``moment`` (a
    moment already parsed, e.g. by ``base.tables.moment``), only statements made and
    tied to their contact by then count (a later record brings no statement back).

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(contacts=[cu.Contact(id="c1", consents=[
    ...     cu.Consent(purpose="marketing", status="granted", updated_at="2025-03-01"),
    ...     cu.Consent(purpose="marketing", status="denied", updated_at="2026-02-01")])])
    >>> consent_status(base.tables.consents, 1, purpose="marketing").tolist()
    ['denied']
    >>> consent_status(base.tables.consents, 1, purpose="marketing",
    ...                moment=base.tables.moment("2025-06-01")).tolist()
    ['granted']
    """
    rows = consent_rows(statements, size, purpose=purpose, channel=channel, moment=moment)
    return status_labels(statements, rows)


def _tracked(interactions: InteractionTable) -> npt.NDArray[np.bool_]:
    mask = np.zeros(len(interactions), dtype=bool)
    for column, labels in TRACKED.items():
        mask |= np.isin(interactions.labels(column), labels)
    return mask


def detach_tracked(
    interactions: InteractionTable, statements: ConsentTable, size: int
) -> InteractionTable:
    """Take tracked events off the profile of each person whose tracking denial is in force.

    The denial in force now counts for every moment, past ones included: a person who
    withdrew consent is not profiled from data gathered before either. Each event is
    judged on its own channel, so a denial for ``web`` leaves in-app events attached.
    """
    contact = interactions.column("contact")
    tracked = _tracked(interactions) & (contact >= 0)
    if not tracked.any() or not len(statements):
        return interactions
    channels = interactions.labels("channel")
    detach = np.zeros(len(interactions), dtype=bool)
    for channel in dict.fromkeys(channels[tracked].tolist()):
        rows = consent_rows(statements, size, purpose=ConsentPurpose.TRACKING, channel=channel)
        denied = status_labels(statements, rows) == ConsentStatus.DENIED.value
        on_channel = tracked & (channels == channel)
        detach[on_channel] = denied[contact[on_channel]]
    if not detach.any():
        return interactions
    return interactions.with_columns(contact=np.where(detach, -1, contact))
