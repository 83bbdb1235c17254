import numpy as np

from customer_understanding.identity._clustering import cluster_links


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
