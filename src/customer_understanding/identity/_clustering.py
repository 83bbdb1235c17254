"""Clustering linked pairs into entities, with guards against over-merging.

Links are merged strongest first (Kruskal's order on a union-find), and a merge is refused
when it would break a guard: two records holding the same *conflict token* (two records of
one system that declares its records distinct, or the two ends of a cannot-link), or a
cluster larger than the size cap. Must-links are merged first and always. Only the
components of the links where a guard may refuse a merge are merged in that order: in the
others every merge goes through, so each is one cluster. Afterwards, a weak bridge — the
only link between two groups of two or more records, below a strength — is cut.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np
import numpy.typing as npt

__all__ = ["cluster_links"]

Ints = npt.NDArray[np.int64]


class _Forest:
    """Union-find over the records, its memory following the links, not the records.

    Only records ever merged take an entry: one absent from ``parent`` is its own root,
    of size 1.
    """

    def __init__(self, tokens: dict[int, set[object]]) -> None:
        self.parent: dict[int, int] = {}
        self.size: dict[int, int] = {}
        # only records holding tokens get a set: a million empty sets would cost ~200 MB
        self.tokens = tokens

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
    # Only clusters holding a weak link that may be a bridge are looked at. A cut needs a
    # bridge below ``bridge_below``, and a weak link whose ends strong links join is on a
    # cycle, so no bridge. A cluster is connected by its own links (records merge only
    # along them), so one without such a link loses none and its one component keeps its
    # label; and whether a cut stays reads only the component of its ends, in its cluster.
    strong = inside & (strength >= bridge_below)
    joined = _components(len(labels), np.asarray(left[strong], dtype=np.int64),
                         np.asarray(right[strong], dtype=np.int64))  # fmt: skip
    weak = inside & (strength < bridge_below)
    maybe = np.zeros(len(sizes), dtype=bool)
    maybe[labels[left[weak & (joined[left] != joined[right])]]] = True
    inside &= maybe[labels[left]]
    return _cut_bridges(labels, edges, inside, bridge_below, rank)


def _cut_bridges(
    labels: npt.NDArray[np.int64],
    edges: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]],
    inside: npt.NDArray[np.bool_],
    bridge_below: float,
    rank: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """The labels after cutting the weak bridges among the ``inside`` edges (see above)."""
    left, right, strength = edges
    sizes = np.bincount(labels, minlength=len(labels))
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


def _components(n_records: int, left: Ints, right: Ints) -> Ints:
    """Each record's component over the edges, named by its smallest record."""
    label = np.arange(n_records, dtype=np.int64)
    while len(left):
        # every root takes the smallest label across its edges, then all point at roots
        low = np.minimum(label[left], label[right])
        hooked = label.copy()
        np.minimum.at(hooked, label[left], low)
        np.minimum.at(hooked, label[right], low)
        while not np.array_equal(jumped := hooked[hooked], hooked):
            hooked = jumped
        if np.array_equal(hooked, label):
            break
        label = hooked
    return label


def _guarded(
    label: Ints, tokens: Sequence[frozenset[object]], cap: int | None
) -> tuple[npt.NDArray[np.bool_], dict[int, set[object]]]:
    """Components where a merge may be refused, and their records' tokens.

    A merge is refused only past the size cap or when both sides hold one token. In a
    component within the cap where no token is held twice, every merge along its edges
    goes through, whatever their order: it is one cluster, and Kruskal's order only
    needs running on the others (merges never cross components).
    """
    guarded = np.zeros(len(label), dtype=bool)
    if cap is not None:
        guarded |= np.bincount(label, minlength=len(label)) > cap
    holders = [row for row, token in enumerate(tokens) if token]
    seen: set[tuple[int, object]] = set()
    for row in holders:
        root = int(label[row])
        for one in tokens[row]:
            if (root, one) in seen:
                guarded[root] = True
            seen.add((root, one))
    return guarded, {row: set(tokens[row]) for row in holders if guarded[label[row]]}


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
    left, right, strength = edges
    must = (np.empty(0, dtype=np.int64),) * 2 if must_link is None else must_link
    component = _components(n_records, np.concatenate([must[0], left]).astype(np.int64),
                            np.concatenate([must[1], right]).astype(np.int64))  # fmt: skip
    guarded, held = _guarded(component, tokens or (), max_cluster_size)
    forest = _Forest(held)
    mine = guarded[component[must[0]]]
    low, high = _by_rank(must[0][mine], must[1][mine], rank)
    order = np.lexsort((high, low))
    for a, b in zip(must[0][mine][order].tolist(), must[1][mine][order].tolist(), strict=False):
        forest.merge(a, b, cap=None)
    mine = guarded[component[left]]
    low, high = _by_rank(left[mine], right[mine], rank)
    order = np.lexsort((high, low, -strength[mine]))  # strongest first, ties by rank
    for a, b in zip(left[mine][order].tolist(), right[mine][order].tolist(), strict=False):
        forest.merge(a, b, cap=max_cluster_size)
    # a guarded record never merged is its own root (records name components and roots
    # alike, and no record is in two components)
    roots = np.where(guarded[component], np.arange(n_records, dtype=np.int64), component)
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
