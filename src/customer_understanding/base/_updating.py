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
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import fewer_collections
from customer_understanding._errors import InvalidValueError, StoreError
from customer_understanding.base._build import build_tables
from customer_understanding.base._consent import carried_statements
from customer_understanding.base._contact_accounts import Seen
from customer_understanding.base._in_place import Placed
from customer_understanding.base._kept import ensure, log, read_kept, save_models, stamp
from customer_understanding.base._kept_values import (
    read_coded,
    read_frequencies,
    write_coded,
    write_frequencies,
)
from customer_understanding.base._keyindex import Coded
from customer_understanding.base._relinking import LevelLineage
from customer_understanding.base._seen import read_seen, seen_sizes, write_seen
from customer_understanding.base._store import read_aliases, writing
from customer_understanding.base._tables import Tables
from customer_understanding.base._update_places import update_places
from customer_understanding.base._update_plan import (
    KINDS,
    Plan,
    kept_entities,
    merge,
    own_flags,
    plan_level,
    raw_tables,
    records_of,
    stored_index,
)
from customer_understanding.base._update_resolve import History, resolve_again, write_lineage
from customer_understanding.identity import FellegiSunter, Frequencies, Overrides
from customer_understanding.ingest import Loaded, LoadReport, Source, load
from customer_understanding.tables import (
    ConsentTable,
    ContactRoleTable,
    InteractionTable,
    OpportunityTable,
    StageHistoryTable,
    Table,
)

__all__ = ["Updated", "update_base"]

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


@attrs.frozen(kw_only=True)
class Known:
    """What an update reads besides the base: models, decisions, secret, kept codes."""

    models: Mapping[str, FellegiSunter] = attrs.field(factory=dict)
    overrides: Overrides = attrs.field(factory=Overrides)
    secret: bytes | None = None
    compared: Mapping[str, Coded | None] = attrs.field(factory=dict)  # what the store kept
    frequencies: Mapping[str, Frequencies | None] = attrs.field(factory=dict)  # by those codes
    seen: Seen = attrs.field(factory=dict)  # texts read before, filled with those read now


def apply_update(tables: Tables, loaded: Loaded, *, history: History, known: Known, refit: bool,
                 placed: dict[str, Placed] | None = None,
                 ) -> tuple[Tables, dict[str, Any], dict[str, Plan]]:  # fmt: skip
    """The tables after the update, and per level what the resolution did.

    ``placed``, when given, is filled with where each event table's rows came from, for
    the store to keep the stored ones in place (see :mod:`._in_place`).
    """
    flags = own_flags(tables)
    raw = raw_tables(tables, flags)
    merged: dict[type[Table], Table] = {}
    ordered: dict[type[Table], int] = {}  # the stored rows lead, in their order still
    replaced: dict[type[Table], npt.NDArray[np.bool_]] = {}
    kinds: tuple[type[Table], ...] = (*_REPLACED, *_APPENDED)
    for kind in kinds:
        merged[kind], replaced[kind] = merge(raw[kind], loaded.combined(kind),
                                             replace=kind in _REPLACED)  # fmt: skip
        ordered[kind] = len(raw[kind]) - int(replaced[kind].sum())
    plans: dict[str, Plan] = {}
    for level, kind in KINDS.items():
        found = None if refit else stored_index(
            tables, level, model=known.models.get(level), coded=known.compared.get(level),
            frequencies=known.frequencies.get(level))  # fmt: skip
        plans[level] = plan_level(level, tables, loaded.combined(kind), found=found,
                                  overrides=known.overrides)  # fmt: skip
        merged[kind] = plans[level].merged
    resolution, outcome, pairs_kept, plans = resolve_again(
        tables, plans, history, overrides=known.overrides, secret=known.secret
    )
    known_entities = kept_entities(tables, plans, known.seen)
    known_entities["seen"] = known.seen
    known_entities["stage_subjects"] = {
        **{level: _moved(plan.entities) for level, plan in plans.items()},
        "opportunity_replaced": replaced[OpportunityTable],
    }
    people = plans["contact"]
    stored_records = records_of(tables, "contact")
    touched = np.concatenate([  # addresses of the records resolved again, before and now
        np.asarray(people.merged.column("email"), dtype=object)[people.rows],
        np.asarray(stored_records.column("email"), dtype=object)[people.replaced],
    ])  # fmt: skip
    known_entities["consents"] = carried_statements(
        tables.consents, flags, moved=known_entities["stage_subjects"]["contact"],
        again=people.rows, touched=touched,
    )  # fmt: skip
    sources: dict[type[Table], npt.NDArray[np.int64]] = {}
    built = build_tables(_Merged(tables=merged), resolver=lambda _a, _c: resolution,
                         survivorship=tables.survivorship, title_rules=tables.title_rules,
                         known=known_entities, ordered=ordered, placed=sources)  # fmt: skip
    if placed is not None:
        placed.update(update_places(tables, built, plans, events=sources, replaced=replaced,
                                    pairs_kept=pairs_kept, alone=known_entities))  # fmt: skip
    return built, outcome, plans


def _moved(again: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """Each stored entity row's row after the update (``-1``: resolved again).

    The entities left alone lead the new resolution, in their stored order.
    """
    moved = np.full(len(again), -1, dtype=np.int64)
    moved[~again] = np.arange(int((~again).sum()))
    return moved


def _counts(
    loaded: Loaded, outcome: Mapping[str, Any], plans: Mapping[str, Plan]
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
                     sources: object, refit: bool, policy: Any) -> Updated:  # fmt: skip
    """The update of a base without a store: a new base's tables, nothing written."""
    loaded = _loaded(sources, report, policy)
    history = History(tables, aliases, None)
    built, outcome, plans = apply_update(tables, loaded, history=history, known=Known(),
                                         refit=refit)  # fmt: skip
    return Updated(tables=built, report=_report(report, loaded.report), aliases=aliases,
                   counts=_counts(loaded, outcome, plans))  # fmt: skip


def _refitted(plans: Mapping[str, Plan]) -> dict[str, dict[str, Any]]:
    """The models fitted afresh by this update, by level."""
    found = {}
    for level, plan in plans.items():
        context = plan.linker.context
        if context is not None and context.model is None and "model" in context.kept:
            found[level] = {"model": context.kept["model"]}
    return found


def _counted(plan: Plan) -> Frequencies | None:
    """The term frequencies the update scored with (a refit's own), by its codes."""
    if plan.frequencies is not None:
        return plan.frequencies
    context = plan.linker.context
    return None if context is None else context.kept.get("frequencies")


def _compared(plan: Plan) -> Coded:
    """Every record's compared values after the update, as codes (none: clean them again)."""
    if plan.compared is not None:
        return plan.compared
    context = plan.linker.context
    prepared = None if context is None else context.kept.get("records")
    if prepared is None or len(prepared) != len(plan.merged):
        return {}
    return {field.column: (np.asarray(prepared.codes[field.column], dtype=np.int64),
                           np.asarray(prepared.uniques[field.column], dtype=object))
            for field in prepared.fields}  # fmt: skip


def update_stored(path: Path, *, sources: object, refit: bool, actor: str | None,
                  reason: str | None, policy: Any) -> Updated:  # fmt: skip
    """The update written to the store in one transaction (see the module)."""
    from customer_understanding.base._erasure import screen_stored
    from customer_understanding.base._store import _get
    from customer_understanding.base._stored import _storable, open_stored

    if not path.exists():
        msg = f"store {str(path)!r} does not exist"
        raise StoreError(msg)
    if not os.access(path, os.W_OK):
        msg = f"store {str(path)!r} is read-only: an update needs to write it"
        raise StoreError(msg)
    at = stamp()
    with writing(path) as writer:
        connection = writer.connection
        ensure(connection)
        stored = open_stored(path)  # the last commit: nobody else writes while we hold it
        report = stored.roots.get("report")
        report = report if isinstance(report, LoadReport) else None
        loaded = _loaded(sources, report, policy)
        tables = stored.roots["tables"]
        build = writer.build_number()

        def logged(action: str, detail: Mapping[str, Any]) -> None:
            log(connection, action, actor=actor, reason=reason, at=at,
                detail={"build": build, **detail})  # fmt: skip

        loaded = screen_stored(connection, loaded, log=logged)
        kept = read_kept(path)
        compared: dict[str, Coded | None] = {
            level: read_coded(connection, level, length=len(records_of(tables, level)))
            for level in KINDS
        }
        seen = read_seen(connection)
        sizes = seen_sizes(seen)
        known = Known(models=kept.models, overrides=kept.overrides,
                      secret=bytes(_get(connection, "id_key")), compared=compared,
                      frequencies={level: read_frequencies(connection, level) for level in KINDS},
                      seen=seen)  # fmt: skip
        history = History(tables, stored.aliases, connection)
        placed: dict[str, Placed] = {}
        built, outcome, plans = apply_update(tables, loaded, history=history, known=known,
                                             refit=refit, placed=placed)  # fmt: skip
        for level, plan in plans.items():  # what later updates index the records by
            write_coded(connection, level, _compared(plan))
            counted = _counted(plan)
            if counted is not None and counted is not known.frequencies.get(level):
                write_frequencies(connection, level, counted)  # counted afresh: kept by the codes
        write_seen(connection, seen, sizes)  # the texts read now too
        merged_report = _report(report, loaded.report)
        write_lineage(connection, outcome, build=build)
        refitted = _refitted(plans)
        if refitted:  # a level fitted afresh keeps its new model; the others theirs
            save_models(connection, {**{lv: {"model": m} for lv, m in kept.models.items()},
                                     **refitted})  # fmt: skip
        # rows only appended (the records, when none is replaced) keep their stored blobs
        writer.save({"tables": built, "report": _storable(merged_report)},
                    previous=stored.roots, placed=placed)  # fmt: skip
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


@fewer_collections()  # a bulk step: see _core._collector
def update_base(base: Any, sources: object, *, actor: str | None, reason: str | None,
                refit: object, policy: Any) -> Updated:  # fmt: skip
    """:meth:`CustomerBase.update` for a base with or without a store."""
    if not isinstance(refit, bool):
        msg = f"refit={refit!r} must be True or False"
        raise InvalidValueError(msg)
    if base._store is None:
        return update_in_memory(base._tables, base.report, base._aliases, sources=sources,
                                refit=refit, policy=policy)  # fmt: skip
    from customer_understanding.base._stored import _store_path

    return update_stored(_store_path(base._store), sources=sources, refit=refit, actor=actor,
                         reason=reason, policy=policy)  # fmt: skip
