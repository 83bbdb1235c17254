"""Points in time and decay: ``as_of`` normalisation and the shared decay functions."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.base import Tables
from customer_understanding.tables import NAT, from_nanos, to_nanos
from customer_understanding.typing import AsOf

__all__ = ["DAY_NS", "as_of_nanos", "check_as_of", "half_life_decay", "positive"]

DAY_NS = 86_400 * 1_000_000_000


def as_of_nanos(as_of: AsOf) -> int:
    """``as_of`` as int64 UTC nanoseconds.

    Examples
    --------
    >>> as_of_nanos("2026-01-01")
    1767225600000000000
    >>> as_of_nanos(5)
    5
    """
    if isinstance(as_of, datetime):
        return to_nanos(as_of)
    if isinstance(as_of, int | np.integer) and not isinstance(as_of, bool):
        value = int(as_of)
    elif isinstance(as_of, str):
        try:
            stamp: pd.Timestamp | None = pd.Timestamp(as_of)
        except ValueError:
            stamp = None
        if stamp is None or pd.isna(stamp):
            msg = f"as_of={as_of!r} is not a date or time"
            raise InvalidValueError(msg)
        value = to_nanos(stamp.to_pydatetime())
    else:
        msg = f"as_of={as_of!r} must be a datetime, an ISO string or int64 nanoseconds"
        raise InvalidValueError(msg)
    if value == NAT:
        msg = f"as_of={as_of!r} must not be missing"
        raise InvalidValueError(msg)
    return value


def check_as_of(tables: Tables, as_of: AsOf) -> int:
    """``as_of`` in nanoseconds, refused when no recorded activity precedes it.

    Raises
    ------
    InvalidValueError
        If ``as_of`` lies before the first interaction (there is nothing to judge).

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> check_as_of(CustomerBase.build([]).tables, "2026-01-01")
    1767225600000000000
    """
    value = as_of_nanos(as_of)
    times = tables.interactions.column("occurred_at")
    known = times[times != NAT]
    if len(known) and value <= int(known.min()):
        first = from_nanos(int(known.min()))
        msg = f"as_of={as_of!r} is before the first interaction ({first}); no data precedes it"
        raise InvalidValueError(msg)
    return value


def positive(name: str, value: float | None, *, allow_none: bool = False) -> None:
    """Refuse a setting that must be a positive number.

    Examples
    --------
    >>> positive("half_life_days", -1.0)
    Traceback (most recent call last):
    ...
    customer_understanding._errors.InvalidValueError: half_life_days=-1.0 must be > 0
    """
    if value is None and allow_none:
        return
    if value is None or not np.isfinite(value) or value <= 0:
        msg = f"{name}={value!r} must be > 0"
        raise InvalidValueError(msg)


def half_life_decay(
    age_ns: npt.NDArray[np.int64], half_life_days: float | None
) -> npt.NDArray[np.float64]:
    """The weight ``0.5 ** (age / half_life)`` of events ``age_ns`` old (1 without decay).

    Examples
    --------
    >>> half_life_decay(np.array([0, 30 * DAY_NS]), 30.0).tolist()
    [1.0, 0.5]
    """
    if half_life_days is None:
        return np.ones(len(age_ns))
    rate = np.float64(np.log(2.0) / (half_life_days * DAY_NS))
    return np.exp(-rate * age_ns.astype(np.float64))
