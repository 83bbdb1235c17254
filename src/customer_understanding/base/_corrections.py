"""Corrections that stay: a steward's decisions kept in the store and honoured by builds.

Must-link, cannot-link (by record or by entity), unmerge (an entity split into given
groups of records) and answers to review-band pairs all become decisions on pairs of
source records, ``(system, source_id)`` as the exports name them. They are appended to
the store's ``overrides`` table in one transaction with an event-log row (time, actor,
reason); the latest decision on a pair wins. Every later build into the store hands the
decisions on records it loads to the resolver as
:class:`~customer_understanding.identity.Overrides`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from customer_understanding._errors import InvalidValueError, NotFoundError, scrub
from customer_understanding.base._kept import ensure, log, read_kept
from customer_understanding.base._store import writing
from customer_understanding.base._tables import Tables
from customer_understanding.identity import Overrides, RecordPair, RecordRef
from customer_understanding.tables import AccountRecords, ContactRecords

__all__ = [
    "Decision",
    "entity_records",
    "honoured",
    "record_ref",
    "refs",
    "review_decisions",
    "unmerge_pairs",
    "write",
]

#: One decision: level, ``"same"`` or ``"different"``, and the two records.
Decision = tuple[str, str, RecordRef, RecordRef]


def _level(value: object) -> str:
    if value not in ("account", "contact"):
        msg = f"level={value!r} must be 'account' or 'contact'"
        raise InvalidValueError(msg)
    return str(value)


def record_ref(value: object) -> RecordRef | None:
    """``(system, source_id)`` if ``value`` names a record so, else ``None``."""
    if isinstance(value, tuple | list) and len(value) == 2:
        system, source_id = value
        if isinstance(system, str) and system and isinstance(source_id, str | int):
            return system, str(source_id)
    return None


def entity_records(tables: Tables, level: object, entity_id: str) -> list[RecordRef]:
    """The records of one entity (its id as it is now), in their table's order."""
    chosen = _level(level)
    resolution = tables.resolution
    contacts = chosen == "contact"
    ids = resolution.contact_ids if contacts else resolution.account_ids
    of_record = resolution.contact_of_record if contacts else resolution.account_of_record
    rows = np.flatnonzero(np.asarray(ids, dtype=object) == entity_id)
    if not len(rows):
        msg = f"{chosen}_id={entity_id!r} is not in the customer base"
        raise NotFoundError(msg)
    records = tables.contact_records if contacts else tables.account_records
    mine = np.flatnonzero(of_record == rows[0])
    systems, source_ids = records.labels("system"), records.column("source_id")
    return [(str(systems[r]), str(source_ids[r])) for r in mine]


def refs(tables: Tables, level: str, value: object, *, name: str) -> list[RecordRef]:
    """A record ``(system, source_id)`` or an entity id, as the records it stands for."""
    found = record_ref(value)
    if found is not None:
        return [found]
    if isinstance(value, str):
        return entity_records(tables, level, value)
    msg = f"{name}={scrub(repr(value))[:80]} must be an entity id or a record (system, source_id)"
    raise InvalidValueError(msg)


def unmerge_pairs(tables: Tables, level: str, entity_id: str,
                  groups: object) -> list[Decision]:  # fmt: skip
    """Must-links within each group and cannot-links between groups, for one entity."""
    if isinstance(groups, str) or not isinstance(groups, Iterable):
        msg = f"groups={groups!r} must be groups of records, each [(system, source_id), ...]"
        raise InvalidValueError(msg)
    members = set(entity_records(tables, level, entity_id))
    parts: list[list[RecordRef]] = []
    seen: set[RecordRef] = set()
    for group in groups:
        named = [record_ref(item) for item in (group if isinstance(group, Sequence) else ())]
        if not named or any(ref is None for ref in named):
            msg = f"groups: {group!r} must be a non-empty list of (system, source_id) records"
            raise InvalidValueError(msg)
        part = [ref for ref in named if ref is not None]
        for ref in part:
            if ref not in members:
                msg = f"groups: record {ref!r} is not a record of {level} {entity_id!r}"
                raise InvalidValueError(msg)
            if ref in seen:
                msg = f"groups: record {ref!r} is in more than one group"
                raise InvalidValueError(msg)
            seen.add(ref)
        parts.append(part)
    if len(parts) < 2:
        msg = f"groups={groups!r} must hold at least two groups to split the entity into"
        raise InvalidValueError(msg)
    decisions = [(level, "same", part[0], ref) for part in parts for ref in part[1:]]
    decisions += [(level, "different", a[0], b[0]) for a, b in itertools.combinations(parts, 2)]
    return decisions


def _check(existing: Overrides, decisions: list[Decision]) -> None:
    """Refuse decisions that, with those in force, both join and part two records."""
    latest: dict[tuple[str, tuple[RecordRef, ...]], str] = {}
    for level in ("contact", "account"):
        for decision, pairs in zip(("same", "different"), existing.pairs(level), strict=True):
            for left, right in pairs:
                latest[(level, tuple(sorted((left, right))))] = decision
    for level, decision, left, right in decisions:
        latest[(level, tuple(sorted((left, right))))] = decision
    for level in ("contact", "account"):
        graph = nx.Graph()
        graph.add_edges_from(
            pair for (lv, pair), d in latest.items() if lv == level and d == "same"
        )
        part = {node: n for n, nodes in enumerate(nx.connected_components(graph)) for node in nodes}
        for (lv, (left, right)), d in latest.items():
            joined = left in part and part.get(right) == part[left]
            if lv == level and d == "different" and joined:
                msg = (
                    f"{level} records {left!r} and {right!r} would be kept apart and joined "
                    "by must-links at once; undo one of the decisions first"
                )
                raise InvalidValueError(msg)


def write(store: Path, decisions: list[Decision], *, action: str, actor: str | None,
          reason: str | None, detail: dict[str, Any]) -> Overrides:  # fmt: skip
    """Append ``decisions`` and their event in one transaction; the overrides in force."""
    with writing(store) as writer:
        connection = writer.connection
        ensure(connection)
        existing = _in_force(connection)
        _check(existing, decisions)
        connection.executemany(
            "INSERT INTO overrides (level, decision, left_system, left_source_id, right_system,"
            " right_source_id, origin) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(lv, d, left[0], left[1], right[0], right[1], action)
             for lv, d, left, right in decisions],
        )  # fmt: skip
        log(connection, action, actor=actor, reason=reason,
            detail={**detail, "decisions": len(decisions)})  # fmt: skip
    return read_kept(store).overrides


def _in_force(connection: Any) -> Overrides:
    from customer_understanding.base._kept import _overrides

    rows = connection.execute(
        "SELECT level, decision, left_system, left_source_id, right_system, right_source_id"
        " FROM overrides ORDER BY seq"
    ).fetchall()
    return _overrides(rows)


def review_decisions(review: object) -> list[Decision]:
    """A decided review table's answers as decisions."""
    frame = review.to_pandas() if hasattr(review, "to_pandas") else review
    if not isinstance(frame, pd.DataFrame):
        msg = f"review={scrub(repr(review))[:80]} must be a decided review table (a DataFrame)"
        raise InvalidValueError(msg)
    decided = Overrides.from_pandas(frame)
    return [(level, decision, left, right)
            for level in ("contact", "account")
            for decision, pairs in zip(("same", "different"), decided.pairs(level), strict=True)
            for left, right in pairs]  # fmt: skip


def honoured(store: object, records: tuple[AccountRecords, ContactRecords]) -> Overrides:
    """The store's decisions on records these sources hold (others wait for their records)."""
    if not isinstance(store, str | Path) and not hasattr(store, "__fspath__"):
        return Overrides()
    kept = read_kept(Path(store)).overrides
    if not len(kept):
        return kept
    known = {level: set(zip(table.labels("system").tolist(),
                            map(str, table.column("source_id").tolist()), strict=True))
             for level, table in zip(("account", "contact"), records, strict=True)}  # fmt: skip

    def present(level: str, pairs: tuple[RecordPair, ...]) -> list[RecordPair]:
        return [pair for pair in pairs if pair[0] in known[level] and pair[1] in known[level]]

    return Overrides(
        must_link_contacts=present("contact", kept.must_link_contacts),
        cannot_link_contacts=present("contact", kept.cannot_link_contacts),
        must_link_accounts=present("account", kept.must_link_accounts),
        cannot_link_accounts=present("account", kept.cannot_link_accounts),
    )
