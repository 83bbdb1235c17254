"""Building a customer base into a store, reopening it, and exporting it to Parquet."""

from __future__ import annotations

import json
import os
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from customer_understanding._core import requires
from customer_understanding._errors import InvalidValueError, StoreError
from customer_understanding.base._build import Tables
from customer_understanding.base._lineage import keep_ids
from customer_understanding.base._store import (
    Stored,
    StorePath,
    Writer,
    read_aliases,
    read_store,
    writing,
)
from customer_understanding.identity import IdKey, Resolution, keyed_ids
from customer_understanding.ingest import LoadReport
from customer_understanding.tables import AccountRecords, ContactRecords
from customer_understanding.typing import Resolver

__all__ = [
    "MergedIdWarning",
    "build_stored",
    "export_parquet",
    "open_stored",
    "survivor_of",
]


class MergedIdWarning(UserWarning):
    """An id that was merged into another entity was looked up; its survivor is returned.

    A store keeps an id merged away as an alias of the id that survived (the older one),
    so ids other systems hold keep working; the warning says the entity now has another
    id, which :meth:`CustomerBase.survivor
    <customer_understanding.base.CustomerBase.survivor>` gives without a warning.

    Examples
    --------
    >>> issubclass(MergedIdWarning, UserWarning)
    True
    """


def _store_path(value: object) -> Path:
    if not isinstance(value, str | os.PathLike) or not str(value):
        msg = f"store={value!r} must be a path to a store file"
        raise InvalidValueError(msg)
    return Path(value)


def _key(value: IdKey | None) -> bytes | None:
    with keyed_ids(value):  # checks the secret the one way identity does
        pass
    return value.encode("utf-8") if isinstance(value, str) else value


def _log(writer: Writer, action: str, detail: Mapping[str, Any]) -> None:
    writer.connection.execute(
        "INSERT INTO events (at, actor, action, reason, detail) VALUES (?, ?, ?, ?, ?)",
        (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), None, action, None,
         json.dumps(detail)),
    )  # fmt: skip


def build_stored(
    path: StorePath,
    *,
    id_key: IdKey | None,
    resolver: Resolver,
    run: Callable[[Resolver], Tables],
    report: LoadReport | None,
) -> tuple[Tables, Stored]:
    """Build into a store in one write: ids carried forward, tables and lineage saved.

    ``run`` builds the tables with the resolver it is given; everything it writes and
    everything saved after it commit together or not at all.
    """
    where = _store_path(path)
    given = _key(id_key)
    with writing(where) as writer:
        key = writer.id_key(given)
        build = writer.build_number()

        def log(level: str, detail: dict[str, Any]) -> None:
            _log(writer, "build", {"build": build, "level": level, **detail})

        stable = keep_ids(_as_callable(resolver), writer.connection, build=build, log=log)
        with keyed_ids(key):
            tables = run(stable)
        writer.save({"tables": tables, "report": _storable(report)})
        aliases = read_aliases(writer.connection)
    return tables, Stored(roots={"tables": tables, "report": report}, aliases=aliases)


def _as_callable(
    resolver: Resolver,
) -> Callable[[AccountRecords, ContactRecords], Resolution]:
    return resolver


def _storable(report: LoadReport | None) -> LoadReport | None:
    """The load report if the store can keep it (a problem may hold any value)."""
    from customer_understanding.base._codec import encode

    try:
        encode(report, {}, where="report")
    except InvalidValueError:
        return None
    return report


def open_stored(path: StorePath) -> Stored:
    """A stored base, decoded and checked."""
    where = _store_path(path)
    stored = read_store(where)
    if not isinstance(stored.roots.get("tables"), Tables):
        msg = f"store {str(where)!r} does not hold a customer base's tables"
        raise StoreError(msg)
    return stored


def survivor_of(aliases: Mapping[str, str], entity_id: object, *, warn: bool) -> object:
    """The id an alias was merged into (the id itself when it is no alias)."""
    if not isinstance(entity_id, str) or entity_id not in aliases:
        return entity_id
    survivor = aliases[entity_id]
    if warn:
        message = f"{entity_id!r} was merged into {survivor!r}; returning {survivor!r}"
        warnings.warn(message, MergedIdWarning, stacklevel=4)
    return survivor


def export_parquet(frames: Mapping[str, Callable[[], Any]], directory: StorePath) -> list[Path]:
    """Write each table as ``<name>.parquet`` in ``directory`` (made if missing)."""
    requires("pyarrow", extra="arrow", needed_for="to_parquet()")
    folder = _store_path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames.items():
        target = folder / f"{name}.parquet"
        frame().to_parquet(target, engine="pyarrow", index=False)
        written.append(target)
    return written
