"""What online matching and corrections keep in a store, next to the built base.

Three things, in tables of their own (made on first use, so older stores need no
migration):

- ``meta`` key ``linkage_models``: the Fellegi-Sunter model fitted per level at the last
  build, with its thresholds, so matching one record scores it as the build did;
- ``online_records``: records added one at a time (:meth:`CustomerBase.add`), with the
  entity they joined and the comparison values they are matched on;
- ``overrides``: a steward's decisions (must-link, cannot-link, unmerge, review answers)
  on source records, which every later build into the store honours.

Every write here is one transaction that also appends its rows to the event log.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from customer_understanding._errors import StoreError
from customer_understanding.base._kept_values import Codes, read_coded, read_frequencies
from customer_understanding.base._store import _READ_WAIT_SECONDS, _connect, _get, _set
from customer_understanding.identity import FellegiSunter, Frequencies, Overrides, RecordPair

if TYPE_CHECKING:
    import sqlite3

__all__ = [
    "ensure",
    "keeping_models",
    "log",
    "read_added",
    "read_kept",
    "save_models",
    "stamp",
]

_TABLES = (
    "CREATE TABLE IF NOT EXISTS online_records (level TEXT NOT NULL, record TEXT NOT NULL,"
    " id TEXT NOT NULL, frame TEXT NOT NULL, data TEXT, mapping TEXT, source TEXT,"
    " PRIMARY KEY (level, record))",
    "CREATE TABLE IF NOT EXISTS overrides (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " level TEXT NOT NULL, decision TEXT NOT NULL, left_system TEXT NOT NULL,"
    " left_source_id TEXT NOT NULL, right_system TEXT NOT NULL,"
    " right_source_id TEXT NOT NULL, origin TEXT NOT NULL)",
)


def ensure(connection: sqlite3.Connection) -> None:
    """Make the tables kept here, inside the open write."""
    for statement in _TABLES:
        connection.execute(statement)


def stamp() -> str:
    """Now, as the event log writes it."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def log(connection: sqlite3.Connection, action: str, *, actor: str | None,
        reason: str | None, detail: Mapping[str, Any], at: str | None = None) -> None:  # fmt: skip
    """Append one row to the store's event log."""
    connection.execute(
        "INSERT INTO events (at, actor, action, reason, detail) VALUES (?, ?, ?, ?, ?)",
        (at or stamp(), actor, action, reason, json.dumps(dict(detail))),
    )


def keeping_models(resolver: Any) -> tuple[Any, dict[str, dict[str, Any]]]:
    """``resolver`` with linkers that keep their fitted models, and where they keep them.

    Each run leaves its model and its cleaned records (kept for updates) in its linker's
    :class:`~customer_understanding.identity.LinkContext`.
    """
    from customer_understanding.identity import LinkContext, ProbabilisticResolver

    if type(resolver) is not ProbabilisticResolver:
        return resolver, {}
    contexts = {"contact": LinkContext(), "account": LinkContext()}
    wrapped = attrs.evolve(
        resolver,
        contact_linker=attrs.evolve(resolver.contact_linker, context=contexts["contact"]),
        account_linker=attrs.evolve(resolver.account_linker, context=contexts["account"]),
    )
    return wrapped, {level: context.kept for level, context in contexts.items()}


def save_models(connection: sqlite3.Connection, kept: Mapping[str, Mapping[str, Any]]) -> None:
    """Keep the models fitted in this build (a level with too few records keeps none)."""
    saved = {level: found["model"].to_json() for level, found in kept.items() if "model" in found}
    _set(connection, "linkage_models", json.dumps(saved))


@attrs.frozen(kw_only=True)
class Kept:
    """What a store keeps for matching and corrections, read in one go."""

    models: Mapping[str, FellegiSunter]
    online: Mapping[str, list[tuple[str, str, dict[str, Any]]]]
    overrides: Overrides
    # per level asked for: the compared values kept for the stored records
    compared: Mapping[str, Mapping[str, Codes]] = attrs.field(factory=dict)
    # per level asked for: the term frequencies counted with its model (by those codes)
    frequencies: Mapping[str, Frequencies] = attrs.field(factory=dict)


def _names(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}


def read_kept(path: str | Path | None, *, compared: str | None = None) -> Kept:
    """The models, online records and overrides a store keeps (nothing without a store).

    ``compared`` names a level whose kept compared values, and the term frequencies
    kept by their codes, are read too (in the same read), whatever the number of
    records they were kept for.
    """
    empty = Kept(models={}, online={}, overrides=Overrides())
    if path is None or not Path(path).exists():
        return empty
    import sqlite3

    connection = _connect(Path(path), wait=_READ_WAIT_SECONDS)
    try:
        kept = _read(connection, empty)
        if compared is None:
            return kept
        found = read_coded(connection, compared, length=None)
        if found is None:
            return kept
        counted = read_frequencies(connection, compared)
        return attrs.evolve(kept, compared={compared: found},
                            frequencies={} if counted is None else {compared: counted})  # fmt: skip
    except sqlite3.DatabaseError as error:
        msg = f"store {str(path)!r} is damaged or not a store: {error}"
        raise StoreError(msg) from error
    finally:
        connection.close()


def _read(connection: sqlite3.Connection, empty: Kept) -> Kept:
    names = _names(connection)
    if "meta" not in names:
        return empty
    text = _get(connection, "linkage_models")
    models = {level: FellegiSunter.from_json(model)
              for level, model in json.loads(text or "{}").items()}  # fmt: skip
    online: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    if "online_records" in names:
        rows = connection.execute("SELECT level, record, id, frame FROM online_records"
                                  " ORDER BY rowid").fetchall()  # fmt: skip
        for level, record, entity, frame in rows:
            online.setdefault(level, []).append((record, entity, json.loads(frame)))
    overrides = Overrides()
    if "overrides" in names:
        overrides = _overrides(connection.execute(
            "SELECT level, decision, left_system, left_source_id, right_system,"
            " right_source_id FROM overrides ORDER BY seq").fetchall())  # fmt: skip
    return Kept(models=models, online=online, overrides=overrides)


def _overrides(rows: list[tuple[str, ...]]) -> Overrides:
    """The decisions in force: the latest one on each pair of records wins."""
    latest: dict[tuple[str, RecordPair], str] = {}
    for level, decision, ls, li, rs, ri in rows:
        pair = tuple(sorted(((ls, li), (rs, ri))))
        latest[(level, (pair[0], pair[1]))] = decision
    found: dict[str, list[RecordPair]] = {}
    for (level, pair), decision in latest.items():
        if decision == "forget":
            continue
        kind = "must_link" if decision == "same" else "cannot_link"
        found.setdefault(f"{kind}_{level}s", []).append(pair)
    return Overrides(**found)


def read_added(path: str | Path) -> list[tuple[str, dict[str, Any], str, str]]:
    """Records added online as dicts in an export's shape: key, row, preset, source name."""
    if not Path(path).exists():
        return []
    connection = _connect(Path(path), wait=_READ_WAIT_SECONDS)
    try:
        if "online_records" not in _names(connection):
            return []
        rows = connection.execute(
            "SELECT record, data, mapping, source FROM online_records"
            " WHERE data IS NOT NULL AND mapping IS NOT NULL ORDER BY rowid"
        ).fetchall()
    finally:
        connection.close()
    return [(record, json.loads(data), mapping, source) for record, data, mapping, source in rows]
