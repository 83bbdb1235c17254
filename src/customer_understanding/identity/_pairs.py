"""Candidate pairs: each blocking rule's pairs from its keys, and their union."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["rule_pairs", "same_source_counts", "union_pairs"]


def same_source_counts(
    keys: npt.NDArray[np.int64], sources: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """How many records share each (key, source) that occurs.

    When every record is its own source (deduplication) that is one per record, found
    without sorting.

    Examples
    --------
    >>> import numpy as np
    >>> same_source_counts(np.array([0, 0, 0, 1]), np.array([0, 0, 1, 1])).tolist()
    [2, 1, 1]
    """
    if not len(sources) or int(np.bincount(sources).max()) == 1:
        return np.ones(len(keys), dtype=np.int64)
    joint = keys.astype(np.int64) * (np.int64(sources.max()) + 1) + sources
    counts: npt.NDArray[np.int64] = np.unique(joint, return_counts=True)[1].astype(np.int64)
    return counts


def rule_pairs(
    keys: npt.NDArray[np.int64], sources: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """The pairs of records sharing a key (of different sources), ``left * n + right``, sorted.

    Blocks of one size are paired together: their members, in record order, are laid out
    as rows of a matrix and every pair of its columns taken at once.
    """
    present = np.flatnonzero(keys >= 0)
    rows = present[np.bincount(keys[present])[keys[present]] > 1]  # only blocks with pairs
    order = rows[np.argsort(keys[rows], kind="stable")]  # by block, each in record order
    fresh = np.ones(len(order), dtype=bool)
    fresh[1:] = keys[order[1:]] != keys[order[:-1]]
    starts = np.flatnonzero(fresh)
    sizes = np.diff(np.append(starts, len(order)))
    mixed = bool(len(sources)) and int(np.bincount(sources).max()) > 1
    parts = []
    for size in np.unique(sizes).tolist():
        first, second = np.triu_indices(size, k=1)
        members = order[starts[sizes == size][:, None] + np.arange(size)]
        left, right = members[:, first].ravel(), members[:, second].ravel()
        if mixed:  # only records of different sources are paired
            keep = sources[left] != sources[right]
            left, right = left[keep], right[keep]
        parts.append(left * np.int64(len(keys)) + right)  # left < right: record order
    encoded: npt.NDArray[np.int64] = np.concatenate([np.empty(0, dtype=np.int64), *parts])
    encoded.sort()  # sorted, a rule's pairs are found in the union without a hash or argsort
    return encoded


def union_pairs(
    encoded: Sequence[npt.NDArray[np.int64]],
) -> tuple[npt.NDArray[np.int64], list[npt.NDArray[np.signedinteger[Any]]]]:
    """The distinct encoded pairs, sorted, and for each rule the rows of its pairs in them.

    The pairs are sorted in one copy (no index arrays beside it), and each rule's pairs
    are found in the union by binary search, fast when they come sorted (as
    :func:`block_by_rule` gives them). Rows are int32 when the union allows.

    Examples
    --------
    >>> import numpy as np
    >>> unique, rows = union_pairs([np.array([7, 3]), np.array([3, 9])])
    >>> unique.tolist(), [r.tolist() for r in rows]
    ([3, 7, 9], [[1, 0], [0, 2]])
    """
    stacked = np.concatenate([np.empty(0, dtype=np.int64), *encoded])
    stacked.sort(kind="stable")  # merges the rules' sorted runs
    fresh = np.ones(len(stacked), dtype=bool)
    fresh[1:] = stacked[1:] != stacked[:-1]
    unique = stacked[fresh]
    del stacked, fresh
    dtype = np.int32 if len(unique) < 2**31 else np.int64
    rows: list[npt.NDArray[np.signedinteger[Any]]] = [
        np.searchsorted(unique, pairs).astype(dtype) for pairs in encoded
    ]
    found: npt.NDArray[np.int64] = unique
    return found, rows
