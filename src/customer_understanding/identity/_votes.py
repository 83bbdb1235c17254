"""Voting on spellings: the evidence behind :class:`Vote`, for the engine and for provenance.

Every candidate record gets the support of its value's spelling within its cluster: the
number of distinct systems and of records carrying it, and how many records write it
exactly alike. The engine sorts on these; :func:`ballots` hands them to the provenance
tables that show the runners-up.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import is_missing
from customer_understanding._errors import InvalidValueError
from customer_understanding.domain import (
    FREE_MAIL_DOMAINS,
    AccountVocabulary,
    fold_spellings,
    normalize_name,
    normalize_names,
    normalize_organisation,
    normalize_organisations,
)
from customer_understanding.domain import fold_spelling as _fold
from customer_understanding.identity._inboxes import SharedInboxes
from customer_understanding.identity._prepared_accounts import remembered
from customer_understanding.identity._rules import Vote

__all__ = [
    "Pairs",
    "Spelled",
    "ballots",
    "seen_spellings",
    "spelled_as",
    "vote_key",
    "witness_words",
]


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _band(value: Any) -> str:
    return AccountVocabulary.employee_band(value) or ""


_SPELLINGS: dict[str, Callable[[Any], str]] = {
    "exact": str,
    "text": lambda value: _fold(str(value)),
    "name": lambda value: normalize_name(str(value)),
    "organisation": lambda value: normalize_organisation(str(value)),
    "email": lambda value: str(value).strip().casefold(),
    "phone": lambda value: _digits(str(value)),
    "employee_band": _band,
}


#: Spellings also made many at once (the same keys, for less time over many values).
_MANY: dict[str, Callable[[list[str]], list[str]]] = {
    "text": fold_spellings,
    "name": normalize_names,
    "organisation": normalize_organisations,
}


def seen_spellings(spelling: str) -> str:
    """The kind under which texts spelled one way are remembered (see :func:`_keys`)."""
    return f"spelling:{spelling}"


def _keys(rule: Vote, values: npt.NDArray[Any],
          seen: dict[str, dict[str, Any]] | None = None) -> npt.NDArray[np.object_]:  # fmt: skip
    """Each value's spelling key; a value that folds to nothing keeps its own text.

    ``seen``: texts spelled before, by kind (see :func:`seen_spellings`): only the costly
    spellings, those made many at once, are remembered, and only present values come here.
    """
    if seen is not None and rule.spelling in _MANY:
        kept = seen.setdefault(seen_spellings(rule.spelling), {})
        return remembered(np.asarray(values, dtype=object), lambda new: _keys(rule, new), kept)
    codes, unique = _factorize(np.asarray(values, dtype=object))
    listed = unique.tolist()
    if rule.spelling in _MANY and len(listed) > _FEW:
        spelled = _MANY[rule.spelling]([str(value) for value in listed])
    else:
        spelled = [_SPELLINGS[rule.spelling](value) for value in listed]
    folded = np.array([key or f"={value}" for key, value in zip(spelled, listed, strict=True)],
                      dtype=object)  # fmt: skip
    keys: npt.NDArray[np.object_] = folded[codes] if len(folded) else np.array([], dtype=object)
    return keys


def _placeholders(rule: Vote, keys: npt.NDArray[np.object_]) -> npt.NDArray[np.int64]:
    """How far each value only stands in for a better one (0: it does not).

    With work e-mail first, a consumer mailbox is 1 and a team inbox (``info@``: nobody's
    own address) 2, so a person's private address still beats their company's shared
    one; for names, an initial is 1.
    """
    if not (rule.work_email_first or rule.spelling == "name"):
        return np.zeros(len(keys), dtype=np.int64)
    codes, unique = _factorize(keys)
    if rule.work_email_first:
        team = _INBOXES.is_role(unique)
        free = [str(key).rsplit("@", 1)[-1] in FREE_MAIL_DOMAINS for key in unique]
        flags = np.where(team, 2, np.asarray(free, dtype=np.int64))
    else:
        flags = np.asarray([len(str(key)) <= 1 for key in unique], dtype=np.int64)
    placeholder: npt.NDArray[np.int64] = np.asarray(flags, dtype=np.int64)[codes]
    return placeholder


#: The spellings of identifiers: another person holding one says nothing for it.
_IDENTIFIERS = frozenset({"email", "phone"})
_INBOXES = SharedInboxes()


_NOT_LETTER = re.compile(r"[^a-z]+")


def _words(address: str) -> list[str]:
    """The words of an address's local part, and each two neighbours run together."""
    local = normalize_name(address.rsplit("@", 1)[0])
    words = [word for word in _NOT_LETTER.split(local) if word]
    return words + [a + b for a, b in itertools.pairwise(words)]


def _strength(key: str, words: Iterable[str]) -> int:
    """How well a spelling matches the words of some addresses (0-3).

    3: it is one of the words; 2: a word with one more letter first or last; 1: a word's
    beginning or end; 0: none of these.
    """
    key = key.replace(" ", "")
    best = 0
    for word in words if len(key) >= 2 else ():
        if word == key:
            return 3
        if key in (word[1:], word[:-1]):
            best = 2
        elif len(key) >= 3 and (word.startswith(key) or word.endswith(key)):
            best = max(best, 1)
    return best


#: Up to this many values, codes come from a dict: pandas' set-up costs more than the work
#: (a record added online votes on its entity's few records, field by field).
_FEW = 64


def _factorize(values: Any) -> tuple[npt.NDArray[np.int64], npt.NDArray[Any]]:
    """Codes in order of first appearance and the distinct values, as ``pd.factorize``."""
    array = np.asarray(values)
    if len(array) <= _FEW:
        listed = array.tolist()
        if not any(map(is_missing, listed)):  # a missing value is pandas' -1
            seen: dict[Any, int] = {}
            codes = np.array([seen.setdefault(v, len(seen)) for v in listed], dtype=np.int64)
            return codes, np.array(list(seen), dtype=array.dtype)
    found, uniques = pd.factorize(array)
    return found.astype(np.int64), np.asarray(uniques)


def _codes(values: Any) -> npt.NDArray[np.int64]:
    return _factorize(values)[0]


def _per_group(groups: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """For each element, how many elements share its group."""
    counts: npt.NDArray[np.int64] = np.bincount(groups)[groups] if len(groups) else groups
    return counts


def _witnessed(
    pairs: tuple[npt.NDArray[np.int64], npt.NDArray[Any]],
    contested: npt.NDArray[np.bool_],
    witnesses: tuple[npt.NDArray[Any], npt.NDArray[np.int64]],
) -> npt.NDArray[np.int64]:
    """Each contested candidate's corroboration by its cluster's addresses."""
    clusters, keys = pairs
    strength = np.zeros(len(clusters), dtype=np.int64)
    rows = np.flatnonzero(contested)
    if not len(rows):
        return strength
    values, owners = witnesses
    kept = np.isin(owners, clusters[rows])
    words = witness_words(values[kept], owners[kept])
    found: dict[tuple[int, str], int] = {}
    for row in rows.tolist():
        pair = (int(clusters[row]), str(keys[row]))
        if pair not in found:
            found[pair] = _strength(pair[1], words.get(pair[0], ()))
        strength[row] = found[pair]
    return strength


def witness_words(
    values: npt.NDArray[Any], clusters: npt.NDArray[np.int64]
) -> dict[int, list[str]]:
    """Per cluster, the words of its records' addresses (``values`` of the witness field).

    Examples
    --------
    >>> import numpy as np
    >>> witness_words(np.array(["ann.lee@acme.com", None]), np.array([0, 0]))
    {0: ['ann', 'lee', 'annlee']}
    """
    words: dict[int, list[str]] = {}
    for cluster, value in zip(clusters.tolist(), values.tolist(), strict=True):
        if isinstance(value, str) and value:
            words.setdefault(cluster, []).extend(_words(value))
    return words


def ballots(
    rule: Vote,
    values: npt.NDArray[Any],
    *,
    clusters: npt.NDArray[np.int64],
    sources: npt.NDArray[Any] | None,
    witnesses: tuple[npt.NDArray[Any], npt.NDArray[np.int64]] | None = None,
) -> pd.DataFrame:
    """Per candidate record: its spelling ``key`` and that spelling's support in its cluster.

    Columns: ``cluster``, ``key``, ``systems`` and ``records`` (distinct systems and
    records carrying the spelling), ``alike`` (records writing the value exactly
    alike), ``placeholder`` (how far the value stands in for a better one: 0 when it
    does not; when the rule puts work e-mail first, 1 for an address at a consumer
    mailbox and 2 for a team inbox such as ``info@``; 1 for an initial as a name),
    ``witnessed`` (0-3: how well the cluster's ``witnesses`` — the witness field's
    values and their clusters — corroborate the spelling, see :class:`Vote`; only where
    the cluster's spellings differ) and ``elsewhere`` (how many other clusters carry the
    spelling: a name many people share is likelier than a one-off spelling, which
    decides when the evidence inside a cluster is even; identifiers — e-mail addresses
    and phone numbers — are not ranked by it, as one other people hold is no likelier
    this person's).

    Examples
    --------
    >>> import numpy as np
    >>> table = ballots(Vote(spelling="name"), np.array(["Nilsson", "NILSSON", "Nilssno"]),
    ...     clusters=np.zeros(3, dtype=np.int64),
    ...     sources=np.array(["hubspot", "zendesk", "salesforce"]))
    >>> table[["key", "systems", "records", "alike", "elsewhere"]].values.tolist()
    [['nilsson', 2, 2, 1, 0], ['nilsson', 2, 2, 1, 0], ['nilssno', 1, 1, 1, 0]]
    """
    return pd.DataFrame(
        _ballot_columns(rule, values, clusters=clusters, sources=sources, witnesses=witnesses)
    )


def _ballot_columns(
    rule: Vote,
    values: npt.NDArray[Any],
    *,
    clusters: npt.NDArray[np.int64],
    sources: npt.NDArray[Any] | None,
    witnesses: tuple[npt.NDArray[Any], npt.NDArray[np.int64]] | None = None,
    seen: dict[str, dict[str, Any]] | None = None,
) -> dict[str, npt.NDArray[Any]]:
    """:func:`ballots` as columns (the engine reads them; no frame made per field)."""
    clusters = np.asarray(clusters, dtype=np.int64)
    keys = _keys(rule, values, seen)
    key = _codes(keys)
    pair = _codes(clusters * np.int64(max(int(key.max(initial=0)) + 1, 1)) + key)
    source = _codes(_filled(sources)) if sources is not None else key * 0
    written = _codes(pd.Series(values, dtype=object).astype(str))
    # One entry per distinct (cluster, spelling): what the spelling's support is counted on.
    first = np.unique(pair, return_index=True)[1]
    spellings_in_cluster = np.bincount(clusters[first], minlength=int(clusters.max(initial=-1)) + 1)
    per_source = np.unique(
        pair * np.int64(int(source.max(initial=0)) + 1) + source, return_index=True
    )[1]
    out = {
        "cluster": clusters,
        "key": keys,
        "systems": np.bincount(pair[per_source], minlength=len(first))[pair],
        "records": _per_group(pair),
        "alike": _per_group(_codes(clusters * np.int64(int(written.max(initial=0)) + 1) + written)),
        "placeholder": _placeholders(rule, keys),
        "witnessed": np.zeros(len(clusters), dtype=np.int64),
        "elsewhere": np.bincount(key[first], minlength=int(key.max(initial=-1)) + 1)[key] - 1,
    }
    if witnesses is not None and len(clusters):
        contested = spellings_in_cluster[clusters] > 1
        out["witnessed"] = _witnessed((clusters, keys), contested, witnesses)
    return out


def _filled(sources: npt.NDArray[Any]) -> npt.NDArray[np.object_]:
    """Each record's source, ``""`` when missing."""
    filled = np.array(sources, dtype=object)
    filled[pd.isna(filled)] = ""
    return filled


class _Run(Protocol):
    clusters: npt.NDArray[np.int64]
    seen: dict[str, dict[str, Any]] | None
    columns: Mapping[str, npt.NDArray[Any]]
    sources: npt.NDArray[Any] | None
    newest: npt.NDArray[np.int64]
    rank: npt.NDArray[np.int64]

    def source_rank(self, rule: Vote) -> npt.NDArray[np.int64]: ...


#: Records as (values, clusters).
Pairs = tuple[npt.NDArray[Any], npt.NDArray[np.int64]]


@attrs.frozen(kw_only=True, eq=False)
class Spelled:
    """Records' values as a :class:`Vote` spells them, each distinct value spelled once.

    ``key`` gives each record's spelling as its place in ``keys`` (-1: no value) and
    ``clusters`` its cluster. Spelled once, records beside a run serve every reading of
    them (``beside`` of :func:`survivors` and of :func:`unsettled`).

    Examples
    --------
    >>> import numpy as np
    >>> names = Spelled.of(Vote(spelling="name"), np.array(["Ann", "ANN", None], dtype=object),
    ...                    np.array([0, 1, 1]))
    >>> names.keys.tolist(), names.key.tolist()
    (['ann'], [0, 0, -1])
    """

    spelling: str
    key: npt.NDArray[np.int64]
    keys: npt.NDArray[np.object_]
    clusters: npt.NDArray[np.int64]

    @classmethod
    def of(cls, rule: Vote, values: Any, clusters: Any,
           seen: dict[str, dict[str, Any]] | None = None) -> Spelled:  # fmt: skip
        """``values`` (one per record, in ``clusters``) spelled by ``rule``."""
        codes, distinct = pd.factorize(np.asarray(values, dtype=object))
        key, keys = _factorize(_keys(rule, np.asarray(distinct, dtype=object), seen))
        found = np.full(len(codes), -1, dtype=np.int64)
        found[codes >= 0] = key[codes[codes >= 0]]
        return cls(spelling=rule.spelling, key=found, keys=np.asarray(keys, dtype=object),
                   clusters=np.asarray(clusters, dtype=np.int64))  # fmt: skip

    @staticmethod
    def read(rule: Vote) -> bool:
        """Whether a vote by ``rule`` reads records beside its run: identifiers' do not.

        A person's e-mail address or phone number is no likelier theirs for others
        holding it (see :func:`ballots`).
        """
        return rule.spelling not in _IDENTIFIERS

    def take(self, rows: npt.NDArray[Any]) -> Spelled:
        """Some of the records (an index or a mask); the keys stay as they are."""
        return attrs.evolve(self, key=self.key[rows], clusters=self.clusters[rows])

    def __len__(self) -> int:
        return len(self.key)


def spelled_as(rule: Vote, beside: Pairs | Spelled, seen: dict[str, dict[str, Any]] | None
             ) -> Spelled:  # fmt: skip
    """``beside`` spelled by ``rule`` (as it is when spelled already, by the same spelling)."""
    if not isinstance(beside, Spelled):
        return Spelled.of(rule, beside[0], beside[1], seen)
    if beside.spelling != rule.spelling:
        msg = f"records spelled as {beside.spelling!r} beside a vote by {rule.spelling!r}"
        raise InvalidValueError(msg)
    return beside


def _outside(
    rule: Vote,
    keys: npt.NDArray[np.object_],
    beside: Pairs | Spelled,
    seen: dict[str, dict[str, Any]] | None = None,
) -> npt.NDArray[np.int64]:
    """Per key, how many clusters of the records ``beside`` the run carry that spelling.

    Only the run's spellings are counted: only the records whose spelling the run holds
    are tallied.
    """
    wanted = pd.Index(pd.unique(keys))
    spelled = spelled_as(rule, beside, seen)
    if not len(wanted) or not len(spelled.keys):
        return np.zeros(len(keys), dtype=np.int64)
    place = wanted.get_indexer(pd.Index(spelled.keys))  # each spelling's among the run's
    rows = np.flatnonzero(spelled.key >= 0)
    rows = rows[place[spelled.key[rows]] >= 0]
    width = np.int64(len(wanted))
    key = place[spelled.key[rows]].astype(np.int64)
    # each (cluster, key) once; pandas' hash table is several times numpy's unique here
    held = pd.unique(spelled.clusters[rows] * width + key)
    per_key = np.bincount(held % width, minlength=len(wanted))
    counts: npt.NDArray[np.int64] = per_key[wanted.get_indexer(pd.Index(keys))].astype(np.int64)
    return counts


def vote_key(
    rule: Vote,
    values: npt.NDArray[Any],
    rows: npt.NDArray[np.intp],
    run: _Run,
    *,
    beside: Pairs | Spelled | None = None,
) -> tuple[npt.NDArray[Any], ...]:
    """The ``np.lexsort`` keys that put each cluster's winning candidate first.

    ``beside`` holds the values and clusters of records outside the run, whose spellings
    count towards ``elsewhere`` (none win here).
    """
    clusters = run.clusters[rows]
    sources = None if run.sources is None else run.sources[rows]
    witnesses = None
    if rule.witness is not None:  # (present: the engine checks it first)
        witnesses = (run.columns[rule.witness], run.clusters)
    table = _ballot_columns(rule, values, clusters=clusters, sources=sources,
                            witnesses=witnesses, seen=run.seen)  # fmt: skip
    witnessed = table["witnessed"]
    elsewhere = table["elsewhere"]
    if not Spelled.read(rule):
        elsewhere = elsewhere * 0
    elif beside is not None:
        elsewhere = elsewhere + _outside(rule, table["key"], beside, run.seen)
    return (
        run.rank[rows],
        run.newest[rows],
        run.source_rank(rule)[rows],
        -table["alike"],
        -witnessed,
        -elsewhere,
        -table["records"],
        -(table["systems"] + (witnessed > 0)),
        table["placeholder"].astype(np.int64),
        clusters,
    )
