"""Columns with spare rows after their end, so that adding one record copies no table.

A record added online appends one row to its level's records, one entry to the
record → entity assignment and, for a new entity, one row to the entity table, its id
and key; the entity it reached has its row written again. Made by concatenation, each
of those is a copy of a whole table per record: tens of milliseconds on a graph of a
million records. Here each column lives in a buffer with room after its end (twice
what it holds, doubled when full), tables are read-only views of the first rows, and
an add writes past the end of the views handed out, or one entity row.

Rows past a view's end belong to no table, so appending changes no table handed out
before. An entity row written again is written in place: a table read before the add
shows the refreshed row too (what :meth:`CustomerBase.add` documents).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import Buffer
from customer_understanding.tables import Table

__all__ = ["Members", "Room", "RowLookup", "evolved"]

T = TypeVar("T", bound=Table)
A = TypeVar("A", bound=attrs.AttrsInstance)
Ints = npt.NDArray[np.int64]


def evolved(instance: A, **changes: Any) -> A:
    """``instance`` (a frozen attrs class) with ``changes``, its converters not run again.

    :func:`attrs.evolve` converts every field again, and the converters of a
    :class:`~customer_understanding.identity.Resolution` or of the base's tables copy
    each array they are given: a copy of every assignment and id per record added. The
    arrays given here are read-only already (views made in this module).
    """
    made = object.__new__(type(instance))
    for field in attrs.fields(type(instance)):
        value = changes[field.name] if field.name in changes else getattr(instance, field.name)
        object.__setattr__(made, field.name, value)
    return made


class Room(Generic[T]):
    """A table whose columns are :class:`Buffer` s: ``view`` is the table of their rows."""

    def __init__(self, table: T, *, extra: int = 1) -> None:
        self.kind = type(table)
        self.categories = dict(table.categories)
        self.buffers = {name: Buffer(table.column(name), extra=extra)
                        for name in table.SCHEMA.names}  # fmt: skip
        self.view = self._viewed()

    def _viewed(self) -> T:
        return self.kind({name: buffer.view for name, buffer in self.buffers.items()},
                         dict(self.categories))  # fmt: skip

    def put(self, rows: Ints, part: T) -> T:
        """The table with ``part``'s rows at ``rows`` (rows before the end, or the next ones).

        ``part``'s category codes are put in the table's labels; a label the table lacks
        makes that column's labels anew (sorted, as :meth:`Table.concat` merges them),
        in a new buffer.
        """
        for column in self.kind.SCHEMA.columns:
            name = column.name
            values = part.column(name)
            if column.kind == "category":
                values = self._codes(name, values, part.categories[name])
            self.buffers[name].put(rows, values)
        self.view = self._viewed()
        return self.view

    def _codes(self, name: str, codes: npt.NDArray[Any], labels: tuple[str, ...]) -> Any:
        """``codes`` (into ``labels``) as codes into the column's labels, grown when needed."""
        mine = self.categories[name]
        if labels == mine:
            return codes
        position = {label: code for code, label in enumerate(mine)}
        if any(label not in position for label in labels):
            buffer = self.buffers[name]
            merged = tuple(sorted({*mine, *labels}))
            position = {label: code for code, label in enumerate(merged)}
            buffer.replace(_lookup(mine, position)[buffer.view])
            self.categories[name] = merged
        return _lookup(labels, position)[codes]


def _lookup(labels: tuple[str, ...], position: Mapping[str, int]) -> npt.NDArray[np.int32]:
    """Old code → new code (``position`` of each label), with -1 (the last entry) kept."""
    return np.array([position[label] for label in labels] + [-1], dtype=np.int32)


class Members:
    """The records of each entity, found without a pass over every record.

    Made from the record → entity assignment once (a stable sort), then told of each
    record added.
    """

    def __init__(self, assignment: Ints) -> None:
        self.order = np.argsort(assignment, kind="stable").astype(np.int64)
        self.starts = np.searchsorted(assignment[self.order], np.arange(int(
            assignment.max(initial=-1)) + 2))  # fmt: skip
        self.added: dict[int, list[int]] = {}

    def add(self, record: int, entity: int) -> None:
        """Record ``record`` now belongs to ``entity``."""
        self.added.setdefault(entity, []).append(record)

    def of(self, entities: Ints) -> Ints:
        """The records of ``entities``, in record order."""
        parts = [self.order[self.starts[e] : self.starts[e + 1]] for e in entities.tolist()
                 if e + 1 < len(self.starts)]  # fmt: skip
        parts += [np.array(self.added[e], dtype=np.int64) for e in entities.tolist()
                  if e in self.added]  # fmt: skip
        return np.sort(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)


class RowLookup:
    """Entity id → row: a pandas index over the ids it was made with, then a dict of new ones.

    A new entity comes last in its table, so the lookup grows by the new ids at the end
    without hashing every id again; it answers what the base asks of a pandas index.
    """

    def __init__(self, ids: npt.NDArray[np.object_] | pd.Index[Any]) -> None:
        self.index = ids if isinstance(ids, pd.Index) else pd.Index(ids)
        self.extra: dict[str, int] = {}
        self.last: object = ids[-1] if len(ids) else None

    def __len__(self) -> int:
        return len(self.index) + len(self.extra)

    def __contains__(self, value: object) -> bool:
        return value in self.extra or value in self.index

    def grown(self, ids: npt.NDArray[np.object_]) -> RowLookup:
        """The lookup told of the ids after its own in ``ids`` (a new one when not grown so)."""
        n = len(self)
        if n > len(ids) or (n and ids[n - 1] != self.last):  # not grown at the end: anew
            return RowLookup(ids)
        for row in range(n, len(ids)):
            self.extra[ids[row]] = row
        self.last = ids[-1] if len(ids) else None
        return self

    def get_indexer(self, values: pd.Index[Any] | Mapping[Any, Any]) -> npt.NDArray[np.intp]:
        """The row of each of ``values``, -1 when not held (as :meth:`pandas.Index.get_indexer`)."""
        target = values if isinstance(values, pd.Index) else pd.Index(list(values))
        rows = self.index.get_indexer(target)
        if self.extra:
            for place in np.flatnonzero(rows < 0).tolist():
                rows[place] = self.extra.get(target[place], -1)
        return rows
