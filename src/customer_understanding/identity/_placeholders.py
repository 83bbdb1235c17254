"""Placeholder and junk values: what people type when they have no value to give.

``"N/A"``, ``"none"``, ``"test@test.com"``, ``"0000000000"`` are not values: two records
that both hold them agree on nothing. They are recognised in two ways, and treated as
missing:

- a built-in list (:data:`PLACEHOLDERS`), compared after the column's own cleaning and
  extended per column with ``Field(placeholders=...)``; plus the shapes junk takes
  whatever its spelling: one digit repeated, the digits counted up (``123456789``), an
  e-mail address whose local part or domain is itself a placeholder;
- the values' frequencies: in a column that should be nearly unique per entity (e-mail,
  phone, identifier) a value that many records hold while the typical value is held by
  one or two is a default someone typed in, not an entity's value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "PLACEHOLDERS",
    "frequent_junk",
    "is_placeholder",
    "placeholder_mask",
    "too_frequent",
]

#: Values treated as missing in every column (compared after the column's cleaning).
PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "", "n a", "n/a", "nan", "none", "null", "nil", "void", "missing",
        "unknown", "unkown", "not known", "not available", "not applicable", "not given",
        "not provided", "no name", "noname", "no email", "noemail", "no phone", "nophone",
        "tbd", "tba", "tbc", "to be confirmed", "test", "testing", "dummy", "xxx", "xxxx",
        "zzz", "asdf", "qwerty", "blank", "empty", "anonymous", "undefined", "keine angabe",
        "inconnu",
        "desconocido", "sconosciuto", "onbekend", "нет", "неизвестно", "不明", "无", "なし",
        "test test", "john doe", "jane doe", "mickey mouse", "first last", "firstname lastname",
        "19000101", "19700101", "00000000", "99999999", "11111111", "-", "--", "?", "n.a.",
        "n/k",
    }
)  # fmt: skip
_PLACEHOLDER_PARTS = frozenset(
    {"test", "example", "none", "noemail", "no", "na", "nomail", "null", "invalid", "xxx",
     "dummy", "fake", "unknown", "donotreply", "noreply", "no-reply", "asdf", "abc"}
)  # fmt: skip
_COUNTING = "01234567890123456789"
# Frequency rule: in a nearly unique column, a value held by this many records at least …
_MIN_HOLDERS = 10
# … and by this many times as many records as the typical repeated value.
_TIMES_TYPICAL = 20
_NEARLY_UNIQUE = frozenset({"email", "phone", "identifier"})


# The last seven digits of a number typed as junk: one digit repeated, or counting.
_JUNK_TAILS = frozenset(
    {digit * 7 for digit in "0123456789"}
    | {_COUNTING[i : i + 7] for i in range(10)}
    | {_COUNTING[::-1][i : i + 7] for i in range(10)}
)
_DIGIT_KINDS = frozenset({"phone", "identifier", "email"})


_NOT_DIGITS = re.compile(r"\D+")
_LONGEST = 40  # no placeholder is longer: longer raw text is not looked up


def _junk_digits(value: str) -> bool:
    """Mostly digits, at least seven, ending in a run or a count (after a country code)."""
    body = value[1:] if value[:1] == "+" else value
    digits = body if body.isdigit() else _NOT_DIGITS.sub("", body)
    return len(digits) >= max(7, len(body) - 2) and digits[-7:] in _JUNK_TAILS


def _junk_email(value: str) -> bool:
    local, at, domain = value.partition("@")
    if not at:
        return False
    host = domain.split(".")[0]
    return local in _PLACEHOLDER_PARTS and host in _PLACEHOLDER_PARTS | {"test", "email", "mail"}


def _junk_number(value: str) -> bool:
    """:func:`_junk_digits`, deciding at once when the value ends in seven digits (most do)."""
    tail = value[-7:]
    if tail.isdigit() and tail.isascii():  # then they are its last seven digits
        return tail in _JUNK_TAILS and _junk_digits(value)
    return _junk_digits(value)


def placeholder_mask(
    raw: pd.Series[Any], cleaned: pd.Series[Any], *, kind: str, extra: Iterable[str] = ()
) -> npt.NDArray[np.bool_]:
    """Which values are placeholders: by their cleaned form, their raw text, or their shape.

    ``raw`` and ``cleaned`` are aligned (cleaned ``None`` where nothing was left).
    """
    listed = PLACEHOLDERS | set(extra)
    shapes = [_junk_email] if kind == "email" else []
    shapes += [_junk_number] if kind in _DIGIT_KINDS else []
    texts = cleaned.tolist()
    mask = np.fromiter(
        (text is not None and (text in listed or (" " in text and text.replace(" ", "")
                                                  in listed)) for text in texts),
        dtype=bool, count=len(texts),
    )  # fmt: skip
    for shape in shapes:
        mask |= np.fromiter((text is not None and shape(text) for text in texts), dtype=bool,
                            count=len(texts))  # fmt: skip
    # The raw text too, for what cleaning changed ("N/A" is cleaned to "n a").
    for k, value in enumerate(raw.tolist()):
        if not mask[k] and isinstance(value, str) and len(value) <= _LONGEST:
            mask[k] = " ".join(value.lower().split()) in listed
    return mask


def is_placeholder(value: str, *, kind: str = "text", extra: Iterable[str] = ()) -> bool:
    """Whether a cleaned value is a placeholder rather than a real value.

    Examples
    --------
    >>> [is_placeholder(v, kind="email") for v in ("n/a", "test@test.com", "a@b.org")]
    [True, True, False]
    >>> is_placeholder("+10000000000", kind="phone"), is_placeholder("smith")
    (True, False)
    >>> is_placeholder("acme demo", extra={"acme demo"})
    True
    """
    series = pd.Series([value], dtype=object)
    return bool(placeholder_mask(series, series, kind=kind, extra=extra)[0])


def frequent_junk(
    codes: npt.NDArray[np.int64], uniques: npt.NDArray[np.object_], *, kind: str
) -> npt.NDArray[np.int64]:
    """Codes of values too frequent to be one entity's, in a nearly unique column.

    Examples
    --------
    >>> import numpy as np
    >>> codes = np.array([0] * 50 + list(range(1, 41)) + list(range(1, 41)))
    >>> frequent_junk(codes, np.array(["x"] * 41, dtype=object), kind="phone").tolist()
    [0]
    """
    if not len(uniques):
        return np.empty(0, dtype=np.int64)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    return np.flatnonzero(too_frequent(counts, kind=kind)).astype(np.int64)


def too_frequent(counts: npt.NDArray[np.int64], *, kind: str) -> npt.NDArray[np.bool_]:
    """Which values, held by ``counts`` records each, are too frequent to be one entity's.

    The rule of :func:`frequent_junk` on value counts alone (as an engine that counts the
    values elsewhere has them); counts of 0 are values no record holds.

    Examples
    --------
    >>> import numpy as np
    >>> too_frequent(np.array([50] + [2] * 40), kind="phone")[:2].tolist()
    [True, False]
    """
    if kind not in _NEARLY_UNIQUE or not len(counts):
        return np.zeros(len(counts), dtype=bool)
    held = counts[counts > 0]
    typical = max(float(np.median(held)), 1.0) if len(held) else 1.0
    junk: npt.NDArray[np.bool_] = (counts >= _MIN_HOLDERS) & (counts >= _TIMES_TYPICAL * typical)
    return junk
