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

from customer_understanding._core import object_values, typed_fields
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
    counts: Any  # (_f, _v, count): the records holding each value of each field
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
    exclusive = list(steps.linker.exclusive)

    def normalise(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            texts = steps.normalise(batch[fields].reset_index(drop=True))
            out = pd.DataFrame({
                "_r": batch["_r"].to_numpy(), "_id": batch[id_column].to_numpy(),
                "_key": [str(v) for v in batch[id_column].tolist()],
                "_src": batch["_src"].to_numpy(), "_t": batch["_t"].to_numpy(),
            })  # fmt: skip
            for column, name in names.items():
                out[name] = texts[column].to_numpy(dtype=object)
            for k, field in enumerate(fields):
                out[f"p{k}"] = batch[field].notna().to_numpy()
            for i, column in enumerate(exclusive):  # as the local engine reads them
                text = pd.Series(batch[column].to_numpy(), dtype="string").str.strip().str.lower()
                out[f"x{i}"] = object_values(text)
            yield out

    return normalise


def _schema(
    records: DataFrame, names: Mapping[str, str], id_column: str, sizes: tuple[int, int]
) -> Any:
    n_fields, n_exclusive = sizes
    types = require_pyspark().types
    fields = [types.StructField("_r", types.LongType()),
              types.StructField("_id", records.schema[id_column].dataType),
              types.StructField("_key", types.StringType()),
              types.StructField("_src", types.StringType()),
              types.StructField("_t", types.IntegerType())]  # fmt: skip
    fields += [types.StructField(name, types.StringType()) for name in names.values()]
    fields += [types.StructField(f"p{k}", types.BooleanType()) for k in range(n_fields)]
    fields += [types.StructField(f"x{i}", types.StringType()) for i in range(n_exclusive)]
    return types.StructType(fields)


def _without_frequent(
    frame: DataFrame, steps: LinkerSteps, names: Mapping[str, str]
) -> tuple[DataFrame, DataFrame]:
    """Values too frequent to be one entity's (counted over the whole column) become null.

    Returns the records and ``(_f, _v, count)``: the records holding each value left.
    """
    functions = require_pyspark().functions
    counts = _values(frame, range(len(steps.fields))).groupBy("_f", "_v").count()
    counts = counts.localCheckpoint()
    subject = [k for k, field in enumerate(steps.fields) if steps.frequent(field.column, _PROBE)[0]]
    if not subject:
        return frame, counts
    histogram = counts.where(_col("_f").isin(subject)).groupBy("_f", "count")
    table = histogram.agg(functions.count("*").alias("values")).toPandas()
    dropped = []
    for k in subject:
        rows = table[table["_f"] == k]
        held = np.repeat(rows["count"].to_numpy(dtype=np.int64), rows["values"].to_numpy())
        junk = steps.frequent(steps.fields[k].column, held)
        too_many = sorted({int(c) for c in held[junk].tolist()})
        if not too_many:
            continue
        found = counts.where((_col("_f") == k) & _col("count").isin(too_many))
        values_ = [row["_v"] for row in found.select("_v").collect()]
        column = names[steps.fields[k].column]
        frame = frame.withColumn(
            column, functions.when(_col(column).isin(values_), None).otherwise(_col(column))
        )
        dropped.append((_col("_f") == k) & _col("_v").isin(values_))
    for condition in dropped:
        counts = counts.where(~condition)
    return frame, counts


def prepare_records(
    tables: Mapping[str, DataFrame],
    steps: LinkerSteps,
    *,
    id_column: str,
    source_column: str | None,
) -> Records:
    """Normalise, null the too-frequent values, rank canonically and checkpoint."""
    missing = [(name, field.column) for name, table in tables.items() for field in steps.fields
               if field.column not in table.columns]  # fmt: skip
    if missing:
        msg = f"declared column {missing[0][1]!r} is not in table {missing[0][0]!r}"
        raise InvalidValueError(msg)
    columns = [field.column for field in steps.fields] + list(steps.key_columns())
    names = {column: f"c{i}" for i, column in enumerate(columns)}
    union = stacked(tables, id_column=id_column, source_column=source_column)
    absent = [c for c in steps.linker.exclusive for t in tables.values() if c not in t.columns]
    if absent:
        msg = f"exclusive column {absent[0]!r} is not in the records"
        raise InvalidValueError(msg)
    sizes = (len(steps.fields), len(steps.linker.exclusive))
    schema = _schema(union, names, id_column, sizes)
    frame = union.mapInPandas(_normaliser(steps, names, id_column), schema)
    frame, counts = _without_frequent(frame.localCheckpoint(), steps, names)
    linking = len(tables) > 1
    ps = _col("_t").cast("long") if linking else _col("_r")
    # _pos: the record's row position in the local engine (the budget's block marks)
    frame = _counted(_dense(frame.withColumn("_ps", ps), "_r", "_pos"), counts)
    frame = _ranked(frame, steps, names)
    tables_ = frame.groupBy("_t").count().collect()
    n_records = sum(int(row["count"]) for row in tables_)
    repeated = frame.groupBy("_key").count().where(_col("count") > 1).limit(1).collect()
    if repeated:
        msg = f"record id {repeated[0]['_key']!r} is used by more than one record"
        raise InvalidValueError(msg)
    squared = float(sum(int(row["count"]) ** 2 for row in tables_)) if linking else n_records
    return Records(frame=frame, columns=names, n_records=n_records, counts=counts,
                   sources_squared=float(squared), linking=linking)  # fmt: skip


def _values(frame: DataFrame, fields: range) -> DataFrame:
    """``(_r, _f, _v)``: one row per record and field it holds a value of."""
    functions = require_pyspark().functions
    entries = [functions.struct(functions.lit(k).alias("_f"), _col(f"c{k}").alias("_v"))
               for k in fields]  # fmt: skip
    exploded = frame.select("_r", functions.explode(functions.array(*entries)).alias("_e"))
    values: DataFrame = exploded.select("_r", "_e._f", "_e._v").where(_col("_v").isNotNull())
    return values


def _counted(frame: DataFrame, counts: DataFrame) -> DataFrame:
    """The records with their values' counts as a map ``_n`` (field -> records holding it)."""
    functions = require_pyspark().functions
    values = frame.select("_r", functions.explode(functions.array(*[
        functions.struct(functions.lit(k).alias("_f"), _col(f"c{k}").alias("_v"))
        for k in range(_n_fields(frame))])).alias("_e")).select("_r", "_e._f", "_e._v")  # fmt: skip
    held = values.join(counts, on=["_f", "_v"]).groupBy("_r").agg(
        functions.map_from_entries(functions.collect_list(functions.struct("_f", "count")))
        .alias("_n")
    )  # fmt: skip
    counted: DataFrame = frame.join(held, on="_r", how="left")
    return counted


def _n_fields(frame: DataFrame) -> int:
    return sum(1 for name in frame.columns if name.startswith("p") and name[1:].isdigit())


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
    narrow = frame.select("_r", *[names[field.column] for field in steps.fields], "_src", "_key")
    ordered = narrow.orderBy(*keys).select("_r", functions.monotonically_increasing_id()
                                           .alias("_m"))  # fmt: skip
    ranks = _dense(ordered.localCheckpoint(), "_m", "_rank")
    ranked = frame.join(ranks.select("_r", "_rank"), on="_r")
    return ranked.localCheckpoint()


def _dense(frame: DataFrame, increasing: str, name: str) -> DataFrame:
    """``frame`` with ``name``: 0, 1, 2, ... in the order of a ``monotonically_increasing_id``.

    Such an id is the partition's number (above bit 33) and the row's place in it; each
    partition's offset (its predecessors' sizes) turns it into a dense position.
    """
    functions = require_pyspark().functions
    part = functions.shiftright(_col(increasing), 33)
    sizes = frame.groupBy(part.alias("_part")).count().orderBy("_part").collect()
    entries, total = [], 0
    for row in sizes:
        entries += [functions.lit(int(row["_part"])), functions.lit(total)]
        total += int(row["count"])
    if not entries:
        return frame.withColumn(name, functions.lit(0).cast("long"))
    offset = functions.element_at(functions.create_map(*entries), part)
    low = _col(increasing).bitwiseAND(functions.lit((1 << 33) - 1))
    dense: DataFrame = frame.withColumn(name, (offset + low).cast("long"))
    return dense
