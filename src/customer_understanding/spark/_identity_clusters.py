"""Clusters on a distributed graph: connected components in Spark, guards per component.

The links (and must-links) form a graph whose connected components are found with
DataFrame joins: every record starts labelled by itself, takes the smallest label among
its neighbours', then the label of its label (pointer jumping), until no label changes;
each round is checkpointed, so the plan stays short. Whole components are then
hashed into groups of ``applyInPandas``, where the identity engine's own clustering
(conflict tokens, cannot-links, must-links, size cap, bridge cut) runs on the group's
links in one call: the guards never look beyond a component, so the clusters are the
local engine's, and one call per group (not per component) keeps Python's per-call cost
out of the way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.identity import LinkerSteps
from customer_understanding.spark._session import require_pyspark

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["cannot_numbers", "cluster_components", "connected_components"]

#: Rounds of label propagation before giving up (pointer jumping needs about log2 of the
#: longest path; a million-record chain takes about 20).
MAX_ROUNDS = 64
#: Links clustered by one Python call, at most (a larger component is one call).
EDGES_PER_GROUP = 200_000


def connected_components(edges: DataFrame) -> DataFrame:
    """``(_r, _c)``: each record on an edge and its component (the smallest ``_r`` in it)."""
    functions = require_pyspark().functions
    col = functions.col
    both = edges.select("_a", "_b").unionByName(
        edges.select(col("_b").alias("_a"), col("_a").alias("_b"))
    )
    both = both.localCheckpoint()
    labels = both.groupBy("_a").agg(functions.min(functions.least("_a", "_b")).alias("_c"))
    labels = labels.localCheckpoint()
    for _ in range(MAX_ROUNDS):
        seen = both.join(labels.select(col("_a").alias("_b"), col("_c").alias("_n")), on="_b")
        smallest = seen.groupBy("_a").agg(functions.min("_n").alias("_n"))
        stepped = labels.join(smallest, on="_a").select(
            "_a", col("_c").alias("_old"), functions.least("_c", "_n").alias("_c")
        )
        jumped = stepped.join(
            stepped.select(col("_a").alias("_c"), col("_c").alias("_j")), on="_c"
        ).select("_a", "_old", functions.least("_c", "_j").alias("_c"))
        jumped = jumped.localCheckpoint()
        labels = jumped.select("_a", "_c")
        if not jumped.where(col("_c") != col("_old")).limit(1).count():
            result: DataFrame = labels.select(col("_a").alias("_r"), "_c")
            return result
    msg = f"connected components did not settle in {MAX_ROUNDS} rounds"
    raise InvalidValueError(msg)


def _tokens(
    members: np.ndarray,
    held: tuple[list[str], list[Any]],
    steps: LinkerSteps,
    cannot: Mapping[int, list[int]],
) -> list[frozenset[object]]:
    """Each member's conflict tokens, as ``conflict_tokens`` gives them locally."""
    distinct = steps.linker.distinct_sources
    tokens: list[frozenset[object]] = []
    for row, source, exclusive in zip(members.tolist(), *held, strict=True):
        token: set[object] = {("cannot", number) for number in cannot.get(row, [])}
        if isinstance(exclusive, list | tuple | np.ndarray):  # missing may read as NaN
            token |= {("exclusive", int(number)) for number in exclusive}
        if source in distinct:
            token.add(("source", source))
        tokens.append(frozenset(token))
    return tokens


def cluster_components(
    records: DataFrame,
    edges: DataFrame,
    steps: LinkerSteps,
    *,
    cannot: Mapping[int, list[int]],
    exclusive: DataFrame | None = None,
) -> DataFrame:
    """``(_r, _cluster)`` for every record: the smallest ``_r`` of its cluster.

    ``edges`` holds ``_a``, ``_b``, ``_p`` (strength) and ``_must`` (a must-link);
    ``cannot`` maps a record's ``_r`` to the numbers of the cannot-links it is part of;
    ``exclusive`` holds ``(_r, _xt)``: the exclusive columns whose token a record holds.
    """
    functions = require_pyspark().functions
    types = require_pyspark().types
    col = functions.col
    components = connected_components(edges)
    ends = records.select("_r", "_rank", "_src")
    if exclusive is None:
        ends = ends.withColumn("_xt", functions.lit(None).cast("array<int>"))
    else:
        ends = ends.join(exclusive, on="_r", how="left")
    annotated = (
        edges.join(components.select(col("_r").alias("_a"), "_c"), on="_a")
        .join(ends.select(col("_r").alias("_a"), col("_rank").alias("_ra"),
                          col("_src").alias("_sa"), col("_xt").alias("_xa")), on="_a")
        .join(ends.select(col("_r").alias("_b"), col("_rank").alias("_rb"),
                          col("_src").alias("_sb"), col("_xt").alias("_xb")), on="_b")
    )  # fmt: skip

    def cluster(group: pd.DataFrame) -> pd.DataFrame:
        members, where = np.unique(
            np.concatenate([group["_a"].to_numpy(), group["_b"].to_numpy()]), return_inverse=True
        )
        a, b = where[: len(group)].astype(np.int64), where[len(group) :].astype(np.int64)
        rank = np.empty(len(members), dtype=np.int64)
        rank[a], rank[b] = group["_ra"].to_numpy(), group["_rb"].to_numpy()
        source = np.empty(len(members), dtype=object)
        source[a], source[b] = group["_sa"].to_numpy(), group["_sb"].to_numpy()
        held = np.empty(len(members), dtype=object)
        held[a], held[b] = group["_xa"].to_numpy(), group["_xb"].to_numpy()
        must = group["_must"].to_numpy(dtype=bool)
        strength = group["_p"].to_numpy(dtype=np.float64)
        labels = steps.cluster(
            len(members), (a[~must], b[~must], strength[~must]), rank=rank,
            tokens=_tokens(members, (source.tolist(), held.tolist()), steps, cannot),
            must_link=(a[must], b[must]) if must.any() else None,
        )  # fmt: skip
        smallest = pd.Series(members).groupby(labels).transform("min").to_numpy()
        return pd.DataFrame({"_r": members, "_cluster": smallest})

    schema = types.StructType([types.StructField("_r", types.LongType()),
                               types.StructField("_cluster", types.LongType())])  # fmt: skip
    # Whole components in few groups: one Python call clusters many components at once
    # (the guards never reach across components), not one call per component.
    spark = records.sparkSession
    buckets = max(int(spark.conf.get("spark.sql.shuffle.partitions") or 1),
                  -(-edges.count() // EDGES_PER_GROUP))  # fmt: skip
    grouped = annotated.withColumn("_g", functions.pmod(functions.xxhash64("_c"),
                                                        functions.lit(buckets)))  # fmt: skip
    clustered = grouped.groupBy("_g").applyInPandas(cluster, schema)
    everyone: DataFrame = (
        records.select("_r")
        .join(clustered, on="_r", how="left")
        .select("_r", functions.coalesce(col("_cluster"), col("_r")).alias("_cluster"))
    )
    return everyone


def cannot_numbers(pairs: list[tuple[int, int]]) -> dict[int, list[int]]:
    """Per record key, the numbers of the cannot-link pairs it is in (the local tokens)."""
    held: dict[int, list[int]] = {}
    for number, (a, b) in enumerate(pairs):
        held.setdefault(a, []).append(number)
        held.setdefault(b, []).append(number)
    return held
