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


def _sort_key(table: Table, name: str) -> npt.NDArray[Any]:
    """A column as numbers that sort like its values (category codes by label)."""
    values = table.column(name)
    if name not in table.categories:
        return values
    labels = np.array(table.categories[name], dtype=object)
    rank = np.empty(len(labels) + 1, dtype=np.int64)
    rank[np.argsort(labels, kind="stable")] = np.arange(len(labels))
    rank[-1] = -1  # a missing label (code -1) sorts first
    ranked: npt.NDArray[np.int64] = rank[values]
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


def merged_order(table: Table, head: int, keys: tuple[str, ...]) -> npt.NDArray[np.intp]:
    """:func:`canonical_order` of a table whose first ``head`` rows are in that order.

    An update appends a few rows to a stored event table: they are put in order among
    themselves, then each is placed among the stored rows by binary search on the keys,
    and only the stored rows tying with a new one on every key are ranked on the other
    columns. The order is the one sorting the whole table gives (rows equal in every
    column are interchangeable), at the cost of the new rows.
    """
    total = len(table)
    if head >= total or head <= 0 or not keys:
        return canonical_order(table, keys) if head <= 0 or not keys else np.arange(total)
    columns = [_sort_key(table, name) for name in keys]
    if any(column.dtype.kind not in "iub" for column in columns):
        return canonical_order(table, keys)  # keys compared as records need exact integers
    tail = np.arange(head, total)
    new = tail[canonical_order(table.take(tail), keys)]
    layout = np.dtype([(f"k{place}", np.int64) for place in range(len(columns))])
    old_keys, new_keys = np.empty(head, dtype=layout), np.empty(len(new), dtype=layout)
    for place, column in enumerate(columns):
        old_keys[f"k{place}"], new_keys[f"k{place}"] = column[:head], column[new]
    start = np.searchsorted(old_keys, new_keys, side="left")  # compared field by field
    end = np.searchsorted(old_keys, new_keys, side="right")
    before = start.copy()  # stored rows ahead of each new one
    tied = np.flatnonzero(start < end)
    if len(tied):
        before[tied] += _stored_ahead(table, new[tied], start[tied], end[tied])
    placed = np.lexsort((np.arange(len(new)), before))  # stable: new rows keep their order
    slots = before[placed] + np.arange(len(new))
    order = np.empty(total, dtype=np.intp)
    taken = np.zeros(total, dtype=bool)
    taken[slots] = True
    order[slots] = new[placed]
    order[~taken] = np.arange(head)
    return order


def _stored_ahead(table: Table, new: npt.NDArray[np.intp], start: npt.NDArray[np.intp],
                  end: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:  # fmt: skip
    """For new rows tying with stored rows ``start:end`` on the keys: how many come first."""
    runs, first = np.unique(start, return_index=True)
    lengths = end[first] - runs
    stored = np.repeat(runs - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    run_of_stored = np.repeat(np.arange(len(runs)), lengths)
    run_of_new = np.searchsorted(runs, start)
    rows = np.concatenate([stored, new])
    run = np.concatenate([run_of_stored, run_of_new])
    is_new = np.concatenate([np.zeros(len(stored), bool), np.ones(len(new), bool)])
    ranks = _tie_ranks(table, rows, run)
    # within a run, a stored row equal to a new one in every column is put first
    within = np.lexsort([is_new, *ranks[::-1], run])
    seen = np.cumsum(~is_new[within])  # stored rows met so far, in the merged order
    opened = np.searchsorted(run[within], np.arange(len(runs)), side="left")
    before_run = np.where(opened > 0, seen[np.maximum(opened - 1, 0)], 0)
    ahead = np.empty(len(rows), dtype=np.intp)
    ahead[within] = seen - before_run[run[within]]
    return ahead[len(stored) :]
