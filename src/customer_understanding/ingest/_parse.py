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

import math
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import epoch_nanos, typed_fields
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.domain import (
    ConsentPurpose,
    ConsentStatus,
    Discipline,
    OpportunityKind,
    Outcome,
    Role,
    Seniority,
    Stage,
    normalize_domain,
    normalize_email,
    normalize_phone,
    normalize_term,
)
from customer_understanding.ingest._distinct import distinct_text, expand
from customer_understanding.tables import NAT

__all__ = ["PARSERS", "Parsed", "check_time_format", "normalize_phones", "parse_time"]

_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


@attrs.frozen(field_transformer=typed_fields)
class Parsed:
    """Parsed values, the mask of unparsable cells, and why they failed."""

    array: npt.NDArray[Any]
    bad: npt.NDArray[np.bool_]
    reason: str = ""
    #: A reason per row where bad cells fail for different causes (overrides ``reason``).
    reasons: npt.NDArray[np.object_] | None = None


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


def normalize_phones(
    raw: npt.NDArray[np.object_], *, region: str | None = None
) -> npt.NDArray[np.object_]:
    """Phone numbers in E.164 form where they parse (as :func:`normalize_phone`), once each."""
    codes, texts = distinct_text(pd.Series(raw, dtype=object))
    digits = np.array(
        [normalize_phone(text, region=region) or None for text in texts.tolist()], dtype=object
    )
    return expand(codes, digits, None)


_EpochUnit = Literal["s", "ms", "us", "ns"]
_EPOCH_UNITS: dict[str, _EpochUnit] = {"epoch_s": "s", "epoch_ms": "ms", "epoch_us": "us",
                                       "epoch_ns": "ns"}  # fmt: skip
_RANGE = "outside the supported range of times (1677-09-22 to 2262-04-11)"


def check_time_format(column: str, fmt: str) -> str:
    """Refuse a time format that is neither an epoch unit nor a strftime pattern.

    Examples
    --------
    >>> check_time_format("ts", "epoch_ms")
    'epoch_ms'
    >>> check_time_format("ts", "dd/mm/yyyy")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: time_formats['ts']='dd/mm/yyyy' must be ...
    """
    if fmt in _EPOCH_UNITS or "%" in fmt:
        return fmt
    msg = (f"time_formats[{column!r}]={fmt!r} must be a strftime pattern such as "
           f"'%d/%m/%Y' or one of: {', '.join(_EPOCH_UNITS)}")  # fmt: skip
    raise InvalidValueError(msg)


#: Nanoseconds per unit pandas may parse times at (pandas 3 parses coarser ones too).
_NANOS_PER = {"ns": 1, "us": 10**3, "ms": 10**6, "s": 10**9}


def _nanos(parsed: pd.Series[Any], *, outside: str = "raise") -> npt.NDArray[np.int64]:
    """UTC nanoseconds of parsed times, ``NAT`` where one is missing.

    A time beyond the nanosecond range (pandas 3 parses those at a coarser unit instead
    of failing) raises ``OutOfBoundsDatetime``, or becomes ``NAT`` with
    ``outside="missing"`` (`_out_of_range` then gives it its own reason). Read from
    the parsed array's integers: a few values cost microseconds, not pandas calls.
    """
    array = parsed.array
    values = np.asarray(array.asi8, dtype=np.int64)  # in the array's unit; NaT is NAT
    factor = _NANOS_PER[str(getattr(array, "unit", "ns"))]
    missing = values == NAT
    if factor == 1:
        return values.copy()
    limit = np.iinfo(np.int64).max // factor  # beyond it no nanosecond time exists
    beyond = ~missing & ((values > limit) | (values < -limit))
    if beyond.any() and outside == "raise":
        msg = f"{int(beyond.sum())} times beyond the nanosecond range"
        raise pd.errors.OutOfBoundsDatetime(msg)
    known = ~(missing | beyond)
    return np.where(known, np.where(known, values, 0) * factor, NAT).astype(np.int64)


def _out_of_range(text: str, fmt: str | None) -> bool:
    try:
        if fmt in _EPOCH_UNITS:  # a finite number with no nanosecond time is out of range
            number = float(text)
            nanos = epoch_nanos(number, unit=_EPOCH_UNITS[fmt])
            return math.isfinite(number) and bool(nanos == NAT)
        pd.to_datetime(text, format=fmt or "ISO8601").as_unit("ns")
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        return True
    except (ValueError, TypeError):
        return False
    return False


def _datetime_column(series: pd.Series[Any]) -> Parsed:
    try:
        return Parsed(_nanos(pd.to_datetime(series, utc=True)), np.zeros(len(series), dtype=bool))
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        pass  # some values are beyond nanoseconds: convert value by value below
    nanos = np.full(len(series), NAT, dtype=np.int64)
    bad = np.zeros(len(series), dtype=bool)
    for row, value in enumerate(series.tolist()):
        if value is None or pd.isna(value):
            continue
        try:
            nanos[row] = pd.Timestamp(value).as_unit("ns").value
        except (pd.errors.OutOfBoundsDatetime, OverflowError):
            bad[row] = True
    return Parsed(nanos, bad, _RANGE)


def parse_time(series: pd.Series[Any], fmt: str | None = None) -> Parsed:
    """Parse times to int64 UTC nanoseconds; naive means UTC.

    Text is ISO 8601 unless ``fmt`` gives a strftime pattern or an epoch unit
    (``"epoch_s"``, ``"epoch_ms"``, ``"epoch_us"``, ``"epoch_ns"``). A value outside the
    range of nanosecond times is bad with its own reason.

    Examples
    --------
    >>> parse_time(pd.Series(["31/12/2025"]), "%d/%m/%Y").array.tolist()
    [1767139200000000000]
    >>> parse_time(pd.Series(["1767139200000"]), "epoch_ms").array.tolist()
    [1767139200000000000]
    """
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(series):
        return _datetime_column(series)
    codes, texts = distinct_text(series)
    values = pd.Series(texts, dtype=object)
    if fmt in _EPOCH_UNITS:
        numbers = pd.to_numeric(values, errors="coerce")
        parsed = pd.Series(pd.to_datetime(epoch_nanos(numbers, unit=_EPOCH_UNITS[fmt]), utc=True))
        expected = f"not a number of {fmt.removeprefix('epoch_')} since 1970-01-01"
    else:
        parsed = pd.to_datetime(values, utc=True, format=fmt or "ISO8601", errors="coerce")
        expected = (
            f"not a time in the format {fmt!r}" if fmt else "not an ISO 8601 date or datetime"
        )
    per_value = _nanos(parsed, outside="missing")
    failed = per_value == NAT
    reasons = np.array([_RANGE if bad and _out_of_range(text, fmt) else expected
                        for bad, text in zip(failed.tolist(), texts.tolist(), strict=True)],
                       dtype=object)  # fmt: skip
    nanos = expand(codes, per_value, NAT)
    bad = expand(codes, failed, False)
    return Parsed(nanos, bad, expected, reasons=expand(codes, reasons, None))


def parse_number(series: pd.Series[Any]) -> Parsed:
    """Parse finite numbers; text such as ``"TBD"``, ``"12,000 USD"`` or ``"inf"`` is bad.

    Examples
    --------
    >>> parse_number(pd.Series(["12.5", "inf", "TBD"])).bad.tolist()
    [False, True, True]
    """
    codes, texts = distinct_text(series)
    numbers = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce")
    per_value = numbers.to_numpy(
        np.float64, copy=True
    )  # written below; pandas 3 views are read-only
    infinite = np.isinf(per_value)
    bad = infinite | np.isnan(per_value)
    per_value[bad] = np.nan
    reasons = np.full(len(per_value), None, dtype=object)
    reasons[bad] = "not a number"
    reasons[infinite] = "not a finite number"
    return Parsed(expand(codes, per_value, np.nan), expand(codes, bad, False), "not a number",
                  reasons=expand(codes, reasons, None))  # fmt: skip


def _limited(parsed: Parsed, outside: npt.NDArray[np.bool_], reason: str) -> Parsed:
    earlier = parsed.reasons
    if earlier is None:
        earlier = np.full(len(parsed.bad), None, dtype=object)
        earlier[parsed.bad] = parsed.reason
    reasons = np.where(outside, reason, earlier)
    return Parsed(parsed.array, parsed.bad | outside, reason, reasons=reasons.astype(object))


def parse_amount(series: pd.Series[Any]) -> Parsed:
    """Parse non-negative finite numbers (amounts, head counts).

    Examples
    --------
    >>> parsed = parse_amount(pd.Series(["-5", "TBD", "7"]))
    >>> parsed.bad.tolist(), parsed.reasons.tolist()
    ([True, True, False], ['not a number >= 0', 'not a number', None])
    """
    parsed = parse_number(series)
    return _limited(parsed, parsed.array < 0, "not a number >= 0")


def parse_unit(series: pd.Series[Any]) -> Parsed:
    """Parse numbers in [0, 1] (ratings)."""
    parsed = parse_number(series)
    return _limited(parsed, (parsed.array < 0) | (parsed.array > 1), "not a number within [0, 1]")


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


_CONSENT_WORDS = {
    **dict.fromkeys(("true", "t", "yes", "y", "1", "opt-in", "opt in", "opted in", "opted-in",
                     "subscribed"), "granted"),
    **dict.fromkeys(("false", "f", "no", "n", "0", "opt-out", "opt out", "opted out",
                     "opted-out", "unsubscribed"), "denied"),
}  # fmt: skip


def _consent(raw: str) -> str:
    word = _CONSENT_WORDS.get(raw.strip().lower().removesuffix(".0"))
    if word is not None:
        return word
    try:
        return str(ConsentStatus.parse(raw).value)
    except (InvalidValueError, UnknownNameError):
        msg = f"value={raw!r} is not a consent answer (granted, denied, unknown, yes, no, 1, 0)"
        raise InvalidValueError(msg) from None


def parse_consent(series: pd.Series[Any]) -> Parsed:
    """Parse consent answers: the vocabulary's words, and yes/no, true/false, 1/0 for it.

    A mapping whose column asks the opposite question (``HasOptedOutOfEmail``) turns
    the answers round with a value map, which is applied first.

    Examples
    --------
    >>> parse_consent(pd.Series(["Yes", "0", "granted", "perhaps"])).array.tolist()
    ['granted', 'denied', 'granted', None]
    """
    return _parsed(series, _consent)


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
    "opportunity_kind": _vocabulary(OpportunityKind),
    "consent": parse_consent,
    "purpose": _vocabulary(ConsentPurpose),
    "discipline": _vocabulary(Discipline),
}
