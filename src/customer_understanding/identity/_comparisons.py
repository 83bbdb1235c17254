"""Comparison levels: how closely two records agree on one field.

Each kind of field has an ordered list of levels, best first (``exact`` … ``different``).
Levels are computed once per *distinct* pair of values, then spread back to every record
pair with numpy, so a million pairs over a few thousand names cost a few thousand string
comparisons. The string measures themselves run in bulk: Jaro-Winkler and Damerau-Levenshtein
over all distinct pairs at once with ``rapidfuzz``,
and the rules on one value (nickname, local part, last digits, swapped date) are computed once
per distinct value and compared as integer codes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein
from rapidfuzz.process import cpdist

from customer_understanding.identity._nicknames import NICKNAMES as _NICKNAMES
from customer_understanding.identity._organisations import address_parts, initials
from customer_understanding.identity._scripts import latin

__all__ = ["LEVELS", "compare_codes", "levels_of"]


LEVELS: dict[str, tuple[str, ...]] = {
    "given_name": ("exact", "nickname or initial", "jaro-winkler >= 0.92",
                   "jaro-winkler >= 0.80", "different"),
    "family_name": ("exact", "jaro-winkler >= 0.92", "jaro-winkler >= 0.80", "different"),
    "organisation": ("exact", "jaro-winkler >= 0.92", "one contains the other",
                     "initials of the other", "token overlap >= 0.5", "different"),
    "address": ("exact", "same number, street jaro-winkler >= 0.92", "same street, other number",
                "jaro-winkler >= 0.80", "different"),
    "email": ("exact", "same local part", "jaro-winkler >= 0.88", "different"),
    "phone": ("exact", "same last 7 digits", "one edit", "different"),
    "postcode": ("exact", "one edit", "different"),
    "date": ("exact", "day/month swapped or one edit", "two edits", "different"),
    "identifier": ("exact", "one edit", "two edits", "different"),
    "category": ("exact", "different"),
}  # fmt: skip
for _kind in ("person_name", "city", "text"):
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


_WORDS = frozenset({"person_name", "given_name", "family_name", "organisation", "address",
                    "city", "text"})  # fmt: skip
_Texts = Sequence[str]
_Graded = npt.NDArray[np.int8]


# Below this many pairs, starting threads costs more than it saves (online matching
# compares a handful of pairs per call, and waiting for threads lengthens its tail).
_THREADED_PAIRS = 10_000


def _workers(pairs: int) -> int:
    return -1 if pairs >= _THREADED_PAIRS else 1


def _jaro_winkler(firsts: _Texts, seconds: _Texts) -> npt.NDArray[np.float64]:
    similarity: npt.NDArray[np.float64] = cpdist(
        firsts, seconds, scorer=JaroWinkler.normalized_similarity, dtype=np.float64,
        workers=_workers(len(firsts)),
    )  # fmt: skip
    return similarity


def _edits(firsts: _Texts, seconds: _Texts, limit: int) -> _Graded:
    """Damerau-Levenshtein distance per pair, capped at ``limit + 1``.

    A swap of neighbours is two plain edits, so a pair more than ``2 * limit`` plain
    (Levenshtein) edits apart is more than ``limit`` apart: the cheaper distance sorts
    those out first, and only the rest are measured with swaps.
    """
    plain = cpdist(
        firsts, seconds, scorer=Levenshtein.distance, score_cutoff=2 * limit,
        dtype=np.int32, workers=_workers(len(firsts)),
    )  # fmt: skip
    capped: _Graded = np.full(len(plain), limit + 1, dtype=np.int8)
    near = np.flatnonzero(plain <= 2 * limit).tolist()
    if near:
        distance = cpdist(
            [firsts[k] for k in near], [seconds[k] for k in near],
            scorer=DamerauLevenshtein.distance, score_cutoff=limit, dtype=np.int32,
            workers=_workers(len(near)),
        )  # fmt: skip
        capped[near] = np.minimum(distance, limit + 1)
    return capped


def _jaro(firsts: _Texts, seconds: _Texts, steps: tuple[float, ...]) -> _Graded:
    score = _jaro_winkler(firsts, seconds)
    below = np.zeros(len(score), dtype=np.int8)
    for step in steps:
        below += score < step
    return below + np.int8(1)


def _codes(values: list[str | None]) -> npt.NDArray[np.int64]:
    """Integer codes of derived values (``-1`` for ``None``)."""
    return pd.factorize(np.array(values, dtype=object))[0].astype(np.int64)


def _same(
    codes: npt.NDArray[np.int64], pair: tuple[npt.NDArray[np.int64], ...]
) -> npt.NDArray[np.bool_]:
    same: npt.NDArray[np.bool_] = (codes[pair[0]] == codes[pair[1]]) & (codes[pair[0]] >= 0)
    return same


class _Pairs:
    """Distinct value pairs of one field: the values involved and each pair's positions.

    For the kinds written in words, ``firsts`` and ``seconds`` are read in Latin letters
    (:func:`latin`), so the fuzzy levels compare ``Иванов`` with ``Ivanov``. ``involved``
    gives the values' places among the column's distinct values and how many there are;
    ``memo`` keeps what a grader derives per value across a run's chunks.
    """

    def __init__(
        self,
        values: npt.NDArray[np.object_],
        first: npt.NDArray[np.intp],
        second: npt.NDArray[np.intp],
        *,
        kind: str = "text",
        involved: tuple[npt.NDArray[np.intp], int] | None = None,
        memo: dict[str, Any] | None = None,
    ) -> None:
        self.distinct: list[str] = values.tolist()
        self.pair = (first, second)
        self.involved, self.memo = involved, memo
        self.transliterated = False  # whether firsts and seconds differ from the values
        if kind in _WORDS and not "".join(self.distinct).isascii():
            values = np.array([latin(value) for value in self.distinct], dtype=object)
            self.transliterated = True
        self.firsts: list[str] = values[first].tolist()
        self.seconds: list[str] = values[second].tolist()

    @classmethod
    def of_texts(
        cls, firsts: npt.NDArray[np.object_], seconds: npt.NDArray[np.object_], *, kind: str
    ) -> _Pairs:
        """The pairs' two texts only, for graders that derive nothing per value.

        No distinct values are gathered (a pass over every value of every pair); a pair
        written in another script is read in Latin letters as in ``__init__``.
        """
        empty = np.empty(0, dtype=np.intp)
        pairs = cls(np.empty(0, dtype=object), empty, empty, kind=kind)
        pairs.firsts, pairs.seconds = firsts.tolist(), seconds.tolist()
        if kind in _WORDS and not ("".join(pairs.firsts) + "".join(pairs.seconds)).isascii():
            pairs.firsts = [latin(value) for value in pairs.firsts]
            pairs.seconds = [latin(value) for value in pairs.seconds]
            pairs.transliterated = True
        return pairs


def _given(pairs: _Pairs) -> _Graded:
    full = _codes([_NICKNAMES.get(value, value) for value in pairs.distinct])
    single = np.array([len(value) == 1 for value in pairs.distinct])
    initial = _codes([value[0] for value in pairs.distinct])
    first, second = pairs.pair
    nickname = _same(full, pairs.pair) | (
        (single[first] | single[second]) & _same(initial, pairs.pair)
    )
    return np.where(
        nickname, np.int8(1), _jaro(pairs.firsts, pairs.seconds, (0.92, 0.80)) + 1
    ).astype(np.int8)


def _overlap(a: str, b: str) -> bool:
    left, right = set(a.split()), set(b.split())
    return len(left & right) / len(left | right) >= 0.5


_MIN_CONTAINED = 4  # letters a name needs to count as contained at the start or end of another


def _contains(short: str, long: str) -> bool:
    """Every word of ``short`` is one of ``long``'s, or it starts or ends ``long``'s letters."""
    if set(short.split()) <= set(long.split()):
        return True
    short, long = short.replace(" ", ""), long.replace(" ", "")
    return len(short) >= _MIN_CONTAINED and (long.startswith(short) or long.endswith(short))


def _initials_of(short: str, long: str) -> bool:
    """``short`` spells the first letters of ``long``'s words (``ibm`` of ``international …``)."""
    compact = short.replace(" ", "")
    return len(compact) >= 2 and initials(long) == compact


def _words_level(first: str, second: str) -> int:
    short, long = sorted((first, second), key=len)
    if _contains(short, long):
        return 2
    if _initials_of(short, long):
        return 3
    return 4 if _overlap(first, second) else 5


def _organisation(pairs: _Pairs) -> _Graded:
    graded = np.where(_jaro_winkler(pairs.firsts, pairs.seconds) >= 0.92, 1, 5).astype(np.int8)
    for i in np.flatnonzero(graded == 5).tolist():
        graded[i] = _words_level(pairs.firsts[i], pairs.seconds[i])
    return graded


def _parse_address(value: str, numbers: dict[str, int]) -> tuple[int, str | None]:
    """An address's house number and street.

    The number is a code in ``numbers`` (``-1``: none); the street is ``None`` when it is
    the whole value, so that no copy of it is kept.
    """
    number, street = address_parts(value)
    code = numbers.setdefault(number, len(numbers)) if number else -1
    return code, None if street == value else street


def _address_parts(pairs: _Pairs) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
    """Per value involved, its house number's code and its street (see :func:`_parse_address`).

    Given a memo (one comparison run over many chunks of pairs), each distinct value is
    parsed once for the whole run, not once per chunk it appears in: at ten million
    records a value meets a different chunk for most of its pairs.
    """
    memo = pairs.memo
    if memo is None or pairs.involved is None:
        numbers: dict[str, int] = {}
        parsed = [_parse_address(value, numbers) for value in pairs.distinct]
        streets = np.empty(len(parsed), dtype=object)
        streets[:] = [street for _, street in parsed]
        return np.array([code for code, _ in parsed], dtype=np.int64), streets
    involved, size = pairs.involved
    if "number" not in memo:  # one slot per distinct value of the column (-2: not parsed)
        memo.update(number=np.full(size, -2, dtype=np.int64), numbers={},
                    street=np.full(size, None, dtype=object))  # fmt: skip
    for k in np.flatnonzero(memo["number"][involved] == -2).tolist():
        memo["number"][involved[k]], memo["street"][involved[k]] = _parse_address(
            pairs.distinct[k], memo["numbers"])  # fmt: skip
    found: tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]] = (
        memo["number"][involved], memo["street"][involved])  # fmt: skip
    return found


def _address(pairs: _Pairs) -> _Graded:
    number, streets = _address_parts(pairs)
    first, second = pairs.pair
    whole_score = _jaro_winkler(pairs.firsts, pairs.seconds)
    # Where both addresses are their street alone (no number) and were compared as
    # written, the street similarity is the one just computed: only the others need theirs.
    street_only = pd.isna(streets) & (not pairs.transliterated)
    other = np.flatnonzero(~(street_only[first] & street_only[second]))
    if len(other):
        values = np.array(pairs.distinct, dtype=object)
        streets = np.where(pd.isna(streets), values, streets)
        street_score = whole_score.copy()
        street_score[other] = _jaro_winkler(streets[first[other]].tolist(),
                                            streets[second[other]].tolist())  # fmt: skip
    else:
        street_score = whole_score
    same_street = street_score >= 0.92
    both = (number[first] >= 0) & (number[second] >= 0)
    other_number = both & (number[first] != number[second])
    close = whole_score >= 0.80
    return np.select([same_street & ~other_number, same_street, close], [1, 2, 3], 4).astype(
        np.int8
    )


def _email(pairs: _Pairs) -> _Graded:
    local = _codes([value.partition("@")[0] for value in pairs.distinct])
    close = _jaro_winkler(pairs.firsts, pairs.seconds) >= 0.88
    return np.where(_same(local, pairs.pair), 1, np.where(close, 2, 3)).astype(np.int8)


def _phone(pairs: _Pairs) -> _Graded:
    tail = _codes([value[-7:] if len(value) >= 7 else None for value in pairs.distinct])
    edits = _edits(pairs.firsts, pairs.seconds, 1)
    return np.where(_same(tail, pairs.pair), 1, edits + 1).astype(np.int8)


def _date(pairs: _Pairs) -> _Graded:
    swapped = [value[:4] + value[6:8] + value[4:6] if len(value) == 8 else None
               for value in pairs.distinct]  # fmt: skip
    joint = _codes([*pairs.distinct, *swapped])
    codes, swapped_codes = joint[: len(pairs.distinct)], joint[len(pairs.distinct) :]
    first, second = pairs.pair
    is_swap = (swapped_codes[first] == codes[second]) & (swapped_codes[first] >= 0)
    return np.where(is_swap, 1, _edits(pairs.firsts, pairs.seconds, 2)).astype(np.int8)


_GRADERS: dict[str, Callable[[_Pairs], _Graded]] = {
    "given_name": _given,
    "organisation": _organisation,
    "address": _address,
    "email": _email,
    "phone": _phone,
    "postcode": lambda pairs: _edits(pairs.firsts, pairs.seconds, 1),
    "date": _date,
    "identifier": lambda pairs: _edits(pairs.firsts, pairs.seconds, 2),
}
for _kind in ("family_name", "person_name", "city", "text"):
    _GRADERS[_kind] = lambda pairs: _jaro(pairs.firsts, pairs.seconds, (0.92, 0.80))


def _distinct(
    codes: npt.NDArray[np.int64], n: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """``(inverse, keys)`` of the pair codes ``low * n + high``, without sorting them.

    With few distinct values a direct table of all ``n * n`` codes is cheapest; otherwise
    the codes are hashed.
    """
    if n * n <= max(2 * len(codes), 1 << 16):
        seen = np.zeros(n * n, dtype=bool)
        seen[codes] = True
        keys = np.flatnonzero(seen).astype(np.int64)
        del seen
        slot = np.zeros(n * n, dtype=np.int32)
        slot[keys] = np.arange(len(keys), dtype=np.int32)
        return slot[codes].astype(np.intp), keys
    inverse, found = pd.factorize(codes)
    return inverse.astype(np.intp, copy=False), np.asarray(found, dtype=np.int64)


def compare_codes(
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    *,
    uniques: npt.NDArray[np.object_],
    kind: str,
    memo: dict[str, Any] | None = None,
) -> npt.NDArray[np.int8]:
    """Comparison level per pair of value codes (``-1`` where either value is missing).

    ``left`` and ``right`` index ``uniques`` (``-1`` for missing). Level 0 is exact.
    ``memo`` (a dict, empty at first) keeps what is derived from each distinct value
    across calls over the same ``uniques`` (chunks of one run's pairs), so that each
    value is parsed once.

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
    differ = np.flatnonzero(~missing & (left != right))
    if not len(differ):
        return levels
    if kind in ("category", "state"):  # no partial agreement: every difference is level 1
        levels[differ] = 1
        return levels
    low = np.minimum(left[differ], right[differ]).astype(np.int64)
    high = np.maximum(left[differ], right[differ]).astype(np.int64)
    inverse, keys = _distinct(low * len(uniques) + high, len(uniques))
    del low, high
    graded = np.empty(len(keys), dtype=np.int8)
    for start in range(0, len(keys), _CHUNK):
        graded[start : start + _CHUNK] = _grade(keys[start : start + _CHUNK], uniques, kind,
                                                memo)  # fmt: skip
    levels[differ] = graded[inverse]
    return levels


# Distinct value pairs graded at once: the strings' lists and rapidfuzz's copies of them
# stay bounded however many pairs there are (each pair's grade does not depend on the chunk).
_CHUNK = 1 << 19


# Kinds whose grader reads the two texts of each pair and nothing derived per value.
_PLAIN = frozenset({"postcode", "identifier", "family_name", "person_name", "city", "text",
                    "organisation"})  # fmt: skip


def _grade(
    keys: npt.NDArray[np.int64],
    uniques: npt.NDArray[np.object_],
    kind: str,
    memo: dict[str, Any] | None,
) -> _Graded:
    n = len(uniques)
    if kind in _PLAIN:  # no values to gather: the pairs' texts straight from the codes
        return _GRADERS[kind](_Pairs.of_texts(uniques[keys // n], uniques[keys % n], kind=kind))
    local, involved = pd.factorize(np.concatenate([keys // n, keys % n]))
    return _GRADERS[kind](_Pairs(uniques[involved], local[: len(keys)], local[len(keys) :],
                                 kind=kind, involved=(np.asarray(involved, dtype=np.intp), n),
                                 memo=memo))  # fmt: skip
