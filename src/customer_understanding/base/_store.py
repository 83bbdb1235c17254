"""The embedded store: one SQLite file holding a customer base and its id lineage.

Layout (schema version :data:`SCHEMA_VERSION`):

- ``meta``: the schema version, the library version that wrote it, the id secret, the
  build count, a random token each write sets anew (``commit``) and the manifest — the
  JSON description of the base's tables made by :mod:`customer_understanding.base._codec`;
- ``arrays``: every column and array the manifest points to, as a typed blob (raw
  numbers with their dtype, text as distinct values and codes); reopening reads
  them in one query without recomputing anything. An array a write only appended rows
  to (the records an update adds) keeps its stored blob and gains one holding the new
  rows: meta's ``parts`` names the blobs of such an array, in order (from schema
  version 2; an array with more than :data:`MAX_PARTS` parts is written whole again);
  an update keeps the loaded columns of event tables in place, with an order (meta's
  ``arranged``, from version 3; see :mod:`customer_understanding.base._in_place`);
  int64 arrays whose values fit in 32 bits are kept in four bytes a value (version 4);
  a table column added to a schema later reads as not known in a file written before it
  (consent statements' ``origin``, version 5);
- ``entities``: every entity id ever given, with the build it was born in;
- ``members``: which entity id each source record belongs to now;
- ``aliases``: ids that were merged away, each with the id that survived;
- ``events``: an append-only log of what each build (and each erasure) did;
- ``suppressed``: keyed hashes of erased people's identifiers, made by the first
  erasure (see :mod:`customer_understanding.base._erasure`).

SQLite runs in WAL mode: readers never wait for a writer, and a writer holds the write
lock from reading the previous ids to committing, so one write is one transaction and
a second writer is refused instead of interleaving.

A process keeps the last base it read from each file while that base is in use: reading
the file again finds the same ``commit`` token and returns it without reading every
array again (an update reads the store it writes, which the caller has just opened).
"""

from __future__ import annotations

import json
import os
import secrets
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy.typing as npt

from customer_understanding._core import typed_fields
from customer_understanding._errors import InvalidValueError, StoreError
from customer_understanding._version import __version__
from customer_understanding.base._codec import (
    decode,
    deferred,
    encode,
    encode_array,
    extends,
    joined,
    known_arrays,
)
from customer_understanding.base._in_place import Placed, arrange, place_rows

if TYPE_CHECKING:
    import sqlite3

__all__ = [
    "MAX_PARTS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Held",
    "StorePath",
    "Stored",
    "Writer",
    "read_aliases",
    "read_events",
    "read_store",
    "writing",
]

#: Where a store lives: a path to one file (made on the first build).
StorePath = str | os.PathLike[str]
#: The schema version this library writes.
SCHEMA_VERSION = 5
#: The most blobs one stored array is kept in before it is written whole again.
MAX_PARTS = 16


def _texts_kind(connection: sqlite3.Connection) -> None:
    """Version 2 adds the ``"texts"`` kind of array (see :mod:`._codec`) and arrays in parts.

    Version 1 arrays stay readable as they are (each one whole), so nothing is
    rewritten: the write that follows may use both.
    """


def _in_place(connection: sqlite3.Connection) -> None:
    """Version 3 keeps the columns of event tables an update writes in place (:mod:`._in_place`).

    A version 2 store holds none: nothing is rewritten, and a version 2 library, which
    would read such a column in its stored order, refuses the file from then on.
    """


def _narrow_numbers(connection: sqlite3.Connection) -> None:
    """Version 4 keeps int64 arrays that fit in 32 bits in four bytes a value (:mod:`._codec`).

    Version 3 arrays stay readable as they are; a version 3 library, which does not
    know the narrow kind, refuses the file from then on.
    """


def _consent_origin(connection: sqlite3.Connection) -> None:
    """Version 5 tells a consent log's statements from records' own flags (``origin``).

    Statements stored before read it as not known, and an update tells them apart by
    their shape as before; nothing is rewritten. A version 4 library, which would refuse
    the table's new column, refuses the file from then on.
    """


#: Migrations from version ``v`` to ``v + 1``, run in order inside the opening write.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _texts_kind, 2: _in_place, 3: _narrow_numbers, 4: _consent_origin,
}  # fmt: skip

_HEADER = b"SQLite format 3\x00"
_WRITE_WAIT_SECONDS = 0.5
_WAL_KEPT_BYTES = 4 << 20
_CHECKPOINT_BYTES = 1000 * 4096  # SQLite's default: 1,000 pages of 4 KiB
#: The page size of a new store: blobs span fewer overflow pages (writes ~40 % cheaper).
_PAGE_BYTES = 32768
_READ_WAIT_SECONDS = 10.0
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB)",
    "CREATE TABLE IF NOT EXISTS arrays (path TEXT PRIMARY KEY, kind TEXT NOT NULL,"
    " length INTEGER NOT NULL, data BLOB NOT NULL, codes BLOB)",
    "CREATE TABLE IF NOT EXISTS entities (level TEXT NOT NULL, id TEXT NOT NULL,"
    " born INTEGER NOT NULL, PRIMARY KEY (level, id))",
    "CREATE TABLE IF NOT EXISTS members (level TEXT NOT NULL, record TEXT NOT NULL,"
    " id TEXT NOT NULL, PRIMARY KEY (level, record))",
    "CREATE TABLE IF NOT EXISTS aliases (level TEXT NOT NULL, alias TEXT NOT NULL,"
    " survivor TEXT NOT NULL, build INTEGER NOT NULL, PRIMARY KEY (level, alias))",
    "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at TEXT NOT NULL, actor TEXT, action TEXT NOT NULL, reason TEXT, detail TEXT)",
)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Stored:
    """What reopening a store gives back: the decoded roots and the id aliases."""

    roots: Mapping[str, Any]
    aliases: Mapping[str, Mapping[str, str]]


#: The last base read from each file, by resolved path: its commit token, its tables
#: (held weakly: kept only while a caller uses them), its other roots and its aliases.
_LAST_READ: dict[str, tuple[str, weakref.ref[Any], dict[str, Any], Any]] = {}


def _fail(path: Path, problem: str) -> StoreError:
    return StoreError(f"store {str(path)!r} {problem}")


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise _fail(path, "is a directory, not a store file")
    if path.exists() and path.stat().st_size:
        with path.open("rb") as handle:
            if handle.read(len(_HEADER)) != _HEADER:
                raise _fail(path, "is not a customer_understanding store (not an SQLite file)")


def _connect(path: Path, *, wait: float, any_thread: bool = False) -> sqlite3.Connection:
    import sqlite3  # lazily: importing the library does not load sqlite3

    _check_file(path)
    new = not path.exists() or not path.stat().st_size
    try:
        connection = sqlite3.connect(path, timeout=wait, isolation_level=None,
                                     check_same_thread=not any_thread)  # fmt: skip
    except sqlite3.Error as error:
        raise _fail(path, f"cannot be opened: {error}") from error
    try:
        if new:  # fixed at creation; a store is mostly large blobs, read and written whole
            connection.execute(f"PRAGMA page_size={_PAGE_BYTES}")
        connection.execute("PRAGMA journal_mode=WAL")
        # A process that keeps a connection open (online adds) keeps the WAL file too: it
        # is cut back after each checkpoint instead of staying as large as the largest write.
        connection.execute(f"PRAGMA journal_size_limit={_WAL_KEPT_BYTES}")
        # SQLite counts the auto-checkpoint in pages: keep it at 4 MiB whatever their size.
        page = int(connection.execute("PRAGMA page_size").fetchone()[0])
        connection.execute(f"PRAGMA wal_autocheckpoint={max(1, _CHECKPOINT_BYTES // page)}")
    except sqlite3.Error as error:
        connection.close()  # a damaged file: nothing may stay open behind the error
        raise _fail(path, f"cannot be opened: {error}") from error
    return connection


def _version(connection: sqlite3.Connection, path: Path) -> int | None:
    """The file's schema version (``None`` for a new, empty file)."""
    names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    if not names:
        return None
    if "meta" not in names:
        raise _fail(path, "is an SQLite file but not a customer_understanding store")
    row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        raise _fail(path, "is an SQLite file but not a customer_understanding store")
    version = int(row[0])
    if version > SCHEMA_VERSION:
        raise _fail(
            path,
            f"was written with schema version {version} by a newer customer_understanding; "
            f"this version ({__version__}) reads schema versions up to {SCHEMA_VERSION}",
        )
    return version


def _prepare(connection: sqlite3.Connection, path: Path) -> None:
    """Create the schema in a new file, or migrate an older one, in the open transaction."""
    version = _version(connection, path)
    if version is None:
        for statement in _SCHEMA:
            connection.execute(statement)
        _set(connection, "schema_version", SCHEMA_VERSION)
        return
    while version < SCHEMA_VERSION:
        MIGRATIONS[version](connection)
        version += 1
        _set(connection, "schema_version", version)


def _set(connection: sqlite3.Connection, key: str, value: Any) -> None:
    connection.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def _get(connection: sqlite3.Connection, key: str) -> Any:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


@attrs.frozen(field_transformer=typed_fields)
class Writer:
    """A store open for one write: the write lock is held until it commits."""

    path: Path
    connection: sqlite3.Connection

    def id_key(self, given: bytes | None, *, configured: bytes | None = None) -> bytes:
        """The store's id secret, kept in it on the first build.

        A new store keeps ``given``, else ``configured`` (the environment's), else a new
        random secret; a ``given`` secret must match the one a store keeps.
        """
        kept = _get(self.connection, "id_key")
        if kept is None:
            kept = next((k for k in (given, configured) if k is not None), None)
            kept = secrets.token_bytes(32) if kept is None else kept
            _set(self.connection, "id_key", kept)
        elif given is not None and bytes(kept) != given:
            msg = (
                f"id_key differs from the secret kept in store {str(self.path)!r}: "
                "ids in a store are keyed with the secret it was first built with"
            )
            raise InvalidValueError(msg)
        return bytes(kept)

    def build_number(self) -> int:
        """The number of this build (1 for the first)."""
        return int(_get(self.connection, "builds") or 0) + 1

    def save(self, roots: Mapping[str, Any], *, previous: Mapping[str, Any] | None = None,
             placed: Mapping[str, Placed] | None = None) -> None:  # fmt: skip
        """Replace the stored base by ``roots`` (encoded generically).

        ``previous`` are the roots the store holds now, as read from it: an array of
        ``roots`` that starts with every row of the array at its path there (made
        already, so nothing is read to compare) keeps its stored blobs, and only the
        rows after them are written, as one more part. ``placed`` says, per table path,
        where an update's rows came from: their columns are kept in place (see
        :mod:`._in_place`).
        """
        arrays: dict[str, npt.NDArray[Any]] = {}
        manifest = {name: encode(value, arrays, where=name) for name, value in roots.items()}
        before: dict[str, npt.NDArray[Any]] = {}
        for name, value in (previous or {}).items():
            before.update(known_arrays(value, where=name))
        stored_parts: dict[str, list[str]] = json.loads(_get(self.connection, "parts") or "{}")
        kept, written, parts, arranged, in_place, out_of_place = place_rows(
            self.connection, placed or {}, arrays, stored_parts=stored_parts, max_parts=MAX_PARTS
        )
        for path, array in arrays.items():
            if path in in_place:
                continue
            if path in out_of_place:  # stored in arrival order: written whole, in order
                written.append((path, array))
                continue
            held, old = stored_parts.get(path, [path]), before.get(path)
            if old is None or len(held) >= MAX_PARTS or not extends(array, old):
                written.append((path, array))
                continue
            kept += held
            if len(array) > len(old):
                held = [*held, f"{path}#{len(held)}"]
                written.append((held[-1], array[len(old) :]))
            if len(held) > 1:
                parts[path] = held
        self.connection.execute("CREATE TEMP TABLE IF NOT EXISTS kept (path TEXT PRIMARY KEY)")
        self.connection.execute("DELETE FROM temp.kept")
        self.connection.executemany("INSERT INTO temp.kept VALUES (?)", ((p,) for p in kept))
        self.connection.execute("DELETE FROM arrays WHERE path NOT IN (SELECT path FROM temp.kept)")
        self.connection.executemany(
            "INSERT INTO arrays VALUES (?, ?, ?, ?, ?)",
            ((path, *encode_array(array, where=path)) for path, array in written),
        )
        _set(self.connection, "parts", json.dumps(parts))
        _set(self.connection, "arranged", json.dumps(arranged))
        _set(self.connection, "manifest", json.dumps(manifest))
        _set(self.connection, "library_version", __version__)
        _set(self.connection, "builds", self.build_number())


class Held:
    """One connection to a store kept open from one write to the next.

    Online adds write one small transaction per record: opening the file for each would
    cost more than the add (and closing the last connection checkpoints the WAL into the
    file each time). The connection is opened again when the path names another file
    than the one it was opened on, and closed when the holder is collected.

    Its commits do not wait for the disk to confirm (SQLite's ``synchronous=NORMAL`` in
    WAL mode): the store stays whole, and a killed process loses nothing committed, but
    a power cut or an operating system crash may lose the last writes made through it.
    """

    def __init__(self) -> None:
        self._open: tuple[Path, tuple[int, int], sqlite3.Connection] | None = None
        self._closer: weakref.finalize[Any, Any] | None = None

    def connection(self, path: Path) -> sqlite3.Connection:
        """A connection to ``path``: the one held, unless the file there has changed."""
        try:
            stat = path.stat()
            identity = (stat.st_dev, stat.st_ino)
        except OSError:  # gone: connecting reports it as a new write would
            identity = (-1, -1)
        if self._open is not None and self._open[:2] == (path, identity):
            return self._open[2]
        self.close()
        # A service's worker threads take turns with the base (serialised, as its adds
        # must be), and the holder is closed by whichever thread lets it go.
        connection = _connect(path, wait=_WRITE_WAIT_SECONDS, any_thread=True)
        # Small writes one after another: a commit need not wait for the disk (a killed
        # process still loses nothing committed; a power cut may lose the last ones).
        connection.execute("PRAGMA synchronous=NORMAL")
        self._open = (path, identity, connection)
        self._closer = weakref.finalize(self, connection.close)
        return connection

    def close(self) -> None:
        """Close the held connection (the next write opens one again)."""
        if self._closer is not None:
            self._closer()
        self._open = self._closer = None


@contextmanager
def writing(path: str | Path, *, held: Held | None = None) -> Iterator[Writer]:
    """Hold a store's write lock for one transaction; commit on success, else roll back.

    ``held`` keeps the connection open for the next write (see :class:`Held`); without
    it the connection is closed when the transaction ends.

    Raises
    ------
    StoreError
        If another process is writing the store, or the file is not a usable store.
    """
    import sqlite3

    where = Path(path)
    connection = (
        _connect(where, wait=_WRITE_WAIT_SECONDS) if held is None else held.connection(where)
    )
    try:
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise _fail(where, "is being written by another process; try again later") from error
        except sqlite3.DatabaseError as error:
            raise _fail(where, f"is damaged or not a store: {error}") from error
        try:
            _prepare(connection, where)
            yield Writer(where, connection)
            _set(connection, "commit", secrets.token_hex(16))  # what a reader saw is stale
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    except BaseException as error:
        if held is not None:
            held.close()  # after a failure the next write starts on a new connection
        if isinstance(error, sqlite3.DatabaseError):
            raise _fail(where, f"is damaged or not a store: {error}") from error
        raise
    finally:
        if held is None:
            connection.close()


def read_aliases(connection: sqlite3.Connection) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {"account": {}, "contact": {}}
    for level, alias, survivor in connection.execute("SELECT level, alias, survivor FROM aliases"):
        found.setdefault(level, {})[alias] = survivor
    return found


def read_events(path: Path) -> list[tuple[Any, ...]]:
    """Every row of a store's event log, oldest first.

    Raises
    ------
    StoreError
        If the file is missing, damaged, not a store, or from a newer schema.
    """
    import sqlite3

    if not path.exists():
        raise _fail(path, "does not exist")
    connection = _connect(path, wait=_READ_WAIT_SECONDS)
    try:
        if _version(connection, path) is None:
            return []
        return connection.execute("SELECT * FROM events ORDER BY seq").fetchall()
    except sqlite3.DatabaseError as error:
        raise _fail(path, f"is damaged or not a store: {error}") from error
    finally:
        connection.close()


def read_store(path: str | Path) -> Stored:
    """Everything a base needs to reopen, read in one transaction.

    Raises
    ------
    StoreError
        If the file is missing, damaged, not a store, or from a newer schema.
    """
    import sqlite3

    where = Path(path)
    if not where.exists():
        raise _fail(where, "does not exist")
    connection = _connect(where, wait=_READ_WAIT_SECONDS)
    try:
        connection.execute("BEGIN")
        if _version(connection, where) is None or _get(connection, "manifest") is None:
            raise _fail(where, "holds no customer base yet")
        token = _get(connection, "commit")
        known = _last_read(where, token)
        if known is not None:
            connection.execute("COMMIT")
            return known
        manifest = _get(connection, "manifest")
        rows = connection.execute("SELECT * FROM arrays").fetchall()
        stored_parts = json.loads(_get(connection, "parts") or "{}")
        arranged = json.loads(_get(connection, "arranged") or "{}")
        aliases = read_aliases(connection)
        connection.execute("COMMIT")
    except sqlite3.DatabaseError as error:
        raise _fail(where, f"is damaged or not a store: {error}") from error
    finally:
        connection.close()
    try:
        arrays = {name: deferred((kind, n, data, codes)) for name, kind, n, data, codes in rows}
        for whole, names in stored_parts.items():  # an array appended to: its parts in order
            arrays[whole] = joined([arrays[name] for name in names])
        arrange(arrays, arranged)  # columns kept in place: their rows in order
        roots = {name: decode(value, arrays) for name, value in json.loads(manifest).items()}
    except (ValueError, TypeError, LookupError, AttributeError, ImportError) as error:
        raise _fail(where, f"is damaged: its contents cannot be read back ({error})") from error
    stored = Stored(roots=roots, aliases=aliases)
    tables = roots.get("tables")
    if token is not None and tables is not None:
        rest = {name: value for name, value in roots.items() if name != "tables"}
        _LAST_READ[str(where.resolve())] = (str(token), weakref.ref(tables), rest, aliases)
    return stored


def _last_read(path: Path, token: object) -> Stored | None:
    """The base last read from ``path`` if its tables are in use and it is the last commit."""
    found = _LAST_READ.get(str(path.resolve()))
    if token is None or found is None or found[0] != str(token):
        return None
    tables = found[1]()
    if tables is None:
        return None
    return Stored(roots={"tables": tables, **found[2]}, aliases=found[3])
