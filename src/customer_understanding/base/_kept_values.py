"""The compared values of every stored record, kept so an update need not clean them again.

A build cleans each compared column of every record (names folded, phones parsed,
organisations stripped of legal forms …) before blocking; that is most of what indexing
the stored records for an update costs. The store keeps the result, per level and
column, in a table of its own (``compared``: one row per column, the values as a typed
blob, text as distinct values and codes), written by the build and by every update.

The values are row-aligned with the stored records; when the records no longer match
them in number they are not used, and an update indexes the records afresh. They hold
personal data (cleaned e-mail addresses, names, phones): an erasure drops them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.base._codec import decode_array, encode_array
from customer_understanding.identity import Frequencies

if TYPE_CHECKING:
    import sqlite3

__all__ = [
    "Codes",
    "forget_values",
    "kept_frequencies",
    "read_coded",
    "read_frequencies",
    "read_numbers",
    "save_built_values",
    "write_coded",
    "write_frequencies",
    "write_numbers",
]

_TABLE = (
    "CREATE TABLE IF NOT EXISTS compared (level TEXT NOT NULL, name TEXT NOT NULL,"
    " kind TEXT NOT NULL, length INTEGER NOT NULL, data BLOB NOT NULL, codes BLOB,"
    " PRIMARY KEY (level, name))"
)
_SEPARATOR = "\x1f"
#: One column's values as each record's code (-1: missing) and the distinct values.
Codes = tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]


def _encoded(codes: npt.NDArray[Any], uniques: npt.NDArray[Any], *, where: str) -> Any:
    """Values given as codes into distinct texts, stored without coding them again."""
    distinct = uniques.tolist()
    # told in one pass of C (a million values are kept per column): all text, none empty
    text = not distinct or pd.api.types.infer_dtype(distinct, skipna=False) == "string"
    joined = _SEPARATOR.join(distinct) if text else ""
    if text and joined.count(_SEPARATOR) == max(len(distinct) - 1, 0):
        return "text", len(distinct), joined.encode("utf-8"), codes.astype(np.int32).tobytes()
    values = np.full(len(codes), None, dtype=object)
    values[codes >= 0] = uniques[codes[codes >= 0]]
    return encode_array(values, where=where)


def save_built_values(connection: sqlite3.Connection,
                      kept: Mapping[str, Mapping[str, Any]]) -> None:  # fmt: skip
    """Keep what a build's linkers cleaned (their prepared records), per level.

    The blocking keys derived from a field (an organisation's first word …) are kept
    with the fields, as an update keeps them, so the first update need not derive them;
    the term frequencies counted with the model are kept too (by the same codes).
    """
    connection.execute(_TABLE)
    connection.execute("DELETE FROM compared")  # a build without them leaves none stale
    for level, found in kept.items():
        prepared = found.get("records")
        if prepared is None:
            continue
        if found.get("frequencies") is not None:
            write_frequencies(connection, level, found["frequencies"])
        for name, uniques in prepared.uniques.items():
            codes = np.asarray(prepared.codes[name])
            encoded = _encoded(codes, np.asarray(uniques, dtype=object), where=f"{level}.{name}")
            connection.execute("INSERT INTO compared VALUES (?, ?, ?, ?, ?, ?)",
                               (level, name, *encoded))  # fmt: skip


def forget_values(connection: sqlite3.Connection) -> None:
    """Drop every kept value (an erasure: the next update cleans the records again)."""
    connection.execute(_TABLE)
    connection.execute("DELETE FROM compared")


def write_coded(connection: sqlite3.Connection, level: str,
                coded: Mapping[str, Codes]) -> None:  # fmt: skip
    """Replace the kept values of one level, given as codes into distinct values."""
    connection.execute(_TABLE)
    connection.execute("DELETE FROM compared WHERE level = ?", (level,))
    for name, (codes, uniques) in coded.items():
        encoded = _encoded(np.asarray(codes), np.asarray(uniques, dtype=object),
                           where=f"{level}.{name}")  # fmt: skip
        connection.execute("INSERT INTO compared VALUES (?, ?, ?, ?, ?, ?)",
                           (level, name, *encoded))  # fmt: skip


def _kept_rows(connection: sqlite3.Connection, level: str) -> list[Any] | None:
    """The kept arrays of one level as stored (``None``: the store keeps none)."""
    names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    if "compared" not in names:
        return None
    return connection.execute(
        "SELECT name, kind, length, data, codes FROM compared WHERE level = ?", (level,)
    ).fetchall()


def read_coded(connection: sqlite3.Connection, level: str, *,
               length: int | None) -> dict[str, Codes] | None:  # fmt: skip
    """The kept values of one level as codes and distinct values, if there for ``length``.

    ``length=None`` takes them for however many records they were kept for (the
    same for every column). Text is read as the store keeps it, so no value is looked
    at one record at a time.
    """
    rows = _kept_rows(connection, level)
    if rows is None:
        return None
    coded = {}
    for name, kind, size, data, codes in rows:
        if kind == "text":
            found = np.frombuffer(codes or b"", dtype=np.int32).astype(np.int64)
            distinct = np.asarray(data.decode("utf-8").split(_SEPARATOR) if size else [],
                                  dtype=object)  # fmt: skip
        else:
            values = np.asarray(decode_array((kind, size, data, codes)), dtype=object)
            raw, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
            found, distinct = raw.astype(np.int64), np.asarray(uniques, dtype=object)
        if length is not None and len(found) != length:
            return None
        coded[name] = (found, distinct)
    if len({len(found) for found, _ in coded.values()}) > 1:
        return None
    return coded or None


def write_numbers(connection: sqlite3.Connection, level: str,
                  arrays: Mapping[str, npt.NDArray[Any]]) -> None:  # fmt: skip
    """Replace the kept values of one level by numeric arrays, stored as they are."""
    connection.execute(_TABLE)
    connection.execute("DELETE FROM compared WHERE level = ?", (level,))
    for name, array in arrays.items():
        encoded = encode_array(np.ascontiguousarray(array), where=f"{level}.{name}")
        connection.execute("INSERT INTO compared VALUES (?, ?, ?, ?, ?, ?)",
                           (level, name, *encoded))  # fmt: skip


def read_numbers(connection: sqlite3.Connection,
                 level: str) -> dict[str, npt.NDArray[Any]] | None:  # fmt: skip
    """The numeric arrays :func:`write_numbers` kept for one level (``None``: none kept)."""
    rows = _kept_rows(connection, level)
    if rows is None:
        return None
    found = {name: decode_array((kind, size, data, codes))
             for name, kind, size, data, codes in rows}  # fmt: skip
    if not found or any(array.dtype == object for array in found.values()):
        return None
    return found


def _frequencies_level(level: str) -> str:
    return f"{level}.frequencies"


def write_frequencies(connection: sqlite3.Connection, level: str,
                      frequencies: Frequencies) -> None:  # fmt: skip
    """Keep the term frequencies of one level's model, by the codes of its kept values.

    Per column the counts by value code, and its exact-agreement u beside them.
    """
    arrays: dict[str, npt.NDArray[Any]] = {}
    for column, counts in frequencies.counts.items():
        arrays[column] = np.asarray(counts, dtype=np.int64)
        arrays[f"{column}{_SEPARATOR}exact"] = np.array([frequencies.exact[column]])
    write_numbers(connection, _frequencies_level(level), arrays)


def read_frequencies(connection: sqlite3.Connection, level: str) -> Frequencies | None:
    """The term frequencies :func:`write_frequencies` kept (``None``: none kept)."""
    found = read_numbers(connection, _frequencies_level(level))
    if not found:
        return None
    exact = {name.split(_SEPARATOR)[0]: float(array[0]) for name, array in found.items()
             if name.endswith(f"{_SEPARATOR}exact") and len(array) == 1}  # fmt: skip
    counts = {name: array for name, array in found.items() if _SEPARATOR not in name}
    if set(exact) != set(counts):
        return None
    return Frequencies(counts=counts, exact=exact)


def kept_frequencies(frequencies: Frequencies | None, coded: Mapping[str, Codes],
                     columns: list[str]) -> Frequencies | None:  # fmt: skip
    """``frequencies`` if they count each of ``columns`` by the codes of ``coded``.

    Kept values only grow (an update appends the distinct values new to it), so
    counts kept by the codes of an earlier update count by a prefix of them.
    """
    if frequencies is None:
        return None
    fits = all(column in frequencies and column in coded
               and len(frequencies.counts[column]) <= len(coded[column][1])
               for column in columns)  # fmt: skip
    return frequencies if fits else None
