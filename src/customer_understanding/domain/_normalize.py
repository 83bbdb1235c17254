"""Scalar normalisers applied when domain objects are constructed.

The columnar ingestion path applies the same rules to whole columns
(:mod:`customer_understanding.tables._columns`); tests check the two agree.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from customer_understanding._errors import InvalidValueError

__all__ = [
    "EMAIL_PATTERN",
    "normalize_domain",
    "normalize_email",
    "normalize_phone",
    "to_utc",
]

#: One ``@``, no spaces, and a dot in the domain part.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_DOMAIN_PATTERN = re.compile(
    r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$"
)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_PHONE_JUNK = re.compile(r"[^0-9+]")
_EXTENSION = re.compile(r"(?:ext\.?|x|#)\s*\d+\s*$", re.IGNORECASE)


def normalize_email(value: str) -> str:
    """Strip and lower-case an e-mail address, checking its shape.

    Raises
    ------
    InvalidValueError
        If the value is not shaped like an e-mail address.

    Examples
    --------
    >>> normalize_email("  Ada.Lovelace@Example.COM ")
    'ada.lovelace@example.com'
    """
    email = value.strip().lower()
    if not EMAIL_PATTERN.match(email):
        msg = f"email={value!r} is not a valid e-mail address"
        raise InvalidValueError(msg)
    return email


def normalize_domain(value: str) -> str:
    """Reduce a website or domain to its bare host name, lower-case, without ``www.``.

    Raises
    ------
    InvalidValueError
        If no valid host name remains.

    Examples
    --------
    >>> normalize_domain("https://www.Example.co.uk/about?x=1")
    'example.co.uk'
    >>> normalize_domain("Example.com.")
    'example.com'
    """
    host = _SCHEME.sub("", value.strip().lower())
    host = re.split(r"[/?#]", host, maxsplit=1)[0].split("@")[-1].split(":")[0].rstrip(".")
    host = host.removeprefix("www.")
    if not _DOMAIN_PATTERN.match(host):
        msg = f"domain={value!r} is not a valid domain name"
        raise InvalidValueError(msg)
    return host


def normalize_phone(value: str) -> str:
    """Keep the digits of a phone number, with ``+`` for an international prefix.

    An extension (``x12``, ``ext. 12``) is dropped, ``00`` becomes ``+``, and an
    empty result gives the empty string. The country is not guessed.

    Examples
    --------
    >>> normalize_phone("+1 (415) 555-0100 ext. 12")
    '+14155550100'
    >>> normalize_phone("0049 30 1234567")
    '+49301234567'
    """
    text = _EXTENSION.sub("", value.strip())
    digits = _PHONE_JUNK.sub("", text)
    international = digits.startswith(("+", "00"))
    digits = digits.replace("+", "")
    if digits.startswith("00"):
        digits = digits[2:]
    return f"+{digits}" if international and digits else digits


def to_utc(value: object) -> datetime:
    """Return a timezone-aware UTC datetime; naive input is taken to be UTC already.

    Raises
    ------
    InvalidValueError
        If a string is not an ISO 8601 date or datetime.

    Examples
    --------
    >>> to_utc("2026-03-01T09:30:00+01:00")
    datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.timezone.utc)
    >>> to_utc(date(2026, 3, 1))
    datetime.datetime(2026, 3, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            msg = f"datetime={value!r} is not an ISO 8601 date or datetime"
            raise InvalidValueError(msg) from None
    if not isinstance(value, datetime):
        if not isinstance(value, date):
            msg = f"datetime={value!r} must be a datetime, date or ISO 8601 string"
            raise InvalidValueError(msg)
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
