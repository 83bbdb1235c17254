"""Golden records per cluster on Spark, chosen by the identity engine's survivorship."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.identity import Rule
from customer_understanding.identity import golden_records as local_golden_records
from customer_understanding.spark._session import require_pyspark

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from customer_understanding.spark._identity import SparkLinks

__all__ = ["golden_records"]


def golden_records(
    records: DataFrame,
    links: SparkLinks,
    *,
    id_column: str,
    rules: Mapping[str, Rule] | None = None,
    default: Rule | None = None,
    source_column: str | None = None,
    time_column: str | None = None,
) -> DataFrame:
    """One golden record per cluster of a Spark run, as :func:`identity.golden_records` builds it.

    Each cluster is one group of ``applyInPandas`` in which the identity engine's
    survivorship rules choose every field's value among the cluster's records (in their
    input order, so ties fall as locally). Columns: ``cluster`` (the cluster's key in
    :meth:`SparkLinks.clusters`) and every column of ``records`` but the id, source and
    time columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding.identity import Field, Linker
    >>> from customer_understanding.spark import deduplicate, local_session
    >>> spark = local_session(cores=1)
    >>> people = spark.createDataFrame(pd.DataFrame({"id": [1, 2, 3],
    ...     "email": ["a@x.com", "A@x.com", "b@y.com"], "name": ["Ann", "Ann Lee", "Bo"]}))
    >>> linker = Linker(fields=[Field(column="email", kind="email")], link_threshold=0.5)
    >>> links = deduplicate(people, linker, id_column="id")
    >>> golden = golden_records(people, links, id_column="id").toPandas()
    >>> sorted(golden["email"])
    ['a@x.com', 'b@y.com']
    """
    functions = require_pyspark().functions
    types = require_pyspark().types
    if id_column not in records.columns:
        msg = f"id_column={id_column!r} is not in the records"
        raise InvalidValueError(msg)
    meta = {id_column, source_column, time_column} - {None}
    fields = [name for name in records.columns if name not in meta]
    clusters = links.clusters().select(functions.col("record_id").alias(id_column), "_r",
                                       functions.col("cluster").alias("_cluster"))  # fmt: skip
    joined = records.join(clusters, on=id_column)

    def choose(group: pd.DataFrame) -> pd.DataFrame:
        group = group.sort_values("_r")
        found = local_golden_records(
            group.drop(columns=["_r", "_cluster"]), group["_cluster"].to_numpy(),
            rules=rules, default=default, source_column=source_column,
            time_column=time_column, id_column=id_column,
        ).to_pandas()  # fmt: skip
        found.insert(0, "cluster", found.index.to_numpy())
        return found.reset_index(drop=True)[["cluster", *fields]]

    schema = types.StructType([types.StructField("cluster", types.LongType())]
                              + [records.schema[name] for name in fields])  # fmt: skip
    golden: DataFrame = joined.groupBy("_cluster").applyInPandas(choose, schema)
    return golden
