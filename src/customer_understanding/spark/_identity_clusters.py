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
from customer_understanding.spark._identity_records import Records
from customer_understanding.spark._session import require_pyspark

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = [
    "cannot_numbers",
    "cluster_components",
    "clustered",
    "connected_components",
    "demoted",
]

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


def clustered(
    records: Records,
    scored: DataFrame,
    steps: LinkerSteps,
    *,
    overrides: tuple[list[tuple[int, int]], list[tuple[int, int]]],
) -> DataFrame:
    """Every record's cluster: the links, must-links and exclusive values, with the guards."""
    functions = require_pyspark().functions
    must, cannot = overrides
    spark = records.frame.sparkSession
    edges = scored.where(functions.col("band") == "link").select(
        "_a", "_b", functions.col("match_probability").alias("_p"),
        functions.lit(False).alias("_must"),
    )  # fmt: skip
    if must:
        extra = spark.createDataFrame(pd.DataFrame({"_a": [a for a, _ in must],
                                                    "_b": [b for _, b in must]}))  # fmt: skip
        edges = edges.unionByName(extra.select("_a", "_b", functions.lit(1.0).alias("_p"),
                                               functions.lit(True).alias("_must")))  # fmt: skip
    n_exclusive = 0 if records.linking else len(steps.linker.exclusive)
    firsts, together = _exclusive(records.frame, n_exclusive)
    if together is not None:
        edges = edges.unionByName(together)
    clusters: DataFrame = cluster_components(
        records.frame, edges, steps, cannot=cannot_numbers(cannot), exclusive=firsts
    )
    return clusters.localCheckpoint()


def _exclusive(frame: DataFrame, n_columns: int) -> tuple[Any, Any]:
    """Per exclusive column: its values' first records (tokens) and must-links to the rest.

    As the local engine: the first record holding a value (the smallest row key) carries
    the column's conflict token, and every other record with that value is must-linked
    to it, so one cluster holds at most one value of the column.
    """
    if not n_columns:
        return None, None
    functions = require_pyspark().functions
    col = functions.col
    tokens, links = [], []
    for i in range(n_columns):
        held = frame.where(col(f"x{i}").isNotNull()).select("_r", col(f"x{i}").alias("_x"))
        first = held.groupBy("_x").agg(functions.min("_r").alias("_first"))
        tokens.append(first.select(col("_first").alias("_r"), functions.lit(i).alias("_xt")))
        joined = held.join(first, on="_x").where(col("_r") != col("_first"))
        links.append(joined.select(col("_first").alias("_a"), col("_r").alias("_b"),
                                   functions.lit(1.0).alias("_p"),
                                   functions.lit(True).alias("_must")))  # fmt: skip
    token_frame, link_frame = tokens[0], links[0]
    for more_tokens, more_links in zip(tokens[1:], links[1:], strict=True):
        token_frame = token_frame.unionByName(more_tokens)
        link_frame = link_frame.unionByName(more_links)
    grouped = token_frame.groupBy("_r").agg(functions.collect_list("_xt").alias("_xt"))
    return grouped, link_frame


def demoted(scored: DataFrame, clusters: DataFrame) -> DataFrame:
    """A link the clustering did not keep goes to review (as the local engine shows it)."""
    functions = require_pyspark().functions
    col = functions.col
    joined = scored.join(clusters.select(col("_r").alias("_a"), col("_cluster").alias("_ka")),
                         on="_a").join(
        clusters.select(col("_r").alias("_b"), col("_cluster").alias("_kb")), on="_b")  # fmt: skip
    split = (col("band") == "link") & (col("_ka") != col("_kb"))
    result: DataFrame = joined.withColumn(
        "band", functions.when(split, "review").otherwise(col("band"))
    ).drop("_ka", "_kb")
    return result
