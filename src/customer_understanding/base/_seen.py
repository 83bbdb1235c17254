"""The texts lead-to-account matching read, kept in the store so an update reads only new ones.

Matching contacts to accounts reads every account record's domain (its host) and the
company names typed on contact records (without legal suffixes). Each text reads the
same wherever it appears, so what a build or an update read is kept, per kind, as
distinct texts and what each read as, next to the records' compared values (see
:mod:`._kept_values`); the next update looks them up instead of reading them again,
which makes its account side grow with the texts it has not seen, not with the stored
records. The kept texts are a cache: without them (a store from before, or after an
erasure, which drops them with every kept value) the texts are read again, with the
same answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from customer_understanding.base._contact_accounts import Seen
from customer_understanding.base._kept_values import (
    read_coded,
    read_numbers,
    write_coded,
    write_numbers,
)

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Mapping

__all__ = ["NAME_KEYS", "read_seen", "seen_sizes", "write_seen"]

#: The kinds of text :class:`LeadToAccount` reads (see :meth:`LeadToAccount.prepare`) and
#: the spellings votes remember (see :func:`survivors`).
_KINDS = ("domain", "organisation", "spelling:name", "spelling:organisation", "spelling:text")
#: Where the account names indexed are (see :meth:`LeadToAccount.prepare`): arrays, not texts.
NAME_KEYS = "name_keys"


def _level(kind: str) -> str:
    return f"seen.{kind}"


def read_seen(connection: sqlite3.Connection) -> Seen:
    """The texts read before, per kind (empty for a kind the store keeps none of)."""
    seen: Seen = {}
    names = read_coded(connection, _level(NAME_KEYS), length=None)
    pairs = read_numbers(connection, _level(f"{NAME_KEYS}.pairs"))
    if names is not None and pairs is not None and {"owner", "key"} <= set(pairs):
        choices = names["choice"]
        seen[NAME_KEYS] = {"choice": choices[1][choices[0]], **pairs}
    for kind in _KINDS:
        coded = read_coded(connection, _level(kind), length=None)
        texts, read = (None, None) if coded is None else (coded.get("text"), coded.get("read"))
        if texts is None or read is None:
            continue
        keys = texts[1][texts[0]]  # every text once, each with a code of its own
        values = np.append(read[1], np.array([None], dtype=object))[read[0]]  # -1: nothing
        seen[kind] = dict(zip(keys.tolist(), values.tolist(), strict=True))
    return seen


def seen_sizes(seen: Seen) -> dict[str, Any]:
    """What ``seen`` holds now, to tell later what changed.

    How many texts of each kind, and the names' index itself (indexing names again puts
    a new one in its place).
    """
    return {kind: held if kind == NAME_KEYS else len(held) for kind, held in seen.items()}


def write_seen(connection: sqlite3.Connection, seen: Seen,
               before: Mapping[str, Any] | None = None) -> None:  # fmt: skip
    """Keep what changed since ``before`` (:func:`seen_sizes`; everything without it)."""
    held = seen.get(NAME_KEYS)
    if held is not None and (before is None or held is not before.get(NAME_KEYS)):
        choices = np.asarray(held["choice"], dtype=object)
        write_coded(connection, _level(NAME_KEYS),
                    {"choice": (np.arange(len(choices), dtype=np.int64), choices)})  # fmt: skip
        write_numbers(connection, _level(f"{NAME_KEYS}.pairs"),
                      {name: held[name] for name in ("owner", "key")})  # fmt: skip
    for kind in _KINDS:
        texts: dict[str, Any] = seen.get(kind, {})
        if before is not None and len(texts) == before.get(kind, 0):
            continue
        keys = np.empty(len(texts), dtype=object)
        keys[:] = list(texts)
        values = np.empty(len(texts), dtype=object)
        values[:] = list(texts.values())
        codes, distinct = pd.factorize(values, use_na_sentinel=True)
        write_coded(connection, _level(kind), {
            "text": (np.arange(len(keys), dtype=np.int64), keys),
            "read": (codes.astype(np.int64), np.asarray(distinct, dtype=object)),
        })  # fmt: skip
