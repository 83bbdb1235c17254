"""Checks on a run's inputs and warnings about its blocking, each with the numbers."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError

__all__ = ["base_column", "truth_codes", "warn_blocking", "warn_no_pairs"]

# A declared rule whose largest block makes more than this share of its pairs (and
# holds at least _BIG_BLOCK records) is dominated by one value: a warning says so.
_DOMINATED = 0.5
_BIG_BLOCK = 100
# Below this many records, rules left out within budget and no candidate pairs are
# plausible and not warned about (unless every rule is left out).
_SMALL = 1_000


def base_column(column: str, columns: list[str]) -> str:
    """The declared column a blocking key belongs to (``"name (first word)"`` → ``"name"``)."""
    return column if column in columns else column.rsplit(" (", 1)[0]


def warn_blocking(report: pd.DataFrame, *, budget: float, n_records: int) -> None:
    """Say which rules were left out, and which are dominated by one value, with numbers.

    Leaving a default rule out is how small tables stay cheap too, so it is only warned
    about from ``_SMALL`` records on, or when every rule is left out.
    """
    left_out = report[~report["used"]]
    if len(left_out) and (n_records >= _SMALL or not report["used"].any()):
        listed = ", ".join(f"{rule!r} ({pairs:,} pairs)" for rule, pairs in
                           zip(left_out["rule"], left_out["pairs"], strict=True))  # fmt: skip
        warnings.warn(
            f"{len(left_out)} of {len(report)} default blocking rules are left out, each "
            f"yielding more pairs than rule_budget allows ({budget:,.0f}): {listed}",
            UserWarning,
            stacklevel=5,
        )
    for row in report[report["used"]].to_dict("records"):
        rule, pairs, largest = str(row["rule"]), int(row["pairs"]), int(row["largest_block"])
        if float(row["largest_share"]) > _DOMINATED and largest >= _BIG_BLOCK:
            warnings.warn(
                f"blocking rule {rule!r} is dominated by one value: its largest block "
                f"({largest:,} records) makes {float(row['largest_share']):.0%} of its "
                f"{pairs:,} pairs; give it max_block or a stricter rule",
                UserWarning,
                stacklevel=5,
            )


def warn_no_pairs(report: pd.DataFrame, n_records: int) -> None:
    lost = int((~report["used"]).sum())
    capped = int(report["capped_records"].sum()) + int(report["placeholders"].sum())
    everything_lost = not report["used"].any()
    if not everything_lost and (n_records < _SMALL or not (lost or capped)):
        return
    warnings.warn(
        f"no candidate pairs: the blocking rules pair no two of the {n_records:,} records "
        f"({lost} of {len(report)} rules left out, {capped:,} record keys capped or read as "
        "placeholders), so every record stays alone; see Linker.report",
        UserWarning,
        stacklevel=4,
    )


def truth_codes(labels: object, n_records: int) -> npt.NDArray[np.intp]:
    """Cluster labels per record as codes (``-1`` unlabelled), or a library error."""
    if isinstance(labels, str | bytes | Mapping) or not isinstance(
        labels, Sequence | np.ndarray | pd.Series | pd.Index
    ):
        msg = f"labels={type(labels).__name__} must be a sequence of one label per record"
        raise InvalidValueError(msg)
    values = list(labels)
    odd = [value for value in values if not pd.api.types.is_scalar(value)]
    if odd:
        msg = f"labels holds a {type(odd[0]).__name__} ({odd[0]!r}); each label must be one value"
        raise InvalidValueError(msg)
    if len(values) != n_records:
        msg = f"labels has {len(values)} entries for {n_records} records"
        raise InvalidValueError(msg)
    return pd.factorize(pd.Series(values, dtype=object))[0]
