"""A picture of the committee graph (needs matplotlib: the ``plot`` extra)."""

from __future__ import annotations

import math
from typing import Any

import networkx as nx

from customer_understanding.committee import Committee

__all__ = ["plot_committee"]


def _size(influence: Any) -> float:
    """An influence as a node size share (0 when unknown)."""
    return 0.0 if influence is None or math.isnan(influence) else float(influence)


def plot_committee(committee: Committee, *, ax: Any = None) -> Any:
    """Draw members sized by influence and labelled with their role; returns the axes."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        msg = "plot_committee needs matplotlib: pip install 'customer-understanding[plot]'"
        raise ImportError(msg) from error
    graph = committee.graph
    axes = ax if ax is not None else plt.figure(figsize=(7, 5)).add_subplot()
    layout = nx.spring_layout(graph, seed=0, weight="weight")
    sizes = [300 + 3000 * _size(graph.nodes[n].get("influence")) for n in graph.nodes]
    labels = {n: f"{graph.nodes[n].get('name') or n}\n{graph.nodes[n].get('role') or ''}"
              for n in graph.nodes}  # fmt: skip
    nx.draw_networkx(graph, pos=layout, ax=axes, node_size=sizes, labels=labels, font_size=7,
                     width=[1 + 2 * graph[a][b]["weight"] for a, b in graph.edges])  # fmt: skip
    axes.set_title(
        f"Buying committee of {committee.account_id} — coverage {committee.coverage:.0%}"
    )
    axes.set_axis_off()
    return axes
