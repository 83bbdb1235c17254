"""Erasing a person from a customer base, in memory or in its store, leaving no trace.

In a store the erasure is one write: the tables are saved without the person, their
source records leave the lineage (``members``), salted hashes of their identifiers go
into ``suppressed`` and an ``erase`` row into the event log. After the commit the WAL is
checkpointed and the file vacuumed (with ``secure_delete`` on while writing), so the
freed pages that held the person's values are gone from both files.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from customer_understanding._core import typed_fields
from customer_understanding._errors import InvalidValueError, NotFoundError, StoreError
from customer_understanding.base._kept_values import forget_values
from customer_understanding.base._privacy import (
    Person,
    fingerprint,
    person_of,
    screen,
    without_person,
)
from customer_understanding.base._store import _get, _set, read_aliases, writing
from customer_understanding.ingest import LoadReport

if TYPE_CHECKING:
    import sqlite3

    from customer_understanding.base._tables import Tables
    from customer_understanding.ingest import Loaded

__all__ = [
    "Erased",
    "check_reason",
    "contact_row",
    "erase_in_memory",
    "erase_stored",
    "screen_stored",
]

#: How long compacting waits for readers of the store to let the WAL be emptied.
_READER_WAIT_MS = 1_000
_SUPPRESSED = (
    "CREATE TABLE IF NOT EXISTS suppressed (hash TEXT PRIMARY KEY, kind TEXT NOT NULL,"
    " erased TEXT NOT NULL)"
)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Erased:
    """The tables and load report without the person, and the aliases of the store."""

    tables: Any
    report: LoadReport | None
    aliases: Mapping[str, Mapping[str, str]]


def check_reason(value: object) -> str:
    """The reason an erasure is made: required, non-blank text (it goes to the event log)."""
    if not isinstance(value, str) or not value.strip():
        msg = f"reason={value!r} must be non-empty text saying why the person is erased"
        raise InvalidValueError(msg)
    return value


def contact_row(tables: Tables, contact_id: object, aliases: Mapping[str, str]) -> int:
    if not isinstance(contact_id, str) or not contact_id:
        msg = f"contact_id={contact_id!r} must be a contact id (text)"
        raise InvalidValueError(msg)
    if contact_id in aliases:
        msg = (
            f"contact_id={contact_id!r} was merged into {aliases[contact_id]!r}; "
            f"erase {aliases[contact_id]!r}, the person's id now"
        )
        raise InvalidValueError(msg)
    found = tables.contacts.column("id") == contact_id
    if not found.any():
        msg = f"contact_id={contact_id!r} is not in the customer base"
        raise NotFoundError(msg)
    return int(found.argmax())


def _mentions(value: object, person: Person) -> bool:
    text = str(value).lower()
    return any(name.lower() in text for name in person.texts())


def scrub_report(report: LoadReport | None, person: Person) -> LoadReport | None:
    """The load report with any problem value or reason naming the person blanked."""
    if report is None:
        return None
    sources = []
    for source in report.sources:
        problems = tuple(
            attrs.evolve(problem, value=None, reason="a value of an erased person")
            if _mentions(problem.value, person) or _mentions(problem.reason, person)
            else problem
            for problem in source.problems
        )
        notes = tuple("a note about an erased person" if _mentions(n, person) else n
                      for n in source.notes)  # fmt: skip
        sources.append(attrs.evolve(source, problems=problems, notes=notes))
    return attrs.evolve(report, sources=tuple(sources))


def erase_in_memory(tables: Tables, contact_id: object, *, report: LoadReport | None,
                    aliases: Mapping[str, str]) -> Erased:  # fmt: skip
    """The tables and report without the contact (nothing is written anywhere)."""
    person = person_of(tables, contact_row(tables, contact_id, aliases), str(contact_id))
    return Erased(tables=without_person(tables, person), report=scrub_report(report, person),
                  aliases={})  # fmt: skip


def _suppress(connection: sqlite3.Connection, person: Person, at: str) -> int:
    key = bytes(_get(connection, "id_key"))
    connection.execute(_SUPPRESSED)
    entries = {
        (fingerprint(key, kind, value), kind)
        for kind, values in person.identifiers().items()
        for value in values
    }
    connection.executemany(
        "INSERT OR IGNORE INTO suppressed VALUES (?, ?, ?)", ((h, k, at) for h, k in entries)
    )
    return len(entries)


def _compact(path: Path) -> None:
    """Checkpoint the WAL into the file, vacuum the freed pages away, truncate the WAL."""
    import sqlite3

    connection = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # does not wait for readers
        connection.execute("VACUUM")
        connection.execute(f"PRAGMA busy_timeout = {_READER_WAIT_MS}")
        busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.Error as error:
        msg = (
            f"store {str(path)!r}: the erasure is committed, but the file could not be "
            f"compacted ({error}); freed pages may still hold the erased values until "
            "VACUUM runs on the file while nobody writes to it"
        )
        raise StoreError(msg) from error
    finally:
        connection.close()
    if busy:
        msg = (
            f"store {str(path)!r}: a reader kept the WAL from being emptied; old pages "
            "holding the erased values stay in it until every process reading the store "
            "has closed it"
        )
        warnings.warn(msg, UserWarning, stacklevel=4)


def erase_stored(path: Path, contact_id: object, *, actor: str | None, reason: str) -> Erased:
    """Erase a contact from a store in one write, then compact the file (see the module)."""
    from customer_understanding.base._adding import with_online
    from customer_understanding.base._stored import open_stored

    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with writing(path) as writer:
        connection = writer.connection
        connection.execute("PRAGMA secure_delete = ON")
        aliases = read_aliases(connection)
        stored = open_stored(path)  # the last commit: nobody else can write while we hold it
        # as the base reads it: a person (or a record of theirs) may have been added online
        tables = with_online(stored.roots["tables"], path, stored.aliases)
        person = person_of(
            tables, contact_row(tables, contact_id, aliases["contact"]), str(contact_id)
        )
        report = stored.roots.get("report")
        report = scrub_report(report if isinstance(report, LoadReport) else None, person)
        erased = without_person(tables, person)
        builds = _get(connection, "builds")
        writer.save({"tables": erased, "report": report})
        _set(connection, "builds", builds)  # an erasure is no build: keep the build count
        connection.executemany(
            "DELETE FROM members WHERE level = 'contact' AND record = ?",
            ((key,) for key in sorted(person.keys)),
        )
        _forget_kept(connection, person)
        forget_values(connection)  # cleaned values of every record, the person's among them
        hashes = _suppress(connection, person, at)
        detail = {"level": "contact", "id": person.contact_id, "records": len(person.records),
                  "identifiers": hashes}  # fmt: skip
        connection.execute(
            "INSERT INTO events (at, actor, action, reason, detail) VALUES (?, ?, ?, ?, ?)",
            (at, actor, "erase", reason, json.dumps(detail)),
        )
    _compact(path)
    return Erased(tables=erased, report=report, aliases=aliases)


def _forget_kept(connection: sqlite3.Connection, person: Person) -> None:
    """Records added online for the person, and steward decisions naming their records."""
    names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    keys = sorted(person.keys)
    if "online_records" in names:
        connection.execute(
            "DELETE FROM online_records WHERE level = 'contact' AND id = ?", (person.contact_id,)
        )
        connection.executemany(
            "DELETE FROM online_records WHERE level = 'contact' AND record = ?",
            ((key,) for key in keys),
        )
    if "overrides" in names:
        connection.executemany(
            "DELETE FROM overrides WHERE level = 'contact' AND (left_system || ':' ||"
            " left_source_id = ? OR right_system || ':' || right_source_id = ?)",
            ((key, key) for key in keys),
        )


def suppression(connection: sqlite3.Connection) -> tuple[bytes, frozenset[str]]:
    """A store's secret and the hashes of erased people's identifiers (for screening).

    Whatever writes records into a store screens them with these first
    (:func:`~customer_understanding.base._privacy.screen_table` for one table).
    """
    names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    if "suppressed" not in names:
        return b"", frozenset()
    hashes = frozenset(row[0] for row in connection.execute("SELECT hash FROM suppressed"))
    return bytes(_get(connection, "id_key")), hashes


def screen_stored(writer_connection: sqlite3.Connection, loaded: Loaded, *,
                  log: Any) -> Loaded:  # fmt: skip
    """``loaded`` without the erased people of the store, logging what was dropped."""
    key, hashes = suppression(writer_connection)
    screened = screen(loaded, key=key, hashes=hashes)
    for source, counts in screened.dropped.items():
        log("suppress", {"source": source, **counts})
    result: Loaded = screened.loaded
    return result
