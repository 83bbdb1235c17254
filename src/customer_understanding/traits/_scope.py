"""Shared pieces of every built-in trait: levels, activity masks and per-entity reductions.

Everything here works on whole columns at once: a mask over the interaction table picks
the rows a trait reads, and ``bincount`` / ``maximum.at`` reduce them per entity row.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import DAY_NS, NAT, Moment, known_by, positive, within
from customer_understanding._errors import InvalidValueError
from customer_understanding.base import Tables
from customer_understanding.tables import Table
from customer_understanding.typing import Level

__all__ = [
    "Floats",
    "Objects",
    "activity",
    "check_level",
    "count_by",
    "distinct_by",
    "earlier",
    "labels_of",
    "last_value_by",
    "latest_by",
    "on_level",
    "size_of",
    "window",
]

Floats = npt.NDArray[np.float64]
Objects = npt.NDArray[np.object_]
Bools = npt.NDArray[np.bool_]


def window(instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """Attrs validator: a window is ``None`` (no limit) or a positive number of days."""
    if value is not None:
        positive(attribute.name, value)


def check_level(level: object) -> Level:
    """``level`` itself, or an error naming it."""
    if level not in ("contact", "account"):
        msg = f"level={level!r} must be 'contact' or 'account'"
        raise InvalidValueError(msg)
    return level


def size_of(tables: Tables, level: Level) -> int:
    """How many entity rows a level has."""
    return len(tables.contacts) if level == "contact" else len(tables.accounts)


def earlier(as_of: int, days: float) -> Moment:
    """The moment ``days`` before ``as_of``."""
    return Moment(as_of - round(days * DAY_NS))


def _codes(table: Table, column: str, labels: tuple[str, ...]) -> Bools:
    wanted = [table.code_of(column, label) for label in labels]
    return np.isin(table.column(column), [code for code in wanted if code >= 0])


def activity(
    tables: Tables,
    as_of: int,
    window_days: float | None,
    *,
    types: tuple[str, ...] = (),
    disciplines: tuple[str, ...] = (),
    channels: tuple[str, ...] = (),
) -> Bools:
    """Interactions in the window before ``as_of`` of any of the types, disciplines, channels."""
    table = tables.interactions
    mask = within(table.column("occurred_at"), as_of, window_days)
    for column, labels in (("type", types), ("discipline", disciplines), ("channel", channels)):
        if labels:
            mask &= _codes(table, column, labels)
    return mask


def labels_of(table: Table, column: str, labels: tuple[str, ...]) -> Bools:
    """Rows whose category ``column`` is one of ``labels``."""
    return _codes(table, column, labels)


def count_by(entity: npt.NDArray[np.int64], mask: Bools, size: int) -> Floats:
    """How many masked rows each entity row has (0 when none)."""
    return np.bincount(entity[mask & (entity >= 0)], minlength=size).astype(np.float64)


def distinct_by(
    entity: npt.NDArray[np.int64], values: npt.NDArray[np.int64], mask: Bools, size: int
) -> Floats:
    """How many distinct non-negative ``values`` each entity row has among masked rows."""
    keep = mask & (entity >= 0) & (values >= 0)
    span = int(values[keep].max()) + 1 if keep.any() else 1
    pairs = np.unique(entity[keep] * span + values[keep])
    return np.bincount(pairs // span, minlength=size).astype(np.float64)


def latest_by(
    entity: npt.NDArray[np.int64], times: npt.NDArray[np.int64], mask: Bools, size: int
) -> npt.NDArray[np.int64]:
    """The latest masked time per entity row (``NAT`` when none)."""
    keep = mask & (entity >= 0)
    latest = np.full(size, NAT, dtype=np.int64)
    np.maximum.at(latest, entity[keep], times[keep])
    return latest


def last_value_by(
    entity: npt.NDArray[np.int64], times: npt.NDArray[np.int64], mask: Bools, size: int
) -> npt.NDArray[np.intp]:
    """Per entity row, the masked row with the latest time (ties: the later row); -1 if none."""
    rows = np.flatnonzero(mask & (entity >= 0))
    order = rows[np.lexsort((rows, times[rows]))]  # oldest first, so the newest is written last
    chosen = np.full(size, -1, dtype=np.intp)
    chosen[entity[order]] = order
    return chosen


def _not_yet_known(tables: Tables, as_of: int) -> Bools:
    """Accounts whose every source record was created after ``as_of`` (undated ones count)."""
    created = tables.account_records.column("created_at")
    entity = tables.resolution.account_of_record
    size = len(tables.accounts)
    valid = entity >= 0
    then = valid & ((created == NAT) | known_by(created, as_of))
    total = np.bincount(entity[valid], minlength=size)[:size]
    seen = np.bincount(entity[then], minlength=size)[:size]
    return np.asarray((total > 0) & (seen == 0))


def on_level(
    values: npt.NDArray[Any], tables: Tables, level: Level, *, as_of: int
) -> npt.NDArray[Any]:
    """Account values as they are, or read by each contact from its account (missing if none).

    A contact reads nothing from an account all of whose source records were created
    after ``as_of``: at that moment the account was not known yet, so neither was the
    link (reading it would leak from the future).
    """
    if level == "account":
        return values
    missing = np.nan if values.dtype.kind == "f" else None
    padded = np.append(values, np.array([missing], dtype=values.dtype))
    later = np.append(_not_yet_known(tables, as_of), True)
    account = tables.contacts.column("account")
    return padded[np.where(later[account], -1, account)]
