"""Event rows kept in place: a stored table's columns as rows in arrival order, and an order.

An update merges a few new rows into event tables of millions (stages, consent
statements, interactions …) kept in canonical order (see :mod:`._order`): written as
they are, nearly every stored row would move and every column would be written again.
Instead a column whose stored values cannot change (a loaded value, not a looked-up
entity or a category code) keeps its stored blobs, the new rows are appended as one more
part, and the table gains an *order*: which stored row stands at each place. A row an
update dropped (a replaced interaction, the old flag of a record resolved again) stays
behind unreferenced until the table is next written whole: when it has more than
:data:`~customer_understanding.base._store.MAX_PARTS` parts, when half its stored rows
or more would be unused, or at any build or erasure (so an erased person leaves no row
behind).

Reading such a column takes its rows in order (``physical[order]``) when it is first
read; meta's ``arranged`` names, per table, its order's blob, its number of stored rows
and the columns kept so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding.base._codec import Deferred, decode_array

if TYPE_CHECKING:
    import sqlite3

__all__ = ["Placed", "arrange", "place_rows"]

Ints = npt.NDArray[np.int64]


@attrs.frozen(kw_only=True)
class Placed:
    """Where each row of a table an update wrote came from.

    ``source`` gives, per row, the row of the table as the store held it before the
    update (``stored_rows`` of them), or ``-1`` for a row the update made; ``columns``
    are the paths of the table's arrays whose values a stored row keeps (a row found
    there has them unchanged).
    """

    source: Ints
    stored_rows: int
    columns: tuple[str, ...]


def _stored_order(connection: sqlite3.Connection, blob: str) -> Ints:
    row = connection.execute("SELECT kind, length, data, codes FROM arrays WHERE path = ?",
                             (blob,)).fetchone()  # fmt: skip
    return np.asarray(decode_array(tuple(row)), dtype=np.int64)


def place_rows(
    connection: sqlite3.Connection,
    placed: Mapping[str, Placed],
    arrays: Mapping[str, npt.NDArray[Any]],
    *,
    stored_parts: Mapping[str, list[str]],
    max_parts: int,
) -> tuple[list[str], list[tuple[str, npt.NDArray[Any]]], dict[str, list[str]],
           dict[str, Any], set[str], set[str]]:  # fmt: skip
    """The blobs a write keeps, writes and joins for the tables it places in order.

    Returns the stored blobs kept, the blobs to write (path, array), the parts of each
    column kept in place, meta's new ``arranged`` (a table whose rows all stand where
    they are stored needs no order), the columns written here, and those that were
    kept in place and are no longer: their stored rows are not in order, so the caller
    must write them whole, as it writes a table left out here (see the module).
    """
    import json

    from customer_understanding.base._store import _get

    before: dict[str, Any] = json.loads(_get(connection, "arranged") or "{}")
    kept: list[str] = []
    written: list[tuple[str, npt.NDArray[Any]]] = []
    parts: dict[str, list[str]] = {}
    arranged: dict[str, Any] = {}
    handled: set[str] = set()
    held_now = {row[0] for row in connection.execute("SELECT path FROM arrays")}
    for table, where in placed.items():
        known = before.get(table)
        # a column written whole before holds its rows in the table's order: it stays so;
        # one the file does not hold yet (a column its schema gained) is written whole
        names = [n for n in where.columns
                 if (n in known["columns"] if known is not None
                     else all(p in held_now for p in stored_parts.get(n, [n])))]  # fmt: skip
        held = {name: stored_parts.get(name, [name]) for name in names}
        if not held:
            continue
        order = (np.arange(where.stored_rows, dtype=np.int64) if known is None
                 else _stored_order(connection, known["order"]))  # fmt: skip
        rows = where.stored_rows if known is None else int(known["rows"])
        source = np.asarray(where.source, dtype=np.int64)
        fresh = np.flatnonzero(source < 0)
        used = len(source)
        if len(order) != where.stored_rows or (source >= len(order)).any():
            continue  # not the table this store holds: written whole
        if max(map(len, held.values())) >= max_parts or rows + len(fresh) >= 2 * used:
            continue
        now = np.empty(used, dtype=np.int64)
        now[source >= 0] = order[source[source >= 0]]
        now[fresh] = rows + np.arange(len(fresh))
        handled.update(held)
        for path, stored in held.items():
            kept += stored
            joined = [*stored, f"{path}#{len(stored)}"] if len(fresh) else stored
            if len(fresh):
                written.append((joined[-1], np.asarray(arrays[path])[fresh]))
            if len(joined) > 1:
                parts[path] = joined
        if len(now) == rows + len(fresh) and np.array_equal(now, np.arange(len(now))):
            continue  # every row where it is stored (rows only appended): no order needed
        narrow = now.astype(np.int32) if rows + len(fresh) < 2**31 else now
        written.append((f"{table}#order", narrow))
        arranged[table] = {"order": f"{table}#order", "rows": rows + len(fresh),
                           "columns": names}  # fmt: skip
    was = {path for known in before.values() for path in known["columns"]}
    return kept, written, parts, arranged, handled, was - handled


def arrange(arrays: dict[str, Deferred], arranged: Mapping[str, Any]) -> None:
    """Make each column kept in place read its stored rows in the table's order."""
    for known in arranged.values():
        order = arrays[known["order"]]
        for path in known["columns"]:
            arrays[path] = _in_order(arrays[path], order)


def _in_order(physical: Deferred, order: Deferred) -> Deferred:
    def read() -> npt.NDArray[Any]:
        return physical[1]()[order[1]()]

    return order[0], read
