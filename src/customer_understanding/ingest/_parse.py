"""Vectorised parsers that turn raw source columns into typed columns and flag bad cells.

Each parser takes a pandas Series of raw values and returns the parsed values as a numpy
array plus a mask of the cells it could not parse (with one reason for all of them).
Missing or blank cells are not bad: they parse to the column's missing value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import UnknownNameError
from customer_understanding.domain._normalize import EMAIL_PATTERN
from customer_understanding.domain._vocab import (
    ConsentStatus,
    Discipline,
    Outcome,
    Role,
    Seniority,
    Stage,
    normalize_term,
)
from customer_understanding.tables import NAT
from customer_understanding.tables._pandas import objects

__all__ = ["PARSERS", "Parsed", "normalize_phones", "strings"]

_DOMAIN = r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$"
_TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "0.0"})


@attrs.frozen
class Parsed:
    """Parsed values, the mask of unparsable cells, and why they failed."""

    array: npt.NDArray[Any]
    bad: npt.NDArray[np.bool_]
    reason: str = ""


def strings(series: pd.Series[Any]) -> pd.Series[str]:
    """Raw values as stripped strings, with blanks as missing; whole floats lose their ``.0``."""
    if pd.api.types.is_float_dtype(series.dtype):
        whole = series.dropna()
        if bool((whole == whole.round()).all()):
            series = series.astype("Int64")
    text = series.astype("string").str.strip()
    return text.mask(text == "")


def _objects(text: pd.Series[Any]) -> npt.NDArray[np.object_]:
    return objects(text)


def _present(text: pd.Series[Any]) -> npt.NDArray[np.bool_]:
    return text.notna().to_numpy()


def parse_text(series: pd.Series[Any]) -> Parsed:
    """Keep text as stripped strings."""
    text = strings(series)
    return Parsed(_objects(text), np.zeros(len(text), dtype=bool))


def parse_email(series: pd.Series[Any]) -> Parsed:
    """Lower-case e-mail addresses and flag those not shaped like one."""
    text = strings(series).str.lower()
    valid = text.str.match(EMAIL_PATTERN.pattern).fillna(value=True).to_numpy(dtype=bool)
    return Parsed(_objects(text), ~valid, "not a valid e-mail address")


def parse_domain(series: pd.Series[Any]) -> Parsed:
    """Reduce websites or domain lists to the first bare host name."""
    text = strings(series).str.lower().str.split(",").str[0].str.strip()
    text = text.str.replace(r"^[a-z][a-z0-9+.-]*://", "", regex=True)
    text = text.str.replace(r"[/?#:].*$", "", regex=True).str.rstrip(".")
    text = text.str.replace(r"^www\.", "", regex=True)
    text = text.mask(text == "").astype("string")
    valid = text.str.match(_DOMAIN).fillna(value=True).to_numpy(dtype=bool)
    return Parsed(_objects(text), ~valid, "not a valid domain name")


def normalize_phones(raw: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """Digits of phone numbers, ``+`` for an international prefix (as :func:`normalize_phone`)."""
    text = pd.Series(raw, dtype="string")
    text = text.str.replace(r"(?i)(?:ext\.?|x|#)\s*\d+\s*$", "", regex=True)
    digits = text.str.replace(r"[^0-9+]", "", regex=True)
    international = digits.str.startswith("+") | digits.str.startswith("00")
    digits = digits.str.replace("+", "", regex=False).str.replace(r"^00", "", regex=True)
    digits = digits.where(~(international & (digits != "")), "+" + digits)
    return _objects(digits.mask(digits == ""))


def parse_time(series: pd.Series[Any]) -> Parsed:
    """Parse ISO 8601 dates and datetimes to int64 UTC nanoseconds; naive means UTC."""
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(series):
        parsed = pd.to_datetime(series, utc=True)
        present = np.zeros(len(series), dtype=bool)
    else:
        text = strings(series)
        parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
        present = _present(text)
    naive = parsed.dt.tz_localize(None).dt.as_unit("ns").to_numpy("datetime64[ns]")
    nanos = naive.view(np.int64)
    return Parsed(nanos, present & (nanos == NAT), "not an ISO 8601 date or datetime")


def parse_number(series: pd.Series[Any]) -> Parsed:
    """Parse numbers; text such as ``"TBD"`` or ``"12,000 USD"`` is bad."""
    text = strings(series)
    numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return Parsed(numbers, _present(text) & np.isnan(numbers), "not a number")


def parse_amount(series: pd.Series[Any]) -> Parsed:
    """Parse non-negative numbers (amounts, head counts)."""
    parsed = parse_number(series)
    negative = parsed.array < 0
    if negative.any():
        return Parsed(parsed.array, parsed.bad | negative, "not a number >= 0")
    return parsed


def parse_unit(series: pd.Series[Any]) -> Parsed:
    """Parse numbers in [0, 1] (ratings)."""
    parsed = parse_number(series)
    outside = (parsed.array < 0) | (parsed.array > 1)
    return Parsed(parsed.array, parsed.bad | outside, "not a number within [0, 1]")


def parse_bool(series: pd.Series[Any]) -> Parsed:
    """Parse true/false, yes/no, 1/0 in any case."""
    text = strings(series).str.lower()
    truth = text.isin(_TRUE).to_numpy(dtype=bool)
    bad = _present(text) & ~truth & ~text.isin(_FALSE).to_numpy(dtype=bool)
    return Parsed(truth, bad, "not a boolean (true/false, yes/no, 1/0)")


def _by_unique(series: pd.Series[Any], convert: Callable[[str], str]) -> Parsed:
    codes, uniques = pd.factorize(strings(series))
    labels: list[str | None] = []
    failures: list[bool] = []
    reason = ""
    for raw in uniques:
        try:
            labels.append(convert(str(raw)))
            failures.append(False)
        except UnknownNameError as error:
            labels.append(None)
            failures.append(True)
            message = str(error)
            reason = "not" + message.split(" is not", 1)[1] if " is not" in message else message
    lookup = np.array([*labels, None], dtype=object)
    failed = np.array([*failures, False], dtype=bool)
    index = np.where(codes < 0, len(labels), codes)
    return Parsed(lookup[index], failed[index], reason or "unknown value")


def _vocabulary(enum: Any) -> Callable[[pd.Series[Any]], Parsed]:
    def parse(series: pd.Series[Any]) -> Parsed:
        return _by_unique(series, lambda raw: str(enum.parse(raw).value))

    parse.__doc__ = f"Parse values of the {enum.__name__} vocabulary."
    return parse


def _term(raw: str) -> str:
    term = normalize_term(raw)
    if not term:
        msg = f"value={raw!r} is not a term: it has no letter or digit"
        raise UnknownNameError(msg)
    return term


def parse_term(series: pd.Series[Any]) -> Parsed:
    """Fold labels of an open vocabulary into snake_case terms."""
    return _by_unique(series, _term)


#: Parser per field kind (``full_name`` is split by the loader and ``phone`` kept raw).
PARSERS: Mapping[str, Callable[[pd.Series[Any]], Parsed]] = {
    "id": parse_text,
    "text": parse_text,
    "full_name": parse_text,
    "phone": parse_text,
    "email": parse_email,
    "domain": parse_domain,
    "time": parse_time,
    "number": parse_number,
    "amount": parse_amount,
    "unit": parse_unit,
    "bool": parse_bool,
    "term": parse_term,
    "stage": _vocabulary(Stage),
    "role": _vocabulary(Role),
    "seniority": _vocabulary(Seniority),
    "outcome": _vocabulary(Outcome),
    "consent": _vocabulary(ConsentStatus),
    "discipline": _vocabulary(Discipline),
}
