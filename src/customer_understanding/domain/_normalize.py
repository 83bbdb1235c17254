"""The library's one set of normalisers, one value at a time.

Domain objects apply them on construction; ingestion and identity resolution apply the
same functions once per distinct value of a column, so a phone number, an e-mail
address or a name is folded the same way everywhere.

What the world already parses is parsed with the library made for it: phone numbers
with ``phonenumbers`` (the Python port of Google's libphonenumber), e-mail addresses
with ``email-validator``, internationalised domain names with ``idna``. Both parsers
cost tens of microseconds a value, so the phone and e-mail normalisers keep a cache of
the values they have seen (bulk paths meet the same addresses in many sources), and
plain ASCII addresses take a fast path that agrees with the validator (a test checks it).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from customer_understanding._errors import InvalidValueError, personal

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "FREE_MAIL_DOMAINS",
    "normalize_domain",
    "normalize_email",
    "normalize_name",
    "normalize_names",
    "normalize_organisation",
    "normalize_organisations",
    "normalize_phone",
    "to_utc",
]

_DOMAIN_PATTERN = re.compile(
    r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$"
)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_EXTENSION = re.compile(r"(?:ext\.?|extension|x|#)\s*\d+\s*$", re.IGNORECASE)
# Digits with the punctuation people put between them, nothing else.
_PUNCTUATED = re.compile(r"^\+?[\d\s().\-/]+$")
# The international prefix most of the world dials, before a country code (never 0).
_IDD = re.compile(r"^00[\s.\-/()]*[1-9]")
# A vanity number as people write it: digits first, then capital letters (1-800-FLOWERS).
_VANITY = re.compile(r"^\+?[\d\s().\-/]*\d[\d\s().\-/]*[A-Z][A-Z\d\s.\-]*$")
# Addresses the validator would accept unchanged once lower-cased: plain ASCII local part,
# ASCII labels of at most 63 characters, an alphabetic top-level domain. Anything else
# (Unicode, punycode, quoted parts, odd characters) goes to the validator.
_PLAIN_EMAIL = re.compile(
    r"^[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_CACHE_SIZE = 1 << 17  # distinct values remembered per normaliser before the cache restarts
_NOT_DIGIT = re.compile(r"[^0-9]+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_LEGAL_SUFFIXES = (
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "plc", "corp", "corporation",
    "co", "company", "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "sl", "bv", "nv",
    "ab", "as", "asa", "oy", "aps", "dac", "pty", "pte", "kk", "se", "group", "holdings",
)  # fmt: skip
_SUFFIX_WORDS = frozenset(_LEGAL_SUFFIXES)
# Every ASCII character but letters, digits and the line break, as a space.
_ASCII_NOT_ALNUM = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "\n")}
)

#: Consumer mailbox domains: an address there says nothing about the employer.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "ymail.com", "icloud.com", "me.com", "aol.com", "proton.me",
        "protonmail.com", "gmx.de", "gmx.net", "web.de", "mail.com", "yandex.ru",
        "qq.com", "163.com",
    }
)  # fmt: skip


def _cached(
    function: Callable[..., str],
    *,
    fixed_point: Callable[[str, tuple[Any, ...]], tuple[Any, ...] | None] | None = None,
) -> Callable[..., str]:
    """Remember results per distinct argument; parsing libraries are slow per value.

    A plain dict, cleared when full: lookups are cheaper than an LRU's bookkeeping,
    and bulk paths meet each value in bursts. ``fixed_point`` names the arguments under
    which a result normalises to itself, so that normalising it again is a lookup.
    """
    cache: dict[tuple[Any, ...], str] = {}

    @functools.wraps(function)
    def wrapper(*args: Any) -> str:
        found = cache.get(args)
        if found is None:
            found = function(*args)
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            cache[args] = found
            again = None if fixed_point is None else fixed_point(found, args)
            if again is not None:
                cache.setdefault(again, found)
        return found

    return wrapper


def _phone_fixed_point(result: str, args: tuple[Any, ...]) -> tuple[Any, ...] | None:
    # A number with "+" normalises to itself in any region: identity re-normalises the
    # loaded E.164 numbers, and this spares it parsing each one again.
    return (result, None) if result.startswith("+") else None


def _email_fixed_point(result: str, args: tuple[Any, ...]) -> tuple[Any, ...] | None:
    return None if result.startswith("\x00") else (result,)


def _without_format_characters(text: str) -> str:
    """Drop zero-width spaces, joiners, bidi marks and other invisible format characters."""
    if text.isascii():
        return text
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def _ascii_digits(text: str) -> str:
    """Spell every decimal digit (Arabic-Indic, full-width …) as an ASCII digit."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def normalize_email(value: str, *, strict: bool = True) -> str:
    """Validate an e-mail address with ``email-validator`` and return one spelling of it.

    Surrounding spaces, a ``mailto:`` prefix (and any ``?subject=…`` after it) and
    invisible format characters (zero-width spaces, bidi marks) are removed; the whole
    address is lower-cased; an internationalised domain is spelled in Unicode, so
    ``ann@bücher.de`` and ``ann@xn--bcher-kva.de`` are one address. Deliverability is
    not checked (no network).

    Parameters
    ----------
    value
        The address as found.
    strict
        With ``False``, an address the validator refuses is returned cleaned and
        lower-cased instead of raising: identity resolution still compares such
        addresses as evidence.

    Raises
    ------
    InvalidValueError
        If ``strict`` and the validator refuses the address; the message masks it
        (see :func:`customer_understanding.show_personal_values`).

    Examples
    --------
    >>> normalize_email("  Ada.Lovelace@Example.COM ")
    'ada.lovelace@example.com'
    >>> normalize_email("mailto:ann@xn--bcher-kva.de")
    'ann@bücher.de'
    >>> normalize_email("ann..lee@acme", strict=False)
    'ann..lee@acme'
    """
    email = _email(value)
    if email.startswith("\x00"):  # the validator's refusal, with its reason
        if not strict:
            return "".join(_clean_email(value).split())
        msg = f"email={personal(value)} is not a valid e-mail address ({email[1:]})"
        raise InvalidValueError(msg)
    return email


def _clean_email(value: str) -> str:
    text = _without_format_characters(value).strip()
    if text[:7].lower() == "mailto:":
        text = text[7:].partition("?")[0].strip()
    return text.lower()


@functools.partial(_cached, fixed_point=_email_fixed_point)
def _email(value: str) -> str:
    """The normalised address, or a NUL followed by the reason the validator refused it."""
    email = _clean_email(value)
    if _PLAIN_EMAIL.match(email) and len(email) <= 254 and not _special(email):
        local, _, domain = email.partition("@")
        if len(local) <= 64 and "--" not in domain:  # labels like "ab--c" need IDNA checks
            return email
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        reason = str(error).rstrip(".")
        return "\x00" + (reason[:1].lower() + reason[1:])
    return str(checked.normalized).lower()


@functools.cache
def _special_use() -> tuple[frozenset[str], tuple[str, ...]]:
    """The validator's reserved names: one-label ones (``local``), and the others."""
    from email_validator import SPECIAL_USE_DOMAIN_NAMES

    names = frozenset(SPECIAL_USE_DOMAIN_NAMES)
    return frozenset(n for n in names if "." not in n), tuple(n for n in names if "." in n)


def _special(email: str) -> bool:
    """Whether the domain is, or is under, a name reserved for special use (``.local``)."""
    domain = email.rpartition("@")[2]
    labels, longer = _special_use()
    if domain.rpartition(".")[2] in labels:
        return True
    return any(domain == name or domain.endswith("." + name) for name in longer)


def normalize_domain(value: str) -> str:
    """Reduce a website or domain to its bare host name, lower-case, without ``www.``.

    Internationalised names are checked with ``idna`` (IDNA 2008, UTS 46 mapping) and
    spelled in Unicode, as :func:`normalize_email` spells them: ``bücher.de`` and
    ``xn--bcher-kva.de`` are one domain.

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
    >>> normalize_domain("http://xn--bcher-kva.de/")
    'bücher.de'
    """
    host = _SCHEME.sub("", _without_format_characters(value).strip().lower())
    host = re.split(r"[/?#]", host, maxsplit=1)[0].split("@")[-1].split(":")[0].rstrip(".")
    host = host.removeprefix("www.")
    if host.isascii() and "xn--" not in host:
        if _DOMAIN_PATTERN.match(host):
            return host
    else:
        unicode_host = _idn(host)
        if unicode_host:
            return unicode_host
    msg = f"domain={value!r} is not a valid domain name"
    raise InvalidValueError(msg)


def _idn(host: str) -> str:
    """An internationalised host in Unicode, or ``""`` when IDNA refuses it."""
    import idna

    try:
        ascii_host = idna.encode(host, uts46=True).decode("ascii")
        if not _DOMAIN_PATTERN.match(ascii_host):
            return ""
        return str(idna.decode(ascii_host))
    except idna.IDNAError:
        return ""


def normalize_phone(value: str, *, region: str | None = None) -> str:
    """Parse a phone number with ``phonenumbers`` and return it in E.164 form.

    ``region`` is the ISO 3166 country code a number without an international prefix
    belongs to (the source's default region, such as ``"DE"``). Without one, only a
    number with a leading ``+`` or ``00`` is read as international. A number the
    library can parse and that has a possible length is returned as ``+`` and its
    digits (a trunk zero such as ``(0)`` dropped, vanity letters spelled as digits,
    any script's digits read); anything else keeps its digits (with ``+`` when it was
    written with an international prefix). An extension is dropped, and a value with
    no digits gives the empty string.

    Raises
    ------
    InvalidValueError
        If ``region`` is not a region the library knows.

    Examples
    --------
    >>> normalize_phone("+1 (415) 555-0100 ext. 12")
    '+14155550100'
    >>> normalize_phone("+49 (0)30 1234567")
    '+49301234567'
    >>> normalize_phone("030 1234567", region="DE")
    '+49301234567'
    >>> normalize_phone("1-800-FLOWERS", region="US")
    '+18003569377'
    >>> normalize_phone("030 1234567")
    '0301234567'
    """
    if region is not None:
        region = check_region(region)
    return _phone(value, region)


def check_region(region: object, name: str = "region") -> str:
    """Upper-case a phone region code, refusing one the phone library does not know."""
    import phonenumbers

    code = region.strip().upper() if isinstance(region, str) else region
    if code not in phonenumbers.SUPPORTED_REGIONS:
        msg = f"{name}={region!r} is not a region code such as 'US', 'DE' or 'GB'"
        raise InvalidValueError(msg)
    return str(code)


@_cached
def _e164(text: str, region: str | None) -> str:
    """The number in E.164 when the library parses it to a possible number, else ``""``.

    Cached apart from :func:`_phone`: spellings of one number often reduce to one text.
    """
    import phonenumbers

    if region is None and not text.startswith("+"):
        return ""  # the library would refuse it: no country to read it in
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return f"+{number.country_code}{phonenumbers.national_significant_number(number)}"


@functools.partial(_cached, fixed_point=_phone_fixed_point)
def _phone(value: str, region: str | None) -> str:
    text = _ascii_digits(_without_format_characters(value)).strip()
    text = _EXTENSION.sub("", text).strip()  # E.164 has no extension
    # The library drops the punctuation itself, more slowly; but it refuses two digits
    # split by punctuation ("1...0"), so so does the shortcut.
    if _PUNCTUATED.match(text) and len(_NOT_DIGIT.sub("", text)) > 2:
        text = text[:1] + _NOT_DIGIT.sub("", text[1:])
    elif _VANITY.match(text):
        from phonenumbers import convert_alpha_characters_in_number

        spelled = _NOT_DIGIT.sub("", convert_alpha_characters_in_number(text))
        text = ("+" if text.startswith("+") else "") + spelled
    if region is None and _IDD.match(text):
        text = "+" + text[2:]
    e164 = _e164(text, region)
    if e164:
        return e164
    digits = _NOT_DIGIT.sub("", text)  # every digit is ASCII by now
    if text.startswith("+") or (region is None and _IDD.match(digits)):
        return "+" + (digits if text.startswith("+") else digits[2:]) if digits else ""
    return digits


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
    return _without_suffixes(normalize_name(value.replace(".", ""))).strip()


def _without_suffixes(name: str) -> str:
    """A folded name (words split by one space) without the legal forms it ends with."""
    while True:
        head, space, last = name.rpartition(" ")
        if not (space and last in _SUFFIX_WORDS):
            return name
        name = head


def _texts(values: object) -> list[str]:
    """The values of a batch, refused by place unless every one is text."""
    if isinstance(values, str) or not isinstance(values, Iterable):
        msg = f"values={values!r:.60} must be a list of texts"
        raise InvalidValueError(msg)
    texts = list(values)
    for at, text in enumerate(texts):
        if not isinstance(text, str):
            msg = f"values[{at}]={text!r:.60} must be text"
            raise InvalidValueError(msg)
    return texts


def normalize_names(values: Iterable[str]) -> list[str]:
    """:func:`normalize_name` of each value, at once.

    ASCII values on one line each are run together, one line per value, so that each
    step is one pass over them all (ASCII has no accents to drop); the others are
    folded one by one. The same answers, for a fraction of the time over many values.

    Raises
    ------
    InvalidValueError
        If ``values`` is not a list of texts, naming the first value that is not.

    Examples
    --------
    >>> normalize_names(["  José-María  O'Neil ", "ACME, Inc.", ""])
    ['jose maria o neil', 'acme inc', '']
    """
    texts = _texts(values)
    folded = [""] * len(texts)
    together = []
    for at, text in enumerate(texts):
        if text.isascii() and "\n" not in text:
            together.append(at)
        else:
            folded[at] = normalize_name(text)
    if together:
        joined = "\n".join(texts[at] for at in together).lower().translate(_ASCII_NOT_ALNUM)
        while "  " in joined:  # each run of other characters becomes one space
            joined = joined.replace("  ", " ")
        for at, line in zip(together, joined.split("\n"), strict=True):
            folded[at] = line.strip(" ")
    return folded


def normalize_organisations(values: Iterable[str]) -> list[str]:
    """:func:`normalize_organisation` of each value, at once (see :func:`normalize_names`).

    Raises
    ------
    InvalidValueError
        If ``values`` is not a list of texts, naming the first value that is not.

    Examples
    --------
    >>> normalize_organisations(["A.C.M.E. Holdings, Inc.", "Société Générale S.A.", ""])
    ['acme', 'societe generale', '']
    """
    names = normalize_names([value.replace(".", "") for value in _texts(values)])
    return [_without_suffixes(name).strip() for name in names]


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
