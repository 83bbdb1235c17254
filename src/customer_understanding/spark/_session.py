"""Starting Spark for the library: a local session whose Python workers are this interpreter.

PySpark is an optional dependency (the ``spark`` extra): nothing here imports it until a
function is called, so ``import customer_understanding.spark`` works without it and says
what to install only when Spark is needed.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from customer_understanding._core import load_module
from customer_understanding._errors import InvalidValueError, MissingDependencyError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["java_runtime", "local_session", "require_pyspark"]

#: How to get what Spark needs, for the messages below.
_JAVA_HINT = (
    "Spark needs a Java runtime (17 or newer): install one (for example Debian's "
    "openjdk-17-jre-headless) and put `java` on PATH or set JAVA_HOME"
)


#: Rows per Arrow batch handed to a pandas step (Spark's default is 10,000).
ARROW_BATCH = 100_000


def require_pyspark() -> ModuleType:
    """The ``pyspark.sql`` module, or a :class:`MissingDependencyError` naming the extra.

    Examples
    --------
    >>> require_pyspark().__name__
    'pyspark.sql'
    """
    try:
        return load_module("pyspark.sql")
    except ImportError as error:
        msg = "Spark support needs PySpark: pip install 'customer-understanding[spark]'"
        raise MissingDependencyError(msg) from error


def java_runtime() -> Path | None:
    """The ``java`` executable Spark would start (``JAVA_HOME`` first, then PATH), or None.

    Examples
    --------
    >>> java_runtime() is None or java_runtime().name.startswith("java")
    True
    """
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        if candidate.exists():
            return candidate
    found = shutil.which("java")
    return None if found is None else Path(found)


def local_session(
    *,
    cores: int = 2,
    memory: str = "2g",
    shuffle_partitions: int | None = None,
    app_name: str = "customer_understanding",
) -> SparkSession:
    """A Spark session in local mode, set up as the library's Spark engine expects.

    Python workers run this interpreter (so they see the same packages), times are read
    and written in UTC, Arrow carries pandas batches, and the web UI is off. An existing
    session is returned as it is (Spark keeps one per process).

    Parameters
    ----------
    cores
        Worker threads of the local master (``local[cores]``).
    memory
        The driver's memory (in local mode the executors run inside the driver).
    shuffle_partitions
        Partitions after a shuffle; by default four per core (Spark's 200 suit a cluster).
    app_name
        The application's name in Spark's logs.

    Examples
    --------
    >>> spark = local_session(cores=1)
    >>> spark.range(3).count()
    3
    """
    if cores < 1:
        msg = f"cores={cores!r} must be >= 1"
        raise InvalidValueError(msg)
    sql = require_pyspark()
    if java_runtime() is None:
        raise MissingDependencyError(_JAVA_HINT)
    # Workers must run the interpreter that holds this library and its dependencies.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    partitions = shuffle_partitions if shuffle_partitions is not None else 4 * cores
    builder = (
        sql.SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.driver.memory", memory)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        # pandas steps pay a cost per batch (a comparison batch shares its values' codes)
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(ARROW_BATCH))
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
    )
    session: SparkSession = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
