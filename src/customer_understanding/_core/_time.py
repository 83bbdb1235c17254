"""One notion of time: the moment parser, the stored type and the boundary rule.

Every moment is stored as a :class:`Moment`, an ``int`` of nanoseconds since the epoch
in UTC, so arrays of event times compare with it directly, and it shows itself as a
date. **The boundary rule**: an event belongs to "as of T" when it happened at or
before T (``t <= T``); a window of *d* days before T holds the events with
``T - d < t <= T``, so consecutive windows never share an event.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

from customer_understanding._errors import InvalidValueError

__all__ = [
    "DAY_NS",
    "NAT",
    "Moment",
    "days",
    "epoch_nanos",
    "from_nanos",
    "known_by",
    "moment_checked",
    "parse_moment",
    "resolve_moment",
    "to_nanos",
    "within",
]

#: A day in nanoseconds.
DAY_NS = 86_400 * 1_000_000_000
#: The missing time: the smallest int64 (numpy's ``NaT``).
NAT = int(np.iinfo(np.int64).min)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_nanos(value: datetime) -> int:
    """An aware datetime as int64 nanoseconds since the epoch (naive means UTC).

    Examples
    --------
    >>> to_nanos(datetime(2026, 1, 1, tzinfo=UTC))
    1767225600000000000
    """
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    delta = aware - _EPOCH
    nanos = (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000
    return nanos + int(getattr(value, "nanosecond", 0))


def from_nanos(value: int) -> datetime | None:
    """An int64 UTC nanosecond timestamp as an aware datetime (``None`` for ``NAT``).

    Examples
    --------
    >>> from_nanos(1_767_225_600_000_000_000)
    datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)
    >>> from_nanos(NAT) is None
    True
    """
    if value == NAT:
        return None
    seconds, nanos = divmod(int(value), 1_000_000_000)
    return datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=nanos // 1000)


class Moment(int):
    """A point in time: nanoseconds since the epoch in UTC, shown as a date.

    Being an ``int`` it compares with int64 event-time arrays directly.

    Examples
    --------
    >>> moment = Moment(1_767_225_600_000_000_000)
    >>> moment
    Moment('2026-01-01T00:00:00Z')
    >>> moment.datetime.year, moment <= 1_767_225_600_000_000_000
    (2026, True)
    """

    __slots__ = ()

    @property
    def datetime(self) -> datetime:
        """The moment as an aware UTC datetime (microsecond precision)."""
        value = from_nanos(int(self))
        assert value is not None  # a Moment is never NAT
        return value

    def isoformat(self) -> str:
        """ISO 8601 text, ``Z`` for UTC; midnight shows as a whole day's time."""
        return self.datetime.isoformat().replace("+00:00", "Z")

    def __repr__(self) -> str:
        return f"Moment({self.isoformat()!r})"

    def __str__(self) -> str:
        return self.isoformat()

    def shifted(self, delta: timedelta) -> Moment:
        """The moment ``delta`` later (earlier for a negative ``delta``).

        Examples
        --------
        >>> Moment(0).shifted(timedelta(days=1))
        Moment('1970-01-02T00:00:00Z')
        """
        step = (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000
        return Moment(int(self) + step)

    def __reduce__(self) -> tuple[type[Moment], tuple[int]]:
        return (Moment, (int(self),))


def _from_text(text: str, name: str) -> int:
    import pandas as pd

    try:
        stamp: pd.Timestamp | None = pd.Timestamp(text.strip())
    except (ValueError, TypeError, OverflowError):
        stamp = None
    if stamp is None or pd.isna(stamp):
        msg = f"{name}={text!r} is not a date or time"
        raise InvalidValueError(msg)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return int(stamp.value)


def _nanos(value: Any, name: str) -> int:
    if isinstance(value, bool):
        msg = f"{name}={value!r} is not a moment"
        raise InvalidValueError(msg)
    if isinstance(value, datetime):
        return to_nanos(value)
    if isinstance(value, date):
        return to_nanos(datetime(value.year, value.month, value.day, tzinfo=UTC))
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            msg = f"{name}={value!r} must not be missing"
            raise InvalidValueError(msg)
        return int(value.astype("datetime64[ns]").astype(np.int64))
    if isinstance(value, str):
        return _from_text(value, name)
    msg = (f"{name}={value!r} must be a datetime, date, date string, numpy datetime64 "
           "or int64 nanoseconds since the epoch")  # fmt: skip
    raise InvalidValueError(msg)


def parse_moment(value: object, *, name: str = "as_of") -> Moment:
    """Parse any supported form of a moment; naive times and dates are UTC.

    Accepted: an aware or naive ``datetime`` (``pandas.Timestamp`` too), a ``date``
    (midnight UTC), a date or time string (``'2026-06-01'``, ``'2026/06/01'``,
    ``'2026-06-01T09:30+02:00'``), ``numpy.datetime64`` and int nanoseconds.

    Raises
    ------
    InvalidValueError
        Naming ``name`` and the value when it is none of these, or is missing.

    Examples
    --------
    >>> parse_moment("2026/06/01") == parse_moment(date(2026, 6, 1))
    True
    >>> parse_moment(np.datetime64("2026-06-01T00:00"))
    Moment('2026-06-01T00:00:00Z')
    >>> parse_moment("soon")
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: as_of='soon' is not a date or time
    """
    try:
        nanos = _nanos(value, name)
    except OverflowError:
        msg = f"{name}={value!r} is outside the supported range of times"
        raise InvalidValueError(msg) from None
    if nanos == NAT:
        msg = f"{name}={value!r} must not be missing"
        raise InvalidValueError(msg)
    return Moment(nanos)


def resolve_moment(
    value: object, *, earliest: int | None, latest: int | None, name: str = "as_of"
) -> Moment:
    """A moment checked against the data's first and last event times.

    ``None`` means the latest event. A moment before the earliest event is refused:
    nothing can be known then, and such a value is almost always a mistake.

    Examples
    --------
    >>> resolve_moment(None, earliest=5, latest=9)
    Moment('1970-01-01T00:00:00Z')
    >>> int(resolve_moment(None, earliest=5, latest=9))
    9
    >>> resolve_moment(3, earliest=5, latest=9)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: as_of=3 is before the first event ...
    """
    if value is None:
        if latest is None:
            msg = f"{name}=None needs data to take the latest event from; give a moment"
            raise InvalidValueError(msg)
        return Moment(latest)
    moment = parse_moment(value, name=name)
    if earliest is not None and moment < earliest:
        first = Moment(earliest).isoformat()
        msg = f"{name}={value!r} is before the first event in the data ({first})"
        raise InvalidValueError(msg)
    return moment


_Method = TypeVar("_Method", bound=Callable[..., Any])


def moment_checked(method: _Method) -> _Method:
    """Decorate an ``evaluate(tables, /, *, as_of, ...)`` method to take any moment.

    The library hands such methods a checked :class:`Moment`; called directly, they may
    get any form, which is parsed and checked against ``tables`` (``tables.moment``).

    Examples
    --------
    >>> class Tables:
    ...     def moment(self, value):
    ...         return parse_moment(value)
    >>> class Clock:
    ...     @moment_checked
    ...     def evaluate(self, tables, /, *, as_of):
    ...         return as_of
    >>> Clock().evaluate(Tables(), as_of="2026-06-01")
    Moment('2026-06-01T00:00:00Z')
    """

    @functools.wraps(method)
    def checked(self: object, tables: Any, /, *args: Any, as_of: object = None, **kw: Any) -> Any:
        moment = as_of if isinstance(as_of, Moment) else tables.moment(as_of)
        return method(self, tables, *args, as_of=moment, **kw)

    return cast("_Method", checked)


def known_by(times: npt.NDArray[np.int64], as_of: int) -> npt.NDArray[np.bool_]:
    """Which events had happened by ``as_of``: ``t <= as_of`` (missing times never).

    Examples
    --------
    >>> known_by(np.array([1, 5, 6, NAT]), 5).tolist()
    [True, True, False, False]
    """
    return np.asarray((times != NAT) & (times <= as_of))


def within(
    times: npt.NDArray[np.int64], as_of: int, window_days: float | None
) -> npt.NDArray[np.bool_]:
    """Events in the ``window_days`` before ``as_of``: ``as_of - window < t <= as_of``.

    ``None`` means no window (every event known by ``as_of``).

    Examples
    --------
    >>> within(np.array([0, DAY_NS, 2 * DAY_NS]), 2 * DAY_NS, 1).tolist()
    [False, False, True]
    """
    mask = known_by(times, as_of)
    if window_days is not None:
        mask &= times > as_of - round(window_days * DAY_NS)
    return mask


def days(nanos: npt.NDArray[np.int64] | int) -> Any:
    """A duration in nanoseconds as (fractional) days.

    Examples
    --------
    >>> days(3 * DAY_NS)
    3.0
    """
    if isinstance(nanos, int):
        return nanos / DAY_NS
    return np.asarray(nanos, dtype=np.float64) / DAY_NS


#: Nanoseconds in one epoch unit.
_NANOS_PER = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}


def epoch_nanos(values: Any, *, unit: str = "s") -> npt.NDArray[np.int64]:
    """Numbers of ``unit`` since 1970 as int64 UTC nanoseconds; ``NAT`` where there is none.

    A missing, infinite or out-of-range number becomes ``NAT``. The conversion is
    done here rather than by ``pandas.to_datetime(..., unit=)``, which raises
    ``FloatingPointError`` on float input whenever an earlier overflow elsewhere left
    the processor's overflow flag set; whole numbers stay exact.

    Examples
    --------
    >>> epoch_nanos([1767139200, 1767139200.5, float("nan"), 1e300]).tolist()
    [1767139200000000000, 1767139200500000000, -9223372036854775808, -9223372036854775808]
    >>> epoch_nanos([1767139200123], unit="ms").tolist()
    [1767139200123000000]
    """
    per = _NANOS_PER[unit]
    numbers = np.asarray(values, dtype=np.float64)
    nanos = np.full(numbers.shape, NAT, dtype=np.int64)
    with np.errstate(all="ignore"):
        usable = np.isfinite(numbers) & (np.abs(numbers) < 2.0**63 / per)
        whole = np.floor(numbers[usable])
        fraction = np.rint((numbers[usable] - whole) * per).astype(np.int64)
        nanos[usable] = whole.astype(np.int64) * per + fraction
    return nanos
