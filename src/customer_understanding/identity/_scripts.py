"""Text in any script: folded for matching in its own script, and transliterated to Latin.

Latin letters lose their accents and special forms (``é`` → ``e``, ``ß`` → ``ss``,
``ø`` → ``o``) so that ``José`` and ``Jose`` agree exactly, as before. Letters of every
other script (Han, Cyrillic, Greek, Arabic, Hangul, Devanagari …) are kept as they are,
only case-folded and stripped of punctuation: ``王伟`` stays ``王伟`` and is compared with
``王伟`` exactly. The fuzzy comparison levels read each value through ``anyascii``, a
maintained transliteration library covering all of Unicode, so ``Иванов`` and
``Ivanov`` are close even though they are not equal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from anyascii import anyascii

__all__ = ["fold", "fold_all", "latin"]

_NOT_WORD = re.compile(r"[\W_]+")
# Latin letters end before IPA extensions; Latin Extended Additional is also Latin.
_LATIN_END = 0x0250
_LATIN_EXTRA = range(0x1E00, 0x1F00)


def _latin(char: str) -> bool:
    point = ord(char)
    return point < _LATIN_END or point in _LATIN_EXTRA


# Optional marks dropped in every script: the common accents and Arabic short vowels.
_OPTIONAL_MARKS = {*range(0x0300, 0x0370), *range(0x064B, 0x0660), 0x0670}


def _fold_char(char: str) -> str:
    if char.isascii():
        return char if char.isalnum() else " "
    if ord(char) in _OPTIONAL_MARKS:
        return ""
    if unicodedata.category(char)[0] not in "LNM":  # marks belong to their letter
        return " "
    return anyascii(char) if _latin(char) else char  # Latin letters to plain ASCII


def fold(text: str) -> str:
    """Case-folded letters and digits of ``text`` in its own script, single-spaced.

    Latin letters lose their accents; other scripts are kept. The empty string means
    nothing was left.

    Examples
    --------
    >>> fold("  José-María  O'Neil ")
    'jose maria o neil'
    >>> fold("Straße"), fold("王伟"), fold("ИВА́НОВ"), fold("कुमार")
    ('strasse', '王伟', 'иванов', 'कुमार')
    """
    if text.isascii():
        return " ".join(_NOT_WORD.sub(" ", text.lower()).split())
    parts = unicodedata.normalize("NFKD", text)
    folded = unicodedata.normalize("NFC", "".join(_fold_char(char) for char in parts))
    return " ".join(folded.casefold().split())


# Folding many ASCII texts at once: joined by new lines (which no folded text holds) and
# mapped in one call, upper case to lower, everything but letters and digits to a space.
_ASCII_FOLD = str.maketrans({chr(point): chr(point).lower() if chr(point).isalnum() else " "
                             for point in range(128) if chr(point) != "\n"})  # fmt: skip


def fold_all(texts: Sequence[str]) -> list[str]:
    r""":func:`fold` of each text; the ASCII ones (most, usually) mapped in one call.

    Examples
    --------
    >>> fold_all(["  O'Neil ", "JOSÉ", "", "a\nb"])
    ['o neil', 'jose', '', 'a b']
    """
    folded = [""] * len(texts)
    plain = [k for k, text in enumerate(texts) if text.isascii() and "\n" not in text]
    if plain:
        mapped = "\n".join([texts[k] for k in plain]).translate(_ASCII_FOLD).split("\n")
        for k, text in zip(plain, mapped, strict=True):
            spaced = "  " in text or text[:1] == " " or text[-1:] == " "
            folded[k] = " ".join(text.split()) if spaced else text
    if len(plain) < len(texts):
        for k in sorted(set(range(len(texts))).difference(plain)):
            folded[k] = fold(texts[k])
    return folded


@lru_cache(maxsize=1 << 16)
def latin(text: str) -> str:
    """``text`` transliterated to lower-case ASCII (unchanged when it is ASCII already).

    Examples
    --------
    >>> latin("иванов"), latin("王伟"), latin("smith")
    ('ivanov', 'wangwei', 'smith')
    """
    if text.isascii():
        return text
    return " ".join(_NOT_WORD.sub(" ", anyascii(text).lower()).split())
