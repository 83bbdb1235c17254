"""The survivorship engine: for each field and cluster, the record whose value wins.

It works on plain columns (one array per field, one cluster row per record), so the
customer base runs it on its columnar records and :func:`golden_records` on a DataFrame.
Built-in rules are one sort over all clusters; rules that do not look at the values
(source priority, recency, age) sort once and serve every field. A :class:`Custom` rule is
called once per cluster.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import NAT, sorted_codes
from customer_understanding._errors import InvalidValueError
from customer_understanding.identity._rules import (
    Custom,
    Earliest,
    MostFrequent,
    MostRecent,
    Rule,
    SourcePriority,
    Survivorship,
    Vote,
)
from customer_understanding.identity._votes import Spelled, vote_key

__all__ = ["survivors"]


class _Columns:
    """What every rule may read, shared by all fields of one run."""

    def __init__(
        self,
        clusters: npt.NDArray[np.int64],
        n_clusters: int,
        *,
        sources: npt.NDArray[Any] | None,
        times: npt.NDArray[np.int64] | None,
        ids: npt.NDArray[Any] | None,
        columns: Mapping[str, npt.NDArray[Any]],
        beside: Mapping[str, tuple[npt.NDArray[Any], npt.NDArray[Any]] | Spelled] | None = None,
        seen: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.clusters = clusters
        self.beside = beside or {}
        self.seen = seen
        self.columns = columns
        self.n_clusters = n_clusters
        self.sources = sources
        self.times = times
        self.ids = ids if ids is not None else np.arange(len(clusters))
        # The last tie-break: the ids' order (a record's place in its table only without ids).
        self.rank = np.arange(len(clusters)) if ids is None else _id_rank(ids)
        # Missing times (NAT) rank as the oldest; without times every record is equal.
        newest = np.zeros(len(clusters), dtype=np.int64)
        if times is not None:
            newest = -np.maximum(times, NAT + 1)
        self.newest = newest
        # For the oldest first, missing times rank last: an undated record proves no age.
        self.oldest = np.zeros(len(clusters), dtype=np.int64)
        if times is not None:
            self.oldest = np.where(times == NAT, np.iinfo(np.int64).max, times)
        self._orders: dict[Rule, npt.NDArray[np.intp]] = {}
        self._ranks: dict[tuple[str, ...], npt.NDArray[np.int64]] = {}

    def source_rank(self, rule: SourcePriority | Vote) -> npt.NDArray[np.int64]:
        if self.sources is None:  # a vote without sources (a priority is refused: _check)
            return np.zeros(len(self.clusters), dtype=np.int64)  # all trusted alike
        if rule.order not in self._ranks:  # every field voting on one order shares it
            rank = {source: place for place, source in enumerate(rule.order)}
            ranks = pd.Series(self.sources, dtype=object).map(rank).fillna(len(rule.order))
            self._ranks[rule.order] = np.asarray(ranks.to_numpy(), dtype=np.int64)
        return self._ranks[rule.order]

    def order(self, rule: MostRecent | Earliest | SourcePriority) -> npt.NDArray[np.intp]:
        """Every record sorted by cluster, then the rule, then recency, then id."""
        if rule not in self._orders:  # (rules needing what the records lack: see _check)
            key = self.newest
            if isinstance(rule, SourcePriority):
                key = self.source_rank(rule)
            elif isinstance(rule, Earliest):
                key = self.oldest
            self._orders[rule] = np.lexsort((self.rank, self.newest, key, self.clusters))
        return self._orders[rule]


def _id_rank(ids: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """Each id's place in the sorted order of the ids' text."""
    text = np.array([str(value) for value in ids.tolist()], dtype=object)
    rank: npt.NDArray[np.int64] = sorted_codes(text)[0].astype(np.int64)
    return rank


def _firsts(rows: npt.NDArray[np.intp], run: _Columns) -> npt.NDArray[np.int64]:
    """Rows are sorted by cluster: the first row of each cluster wins it."""
    winners = np.full(run.n_clusters, -1, dtype=np.int64)
    if len(rows):
        sorted_clusters = run.clusters[rows]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = sorted_clusters[1:] != sorted_clusters[:-1]
        winners[sorted_clusters[first]] = rows[first]
    return winners


def _value_key(rule: Rule, values: npt.NDArray[Any], clusters: npt.NDArray[np.int64]) -> Any:
    """Smaller wins: minus the agreeing records (most frequent) or minus the length."""
    if isinstance(rule, MostFrequent):
        codes = pd.factorize(values)[0].astype(np.int64)
        joint = clusters * np.int64(max(int(codes.max(initial=0)) + 1, 1)) + codes
        _, inverse, counts = np.unique(joint, return_inverse=True, return_counts=True)
        return -counts[inverse.ravel()]
    return -pd.Series(values, dtype=object).astype("string").str.strip().str.len().to_numpy()


def _custom(
    rule: Custom, field: str, values: npt.NDArray[Any], rows: npt.NDArray[np.intp], run: _Columns
) -> npt.NDArray[np.int64]:
    winners = np.full(run.n_clusters, -1, dtype=np.int64)
    rows = rows[np.argsort(run.rank[rows], kind="stable")]  # each group in the ids' order
    candidates = pd.DataFrame(
        {
            "value": values[rows],
            "source": None if run.sources is None else run.sources[rows],
            "time": NAT if run.times is None else run.times[rows],
            "row": rows,
        },
        index=pd.Index(run.ids[rows], name="record"),
    )
    for cluster, group in candidates.groupby(run.clusters[rows], sort=False):
        chosen = rule.function(group[["value", "source", "time"]])
        label = chosen.name if isinstance(chosen, pd.Series) else chosen
        if label not in group.index:
            msg = (
                f"rules[{field!r}]={rule.label} chose {label!r} for the cluster of "
                f"{group.index[0]!r}, which is not one of its records {group.index.tolist()!r}"
            )
            raise InvalidValueError(msg)
        winners[cluster] = int(  # type: ignore[index]
            group["row"].to_numpy()[group.index.get_loc(label)]
        )
    return winners


def _winners(
    field: str, values: npt.NDArray[Any], present: npt.NDArray[np.bool_], rule: Rule, run: _Columns
) -> npt.NDArray[np.int64]:
    if isinstance(rule, MostRecent | Earliest | SourcePriority):
        order = run.order(rule)
        return _firsts(order[present[order]], run)
    rows = np.flatnonzero(present)
    if isinstance(rule, Custom):
        return _custom(rule, field, values, rows, run)
    if isinstance(rule, Vote):
        sort_key = vote_key(rule, values[rows], rows, run, beside=run.beside.get(field))
        return _firsts(rows[np.lexsort(sort_key)], run)
    key = _value_key(rule, values[rows], run.clusters[rows])
    order = rows[np.lexsort((run.rank[rows], run.newest[rows], key, run.clusters[rows]))]
    return _firsts(order, run)


def survivors(  # noqa: PLR0913 - parallel columns, every option keyword-only
    values: Mapping[str, npt.NDArray[Any]],
    clusters: npt.NDArray[np.int64],
    *,
    survivorship: Survivorship,
    present: Mapping[str, npt.NDArray[np.bool_]],
    n_clusters: int,
    sources: npt.NDArray[Any] | None = None,
    times: npt.NDArray[np.int64] | None = None,
    ids: npt.NDArray[Any] | None = None,
    beside: Mapping[str, tuple[npt.NDArray[Any], npt.NDArray[Any]] | Spelled] | None = None,
    seen: dict[str, dict[str, Any]] | None = None,
) -> dict[str, npt.NDArray[np.int64]]:
    """For each field, the record whose value survives in each cluster (-1 when none has one).

    Parameters
    ----------
    values
        Each field's values, one per record.
    clusters
        Each record's cluster, numbered ``0 … n_clusters - 1``.
    survivorship
        The rule of every field.
    present
        Per field, which records have a value (only those can win).
    n_clusters
        The number of clusters.
    sources, times, ids
        Each record's source (for :class:`SourcePriority`), time in int64 nanoseconds
        (``NAT`` when unknown; for :class:`MostRecent` and every tie-break) and id (for
        :class:`Custom`, and the last tie-break, so that the winners do not depend on the
        records' order; default: the record's position).
    beside
        Per field, the values and clusters of records outside this run (those with a
        value): a :class:`Vote` counts their spellings among the other clusters that
        carry one, so running the rules on some clusters alone picks what a run over
        every record would. A field's records may come :class:`Spelled` by its rule
        (spelled once for several runs beside them).
    seen
        Texts a :class:`Vote` spelled before, by kind (``"spelling:name"``,
        ``"spelling:organisation"``, ``"spelling:text"``: each text and its spelling
        key): looked up instead of spelled again, and filled with the texts spelled now.
        Keep one across runs to spell each text once; the winners are the same.

    Returns
    -------
    dict
        Per field, one winning record position per cluster.

    Examples
    --------
    >>> import numpy as np
    >>> from customer_understanding.identity import MostComplete, Survivorship
    >>> names = np.array(["Ann Lee", "Ann Lee-Smith", "Bo Ng"], dtype=object)
    >>> survivors({"name": names}, np.array([0, 0, 1]), n_clusters=2,
    ...     survivorship=Survivorship(default=MostComplete()),
    ...     present={"name": np.array([True, True, True])})["name"].tolist()
    [1, 2]
    """
    clusters = np.asarray(clusters, dtype=np.int64)
    if len(clusters) and (clusters.min() < 0 or clusters.max() >= n_clusters):
        low, high = clusters.min(), clusters.max()
        msg = f"clusters must be numbered 0 … {n_clusters - 1}, got {low} … {high}"
        raise InvalidValueError(msg)
    for field, pair in (beside or {}).items():
        if field not in values:
            msg = f"beside names field {field!r}, which values lack (fields: {', '.join(values)})"
            raise InvalidValueError(msg)
        if isinstance(pair, Spelled):
            continue
        if not (isinstance(pair, tuple) and len(pair) == 2 and len(pair[0]) == len(pair[1])):
            msg = f"beside[{field!r}] must be (values, clusters) of one length, not {pair!r}"
            raise InvalidValueError(msg)
    run = _Columns(clusters, n_clusters, sources=sources, times=times, ids=ids, columns=values,
                   beside=beside, seen=seen)  # fmt: skip
    alone = len(clusters) == n_clusters and bool(np.all(np.bincount(clusters) == 1))
    winners = {}
    for field, column in values.items():
        rule = survivorship.rule_of(field)
        _check(field, rule, run)
        if alone and not isinstance(rule, Custom):
            # One record per cluster (a record added online as a new entity): whatever the
            # rule, the record wins where it has a value (a custom rule is still asked).
            won = np.full(n_clusters, -1, dtype=np.int64)
            held = np.flatnonzero(present[field])
            won[clusters[held]] = held
            winners[field] = won
        else:
            winners[field] = _winners(field, column, present[field], rule, run)
    return winners


def _check(field: str, rule: Rule, run: _Columns) -> None:
    """Refuse a rule the records cannot serve, whatever clusters they make."""
    if isinstance(rule, MostRecent | Earliest) and run.times is None:
        msg = f"{type(rule).__name__}() needs the time of each record"
        raise InvalidValueError(msg)
    if isinstance(rule, SourcePriority) and run.sources is None:
        msg = f"{rule.label} needs the source of each record"
        raise InvalidValueError(msg)
    if isinstance(rule, Vote) and rule.witness is not None and rule.witness not in run.columns:
        msg = f"{rule.label} needs field {rule.witness!r}, which the records do not have"
        raise InvalidValueError(msg)
