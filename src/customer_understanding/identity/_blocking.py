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
from customer_understanding.identity._budget import (
    budgeted,
    candidate_limits,
    capped_keys,
    limits_of,
)
from customer_understanding.identity._pairs import rule_pairs, same_source_counts, union_pairs

__all__ = [  # candidate_limits, same_source_counts, union_pairs: from _budget and _pairs
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
            keys, *counts = capped_keys(rule, codes)
            ready.append((keys.astype(np.int32), counts[0], counts[1]))
        n_records = len(next(iter(codes.values()), []))
        limits = limits_of([r[0] for r in ready], n_records=n_records,
                            max_candidates=max_candidates, sources=sources)  # fmt: skip
    rows, encoded = [], []
    for r, rule in enumerate(rules):
        capped = ready[r] if ready else capped_keys(rule, codes)
        if ready:
            ready[r] = (ready[r][0][:0], 0, 0)  # its keys are not needed again
        keys, *counts = budgeted(capped, limits, sources)
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
            encoded.append(rule_pairs(keys, sources))
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
