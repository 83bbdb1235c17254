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

import numpy as np
import numpy.typing as npt

__all__ = ["PLACEHOLDERS", "frequent_junk", "is_placeholder"]

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
        "19000101", "19700101", "00000000", "99999999", "11111111",
    }
)  # fmt: skip
_PLACEHOLDER_PARTS = frozenset(
    {"test", "example", "none", "noemail", "no", "na", "nomail", "null", "invalid", "xxx",
     "dummy", "fake", "unknown", "donotreply", "noreply", "no-reply", "asdf", "abc"}
)  # fmt: skip
_DIGITS = re.compile(r"\D+")
_COUNTING = "01234567890123456789"
# Frequency rule: in a nearly unique column, a value held by this many records at least …
_MIN_HOLDERS = 10
# … and by this many times as many records as the typical repeated value.
_TIMES_TYPICAL = 20
_NEARLY_UNIQUE = frozenset({"email", "phone", "identifier"})


def _junk_digits(value: str) -> bool:
    digits = _DIGITS.sub("", value)
    if len(digits) < 7 or len(digits) < len(value.replace("+", "")) - 2:
        return False  # short (a real postcode may read 11111) or not mostly digits
    tail = digits[-7:]  # after any country code
    return len(set(tail)) == 1 or tail in _COUNTING or tail in _COUNTING[::-1]


def _junk_email(value: str) -> bool:
    local, at, domain = value.partition("@")
    if not at:
        return False
    host = domain.split(".")[0]
    return local in _PLACEHOLDER_PARTS and host in _PLACEHOLDER_PARTS | {"test", "email", "mail"}


def is_placeholder(value: str, *, extra: Iterable[str] = ()) -> bool:
    """Whether a cleaned value is a placeholder rather than a real value.

    Examples
    --------
    >>> [is_placeholder(v) for v in ("n a", "test@test.com", "+10000000000", "smith")]
    [True, True, True, False]
    >>> is_placeholder("acme demo", extra={"acme demo"})
    True
    """
    return (
        value in PLACEHOLDERS
        or value in extra
        or value.replace(" ", "") in PLACEHOLDERS
        or _junk_email(value)
        or _junk_digits(value)
    )


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
    if kind not in _NEARLY_UNIQUE or not len(uniques):
        return np.empty(0, dtype=np.int64)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    typical = max(float(np.median(counts[counts > 0])), 1.0)
    junk = (counts >= _MIN_HOLDERS) & (counts >= _TIMES_TYPICAL * typical)
    return np.flatnonzero(junk).astype(np.int64)
