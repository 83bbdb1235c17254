"""Vectorised parsers that turn raw source columns into typed columns and flag bad cells.

Each parser takes a pandas Series of raw values and returns the parsed values as a numpy
array plus a mask of the cells it could not parse (with one reason for all of them).
Missing or blank cells are not bad: they parse to the column's missing value.

Exports repeat values heavily (types, campaigns, e-mail recipients, domains), so every
parser factorises the column first and does its work once per distinct value; the scalar
normalisers of the domain model are reused per distinct value, which keeps the bulk path
and the object path in exact agreement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.domain import (
    ConsentStatus,
    Discipline,
    Outcome,
    Role,
    Seniority,
    Stage,
    normalize_domain,
    normalize_email,
    normalize_phone,
    normalize_term,
)
from customer_understanding.tables import NAT

__all__ = ["PARSERS", "Parsed", "distinct_text", "expand", "normalize_phones", "strings"]

_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


@attrs.frozen
class Parsed:
    """Parsed values, the mask of unparsable cells, and why they failed."""

    array: npt.NDArray[Any]
    bad: npt.NDArray[np.bool_]
    reason: str = ""


def distinct_text(series: pd.Series[Any]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]:
    """Factorise raw values into codes and their distinct stripped texts.

    Missing and blank cells get code -1; whole floats lose their ``.0`` (a numeric id
    column read with gaps comes back as floats).
    """
    if pd.api.types.is_float_dtype(series.dtype):
        whole = series.dropna()
        if bool((whole == whole.round()).all()):
            series = series.astype("Int64")
    codes, uniques = pd.factorize(series)
    texts = np.array([str(value).strip() for value in uniques], dtype=object)
    blank = texts == ""
    if blank.any():
        codes = np.where(blank[np.maximum(codes, 0)] & (codes >= 0), -1, codes)
    return codes, texts


def expand(
    codes: npt.NDArray[np.intp], per_value: npt.NDArray[Any], missing: Any
) -> npt.NDArray[Any]:
    """Spread one result per distinct value back over the rows (``missing`` where code is -1)."""
    padded = np.empty(len(per_value) + 1, dtype=per_value.dtype)
    padded[:-1] = per_value
    padded[-1] = missing
    return padded[codes]


def strings(series: pd.Series[Any]) -> pd.Series[Any]:
    """Raw values as stripped strings in an object Series, with blanks as ``None``."""
    codes, texts = distinct_text(series)
    return pd.Series(expand(codes, texts, None), index=series.index, dtype=object)


def _per_value(
    series: pd.Series[Any], convert: Callable[[str], Any], *, missing: Any, dtype: Any
) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_], str]:
    """Apply ``convert`` to each distinct text; a raised error marks that value bad."""
    codes, texts = distinct_text(series)
    results = np.empty(len(texts), dtype=dtype)
    failed = np.zeros(len(texts), dtype=bool)
    reason = ""
    for index, text in enumerate(texts.tolist()):
        try:
            results[index] = convert(text)
        except (InvalidValueError, UnknownNameError, ValueError) as error:
            results[index], failed[index] = missing, True
            reason = reason or _reason(str(error))
    return expand(codes, results, missing), expand(codes, failed, False), reason


def _reason(message: str) -> str:
    """The part of an error message after the value: ``x='y' is not …`` → ``not …``."""
    _, found, rest = message.partition(" is ")
    return rest if found else message


def _parsed(
    series: pd.Series[Any],
    convert: Callable[[str], Any],
    *,
    missing: Any = None,
    dtype: Any = object,
) -> Parsed:
    values, bad, reason = _per_value(series, convert, missing=missing, dtype=dtype)
    return Parsed(values, bad, reason)


def parse_text(series: pd.Series[Any]) -> Parsed:
    """Keep text as stripped strings."""
    codes, texts = distinct_text(series)
    return Parsed(expand(codes, texts, None), np.zeros(len(series), dtype=bool))


def parse_email(series: pd.Series[Any]) -> Parsed:
    """Lower-case e-mail addresses and flag those not shaped like one."""
    parsed = _parsed(series, normalize_email)
    return attrs.evolve(parsed, reason="not a valid e-mail address")


def _first_domain(text: str) -> str:
    return normalize_domain(text.split(",", 1)[0])


def parse_domain(series: pd.Series[Any]) -> Parsed:
    """Reduce websites or domain lists (the first one counts) to a bare host name."""
    parsed = _parsed(series, _first_domain)
    return attrs.evolve(parsed, reason="not a valid domain name")


def normalize_phones(raw: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """Digits of phone numbers, ``+`` for an international prefix (as :func:`normalize_phone`)."""
    codes, texts = distinct_text(pd.Series(raw, dtype=object))
    digits = np.array([normalize_phone(text) or None for text in texts.tolist()], dtype=object)
    return expand(codes, digits, None)


def parse_time(series: pd.Series[Any]) -> Parsed:
    """Parse ISO 8601 dates and datetimes to int64 UTC nanoseconds; naive means UTC."""
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(series):
        parsed = pd.to_datetime(series, utc=True)
        nanos = parsed.dt.tz_localize(None).dt.as_unit("ns").to_numpy("datetime64[ns]")
        return Parsed(nanos.view(np.int64), np.zeros(len(series), dtype=bool))
    codes, texts = distinct_text(series)
    parsed = pd.to_datetime(
        pd.Series(texts, dtype=object), utc=True, format="ISO8601", errors="coerce"
    )
    per_value = (
        parsed.dt.tz_localize(None).dt.as_unit("ns").to_numpy("datetime64[ns]").view(np.int64)
    )
    nanos = expand(codes, per_value, NAT)
    bad = expand(codes, per_value == NAT, False)
    return Parsed(nanos, bad, "not an ISO 8601 date or datetime")


def parse_number(series: pd.Series[Any]) -> Parsed:
    """Parse numbers; text such as ``"TBD"`` or ``"12,000 USD"`` is bad."""
    codes, texts = distinct_text(series)
    per_value = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").to_numpy(np.float64)
    return Parsed(expand(codes, per_value, np.nan), expand(codes, np.isnan(per_value), False),
                  "not a number")  # fmt: skip


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


def _boolean(text: str) -> bool:
    folded = text.lower().removesuffix(".0")
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    msg = f"value={text!r} is not a boolean (true/false, yes/no, 1/0)"
    raise InvalidValueError(msg)


def parse_bool(series: pd.Series[Any]) -> Parsed:
    """Parse true/false, yes/no, 1/0 in any case; missing reads as false."""
    return _parsed(series, _boolean, missing=False, dtype=bool)


def _vocabulary(enum: Any) -> Callable[[pd.Series[Any]], Parsed]:
    def parse(series: pd.Series[Any]) -> Parsed:
        return _parsed(series, lambda raw: str(enum.parse(raw).value))

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
    return _parsed(series, _term)


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
