"""Comparison levels: how closely two records agree on one field.

Each kind of field has an ordered list of levels, best first (``exact`` … ``different``).
Levels are computed once per *distinct* pair of values, then spread back to every record
pair with numpy, so a million pairs over a few thousand names cost a few thousand string
comparisons.
"""

from __future__ import annotations

from collections.abc import Callable

import jellyfish
import numpy as np
import numpy.typing as npt

__all__ = ["LEVELS", "compare_codes", "levels_of"]

_NICKNAMES = {
    "alex": "alexander", "sandy": "alexander", "andy": "andrew", "drew": "andrew",
    "bill": "william", "will": "william", "liam": "william", "billy": "william",
    "bob": "robert", "rob": "robert", "bobby": "robert", "bert": "robert",
    "dick": "richard", "rich": "richard", "rick": "richard", "jim": "james", "jimmy": "james",
    "jamie": "james", "mike": "michael", "mick": "michael", "tom": "thomas", "tommy": "thomas",
    "kate": "katherine", "katie": "katherine", "kathy": "katherine", "cathy": "catherine",
    "liz": "elizabeth", "beth": "elizabeth", "betty": "elizabeth", "lizzie": "elizabeth",
    "jen": "jennifer", "jenny": "jennifer", "chris": "christopher", "kit": "christopher",
    "dan": "daniel", "danny": "daniel", "dave": "david", "joe": "joseph", "joey": "joseph",
    "matt": "matthew", "nick": "nicholas", "pete": "peter", "sam": "samuel", "steve": "steven",
    "tony": "anthony", "ben": "benjamin", "ed": "edward", "ted": "edward", "eddie": "edward",
    "greg": "gregory", "jon": "jonathan", "josh": "joshua", "ken": "kenneth", "larry": "lawrence",
    "meg": "margaret", "maggie": "margaret", "peggy": "margaret", "pat": "patricia",
    "patty": "patricia", "sue": "susan", "susie": "susan", "vicky": "victoria",
    "abby": "abigail", "nat": "natalie", "nate": "nathan", "phil": "philip", "tim": "timothy",
    "zach": "zachary", "jess": "jessica", "jessie": "jessica", "becky": "rebecca",
    "becca": "rebecca", "charlie": "charles", "chuck": "charles", "fred": "frederick",
    "frank": "francis", "gabe": "gabriel", "jack": "john", "johnny": "john", "jake": "jacob",
    "manny": "manuel", "max": "maximilian", "mandy": "amanda", "nicky": "nicole",
    "ron": "ronald", "russ": "russell", "stan": "stanley", "theo": "theodore",
    "val": "valerie", "wes": "wesley", "cindy": "cynthia", "deb": "deborah", "debbie": "deborah",
}  # fmt: skip

LEVELS: dict[str, tuple[str, ...]] = {
    "given_name": ("exact", "nickname or initial", "jaro-winkler >= 0.92",
                   "jaro-winkler >= 0.80", "different"),
    "family_name": ("exact", "jaro-winkler >= 0.92", "jaro-winkler >= 0.80", "different"),
    "organisation": ("exact", "jaro-winkler >= 0.92", "token overlap >= 0.5", "different"),
    "email": ("exact", "same local part", "jaro-winkler >= 0.88", "different"),
    "phone": ("exact", "same last 7 digits", "one edit", "different"),
    "postcode": ("exact", "one edit", "different"),
    "date": ("exact", "day/month swapped or one edit", "two edits", "different"),
    "identifier": ("exact", "one edit", "two edits", "different"),
    "category": ("exact", "different"),
}  # fmt: skip
for _kind in ("person_name", "address", "city", "text"):
    LEVELS[_kind] = LEVELS["family_name"]
LEVELS["state"] = LEVELS["category"]


def levels_of(kind: str) -> tuple[str, ...]:
    """The comparison levels of a field kind, best first.

    Examples
    --------
    >>> levels_of("postcode")
    ('exact', 'one edit', 'different')
    """
    return LEVELS[kind]


def _jaro(a: str, b: str, steps: tuple[float, ...]) -> int:
    score = jellyfish.jaro_winkler_similarity(a, b)
    for offset, step in enumerate(steps):
        if score >= step:
            return 1 + offset
    return 1 + len(steps)


def _given(a: str, b: str) -> int:
    a_full, b_full = _NICKNAMES.get(a, a), _NICKNAMES.get(b, b)
    initial = (len(a) == 1 or len(b) == 1) and a[0] == b[0]
    if a_full == b_full or initial:
        return 1
    return 1 + _jaro(a, b, (0.92, 0.80))


def _organisation(a: str, b: str) -> int:
    if jellyfish.jaro_winkler_similarity(a, b) >= 0.92:
        return 1
    left, right = set(a.split()), set(b.split())
    return 2 if len(left & right) / len(left | right) >= 0.5 else 3


def _email(a: str, b: str) -> int:
    if a.partition("@")[0] == b.partition("@")[0]:
        return 1
    return 2 if jellyfish.jaro_winkler_similarity(a, b) >= 0.88 else 3


def _edits(a: str, b: str, limit: int) -> int:
    distance = jellyfish.damerau_levenshtein_distance(a, b)
    return distance if distance <= limit else limit + 1


def _phone(a: str, b: str) -> int:
    if len(a) >= 7 and len(b) >= 7 and a[-7:] == b[-7:]:
        return 1
    return 1 + _edits(a, b, 1)


def _date(a: str, b: str) -> int:
    if len(a) == len(b) == 8 and a[:4] == b[:4] and a[4:6] == b[6:8] and a[6:8] == b[4:6]:
        return 1
    return _edits(a, b, 2)


_GRADERS: dict[str, Callable[[str, str], int]] = {
    "given_name": _given,
    "organisation": _organisation,
    "email": _email,
    "phone": _phone,
    "postcode": lambda a, b: _edits(a, b, 1),
    "date": _date,
    "identifier": lambda a, b: _edits(a, b, 2),
    "category": lambda a, b: 1,
}
for _kind in ("family_name", "person_name", "address", "city", "text"):
    _GRADERS[_kind] = lambda a, b: _jaro(a, b, (0.92, 0.80))
_GRADERS["state"] = _GRADERS["category"]


def compare_codes(
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    *,
    uniques: npt.NDArray[np.object_],
    kind: str,
) -> npt.NDArray[np.int8]:
    """Comparison level per pair of value codes (``-1`` where either value is missing).

    ``left`` and ``right`` index ``uniques`` (``-1`` for missing). Level 0 is exact.

    Examples
    --------
    >>> import numpy as np
    >>> uniques = np.array(["jon", "john", "jonathan", "zoe"], dtype=object)
    >>> compare_codes(np.array([0, 0, 0, -1]), np.array([0, 2, 3, 1]), uniques=uniques,
    ...               kind="given_name").tolist()
    [0, 1, 4, -1]
    """
    levels = np.zeros(len(left), dtype=np.int8)
    missing = (left < 0) | (right < 0)
    levels[missing] = -1
    differ = ~missing & (left != right)
    if not differ.any():
        return levels
    low = np.minimum(left[differ], right[differ])
    high = np.maximum(left[differ], right[differ])
    keys, inverse = np.unique(low * len(uniques) + high, return_inverse=True)
    grader = _GRADERS[kind]
    firsts = uniques[keys // len(uniques)].tolist()
    seconds = uniques[keys % len(uniques)].tolist()
    graded = np.array([grader(a, b) for a, b in zip(firsts, seconds, strict=True)], dtype=np.int8)
    levels[differ] = graded[inverse.ravel()]
    return levels
