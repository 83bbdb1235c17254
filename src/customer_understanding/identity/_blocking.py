"""Blocking: which record pairs are worth comparing at all.

A :class:`BlockingRule` pairs records whose normalised values agree on every column it
names. Several rules are combined by taking the union of their pairs, so a true match is
found when *any* rule catches it. Before any pair is built, :func:`blocking_report` counts
what each rule would produce, and a guard stops a rule that would blow up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
    "block_by_rule",
    "blocking_report",
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
    return encoded


@attrs.frozen(field_transformer=typed_fields, repr=False)
class BlockingReport(TableExport):
    """What each blocking rule would yield: its pairs and its largest block.

    One row per rule: ``rule``, ``pairs``, ``largest_block``, ``largest_share`` (the
    share of the rule's pairs that its largest block makes), ``capped_values`` and
    ``capped_records`` (values over the rule's ``max_block`` and the records they held),
    ``placeholders`` (records whose value on one of the rule's columns was a placeholder
    or junk, treated as missing) and ``why`` (what was capped and why, in words; empty
    when nothing was).

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
                   "capped_records", "placeholders", "why"]  # fmt: skip


def _why(rule: BlockingRule, capped_values: int, capped_records: int) -> str:
    if not capped_values:
        return ""
    return (
        f"{capped_values:,} value(s) held by more than max_block={rule.max_block} records "
        f"each ({capped_records:,} records) pair none of them: a value that common tells "
        "little, and its pairs would grow with the square of its records"
    )


def blocking_report(
    codes: Mapping[str, npt.NDArray[np.int64]],
    rules: Sequence[BlockingRule],
    *,
    sources: npt.NDArray[np.int64],
    junk: Mapping[str, npt.NDArray[np.bool_]] | None = None,
) -> BlockingReport:
    """Count, before building any, the pairs each rule yields and its largest block.

    ``codes`` maps each column to integer value codes (``-1`` missing); pairs are only
    counted between records of different ``sources`` (give every record its own source
    to deduplicate). ``junk`` marks, per column, the records whose value was read as a
    placeholder.

    Examples
    --------
    >>> import numpy as np
    >>> codes = {"surname": np.array([0, 0, 0, 1, -1])}
    >>> report = blocking_report(codes, [BlockingRule(on=("surname",))], sources=np.arange(5))
    >>> report.to_pandas()[["rule", "pairs", "largest_block", "largest_share"]]
          rule  pairs  largest_block  largest_share
    0  surname      3              3            1.0
    """
    rows = []
    for rule in rules:
        keys, capped_values, capped_records = _capped(rule, codes)
        pairs, largest, in_largest = _count(keys, sources)
        flagged = [junk[c] for c in rule.on if junk is not None and c in junk]
        rows.append({
            "rule": rule.name, "pairs": pairs, "largest_block": largest,
            "largest_share": min(in_largest / pairs, 1.0) if pairs else 0.0,
            "capped_values": capped_values, "capped_records": capped_records,
            "placeholders": int(np.logical_or.reduce(flagged).sum()) if flagged else 0,
            "why": _why(rule, capped_values, capped_records),
        })  # fmt: skip
    return BlockingReport(pd.DataFrame(rows, columns=_REPORT_COLUMNS))


def block_by_rule(
    codes: Mapping[str, npt.NDArray[np.int64]],
    rules: Sequence[BlockingRule],
    *,
    sources: npt.NDArray[np.int64],
    max_pairs: int | None,
) -> list[npt.NDArray[np.int64]]:
    """Each rule's candidate pairs, encoded as ``left * n + right`` (``left < right``).

    ``max_pairs=None`` checks no rule (rules whose ``max_block`` already bounds them).

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
    encoded = []
    for rule in rules:
        keys = _capped(rule, codes)[0]
        pairs, largest, _ = _count(keys, sources)
        if max_pairs is not None and pairs > max_pairs:
            msg = (
                f"blocking rule {rule.name!r} would yield {pairs:,} pairs (largest block "
                f"{largest:,} records), more than max_pairs={max_pairs:,}; make it stricter"
            )
            raise InvalidValueError(msg)
        encoded.append(_pairs(keys, sources))
    return encoded


def union_pairs(
    encoded: Sequence[npt.NDArray[np.int64]],
) -> tuple[npt.NDArray[np.int64], list[npt.NDArray[np.int64]]]:
    """The distinct encoded pairs, sorted, and for each rule the rows of its pairs in them.

    One sort of all the rules' pairs does both jobs (no hashing, no search per rule).

    Examples
    --------
    >>> import numpy as np
    >>> unique, rows = union_pairs([np.array([7, 3]), np.array([3, 9])])
    >>> unique.tolist(), [r.tolist() for r in rows]
    ([3, 7, 9], [[1, 0], [0, 2]])
    """
    stacked = np.concatenate([np.empty(0, dtype=np.int64), *encoded])
    order = np.argsort(stacked)
    ordered = stacked[order]
    fresh = np.ones(len(ordered), dtype=bool)
    fresh[1:] = ordered[1:] != ordered[:-1]
    unique = ordered[fresh]
    del ordered
    rows = np.empty(len(stacked), dtype=np.int64)
    rows[order] = np.cumsum(fresh) - 1
    del order, fresh
    ends = np.cumsum([len(pairs) for pairs in encoded])
    return unique, np.split(rows, ends[:-1]) if len(encoded) else []


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
