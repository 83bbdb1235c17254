"""Overrides and guards: record-id pairs, exclusive columns, conflict tokens, u without matches."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.identity._records import Prepared

__all__ = ["Pairs", "conflict_tokens", "exclusive_rows", "positions", "without_matches"]

Pairs = Sequence[tuple[Hashable, Hashable]]


def positions(
    prepared: Prepared, pairs: Pairs | None, name: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    if not pairs:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    index = pd.Index(prepared.ids)
    left = index.get_indexer(pd.Index([a for a, _ in pairs], dtype=object, tupleize_cols=False))
    right = index.get_indexer(pd.Index([b for _, b in pairs], dtype=object, tupleize_cols=False))
    unknown = np.flatnonzero((left < 0) | (right < 0))
    if len(unknown):
        msg = f"{name} pair {tuple(pairs[int(unknown[0])])!r} names an unknown record id"
        raise InvalidValueError(msg)
    return left.astype(np.int64), right.astype(np.int64)


def without_matches(
    u: npt.NDArray[np.float64], m_exact: float, match_share: float
) -> npt.NDArray[np.float64]:
    """Exact-agreement u with the true matches' agreements taken out (at most 20-fold)."""
    exact = max(u[0] - match_share * m_exact, u[0] / 20)
    rest = u[1:] * (1 - exact) / max(float(u[1:].sum()), 1e-12)
    return np.concatenate([[exact], rest])


def exclusive_rows(
    records: pd.DataFrame, columns: Sequence[str]
) -> tuple[list[npt.NDArray[np.int64]], tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """Per exclusive column, one row per distinct value; and must-links for equal values."""
    representatives, lefts, rights = [], [], []
    for column in columns:
        if column not in records.columns:
            msg = f"exclusive column {column!r} is not in the records"
            raise InvalidValueError(msg)
        values = pd.Series(records[column].to_numpy(), dtype="string").str.strip().str.lower()
        codes = np.asarray(pd.factorize(values)[0], dtype=np.int64)  # missing is -1
        present = np.flatnonzero(codes >= 0)
        distinct, first = np.unique(codes[present], return_index=True)
        first_of = np.empty(len(distinct), dtype=np.int64)
        first_of[distinct] = present[first]  # the row where each value first appears
        representatives.append(np.sort(first_of))
        rows = np.setdiff1d(present, first_of, assume_unique=True)
        lefts.append(first_of[codes[rows]])
        rights.append(rows.astype(np.int64))
    empty = np.empty(0, dtype=np.int64)
    return representatives, (np.concatenate([empty, *lefts]), np.concatenate([empty, *rights]))


def conflict_tokens(
    prepared: Prepared,
    cannot: tuple[npt.NDArray[np.int64], ...],
    exclusive: list[npt.NDArray[np.int64]],
    distinct_sources: frozenset[str],
) -> list[frozenset[object]]:
    tokens: dict[int, set[object]] = {}  # only the records that hold any token
    for number, rows in enumerate(exclusive):
        for row in rows.tolist():
            tokens.setdefault(row, set()).add(("exclusive", number))
    if distinct_sources:
        for row in np.flatnonzero(np.isin(prepared.sources, list(distinct_sources))).tolist():
            tokens.setdefault(row, set()).add(("source", prepared.sources[row]))
    for number, (a, b) in enumerate(zip(cannot[0].tolist(), cannot[1].tolist(), strict=False)):
        tokens.setdefault(a, set()).add(("cannot", number))
        tokens.setdefault(b, set()).add(("cannot", number))
    held: list[frozenset[object]] = [frozenset()] * len(prepared)
    for row, token in tokens.items():
        held[row] = frozenset(token)
    return held
