"""Comparing and weighing candidate pairs inside Spark's partitions, and the model's inputs.

Pairs carry both records' normalised texts into ``mapInPandas``, where the identity
engine's own comparison code grades them; only the comparison-pattern counts, the value
counts' sums of squares and the u sample reach the driver, where the identity engine's
own EM fits the model.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from customer_understanding.identity import FellegiSunter, LinkerSteps
from customer_understanding.spark._identity_records import Records
from customer_understanding.spark._session import require_pyspark

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = [
    "compared",
    "exact_u",
    "fit_model",
    "sample_u",
    "weighed",
]


def _fields(steps: LinkerSteps) -> list[str]:
    return [f"c{k}" for k in range(len(steps.fields))]


def _squares(frame: DataFrame, keys: list[str]) -> dict[int, tuple[float, int]]:
    """Per field ``_f``: the sum of squared counts over distinct ``keys``, and the records."""
    functions = require_pyspark().functions
    counts = frame.groupBy("_f", *keys).count() if keys else frame
    sums = counts.groupBy("_f").agg(functions.sum(functions.col("count") ** 2).alias("sq"),
                                    functions.sum("count").alias("n")).collect()  # fmt: skip
    return {int(row["_f"]): (float(row["sq"] or 0.0), int(row["n"] or 0)) for row in sums}


def exact_u(records: Records, steps: LinkerSteps) -> tuple[list[float], list[int]]:
    """Per field, the exact-agreement u and the number of present values."""
    by_value = _squares(records.counts, [])
    by_source, per_source = {}, {}
    if records.linking:
        functions = require_pyspark().functions
        entries = [functions.struct(functions.lit(k).alias("_f"),
                                    functions.col(f"c{k}").alias("_v"))
                   for k in range(len(steps.fields))]  # fmt: skip
        values = (
            records.frame.select("_ps", functions.explode(functions.array(*entries)).alias("_e"))
            .select("_ps", "_e._f", "_e._v")
            .where(functions.col("_v").isNotNull())
        )
        by_source = _squares(values, ["_v", "_ps"])
        per_source = _squares(values, ["_ps"])
    exact, present = [], []
    for k in range(len(steps.fields)):
        squared, n = by_value.get(k, (0.0, 0))
        same = by_source.get(k, (float(n), n))[0]
        sources = per_source.get(k, (float(n), n))[0]
        exact.append(steps.exact_u({"values_squared": squared, "same_source_squared": same,
                                    "present": n, "sources_squared": sources}))  # fmt: skip
        present.append(n)
    return exact, present


def sample_u(records: Records, steps: LinkerSteps, exact: list[float]) -> list[Any]:
    """U from the local engine's random sample: places drawn on the driver, records fetched."""
    spark = records.frame.sparkSession
    left, right = steps.sample_places(records.n_records)
    wanted = np.unique(np.concatenate([left, right]))
    places = spark.createDataFrame(pd.DataFrame({"_rank": wanted.astype(np.int64)}))
    columns = ["_rank", "_ps", *_fields(steps)]
    found = records.frame.join(places, on="_rank").select(*columns).toPandas()
    found = found.set_index("_rank").loc[wanted]
    at = pd.Series(np.arange(len(wanted)), index=wanted)
    a, b = found.iloc[at[left].to_numpy()], found.iloc[at[right].to_numpy()]
    keep = a["_ps"].to_numpy() != b["_ps"].to_numpy()
    names = {f"c{k}": field.column for k, field in enumerate(steps.fields)}
    levels = steps.compare(a[keep].rename(columns=names), b[keep].rename(columns=names))
    return steps.u(levels, exact)


def compared(records: Records, steps: LinkerSteps, pairs: DataFrame) -> DataFrame:
    """The pairs with their levels ``l<k>`` and, for exact agreement, the value's count."""
    functions = require_pyspark().functions
    types = require_pyspark().types
    fields = _fields(steps)
    tf = [k for k, field in enumerate(steps.fields) if field.term_frequency]
    frame = records.frame
    left = frame.select(functions.col("_r").alias("_a"),
                        *[functions.col(c).alias(f"a{c}") for c in fields],
                        *[functions.element_at("_n", functions.lit(k)).alias(f"n{k}")
                          for k in tf])  # fmt: skip
    right = frame.select(functions.col("_r").alias("_b"),
                         *[functions.col(c).alias(f"b{c}") for c in fields])  # fmt: skip
    joined = pairs.join(left, on="_a").join(right, on="_b")
    names = {c: field.column for c, field in zip(fields, steps.fields, strict=True)}

    def compare(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            a = batch[[f"a{c}" for c in fields]].rename(columns=lambda c: names[c[1:]])
            b = batch[[f"b{c}" for c in fields]].rename(columns=lambda c: names[c[1:]])
            levels = steps.compare(a, b)
            out = batch[["_a", "_b", "_rules"]].copy()
            for k in range(len(fields)):
                out[f"l{k}"] = levels[:, k]
            for k in tf:
                out[f"n{k}"] = batch[f"n{k}"].to_numpy(dtype=np.float64)
            yield out

    schema = types.StructType(
        [types.StructField(name, types.LongType()) for name in ("_a", "_b", "_rules")]
        + [types.StructField(f"l{k}", types.ByteType()) for k in range(len(fields))]
        + [types.StructField(f"n{k}", types.DoubleType()) for k in tf]
    )
    result: DataFrame = joined.mapInPandas(compare, schema)
    return result


def fit_model(
    levels: DataFrame, steps: LinkerSteps, u: list[Any], *, possible: float
) -> FellegiSunter:
    """EM on the comparison patterns and the rules that found them, counted in Spark."""
    columns = [f"l{k}" for k in range(len(steps.fields))]
    counted = levels.groupBy(*columns, "_rules").count().toPandas()
    patterns = counted[columns].to_numpy(dtype=np.int8)
    bits = counted["_rules"].to_numpy(dtype=np.int64)
    found_by = np.stack([(bits >> r) & 1 == 1 for r in range(len(steps.rules))], axis=1)
    counts = counted["count"].to_numpy(dtype=np.float64)
    return steps.fit(patterns, counts, found_by=found_by.reshape(len(bits), len(steps.rules)),
                     u=u, possible=possible)  # fmt: skip


def weighed(
    levels: DataFrame,
    steps: LinkerSteps,
    model: FellegiSunter,
    *,
    exact: list[float],
    present: list[int],
) -> DataFrame:
    """Per pair: partial weights ``w<k>``, match weight and probability, and band."""
    types = require_pyspark().types
    n_fields = len(steps.fields)
    tf = [k for k, field in enumerate(steps.fields) if field.term_frequency]

    def weigh(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            levels_ = batch[[f"l{k}" for k in range(n_fields)]].to_numpy(dtype=np.int8)
            shares = np.zeros((len(batch), n_fields), dtype=np.float64)
            for k in tf:
                counts = batch[f"n{k}"].to_numpy(dtype=np.float64)
                shares[:, k] = counts / max(present[k], 1)
            partials, probability, bands = steps.weigh(model, levels_, shares=shares,
                                                       exact=exact)  # fmt: skip
            out = batch[["_a", "_b", "_rules", *[f"l{k}" for k in range(n_fields)]]].copy()
            for k in range(n_fields):
                out[f"w{k}"] = partials[:, k]
            out["match_weight"] = model.prior_weight + partials.sum(axis=1, dtype=np.float64)
            out["match_probability"] = probability
            out["band"] = bands
            yield out

    schema = types.StructType(
        [types.StructField(name, types.LongType()) for name in ("_a", "_b", "_rules")]
        + [types.StructField(f"l{k}", types.ByteType()) for k in range(n_fields)]
        + [types.StructField(f"w{k}", types.FloatType()) for k in range(n_fields)]
        + [
            types.StructField("match_weight", types.DoubleType()),
            types.StructField("match_probability", types.DoubleType()),
            types.StructField("band", types.StringType()),
        ]
    )
    result: DataFrame = levels.mapInPandas(weigh, schema)
    return result
