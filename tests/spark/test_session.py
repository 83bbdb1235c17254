"""The local session the Spark engine runs in."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError
from customer_understanding.spark import local_session

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def test_session_runs_python_workers_on_this_interpreter(spark: SparkSession) -> None:
    import pandas as pd

    frame = spark.createDataFrame(pd.DataFrame({"n": [1, 2, 3]}))

    def where(batches):  # type: ignore[no-untyped-def]
        for batch in batches:
            yield batch.assign(python=sys.executable)

    seen = frame.mapInPandas(where, "n long, python string").toPandas()
    assert set(seen["python"]) == {sys.executable}
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"


def test_bad_cores_is_a_library_error() -> None:
    with pytest.raises(InvalidValueError, match="cores=0"):
        local_session(cores=0)


def test_spark_reads_the_tables_a_base_exports_to_parquet(spark: SparkSession, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from customer_understanding.datasets import generate_world

    world = generate_world(accounts=5, interactions=200, defects=False)
    base = cu.CustomerBase.build(world.as_sources())
    base.to_parquet(tmp_path)
    read = spark.read.parquet(str(tmp_path / "interactions.parquet"))
    assert read.count() == len(base.interactions)
    first = read.agg({"occurred_at": "min"}).collect()[0][0]
    expected = base.to_pandas("interactions")["occurred_at"].min()
    assert first.replace(tzinfo=None) == expected.tz_convert(None).to_pydatetime()
