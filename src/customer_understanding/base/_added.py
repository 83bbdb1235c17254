"""Records added online, put into the base's tables as a build would put them.

A record added with :meth:`CustomerBase.add` joins an entity (or makes one). The base's
tables then hold it among the source records, and the entities it reached get their
golden values, per-field winners and (for people) their account link again, from the
build's own code run on those entities' records alone: the golden rules
(:func:`~customer_understanding.base._survive.golden_values`), the contact facts (titles
read, consent in force), the account link and an account's parent. So
:meth:`CustomerBase.contact` shows a new e-mail or a better name at once, and a store
reopened later replays the records added since its last build the same way.

What a build derives across entities is left as it is until the next build or update:
interactions that only the new record's e-mail address would tie to the person, other
records whose references name the new record, customer stages, and a name vote's count
of the other people who share a spelling (which decides only between spellings the
entity's own records support evenly).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import Buffer, frozen_mapping
from customer_understanding.base._build import (
    ACCOUNT_FIELDS,
    CONTACT_FIELDS,
    account_parents,
    contact_facts,
)
from customer_understanding.base._contact_accounts import AccountSide, contact_accounts
from customer_understanding.base._growing import Members, Room, RowLookup, evolved
from customer_understanding.base._survive import golden_values
from customer_understanding.base._tables import Tables
from customer_understanding.identity import Resolution
from customer_understanding.tables import (
    AccountRecords,
    AccountTable,
    ConsentTable,
    ContactRecords,
    ContactTable,
)
from customer_understanding.typing import Level

__all__ = ["Rooms", "with_records"]

Records = AccountRecords | ContactRecords


class Rooms:
    """The growing columns of the tables online adds write into (see ``_growing``).

    They hold the tables last made here (``made``): tables from elsewhere (a base
    made anew) start them again, with one copy of each table.
    """

    def __init__(self) -> None:
        self.made: Tables | None = None
        self.levels: dict[str, _Level] = {}
        self.consents: tuple[ConsentTable, Members] | None = None

    def of(self, tables: Tables, level: Level) -> _Level:
        """The growing columns of ``level`` in ``tables`` (made when ``tables`` is not ours)."""
        if tables is not self.made:
            self.levels.clear()
        if level not in self.levels:
            self.levels[level] = _Level(tables, level)
        return self.levels[level]

    def consents_of(self, consents: ConsentTable) -> Members:
        """The consent statements of each contact."""
        if self.consents is None or self.consents[0] is not consents:
            self.consents = (consents, Members(consents.column("contact")))
        return self.consents[1]


class _Level:
    """One level's records, assignment, entity ids and keys, entity table and winners."""

    def __init__(self, tables: Tables, level: Level) -> None:
        contacts = level == "contact"
        resolution = tables.resolution
        of_record = resolution.contact_of_record if contacts else resolution.account_of_record
        self.records: Room[Any] = Room(tables.contact_records if contacts
                                       else tables.account_records)  # fmt: skip
        self.entities: Room[Any] = Room(tables.contacts if contacts else tables.accounts)
        self.of_record = Buffer(of_record)
        self.ids = Buffer(resolution.contact_ids if contacts else resolution.account_ids)
        self.keys = Buffer(resolution.contact_keys if contacts else resolution.account_keys)
        won = tables.contact_winners if contacts else tables.account_winners
        self.winners = {field: Buffer(rows) for field, rows in won.items()}
        self.members = Members(of_record)


def with_records(tables: Tables, level: Level, records: Records, *, entities: Sequence[str],
                 keys: Sequence[str], rows: pd.Index[Any] | RowLookup | None = None,
                 accounts: AccountSide | None = None, rooms: Rooms | None = None,
                 ) -> Tables:  # fmt: skip
    """``tables`` with ``records`` of ``level`` added, each in the entity named in ``entities``.

    An id the tables do not hold yet makes a new entity (``keys`` gives each record the
    key such an entity is known by). ``rows`` is the entities' ids as an index, and
    ``accounts`` the tables' account records read for linking contacts to them
    (:func:`~customer_understanding.base._contact_accounts.account_side`), when the caller keeps
    them. Only the entities reached are computed again. ``rooms`` are the growing
    columns the caller keeps (tables made with them are written in place after their
    end, and in the rows of the entities reached).
    """
    contacts = level == "contact"
    rooms = Rooms() if rooms is None else rooms
    room = rooms.of(tables, level)
    n = room.ids.length
    lookup = RowLookup(room.ids.view) if rows is None else rows
    found = lookup.get_indexer(pd.Index(list(entities), dtype=object)).astype(np.int64)
    born: dict[str, int] = {}
    for position, entity in enumerate(entities):
        if found[position] < 0:
            found[position] = born.setdefault(entity, n + len(born))
    if born:
        first_key = dict(zip(entities, keys, strict=True))
        places = np.arange(n, n + len(born), dtype=np.int64)
        room.ids.put(places, np.array(list(born), dtype=object))
        room.keys.put(places, np.array([first_key[entity] for entity in born], dtype=object))
    start = room.records.buffers["source_id"].length
    added = np.arange(start, start + len(records), dtype=np.int64)
    all_records = room.records.put(added, records)
    assigned = room.of_record.put(added, found)
    for record, entity in zip(added.tolist(), found.tolist(), strict=True):
        room.members.add(record, entity)
    reached = np.unique(found)
    name = "contact" if contacts else "account"
    resolution = evolved(tables.resolution, **{
        f"{name}_of_record": assigned, f"{name}_keys": room.keys.view,
        f"{name}_ids": room.ids.view})  # fmt: skip
    part = _Part(records=all_records, assigned=assigned, reached=reached,
                 rows=room.members.of(reached))  # fmt: skip
    if contacts:
        people, won = _contacts(tables, part, resolution, accounts, rooms)
        table: Any = room.entities.put(reached, people)
    else:
        firms, won = _accounts(tables, part, resolution)
        table = room.entities.put(reached, firms)
    winners = frozen_mapping(_won(room, won, part))
    made = evolved(tables, **{f"{name}_records": all_records, "resolution": resolution,
                              f"{name}s": table, f"{name}_winners": winners})  # fmt: skip
    rooms.made = made
    return made


class _Part:
    """The records of the entities reached: their rows, and each one's place among them.

    ``everything`` is every record of the level, the added ones included.
    """

    def __init__(self, *, records: Records, assigned: npt.NDArray[np.int64],
                 reached: npt.NDArray[np.int64], rows: npt.NDArray[np.int64]) -> None:  # fmt: skip
        self.everything = records
        self.reached = reached
        self.rows = rows
        self.records = records.take(self.rows)
        self.owner = np.searchsorted(reached, assigned[self.rows]).astype(np.int64)


def _contacts(
    tables: Tables,
    part: _Part,
    resolution: Resolution,
    accounts: AccountSide | None,
    rooms: Rooms,
) -> tuple[ContactTable, dict[str, Any]]:
    """The reached contacts' rows, made as the build makes every contact's."""
    m = len(part.reached)
    values, winners, categories = golden_values(part.records, part.owner, m, CONTACT_FIELDS,
                                                tables.survivorship)  # fmt: skip
    consents = tables.consents
    own = consents.take(rooms.consents_of(consents).of(part.reached))
    own = own.with_columns(contact=np.searchsorted(part.reached, own.column("contact")))
    values, categories = contact_facts(values, categories, title_rules=tables.title_rules,
                                       consents=own)  # fmt: skip
    alone = evolved(resolution, contact_of_record=part.owner,
                    contact_keys=resolution.contact_keys[part.reached],
                    contact_ids=resolution.contact_ids[part.reached])  # fmt: skip
    account, confidence, method = contact_accounts(
        part.records,  # type: ignore[arg-type]
        alone,
        tables.account_records,
        side=accounts,
    )
    values.update(id=resolution.contact_ids[part.reached], account=account,
                  account_confidence=confidence, account_method=method)  # fmt: skip
    return ContactTable.from_columns(values, length=m, categories=categories), winners


def _accounts(tables: Tables, part: _Part,
              resolution: Resolution) -> tuple[AccountTable, dict[str, Any]]:  # fmt: skip
    """The reached accounts' rows, made as the build makes every account's."""
    m = len(part.reached)
    values, winners, categories = golden_values(part.records, part.owner, m, ACCOUNT_FIELDS,
                                                tables.survivorship)  # fmt: skip
    values["id"] = resolution.account_ids[part.reached]
    values["parent"] = account_parents(
        part.everything,  # type: ignore[arg-type]
        resolution.account_of_record,
        rows=part.rows,
        owner=part.owner,
        entities=part.reached,
    )
    return AccountTable.from_columns(values, length=m, categories=categories), winners


def _won(room: _Level, winners: dict[str, npt.NDArray[np.int64]], part: _Part,
         ) -> dict[str, npt.NDArray[np.int64]]:  # fmt: skip
    """The per-field winning records, those of the reached entities written again."""
    kept: dict[str, npt.NDArray[np.int64]] = {}
    for field, won in winners.items():
        if field not in room.winners:
            room.winners[field] = Buffer(np.full(room.ids.length, -1, dtype=np.int64))
        rows = np.where(won >= 0, part.rows[np.maximum(won, 0)], -1)
        buffer = room.winners[field]
        kept[field] = buffer.put(part.reached, rows)
        if buffer.length < room.ids.length:  # a field no entity had a winner for before
            kept[field] = buffer.put(np.arange(buffer.length, room.ids.length), -1)
    return kept
