"""Building a customer base into a store, reopening it, and exporting it to Parquet."""

from __future__ import annotations

import json
import os
import time
import warnings
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from customer_understanding._core import requires, typed_fields
from customer_understanding._errors import InvalidValueError, StoreError
from customer_understanding.base._contact_accounts import Seen
from customer_understanding.base._erasure import screen_stored
from customer_understanding.base._kept import keeping_models, save_models
from customer_understanding.base._kept_values import save_built_values
from customer_understanding.base._lineage import keep_ids
from customer_understanding.base._seen import write_seen
from customer_understanding.base._store import (
    Stored,
    StorePath,
    Writer,
    read_aliases,
    read_events,
    read_store,
    writing,
)
from customer_understanding.base._tables import Tables
from customer_understanding.identity import IdKey, Resolution, keyed_ids
from customer_understanding.ingest import Loaded, LoadReport
from customer_understanding.tables import AccountRecords, ContactRecords
from customer_understanding.typing import Resolver

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MergedIdWarning",
    "build_stored",
    "export_parquet",
    "open_stored",
    "stored_events",
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


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class _Log:
    """Appends to a store's event log, every row stamped with one time, actor and reason."""

    writer: Writer
    build: int
    actor: str | None
    reason: str | None
    at: str = attrs.field(factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    def __call__(self, action: str, detail: Mapping[str, Any]) -> None:
        self.writer.connection.execute(
            "INSERT INTO events (at, actor, action, reason, detail) VALUES (?, ?, ?, ?, ?)",
            (self.at, self.actor, action, self.reason, json.dumps({"build": self.build, **detail})),
        )

    def lineage(self, level: str, detail: dict[str, Any]) -> None:
        merged, split = detail.pop("merged"), detail.pop("split")
        self("build", {"level": level, **detail, "merged": len(merged), "split": len(split)})
        for alias, survivor in merged:
            self("merge", {"level": level, "id": survivor, "other_id": alias})
        for kept, new in split:
            self("split", {"level": level, "id": kept, "other_id": new})


def build_stored(
    path: StorePath,
    *,
    id_key: IdKey | None,
    configured: IdKey | None = None,
    resolver: Resolver,
    run: Callable[[Resolver, Callable[[Loaded], Loaded], Seen], Tables],
    report: LoadReport | None,
    actor: str | None = None,
    reason: str | None = None,
) -> tuple[Tables, Stored]:
    """Build into a store in one write: ids carried forward, tables and lineage saved.

    The store's own secret keys the ids; ``id_key`` (given by the caller) must match
    it, ``configured`` (the environment's) is used only for a new store.
    ``run`` builds the tables with the resolver it is given; everything it writes and
    everything saved after it commit together or not at all. The event log gets a
    ``build`` row per level (entities, new ids, merges, splits) and a ``merge`` or
    ``split`` row per id merged away or part split off, each with ``actor`` and ``reason``.
    """
    where = _store_path(path)
    given = _key(id_key)
    default = None if configured is None else _key(configured)
    with writing(where) as writer:
        key = writer.id_key(given, configured=default)
        log = _Log(writer=writer, build=writer.build_number(), actor=actor, reason=reason)
        keeping, models = keeping_models(resolver)  # the fitted models, for online matching
        stable = keep_ids(
            _as_callable(keeping), writer.connection, build=log.build, log=log.lineage
        )
        screen = partial(screen_stored, writer.connection, log=log)
        seen: Seen = {}  # the texts lead-to-account matching reads, kept for updates
        with keyed_ids(key):
            tables = run(stable, screen, seen)
        save_models(writer.connection, models)
        save_built_values(writer.connection, models)
        write_seen(writer.connection, seen)  # after the values it sits with were replaced
        writer.save({"tables": tables, "report": _storable(report)})
        aliases = read_aliases(writer.connection)
    return tables, Stored(roots={"tables": tables, "report": report}, aliases=aliases)


def stored_events(path: StorePath | None) -> pd.DataFrame:
    """A store's event log as a new DataFrame, oldest first (see :meth:`CustomerBase.events`)."""
    import pandas as pd

    rows = [] if path is None else read_events(_store_path(path))
    details = [json.loads(detail or "{}") for *_, detail in rows]
    frame = pd.DataFrame({
        "seq": [row[0] for row in rows],
        # ISO 8601 as written; a time on a whole second has no fraction, so say the format.
        "at": pd.to_datetime([row[1] for row in rows], utc=True, format="ISO8601"),
        "actor": pd.Series([row[2] for row in rows], dtype=object),
        "action": pd.Series([row[3] for row in rows], dtype=object),
        "reason": pd.Series([row[4] for row in rows], dtype=object),
        "build": pd.Series([d.pop("build", None) for d in details], dtype="Int64"),
        "level": pd.Series([d.pop("level", None) for d in details], dtype=object),
        "entity_id": pd.Series([d.pop("id", None) for d in details], dtype=object),
        "other_id": pd.Series([d.pop("other_id", None) for d in details], dtype=object),
    })  # fmt: skip
    frame["detail"] = pd.Series(details, dtype=object)
    return frame


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
        # Times in microseconds, the finest unit Spark and most lakehouse readers accept
        # (a sub-microsecond part, which no export carries, would be cut).
        frame().to_parquet(target, engine="pyarrow", index=False, coerce_timestamps="us",
                           allow_truncated_timestamps=True)  # fmt: skip
        written.append(target)
    return written
