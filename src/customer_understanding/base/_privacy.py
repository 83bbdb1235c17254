"""Erasing one person from a base's tables, and screening loaded exports for erased people.

Erasure works on the tables, not on a rebuild: the person's contact row, source records,
consent statements, deal roles and stage history go; their interactions stay with the
account, with the person's row, e-mail address and source id taken off them; every row
index is re-based. Nothing else moves, so every other entity keeps its id and values.

The person's identifiers — e-mail addresses, phone numbers and source record ids
(``system:source_id``) — are kept only as keyed hashes (:func:`fingerprints`), so that a
store can recognise the person in later exports (:func:`screen`) without holding
anything that names them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import typed_fields
from customer_understanding.base._slice import _rebase
from customer_understanding.base._survive import record_keys
from customer_understanding.tables import (
    ConsentTable,
    ContactRecords,
    ContactRoleTable,
    InteractionTable,
    StageHistoryTable,
    Table,
)

if TYPE_CHECKING:
    from customer_understanding.base._tables import Tables
    from customer_understanding.ingest import Loaded

__all__ = ["Person", "fingerprint", "person_of", "screen", "screen_table", "without_person"]

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Person:
    """What identifies one contact: its row, records and identifiers (kept in memory only)."""

    row: int
    contact_id: str
    records: Ints
    keys: frozenset[str]
    emails: frozenset[str]
    phones: frozenset[str]
    names: frozenset[str]

    def identifiers(self) -> dict[str, frozenset[str]]:
        """The identifiers a suppression entry is made of, by kind."""
        return {"email": self.emails, "phone": self.phones, "record": self.keys}

    def texts(self) -> frozenset[str]:
        """Every text that names the person (for scrubbing free text such as load problems)."""
        return self.emails | self.phones | self.names


def _texts(values: Iterable[Any]) -> frozenset[str]:
    return frozenset(str(v).strip() for v in values if isinstance(v, str) and v.strip())


def person_of(tables: Tables, row: int, contact_id: str) -> Person:
    """The person at contact ``row``: their records and every identifier those hold."""
    records_table = tables.contact_records
    records = np.flatnonzero(tables.resolution.contact_of_record == row).astype(np.int64)
    mine = records_table.take(records)
    contacts = tables.contacts
    emails = _texts(mine.column("email")) | _texts([contacts.column("email")[row]])
    phones = _texts(mine.column("phone")) | _texts(mine.column("phone_normalized"))
    phones |= _texts([contacts.column("phone")[row], contacts.column("phone_normalized")[row]])
    names: set[str] = set()
    for table, rows in ((mine, range(len(mine))), (contacts, [row])):
        for at in rows:
            first, last = table.column("first_name")[at], table.column("last_name")[at]
            names.update(n for n in (first, last) if isinstance(n, str) and n.strip())
            if isinstance(first, str) and isinstance(last, str):
                names.add(f"{first} {last}")
    return Person(
        row=row,
        contact_id=contact_id,
        records=records,
        keys=frozenset(record_keys(mine).tolist()),
        emails=frozenset(e.lower() for e in emails),
        phones=phones,
        names=frozenset(names),
    )


def fingerprint(key: bytes, kind: str, value: str) -> str:
    """The keyed hash a suppression entry keeps of one identifier (never the identifier)."""
    text = value.strip().lower() if kind == "email" else value.strip()
    return hmac.new(key, f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()


def _objects(series: pd.Series[Any]) -> npt.NDArray[np.object_]:
    values = series.to_numpy(dtype=object)
    values[pd.isna(values)] = None
    return values


def _refs(table: Table, column: str) -> npt.NDArray[np.object_]:
    """``system:<column>`` per row (the record key a reference points to)."""
    system = pd.Series(table.labels("system"), dtype="string").fillna("")
    return _objects(system + ":" + pd.Series(table.column(column), dtype="string"))


def _lower(values: npt.NDArray[Any]) -> npt.NDArray[np.object_]:
    return _objects(pd.Series(values, dtype="string").str.strip().str.lower())


def _hit(values: npt.NDArray[Any], wanted: Callable[[npt.NDArray[Any]], Bools]) -> Bools:
    present = pd.notna(values)
    found = np.zeros(len(values), dtype=bool)
    if present.any():
        found[present] = wanted(values[present])
    return found


# -- removing a person from the tables ---------------------------------------------------


def _is_in(values: frozenset[str]) -> Callable[[npt.NDArray[Any]], Bools]:
    return lambda found: np.isin(found.astype(str), list(values))


def _contact_rows(table: Table, lookup: Ints, row: int, person: Person) -> tuple[Ints, Bools]:
    """New contact rows of a table's rows, and which rows name the person."""
    contact = table.column("contact")
    named = (contact == row) | _hit(_refs(table, "contact_ref"), _is_in(person.keys))
    return lookup[contact], named


def _interactions(table: InteractionTable, lookup: Ints, person: Person) -> InteractionTable:
    contact, named = _contact_rows(table, lookup, person.row, person)
    named |= _hit(_lower(table.column("email")), _is_in(person.emails))
    email = table.column("email").copy()
    ref = table.column("contact_ref").copy()
    email[named], ref[named] = None, None
    return table.with_columns(contact=np.where(named, -1, contact), email=email, contact_ref=ref)


def _dropping(table: Any, lookup: Ints, person: Person, *, emails: bool = False) -> Any:
    contact, named = _contact_rows(table, lookup, person.row, person)
    if emails:
        named |= _hit(_lower(table.column("email")), _is_in(person.emails))
    kept = np.flatnonzero(~named)
    return table.take(kept).with_columns(contact=contact[kept])


def _stages(stages: StageHistoryTable, lookup: Ints, person: Person) -> StageHistoryTable:
    kind = stages.column("subject_kind") == stages.code_of("subject_kind", "contact")
    subject = stages.column("subject")
    named = kind & ((subject == person.row)
                    | _hit(_refs(stages, "subject_ref"), _is_in(person.keys)))  # fmt: skip
    kept = np.flatnonzero(~named)
    return stages.take(kept).with_columns(subject=np.where(kind, lookup[subject], subject)[kept])


def without_person(tables: Tables, person: Person) -> Tables:
    """The tables with ``person`` erased (see the module); other rows keep their order."""
    contacts = np.flatnonzero(np.arange(len(tables.contacts)) != person.row).astype(np.int64)
    lookup = _rebase(contacts, len(tables.contacts))
    n_records = len(tables.contact_records)
    records = np.setdiff1d(np.arange(n_records, dtype=np.int64), person.records)
    record_lookup = _rebase(records, n_records)
    resolution = tables.resolution
    review = resolution.review
    drop = np.isin(review.left_entity_id, [person.contact_id]) | np.isin(
        review.right_entity_id, [person.contact_id]
    )
    for side in ("left", "right"):
        pair_keys = np.char.add(np.char.add(getattr(review, f"{side}_system").astype(str), ":"),
                                getattr(review, f"{side}_source_id").astype(str))  # fmt: skip
        drop |= (review.level == "contact") & np.isin(pair_keys, list(person.keys))
    review = type(review)(
        **{f.name: getattr(review, f.name)[~drop] for f in attrs.fields(type(review))}
    )
    return attrs.evolve(
        tables,
        contacts=tables.contacts.take(contacts),
        contact_records=tables.contact_records.take(records),
        interactions=_interactions(tables.interactions, lookup, person),
        contact_roles=_dropping(tables.contact_roles, lookup, person),
        consents=_dropping(tables.consents, lookup, person, emails=True),
        stages=_stages(tables.stages, lookup, person),
        resolution=attrs.evolve(
            resolution,
            contact_of_record=lookup[resolution.contact_of_record[records]],
            contact_keys=resolution.contact_keys[contacts],
            contact_ids=resolution.contact_ids[contacts],
            review=review,
        ),
        contact_winners={
            field: record_lookup[rows[contacts]] for field, rows in tables.contact_winners.items()
        },
    )


# -- screening loaded exports --------------------------------------------------------------


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Screened:
    """Loaded exports with erased people taken out, and what was taken, by source."""

    loaded: Any
    dropped: Mapping[str, Mapping[str, int]]


def _suppressed(key: bytes, hashes: frozenset[str], kind: str) -> Callable[[Any], Bools]:
    def test(values: npt.NDArray[Any]) -> Bools:
        return np.array([fingerprint(key, kind, str(v)) in hashes for v in values], dtype=bool)

    return test


def screen_table(  # noqa: PLR0911 - one branch per kind of table
    table: Table, key: bytes, hashes: frozenset[str]
) -> tuple[Table, str, int]:
    """One loaded table with suppressed people taken out: (table, what was done, rows)."""
    record = _suppressed(key, hashes, "record")
    email = _suppressed(key, hashes, "email")
    if isinstance(table, ContactRecords):
        mails = table.column("email")
        named = _hit(record_keys(table), record) | _hit(mails, email)
        # A phone alone names the person only on a record without an e-mail address:
        # a switchboard number shared with colleagues must not suppress them.
        phone = _hit(table.column("phone_normalized"), _suppressed(key, hashes, "phone"))
        named |= phone & ~pd.notna(mails)
        return table.take(np.flatnonzero(~named)), "records dropped", int(named.sum())
    if isinstance(table, InteractionTable):
        named = _hit(_refs(table, "contact_ref"), record) | _hit(table.column("email"), email)
        if not named.any():
            return table, "", 0
        mails, domain = table.column("email"), table.column("domain").copy()
        # The interaction stays with the account: keep the company the address named.
        for at in np.flatnonzero(named & pd.isna(domain) & pd.notna(mails)):
            domain[at] = str(mails[at]).rpartition("@")[2] or None
        ref, mails = table.column("contact_ref").copy(), mails.copy()
        ref[named], mails[named] = None, None
        changed = table.with_columns(contact_ref=ref, email=mails, domain=domain)
        return changed, "interactions made anonymous", int(named.sum())
    if isinstance(table, ConsentTable):
        named = _hit(_refs(table, "contact_ref"), record) | _hit(table.column("email"), email)
        return table.take(np.flatnonzero(~named)), "consents dropped", int(named.sum())
    if isinstance(table, ContactRoleTable):
        named = _hit(_refs(table, "contact_ref"), record)
        return table.take(np.flatnonzero(~named)), "deal roles dropped", int(named.sum())
    if isinstance(table, StageHistoryTable):
        kind = table.column("subject_kind") == table.code_of("subject_kind", "contact")
        named = kind & _hit(_refs(table, "subject_ref"), record)
        return table.take(np.flatnonzero(~named)), "stage changes dropped", int(named.sum())
    return table, "", 0


def screen(loaded: Loaded, *, key: bytes, hashes: frozenset[str]) -> Screened:
    """``loaded`` without the people whose identifiers' hashes are in ``hashes``."""
    if not hashes:
        return Screened(loaded=loaded, dropped={})
    sources = []
    dropped: dict[str, dict[str, int]] = {}
    for source in loaded.sources:
        table, what, count = screen_table(source.table, key, hashes)
        stages, _, staged = screen_table(source.stages, key, hashes)
        if count:
            dropped.setdefault(source.source, {})[what] = count
        if staged:
            dropped.setdefault(source.source, {})["stage changes dropped"] = staged
        sources.append(attrs.evolve(source, table=table, stages=cast("StageHistoryTable", stages)))
    return Screened(loaded=attrs.evolve(loaded, sources=tuple(sources)), dropped=dropped)
