"""The records as the Spark engine sees them: normalised texts, value counts, canonical ranks.

Each record gets a row key ``_r`` increasing in the input's order (the local engine's row
position), its id, its text key ``_key`` (``str(id)``, as the local canonical order reads
it), its source and the source its pairs must differ on (``_ps``: the record itself when
deduplicating, its table when linking), and one column ``c<i>`` of normalised text per
field or derived blocking key, normalised inside the partitions by the identity engine's
own code (:class:`~customer_understanding.identity.LinkerSteps`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from customer_understanding._core import typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.identity import LinkerSteps
from customer_understanding.spark._session import require_pyspark

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

__all__ = ["Records", "prepare_records"]

# A probe for the frequency rule: kinds it never applies to answer False at once.
_PROBE = np.array([10**9, 1, 1], dtype=np.int64)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Records:
    """The prepared records of one run, checkpointed, with what the model needs of them."""

    frame: Any  # a pyspark DataFrame (typed loosely: PySpark is optional)
    columns: Mapping[str, str]  # field or derived key -> its column c<i>
    n_records: int
    sources_squared: float  # for the pairs the records could form
    linking: bool


def _col(name: str) -> Column:
    functions = require_pyspark().functions
    column: Column = functions.col(name)
    return column


def stacked(
    tables: Mapping[str, DataFrame], *, id_column: str, source_column: str | None
) -> DataFrame:
    """One DataFrame of the tables in order, with the row key ``_r`` and sources."""
    functions = require_pyspark().functions
    frames = []
    for number, (name, table) in enumerate(tables.items()):
        if id_column not in table.columns:
            msg = f"id_column={id_column!r} is not in table {name!r}"
            raise InvalidValueError(msg)
        if len(tables) > 1:
            source = functions.lit(name)
        elif source_column is None:
            source = functions.lit("")
        elif source_column not in table.columns:
            msg = f"source_column={source_column!r} is not in the records"
            raise InvalidValueError(msg)
        else:
            source = functions.coalesce(_col(source_column).cast("string"), functions.lit(""))
        frames.append(table.withColumn("_src", source).withColumn("_t", functions.lit(number)))
    union = frames[0]
    for frame in frames[1:]:
        union = union.unionByName(frame, allowMissingColumns=True)
    # Increasing in the tables' order and in each table's row order: the local positions.
    return union.withColumn("_r", functions.monotonically_increasing_id())


def _normaliser(steps: LinkerSteps, names: Mapping[str, str], id_column: str) -> Any:
    fields = [field.column for field in steps.fields]

    def normalise(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            texts = steps.normalise(batch[fields].reset_index(drop=True))
            out = pd.DataFrame({"_r": batch["_r"].to_numpy(), "_id": batch[id_column].to_numpy(),
                                "_key": [str(v) for v in batch[id_column].tolist()],
                                "_src": batch["_src"].to_numpy(), "_t": batch["_t"].to_numpy()})  # fmt: skip
            for column, name in names.items():
                out[name] = texts[column].to_numpy(dtype=object)
            for k, field in enumerate(fields):
                out[f"p{k}"] = batch[field].notna().to_numpy()
            yield out

    return normalise


def _schema(records: DataFrame, names: Mapping[str, str], id_column: str, n_fields: int) -> Any:
    types = require_pyspark().types
    fields = [types.StructField("_r", types.LongType()),
              types.StructField("_id", records.schema[id_column].dataType),
              types.StructField("_key", types.StringType()),
              types.StructField("_src", types.StringType()),
              types.StructField("_t", types.IntegerType())]  # fmt: skip
    fields += [types.StructField(name, types.StringType()) for name in names.values()]
    fields += [types.StructField(f"p{k}", types.BooleanType()) for k in range(n_fields)]
    return types.StructType(fields)


def _without_frequent(frame: DataFrame, steps: LinkerSteps, names: Mapping[str, str]) -> DataFrame:
    """Values too frequent to be one entity's (counted over the whole column) become null."""
    functions = require_pyspark().functions
    for field in steps.fields:
        if not steps.frequent(field.column, _PROBE)[0]:
            continue
        column = names[field.column]
        counts = frame.where(_col(column).isNotNull()).groupBy(column).count()
        histogram = counts.groupBy("count").agg(functions.count("*").alias("values")).collect()
        if not histogram:
            continue
        held = np.array([row["count"] for row in histogram], dtype=np.int64)
        values = np.array([row["values"] for row in histogram], dtype=np.int64)
        junk = steps.frequent(field.column, np.repeat(held, values))
        too_many = sorted({int(c) for c in np.repeat(held, values)[junk].tolist()})
        if not too_many:
            continue
        found = [row[column] for row in counts.where(_col("count").isin(too_many)).collect()]
        frame = frame.withColumn(
            column, functions.when(_col(column).isin(found), None).otherwise(_col(column))
        )
    return frame


def prepare_records(
    tables: Mapping[str, DataFrame],
    steps: LinkerSteps,
    *,
    id_column: str,
    source_column: str | None,
) -> Records:
    """Normalise, null the too-frequent values, rank canonically and checkpoint."""
    functions = require_pyspark().functions
    missing = [(name, field.column) for name, table in tables.items() for field in steps.fields
               if field.column not in table.columns]  # fmt: skip
    if missing:
        msg = f"declared column {missing[0][1]!r} is not in table {missing[0][0]!r}"
        raise InvalidValueError(msg)
    columns = [field.column for field in steps.fields] + list(steps.key_columns())
    names = {column: f"c{i}" for i, column in enumerate(columns)}
    union = stacked(tables, id_column=id_column, source_column=source_column)
    schema = _schema(union, names, id_column, len(steps.fields))
    frame = union.mapInPandas(_normaliser(steps, names, id_column), schema)
    frame = _without_frequent(frame.localCheckpoint(), steps, names)
    linking = len(tables) > 1
    ps = _col("_t").cast("long") if linking else _col("_r")
    frame = _ranked(frame.withColumn("_ps", ps), steps, names)
    sizes = frame.groupBy("_t").count().collect()
    n_records = sum(int(row["count"]) for row in sizes)
    repeated = frame.groupBy("_key").count().where(_col("count") > 1).limit(1).collect()
    if repeated:
        msg = f"record id {repeated[0]['_key']!r} is used by more than one record"
        raise InvalidValueError(msg)
    squared = float(sum(int(row["count"]) ** 2 for row in sizes)) if linking else n_records
    return Records(frame=frame, columns=names, n_records=n_records,
                   sources_squared=float(squared), linking=linking)  # fmt: skip


def _ranked(frame: DataFrame, steps: LinkerSteps, names: Mapping[str, str]) -> DataFrame:
    """Each record's canonical rank ``_rank``, as ``Prepared.canonical_rank`` orders them.

    Fields in order (missing first, then values in code-point order, which is the
    UTF-8 byte order Spark sorts strings in), then the source, then the id's text. A
    sorted DataFrame's ``monotonically_increasing_id`` rises with the order; each
    partition's offset (its predecessors' sizes) turns it into a rank.
    """
    functions = require_pyspark().functions
    keys = [_col(names[field.column]).asc_nulls_first() for field in steps.fields]
    keys += [_col("_src").asc(), _col("_key").asc()]
    ordered = frame.orderBy(*keys).withColumn("_m", functions.monotonically_increasing_id())
    ordered = ordered.localCheckpoint()
    part = functions.shiftright(_col("_m"), 33)
    sizes = ordered.groupBy(part.alias("_part")).count().orderBy("_part").collect()
    offsets, total = [], 0
    for row in sizes:
        offsets.append((int(row["_part"]), total))
        total += int(row["count"])
    spark = frame.sparkSession
    offset_frame = spark.createDataFrame(offsets, "_part long, _offset long")
    low = functions.col("_m").bitwiseAND(functions.lit((1 << 33) - 1))
    ranked = ordered.join(functions.broadcast(offset_frame), part == _col("_part"))
    ranked = ranked.withColumn("_rank", _col("_offset") + low).drop("_m", "_part", "_offset")
    return ranked.localCheckpoint()
