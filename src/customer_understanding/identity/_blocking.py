"""Blocking: which record pairs are worth comparing at all.

A :class:`BlockingRule` pairs records whose normalised values agree on every column it
names. Several rules are combined by taking the union of their pairs, so a true match is
found when *any* rule catches it. Before any pair is built, :func:`blocking_report` counts
what each rule would produce, and a guard stops a rule that would blow up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    TableExport,
    html_table,
    positive_or_none,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError

__all__ = [
    "BlockingReport",
    "BlockingRule",
    "block",
    "block_and_report",
    "block_by_rule",
    "blocking_report",
    "candidate_limits",
    "same_source_counts",
    "union_pairs",
]


def _as_tuple(values: object) -> tuple[str, ...]:
    if isinstance(values, str):
        return (values,)
    if not isinstance(values, Sequence) or not all(isinstance(v, str) for v in values):
        msg = f"on={values!r} must be a sequence of column names"
        raise InvalidValueError(msg)
    if not values:
        msg = "on=() must name at least one column"
        raise InvalidValueError(msg)
    return tuple(values)


def _check_name(instance: object, attribute: object, value: object) -> None:
    if not isinstance(value, str) or not value:
        msg = f"name={value!r} must be a non-empty string"
        raise InvalidValueError(msg)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class BlockingRule:
    """Pair the records that agree exactly on every one of ``on`` (after normalisation).

    Parameters
    ----------
    on
        Column names; a record missing any of them is not paired by this rule.
    name
        How reports and errors call the rule (default: the columns joined by ``" & "``).
    max_block
        A value held by more records than this pairs none of them through this rule (it
        tells little and its pairs grow with the square of its records); the report says
        how many values and records were capped. ``None``: no cap.

    Examples
    --------
    >>> BlockingRule(on=("surname", "postcode")).name
    'surname & postcode'
    >>> BlockingRule(on="phone", max_block=20).max_block
    20
    """

    on: tuple[str, ...] = attrs.field(converter=_as_tuple)
    name: str = attrs.field(
        default=attrs.Factory(lambda self: " & ".join(self.on), takes_self=True),
        validator=_check_name,
    )
    max_block: int | None = attrs.field(default=None, validator=positive_or_none)


def _capped(
    rule: BlockingRule, codes: Mapping[str, npt.NDArray[np.int64]]
) -> tuple[npt.NDArray[np.int64], int, int]:
    """The rule's keys with the too-common values left out; how many values and records."""
    keys = _keys(rule, codes)
    if rule.max_block is None or not (keys >= 0).any():
        return keys, 0, 0
    sizes = np.bincount(keys[keys >= 0])
    big = sizes > rule.max_block
    if not big.any():
        return keys, 0, 0
    capped = np.where(keys >= 0, big[np.maximum(keys, 0)], False)
    return np.where(capped, -1, keys), int(big.sum()), int(capped.sum())


def _block_sizes(
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


def _block_marks(
    keys: npt.NDArray[np.int64], sizes: npt.NDArray[np.uint8]
) -> npt.NDArray[np.uint32]:
    """Per record, its ``sizes`` (top 8 bits) and a hash of its block's members (low 24).

    Two rules that put a record in the same block (a person's two records agree on many
    columns) give it equal marks, so the block's candidates are counted once.
    """
    marks = sizes.astype(np.uint32) << np.uint32(24)  # no block: size 1, no members
    present = np.flatnonzero(keys >= 0)
    if not len(present):
        return marks
    block = keys[present]
    # sums of the members' positions and of their squares identify a block in practice
    total = np.bincount(block, weights=present.astype(np.float64)).astype(np.uint64)
    squares = np.bincount(block, weights=present.astype(np.float64) ** 2).astype(np.uint64)
    members = ((total * np.uint64(0x9E3779B1) + squares) & np.uint64(0xFFFFFF)).astype(np.uint32)
    marks[present] |= members[block]
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
    >>> codes = {"city": np.array([0, 0, 0, 1]), "name": np.array([0, 0, 1, 1])}
    >>> rules = [BlockingRule(on="city"), BlockingRule(on="name")]
    >>> candidate_limits(codes, rules, max_candidates=2).tolist()
    [2, 2, 2, 255]
    """
    n_records = len(next(iter(codes.values()), []))
    keys = [_capped(rule, codes)[0] for rule in rules]
    return _limits_of(keys, n_records=n_records, max_candidates=max_candidates, sources=sources)


def _limits_of(
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
        marks[:, r] = _block_marks(wide, _block_sizes(wide, sources))
    limits = np.full(n_records, 255, dtype=np.uint8)
    step = max(_CHUNK // len(keys), 1)
    for start in range(0, n_records, step):
        ordered = np.sort(marks[start : start + step], axis=1)
        sizes = (ordered >> np.uint32(24)).astype(np.int32)
        fresh = np.ones(ordered.shape, dtype=bool)
        fresh[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
        spent = np.cumsum((sizes - 1) * fresh, axis=1)
        last_of_size = np.ones(ordered.shape, dtype=bool)
        last_of_size[:, :-1] = sizes[:, 1:] != sizes[:, :-1]
        within = (spent <= max_candidates) & last_of_size
        limit = np.where(within, sizes, 1).max(axis=1, initial=1).astype(np.uint8)
        limit[within[:, -1]] = 255  # every block fits, even one counted as 255
        limits[start : start + step] = limit
    return limits


def _budgeted(
    capped: tuple[npt.NDArray[np.integer[Any]], int, int],
    limits: npt.NDArray[np.uint8] | None,
    sources: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], int, int, int]:
    """A rule's capped keys after the records' budgets, with the counts of both."""
    keys: npt.NDArray[np.int64] = capped[0].astype(np.int64, copy=False)
    capped_values, capped_records = capped[1], capped[2]
    if limits is None:
        return keys, capped_values, capped_records, 0
    over = _block_sizes(keys, sources) > limits
    return np.where(over, -1, keys), capped_values, capped_records, int(over.sum())


def _keys(rule: BlockingRule, codes: Mapping[str, npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
    missing = [column for column in rule.on if column not in codes]
    if missing:
        msg = f"blocking rule {rule.name!r} names column {missing[0]!r}, which is not declared"
        raise InvalidValueError(msg)
    keys = codes[rule.on[0]].astype(np.int64)
    for column in rule.on[1:]:
        other = codes[column]
        present = (keys >= 0) & (other >= 0)
        joint = keys[present] * (np.int64(other.max()) + 1) + other[present]
        keys = np.full(len(keys), -1, dtype=np.int64)
        keys[present] = pd.factorize(joint)[0]  # compact again, so keys never overflow
    return keys


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


def _count(keys: npt.NDArray[np.int64], sources: npt.NDArray[np.int64]) -> tuple[int, int, int]:
    """Pairs the keys yield, the largest block, and the pairs of that block."""
    present = keys >= 0
    if not present.any():
        return 0, 0, 0
    sizes = np.bincount(keys[present]).astype(np.int64)
    same_source = same_source_counts(keys[present], sources[present])
    pairs = (int((sizes**2).sum()) - int((same_source**2).sum())) // 2
    largest = int(sizes.max())
    return pairs, largest, largest * (largest - 1) // 2


def _pairs(keys: npt.NDArray[np.int64], sources: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    rows = np.flatnonzero(keys >= 0)
    order = rows[np.argsort(keys[rows], kind="stable")]
    sorted_keys = keys[order]
    ends = np.searchsorted(sorted_keys, sorted_keys, side="right")
    counts = ends - np.arange(len(order)) - 1
    total = int(counts.sum())
    first = np.repeat(np.arange(len(order)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    left, right = order[first], order[first + offsets]
    keep = sources[left] != sources[right]
    left, right = np.minimum(left[keep], right[keep]), np.maximum(left[keep], right[keep])
    encoded: npt.NDArray[np.int64] = left * np.int64(len(keys)) + right
    encoded.sort()  # sorted, a rule's pairs are found in the union without a hash or argsort
    return encoded


@attrs.frozen(field_transformer=typed_fields, repr=False)
class BlockingReport(TableExport):
    """What each blocking rule would yield: its pairs and its largest block.

    One row per rule: ``rule``, ``pairs``, ``largest_block``, ``largest_share`` (the
    share of the rule's pairs that its largest block makes), ``capped_values`` and
    ``capped_records`` (values over the rule's ``max_block`` and the records they held),
    ``budget_records`` (records that left the rule because their smaller blocks had spent
    their budget of candidates, ``Linker(max_candidates=)``), ``placeholders`` (records
    whose value on one of the rule's columns was a placeholder or junk, read as missing)
    and ``why`` (what was capped and why, in words; empty when nothing was).

    Examples
    --------
    >>> import numpy as np
    >>> report = blocking_report({"city": np.array([0, 0, 1])}, [BlockingRule(on=("city",))],
    ...                          sources=np.arange(3))
    >>> report, len(report)
    (BlockingReport: 1 row, pairs=1, 1)
    """

    _frame: pd.DataFrame = attrs.field(alias="frame")

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        return summary("BlockingReport", len(self), pairs=int(self._frame["pairs"].sum()))

    def _repr_html_(self) -> str:
        return html_table(repr(self), self._frame)

    def to_pandas(self) -> pd.DataFrame:
        """One row per rule (a new DataFrame)."""
        return self._frame.copy()


_REPORT_COLUMNS = ["rule", "pairs", "largest_block", "largest_share", "capped_values",
                   "capped_records", "budget_records", "placeholders", "why"]  # fmt: skip


def _why(rule: BlockingRule, counts: tuple[int, int, int], max_candidates: int | None) -> str:
    capped_values, capped_records, budget_records = counts
    reasons = []
    if capped_values:
        reasons.append(
            f"{capped_values:,} value(s) held by more than max_block={rule.max_block} records "
            f"each ({capped_records:,} records) pair none of them: a value that common tells "
            "little, and its pairs would grow with the square of its records"
        )
    if budget_records:
        reasons.append(
            f"{budget_records:,} record(s) left this rule because their smaller blocks in "
            f"other rules had already spent their budget of max_candidates={max_candidates} "
            "candidates: a block this large says less about them than those did"
        )
    return "; ".join(reasons)


def _report_row(
    rule: BlockingRule,
    keys: npt.NDArray[np.int64],
    counts: tuple[int, int, int],
    *,
    sources: npt.NDArray[np.int64],
    junk: Mapping[str, npt.NDArray[np.bool_]] | None,
    max_candidates: int | None,
) -> dict[str, Any]:
    pairs, largest, in_largest = _count(keys, sources)
    flagged = [junk[c] for c in rule.on if junk is not None and c in junk]
    return {
        "rule": rule.name, "pairs": pairs, "largest_block": largest,
        "largest_share": min(in_largest / pairs, 1.0) if pairs else 0.0,
        "capped_values": counts[0], "capped_records": counts[1], "budget_records": counts[2],
        "placeholders": int(np.logical_or.reduce(flagged).sum()) if flagged else 0,
        "why": _why(rule, counts, max_candidates),
    }  # fmt: skip


def blocking_report(
    codes: Mapping[str, npt.NDArray[np.int64]],
    rules: Sequence[BlockingRule],
    *,
    sources: npt.NDArray[np.int64],
    junk: Mapping[str, npt.NDArray[np.bool_]] | None = None,
    max_candidates: int | None = None,
) -> BlockingReport:
    """Count, before building any, the pairs each rule yields and its largest block.

    ``codes`` maps each column to integer value codes (``-1`` missing); pairs are only
    counted between records of different ``sources`` (give every record its own source
    to deduplicate). ``junk`` marks, per column, the records whose value was read as a
    placeholder. ``max_candidates`` is each record's budget across all the rules (see
    :func:`candidate_limits`; ``None``: none).

    Examples
    --------
    >>> import numpy as np
    >>> codes = {"surname": np.array([0, 0, 0, 1, -1])}
    >>> report = blocking_report(codes, [BlockingRule(on=("surname",))], sources=np.arange(5))
    >>> report.to_pandas()[["rule", "pairs", "largest_block", "largest_share"]]
          rule  pairs  largest_block  largest_share
    0  surname      3              3            1.0
    """
    return block_and_report(codes, rules, sources=sources, junk=junk,
                            max_candidates=max_candidates, build=False)[0]  # fmt: skip


def block_and_report(
    codes: Mapping[str, npt.NDArray[np.int64]],
    rules: Sequence[BlockingRule],
    *,
    sources: npt.NDArray[np.int64],
    junk: Mapping[str, npt.NDArray[np.bool_]] | None = None,
    max_pairs: int | None = None,
    max_candidates: int | None = None,
    build: bool = True,
) -> tuple[BlockingReport, list[npt.NDArray[np.int64]]]:
    """The report of :func:`blocking_report` and, when ``build``, each rule's pairs.

    One pass over the rules does both (each rule's keys are computed once).

    Raises
    ------
    InvalidValueError
        If a rule would yield more than ``max_pairs`` pairs, naming the rule.

    Examples
    --------
    >>> import numpy as np
    >>> codes = {"surname": np.array([0, 0, 1])}
    >>> report, pairs = block_and_report(codes, [BlockingRule(on="surname")],
    ...                                  sources=np.arange(3))
    >>> len(report), pairs[0].tolist()
    (1, [1])
    """
    limits, ready = None, []
    if max_candidates is not None:
        # each rule's keys once, kept compact (4 bytes a record) between the two passes
        for rule in rules:
            keys, *counts = _capped(rule, codes)
            ready.append((keys.astype(np.int32), counts[0], counts[1]))
        n_records = len(next(iter(codes.values()), []))
        limits = _limits_of([r[0] for r in ready], n_records=n_records,
                            max_candidates=max_candidates, sources=sources)  # fmt: skip
    rows, encoded = [], []
    for r, rule in enumerate(rules):
        capped = ready[r] if ready else _capped(rule, codes)
        if ready:
            ready[r] = (ready[r][0][:0], 0, 0)  # its keys are not needed again
        keys, *counts = _budgeted(capped, limits, sources)
        row = _report_row(rule, keys, (counts[0], counts[1], counts[2]), sources=sources,
                          junk=junk, max_candidates=max_candidates)  # fmt: skip
        rows.append(row)
        if max_pairs is not None and row["pairs"] > max_pairs:
            msg = (
                f"blocking rule {rule.name!r} would yield {row['pairs']:,} pairs (largest "
                f"block {row['largest_block']:,} records), more than max_pairs="
                f"{max_pairs:,}; make it stricter"
            )
            raise InvalidValueError(msg)
        if build:
            encoded.append(_pairs(keys, sources))
    return BlockingReport(pd.DataFrame(rows, columns=_REPORT_COLUMNS)), encoded


def block_by_rule(
    codes: Mapping[str, npt.NDArray[np.int64]],
    rules: Sequence[BlockingRule],
    *,
    sources: npt.NDArray[np.int64],
    max_pairs: int | None,
    max_candidates: int | None = None,
) -> list[npt.NDArray[np.int64]]:
    """Each rule's candidate pairs, encoded as ``left * n + right`` (``left < right``).

    ``max_pairs=None`` checks no rule (rules whose ``max_block`` already bounds them);
    ``max_candidates`` is each record's budget across the rules (:func:`candidate_limits`).

    Raises
    ------
    InvalidValueError
        If a rule would yield more than ``max_pairs`` pairs, naming the rule.

    Examples
    --------
    >>> import numpy as np
    >>> codes = {"surname": np.array([0, 0, 1])}
    >>> block_by_rule(codes, [BlockingRule(on=("surname",))], sources=np.arange(3),
    ...               max_pairs=10)[0].tolist()
    [1]
    """
    return block_and_report(codes, rules, sources=sources, max_pairs=max_pairs,
                            max_candidates=max_candidates)[1]  # fmt: skip


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


def block(
    codes: Mapping[str, npt.NDArray[np.int64]],
    rules: Sequence[BlockingRule],
    *,
    sources: npt.NDArray[np.int64],
    max_pairs: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The union of the rules' candidate pairs, each once, as ``(left, right)`` rows.

    Raises
    ------
    InvalidValueError
        If a rule would yield more than ``max_pairs`` pairs, naming the rule.

    Examples
    --------
    >>> import numpy as np
    >>> codes = {"surname": np.array([0, 0, 1, 1]), "postcode": np.array([5, 5, 5, -1])}
    >>> rules = [BlockingRule(on=("surname",)), BlockingRule(on=("postcode",))]
    >>> left, right = block(codes, rules, sources=np.arange(4), max_pairs=100)
    >>> list(zip(left.tolist(), right.tolist()))
    [(0, 1), (0, 2), (1, 2), (2, 3)]
    """
    encoded = block_by_rule(codes, rules, sources=sources, max_pairs=max_pairs)
    unique, _ = union_pairs(encoded)
    n = np.int64(max(len(sources), 1))
    return unique // n, unique % n
