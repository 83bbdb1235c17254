"""The committee graph: contacts as nodes, shared interactions as weighted edges (networkx)."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.committee._stats import DAY
from customer_understanding.tables import NAT, InteractionTable

__all__ = ["influence", "shared_interaction_edges"]

_GROUP_TYPES = frozenset({"meeting", "demo", "call", "webinar", "event_attended"})


def _occasion_keys(table: InteractionTable, rows: npt.NDArray[np.intp]) -> pd.Series[Any]:
    """One key per interaction that other people could have shared: thread, or deal and day."""
    types = table.labels("type")[rows]
    day = (table.column("occurred_at")[rows] // DAY).astype(str)
    thread = pd.Series(table.column("thread")[rows], dtype=object)
    deal = pd.Series(table.column("opportunity_ref")[rows], dtype=object)
    campaign = pd.Series(table.labels("campaign")[rows], dtype=object)
    group = pd.Series(np.isin(types, list(_GROUP_TYPES)))
    by_deal = ("deal:" + deal + ":" + pd.Series(types, dtype=object) + ":" + day).where(group)
    by_campaign = "campaign:" + campaign + ":" + pd.Series(types, dtype=object) + ":" + day
    by_campaign = by_campaign.where(group & (pd.Series(types) != "call"))
    by_thread = ("thread:" + thread).to_numpy(dtype=object)
    fallback = np.where(
        by_deal.notna(), by_deal.to_numpy(dtype=object), by_campaign.to_numpy(dtype=object)
    )
    return pd.Series(np.where(pd.notna(by_thread), by_thread, fallback), dtype=object)


def shared_interaction_edges(
    table: InteractionTable, rows: npt.NDArray[np.intp], *, as_of: int, half_life_days: float
) -> dict[tuple[int, int], float]:
    """Edge weights between contact rows that shared an occasion, decayed by its age.

    Examples
    --------
    >>> from customer_understanding.tables import InteractionTable
    >>> table = InteractionTable.from_columns({"contact": [0, 1, 2], "type": ["meeting"] * 3,
    ...     "opportunity_ref": ["o1", "o1", "o2"], "occurred_at": [0, 0, 0]})
    >>> shared_interaction_edges(table, np.arange(3), as_of=0, half_life_days=30)
    {(0, 1): 1.0}
    """
    keys = _occasion_keys(table, rows)
    frame = pd.DataFrame(
        {"key": keys.to_numpy(), "contact": table.column("contact")[rows],
         "at": table.column("occurred_at")[rows]}
    ).dropna(subset=["key"])  # fmt: skip
    frame = frame[(frame["contact"] >= 0) & (frame["at"] != NAT)]
    edges: dict[tuple[int, int], float] = {}
    for _, occasion in frame.groupby("key", sort=False):
        people = sorted(set(occasion["contact"].tolist()))
        if len(people) < 2:
            continue
        weight = float(np.exp2(-(as_of - int(occasion["at"].max())) / DAY / half_life_days))
        for pair in combinations(people, 2):
            edges[pair] = edges.get(pair, 0.0) + weight
    return edges


def influence(graph: nx.Graph) -> dict[Any, float]:
    """Influence of each member: PageRank on the weighted graph (uniform without edges).

    Examples
    --------
    >>> graph = nx.Graph()
    >>> graph.add_weighted_edges_from([("a", "b", 1.0), ("b", "c", 1.0)])
    >>> scores = influence(graph)
    >>> max(scores, key=scores.get)
    'b'
    """
    if graph.number_of_nodes() == 0:
        return {}
    if graph.number_of_edges() == 0:
        share = 1.0 / graph.number_of_nodes()
        return dict.fromkeys(graph.nodes, share)
    return {node: float(value) for node, value in nx.pagerank(graph, weight="weight").items()}
