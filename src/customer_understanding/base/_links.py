"""Vectorised lookups that point activity rows at resolved entities and deals."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.tables import Table

__all__ = ["RefIndex", "ValueIndex", "fill_missing", "lookup_values", "with_none"]


def _unique_index(
    keys: npt.NDArray[Any], targets: npt.NDArray[np.int64]
) -> tuple[pd.Index[Any], npt.NDArray[np.int64]]:
    """An index of the distinct present keys (first occurrence wins) and their targets."""
    frame = pd.Series(keys, dtype=object)
    keep = (~frame.duplicated(keep="first") & frame.notna()).to_numpy()
    return pd.Index(keys[keep], dtype=object), np.append(targets[keep], -1)


def _lookup(
    index: pd.Index[Any], targets: npt.NDArray[np.int64], keys: npt.NDArray[Any]
) -> npt.NDArray[np.int64]:
    position = index.get_indexer(pd.Index(keys, dtype=object))
    return targets[np.where(position < 0, len(targets) - 1, position)]


class RefIndex:
    """Maps (system, id in that system) to a target row, e.g. a record's entity.

    Ids are looked up system by system, so no combined key strings are built.
    """

    def __init__(self, records: Table, targets: npt.NDArray[np.int64]) -> None:
        systems = records.column("system")
        ids = records.column("source_id")
        self._by_system = {
            label: _unique_index(ids[systems == code], targets[systems == code])
            for code, label in enumerate(records.categories["system"])
        }

    def mapped(self, targets: npt.NDArray[np.int64]) -> RefIndex:
        """The same look-up, each record's row mapped through ``targets`` (e.g. its entity).

        The index must have been made with each record's row as its target; the ids are
        not hashed again.
        """
        other = object.__new__(RefIndex)
        other._by_system = {
            label: (index, np.append(np.asarray(targets)[found[:-1]], -1))
            for label, (index, found) in self._by_system.items()
        }
        return other

    def find(
        self, table: Table, ref_column: str, rows: npt.NDArray[np.bool_] | None = None
    ) -> npt.NDArray[np.int64]:
        """The target row for each row of ``table`` by its ``ref_column`` (-1 if none).

        With ``rows`` (a mask), only those rows are looked up, in their order.
        """
        systems = table.column("system")
        refs = table.column(ref_column)
        if rows is not None:
            systems, refs = systems[rows], refs[rows]
        found = np.full(len(systems), -1, dtype=np.int64)
        for code, label in enumerate(table.categories["system"]):
            if label in self._by_system:
                same = np.flatnonzero(systems == code)
                found[same] = _lookup(*self._by_system[label], refs[same])
        return found


class ValueIndex:
    """The values of a column, hashed once, to look keys up in (e-mail addresses, domains).

    A build looks the contact records' e-mail addresses up several times (statements,
    people and teams on interactions): made once, the index serves each lookup.
    """

    def __init__(self, values: npt.NDArray[Any]) -> None:
        # One hashing pass: the distinct values come in order of first sight.
        self.codes, distinct = pd.factorize(pd.Series(values, dtype=object))
        self.present = np.flatnonzero(self.codes >= 0)
        self.distinct = pd.Index(distinct, dtype=object)
        self._first = np.full(len(distinct), len(self.codes), dtype=np.int64)
        np.minimum.at(self._first, self.codes[self.present], self.present)

    def find(self, keys: npt.NDArray[Any], targets: npt.NDArray[np.int64], *,
             agreed: bool = False) -> npt.NDArray[np.int64]:  # fmt: skip
        """For each key, the target of its first match (-1 if none or missing).

        ``targets`` gives each indexed value's target. With ``agreed``, a key whose
        matches point at different targets finds none: an e-mail address several
        people share names none of them.
        """
        codes, present = self.codes, self.present
        found = np.append(targets[self._first], -1) if len(codes) else np.array([-1])
        if agreed and len(present):
            low = np.full(len(self.distinct), np.iinfo(np.int64).max, dtype=np.int64)
            high = np.full(len(self.distinct), np.iinfo(np.int64).min, dtype=np.int64)
            np.minimum.at(low, codes[present], targets[present])
            np.maximum.at(high, codes[present], targets[present])
            found[:-1][low != high] = -1
        return _lookup(self.distinct, found.astype(np.int64), keys)


def lookup_values(
    keys: npt.NDArray[Any],
    table_keys: npt.NDArray[Any],
    targets: npt.NDArray[np.int64],
    *,
    agreed: bool = False,
) -> npt.NDArray[np.int64]:
    """For each key, the target of its first match in ``table_keys`` (see :class:`ValueIndex`)."""
    return ValueIndex(table_keys).find(keys, targets, agreed=agreed)


def with_none(values: npt.NDArray[Any]) -> npt.NDArray[np.object_]:
    """``values`` as an object array with ``None`` appended, so that row ``-1`` reads ``None``."""
    padded = np.empty(len(values) + 1, dtype=object)
    padded[:-1] = values
    padded[-1] = None
    return padded


def fill_missing(
    current: npt.NDArray[np.int64], fallback: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Take ``fallback`` where ``current`` is -1."""
    return np.where(current < 0, fallback, current)
