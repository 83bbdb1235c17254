"""Which kept clusters' votes can turn when the clusters beside them change.

An update keeps the golden winners of the entities it does not resolve again; a vote
also counts how many other entities carry each spelling, which the entities it does
resolve again can change. :func:`unsettled` finds the kept ones whose vote that turns.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.identity._rules import Vote
from customer_understanding.identity._votes import Pairs, Spelled, _keys, spelled_as

__all__ = ["unsettled"]


def _carriers(rule: Vote, pairs: Pairs, seen: dict[str, dict[str, Any]] | None) -> pd.Series:
    """Per spelling key, how many distinct clusters of ``pairs`` (values, clusters) carry it."""
    values, clusters = pairs
    if not len(values):
        return pd.Series(dtype=np.int64)
    held = pd.DataFrame({"cluster": clusters, "key": _keys(rule, np.asarray(values, object), seen)})
    return held.drop_duplicates()["key"].value_counts()


def unsettled(
    rule: Vote,
    *,
    before: Pairs,
    after: Pairs,
    beside: Pairs | Spelled,
    seen: dict[str, dict[str, Any]] | None = None,
) -> npt.NDArray[np.int64]:
    """The clusters ``beside`` whose vote can turn when others go from ``before`` to ``after``.

    Each of ``before``, ``after`` and ``beside`` is (values, clusters) of the records with
    a value (``beside`` may come :class:`Spelled`); the clusters ``beside`` were voted on
    beside those ``before`` and stay as they are.

    Of what a vote reads (see :func:`vote_key`), only ``elsewhere`` looks past a
    candidate's own cluster: rank, time and source are the record's own, the other
    columns its cluster's or its spelling's (the placeholder). Two candidates of one
    spelling share their ``elsewhere``; two of different spellings are compared on it only
    when tied on the columns before it, records among them, and then only its sign
    decides. So a cluster's vote can turn only where two of its spellings carried by as
    many of its records compare otherwise on how many clusters carry them ``before`` and
    ``after`` (the clusters beside counted in both). Identifiers are not ranked by
    ``elsewhere``: none turns.

    Examples
    --------
    Cluster 0 writes Kate and Kathy once each; cluster 1 Kate twice. A third cluster
    that comes to carry Kathy ties the two spellings in cluster 0:

    >>> import numpy as np
    >>> kate = np.array(["Kate", "Kathy", "Kate", "Kate"], dtype=object)
    >>> unsettled(Vote(spelling="name"), before=(np.array([], dtype=object), np.array([])),
    ...           after=(np.array(["Kathy"], dtype=object), np.array([7])),
    ...           beside=(kate, np.array([0, 0, 1, 1]))).tolist()
    [0]
    """
    none = np.empty(0, dtype=np.int64)
    if not Spelled.read(rule):
        return none
    held_keys = spelled_as(rule, beside, seen)
    keyed, key, clusters = held_keys.keys, held_keys.key, held_keys.clusters
    if not (key >= 0).all():  # a record without a value carries no spelling
        key, clusters = key[key >= 0], clusters[key >= 0]
    was, now = (np.asarray(_carriers(rule, pairs, seen).reindex(keyed, fill_value=0), np.int64)
                for pairs in (before, after))  # fmt: skip
    moved = was != now
    if not moved.any() or not len(key):
        return none
    # Only a cluster of two spellings or more can turn (see above): its (cluster, spelling)
    # pairs, each with how many of its records carry it; a cluster of one spelling counts
    # once among the clusters carrying that spelling.
    width, size = np.int64(len(keyed)), int(clusters.max()) + 1
    low, high = np.full(size, width), np.full(size, -1)
    np.minimum.at(low, clusters, key)
    np.maximum.at(high, clusters, key)
    mixed = low < high
    rows = np.flatnonzero(mixed[clusters])
    held, records = np.unique(clusters[rows] * width + key[rows], return_counts=True)
    owner, spelling = held // width, held % width
    carried = (np.bincount(spelling, minlength=len(keyed))
               + np.bincount(low[(high >= 0) & ~mixed], minlength=len(keyed)))  # fmt: skip
    touched = np.bincount(owner, weights=moved[spelling], minlength=size) > 0
    # the spellings of a touched cluster tied on records, a moved one among them
    mine = np.flatnonzero(touched[owner])
    ties = np.unique(owner[mine] * np.int64(records.max(initial=0) + 1) + records[mine],
                     return_inverse=True)[1].ravel()  # fmt: skip
    tied = ((np.bincount(ties) > 1) & (np.bincount(ties, weights=moved[spelling[mine]]) > 0))[ties]
    if not tied.any():
        return none
    mine, spelled = mine[tied], spelling[mine[tied]]
    frame = pd.DataFrame({"tie": ties[tied], "owner": owner[mine],
                          "then": carried[spelled] + was[spelled],
                          "now": carried[spelled] + now[spelled]})  # fmt: skip
    pairs = frame.merge(frame[["tie", "then", "now"]], on="tie")
    turned = (np.sign(pairs["then_x"] - pairs["then_y"])
              != np.sign(pairs["now_x"] - pairs["now_y"])).to_numpy()  # fmt: skip
    found: npt.NDArray[np.int64] = np.unique(pairs["owner"].to_numpy()[turned]).astype(np.int64)
    return found
