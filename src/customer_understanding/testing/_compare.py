"""Comparing two results of one strategy, entity by entity, with a message that says where."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.scoring import ScoreTable
from customer_understanding.segmentation import Segmentation

__all__ = ["expect", "first_difference", "same_result"]


def expect(condition: bool, message: str) -> None:
    """Fail the current check with ``message`` unless ``condition`` holds."""
    if not condition:
        raise AssertionError(message)


def _values(result: Any) -> dict[str, npt.NDArray[Any]]:
    if isinstance(result, ScoreTable):
        return {"score": result.score, "grade": result.labels()}
    if isinstance(result, Segmentation):
        return {"segment": result.labels()}
    msg = f"cannot compare a {type(result).__name__}"
    raise TypeError(msg)


def _differs(left: npt.NDArray[Any], right: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    if left.dtype.kind == "f":
        close = np.isclose(left, right, rtol=1e-9, atol=1e-9) | (np.isnan(left) & np.isnan(right))
        return np.asarray(~close)
    # Object dtype kept explicitly: pandas 3 would infer a string dtype holding NaN for None.
    mine, theirs = pd.Series(left, dtype=object), pd.Series(right, dtype=object)
    missing = mine.isna().to_numpy(bool) & theirs.isna().to_numpy(bool)
    return np.asarray(mine.ne(theirs).to_numpy(bool) & ~missing)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def first_difference(full: Any, part: Any) -> str | None:
    """Where ``part`` disagrees with ``full`` on the entities it has (``None`` if nowhere).

    ``part`` may hold fewer entities than ``full`` (a view of the past has fewer);
    entities are matched by id.
    """
    where = pd.Index(full.ids).get_indexer(part.ids)
    if (where < 0).any():
        return f"it returns ids that are not in the full base: {part.ids[where < 0][:3].tolist()}"
    theirs = _values(full)
    for name, values in _values(part).items():
        differs = _differs(theirs[name][where], values)
        if differs.any():
            row = int(np.flatnonzero(differs)[0])
            before, after = _plain(theirs[name][where][row]), _plain(values[row])
            return (f"{int(differs.sum())} of {len(part)} entities get another {name} "
                    f"(e.g. {part.ids[row]!r}: {before!r} → {after!r})")  # fmt: skip
    return None


def same_result(left: Any, right: Any) -> bool:
    """Whether two results are equal, reasons included (results compare by value)."""
    try:
        return bool(left == right)
    except (TypeError, ValueError):  # a result type without value equality
        return False
