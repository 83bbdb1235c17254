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

__all__ = ["canonical"]

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


def canonical(table: T, keys: tuple[str, ...]) -> T:
    """The table's rows sorted by ``keys``, ties broken by every value of the rows.

    The keys are cheap columns (times, numbers, categories); only the rows that tie on
    all of them are ordered by every column in turn (numbers by value, labels and texts
    alphabetically, missing first), so a table of distinct events costs one sort. Rows
    equal in every column are interchangeable.
    """
    if len(table) < 2:
        return table
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
    return table.take(order)
