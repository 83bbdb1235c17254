"""The library's one set of normalisers, one value at a time.

Domain objects apply them on construction; ingestion and identity resolution apply the
same functions once per distinct value of a column, so a phone number, an e-mail
address or a name is folded the same way everywhere. Each is a single function, so
swapping in a dedicated library (for example for phone numbers) is one change.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime

from customer_understanding._errors import InvalidValueError

__all__ = [
    "EMAIL_PATTERN",
    "FREE_MAIL_DOMAINS",
    "normalize_domain",
    "normalize_email",
    "normalize_name",
    "normalize_organisation",
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
_EXTENSION = re.compile(r"(?:ext\.?|extension|x|#)\s*\d+\s*$", re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_LEGAL_SUFFIXES = (
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "plc", "corp", "corporation",
    "co", "company", "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "sl", "bv", "nv",
    "ab", "as", "asa", "oy", "aps", "dac", "pty", "pte", "kk", "se", "group", "holdings",
)  # fmt: skip
_SUFFIXES = re.compile(r"(?:\s+(?:" + "|".join(_LEGAL_SUFFIXES) + r"))+$")

#: Consumer mailbox domains: an address there says nothing about the employer.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "ymail.com", "icloud.com", "me.com", "aol.com", "proton.me",
        "protonmail.com", "gmx.de", "gmx.net", "web.de", "mail.com", "yandex.ru",
        "qq.com", "163.com",
    }
)  # fmt: skip


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


def normalize_name(value: str) -> str:
    """Fold a name for matching: no accents, no punctuation, lower case, single spaces.

    Used for people's names, cities, addresses and free text alike; the empty string
    means nothing was left.

    Examples
    --------
    >>> normalize_name("  José-María  O'Neil ")
    'jose maria o neil'
    """
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return " ".join(_NOT_ALNUM.sub(" ", ascii_text.lower()).split())


def normalize_organisation(value: str) -> str:
    """Fold an organisation's name for matching: as :func:`normalize_name`, without legal suffixes.

    Dots vanish first, so ``"A.C.M.E."`` and ``"ACME"`` agree.

    Examples
    --------
    >>> normalize_organisation("Société Générale S.A.")
    'societe generale'
    >>> normalize_organisation("A.C.M.E. Holdings, Inc.")
    'acme'
    """
    return _SUFFIXES.sub("", normalize_name(value.replace(".", ""))).strip()


def to_utc(value: object, *, name: str = "datetime") -> datetime:
    """Return a timezone-aware UTC datetime; naive input is taken to be UTC already.

    ``name`` is the argument the value was given as, for the error message.

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
            msg = f"{name}={value!r} is not an ISO 8601 date or datetime"
            raise InvalidValueError(msg) from None
    if not isinstance(value, datetime):
        if not isinstance(value, date):
            msg = f"{name}={value!r} must be a datetime, date or ISO 8601 string"
            raise InvalidValueError(msg)
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
