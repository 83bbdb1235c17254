"""The Spark engine: identity resolution, traits and scoring on Spark DataFrames.

An optional engine (the ``spark`` extra brings PySpark 4) for customer data that has
outgrown one machine. It takes the same declarations as the local engine and gives the
same answers: the comparisons, the model and the scoring kernels are the library's own,
run inside Spark's partitions; only small aggregates (comparison-pattern counts, value
frequencies, fitted parameters) are collected to the driver. Importing this package does
not import PySpark; the first call that needs it does, and says what to install when it
is missing.

Examples
--------
>>> from customer_understanding.spark import local_session
>>> spark = local_session(cores=1)
>>> spark.conf.get("spark.sql.session.timeZone")
'UTC'
"""

from customer_understanding.spark._identity import (
    SparkLinks,
    blocking_report,
    deduplicate,
    link,
)
from customer_understanding.spark._identity_golden import golden_records
from customer_understanding.spark._scoring import SparkScores, engagement_scores
from customer_understanding.spark._scoring_slices import TaskSizeWarning
from customer_understanding.spark._session import java_runtime, local_session, require_pyspark
from customer_understanding.spark._traits import SparkTraits, trait_frame

__all__ = [
    "SparkLinks",
    "SparkScores",
    "SparkTraits",
    "TaskSizeWarning",
    "blocking_report",
    "deduplicate",
    "engagement_scores",
    "golden_records",
    "java_runtime",
    "link",
    "local_session",
    "require_pyspark",
    "trait_frame",
]
