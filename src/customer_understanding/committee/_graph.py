"""The committee graph's edges: people who shared an occasion, weighted by recency.

An occasion is a set of interactions that several people could share: one e-mail or
meeting thread, or a meeting, demo, call or webinar on one day logged against one deal or
campaign. Everything is computed as a vectorised self-join, never pair by pair in Python.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import DAY_NS, NAT, half_life_decay
from customer_understanding.tables import InteractionTable

__all__ = ["committee_graph", "occasion_edges"]

_GROUP_TYPES = ("meeting", "demo", "call", "webinar", "event_attended")
_EDGE_COLUMNS = ["a", "b", "weight"]


def _occasion_keys(table: InteractionTable, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.object_]:
    """One key per interaction that others could have shared (``None`` for solitary ones)."""
    types = pd.Series(table.labels("type")[rows], dtype=object)
    day = pd.Series((table.column("occurred_at")[rows] // DAY_NS).astype(str), dtype=object)
    group = types.isin(_GROUP_TYPES).to_numpy()
    deal = pd.Series(table.column("opportunity_ref")[rows], dtype=object)
    campaign = pd.Series(table.labels("campaign")[rows], dtype=object)
    by_deal = ("deal:" + deal + ":" + types + ":" + day).to_numpy(dtype=object)
    by_campaign = ("campaign:" + campaign + ":" + types + ":" + day).to_numpy(dtype=object)
    thread = pd.Series(table.column("thread")[rows], dtype=object)
    by_thread = ("thread:" + thread).to_numpy(dtype=object)
    at_deal = group & pd.notna(by_deal)
    at_campaign = group & (types != "call").to_numpy() & pd.notna(by_campaign)
    keys = np.full(len(rows), None, dtype=object)
    keys[at_campaign] = by_campaign[at_campaign]
    keys[at_deal] = by_deal[at_deal]
    threaded = pd.notna(by_thread)
    keys[threaded] = by_thread[threaded]
    return keys


def occasion_edges(
    table: InteractionTable, rows: npt.NDArray[np.intp], *, as_of: int, half_life_days: float
) -> pd.DataFrame:
    """Edges ``a < b`` (contact rows) with the summed, age-decayed weight of shared occasions.

    Examples
    --------
    >>> table = InteractionTable.from_columns({"contact": [0, 1, 2], "type": ["meeting"] * 3,
    ...     "opportunity_ref": ["o1", "o1", "o2"], "occurred_at": [0, 0, 0]})
    >>> occasion_edges(table, np.arange(3), as_of=0, half_life_days=30).values.tolist()
    [[0.0, 1.0, 1.0]]
    """
    # Only threads and group occasions can be shared; dropping the rest first keeps the
    # string keys below to a small share of the interactions.
    codes = [table.code_of("type", name) for name in _GROUP_TYPES]
    shareable = np.isin(table.column("type")[rows], codes) | pd.notna(table.column("thread")[rows])
    rows = rows[shareable]
    contact, at = table.column("contact")[rows], table.column("occurred_at")[rows]
    frame = pd.DataFrame({"key": _occasion_keys(table, rows), "contact": contact, "at": at})
    frame = frame[frame["key"].notna() & (frame["contact"] >= 0) & (frame["at"] != NAT)]
    latest = frame.groupby(["key", "contact"], as_index=False, sort=False)["at"].max()
    shared = latest.groupby("key")["contact"].transform("size") >= 2
    frame = pd.DataFrame(latest[shared])
    if frame.empty:
        return pd.DataFrame(columns=_EDGE_COLUMNS)
    pairs = frame.merge(frame, on="key", suffixes=("_a", "_b"))
    pairs = pairs[pairs["contact_a"] < pairs["contact_b"]]
    age = as_of - np.maximum(pairs["at_a"].to_numpy(np.int64), pairs["at_b"].to_numpy(np.int64))
    pairs = pairs.assign(weight=half_life_decay(age, half_life_days))
    edges = pairs.groupby(["contact_a", "contact_b"], as_index=False)["weight"].sum()
    return pd.DataFrame(
        {
            "a": edges["contact_a"].to_numpy(dtype=np.float64),
            "b": edges["contact_b"].to_numpy(dtype=np.float64),
            "weight": edges["weight"].to_numpy(dtype=np.float64),
        }
    )


def committee_graph(members: pd.DataFrame, edges: pd.DataFrame) -> Any:
    """A networkx graph of members (``contact_id`` and attributes) and id-keyed edges.

    Examples
    --------
    >>> members = pd.DataFrame({"contact_id": ["c1", "c2"], "role": ["champion", None]})
    >>> edges = pd.DataFrame({"source": ["c1"], "target": ["c2"], "weight": [0.5]})
    >>> graph = committee_graph(members, edges)
    >>> graph.nodes["c1"]["role"], graph["c1"]["c2"]["weight"]
    ('champion', 0.5)
    """
    graph = nx.Graph()
    for record in members.to_dict("records"):
        attributes = {str(key): value for key, value in record.items()}
        graph.add_node(attributes.pop("contact_id"), **attributes)
    for source, target, weight in edges[["source", "target", "weight"]].itertuples(index=False):
        graph.add_edge(source, target, weight=float(weight))
    return graph
