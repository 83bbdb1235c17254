"""Vectorised string building: fixed-width ids, ISO timestamps and picks from word lists.

Strings for hundreds of thousands of rows are assembled as ``uint8`` matrices of ASCII
codes, one row per value, and decoded once at the end; this is an order of magnitude
faster than formatting each value in Python.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, timedelta
from typing import cast

import numpy as np
import numpy.typing as npt

__all__ = [
    "DAY",
    "HOUR",
    "Bools",
    "Floats",
    "Ints",
    "Strs",
    "ascii_matrix",
    "bools",
    "days",
    "decode",
    "digits",
    "epoch_seconds",
    "floats",
    "ints",
    "iso_dates",
    "iso_times",
    "iso_times_or_none",
    "join",
    "keep",
    "objects",
    "pick",
    "symbols",
    "time_nanos",
]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Strs = npt.NDArray[np.object_]
Codes = npt.NDArray[np.uint8]

HOUR = 3_600
DAY = 86_400

_BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", np.uint8)
_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)


def symbols(values: Ints, *, width: int, base: int = 10) -> Codes:
    """Write non-negative integers as zero-padded ASCII rows in base 10, 16 or 62.

    Examples
    --------
    >>> decode(symbols(np.array([7, 255]), width=3, base=16))
    array(['007', '0ff'], dtype=object)
    """
    alphabet = {10: _BASE62[:10], 16: _HEX, 62: _BASE62}[base]
    out = np.empty((len(values), width), dtype=np.uint8)
    rest = np.asarray(values, dtype=np.int64).copy()
    for position in range(width - 1, -1, -1):
        rest, digit = np.divmod(rest, base)
        out[:, position] = alphabet[digit]
    return out


def digits(values: Ints, *, width: int) -> Codes:
    """Zero-padded decimal ASCII rows; a shorthand for ``symbols(values, width=width)``."""
    return symbols(values, width=width)


def ascii_matrix(text: str, rows: int) -> Codes:
    """The same ASCII text repeated on ``rows`` rows."""
    codes = np.frombuffer(text.encode("ascii"), np.uint8)
    return np.broadcast_to(codes, (rows, len(codes)))


def join(*parts: Codes | str, rows: int) -> Codes:
    """Concatenate ASCII matrices and constant strings column-wise into one matrix."""
    blocks = [ascii_matrix(part, rows) if isinstance(part, str) else part for part in parts]
    if not blocks:
        return np.empty((rows, 0), dtype=np.uint8)
    return np.ascontiguousarray(np.concatenate(blocks, axis=1))


def decode(codes: Codes) -> Strs:
    """Turn an ASCII matrix into an object array of ``str``, one per row."""
    rows, width = codes.shape
    if rows == 0 or width == 0:
        return np.full(rows, "", dtype=object)
    packed = np.ascontiguousarray(codes).view(f"S{width}").ravel()
    return packed.astype(f"U{width}").astype(np.object_)


@functools.cache
def _clock_faces() -> Codes:
    seconds = np.arange(DAY, dtype=np.int64)
    hours, rest = np.divmod(seconds, HOUR)
    minutes, secs = np.divmod(rest, 60)
    two = functools.partial(digits, width=2)
    face = join("T", two(hours), ":", two(minutes), ":", two(secs), "Z", rows=DAY)
    face.flags.writeable = False
    return face


def _calendar(days: Ints) -> tuple[Codes, Ints]:
    first, last = (int(days.min()), int(days.max())) if len(days) else (0, 0)
    epoch = date(1970, 1, 1)
    labels = [(epoch + timedelta(days=day)).isoformat() for day in range(first, last + 1)]
    table = np.frombuffer("".join(labels).encode("ascii"), np.uint8).reshape(-1, 10)
    return table, days - first


def iso_times(seconds: Ints) -> Strs:
    """ISO 8601 UTC timestamps (``2026-03-04T10:15:00Z``) for epoch seconds.

    Examples
    --------
    >>> iso_times(np.array([0, 1_772_619_300]))
    array(['1970-01-01T00:00:00Z', '2026-03-04T10:15:00Z'], dtype=object)
    """
    days, second_of_day = np.divmod(np.asarray(seconds, dtype=np.int64), DAY)
    table, index = _calendar(days)
    return decode(join(table[index], _clock_faces()[second_of_day], rows=len(days)))


def days(rng: np.random.Generator, *, low: float, high: float, count: int) -> Ints:
    """``count`` random spans of ``low`` to ``high`` days, in seconds.

    Examples
    --------
    >>> spans = days(np.random.default_rng(0), low=1, high=2, count=3)
    >>> bool(((spans >= DAY) & (spans < 2 * DAY)).all())
    True
    """
    return (rng.uniform(low, high, count) * DAY).astype(np.int64)


def iso_times_or_none(seconds: Ints) -> Strs:
    """Like :func:`iso_times`, with ``None`` wherever ``seconds`` is negative (never)."""
    out = np.full(len(seconds), None, dtype=object)
    known = seconds >= 0
    out[known] = iso_times(seconds[known])
    return out


def time_nanos(values: object, *, fmt: str = "ISO8601") -> Ints:
    """UTC nanoseconds of each written time, ``NAT`` where a cell is empty or unreadable.

    The inverse of :func:`iso_times` for exports read back (defects included), whatever
    resolution pandas parses at (pandas 3 keeps the text's own resolution).

    Examples
    --------
    >>> time_nanos(["1970-01-01T00:00:01Z", "yesterday"]).tolist()
    [1000000000, -9223372036854775808]
    """
    import pandas as pd

    column = pd.Series(np.asarray(values, dtype=object), dtype=object)
    parsed = pd.to_datetime(column, utc=True, errors="coerce", format=fmt)
    return np.asarray(parsed.dt.as_unit("ns").astype("int64"), dtype=np.int64)


def epoch_seconds(values: object) -> Ints:
    """Whole epoch seconds of each written time (floor of :func:`time_nanos`).

    Examples
    --------
    >>> epoch_seconds(["2026-03-04T10:15:00Z"]).tolist()
    [1772619300]
    """
    return time_nanos(values) // 1_000_000_000


def iso_dates(seconds: Ints) -> Strs:
    """ISO 8601 calendar dates (``2026-05-31``) for epoch seconds.

    Examples
    --------
    >>> iso_dates(np.array([1_772_619_300]))
    array(['2026-03-04'], dtype=object)
    """
    days = np.asarray(seconds, dtype=np.int64) // DAY
    table, index = _calendar(days)
    return decode(table[index])


def pick(options: Sequence[str | None], index: npt.NDArray[np.integer]) -> Strs:
    """The options at ``index`` as an object array (values are shared, not copied).

    Examples
    --------
    >>> pick(["a", "b"], np.array([1, 1, 0]))
    array(['b', 'b', 'a'], dtype=object)
    """
    table = np.empty(len(options), dtype=object)
    table[:] = list(options)
    return cast("Strs", table[index])


def keep(values: Strs, mask: Bools) -> Strs:
    """``values`` where ``mask`` holds and ``None`` elsewhere.

    Examples
    --------
    >>> keep(objects(["a", "b"]), np.array([True, False]))
    array(['a', None], dtype=object)
    """
    out = np.array(values, dtype=object, copy=True)
    out[~np.asarray(mask, dtype=np.bool_)] = None
    return out


def ints(values: object) -> Ints:
    """``values`` as an int64 array."""
    return np.asarray(values, dtype=np.int64)


def floats(values: object) -> Floats:
    """``values`` as a float64 array."""
    return np.asarray(values, dtype=np.float64)


def bools(values: object) -> Bools:
    """``values`` as a boolean array."""
    return np.asarray(values, dtype=np.bool_)


def objects(values: Sequence[str | None]) -> Strs:
    """A list of strings (or ``None``) as a one-dimensional object array."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out
