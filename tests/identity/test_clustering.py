from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding.identity._clustering import (
    _cut_bridges,
    _cut_weak_bridges,
    _Forest,
    cluster_links,
)


def _edges(pairs: list[tuple[int, int, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    left, right, strength = zip(*pairs, strict=True)
    return np.array(left), np.array(right), np.array(strength)


def test_connected_links_form_one_cluster() -> None:
    labels = cluster_links(4, _edges([(0, 1, 0.99), (1, 2, 0.95)]))
    assert labels.tolist() == [0, 0, 0, 1]


def test_records_of_a_distinct_source_never_share_a_cluster() -> None:
    tokens = [frozenset({"crm"}), frozenset(), frozenset({"crm"})]
    labels = cluster_links(3, _edges([(0, 1, 0.999), (1, 2, 0.95)]), tokens=tokens)
    assert labels.tolist() == [0, 0, 1]  # the weaker link gives way


def test_size_cap_refuses_the_merge() -> None:
    labels = cluster_links(3, _edges([(0, 1, 0.99), (1, 2, 0.95)]), max_cluster_size=2)
    assert labels.tolist() == [0, 0, 1]


def test_must_link_joins_records_without_a_link() -> None:
    labels = cluster_links(3, _edges([(0, 1, 0.99)]), must_link=(np.array([1]), np.array([2])))
    assert labels.tolist() == [0, 0, 0]


def test_weak_bridge_between_two_groups_is_cut() -> None:
    pairs = [(0, 1, 1.0), (1, 2, 1.0), (0, 2, 1.0), (2, 3, 0.95), (3, 4, 1.0), (4, 5, 1.0),
             (3, 5, 1.0)]  # fmt: skip
    assert cluster_links(6, _edges(pairs), bridge_below=0.99).tolist() == [0, 0, 0, 1, 1, 1]
    assert cluster_links(6, _edges(pairs)).tolist() == [0] * 6


def test_weak_bridge_to_a_single_record_is_kept() -> None:
    pairs = [(0, 1, 1.0), (1, 2, 1.0), (0, 2, 1.0), (2, 3, 0.95)]
    assert cluster_links(4, _edges(pairs), bridge_below=0.99).tolist() == [0, 0, 0, 0]


def test_tokens_follow_a_record_into_the_larger_group() -> None:
    # 1-2 join first; the lone 0 (holding "crm") then joins that larger group, and its
    # token must travel with it so that 3 (also "crm") is refused afterwards
    tokens = [frozenset({"crm"}), frozenset(), frozenset(), frozenset({"crm"})]
    edges = _edges([(1, 2, 0.999), (0, 1, 0.998), (2, 3, 0.997)])
    assert cluster_links(4, edges, tokens=tokens).tolist() == [0, 0, 0, 1]


def _plain_cut(labels: np.ndarray, edges: tuple[np.ndarray, np.ndarray, np.ndarray],
               bridge_below: float, rank: np.ndarray) -> np.ndarray:  # fmt: skip
    """Weak bridges cut looking at every cluster of four or more (the general path)."""
    left, right, _ = edges
    sizes = np.bincount(labels, minlength=len(labels))
    inside = (labels[left] == labels[right]) & (sizes[labels[left]] >= 4)
    return _cut_bridges(labels, edges, inside, bridge_below, rank)


def _partition(labels: np.ndarray) -> list[int]:
    """Labels numbered by first record, so two labellings of one partition compare equal."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    order = np.empty(len(first), dtype=np.int64)
    order[np.argsort(first)] = np.arange(len(first))
    return order[inverse.ravel()].tolist()


_LINKS = st.lists(
    st.tuples(
        st.integers(0, 13), st.integers(0, 13), st.sampled_from([0.5, 0.9, 0.998, 0.999, 1.0])
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(_LINKS, st.randoms(use_true_random=False))
def test_bridges_cut_only_in_clusters_with_a_weak_link_are_the_plain_cut(
    pairs: list[tuple[int, int, float]], rng: Any
) -> None:
    pairs = [(a, b, s) for a, b, s in pairs if a != b]
    if not pairs:
        return
    edges = _edges(pairs)
    labels = cluster_links(14, edges)  # every link merged, nothing cut yet
    rank = np.asarray(rng.sample(range(14), 14), dtype=np.int64)
    fast = _cut_weak_bridges(labels, edges, 0.999, rank)
    assert _partition(fast) == _partition(_plain_cut(labels, edges, 0.999, rank))


def _plain_clusters(
    n: int,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    tokens: list[frozenset[object]],
    must: tuple[np.ndarray, np.ndarray],
    cap: int | None,
) -> list[int]:
    """Kruskal's order run over every link (the general path), nothing cut."""
    forest = _Forest({row: set(token) for row, token in enumerate(tokens) if token})
    low, high = np.minimum(must[0], must[1]), np.maximum(must[0], must[1])
    for i in np.lexsort((high, low)).tolist():
        forest.merge(int(must[0][i]), int(must[1][i]), cap=None)
    left, right, strength = edges
    low, high = np.minimum(left, right), np.maximum(left, right)
    for i in np.lexsort((high, low, -strength)).tolist():
        forest.merge(int(left[i]), int(right[i]), cap=cap)
    return _partition(np.array([forest.find(i) for i in range(n)]))


@settings(max_examples=400, deadline=None)
@given(
    _LINKS,
    st.lists(st.tuples(st.integers(0, 13), st.integers(0, 13)), max_size=6),
    st.lists(st.sampled_from(["a", "b", "c"]), min_size=14, max_size=14),
    st.floats(0, 1),
    st.one_of(st.none(), st.integers(2, 6)),
)
def test_clusters_merged_only_where_a_guard_may_refuse_are_kruskals(
    pairs: list[tuple[int, int, float]],
    musts: list[tuple[int, int]],
    held: list[str],
    share: float,
    cap: int | None,
) -> None:
    edges = _edges(pairs)
    tokens = [frozenset({token}) if i < share * 14 else frozenset() for i, token in enumerate(held)]
    must = (np.array([a for a, _ in musts], dtype=np.int64),
            np.array([b for _, b in musts], dtype=np.int64))  # fmt: skip
    fast = cluster_links(14, edges, tokens=tokens, must_link=must, max_cluster_size=cap)
    assert fast.tolist() == _plain_clusters(14, edges, tokens, must, cap)
