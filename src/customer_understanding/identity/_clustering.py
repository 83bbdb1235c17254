"""Clustering linked pairs into entities, with guards against over-merging.

Links are merged strongest first (Kruskal's order on a union-find), and a merge is refused
when it would break a guard: two records holding the same *conflict token* (two records of
one system that declares its records distinct, or the two ends of a cannot-link), or a
cluster larger than the size cap. Must-links are merged first and always. Afterwards, a
weak bridge — the only link between two groups of two or more records, below a strength —
is cut.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np
import numpy.typing as npt

__all__ = ["cluster_links"]


class _Forest:
    """Union-find over the records, its memory following the links, not the records.

    Only records ever merged take an entry: one absent from ``parent`` is its own root,
    of size 1.
    """

    def __init__(self, tokens: Sequence[frozenset[object]]) -> None:
        self.parent: dict[int, int] = {}
        self.size: dict[int, int] = {}
        # only records holding tokens get a set: a million empty sets would cost ~200 MB
        self.tokens: dict[int, set[object]] = {
            row: set(token) for row, token in enumerate(tokens) if token
        }

    def find(self, node: int) -> int:
        parent = self.parent
        root = node
        while (up := parent.get(root, root)) != root:
            root = up
        while (up := parent.get(node, node)) != root:
            parent[node], node = root, up
        return root

    def merge(self, a: int, b: int, *, cap: int | None) -> bool:
        a, b = self.find(a), self.find(b)
        if a == b:
            return True
        size_a, size_b = self.size.get(a, 1), self.size.get(b, 1)
        if cap is not None and size_a + size_b > cap:
            return False
        held_a, held_b = self.tokens.get(a), self.tokens.get(b)
        if held_a and held_b and not held_a.isdisjoint(held_b):
            return False
        if size_a < size_b:
            a, b = b, a
        self.parent[b] = a
        self.size[a] = size_a + size_b
        self.size.pop(b, None)
        moved = self.tokens.pop(b, None)
        if moved:
            self.tokens.setdefault(a, set()).update(moved)
        return True


def _cut_weak_bridges(
    labels: npt.NDArray[np.int64],
    edges: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]],
    bridge_below: float,
    rank: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    left, right, strength = edges
    sizes = np.bincount(labels, minlength=len(labels))
    inside = (labels[left] == labels[right]) & (sizes[labels[left]] >= 4)
    # Only clusters holding a weak link are looked at. A cut needs a bridge below
    # ``bridge_below``; a cluster is connected by its own links (records merge only along
    # them), so one without a weak link loses none and its one component keeps its label;
    # and whether a cut stays reads only the component of its ends, inside its cluster.
    weak = np.zeros(len(sizes), dtype=bool)
    weak[labels[left[inside & (strength < bridge_below)]]] = True
    inside &= weak[labels[left]]
    graph = nx.Graph()
    graph.add_weighted_edges_from(zip(left[inside].tolist(), right[inside].tolist(),
                                      strength[inside].tolist(), strict=False))  # fmt: skip
    cut = [(a, b) for a, b in nx.bridges(graph) if graph.edges[a, b]["weight"] < bridge_below]
    # Whether a cut stays depends on the cuts before it: take them in the records' order.
    cut.sort(key=lambda edge: sorted((int(rank[edge[0]]), int(rank[edge[1]]))))
    for a, b in cut:
        graph.remove_edge(a, b)
        if min(len(nx.node_connected_component(graph, a)),
               len(nx.node_connected_component(graph, b))) < 2:  # fmt: skip
            graph.add_edge(a, b, weight=0.0)
    relabelled = labels.copy()
    next_label = int(labels.max()) + 1 if len(labels) else 0
    for component in nx.connected_components(graph):
        members = np.fromiter(component, dtype=np.int64)
        if len(np.unique(labels[members])) == 1 and len(members) < sizes[labels[members[0]]]:
            relabelled[members] = next_label
            next_label += 1
    return relabelled


def _by_rank(
    left: npt.NDArray[np.int64], right: npt.NDArray[np.int64], rank: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The lower and the higher rank of each pair's two records."""
    return np.minimum(rank[left], rank[right]), np.maximum(rank[left], rank[right])


def cluster_links(
    n_records: int,
    edges: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]],
    *,
    tokens: Sequence[frozenset[object]] | None = None,
    must_link: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None,
    max_cluster_size: int | None = None,
    bridge_below: float | None = None,
    rank: npt.NDArray[np.int64] | None = None,
) -> npt.NDArray[np.int64]:
    """Assign each record a cluster label (0 … k-1, in order of first record).

    ``edges`` are the links ``(left, right, strength)``; ``tokens`` give each record the
    conflict tokens it holds (two records sharing a token never end up together).
    ``rank`` orders the records for tie-breaks (links of equal strength are merged in the
    order of their records' ranks): give a rank that does not depend on the row order, and
    the clusters do not either. By default it is the position.

    Examples
    --------
    >>> import numpy as np
    >>> edges = (np.array([0, 1, 2]), np.array([1, 2, 3]), np.array([0.99, 0.6, 0.99]))
    >>> cluster_links(5, edges).tolist()
    [0, 0, 0, 0, 1]
    >>> tokens = [frozenset(), frozenset({"crm"}), frozenset({"crm"}), frozenset(), frozenset()]
    >>> cluster_links(5, edges, tokens=tokens).tolist()
    [0, 0, 1, 1, 2]
    """
    rank = np.arange(n_records, dtype=np.int64) if rank is None else rank
    forest = _Forest(tokens if tokens is not None else [frozenset()] * n_records)
    if must_link is not None:
        low, high = _by_rank(must_link[0], must_link[1], rank)
        order = np.lexsort((high, low))
        for a, b in zip(must_link[0][order].tolist(), must_link[1][order].tolist(), strict=False):
            forest.merge(a, b, cap=None)
    left, right, strength = edges
    low, high = _by_rank(left, right, rank)
    order = np.lexsort((high, low, -strength))  # strongest first, ties in the records' order
    for a, b in zip(left[order].tolist(), right[order].tolist(), strict=False):
        forest.merge(a, b, cap=max_cluster_size)
    roots = np.arange(n_records, dtype=np.int64)  # a record never merged is its own root
    merged = np.fromiter(forest.parent.keys(), np.int64, len(forest.parent))
    roots[merged] = [forest.find(i) for i in merged.tolist()]
    labels = np.unique(roots, return_inverse=True)[1].ravel().astype(np.int64)
    if bridge_below is not None and len(left):
        if must_link is not None:  # must-links are never weak
            left = np.concatenate([left, must_link[0]])
            right = np.concatenate([right, must_link[1]])
            strength = np.concatenate([strength, np.ones(len(must_link[0]))])
        labels = _cut_weak_bridges(labels, (left, right, strength), bridge_below, rank)
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    return rank[inverse.ravel()]
