"""One row order for event tables, set by the rows' own values rather than by the input.

Scores sum floating-point contributions row by row and lookups take the first match, so a
table handed over in another order could give answers that differ in the last digits or
in a tie. Sorting each event table by its values once, when the base is built, makes
every later step see the same rows in the same order whatever order the exports had.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import sorted_codes
from customer_understanding.tables import Table

__all__ = ["canonical", "canonical_order", "merged_order"]

T = TypeVar("T", bound=Table)


def _label_ranks(table: Table, name: str) -> npt.NDArray[np.int64]:
    """Per code of a category column, its label's rank (the last entry, for -1, is -1)."""
    labels = np.array(table.categories[name], dtype=object)
    rank = np.empty(len(labels) + 1, dtype=np.int64)
    rank[np.argsort(labels, kind="stable")] = np.arange(len(labels))
    rank[-1] = -1  # a missing label (code -1) sorts first
    return rank


def _sort_key(table: Table, name: str) -> npt.NDArray[Any]:
    """A column as numbers that sort like its values (category codes by label)."""
    values = table.column(name)
    if name not in table.categories:
        return values
    ranked: npt.NDArray[np.int64] = _label_ranks(table, name)[values]
    return ranked


def _tied_runs(keys: list[npt.NDArray[Any]], order: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """Each sorted row's run of rows equal on every key (runs numbered from 0)."""
    fresh = np.zeros(len(order), dtype=bool)
    fresh[:1] = True
    for key in keys:
        ordered = key[order]
        same = ordered[1:] == ordered[:-1]
        if ordered.dtype.kind == "f":  # two missing numbers tie
            same |= np.isnan(ordered[1:]) & np.isnan(ordered[:-1])
        fresh[1:] |= ~same
    return np.cumsum(fresh) - 1


def _value_ranks(table: Table, name: str, rows: npt.NDArray[np.intp]) -> npt.NDArray[Any]:
    """Some rows' values of a column as numbers that sort like the values."""
    if name in table.categories or table.column(name).dtype.kind != "O":
        return _sort_key(table, name)[rows]
    codes: npt.NDArray[np.intp] = sorted_codes(table.column(name)[rows])[0]
    return codes  # a missing value (-1) sorts first


def _tie_ranks(table: Table, rows: npt.NDArray[np.intp],
               runs: npt.NDArray[np.intp]) -> list[npt.NDArray[Any]]:  # fmt: skip
    """Per column in turn, the ranks that order the tied ``rows`` within their ``runs``.

    A column is ranked only over the rows still tied with another row of their run on
    every column before it (the others are placed already: rank 0), so the order is
    the one ranking every column would give, and a run told apart by its ids does not
    rank its other text columns.
    """
    group = pd.factorize(runs)[0]
    pending = np.arange(len(rows))
    found: list[npt.NDArray[Any]] = []
    for name in table.SCHEMA.names:
        if not len(pending):
            break
        ranks = np.zeros(len(rows), dtype=np.int64)
        ranked = _value_ranks(table, name, rows[pending])
        ranks[pending] = pd.factorize(ranked, sort=True, use_na_sentinel=False)[0]
        found.append(ranks)
        # the rows' groups, told apart by this column too; keep the rows still tied
        group[pending] = pd.factorize(group[pending] * (len(pending) + 1) + ranks[pending])[0]
        sizes = np.bincount(group[pending])
        pending = pending[sizes[group[pending]] > 1]
    return found


def canonical_order(table: Table, keys: tuple[str, ...]) -> npt.NDArray[np.intp]:
    """The rows of ``table`` in canonical order (see :func:`canonical`), as positions."""
    if len(table) < 2:
        return np.arange(len(table))
    columns = [_sort_key(table, name) for name in keys]
    order = np.lexsort(columns[::-1]) if columns else np.arange(len(table))
    runs = _tied_runs(columns, order)
    sizes = np.bincount(runs)
    tied = sizes[runs] > 1
    if tied.any():
        rows = order[tied]
        ranks = _tie_ranks(table, rows, runs[tied])
        within = np.lexsort([*ranks[::-1], runs[tied]])
        order[tied] = rows[within]
    return order


def canonical(table: T, keys: tuple[str, ...]) -> T:
    """The table's rows sorted by ``keys``, ties broken by every value of the rows.

    The keys are cheap columns (times, numbers, categories); only the rows that tie on
    all of them are ordered by every column in turn (numbers by value, labels and texts
    alphabetically, missing first), so a table of distinct events costs one sort. Rows
    equal in every column are interchangeable.
    """
    return table if len(table) < 2 else table.take(canonical_order(table, keys))


def merged_order(table: Table, head: int, keys: tuple[str, ...], *,
                 dropped: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.intp]:  # fmt: skip
    """:func:`canonical_order` of a table whose first ``head`` rows are in that order.

    An update appends a few rows to a stored event table: they are put in order among
    themselves, then each is placed among the stored rows by binary search, comparing
    the keys and then every column as the sort does (a stored row equal in every column
    comes first). The order is the one sorting the whole table gives (rows equal in
    every column are interchangeable), at the cost of the new rows: a run of a million
    undated flags costs some twenty comparisons per new row, not a ranking of the run.
    ``dropped`` marks stored rows the update leaves out: they are not in the order.
    """
    total = len(table)
    stored = np.arange(head) if dropped is None else np.flatnonzero(~dropped[:head])
    if head >= total:
        return stored
    tail = np.arange(head, total)
    if head <= 0 or not keys or any(table.column(k).dtype.kind not in "iubf" for k in keys):
        return _sorted(table, stored, tail, keys)  # keys the sort compares as objects
    new = tail[canonical_order(table.take(tail), keys)]
    columns = [(table.column(name), _label_ranks(table, name) if name in table.categories
                else None) for name in (*keys, *table.SCHEMA.names)]  # fmt: skip
    low, high = np.zeros(len(new), dtype=np.intp), np.full(len(new), len(stored), dtype=np.intp)
    try:  # low ends as the number of stored rows at or before each new one
        while len(active := np.flatnonzero(low < high)):
            middle = (low[active] + high[active]) // 2
            later = _later(columns, stored[middle], new[active])
            high[active[later]] = middle[later]
            low[active[~later]] = middle[~later] + 1
    except TypeError:  # texts that do not compare: sort as canonical_order does
        return _sorted(table, stored, tail, keys)
    placed = np.lexsort((np.arange(len(new)), low))  # stable: new rows keep their order
    slots = low[placed] + np.arange(len(new))
    order = np.empty(len(stored) + len(new), dtype=np.intp)
    taken = np.zeros(len(order), dtype=bool)
    taken[slots] = True
    order[slots] = new[placed]
    order[~taken] = stored
    return order


def _sorted(table: Table, stored: npt.NDArray[np.intp], tail: npt.NDArray[np.intp],
            keys: tuple[str, ...]) -> npt.NDArray[np.intp]:  # fmt: skip
    """:func:`canonical_order` of the ``stored`` rows kept and the new ``tail``."""
    if len(stored) + len(tail) == len(table):
        return canonical_order(table, keys)
    rows = np.concatenate([stored, tail])
    return rows[canonical_order(table.take(rows), keys)]


def _later(columns: list[tuple[npt.NDArray[Any], npt.NDArray[np.int64] | None]],
           rows: npt.NDArray[np.intp], other: npt.NDArray[np.intp]
           ) -> npt.NDArray[np.bool_]:  # fmt: skip
    """Whether each of ``rows`` comes after its ``other`` row, column by column.

    ``columns`` are a table's columns in schema order, each with its labels' ranks when
    it is a category. Values compare as :func:`canonical_order` ranks them: categories
    by label, texts alphabetically, a missing category or text first, a missing number
    last.
    """
    later = np.zeros(len(rows), dtype=bool)
    open_ = np.ones(len(rows), dtype=bool)  # pairs equal on every column so far
    for values, rank in columns:
        pending = np.flatnonzero(open_)
        if not len(pending):
            break
        a, b = values[rows[pending]], values[other[pending]]
        if rank is not None:
            a, b = rank[a], rank[b]
        if a.dtype.kind == "O":
            gone_a, gone_b = np.asarray(pd.isna(a), bool), np.asarray(pd.isna(b), bool)
            both = ~(gone_a | gone_b)
            less, more = gone_a & ~gone_b, gone_b & ~gone_a
            less[both] = a[both] < b[both]
            more[both] = a[both] > b[both]
        elif a.dtype.kind == "f":
            gone_a, gone_b = np.isnan(a), np.isnan(b)
            less = (a < b) | (gone_b & ~gone_a)
            more = (a > b) | (gone_a & ~gone_b)
        else:
            less, more = a < b, a > b
        later[pending[more]] = True
        open_[pending[less | more]] = False
    return later
