"""The customer base's side of online matching: one index per level, and adding records.

Matching reads the base and its store and writes nothing. Adding writes one
transaction to the store (when the base has one): the record's membership, a new
entity's id when it joins none, the record itself with its comparison values (so the
next process that opens the store matches against it too) and an ``add`` event.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.base._added import Rooms, with_records
from customer_understanding.base._contact_accounts import AccountSide, account_side
from customer_understanding.base._growing import RowLookup
from customer_understanding.base._incoming import OBJECTS, Incoming, incoming, object_mapping
from customer_understanding.base._kept import ensure, log, read_added, read_kept
from customer_understanding.base._lineage import PREFIX, fresh_id, is_taken
from customer_understanding.base._matches import CandidateMatches
from customer_understanding.base._online import OnlineIndex
from customer_understanding.base._store import Held, _get, writing
from customer_understanding.base._stored import survivor_of
from customer_understanding.base._survive import record_keys
from customer_understanding.base._tables import Tables
from customer_understanding.identity import (
    ProbabilisticResolver,
    entity_ids,
    keyed_ids,
)
from customer_understanding.ingest import Loaded, Source, load
from customer_understanding.tables import AccountRecords, ContactRecords
from customer_understanding.typing import Level

if TYPE_CHECKING:
    import sqlite3

__all__ = ["Online", "with_added", "with_online"]

Records = AccountRecords | ContactRecords


@attrs.define
class Online:
    """Online matching over one base: indexes built on first use, records added since.

    The account records prepared for lead-to-account matching are kept too, with the
    account records they were made of: made on the first contact added, made again once
    the account records change (an account added here; an update or an open makes a
    new base, and so a new ``Online``).
    """

    tables: Tables
    store: Path | None
    indexes: dict[str, OnlineIndex] = attrs.field(factory=dict)
    prepared: tuple[AccountRecords, npt.NDArray[np.int64], AccountSide] | None = None
    rooms: Rooms = attrs.field(factory=Rooms)
    held: Held = attrs.field(factory=Held)  # one connection for every add's write

    def accounts(self) -> AccountSide:
        """The tables' account records read for linking contacts to them."""
        records = self.tables.account_records
        owner = self.tables.resolution.account_of_record
        held = self.prepared
        if held is None or held[0] is not records or not np.array_equal(held[1], owner):
            self.prepared = held = (records, owner, account_side(records, owner))
        return held[2]

    def index(self, level: Level) -> OnlineIndex:
        """The index of one level (built once, from the models and values the store keeps)."""
        if level not in self.indexes:
            kept = read_kept(self.store, compared=level)
            online = kept.online.get(level, [])
            frames = {record: frame for record, _, frame in online}
            index = OnlineIndex.build(self.tables, level, resolver=ProbabilisticResolver(),
                                      model=kept.models.get(level),
                                      coded=kept.compared.get(level),
                                      frequencies=kept.frequencies.get(level),
                                      added=frames)  # fmt: skip
            for record, entity, frame in online:
                if record not in index.keys:  # a later build loaded it with the exports
                    index.add_row(record, entity, pd.DataFrame([frame]))
            self.indexes[level] = index
        return self.indexes[level]

    def match(self, record: object, *, mapping: object, source: object) -> CandidateMatches:
        """Score ``record`` against the base without writing."""
        new = incoming(record, mapping=mapping, source=source)
        return self.index(new.level).match(new)

    def add(self, record: object, *, mapping: object, source: object, actor: str | None,
            reason: str | None, rows: Mapping[str, RowLookup] | None = None,
            ) -> str:  # fmt: skip
        """Add ``record``: it joins the best link-band candidate or becomes a new entity.

        ``rows`` holds, by level, the tables' entity ids as a lookup, when the caller
        keeps one (so that no index of every id is made per record).
        """
        new = incoming(record, mapping=mapping, source=source)
        index = self.index(new.level)
        if new.key in index.keys:
            msg = f"record {new.key!r} is already in the customer base"
            raise InvalidValueError(msg)
        frame = index.resolver.comparison_frame(new.records).reset_index(drop=True)
        found = index.match(new, frame=frame)
        if self.store is None:
            entity = found.best or _new_id(
                new, secret=None, is_taken=lambda name: bool(np.any(index.entity == name))
            )
        else:
            entity = self._write(new, found, frame, actor=actor, reason=reason)
        index.add_row(new.key, entity, frame)
        accounts = self.accounts() if new.level == "contact" else None
        self.tables = with_records(self.tables, new.level, new.records, entities=[entity],
                                   keys=[_entity_key(new)], accounts=accounts,
                                   rows=None if rows is None else rows[new.level],
                                   rooms=self.rooms)  # fmt: skip
        return entity

    def _write(self, new: Incoming, found: CandidateMatches, frame: pd.DataFrame, *,
               actor: str | None, reason: str | None) -> str:  # fmt: skip
        assert self.store is not None
        with writing(self.store, held=self.held) as writer:
            connection = writer.connection
            _refuse_suppressed(connection, new)
            ensure(connection)
            entity = found.best or _new_id(
                new, secret=bytes(_get(connection, "id_key")),
                is_taken=lambda name: is_taken(connection, new.level, name),
            )  # fmt: skip
            if found.best is None:
                born = int(_get(connection, "builds") or 0)
                connection.execute("INSERT INTO entities VALUES (?, ?, ?)",
                                   (new.level, entity, born))  # fmt: skip
            connection.execute("INSERT OR REPLACE INTO members VALUES (?, ?, ?)",
                               (new.level, new.key, entity))  # fmt: skip
            connection.execute(
                "INSERT INTO online_records VALUES (?, ?, ?, ?, ?, ?, ?)",
                (new.level, new.key, entity, json.dumps(_row(frame)),
                 None if new.data is None else json.dumps(new.data, default=str),
                 new.mapping, new.source),
            )  # fmt: skip
            chance = float(found.match_probability[0]) if len(found) else None
            log(connection, "add", actor=actor, reason=reason, detail={
                "level": new.level, "id": entity, "record": new.key,
                "joined": found.best is not None, "match_probability": chance})  # fmt: skip
        return entity


def _row(frame: pd.DataFrame) -> dict[str, Any]:
    values = frame.iloc[0].to_dict()
    return {
        str(k): (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in values.items()
    }


def _entity_key(new: Incoming) -> str:
    """The key a new entity made of this record alone is known by, as the resolver keys one."""
    column = "email" if new.level == "contact" else "domain"
    return _key(column, new.records.column(column)[0], new.key)


def _key(column: str, value: object, record: str) -> str:
    return f"{column}:{str(value).lower()}" if isinstance(value, str) else f"record:{record}"


def _new_id(new: Incoming, *, secret: bytes | None, is_taken: Callable[[str], bool]) -> str:
    """A new entity's id, derived as the resolver derives one, never one given before.

    ``is_taken`` says whether one id was given before: the resolver's id is almost never
    taken, and when it is, the fresh ids made from the entity's key are asked one by
    one, as the build names them (:func:`name_entities`), without reading every id.
    """
    keys = np.array([_entity_key(new)], dtype=object)
    with keyed_ids(secret):
        ids = entity_ids(PREFIX[new.level], keys)
        if not is_taken(str(ids[0])):
            return str(ids[0])
        return fresh_id(PREFIX[new.level], str(keys[0]), _Asked(is_taken))


class _Asked:
    """The ids given before, as a container that asks about one id at a time."""

    def __init__(self, is_taken: Callable[[str], bool]) -> None:
        self.is_taken = is_taken

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.is_taken(name)


def with_added(loaded: Loaded, store: object) -> Loaded:
    """``loaded`` with the records added online to ``store`` that the exports lack.

    A record added online (a dict with its preset) is loaded again by every later build
    into the store, until an export carries a record of the same ``system:source_id``.
    """
    if not isinstance(store, str | Path):
        return loaded
    added = read_added(store)
    if not added:
        return loaded
    known = {
        f"{system}:{source_id}"
        for kind in (AccountRecords, ContactRecords)
        for system, source_id in zip(loaded.combined(kind).labels("system").tolist(),
                                     loaded.combined(kind).column("source_id").tolist(),
                                     strict=True)
    }  # fmt: skip
    extra = _loaded([row for row in added if row[0] not in known])
    if extra is None:
        return loaded
    return Loaded(sources=loaded.sources + extra.sources, report=loaded.report)


def _loaded(added: list[tuple[str, dict[str, Any], str, str]]) -> Loaded | None:
    """Records added online (key, row, preset, source name) loaded again, by source and preset."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for _, data, mapping, source in added:
        groups.setdefault((source, mapping), []).append(data)
    if not groups:
        return None
    return load([Source(name=source, data=rows,
                        mapping=object_mapping(mapping, source)
                        if mapping.startswith(OBJECTS) else mapping)
                 for (source, mapping), rows in groups.items()], policy="lenient")  # fmt: skip


def with_online(tables: Tables, store: Path, aliases: Mapping[str, Mapping[str, str]], *,
                online: Online | None = None) -> Tables:  # fmt: skip
    """``tables`` (as a store's last build or update left them) with the records added since.

    Each record added online that the tables lack is put in the entity it joined (or
    the one that entity was merged into), as :meth:`Online.add` put it. With ``online``
    (the opened base's), they are put there through its growing tables and prepared
    account records, which its next add then finds made.
    """
    rows = _read_online(store)
    levels: tuple[Level, ...] = ("account", "contact")
    for level in levels:
        if online is not None:
            online.tables = tables
        records: Records = tables.contact_records if level == "contact" else tables.account_records
        mine = [row for row in rows if row[0] == level]
        held = _held(records, [row[1] for row in mine])
        mine = [row for row in mine if row[1] not in held]
        loaded = _loaded([row[1:5] for row in mine])
        if loaded is None:
            continue
        found: Records = (
            loaded.combined(ContactRecords)
            if level == "contact"
            else loaded.combined(AccountRecords)
        )
        where = {row[1]: place for place, row in enumerate(mine)}
        names = record_keys(found).tolist()
        order = sorted((n for n in range(len(names)) if names[n] in where),
                       key=lambda n: where[names[n]])  # fmt: skip
        joined = [mine[where[names[n]]][5] for n in order]
        entities = [str(survivor_of(aliases.get(level, {}), entity, warn=False))
                    for entity in joined]  # fmt: skip
        added = found.take(np.array(order, dtype=np.int64))
        column = "email" if level == "contact" else "domain"
        pairs = zip(added.column(column).tolist(), record_keys(added).tolist(), strict=True)
        keys = [_key(column, value, name) for value, name in pairs]
        if online is None:
            tables = with_records(tables, level, added, entities=entities, keys=keys)
            continue
        accounts = online.accounts() if level == "contact" else None
        tables = with_records(tables, level, added, entities=entities, keys=keys,
                              accounts=accounts, rooms=online.rooms)  # fmt: skip
        online.tables = tables
    return tables


def _read_online(store: Path) -> list[tuple[str, str, dict[str, Any], str, str, str]]:
    """Online records that can be loaded again: level, key, row, preset, source, entity."""
    from contextlib import closing

    from customer_understanding.base._store import _READ_WAIT_SECONDS, _connect

    with closing(_connect(store, wait=_READ_WAIT_SECONDS)) as connection:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "online_records" not in names:
            return []
        rows = connection.execute(
            "SELECT level, record, data, mapping, source, id FROM online_records"
            " WHERE data IS NOT NULL AND mapping IS NOT NULL ORDER BY rowid"
        ).fetchall()
    return [(level, record, json.loads(data), mapping, source, entity)
            for level, record, data, mapping, source, entity in rows]  # fmt: skip


def _held(records: Records, keys: list[str]) -> set[str]:
    """Which of ``keys`` (``system:source_id``) the records hold, without keying them all."""
    if not keys:
        return set()
    ids = records.column("source_id")
    maybe = np.flatnonzero(pd.Series(ids, dtype=object).isin({k.split(":", 1)[1] for k in keys}))
    return set(record_keys(records.take(maybe)).tolist()) & set(keys)


def _refuse_suppressed(connection: sqlite3.Connection, new: Incoming) -> None:
    """An erased person's record may not come back one at a time either."""
    from customer_understanding.base._erasure import suppression
    from customer_understanding.base._privacy import screen_table

    key, hashes = suppression(connection)
    if hashes and new.level == "contact" and screen_table(new.records, key, hashes)[2]:
        msg = (f"record {new.key!r} names a person erased from the store (a suppressed "
               "e-mail address, phone number or record id); it was not added")  # fmt: skip
        raise InvalidValueError(msg)
