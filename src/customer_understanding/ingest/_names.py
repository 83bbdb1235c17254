"""Splitting a name written in one field (help desks, chat tools) into first and last name.

Such a field holds ``Ann Lee``, ``Lee, Ann``, ``ann.lee`` (a login shown as the name) or
one word (``Ann``). The last word is the last name, unless a comma puts the last name
first; a login's ``.``, ``_`` or ``-`` separate its words; one word alone is taken as a
given name, as people who fill in one name give the one they are called by.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["split_full_names"]

_LOGIN = re.compile(r"^[^\s@]+[._][^\s@]+$")
_LOGIN_PARTS = re.compile(r"[._]+")


def _split(text: str) -> tuple[str | None, str | None]:
    text = " ".join(text.split())
    if not text:
        return None, None
    if "," in text:
        last, _, first = text.partition(",")
        return first.strip() or None, last.strip() or None
    if _LOGIN.match(text):
        words = [word for word in _LOGIN_PARTS.split(text) if word.strip("0123456789")]
        text = " ".join(word.rstrip("0123456789") for word in words)
    first, _, last = text.rpartition(" ")
    if not first:
        return last, None
    return first, last


def split_full_names(
    names: npt.NDArray[Any],
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """First and last names of names written in one field (``None`` where there is none).

    Examples
    --------
    >>> import numpy as np
    >>> first, last = split_full_names(
    ...     np.array(["Ann Lee", "Lee, Ann", "ann.lee", "Ann", "Mary Ann  Lee", None]))
    >>> first.tolist()
    ['Ann', 'Ann', 'ann', 'Ann', 'Mary Ann', None]
    >>> last.tolist()
    ['Lee', 'Lee', 'lee', None, 'Lee', None]
    """
    codes, unique = pd.factorize(pd.Series(names, dtype=object))
    pairs = [_split(str(value)) for value in unique]
    # Code -1 (a missing name) picks the trailing None.
    firsts = np.array([given for given, _ in pairs] + [None], dtype=object)
    lasts = np.array([family for _, family in pairs] + [None], dtype=object)
    return firsts[codes], lasts[codes]
