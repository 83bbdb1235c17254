"""Vectorised lookups that point activity rows at resolved entities and deals."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.tables import Table

__all__ = ["RefIndex", "fill_missing", "free_mail_domains", "lookup_values", "with_none"]

#: Consumer mailbox domains: an address there says nothing about the employer.
free_mail_domains = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "ymail.com", "icloud.com", "me.com", "aol.com", "proton.me",
        "protonmail.com", "gmx.de", "gmx.net", "web.de", "mail.com", "yandex.ru",
        "qq.com", "163.com",
    }
)  # fmt: skip


def _keys(systems: npt.NDArray[Any], refs: npt.NDArray[Any]) -> pd.Series[str]:
    return pd.Series(systems, dtype="string") + "\x1f" + pd.Series(refs, dtype="string")


class RefIndex:
    """Maps (system, id in that system) to a target row, e.g. a record's entity."""

    def __init__(self, records: Table, targets: npt.NDArray[np.int64]) -> None:
        keys = _keys(records.labels("system"), records.column("source_id"))
        unique = ~keys.duplicated(keep="first").to_numpy() & keys.notna().to_numpy()
        self._index = pd.Index(keys[unique])
        self._targets = np.append(targets[unique], -1)

    def find(self, table: Table, ref_column: str) -> npt.NDArray[np.int64]:
        """The target row for each row of ``table`` by its ``ref_column`` (-1 if none)."""
        keys = _keys(table.labels("system"), table.column(ref_column))
        position = self._index.get_indexer(pd.Index(keys.fillna("")))
        return self._targets[np.where(position < 0, len(self._targets) - 1, position)]


def lookup_values(
    keys: npt.NDArray[Any], table_keys: npt.NDArray[Any], targets: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """For each key, the target of its first match in ``table_keys`` (-1 if none or missing)."""
    frame = pd.Series(table_keys, dtype="string")
    unique = ~frame.duplicated(keep="first").to_numpy() & frame.notna().to_numpy()
    index = pd.Index(frame[unique])
    position = index.get_indexer(pd.Index(pd.Series(keys, dtype="string").fillna("\x00")))
    padded = np.append(targets[unique], -1)
    return padded[np.where(position < 0, len(padded) - 1, position)]


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
