"""Voting on spellings: the evidence behind :class:`Vote`, for the engine and for provenance.

Every candidate record gets the support of its value's spelling within its cluster: the
number of distinct systems and of records carrying it, and how many records write it
exactly alike. The engine sorts on these; :func:`ballots` hands them to the provenance
tables that show the runners-up.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.domain import (
    FREE_MAIL_DOMAINS,
    AccountVocabulary,
    normalize_name,
    normalize_organisation,
)
from customer_understanding.domain import fold_spelling as _fold
from customer_understanding.identity._rules import Vote

__all__ = ["ballots", "vote_key", "witness_words"]


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


def _keys(rule: Vote, values: npt.NDArray[Any]) -> npt.NDArray[np.object_]:
    """Each value's spelling key; a value that folds to nothing keeps its own text."""
    spell = _SPELLINGS[rule.spelling]
    codes, unique = pd.factorize(pd.Series(values, dtype=object), sort=False)
    folded = np.array([spell(value) or f"={value}" for value in unique], dtype=object)
    keys: npt.NDArray[np.object_] = folded[codes] if len(folded) else np.array([], dtype=object)
    return keys


def _placeholders(rule: Vote, keys: pd.Series[Any]) -> npt.NDArray[np.bool_]:
    """Values that win only when nothing better is there: free-mail, initials."""
    text = keys.astype("string")
    if rule.work_email_first:
        domain = text.str.rsplit("@", n=1).str[-1]
        return domain.isin(FREE_MAIL_DOMAINS).to_numpy(dtype=bool)
    if rule.spelling == "name":
        return (text.str.len() <= 1).to_numpy(dtype=bool)
    return np.zeros(len(keys), dtype=bool)


_LETTERS = re.compile(r"[^a-z]+")


def _words(address: str) -> list[str]:
    """The words of an address's local part, and each two neighbours run together."""
    local = address.rsplit("@", 1)[0]
    ascii_text = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode("ascii")
    words = [word for word in _LETTERS.split(ascii_text.lower()) if word]
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


def _witnessed(
    cluster: npt.NDArray[np.int64], key: npt.NDArray[Any], witnesses: Mapping[int, list[str]]
) -> npt.NDArray[np.int64]:
    """Each candidate's corroboration, looked up only in clusters whose spellings differ."""
    pairs = pd.DataFrame({"cluster": cluster, "key": key}).drop_duplicates()
    contested = pairs[pairs["cluster"].duplicated(keep=False)]
    strength = {
        (c, k): _strength(str(k), witnesses.get(int(c), ()))
        for c, k in zip(contested["cluster"], contested["key"], strict=True)
    }
    found = [strength.get((c, k), 0) for c, k in zip(cluster.tolist(), key.tolist(), strict=True)]
    return np.asarray(found, dtype=np.int64)


def witness_words(
    values: npt.NDArray[Any], clusters: npt.NDArray[np.int64]
) -> dict[int, list[str]]:
    """Per cluster, the words of its records' addresses (``values`` of the witness field)."""
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
    witnesses: Mapping[int, list[str]] | None = None,
) -> pd.DataFrame:
    """Per candidate record: its spelling ``key`` and that spelling's support in its cluster.

    Columns: ``cluster``, ``key``, ``systems`` and ``records`` (distinct systems and
    records carrying the spelling), ``alike`` (records writing the value exactly
    alike), ``placeholder`` (the value stands in for a better one: an address at a
    consumer mailbox when the rule puts work e-mail first, an initial for a name),
    ``witnessed`` (0-3: how well the cluster's ``witnesses`` — per cluster, the words of
    its addresses — corroborate the spelling, see :class:`Vote`; only where the
    cluster's spellings differ) and ``elsewhere`` (how many other clusters carry the
    spelling: a name many people share is likelier than a one-off spelling, which
    decides when the evidence inside a cluster is even).

    Examples
    --------
    >>> import numpy as np
    >>> table = ballots(Vote(spelling="name"), np.array(["Nilsson", "NILSSON", "Nilssno"]),
    ...     clusters=np.zeros(3, dtype=np.int64),
    ...     sources=np.array(["hubspot", "zendesk", "salesforce"]))
    >>> table[["key", "systems", "records", "alike", "elsewhere"]].values.tolist()
    [['nilsson', 2, 2, 1, 0], ['nilsson', 2, 2, 1, 0], ['nilssno', 1, 1, 1, 0]]
    """
    frame = pd.DataFrame(
        {
            "cluster": clusters,
            "key": _keys(rule, values),
            "value": pd.Series(values, dtype=object).astype(str).to_numpy(dtype=object),
            "source": "" if sources is None else pd.Series(sources, dtype=object).fillna(""),
        }
    )
    by_key = frame.groupby(["cluster", "key"], sort=False)
    clusters_of_key = frame.drop_duplicates(["cluster", "key"]).groupby("key")["cluster"].size()
    out = pd.DataFrame(
        {
            "cluster": clusters,
            "key": frame["key"].to_numpy(),
            "systems": by_key["source"].transform("nunique").to_numpy(dtype=np.int64),
            "records": by_key["source"].transform("size").to_numpy(dtype=np.int64),
            "alike": frame.groupby(["cluster", "value"], sort=False)["key"]
            .transform("size")
            .to_numpy(dtype=np.int64),
            "placeholder": _placeholders(rule, frame["key"]),
            "witnessed": 0,
            "elsewhere": frame["key"].map(clusters_of_key).to_numpy(dtype=np.int64) - 1,
        }
    )
    if witnesses:
        out["witnessed"] = _witnessed(clusters, out["key"].to_numpy(), witnesses)
    return out


class _Run(Protocol):
    clusters: npt.NDArray[np.int64]
    columns: Mapping[str, npt.NDArray[Any]]
    sources: npt.NDArray[Any] | None
    newest: npt.NDArray[np.int64]
    rank: npt.NDArray[np.int64]

    def source_rank(self, rule: Vote) -> npt.NDArray[np.int64]: ...


def vote_key(
    rule: Vote, values: npt.NDArray[Any], rows: npt.NDArray[np.intp], run: _Run
) -> tuple[npt.NDArray[Any], ...]:
    """The ``np.lexsort`` keys that put each cluster's winning candidate first."""
    clusters = run.clusters[rows]
    sources = None if run.sources is None else run.sources[rows]
    witnesses = None
    if rule.witness is not None:
        if rule.witness not in run.columns:
            msg = f"{rule.label} needs field {rule.witness!r}, which the records do not have"
            raise InvalidValueError(msg)
        witnesses = witness_words(run.columns[rule.witness], run.clusters)
    table = ballots(rule, values, clusters=clusters, sources=sources, witnesses=witnesses)
    witnessed = table["witnessed"].to_numpy()
    return (
        run.rank[rows],
        run.newest[rows],
        run.source_rank(rule)[rows],
        -table["alike"].to_numpy(),
        -witnessed,
        -table["elsewhere"].to_numpy(),
        -table["records"].to_numpy(),
        -(table["systems"].to_numpy() + (witnessed > 0)),
        table["placeholder"].to_numpy(dtype=np.int64),
        clusters,
    )
