"""Close organisation names without comparing every name with every name.

Two names are compared only when they share a blocking key:

- the name itself (letters and digits only, first ``_WIDTH`` characters, so that
  ``acme-labs`` and ``acme labs`` share it) or that text with any
  one character deleted, which pairs every two names one typo apart: a swapped,
  dropped, doubled or changed letter;
- its first four and first six characters, so that a longer name starting like a
  shorter one is found;
- each of its words, so that a word put in front or left out does not hide a name.

A key that more than ``cap`` of the choices hold tells little and would make the work
grow with the square of the data, so it is left out; the exact and one-typo keys are
almost never that common. Every key is a 64-bit hash, so the keys of a million names
take tens of megabytes, and the names are handled in chunks, so memory grows with the
number of names, not with the number of pairs that could be formed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

__all__ = ["NameIndex", "similar_names"]

_WIDTH = 24
_PREFIXES = (4, 6)
_CAP = 64
_CHUNK = 20_000
_PUNCTUATION = re.compile(r"[\W_]+")
# Odd 64-bit multipliers, one per character position, fixed so keys are reproducible.
_WEIGHTS = np.random.default_rng(20_260_531).integers(
    1, 2**63, size=(1 + len(_PREFIXES), _WIDTH), dtype=np.uint64
) | np.uint64(1)
_SALT = {"typo": np.uint64(0x9E3779B97F4A7C15), "prefix": np.uint64(0xC2B2AE3D27D4EB4F)}

UInt64s = npt.NDArray[np.uint64]
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float32]


def _codes(compact: npt.NDArray[np.object_]) -> UInt64s:
    """Each name's first ``_WIDTH`` code points, zero-padded, one row per name."""
    fixed = np.asarray(compact, dtype=f"<U{_WIDTH}")  # longer names are cut, on purpose
    return fixed.view(np.uint32).reshape(len(compact), _WIDTH).astype(np.uint64)


def _typo_keys(codes: UInt64s) -> UInt64s:
    """The name's key and the key of the name with each one character deleted.

    A linear hash (the sum of code times a weight per position) gives every deletion
    from two running sums: the characters before it keep their weights, those after it
    move one position left.
    """
    weights = _WEIGHTS[0]
    with np.errstate(over="ignore"):
        before = np.cumsum(codes * weights, axis=1, dtype=np.uint64)
        shifted = codes[:, 1:] * weights[:-1]
        after = np.cumsum(shifted[:, ::-1], axis=1, dtype=np.uint64)[:, ::-1]
        head = np.concatenate([np.zeros((len(codes), 1), np.uint64), before[:, :-1]], axis=1)
        tail = np.concatenate([after, np.zeros((len(codes), 1), np.uint64)], axis=1)
        keys = np.concatenate([before[:, -1:], head + tail], axis=1)
        return keys ^ _SALT["typo"]


def _prefix_keys(codes: UInt64s) -> UInt64s:
    """One key per prefix length: the hash of the name's first characters."""
    keys = []
    with np.errstate(over="ignore"):
        for weights, width in zip(_WEIGHTS[1:], _PREFIXES, strict=True):
            keys.append((codes[:, :width] * weights[:width]).sum(axis=1, dtype=np.uint64))
    return np.stack(keys, axis=1) ^ _SALT["prefix"]


def _word_keys(split: list[list[str]], first: int) -> tuple[Ints, UInt64s]:
    owners = np.repeat(np.arange(first, first + len(split), dtype=np.int64),
                       [len(words) for words in split])  # fmt: skip
    words = np.empty(len(owners), dtype=object)
    words[:] = list(itertools.chain.from_iterable(split))
    return owners, pd.util.hash_array(words, hash_key="cu-name-words-01")


def _key_arrays(names: npt.NDArray[np.object_], first: int) -> tuple[Ints, UInt64s]:
    """Every blocking key of every name and its owner (owners from ``first``), repeats kept."""
    # A name's words are its runs of letters and digits; run together, they compare it.
    split = [_PUNCTUATION.sub(" ", name).split() for name in names.tolist()]
    codes = _codes(np.array(["".join(words) for words in split], dtype=object))
    grid = np.concatenate([_typo_keys(codes), _prefix_keys(codes)], axis=1)
    owners = np.repeat(np.arange(first, first + len(names), dtype=np.int64), grid.shape[1])
    word_owners, word_keys = _word_keys(split, first)
    return np.concatenate([owners, word_owners]), np.concatenate([grid.ravel(), word_keys])


def _chunks(size: int) -> Iterator[slice]:
    for start in range(0, size, _CHUNK):
        yield slice(start, min(start + _CHUNK, size))


def _held_pairs(choices: npt.NDArray[np.object_]) -> tuple[Ints, UInt64s]:
    """Every distinct (choice, key) pair of the choices, sorted by key, then choice.

    One sort finds the repeated pairs and orders the keys for look-up.
    """
    parts = [_key_arrays(choices[part], part.start) for part in _chunks(len(choices))]
    owners = np.concatenate([owner for owner, _ in parts]) if parts else np.empty(0, np.int64)
    keys = np.concatenate([key for _, key in parts]) if parts else np.empty(0, np.uint64)
    order = np.lexsort((owners, keys))
    owners, keys = owners[order], keys[order]
    fresh = np.ones(len(keys), dtype=bool)  # each (key, choice) once
    fresh[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
    return owners[fresh], keys[fresh]


def _grown(choices: npt.NDArray[np.object_], before: Mapping[str, Any]) -> tuple[Ints, UInt64s]:
    """:func:`_held_pairs` of the choices, those ``before`` held taken from it (sorted by key).

    A choice's keys depend on its text alone, so each choice ``before`` held keeps its
    pairs (moved to its place among ``choices``), a choice it no longer holds loses them,
    and only the other choices are keyed; their pairs are merged in by key.
    """
    place = pd.Index(choices).get_indexer(pd.Index(before["choice"]))
    moved = place[before["owner"]]
    kept = moved >= 0
    old_keys, old_owners = before["key"][kept], moved[kept]
    new = np.setdiff1d(np.arange(len(choices), dtype=np.int64), place[place >= 0])
    owners, keys = _held_pairs(choices[new])
    at = np.searchsorted(old_keys, keys, side="right")
    return np.insert(old_owners, at, new[owners]), np.insert(old_keys, at, keys)


def _capped(owners: Ints, keys: UInt64s, cap: int) -> tuple[Ints, UInt64s]:
    """The pairs (sorted by key) without those of keys more than ``cap`` choices hold."""
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]])) if len(keys) else (
        np.empty(0, dtype=np.int64))  # fmt: skip
    held = np.diff(np.append(starts, len(keys)))
    kept = np.repeat(held <= cap, held)
    return owners[kept], keys[kept]


def _choice_keys(choices: npt.NDArray[np.object_], cap: int) -> pd.DataFrame:
    """The choices' keys, without the keys more than ``cap`` choices share, sorted by key."""
    owners, keys = _capped(*_held_pairs(choices), cap)
    return pd.DataFrame({"choice": owners, "key": keys})


class NameIndex:
    """The choices' blocking keys, sorted once, so that many batches of names can look them up.

    A name's candidate choices are those holding one of its keys: found by binary search
    in the sorted keys, so a batch of a few names costs a few searches, not a pass over
    every choice's keys. ``before`` is :attr:`held` of an index made before (on other
    choices, with this library): the keys of the choices it holds are taken from it, not
    made again, with the same answers. ``held`` holds every choice (``"choice"``) and
    each distinct pair of a choice (``"owner"``) and one of its keys (``"key"``), sorted
    by key, the keys many choices share included.
    """

    def __init__(self, choices: npt.NDArray[np.object_], *, cap: int = _CAP,
                 before: Mapping[str, Any] | None = None) -> None:  # fmt: skip
        self.choices = np.array(choices, dtype=object)
        owners, keys = (_held_pairs(self.choices) if before is None
                        else _grown(self.choices, before))  # fmt: skip
        self.held = {"choice": self.choices, "owner": owners, "key": keys}
        self._owners, self._keys = _capped(owners, keys, cap)
        for array in (self.choices, self._keys, self._owners, owners, keys):
            array.flags.writeable = False  # shared by every batch matched against them

    def pairs(self, owners: Ints, keys: UInt64s) -> tuple[Ints, Ints]:
        """Each distinct (name, choice) sharing a key, sorted: names ``owners`` hold ``keys``."""
        first = np.searchsorted(self._keys, keys, side="left")
        count = np.searchsorted(self._keys, keys, side="right") - first
        # the positions first[i], first[i] + 1, … for each key i, all in one array
        starts = np.repeat(first - np.cumsum(count) + count, count)
        held = starts + np.arange(len(starts), dtype=np.int64)
        width = max(len(self.choices), 1)
        pair = np.unique(np.repeat(owners, count) * width + self._owners[held])
        return pair // width, pair % width


def _scored(names: npt.NDArray[np.object_], choices: npt.NDArray[np.object_],
            pairs: tuple[Ints, Ints], threshold: float) -> tuple[Ints, Ints, Floats]:  # fmt: skip
    name, choice = pairs
    first = [str(text).replace(" ", "") for text in names[name].tolist()]
    second = [str(text).replace(" ", "") for text in choices[choice].tolist()]
    similarity = cpdist(first, second, scorer=JaroWinkler.normalized_similarity,
                        dtype=np.float32, workers=1)  # fmt: skip
    # float32 as a whole matrix held them before; the same values keep the same answers
    close = similarity >= np.float32(threshold)
    return name[close], choice[close], similarity[close]


def similar_names(
    names: npt.NDArray[np.object_],
    choices: npt.NDArray[np.object_] | NameIndex,
    *,
    threshold: float,
    cap: int = _CAP,
) -> pd.DataFrame:
    """Pairs of a name and a choice whose Jaro-Winkler similarity reaches ``threshold``.

    ``names`` and ``choices`` are distinct normalised names (lower case, single spaces);
    the similarity is that of the names with their spaces dropped. ``choices`` may be a
    :class:`NameIndex` made once for many calls (its own ``cap`` then holds). Returns
    ``name`` and ``choice`` (positions in the two arrays) and ``similarity`` (float32),
    sorted by name, then choice.

    Examples
    --------
    >>> import numpy as np
    >>> names = np.array(["acme", "globx", "initech"], dtype=object)
    >>> choices = np.array(["globex", "acme", "umbrella"], dtype=object)
    >>> similar_names(names, choices, threshold=0.9).values.tolist()
    [[0.0, 1.0, 1.0], [1.0, 0.0, 0.9666666388511658]]
    """
    index = choices if isinstance(choices, NameIndex) else NameIndex(choices, cap=cap)
    found: list[tuple[Ints, Ints, Floats]] = []
    if len(names) and len(index.choices):
        for part in _chunks(len(names)):
            mine = _key_arrays(names[part], part.start)
            found.append(_scored(names, index.choices, index.pairs(*mine), threshold))
    # each chunk's pairs come sorted, and the chunks in order of their names
    name, choice, similarity = (np.concatenate([each[k] for each in found]) if found
                                else np.empty(0, dtype) for k, dtype
                                in enumerate((np.int64, np.int64, np.float32)))  # fmt: skip
    return pd.DataFrame({"name": name.astype(np.int64), "choice": choice.astype(np.int64),
                         "similarity": similarity.astype(np.float32)})  # fmt: skip
