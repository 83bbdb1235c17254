"""Incremental updates: new and changed export rows merged into a resolved base.

An update loads the rows it is given, replaces the stored records (and interactions and
deals) that have the same ``system:source_id``, and appends the rest. Identity is
resolved again only for the entities the rows can reach (see
:mod:`customer_understanding.base._relinking`), with the model the base was built with
(fitted again over every record only when asked). The tables are then laid out on the
new resolution. In a store all of it — tables, memberships, new ids, aliases and an
``update`` event — is one transaction, taken on the store's last commit whatever base
object the call was made on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import NAT
from customer_understanding._errors import InvalidValueError, StoreError
from customer_understanding.base._build import RELINK, Tables, build_tables
from customer_understanding.base._kept import ensure, log, read_kept, save_models, stamp
from customer_understanding.base._kept_values import read_values, write_values
from customer_understanding.base._lineage import _taken
from customer_understanding.base._online import OnlineIndex
from customer_understanding.base._relinking import (
    Affected,
    LevelLineage,
    ScoringLinker,
    affected_entities,
    carry_ids,
    global_keys,
    kept_index,
    population,
    scoring,
)
from customer_understanding.base._resolving import resolver_for
from customer_understanding.base._store import read_aliases, writing
from customer_understanding.base._survive import record_keys
from customer_understanding.identity import (
    Overrides,
    ProbabilisticResolver,
    Resolution,
    ReviewPairs,
    keyed_ids,
)
from customer_understanding.ingest import Loaded, LoadReport, Source, load
from customer_understanding.tables import (
    AccountRecords,
    ConsentTable,
    ContactRecords,
    ContactRoleTable,
    InteractionTable,
    OpportunityTable,
    StageHistoryTable,
    Table,
)

if TYPE_CHECKING:
    import sqlite3

__all__ = ["Updated", "update_base"]

_KINDS: dict[Literal["account", "contact"], type[Table]] = {
    "account": AccountRecords,
    "contact": ContactRecords,
}
#: Event tables whose rows a changed export row replaces (they carry their own ids).
_REPLACED = (InteractionTable, OpportunityTable)
_APPENDED = (ContactRoleTable, StageHistoryTable, ConsentTable)


@attrs.frozen(kw_only=True)
class Updated:
    """What an update produced: the new tables, load report and aliases, and its counts."""

    tables: Tables
    report: LoadReport | None
    aliases: Mapping[str, Mapping[str, str]]
    counts: Mapping[str, Any]


def _loaded(sources: object, stored: LoadReport | None, policy: Any) -> Loaded:
    """The rows to update with, refusing an empty source or one mapped differently."""
    if isinstance(sources, Loaded):
        loaded = sources
    else:
        if isinstance(sources, Source) or not isinstance(sources, Iterable):
            msg = f"sources={sources!r} must be a list of Source (or a load() result)"
            raise InvalidValueError(msg)
        loaded = load(list(sources), policy=policy)
    if not loaded.sources:
        msg = "sources=[] holds no source: nothing to update the base with"
        raise InvalidValueError(msg)
    known = {s.source: s for s in (stored.sources if stored is not None else ())}
    for report in loaded.report.sources:
        if report.rows == 0:
            msg = f"source {report.source!r} holds no rows: nothing to update the base with"
            raise InvalidValueError(msg)
        before = known.get(report.source)
        if before is not None and (before.system, before.target) != (report.system,
                                                                     report.target):  # fmt: skip
            msg = (
                f"source {report.source!r} is mapped as {report.system}/{report.target} "
                f"but the base loaded it as {before.system}/{before.target}; give it the "
                "mapping it was built with, or another name"
            )
            raise InvalidValueError(msg)
    return loaded


@attrs.frozen(kw_only=True)
class _Merged:
    """A table source holding the stored rows, changed ones replaced, and the new rows."""

    tables: Mapping[type[Table], Table]

    def combined(self, kind: type[Any], /) -> Any:
        return self.tables[kind]


def _raw(tables: Tables) -> dict[type[Table], Table]:
    """The stored tables as loaded: without the stages and consent flags a build derives."""
    stages = tables.stages
    stages = stages.take(stages.labels("system") != "derived")
    consents = tables.consents
    keys = pd.Index(record_keys(tables.contact_records))
    flag = (
        (consents.column("at") == NAT)
        & (consents.column("source_id") == consents.column("contact_ref"))
        & (consents.labels("purpose") == "marketing")
        & (consents.labels("channel") == "email")
        & pd.Index(record_keys(consents)).isin(keys)
    )
    return {
        AccountRecords: tables.account_records, ContactRecords: tables.contact_records,
        InteractionTable: tables.interactions, OpportunityTable: tables.opportunities,
        ContactRoleTable: tables.contact_roles, StageHistoryTable: stages,
        ConsentTable: consents.take(~np.asarray(flag, dtype=bool)),
    }  # fmt: skip


def _merge(old: Table, new: Table, *, replace: bool) -> tuple[Table, npt.NDArray[np.bool_]]:
    """Old rows (those a new row of the same ``system:source_id`` replaces dropped), then new."""
    if not replace or not len(new) or not len(old):
        return type(old).concat([old, new]), np.zeros(len(old), dtype=bool)
    replaced = np.asarray(pd.Index(record_keys(old)).isin(record_keys(new)), dtype=bool)
    return type(old).concat([old.take(~replaced), new]), replaced


@attrs.frozen(kw_only=True)
class _Plan:
    """One level: the merged records, which rows are resolved again, and how to score."""

    level: str
    merged: Table
    replaced: npt.NDArray[np.bool_]
    entities: npt.NDArray[np.bool_]  # stored entity rows resolved again
    rows: npt.NDArray[np.int64]  # their records and the new ones, in the merged records
    linker: ScoringLinker
    candidates: int
    compared: Mapping[str, Any] | None  # every merged record's compared values, if known


def _tied(overrides: Overrides, level: Literal["account", "contact"], new_keys: set[str],
          ids_by_key: Mapping[str, str]) -> set[str]:  # fmt: skip
    """Ids of stored entities a steward's decision ties to a new record."""
    tied = set()
    for pairs in overrides.pairs(level):
        for left, right in pairs:
            ends = [f"{system}:{source_id}" for system, source_id in (left, right)]
            for mine, other in (ends, ends[::-1]):
                if mine in new_keys and other in ids_by_key:
                    tied.add(ids_by_key[other])
    return tied


def _plan(level: Literal["account", "contact"], tables: Tables, new: Table, *,
          index: OnlineIndex | None, overrides: Overrides) -> _Plan:  # fmt: skip
    """How one level is resolved again (``index=None``: every entity, the model refitted)."""
    refit = index is None
    resolution = tables.resolution
    stored: Table = tables.contact_records if level == "contact" else tables.account_records
    of_record = resolution.contact_of_record if level == "contact" else resolution.account_of_record
    ids = resolution.contact_ids if level == "contact" else resolution.account_ids
    merged, replaced = _merge(stored, new, replace=True)
    resolver = ProbabilisticResolver()
    base_linker = resolver.contact_linker if level == "contact" else resolver.account_linker
    new_frame = resolver.comparison_frame(new).reset_index(drop=True)  # type: ignore[arg-type]
    if index is None or not len(new):
        everything = np.arange(len(ids), dtype=np.int64) if refit else np.empty(0, np.int64)
        affected = Affected(entities=everything, candidates=0)
    else:
        stored_keys = record_keys(stored)
        by_key = dict(zip(stored_keys.tolist(), np.asarray(ids, dtype=object)[of_record].tolist(),
                          strict=True))  # fmt: skip
        tied = _tied(overrides, level, set(record_keys(new).tolist()), by_key)
        affected = affected_entities(index, new_frame, stored_ids=ids, of_record=of_record,
                                     replaced=replaced, tied=tied)  # fmt: skip
    entities = np.zeros(len(ids), dtype=bool)
    entities[affected.entities] = True
    kept_of = of_record[~replaced]
    rows = np.concatenate([np.flatnonzero(entities[kept_of]),
                           len(kept_of) + np.arange(len(new))]).astype(np.int64)  # fmt: skip
    whole = None
    if index is None:
        linker = scoring(base_linker)
    else:
        whole = population(index, ~replaced, new_frame, base_linker.fields)
        keys = global_keys(index, whole[0], rows=rows, new=len(new))
        linker = scoring(base_linker, given=index.model, whole=whole, rows=rows, keys=keys)
    return _Plan(level=level, merged=merged, replaced=replaced, entities=entities, rows=rows,
                 linker=linker, candidates=affected.candidates,
                 compared=None if whole is None else whole[0])  # fmt: skip


def _within(overrides: Overrides, plans: Mapping[str, _Plan]) -> Overrides:
    """The decisions on pairs of records both resolved again."""
    present = {level: set(record_keys(plan.merged.take(plan.rows)).tolist())
               for level, plan in plans.items()}  # fmt: skip

    def kept(level: str, pairs: Any) -> list[Any]:
        return [pair for pair in pairs
                if all(f"{s}:{i}" in present[level] for s, i in pair)]  # fmt: skip

    return Overrides(
        must_link_contacts=kept("contact", overrides.must_link_contacts),
        cannot_link_contacts=kept("contact", overrides.cannot_link_contacts),
        must_link_accounts=kept("account", overrides.must_link_accounts),
        cannot_link_accounts=kept("account", overrides.cannot_link_accounts),
    )


_PREVIOUS = (
    "SELECT m.record, m.id, e.born FROM members m JOIN entities e ON e.level = m.level"
    " AND e.id = m.id WHERE m.level = ? AND m.record IN "
)


class _History:
    """Where an update reads the ids records held before, and the ids ever given."""

    def __init__(self, tables: Tables, aliases: Mapping[str, Mapping[str, str]],
                 connection: sqlite3.Connection | None) -> None:  # fmt: skip
        self.tables, self.aliases, self.connection = tables, aliases, connection

    def previous(self, level: str, keys: npt.NDArray[np.object_]) -> pd.DataFrame:
        """The stored id (and its birth) of each of these records that had one."""
        wanted = sorted(set(keys.tolist()))
        if self.connection is None:
            resolution, records = self.tables.resolution, _records(self.tables, level)
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
            return frame[frame["record"].isin(wanted)].drop_duplicates("record")
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            query = _PREVIOUS + "(" + ", ".join("?" * len(part)) + ")"  # placeholders only
            rows += self.connection.execute(query, (level, *part)).fetchall()
        return pd.DataFrame(rows, columns=["record", "old", "born"])

    def taken(self, level: str) -> set[str]:
        if self.connection is not None:
            return _taken(self.connection, level)
        ids = self.tables.resolution.contact_ids if level == "contact" else (
            self.tables.resolution.account_ids)  # fmt: skip
        return set(map(str, ids)) | set(self.aliases.get(level, {}))


def _records(tables: Tables, level: str) -> Table:
    return tables.contact_records if level == "contact" else tables.account_records


def _review(stored: ReviewPairs, plans: Mapping[str, _Plan], found: ReviewPairs,
            renamed: Mapping[str, str]) -> ReviewPairs:  # fmt: skip
    """Stored review pairs not touching a record resolved again, then the new ones."""
    old, new = stored.to_pandas(), found.to_pandas()
    drop = np.zeros(len(old), dtype=bool)
    for level, plan in plans.items():
        again = set(record_keys(plan.merged.take(plan.rows)).tolist())
        for side in ("left", "right"):
            keys = old[f"{side}_system"].astype(str) + ":" + old[f"{side}_source_id"].astype(str)
            drop |= ((old["level"] == level) & keys.isin(again)).to_numpy()
    for side in ("left", "right"):
        new[f"{side}_entity_id"] = new[f"{side}_entity_id"].map(lambda i: renamed.get(i, i))
    both = pd.concat([old[~drop], new], ignore_index=True)
    return ReviewPairs(**{name: both[name].to_numpy() for name in attrs.fields_dict(ReviewPairs)})


def _resolve(
    tables: Tables,
    plans: Mapping[str, _Plan],
    history: _History,
    *,
    overrides: Overrides,
    secret: bytes | None,
) -> tuple[Resolution, dict[str, Any]]:
    """The resolution of the merged records: unaffected entities kept, the rest redone."""
    sub = {level: plan.merged.take(plan.rows) for level, plan in plans.items()}
    resolver = resolver_for(ProbabilisticResolver(contact_linker=plans["contact"].linker,
                                                  account_linker=plans["account"].linker),
                            _within(overrides, plans) or None)  # fmt: skip
    with keyed_ids(secret):
        found = resolver(sub["account"], sub["contact"])  # type: ignore[arg-type]
    out: dict[str, Any] = {}
    renamed: dict[str, str] = {}
    for level, plan in plans.items():
        resolution = tables.resolution
        contacts = level == "contact"
        of_record = resolution.contact_of_record if contacts else resolution.account_of_record
        ids = np.asarray(resolution.contact_ids if contacts else resolution.account_ids, object)
        keys = resolution.contact_keys if contacts else resolution.account_keys
        sub_of = found.contact_of_record if contacts else found.account_of_record
        sub_ids = found.contact_ids if contacts else found.account_ids
        sub_keys = found.contact_keys if contacts else found.account_keys
        record_key = record_keys(sub[level])
        lineage = carry_ids(level, keys=record_key, entity=sub_of, resolver_ids=sub_ids,
                            entity_keys=sub_keys, previous=history.previous(level, record_key),
                            taken=history.taken(level))  # fmt: skip
        renamed.update(zip(map(str, sub_ids), map(str, lineage.ids), strict=True))
        keep = ~plan.entities
        place = np.cumsum(keep) - 1
        assignment = np.empty(len(plan.merged), dtype=np.int64)
        kept_of = of_record[~plan.replaced]
        assignment[: len(kept_of)] = place[kept_of]
        assignment[plan.rows] = int(keep.sum()) + sub_of
        out[level] = (
            assignment,
            np.concatenate([keys[keep], sub_keys]),
            np.concatenate([ids[keep], lineage.ids]),
            lineage,
            record_key,
            sub_of,
        )
    review = _review(tables.resolution.review, plans, found.review, renamed)
    merged = Resolution(account_of_record=out["account"][0], contact_of_record=out["contact"][0],
                        account_keys=out["account"][1], contact_keys=out["contact"][1],
                        account_ids=out["account"][2], contact_ids=out["contact"][2],
                        review=review)  # fmt: skip
    return merged, out


def _index(tables: Tables, level: str, *, models: Mapping[str, Any],
           ready: Mapping[str, OnlineIndex],
           values: Mapping[str, Any] | None) -> OnlineIndex | None:  # fmt: skip
    """The index to find candidates in (``None`` when no model can be had: fit afresh).

    The base's own index if it has one over these records, else one over the compared
    values the store kept, else one built from the records.
    """
    records = _records(tables, level)
    if models.get(level) is None and len(records) < 2:
        return None
    if level in ready and len(ready[level].names) == len(records):
        return ready[level]
    if values is not None and models.get(level) is not None:
        resolution = tables.resolution
        of = resolution.contact_of_record if level == "contact" else resolution.account_of_record
        ids = resolution.contact_ids if level == "contact" else resolution.account_ids
        return kept_index(records, np.asarray(ids, dtype=object)[of], level=level,  # type: ignore[arg-type]
                          values=values, model=models[level])  # fmt: skip
    return OnlineIndex.build(tables, level, resolver=ProbabilisticResolver(),  # type: ignore[arg-type]
                             model=models.get(level))  # fmt: skip


def _kept(tables: Tables, plans: Mapping[str, _Plan]) -> dict[str, Any]:
    """What the entities left alone keep: golden winners, and contacts' account links.

    Those entities come first in the new resolution, in their stored order, and their
    records are all kept, so their golden values need no survivorship vote again. A
    contact keeps its account link unless it has none or its account is resolved again.
    """
    kept: dict[str, Any] = {}
    for level, plan in plans.items():
        stored = tables.contact_winners if level == "contact" else tables.account_winners
        row = np.full(len(plan.replaced) + 1, -1, dtype=np.int64)  # the last: no winner
        row[np.flatnonzero(~plan.replaced)] = np.arange(int((~plan.replaced).sum()))
        kept[level] = {field: row[np.asarray(won)[~plan.entities]]
                       for field, won in stored.items()}  # fmt: skip
    left = ~plans["account"].entities
    place = np.full(len(left) + 1, RELINK, dtype=np.int64)  # the last: no account
    place[np.flatnonzero(left)] = np.arange(int(left.sum()))
    contacts = tables.contacts.take(~plans["contact"].entities)
    kept["contact_account"] = (place[contacts.column("account")],
                               contacts.column("account_confidence"),
                               contacts.labels("account_method"))  # fmt: skip
    return kept


@attrs.frozen(kw_only=True)
class Known:
    """What an update reads besides the base: models, decisions, secret, kept indexes."""

    models: Mapping[str, Any] = attrs.field(factory=dict)
    overrides: Overrides = attrs.field(factory=Overrides)
    secret: bytes | None = None
    ready: Mapping[str, OnlineIndex] = attrs.field(factory=dict)  # the base's own indexes
    compared: Mapping[str, Any] = attrs.field(factory=dict)  # values the store kept


def apply_update(tables: Tables, loaded: Loaded, *, history: _History, known: Known,
                 refit: bool) -> tuple[Tables, dict[str, Any], dict[str, _Plan]]:  # fmt: skip
    """The tables after the update, and per level what the resolution did."""
    raw = _raw(tables)
    merged: dict[type[Table], Table] = {}
    kinds: tuple[type[Table], ...] = (*_REPLACED, *_APPENDED)
    for kind in kinds:
        merged[kind] = _merge(raw[kind], loaded.combined(kind), replace=kind in _REPLACED)[0]
    plans: dict[str, _Plan] = {}
    for level, kind in _KINDS.items():
        index = None if refit else _index(tables, level, models=known.models, ready=known.ready,
                                          values=known.compared.get(level))  # fmt: skip
        plans[level] = _plan(level, tables, loaded.combined(kind), index=index,
                             overrides=known.overrides)  # fmt: skip
        merged[kind] = plans[level].merged
    resolution, outcome = _resolve(tables, plans, history, overrides=known.overrides,
                                   secret=known.secret)  # fmt: skip
    built = build_tables(_Merged(tables=merged), resolver=lambda _a, _c: resolution,
                         survivorship=tables.survivorship, title_rules=tables.title_rules,
                         known=_kept(tables, plans))  # fmt: skip
    return built, outcome, plans


def _counts(
    loaded: Loaded, outcome: Mapping[str, Any], plans: Mapping[str, _Plan]
) -> dict[str, Any]:
    counts: dict[str, Any] = {"rows": loaded.report.loaded}
    for level, plan in plans.items():
        lineage: LevelLineage = outcome[level][3]
        changed = int(plan.replaced.sum())
        loaded_now = len(plan.merged) - (len(plan.replaced) - changed)
        counts[level] = {
            "records_new": loaded_now - changed,
            "records_changed": changed,
            "entities_affected": int(plan.entities.sum()),
            "entities": len(outcome[level][2]),
            "new": len(lineage.born), "merged": len(lineage.merged), "split": len(lineage.split),
        }  # fmt: skip
    return counts


def _report(stored: LoadReport | None, new: LoadReport) -> LoadReport:
    return LoadReport(sources=(*(stored.sources if stored is not None else ()), *new.sources))


def update_in_memory(tables: Tables, report: LoadReport | None, aliases: Mapping[str, Any], *,
                     sources: object, refit: bool, policy: Any,
                     ready: Mapping[str, OnlineIndex]) -> Updated:  # fmt: skip
    """The update of a base without a store: a new base's tables, nothing written."""
    loaded = _loaded(sources, report, policy)
    history = _History(tables, aliases, None)
    built, outcome, plans = apply_update(tables, loaded, history=history,
                                         known=Known(ready=ready), refit=refit)  # fmt: skip
    return Updated(tables=built, report=_report(report, loaded.report), aliases=aliases,
                   counts=_counts(loaded, outcome, plans))  # fmt: skip


def update_stored(path: Path, *, sources: object, refit: bool, actor: str | None,
                  reason: str | None, policy: Any) -> Updated:  # fmt: skip
    """The update written to the store in one transaction (see the module)."""
    from customer_understanding.base._erasure import screen_stored
    from customer_understanding.base._store import _get
    from customer_understanding.base._stored import _storable, open_stored

    if path.exists() and not os.access(path, os.W_OK):
        msg = f"store {str(path)!r} is read-only: an update needs to write it"
        raise StoreError(msg)
    stored = open_stored(path)  # checks the file and reads the report to check sources against
    report = stored.roots.get("report")
    report = report if isinstance(report, LoadReport) else None
    loaded = _loaded(sources, report, policy)
    at = stamp()
    with writing(path) as writer:
        connection = writer.connection
        ensure(connection)
        stored = open_stored(path)  # the last commit: nobody else writes while we hold it
        tables = stored.roots["tables"]
        build = writer.build_number()

        def logged(action: str, detail: Mapping[str, Any]) -> None:
            log(connection, action, actor=actor, reason=reason, at=at,
                detail={"build": build, **detail})  # fmt: skip

        loaded = screen_stored(connection, loaded, log=logged)
        kept = read_kept(path)
        compared: dict[str, Any] = {
            level: read_values(connection, level, length=len(_records(tables, level)))
            for level in _KINDS
        }
        known = Known(models=kept.models, overrides=kept.overrides,
                      secret=bytes(_get(connection, "id_key")), compared=compared)  # fmt: skip
        history = _History(tables, stored.aliases, connection)
        built, outcome, plans = apply_update(tables, loaded, history=history, known=known,
                                             refit=refit)  # fmt: skip
        for level, plan in plans.items():  # what later updates index the records by
            write_values(connection, level, plan.compared or {})
        merged_report = _report(report, loaded.report)
        _write_lineage(connection, outcome, build=build)
        refitted = {level: p.linker.kept for level, p in plans.items() if "model" in p.linker.kept}
        if refitted:  # a level fitted afresh keeps its new model; the others theirs
            save_models(connection, {**{lv: {"model": m} for lv, m in kept.models.items()},
                                     **refitted})  # fmt: skip
        writer.save({"tables": built, "report": _storable(merged_report)})
        counts = _counts(loaded, outcome, plans)
        logged("update", {**counts, "refit": refit})
        for level in plans:
            lineage = outcome[level][3]
            for alias, survivor in lineage.merged:
                logged("merge", {"level": level, "id": survivor, "other_id": alias})
            for kept_id, new_id in lineage.split:
                logged("split", {"level": level, "id": kept_id, "other_id": new_id})
        aliases = read_aliases(connection)
    return Updated(tables=built, report=merged_report, aliases=aliases, counts=counts)


def _write_lineage(connection: sqlite3.Connection, outcome: Mapping[str, Any], *,
                   build: int) -> None:  # fmt: skip
    """Memberships of the records resolved again, new ids and aliases."""
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


def update_base(base: Any, sources: object, *, actor: str | None, reason: str | None,
                refit: object, policy: Any) -> Updated:  # fmt: skip
    """:meth:`CustomerBase.update` for a base with or without a store."""
    if not isinstance(refit, bool):
        msg = f"refit={refit!r} must be True or False"
        raise InvalidValueError(msg)
    if base._store is None:
        ready = {} if base._online is None else dict(base._online.indexes)
        return update_in_memory(base._tables, base.report, base._aliases, sources=sources,
                                refit=refit, policy=policy, ready=ready)  # fmt: skip
    from customer_understanding.base._stored import _store_path

    return update_stored(_store_path(base._store), sources=sources, refit=refit, actor=actor,
                         reason=reason, policy=policy)  # fmt: skip
