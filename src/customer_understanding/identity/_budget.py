"""The per-record candidate budget across blocking rules (``Linker(max_candidates=)``).

Each rule's keys are capped (a value held by more than ``max_block`` records pairs none of
them); a record's blocks are then taken from the smallest up while their candidates fit
its budget, so a record is compared with a bounded number of others however large the
table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError

if TYPE_CHECKING:
    from customer_understanding.identity._blocking import BlockingRule

__all__ = [
    "block_marks",
    "block_sizes",
    "budget_limits",
    "budgeted",
    "candidate_limits",
    "capped_keys",
    "limits_of",
    "record_marks",
    "rule_keys",
]


def rule_keys(
    rule: BlockingRule, codes: Mapping[str, npt.NDArray[np.int64]]
) -> npt.NDArray[np.int64]:
    """Per record, a compact code of its values on the rule's columns (``-1``: none to share).

    A record whose value on one of the columns is missing, or held by no other record,
    shares the rule's key with nobody: it gets ``-1`` (for a rule on one column, only a
    missing value does), so only the records that can meet another are coded.
    """
    missing = [column for column in rule.on if column not in codes]
    if missing:
        msg = f"blocking rule {rule.name!r} names column {missing[0]!r}, which is not declared"
        raise InvalidValueError(msg)
    keys = codes[rule.on[0]].astype(np.int64)
    if len(rule.on) == 1:
        return keys
    shared = _held_twice(keys)
    for column in rule.on[1:]:
        shared &= _held_twice(codes[column])
    for column in rule.on[1:]:
        other = codes[column]
        joint = keys[shared] * (np.int64(other.max()) + 1) + other[shared]
        keys = np.full(len(keys), -1, dtype=np.int64)
        keys[shared] = pd.factorize(joint)[0]  # compact again, so keys never overflow
    return keys


def _held_twice(codes: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.bool_]:
    """Which records hold a value (code ``>= 0``) that at least one other record holds."""
    present = codes >= 0
    counts = np.bincount(codes[present])
    held: npt.NDArray[np.bool_] = np.zeros(len(codes), dtype=bool)
    held[present] = counts[codes[present]] > 1
    return held


def capped_keys(
    rule: BlockingRule, codes: Mapping[str, npt.NDArray[np.int64]]
) -> tuple[npt.NDArray[np.int64], int, int]:
    """The rule's keys with the too-common values left out; how many values and records."""
    keys = rule_keys(rule, codes)
    if rule.max_block is None or not (keys >= 0).any():
        return keys, 0, 0
    sizes = np.bincount(keys[keys >= 0])
    big = sizes > rule.max_block
    if not big.any():
        return keys, 0, 0
    capped = np.where(keys >= 0, big[np.maximum(keys, 0)], False)
    return np.where(capped, -1, keys), int(big.sum()), int(capped.sum())


def block_sizes(
    keys: npt.NDArray[np.int64], sources: npt.NDArray[np.int64] | None = None
) -> npt.NDArray[np.uint8]:
    """Per record, one more than its candidates under its key (1 when it has none).

    Its candidates are the other records of its block, less those of its own source
    when ``sources`` are given (only records of different sources are paired); at most
    255.
    """
    present = np.flatnonzero(keys >= 0)
    sizes = np.ones(len(keys), dtype=np.uint8)
    if not len(present):
        return sizes
    block = keys[present]
    counts = np.bincount(block)[block]
    if sources is not None and int(np.bincount(sources).max()) > 1:
        joint = block * (np.int64(sources.max()) + 1) + sources[present]
        _, inverse, own = np.unique(joint, return_inverse=True, return_counts=True)
        counts = counts - own[inverse] + 1
    sizes[present] = np.minimum(counts, 255)
    return sizes


def block_marks(
    sizes: npt.NDArray[np.integer[Any]],
    totals: npt.NDArray[np.uint64],
    squares: npt.NDArray[np.uint64],
) -> npt.NDArray[np.uint32]:
    """Marks from block sizes and the sums of the members' positions and of their squares.

    A mark holds the size (one more than the record's candidates, at most 255) in its top
    8 bits and a hash of the block's members in the low 24, so that two rules making one
    block (a person's two records agree on many columns) give equal marks and its
    candidates are counted once. The two sums identify a block in practice. Every engine
    makes its marks here: the local one from whole arrays (:func:`record_marks`), the
    Spark engine from per-block sums.
    """
    members = (totals * np.uint64(0x9E3779B1) + squares) & np.uint64(0xFFFFFF)
    marks: npt.NDArray[np.uint32] = (sizes.astype(np.uint32) << np.uint32(24)) | members.astype(
        np.uint32
    )
    return marks


def record_marks(
    keys: npt.NDArray[np.int64], sizes: npt.NDArray[np.uint8]
) -> npt.NDArray[np.uint32]:
    """Per record, the :func:`block_marks` of its block under one rule's ``keys``."""
    marks = sizes.astype(np.uint32) << np.uint32(24)  # no block: size 1, no members
    # A block that gives no candidates spends nothing, whoever its members are.
    present = np.flatnonzero((keys >= 0) & (sizes > 1))
    if not len(present):
        return marks
    block = keys[present]
    total = np.bincount(block, weights=present.astype(np.float64)).astype(np.uint64)
    squares = np.bincount(block, weights=present.astype(np.float64) ** 2).astype(np.uint64)
    marks[present] = block_marks(sizes[present], total[block], squares[block])
    return marks


# Record-rule cells per step of the budget, so its work arrays (about 30 bytes a cell)
# stay near 30 MB whatever the number of rules.
_CHUNK = 1 << 20


def candidate_limits(
    codes: Mapping[str, npt.NDArray[np.int64]],
    rules: Sequence[BlockingRule],
    *,
    max_candidates: int,
    sources: npt.NDArray[np.int64] | None = None,
) -> npt.NDArray[np.uint8]:
    """Per record, the largest block it may join within its budget of candidates.

    A record's blocks are taken from the smallest to the largest (the most telling keys
    first): a block of ``s`` records gives it ``s - 1`` candidates (less those of its own
    source, given ``sources``; counted once when several rules make the same block), and
    a block is kept while the candidates of all the blocks up to its size stay within
    ``max_candidates`` (blocks of one size are kept or left together, so the order of the
    rules never matters). A record then has at most
    ``max_candidates`` candidates in all, whatever the table's size.

    Examples
    --------
    >>> import numpy as np
    >>> from customer_understanding.identity import BlockingRule
    >>> codes = {"city": np.array([0, 0, 0, 1]), "name": np.array([0, 0, 1, 1])}
    >>> rules = [BlockingRule(on="city"), BlockingRule(on="name")]
    >>> candidate_limits(codes, rules, max_candidates=2).tolist()
    [2, 2, 2, 255]
    """
    n_records = len(next(iter(codes.values()), []))
    keys = [capped_keys(rule, codes)[0] for rule in rules]
    return limits_of(keys, n_records=n_records, max_candidates=max_candidates, sources=sources)


def limits_of(
    keys: Sequence[npt.NDArray[np.integer[Any]]],
    *,
    n_records: int,
    max_candidates: int,
    sources: npt.NDArray[np.int64] | None,
) -> npt.NDArray[np.uint8]:
    """:func:`candidate_limits` from each rule's capped keys."""
    if not keys:
        return np.full(n_records, 255, dtype=np.uint8)
    marks = np.empty((n_records, len(keys)), dtype=np.uint32)
    for r, rule_keys in enumerate(keys):
        wide = rule_keys.astype(np.int64, copy=False)
        marks[:, r] = record_marks(wide, block_sizes(wide, sources))
    return budget_limits(marks, max_candidates=max_candidates)


def budget_limits(marks: npt.NDArray[np.uint32], *, max_candidates: int) -> npt.NDArray[np.uint8]:
    """Per record (a row of ``marks``, one column per rule), the largest block it may join.

    Blocks are taken smallest first; a size is kept while the candidates of every
    distinct block up to it stay within ``max_candidates`` (blocks of one size are kept or
    left together); 255 when every block fits.
    """
    n_records = marks.shape[0]
    limits = np.full(n_records, 255, dtype=np.uint8)
    if not marks.shape[1]:
        return limits
    step = max(_CHUNK // marks.shape[1], 1)
    for start in range(0, n_records, step):
        part = marks[start : start + step]
        # Every block fits where even counting shared candidates twice stays within budget.
        upper = ((part >> np.uint32(24)).astype(np.int32) - 1).sum(axis=1)
        over = np.flatnonzero(upper > max_candidates)
        if not len(over):
            continue
        ordered = np.sort(part[over], axis=1)
        sizes = (ordered >> np.uint32(24)).astype(np.int32)
        fresh = np.ones(ordered.shape, dtype=bool)
        fresh[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
        spent = np.cumsum((sizes - 1) * fresh, axis=1)
        last_of_size = np.ones(ordered.shape, dtype=bool)
        last_of_size[:, :-1] = sizes[:, 1:] != sizes[:, :-1]
        within = (spent <= max_candidates) & last_of_size
        limit = np.where(within, sizes, 1).max(axis=1, initial=1).astype(np.uint8)
        limit[within[:, -1]] = 255  # every block fits, even one counted as 255
        limits[start + over] = limit
    return limits


def budgeted(
    capped: tuple[npt.NDArray[np.integer[Any]], int, int],
    limits: npt.NDArray[np.uint8] | None,
    sources: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], int, int, int]:
    """A rule's capped keys after the records' budgets, with the counts of both."""
    keys: npt.NDArray[np.int64] = capped[0].astype(np.int64, copy=False)
    capped_values, capped_records = capped[1], capped[2]
    if limits is None:
        return keys, capped_values, capped_records, 0
    over = block_sizes(keys, sources) > limits
    return np.where(over, -1, keys), capped_values, capped_records, int(over.sum())
