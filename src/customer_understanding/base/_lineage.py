"""Stable entity ids across builds into one store, with merges kept as aliases.

A resolver names each entity after a key of its records, so a new record can rename an
entity. Building into a store instead carries every stored id forward by the records
behind it:

- each stored id goes to the new entity holding most of its former records (ties: the
  entity whose smallest record key is smallest), so a split keeps the id on the larger
  part and an untouched entity keeps its id whatever the row order;
- stored ids are handed out oldest first (by the build they were born in, then id); an
  id whose entity already took an older id is merged into it and kept as an alias;
- an entity none of whose records were stored gets the resolver's id (or, should that
  id have been given before, a fresh one derived from it).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import sorted_codes, typed_fields
from customer_understanding.base._survive import record_keys
from customer_understanding.identity import Resolution, entity_ids
from customer_understanding.tables import AccountRecords, ContactRecords

if TYPE_CHECKING:
    import sqlite3

__all__ = [
    "PREFIX",
    "StoredIds",
    "fresh_id",
    "is_taken",
    "keep_ids",
    "name_entities",
    "previous_ids",
    "taken_ids",
]

#: The prefix of each level's entity ids.
PREFIX = {"account": "acc", "contact": "con"}


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class _Outcome:
    ids: npt.NDArray[np.object_]
    merged: list[tuple[str, str]]  # (alias, survivor)
    split: list[tuple[str, str]]  # (stored id, new id of a part split off)
    born: list[str]


#: Keys looked up per statement (SQLite allows a few hundred placeholders safely).
_BATCH = 500


def previous_ids(connection: sqlite3.Connection, level: str,
                 records: Iterable[str] | None = None) -> pd.DataFrame:  # fmt: skip
    """The stored id of each record that had one, and the build it was born in.

    ``records``: only these record keys (``system:source_id``), else every record. A
    frame of ``record``, ``old`` and ``born``. The memberships are read by record and
    the births by id, each in key order: looking a birth up per membership would visit
    the entities' index in the random order of the ids.
    """
    if records is None:
        members = connection.execute("SELECT record, id FROM members WHERE level = ?",
                                     (level,)).fetchall()  # fmt: skip
    else:
        query = "SELECT record, id FROM members WHERE level = ? AND record IN {keys}"
        members = _batched(connection, query, level, sorted(set(records)))
    ids = sorted({entity for _, entity in members})
    if records is None:
        born = dict(connection.execute("SELECT id, born FROM entities WHERE level = ?",
                                       (level,)).fetchall())  # fmt: skip
    else:
        born = dict(_batched(connection, "SELECT id, born FROM entities WHERE level = ? AND "
                                         "id IN {keys}", level, ids))  # fmt: skip
    frame = pd.DataFrame(members, columns=["record", "old"])
    frame["born"] = frame["old"].map(born)
    return frame[frame["born"].notna()].astype({"born": np.int64}).reset_index(drop=True)


def _batched(connection: sqlite3.Connection, query: str, level: str,
             keys: list[str]) -> list[tuple[Any, ...]]:  # fmt: skip
    """Rows of ``query`` for ``keys``, a few hundred per statement.

    ``query`` holds ``{keys}`` once or more where each batch's placeholders go, and is
    asked with the level before each of them (SQLite allows only so many placeholders).
    """
    rows: list[tuple[Any, ...]] = []
    per = max(_BATCH // max(query.count("{keys}"), 1), 1)
    for start in range(0, len(keys), per):
        part = keys[start : start + per]
        marks = "(" + ", ".join("?" * len(part)) + ")"  # placeholders only
        asked = (level, *part) * query.count("{keys}")
        rows += connection.execute(query.format(keys=marks), asked).fetchall()
    return rows


def taken_ids(connection: sqlite3.Connection, level: str) -> set[str]:
    """Every id a level's entities were ever given, aliases included."""
    query = (
        "SELECT id FROM entities WHERE level = ? UNION SELECT alias FROM aliases WHERE level = ?"
    )
    return {row[0] for row in connection.execute(query, (level, level))}


_GIVEN = (
    "SELECT id FROM entities WHERE level = ? AND id IN {keys}"
    " UNION SELECT alias FROM aliases WHERE level = ? AND alias IN {keys}"
)


class StoredIds:
    """The ids a level's entities were ever given (aliases included), asked of the store.

    A container: ``name in ids`` looks the name up in the store (once); ``ask`` looks up
    many names in a few queries. An update asks only about the ids it may give, not
    every id of a large store.
    """

    def __init__(self, connection: sqlite3.Connection, level: str) -> None:
        self._connection, self._level = connection, level
        self._known: dict[str, bool] = {}

    def ask(self, names: Iterable[str]) -> StoredIds:
        """Look up ``names`` now, in batches (the ones asked before are not asked again)."""
        wanted = sorted({str(name) for name in names} - self._known.keys())
        found = {row[0] for row in _batched(self._connection, _GIVEN, self._level, wanted)}
        self._known.update((name, name in found) for name in wanted)
        return self

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        if name not in self._known:
            self.ask([name])
        return self._known[name]


def is_taken(connection: sqlite3.Connection, level: str, name: str) -> bool:
    """Whether ``name`` was ever given to an entity of the level (as an id or an alias)."""
    query = ("SELECT 1 FROM entities WHERE level = ? AND id = ? UNION ALL"
             " SELECT 1 FROM aliases WHERE level = ? AND alias = ? LIMIT 1")  # fmt: skip
    return connection.execute(query, (level, name, level, name)).fetchone() is not None


def _assign(keys: npt.NDArray[np.object_], entity: npt.NDArray[np.int64],
            previous: pd.DataFrame) -> tuple[dict[int, str], list[tuple[str, int]],
                                             list[tuple[str, int]]]:  # fmt: skip
    """Stored ids given to new entities, ids merged away and parts split off (with entities)."""
    now = pd.DataFrame({"record": keys, "entity": entity})
    pairs = now.merge(previous, on="record")
    if pairs.empty:
        return {}, [], []
    # Each entity's smallest record key, by rank among the sorted distinct keys.
    rank, distinct = sorted_codes(now["record"])
    smallest = np.full(int(entity.max(initial=-1)) + 1, len(distinct), dtype=np.int64)
    np.minimum.at(smallest, entity, rank)
    overlap = pairs.groupby(["old", "born", "entity"]).size().rename("overlap").reset_index()
    overlap["anchor"] = np.asarray(distinct, dtype=object)[smallest[overlap["entity"]]]
    overlap = overlap.sort_values(["born", "old", "overlap", "anchor"],
                                  ascending=[True, True, False, True])  # fmt: skip
    best = overlap.drop_duplicates("old")  # each stored id's largest part, oldest ids first
    given: dict[int, str] = {}
    lost: list[tuple[str, int]] = []
    for old, target in zip(best["old"].tolist(), best["entity"].tolist(), strict=True):
        if target in given:
            lost.append((old, target))
        else:
            given[target] = old
    rest = overlap[~overlap["entity"].isin(list(given))]
    split = list(zip(rest["old"].tolist(), rest["entity"].tolist(), strict=True))
    return given, lost, split


def fresh_id(prefix: str, key: str, taken: Container[str]) -> str:
    """A new id made from an entity's key, none of ``taken`` (the first free of a series)."""
    for attempt in range(1, 1_000):
        candidate = str(entity_ids(prefix, np.array([f"{key}#{attempt}"], dtype=object))[0])
        if candidate not in taken:
            return candidate
    msg = f"no fresh id could be made for entity key {key!r}"  # pragma: no cover
    raise RuntimeError(msg)  # pragma: no cover


class _Either:
    """Names in either of two containers."""

    def __init__(self, first: Container[str], second: Container[str]) -> None:
        self.first, self.second = first, second

    def __contains__(self, name: object) -> bool:
        return name in self.first or name in self.second


def name_entities(level: str, resolution_ids: Any, *, given: dict[int, str], keys: Any,
                  taken: Container[str]) -> tuple[npt.NDArray[np.object_], list[str]]:  # fmt: skip
    """Each entity's id: the stored one ``given`` to it, else its resolver's id, made unique.

    Returns the ids and those born here (a resolver's id already ``taken`` is replaced by a
    fresh one from the entity's ``keys``).
    """
    used = set(given.values())
    held = _Either(used, taken)
    ids = np.asarray(resolution_ids, dtype=object).copy()
    born: list[str] = []
    for row in range(len(ids)):
        if row in given:
            ids[row] = given[row]
            continue
        candidate = str(ids[row])
        if candidate in held:
            candidate = fresh_id(PREFIX[level], str(keys[row]), held)
        ids[row] = candidate
        used.add(candidate)
        born.append(candidate)
    return ids, born


def _stable(level: str, records: Any, entity: npt.NDArray[np.int64], resolution_ids: Any,
            keys: Any, connection: sqlite3.Connection) -> _Outcome:  # fmt: skip
    given, lost, split = _assign(record_keys(records), entity, previous_ids(connection, level))
    ids, born = name_entities(level, resolution_ids, given=given, keys=keys,
                              taken=taken_ids(connection, level))  # fmt: skip
    return _Outcome(
        ids=ids,
        merged=[(old, str(ids[target])) for old, target in lost],
        split=[(old, str(ids[target])) for old, target in split],
        born=born,
    )


def _record(connection: sqlite3.Connection, level: str, outcome: _Outcome, *,
            records: Any, entity: npt.NDArray[np.int64], build: int) -> None:  # fmt: skip
    connection.execute("DELETE FROM members WHERE level = ?", (level,))
    members = zip(record_keys(records).tolist(), outcome.ids[entity].tolist(), strict=True)
    connection.executemany(
        "INSERT OR REPLACE INTO members VALUES (?, ?, ?)", ((level, r, i) for r, i in members)
    )
    connection.executemany(
        "INSERT INTO entities VALUES (?, ?, ?)", ((level, i, build) for i in outcome.born)
    )
    for alias, survivor in outcome.merged:
        connection.execute(
            "UPDATE aliases SET survivor = ? WHERE level = ? AND survivor = ?",
            (survivor, level, alias),
        )
        connection.execute(
            "INSERT INTO aliases VALUES (?, ?, ?, ?)", (level, alias, survivor, build)
        )


def keep_ids(
    resolver: Callable[[AccountRecords, ContactRecords], Resolution],
    connection: sqlite3.Connection,
    *,
    build: int,
    log: Callable[[str, dict[str, Any]], None],
) -> Callable[[AccountRecords, ContactRecords], Resolution]:
    """``resolver`` with the stored ids carried forward, and the lineage written."""

    def resolve(accounts: AccountRecords, contacts: ContactRecords) -> Resolution:
        resolution = resolver(accounts, contacts)
        renamed: dict[str, str] = {}
        new_ids: dict[str, npt.NDArray[np.object_]] = {}
        for level, records, entity, ids, keys in (
            ("account", accounts, resolution.account_of_record, resolution.account_ids,
             resolution.account_keys),
            ("contact", contacts, resolution.contact_of_record, resolution.contact_ids,
             resolution.contact_keys),
        ):  # fmt: skip
            outcome = _stable(level, records, entity, ids, keys, connection)
            _record(connection, level, outcome, records=records, entity=entity, build=build)
            renamed.update(zip(map(str, ids), map(str, outcome.ids), strict=True))
            new_ids[level] = outcome.ids
            log(level, {"entities": len(outcome.ids), "new": len(outcome.born),
                        "merged": outcome.merged, "split": outcome.split})  # fmt: skip
        review = resolution.review
        review = attrs.evolve(
            review,
            left_entity_id=[renamed.get(i, i) for i in review.left_entity_id.tolist()],
            right_entity_id=[renamed.get(i, i) for i in review.right_entity_id.tolist()],
        )
        return attrs.evolve(resolution, account_ids=new_ids["account"],
                            contact_ids=new_ids["contact"], review=review)  # fmt: skip

    return resolve
