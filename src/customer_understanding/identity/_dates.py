"""Dates in the formats people write them, read as ``YYYYMMDD`` for comparison.

A declared format (``Field(date_format="%d/%m/%Y")``) is used as given. Otherwise each
value is read by its shape: eight digits are already ``YYYYMMDD``; a four-digit year
first is year-month-day (a month or day out of range is kept as written, so a mistyped
or swapped date still compares by edits or as swapped); a
year last is day-month-year or month-day-year, decided once for the whole column from
the values that can only be read one way (``31/12/1990`` is day-first, ``12/31/1990``
month-first); when no value decides it, or values decide both ways, a warning says so and
day-first is used. Month names and other spellings go to pandas' parser.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["parse_dates"]

_COMPACT = re.compile(r"^\d{8}$")
_YEAR_FIRST = re.compile(r"^(\d{4})[-/. ](\d{1,2})[-/. ](\d{1,2})(?:[ T].*)?$")
_YEAR_LAST = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4}|\d{2})(?:[ T].*)?$")
_NAMED = re.compile(r"^\d{1,2} [A-Za-z]{3} \d{4}$")
_PIVOT = 30  # a two-digit year below this is 20yy, otherwise 19yy


def _ymd(year: int, month: int, day: int) -> str | None:
    """``YYYYMMDD``; a mistyped month or day is kept as written, to compare by edits."""
    if not (1 <= year <= 9999 and 0 <= month <= 99 and 0 <= day <= 99):
        return None
    return f"{year:04d}{month:02d}{day:02d}"


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < _PIVOT else 1900
    return year


def _day_first(matches: list[re.Match[str]], column: str) -> bool:
    """Whether ``a/b/yyyy`` reads day first, from the values that allow one reading only."""
    day_first = sum(int(m[1]) > 12 >= int(m[2]) for m in matches)
    month_first = sum(int(m[2]) > 12 >= int(m[1]) for m in matches)
    if day_first and month_first:
        warnings.warn(
            f"column {column!r} has dates read only day-first ({day_first}) and only "
            f"month-first ({month_first}); reading them day-first except where impossible. "
            "Declare Field(date_format=...) to settle it",
            UserWarning,
            stacklevel=6,
        )
    elif not day_first and not month_first:
        warnings.warn(
            f"column {column!r}: {len(matches)} dates such as {matches[0][0]!r} read either "
            "day-first or month-first and none decides; reading them day-first. "
            "Declare Field(date_format=...) to settle it",
            UserWarning,
            stacklevel=6,
        )
    return day_first >= month_first


def _year_last(match: re.Match[str], *, day_first: bool) -> str | None:
    first, second, year = int(match[1]), int(match[2]), _year(match[3])
    if day_first and first <= 12 < second:  # only the other order is possible
        day_first = False
    elif not day_first and second <= 12 < first:
        day_first = True
    return _ymd(year, second, first) if day_first else _ymd(year, first, second)


def _other(text: str, *, day_first: bool) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(text, errors="coerce", dayfirst=day_first, format="mixed")
    # Text without a year ("12 April") is no date: pandas 3 reads it as year 1.
    if pd.isna(parsed) or parsed.year < 1000:
        return None
    return f"{parsed.year:04d}{parsed.month:02d}{parsed.day:02d}"


def _day_month_name_year(texts: list[str]) -> list[str | None]:
    """``3 Mar 1990`` (any case) read in one vectorised pass; ``None`` where not that shape.

    The common shape with a month name, read as :func:`_other` reads it but without
    calling the parser once per value.
    """
    parsed = pd.to_datetime(pd.Series(texts, dtype=object), format="%d %b %Y", errors="coerce")
    return [None if pd.isna(v) or v.year < 1000 else v.strftime("%Y%m%d") for v in parsed]


def parse_dates(
    values: pd.Series[Any], *, column: str, date_format: str | None = None
) -> npt.NDArray[np.object_]:
    """Each value as ``YYYYMMDD`` text, ``None`` where it is missing or not a date.

    Examples
    --------
    >>> import pandas as pd
    >>> parse_dates(pd.Series(["12/31/1990", "1/2/1991", "1990-1-2", "19900102", "x"]),
    ...             column="dob").tolist()
    ['19901231', '19910102', '19900102', '19900102', None]
    >>> parse_dates(pd.Series(["02.01.1990"]), column="dob", date_format="%d.%m.%Y").tolist()
    ['19900102']
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        dated = values.dt.strftime("%Y%m%d")
        return np.array([None if pd.isna(v) else v for v in dated], dtype=object)
    texts = [None if pd.isna(v) else str(v).strip() for v in values]
    if date_format is not None:
        parsed = pd.to_datetime(pd.Series(texts, dtype=object), format=date_format,
                                errors="coerce")  # fmt: skip
        return np.array([None if pd.isna(v) else v.strftime("%Y%m%d") for v in parsed],
                        dtype=object)  # fmt: skip
    year_last = {t: m for t in texts if t and (m := _YEAR_LAST.match(t))}
    day_first = _day_first(list(year_last.values()), column) if year_last else True
    result = np.full(len(texts), None, dtype=object)
    named = [i for i, t in enumerate(texts) if t and t[0].isdigit() and _NAMED.match(t)]
    result[named] = _day_month_name_year([str(texts[i]) for i in named])
    for i, text in enumerate(texts):
        if result[i] is not None:
            continue
        if not text:
            continue
        if _COMPACT.match(text):
            result[i] = text
        elif match := _YEAR_FIRST.match(text):
            result[i] = _ymd(int(match[1]), int(match[2]), int(match[3]))
        elif text in year_last:
            result[i] = _year_last(year_last[text], day_first=day_first)
        elif any(char.isalpha() for char in text):
            result[i] = _other(text, day_first=day_first)
    return result
