"""The Spark identity engine's own behaviour: result contract, guards, skew, components."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.identity import BlockingRule, Field, Linker
from customer_understanding.spark import SparkLinks, blocking_report, deduplicate, golden_records
from customer_understanding.spark._identity_clusters import connected_components

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

PEOPLE = pd.DataFrame({
    "id": [f"r{i}" for i in range(8)],
    "email": ["ann@x.io", "ann@x.io", "bob@y.io", "bob@y.io", "cy@z.io", "cy@z.io", "di@w.io",
              None],
    "surname": ["lee", "lee", "ng", "ng", "ito", "ito", "ito", "ito"],
    "city": ["leeds"] * 8,
})  # fmt: skip
FIELDS = [Field(column="email", kind="email"), Field(column="surname", kind="family_name")]
CITY = Field(column="city", kind="city")


@pytest.fixture(scope="module")
def links(spark: SparkSession) -> SparkLinks:
    linker = Linker(fields=FIELDS, link_threshold=0.5)
    return deduplicate(spark.createDataFrame(PEOPLE), linker, id_column="id")


def test_the_result_follows_the_result_contract(links: SparkLinks) -> None:
    text = repr(links)
    assert text.startswith("SparkLinks: 8 rows")
    assert "\n" not in text
    frame = links.to_pandas()
    assert list(frame.columns) == ["record_id", "source", "cluster"]
    assert len(links) == len(frame) == 8
    frame.iloc[0, 0] = None
    assert links.to_pandas().iloc[0, 0] == "r0"  # a new frame each time
    assert links._repr_html_().startswith("<div>")
    assert set(links.timings) == {"prepare", "block", "compare", "fit", "weigh", "cluster"}
    with pytest.raises(TypeError):
        links.timings["prepare"] = 0.0  # type: ignore[index]


def test_evidence_and_pairs_stay_in_spark(links: SparkLinks) -> None:
    evidence = links.evidence().toPandas()
    pairs = links.pairs().toPandas()
    assert len(evidence) == len(pairs)
    weights = evidence["prior"] + evidence[["email", "surname"]].sum(axis=1)
    assert np.allclose(weights, evidence["match_weight"], atol=1e-5)  # float32 partials


def test_a_model_fitted_on_spark_scores_locally_alike(links: SparkLinks) -> None:
    linker = Linker(fields=FIELDS, link_threshold=0.5)
    local = linker.deduplicate(PEOPLE, id_column="id", model=links.model)
    theirs = links.pairs().toPandas().sort_values(["left_id", "right_id"])
    ours = local.pairs().sort_values(["left_id", "right_id"])
    assert np.array_equal(ours["match_weight"].to_numpy(), theirs["match_weight"].to_numpy())


def test_cannot_and_must_links_are_kept(spark: SparkSession) -> None:
    linker = Linker(fields=FIELDS, link_threshold=0.5)
    frame = spark.createDataFrame(PEOPLE)
    options = {"cannot_link": [("r0", "r1")], "must_link": [("r6", "r7")]}
    local = linker.deduplicate(PEOPLE, id_column="id", **options).to_pandas()  # type: ignore[arg-type]
    ours = deduplicate(frame, linker, id_column="id", **options).to_pandas()  # type: ignore[arg-type]
    assert ours["cluster"].tolist() == local["cluster"].tolist()
    with pytest.raises(InvalidValueError, match="unknown record id"):
        deduplicate(frame, linker, id_column="id", cannot_link=[("r0", "nobody")])


def test_big_blocks_split_into_buckets_give_the_same_pairs(spark: SparkSession) -> None:
    """A declared rule without a cap: its one big block is joined bucket by bucket."""
    linker = Linker(fields=[*FIELDS, CITY], blocking=[BlockingRule(on="city")],
                    link_threshold=0.5)  # fmt: skip
    frame = spark.createDataFrame(PEOPLE)
    salted = deduplicate(frame, linker, id_column="id", salt_above=2).pairs().toPandas()
    local = linker.deduplicate(PEOPLE, id_column="id").pairs()
    assert len(salted) == len(local) == 8 * 7 // 2
    assert salted["match_weight"].tolist() == local["match_weight"].tolist()
    assert salted["left_id"].tolist() == local["left_id"].tolist()


def test_the_blocking_report_and_the_pair_guard(spark: SparkSession) -> None:
    linker = Linker(fields=[*FIELDS, CITY], blocking=[BlockingRule(on="city")], max_pairs=10)
    frame = spark.createDataFrame(PEOPLE)
    report = blocking_report(frame, linker, id_column="id")
    local = linker.report(PEOPLE, id_column="id")
    pd.testing.assert_frame_equal(report.to_pandas(), local.to_pandas())
    with pytest.raises(InvalidValueError, match="more than max_pairs=10"):
        deduplicate(frame, linker, id_column="id")


def test_connected_components_of_a_chain(spark: SparkSession) -> None:
    edges = spark.createDataFrame(pd.DataFrame({"_a": [5, 1, 2, 3, 10], "_b": [4, 2, 3, 4, 11]}))
    found = connected_components(edges).toPandas().sort_values("_r")
    assert dict(zip(found["_r"], found["_c"], strict=True)) == {
        1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 10: 10, 11: 10,
    }  # fmt: skip


def test_golden_records_follow_the_local_survivorship(spark: SparkSession) -> None:
    from customer_understanding.identity import golden_records as local_golden

    linker = Linker(fields=FIELDS, link_threshold=0.5)
    frame = spark.createDataFrame(PEOPLE)
    links = deduplicate(frame, linker, id_column="id")
    ours = golden_records(frame, links, id_column="id").toPandas()
    local = linker.deduplicate(PEOPLE, id_column="id")
    theirs = local_golden(PEOPLE, local.clusters, id_column="id").to_pandas()
    columns = ["email", "surname", "city"]
    key = lambda f: sorted(map(tuple, f[columns].fillna("").to_numpy().tolist()))  # noqa: E731
    assert key(ours) == key(theirs)


def test_a_binding_budget_gives_the_local_pairs_and_report(spark: SparkSession) -> None:
    # Forty records in five e-mail blocks of eight and one surname block of forty: a
    # budget of 5 keeps no block (each e-mail block alone spends 7), one of 7 keeps the
    # e-mail blocks and drops the surname block, one of 50 keeps everything.
    crowd = pd.DataFrame({"record": range(40), "email": [f"p{i % 5}@x.io" for i in range(40)],
                          "surname": ["lee"] * 40})  # fmt: skip
    for budget in (5, 7, 50):
        linker = Linker(fields=FIELDS, max_candidates=budget, link_threshold=0.5)
        local = linker.deduplicate(crowd, id_column="record")
        ours = deduplicate(spark.createDataFrame(crowd), linker, id_column="record")
        theirs = ours.pairs().toPandas()
        assert sorted(zip(theirs["left_id"], theirs["right_id"], strict=True)) == sorted(
            zip(local.pairs()["left_id"], local.pairs()["right_id"], strict=True)
        )
        expected = linker.report(crowd, id_column="record").to_pandas()
        pd.testing.assert_frame_equal(ours.report.to_pandas(), expected)
