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
# Below this many records, no candidate pairs is plausible and not warned about
# (unless records were capped).
_SMALL = 1_000


def base_column(column: str, columns: list[str]) -> str:
    """The declared column a blocking key belongs to (``"name (first word)"`` → ``"name"``)."""
    return column if column in columns else column.rsplit(" (", 1)[0]


def warn_blocking(report: pd.DataFrame) -> None:
    """Say which rules are dominated by one value, with the numbers."""
    for row in report.to_dict("records"):
        rule, pairs, largest = str(row["rule"]), int(row["pairs"]), int(row["largest_block"])
        if float(row["largest_share"]) > _DOMINATED and largest >= _BIG_BLOCK:
            warnings.warn(
                f"blocking rule {rule!r} is dominated by one value: its largest block "
                f"({largest:,} records) makes {float(row['largest_share']):.0%} of its "
                f"{pairs:,} pairs; give it max_block or a stricter rule",
                UserWarning,
                stacklevel=4,
            )


def warn_no_pairs(report: pd.DataFrame, n_records: int) -> None:
    """Warn that no pair was formed when records were capped or the table is not small."""
    capped = int(report["capped_records"].sum())
    placeholders = int(report["placeholders"].sum())
    if n_records < _SMALL and not capped:
        return
    warnings.warn(
        f"no candidate pairs: the blocking rules pair no two of the {n_records:,} records "
        f"({capped:,} record keys capped by max_block, {placeholders:,} read as "
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
