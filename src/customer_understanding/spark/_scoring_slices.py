"""Slices of the customer tables inside Spark's partitions, for the local kernels.

The Spark engine computes traits and scores with the local engine's own code: each
task receives the rows of a few entities (packed from several DataFrames into one,
since a grouped pandas UDF reads one input), rebuilds the columnar tables of those
entities, and calls the local scorer or trait on them. Entities go to tasks by a hash
of their id into as many buckets as keep a task under ``rows_per_task`` rows.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import Moment, object_values, parse_moment, resolve_moment
from customer_understanding._errors import InvalidValueError
from customer_understanding.base import CustomerBase, Tables
from customer_understanding.spark._session import require_pyspark
from customer_understanding.tables import times_to_nanos

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

__all__ = [
    "KEY",
    "PART",
    "Slice",
    "TaskSizeWarning",
    "bucket",
    "buckets_for",
    "check_frame",
    "codes",
    "empty_tables",
    "for_arrow",
    "nanos",
    "pack",
    "part",
    "partitions",
    "resolve_on_spark",
    "rows_limit",
    "texts",
    "warn_heaviest",
]

#: The column holding a row's bucket, and the one naming the DataFrame it came from.
KEY = "__bucket"
PART = "__part"

#: What each kind of column accepts, by Spark's type names.
_KINDS: Mapping[str, tuple[str, ...]] = {
    "text": ("string",),
    "time": ("timestamp", "timestamp_ntz", "date"),
    "float": ("double", "float", "int", "bigint", "smallint", "tinyint", "decimal"),
    "bool": ("boolean",),
}


def check_frame(value: object, name: str, columns: Mapping[str, str]) -> DataFrame:
    """``value`` as a Spark DataFrame holding ``columns`` (name: kind), or a named error.

    Kinds are ``"text"``, ``"time"``, ``"float"`` and ``"bool"``; the error names the
    argument and the column, and says what the column must be.
    """
    sql = require_pyspark()
    if not isinstance(value, sql.DataFrame):
        msg = f"{name}={type(value).__name__} must be a Spark DataFrame (pyspark.sql.DataFrame)"
        raise InvalidValueError(msg)
    found = {field.name: field.dataType.typeName() for field in value.schema.fields}
    for column, kind in columns.items():
        if column not in found:
            msg = f"{name} has no column {column!r} (it has: {', '.join(found)})"
            raise InvalidValueError(msg)
        if found[column] not in _KINDS[kind]:
            msg = (
                f"{name}.{column} is of Spark type {found[column]!r}; it must be {kind} "
                f"({', '.join(_KINDS[kind])})"
            )
            raise InvalidValueError(msg)
    return cast("DataFrame", value)


def rows_limit(value: object) -> int:
    """``rows_per_task`` itself when it is an integer >= 1, or a named error."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"rows_per_task={value!r} must be an integer >= 1"
        raise InvalidValueError(msg)
    return value


def resolve_on_spark(frame: DataFrame, column: str, as_of: object) -> tuple[Moment, int, int]:
    """The moment ``as_of`` stands for, the rows of ``frame`` and its first and last time.

    ``None`` is the latest ``column`` time; a moment before the first one is refused, as
    :meth:`Tables.moment <customer_understanding.base.Tables.moment>` refuses it. One
    Spark job computes the three aggregates.
    """
    if as_of is not None:
        parse_moment(as_of, name="as_of")  # a value that is no moment fails before any job
    functions = require_pyspark().functions
    micros = functions.unix_micros(functions.col(column).cast("timestamp"))
    row = frame.agg(
        functions.count(functions.lit(1)).alias("rows"),
        functions.min(micros).alias("first"),
        functions.max(micros).alias("last"),
    ).first()
    if row is None:  # pragma: no cover - an aggregate always has one row
        return resolve_moment(as_of, earliest=None, latest=None), 0, 0
    first = None if row["first"] is None else int(row["first"]) * 1000
    last = None if row["last"] is None else int(row["last"]) * 1000
    moment = resolve_moment(as_of, earliest=first, latest=last, name="as_of")
    return moment, int(row["rows"]), _or_moment(first, moment)


def _or_moment(first: int | None, moment: Moment) -> int:
    return moment if first is None else first


def buckets_for(rows: int, rows_per_task: int, *, at_least: int = 1) -> int:
    """How many buckets keep a task under ``rows_per_task`` rows on average."""
    return max(at_least, math.ceil(rows / rows_per_task))


class TaskSizeWarning(UserWarning):
    """One entity has more interactions than a task should hold (``rows_per_task``).

    Spark's engine never splits one contact's interactions (nor, for account traits, one
    account's): the task holding them reads them all into one Python worker. The
    warning names the entity, before the job runs; give the executors more memory
    (``spark.executor.pyspark.memory``) or raise ``rows_per_task`` to silence it.

    Examples
    --------
    >>> issubclass(TaskSizeWarning, UserWarning)
    True
    """


def warn_heaviest(frame: DataFrame, key: str, *, rows: int, limit: int) -> None:
    """Warn when one ``key`` value has more than ``limit`` of the ``rows`` rows.

    No job runs when all the rows fit one task: then no entity can be over the limit.
    """
    if rows <= limit:
        return
    functions = require_pyspark().functions
    counts = frame.where(functions.col(key).isNotNull()).groupBy(key).count()
    top = counts.orderBy(functions.col("count").desc()).first()
    if top is not None and int(top["count"]) > limit:
        msg = (
            f"{key}={top[key]!r} has {int(top['count'])} interactions, more than "
            f"rows_per_task={limit}: one task reads them all (give executors more memory "
            "or raise rows_per_task)"
        )
        warnings.warn(msg, TaskSizeWarning, stacklevel=3)


def partitions(frame: DataFrame) -> int:
    """Spark's shuffle partitions: the fewest buckets worth making (one for each)."""
    return int(frame.sparkSession.conf.get("spark.sql.shuffle.partitions") or "1")


def bucket(column: str, buckets: int) -> Column:
    """The bucket of an id: a stable hash of it modulo ``buckets`` (rows without id: 0)."""
    functions = require_pyspark().functions
    hashed = functions.pmod(functions.xxhash64(functions.col(column)), functions.lit(buckets))
    return cast("Column", functions.coalesce(hashed, functions.lit(0)).cast("int"))


def pack(parts: Mapping[str, DataFrame], key: Mapping[str, Column]) -> DataFrame:
    """One DataFrame of several: each part's columns renamed ``<part>__<column>``.

    Every row keeps the bucket ``key[part]`` gives it (in ``KEY``) and its part's name
    (in ``PART``); the other parts' columns are null on it.
    """
    functions = require_pyspark().functions
    packed: DataFrame | None = None
    for name, frame in parts.items():
        renamed = [functions.col(c).alias(f"{name}__{c}") for c in frame.columns]
        one = frame.select(key[name].alias(KEY), functions.lit(name).alias(PART), *renamed)
        packed = one if packed is None else packed.unionByName(one, allowMissingColumns=True)
    if packed is None:  # pragma: no cover - callers always give parts
        msg = "pack needs at least one part"
        raise InvalidValueError(msg)
    return packed


def part(frame: pd.DataFrame, name: str, columns: Sequence[str]) -> pd.DataFrame:
    """The rows of one part of a packed group, with their own column names (none if absent)."""
    if f"{name}__{columns[0]}" not in frame:  # the part was not packed at all
        return pd.DataFrame({column: pd.Series([], dtype=object) for column in columns})
    mine = frame[frame[PART] == name]
    return pd.DataFrame(
        {column: mine[f"{name}__{column}"].to_numpy() for column in columns},
        index=pd.RangeIndex(len(mine)),
    )


def nanos(values: pd.Series[Any]) -> npt.NDArray[np.int64]:
    """Times as Spark hands them to pandas (UTC) in int64 nanoseconds, ``NAT`` if missing."""
    return times_to_nanos(pd.Series(values, dtype=object if values.empty else None))


def codes(values: pd.Series[Any], ids: npt.NDArray[np.object_]) -> npt.NDArray[np.int64]:
    """The position of each value among ``ids`` (-1 when missing or not there)."""
    found = pd.Index(ids).get_indexer(pd.Index(object_values(values)))
    return np.asarray(found, dtype=np.int64)


@functools.cache
def empty_tables() -> Tables:
    """The tables of an empty customer base, which slices fill in."""
    return CustomerBase.build([]).tables


@attrs.frozen
class Slice:
    """A few entities' tables, standing in for a customer base (it has ``tables``)."""

    tables: Tables


def for_arrow(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as plain objects, which PySpark turns into Arrow under any pandas.

    pandas 3 reads text into its own string type, whose chunked arrays PySpark 4's
    serializer cannot take back.
    """
    text = [
        name for name, dtype in frame.dtypes.items() if not pd.api.types.is_numeric_dtype(dtype)
    ]
    return frame.astype(dict.fromkeys(text, object)) if text else frame


def texts(values: pd.Series[Any]) -> npt.NDArray[np.object_]:
    """Strings as an object array, ``None`` where missing (whatever pandas reads them as)."""
    return object_values(values)
