"""Each record's budget of candidates on Spark, with the local engine's arithmetic.

For every record and rule whose open block it is in: the block's size as the record sees
it (one more than its candidates there, at most 255) and the sums of the members' row
positions and of their squares. A record's rows are gathered into arrays, and
:meth:`LinkerSteps.budget_limits` (the local engine's own code) gives the largest block
it may join; a record leaves every rule whose block is larger. Records whose blocks fit
even when no block is counted once never reach Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from customer_understanding.identity import LinkerSteps
from customer_understanding.spark._session import require_pyspark

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["within_budget"]

_NO_BLOCK = 1  # the size of "no block": no candidates


def _limiter(steps: LinkerSteps) -> Any:
    def limits(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            lengths = np.fromiter((len(v) for v in batch["_s"]), np.int64, len(batch))
            width = int(lengths.max(initial=1))
            sizes = np.full((len(batch), width), _NO_BLOCK, dtype=np.int64)
            totals = np.zeros((len(batch), width), dtype=np.uint64)
            squares = np.zeros((len(batch), width), dtype=np.uint64)
            rows = np.repeat(np.arange(len(batch)), lengths)
            starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
            places = np.arange(int(lengths.sum())) - starts
            for target, column in ((sizes, "_s"), (totals, "_t"), (squares, "_q")):
                values = np.concatenate([np.asarray(v, dtype=np.int64) for v in batch[column]])
                target[rows, places] = values.astype(target.dtype)
            limit = steps.budget_limits(sizes, totals, squares)
            yield pd.DataFrame({"_r": batch["_r"].to_numpy(), "_limit": limit.astype(np.int32)})

    return limits


def within_budget(
    sized: DataFrame, steps: LinkerSteps, *, linking: bool
) -> tuple[DataFrame, dict[int, int]]:
    """The rows in open blocks the records' budgets keep, and who left each rule.

    ``sized`` holds ``(_r, _ps, _pos, _rule, _key)`` with the row's block: its records
    ``n``, ``capped``, the records of the row's own source ``_own`` and the sums ``_tot``
    and ``_sq`` of the members' positions and squared positions. Returns the kept rows
    ``(_r, _ps, _pos, _rule, _key)`` and, per rule number, the records that left it
    for their budget.
    """
    functions = require_pyspark().functions
    types = require_pyspark().types
    col = functions.col
    rows = sized.where(~col("capped"))
    # candidates: the block's records of other sources (all others when deduplicating)
    seen = col("n") - col("_own") + 1 if linking else col("n")
    rows = rows.withColumn("_size", functions.least(seen, functions.lit(255)))
    gathered = (
        rows.where(col("_size") > _NO_BLOCK)
        .groupBy("_r")
        .agg(functions.collect_list(functions.struct("_size", "_tot", "_sq")).alias("_m"),
             functions.sum(col("_size") - 1).alias("_most"))
        # a record whose blocks fit even counted twice when two rules make one block
        .where(col("_most") > functions.lit(steps.budget))
        .select("_r", col("_m._size").alias("_s"), col("_m._tot").alias("_t"),
                col("_m._sq").alias("_q"))
    )  # fmt: skip
    schema = types.StructType([types.StructField("_r", types.LongType()),
                               types.StructField("_limit", types.IntegerType())])  # fmt: skip
    limits = gathered.mapInPandas(_limiter(steps), schema).where(col("_limit") < 255)
    judged = rows.join(limits, on="_r", how="left").withColumn(
        "_over", functions.coalesce(col("_size") > col("_limit"), functions.lit(False))
    )
    judged = judged.localCheckpoint()
    left_ = judged.groupBy("_rule").agg(
        functions.sum(functions.when(col("_over"), 1).otherwise(0)).alias("left")
    )
    counts = {int(row["_rule"]): int(row["left"]) for row in left_.collect()}
    kept: DataFrame = judged.where(~col("_over")).select("_r", "_ps", "_pos", "_rule", "_key")
    return kept, counts
