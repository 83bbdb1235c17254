"""Organisation names and street addresses, cleaned for comparison.

An organisation's name loses its legal form (``GmbH``, ``S.A. de C.V.``, ``Sp. z o.o.``,
``ООО``, ``株式会社`` …) wherever it stands, first or last, and the words that carry no
identity in many languages (``the``, ``and``, ``der``, ``et``, ``y`` …); dots go first so
``A.C.M.E.`` reads ``acme``. What is left is compared word by word (containment,
shared words, initials) in :mod:`._comparisons`.

An address is split into its house number and its street, with the street types people
abbreviate written one way (``street`` → ``st``, ``straße`` → ``str``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from customer_understanding.identity._scripts import fold, fold_all

__all__ = [
    "LEGAL_FORMS",
    "STOP_WORDS",
    "address",
    "address_parts",
    "addresses",
    "initials",
    "organisation",
]

#: Legal forms, as words once folded (``s a`` for ``S.A.``; dots are dropped first).
LEGAL_FORMS: frozenset[str] = frozenset(
    {
        # English-speaking
        "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "plc", "corp",
        "corporation", "co", "company", "pc", "pllc", "cic", "dac", "uc", "clg", "pty", "pte",
        "pvt", "private", "public limited company", "limited liability company", "lllp",
        # German, Austrian, Swiss, Dutch, Belgian, Nordic
        "gmbh", "ag", "kg", "ohg", "ug", "mbh", "gbr", "ev", "eg", "kgaa", "gmbh co kg",
        "bv", "nv", "vof", "cv", "bvba", "sprl", "ab", "as", "asa", "oy", "oyj", "aps", "a s",
        "hf", "ehf", "aktiebolag", "aktiengesellschaft", "osakeyhtio", "naamloze vennootschap",
        "besloten vennootschap", "gesellschaft mit beschrankter haftung",
        # French, Spanish, Portuguese, Italian, Romanian
        "sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "sca", "scs", "sl", "slu", "sau",
        "s de rl", "sa de cv", "s de rl de cv", "sapi de cv", "sab", "sab de cv", "ltda",
        "eireli", "spa", "srl", "srls", "sapa", "scarl", "sociedad anonima", "societe anonyme",
        "societa per azioni",
        # Central and Eastern Europe, Turkey, Greece
        "sp z oo", "spzoo", "sp k", "sro", "spol s ro", "doo", "dd", "kft", "zrt",
        "nyrt", "bt", "ood", "ead", "ad", "oü", "uab", "sia", "ltd sti", "ae", "epe",
        "ооо", "оао", "зао", "пао", "ао", "ип", "ooo", "oao", "zao", "pao", "тов", "пп",
        # Asia
        "kk", "yk", "gk", "株式会社", "有限会社", "合同会社", "有限公司", "股份有限公司",
        "有限责任公司", "集团", "公司", "주식회사", "유한회사", "pt", "tbk", "bhd", "sdn bhd",
        "sdn", "jsc", "ojsc", "cjsc", "se", "group", "holding", "holdings",
    }
)  # fmt: skip
#: Words that carry no identity in a name, in several languages.
STOP_WORDS: frozenset[str] = frozenset(
    {
        "the", "and", "of", "for", "a", "an", "der", "die", "das", "und", "von", "fur",
        "le", "la", "les", "l", "et", "de", "du", "des", "d", "el", "los", "las", "y", "del",
        "il", "lo", "gli", "e", "di", "da", "do", "dos", "o", "os", "van", "het", "en",
        "och", "og", "i", "и", "ve", "και",
    }
)  # fmt: skip
_LONGEST_FORM = max(len(form.split()) for form in LEGAL_FORMS)
# Legal forms of scripts written without spaces, found at either end of the name.
_UNSPACED = sorted((f for f in LEGAL_FORMS if not f.isascii() and " " not in f), key=len)[::-1]
_BRACKETS = re.compile(r"[()\[\]{}]")

_STREET_TYPES = {
    "street": "st", "strasse": "str", "avenue": "ave",
    "av": "ave", "road": "rd", "boulevard": "blvd", "blv": "blvd", "drive": "dr", "lane": "ln",
    "court": "ct", "place": "pl", "square": "sq", "terrace": "tce", "highway": "hwy",
    "parkway": "pkwy", "circle": "cir", "crescent": "cres", "way": "wy", "suite": "ste",
    "floor": "fl", "building": "bldg", "north": "n", "south": "s", "east": "e", "west": "w",
    "apartment": "apt", "unit": "unit", "rue": "rue", "calle": "c", "via": "via",
}  # fmt: skip
_NUMBER = re.compile(r"^\d+[a-z]?$")
_DIGIT = re.compile(r"\d")
_RENAMED = frozenset(word for word, short in _STREET_TYPES.items() if word != short)
# German street names end in a type written three ways: Hauptstraße, Hauptstrasse, Hauptstr.
_COMPOUND_STREET = re.compile(r"(?<=\w)(?:strasse|str)$")
# The same two rules over many folded addresses joined by new lines (words end at a space
# or a new line).
_STREET_WORD = re.compile(r"(?<![^ \n])(?:" + "|".join(_STREET_TYPES) + r")(?![^ \n])")
_COMPOUND_END = re.compile(r"(?<=\w)(?:strasse|str)(?![^ \n])")


def _strip_forms(words: list[str]) -> list[str]:
    """Drop legal forms of one to a few words from both ends of the name."""
    changed = True
    while changed and words:
        changed = False
        for size in range(min(_LONGEST_FORM, len(words) - 1), 0, -1):
            if " ".join(words[-size:]) in LEGAL_FORMS:
                words, changed = words[:-size], True
                break
            if " ".join(words[:size]) in LEGAL_FORMS:
                words, changed = words[size:], True
                break
    return words


def _strip_unspaced(text: str) -> str:
    if text.isascii():  # every unspaced form is non-ASCII: none can start or end it
        return text
    for form in _UNSPACED:
        if text.startswith(form) and len(text) > len(form):
            text = text[len(form) :]
        if text.endswith(form) and len(text) > len(form):
            text = text[: -len(form)]
    return text


def organisation(value: str) -> str:
    """An organisation's name without legal forms and stop words, in its own script.

    Examples
    --------
    >>> organisation("The Northwind Trading Co., Ltd.")
    'northwind trading'
    >>> organisation("Müller & Söhne GmbH & Co. KG"), organisation("ООО «Ромашка»")
    ('muller sohne', 'ромашка')
    >>> organisation("株式会社トヨタ"), organisation("Grupo Bimbo, S.A.B. de C.V.")
    ('トヨタ', 'grupo bimbo')
    """
    words = fold(_BRACKETS.sub(" ", value.replace(".", ""))).split()
    words = _strip_forms(words)
    kept = [word for word in words if word not in STOP_WORDS] or words
    return _strip_unspaced(" ".join(kept))


def initials(value: str) -> str:
    """The first letters of a cleaned name's words (``""`` for a one-word name).

    Examples
    --------
    >>> initials("international business machines"), initials("ibm")
    ('ibm', '')
    """
    words = value.split()
    return "".join(word[0] for word in words) if len(words) > 1 else ""


def address(value: str) -> str:
    """An address case-folded, with street types written one way.

    Examples
    --------
    >>> address("12, High Street"), address("Hauptstraße 5"), address("Hauptstr. 5")
    ('12 high st', 'hauptstr 5', 'hauptstr 5')
    """
    words = [_STREET_TYPES.get(word, word) for word in fold(value).split()]
    return " ".join(_COMPOUND_STREET.sub("str", word) for word in words)


def addresses(values: Sequence[str]) -> list[str]:
    """:func:`address` of each value, in a few passes over all of them.

    Examples
    --------
    >>> addresses(["12, High Street", "Hauptstraße 5", "Rue X"])
    ['12 high st', 'hauptstr 5', 'rue x']
    """
    joined = "\n".join(fold_all(values))  # folded text holds no new line
    joined = _STREET_WORD.sub(lambda found: _STREET_TYPES[found.group()], joined)
    return _COMPOUND_END.sub("str", joined).split("\n") if values else []


def address_parts(value: str) -> tuple[str, str]:
    """A cleaned address as ``(house number, street)``; the number is ``""`` when absent.

    Examples
    --------
    >>> address_parts("12 high street"), address_parts("rue de rivoli 99"), address_parts("x")
    (('12', 'high st'), ('99', 'rue de rivoli'), ('', 'x'))
    """
    if not _DIGIT.search(value):  # no house number: the street is every word (most often)
        words = value.split()
        if _RENAMED.isdisjoint(words):
            return "", " ".join(words)
    words = [_STREET_TYPES.get(word, word) for word in value.split()]
    numbers = [word for word in words if _NUMBER.match(word)]
    street = " ".join(word for word in words if not _NUMBER.match(word))
    return (numbers[0] if numbers else "", street)
