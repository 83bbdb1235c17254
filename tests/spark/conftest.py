"""One local Spark session for every Spark test (starting one takes seconds)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from customer_understanding.spark import java_runtime, local_session

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """A local session with two worker threads, stopped when the tests end."""
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("pyspark is not installed (the `spark` extra)")
    if java_runtime() is None:
        pytest.skip("no Java runtime: install Java 17+ (e.g. openjdk-17-jre-headless)")
    session = local_session(cores=2, shuffle_partitions=4)
    yield session
    session.stop()
