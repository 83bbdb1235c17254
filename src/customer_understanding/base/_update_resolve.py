"""An update's new resolution: the affected entities resolved again, the others kept.

The records an update resolves again are linked by the build's resolver (its linkers
given what a run over every record would know, see :mod:`._update_plan`); the entities
it finds take the stored ids their records held (the older survives a merge, the larger
part of a split keeps its id), and are laid after the entities left alone, which keep
their rows. Only the records resolved again whose id changed (new ones among them) are
written to the store's memberships.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.base._lineage import StoredIds, previous_ids
from customer_understanding.base._relinking import carry_ids
from customer_understanding.base._resolving import resolver_for
from customer_understanding.base._survive import record_keys
from customer_understanding.base._tables import Tables
from customer_understanding.base._update_plan import Plan, records_of, within
from customer_understanding.identity import (
    Overrides,
    ProbabilisticResolver,
    Resolution,
    ReviewPairs,
    keyed_ids,
)

if TYPE_CHECKING:
    import sqlite3

__all__ = ["History", "resolve_again", "write_lineage"]

Ints = npt.NDArray[np.int64]


class History:
    """Where an update reads the ids records held before, and the ids ever given."""

    def __init__(self, tables: Tables, aliases: Mapping[str, Mapping[str, str]],
                 connection: sqlite3.Connection | None) -> None:  # fmt: skip
        self.tables, self.aliases, self.connection = tables, aliases, connection

    def previous(self, level: str, keys: npt.NDArray[np.object_]) -> pd.DataFrame:
        """The stored id (and its birth) of each of these records that had one."""
        if self.connection is None:
            resolution, records = self.tables.resolution, records_of(self.tables, level)
            ids = resolution.contact_ids if level == "contact" else resolution.account_ids
            of = (
                resolution.contact_of_record if level == "contact" else resolution.account_of_record
            )
            frame = pd.DataFrame(
                {
                    "record": record_keys(records),
                    "old": np.asarray(ids, dtype=object)[of],
                    "born": 0,
                }
            )
            return frame[frame["record"].isin(keys)].drop_duplicates("record")
        return previous_ids(self.connection, level, keys.tolist())

    def taken(self, level: str, asked: Iterable[str]) -> Container[str]:
        """The ids ever given at ``level``: in a store, ``asked`` looked up, others on demand."""
        if self.connection is not None:
            return StoredIds(self.connection, level).ask(asked)
        ids = self.tables.resolution.contact_ids if level == "contact" else (
            self.tables.resolution.account_ids)  # fmt: skip
        return set(map(str, ids)) | set(self.aliases.get(level, {}))


def _kept_pairs(stored: ReviewPairs, plans: Mapping[str, Plan]) -> npt.NDArray[np.int64]:
    """The stored review pairs touching no record resolved again, as rows.

    Only the stored pairs whose source id is one of a record resolved again have their
    keys made (the others cannot touch one).
    """
    drop = np.zeros(len(stored), dtype=bool)
    levels = np.asarray(stored.level, dtype=object)
    for level, plan in plans.items():
        again = plan.merged.take(plan.rows)
        ids = pd.Index(np.asarray(again.column("source_id"), dtype=object).astype(str))
        keys = pd.Index(record_keys(again))
        for side in ("left", "right"):
            source_id = np.asarray(getattr(stored, f"{side}_source_id"), dtype=object)
            maybe = np.flatnonzero((levels == level) & pd.Index(source_id).isin(ids))
            if len(maybe):
                system = np.asarray(getattr(stored, f"{side}_system"), dtype=object)[maybe]
                made = pd.Index(system + ":" + source_id[maybe])
                drop[maybe[made.isin(keys)]] = True
    return np.flatnonzero(~drop).astype(np.int64)


def _review(stored: ReviewPairs, plans: Mapping[str, Plan], found: ReviewPairs,
            renamed: Mapping[str, str], keep: npt.NDArray[np.int64] | None = None,
            ) -> ReviewPairs:  # fmt: skip
    """Stored review pairs not touching a record resolved again (``keep``), then the new ones.

    Pairs keep their order, new ones after.
    """
    keep = _kept_pairs(stored, plans) if keep is None else keep
    columns: dict[str, Any] = {}
    for name in attrs.fields_dict(ReviewPairs):
        new = np.asarray(getattr(found, name))
        if name.endswith("_entity_id"):
            new = np.asarray([renamed.get(i, i) for i in new.tolist()], dtype=object)
        columns[name] = np.concatenate([np.asarray(getattr(stored, name))[keep], new])
    return ReviewPairs(**columns)


def _reproduced(plan: Plan, of_record: Ints, sub_of: Ints, keys: npt.NDArray[np.object_],
                sub_keys: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:  # fmt: skip
    """The stored entities resolved again that came out as they were (by entity row).

    One cluster of the run holds all of the entity's records and nothing else (no new
    record, none of another entity, none lost to a replacement), under the same key.
    """
    n_entities = len(plan.entities)
    kept_of = of_record[~plan.replaced]
    entity = np.full(len(plan.rows), -1, dtype=np.int64)  # each row's stored entity (-1: new)
    stored = plan.rows < len(kept_of)
    entity[stored] = kept_of[plan.rows[stored]]
    mine = entity[stored]
    held = np.bincount(mine, minlength=n_entities)
    low = np.full(n_entities, np.iinfo(np.int64).max, dtype=np.int64)
    high = np.full(n_entities, -1, dtype=np.int64)
    np.minimum.at(low, mine, sub_of[stored])
    np.maximum.at(high, mine, sub_of[stored])
    same: npt.NDArray[np.bool_] = plan.entities & (held > 0) & (low == high)
    same &= held == np.bincount(of_record, minlength=n_entities)  # none replaced
    at = np.flatnonzero(same)
    sizes = np.bincount(sub_of, minlength=int(sub_of.max(initial=-1)) + 1)
    same[at] = (sizes[low[at]] == held[at]) & (np.asarray(sub_keys, dtype=object)[low[at]]
                                               == np.asarray(keys, dtype=object)[at])  # fmt: skip
    return same


def resolve_again(
    tables: Tables,
    plans: Mapping[str, Plan],
    history: History,
    *,
    overrides: Overrides,
    secret: bytes | None,
) -> tuple[Resolution, dict[str, Any], npt.NDArray[np.int64], dict[str, Plan]]:
    """The resolution of the merged records: unaffected entities kept, the rest redone.

    Also returns which stored review pairs it kept (they lead its review pairs), and
    the plans narrowed to the entities that changed: an entity resolved again that
    came out exactly as it was (the same records in one cluster, the same key) is kept
    as the entities not reached are — its row, id, golden winners and account link —
    which is what resolving it gives, save what the tables read across entities.
    """
    sub = {level: plan.merged.take(plan.rows) for level, plan in plans.items()}
    resolver = resolver_for(ProbabilisticResolver(contact_linker=plans["contact"].linker,
                                                  account_linker=plans["account"].linker),
                            within(overrides, plans) or None)  # fmt: skip
    with keyed_ids(secret):
        found = resolver(sub["account"], sub["contact"])  # type: ignore[arg-type]
    out: dict[str, Any] = {}
    renamed: dict[str, str] = {}
    narrowed: dict[str, Plan] = {}
    for level, plan in plans.items():
        resolution = tables.resolution
        contacts = level == "contact"
        of_record = resolution.contact_of_record if contacts else resolution.account_of_record
        ids = np.asarray(resolution.contact_ids if contacts else resolution.account_ids, object)
        keys = resolution.contact_keys if contacts else resolution.account_keys
        sub_of = found.contact_of_record if contacts else found.account_of_record
        sub_ids = np.asarray(found.contact_ids if contacts else found.account_ids, dtype=object)
        sub_keys = found.contact_keys if contacts else found.account_keys
        same = _reproduced(plan, of_record, sub_of, keys, sub_keys)
        kept_of = of_record[~plan.replaced]
        stored = plan.rows < len(kept_of)
        spared = np.zeros(len(plan.rows), dtype=bool)
        spared[stored] = same[kept_of[plan.rows[stored]]]
        cluster = np.ones(len(sub_ids), dtype=bool)
        cluster[sub_of[spared]] = False
        # a spared cluster's review pairs name the entity by its stored id
        renamed.update(zip(map(str, sub_ids[sub_of[spared]]),
                           map(str, ids[kept_of[plan.rows[spared]]]), strict=True))  # fmt: skip
        narrowed[level] = attrs.evolve(plan, entities=plan.entities & ~same,
                                       rows=plan.rows[~spared])  # fmt: skip
        sub_of = (np.cumsum(cluster) - 1)[sub_of[~spared]]
        sub_ids, sub_keys = sub_ids[cluster], np.asarray(sub_keys, dtype=object)[cluster]
        record_key = record_keys(sub[level])[~spared]
        previous = history.previous(level, record_key)
        lineage = carry_ids(level, keys=record_key, entity=sub_of, resolver_ids=sub_ids,
                            entity_keys=sub_keys, previous=previous,
                            taken=history.taken(level, map(str, sub_ids)))  # fmt: skip
        held = pd.Series(previous["old"].to_numpy(dtype=object),
                         index=previous["record"].to_numpy(dtype=object))  # fmt: skip
        moved = held.reindex(record_key).to_numpy(dtype=object) != lineage.ids[sub_of]
        renamed.update(zip(map(str, sub_ids), map(str, lineage.ids), strict=True))
        keep = ~narrowed[level].entities
        place = np.cumsum(keep) - 1
        assignment = np.empty(len(plan.merged), dtype=np.int64)
        assignment[: len(kept_of)] = place[kept_of]
        assignment[narrowed[level].rows] = int(keep.sum()) + sub_of
        out[level] = (
            assignment,
            np.concatenate([keys[keep], sub_keys]),
            np.concatenate([ids[keep], lineage.ids]),
            lineage,
            record_key[moved],
            sub_of[moved],
        )
    kept = _kept_pairs(tables.resolution.review, plans)  # the pairs the run found again
    review = _review(tables.resolution.review, plans, found.review, renamed, kept)
    merged = Resolution(account_of_record=out["account"][0], contact_of_record=out["contact"][0],
                        account_keys=out["account"][1], contact_keys=out["contact"][1],
                        account_ids=out["account"][2], contact_ids=out["contact"][2],
                        review=review)  # fmt: skip
    return merged, out, kept, narrowed


def write_lineage(connection: sqlite3.Connection, outcome: Mapping[str, Any], *,
                   build: int) -> None:  # fmt: skip
    """Memberships of the records resolved again whose id changed, new ids and aliases."""
    for level, (*_, lineage, record_key, sub_of) in outcome.items():
        connection.executemany(
            "INSERT OR REPLACE INTO members VALUES (?, ?, ?)",
            ((level, key, str(entity)) for key, entity in zip(
                record_key.tolist(), lineage.ids[sub_of].tolist(), strict=True)),
        )  # fmt: skip
        connection.executemany("INSERT INTO entities VALUES (?, ?, ?)",
                               ((level, i, build) for i in lineage.born))  # fmt: skip
        for alias, survivor in lineage.merged:
            connection.execute("UPDATE aliases SET survivor = ? WHERE level = ? AND survivor = ?",
                               (survivor, level, alias))  # fmt: skip
            connection.execute("INSERT OR REPLACE INTO aliases VALUES (?, ?, ?, ?)",
                               (level, alias, survivor, build))  # fmt: skip
