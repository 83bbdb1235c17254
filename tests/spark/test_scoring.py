"""Engagement scores on Spark equal the local scorer's: scores to 1e-9, the same reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.scoring import EngagementScorer, ScoreTable
from customer_understanding.spark import SparkScores, TaskSizeWarning, engagement_scores
from tests.spark._world import MOMENTS, base, frames

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

_NUMBERS = ["value", "weight", "decay", "contribution"]


# PySpark 4.3 is not yet written for pandas 3: it warns so on import and uses a keyword
# pandas 3 deprecates when it converts to pandas. Under pandas 3 these tests pass anyway.
pytestmark = [
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="module")
def inputs(spark: SparkSession) -> dict[str, DataFrame]:
    return frames(spark)


def _spark(
    scorer: EngagementScorer, inputs: dict[str, DataFrame], **options: object
) -> SparkScores:
    return engagement_scores(
        scorer, inputs["interactions"], contacts=inputs["contacts"],
        accounts=inputs["accounts"], roles=inputs["roles"], consents=inputs["consents"],
        **options,
    )  # fmt: skip


def assert_same(local: ScoreTable, spark: ScoreTable) -> None:
    """The same entities, scores to 1e-9, grades and reasons."""
    key = local.id_column
    mine = local.to_pandas().sort_values(key, kind="stable").reset_index(drop=True)
    theirs = spark.to_pandas()
    assert mine[key].tolist() == theirs[key].tolist()
    np.testing.assert_allclose(theirs["score"], mine["score"], rtol=0, atol=1e-9)
    assert mine["grade"].tolist() == theirs["grade"].tolist()
    order = [key, "signal"]
    want = local.reasons_frame().sort_values(order).reset_index(drop=True)
    got = spark.reasons_frame().sort_values(order).reset_index(drop=True)
    pd.testing.assert_frame_equal(got[order], want[order])
    np.testing.assert_allclose(got[_NUMBERS], want[_NUMBERS], rtol=0, atol=1e-9)


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("level", ["contact", "account"])
def test_default_scores_and_reasons_equal_the_local_ones(
    inputs: dict[str, DataFrame], level: str, moment: str
) -> None:
    scorer = EngagementScorer(level=level)  # type: ignore[arg-type]
    result = _spark(scorer, inputs, as_of=moment)
    assert_same(scorer.score(base(), as_of=moment), result.collect())
    assert result.scores.columns == [f"{level}_id", "score", "grade"]
    assert result.reasons.columns == [f"{level}_id", "signal", *_NUMBERS]


def test_windows_caps_and_consent_purpose_equal_the_local_ones(
    inputs: dict[str, DataFrame],
) -> None:
    scorer = EngagementScorer(level="contact", half_life_days=None, window_days=60,
                              caps={"email_open": 1, "page_view": 2}, cap_period_days=7,
                              purpose="marketing")  # fmt: skip
    local = scorer.score(base(), as_of=MOMENTS[1])
    assert len(local) < len(base().contacts)  # the purpose leaves some people out
    assert_same(local, _spark(scorer, inputs, as_of=MOMENTS[1]).collect())


def test_tiny_tasks_split_a_large_account_and_give_the_same_answer(
    inputs: dict[str, DataFrame],
) -> None:
    scorer = EngagementScorer(level="account", breadth_points=3.0, breadth_cap=2,
                              role_weights={"champion": 3.0})  # fmt: skip
    with pytest.warns(TaskSizeWarning, match="contact_id='.*' has 239 interactions"):
        result = _spark(scorer, inputs, as_of=MOMENTS[1], rows_per_task=40)
    assert_same(scorer.score(base(), as_of=MOMENTS[1]), result.collect())


def test_no_moment_means_the_latest_interaction(inputs: dict[str, DataFrame]) -> None:
    result = _spark(EngagementScorer(), inputs)
    assert result.as_of == int(base().interactions.column("occurred_at").max())
    assert repr(result).startswith("SparkScores, as of ")


def test_inputs_that_are_not_what_the_engine_reads_are_refused(
    inputs: dict[str, DataFrame],
) -> None:
    events, contacts = inputs["interactions"], inputs["contacts"]
    scorer = EngagementScorer()
    with pytest.raises(InvalidValueError, match="interactions=DataFrame must be a Spark"):
        engagement_scores(scorer, events.limit(3).toPandas(), contacts=contacts)
    with pytest.raises(InvalidValueError, match="contacts has no column 'account_id'"):
        engagement_scores(scorer, events, contacts=contacts.drop("account_id"))
    with pytest.raises(InvalidValueError, match=r"interactions.occurred_at .* must be time"):
        engagement_scores(scorer, events.withColumn("occurred_at", events["type"]),
                          contacts=contacts)  # fmt: skip
    with pytest.raises(InvalidValueError, match="scorer="):
        engagement_scores("engagement", events, contacts=contacts)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="rows_per_task=0"):
        engagement_scores(scorer, events, contacts=contacts, rows_per_task=0)
    with pytest.raises(InvalidValueError, match="as_of"):
        engagement_scores(scorer, events, contacts=contacts, as_of="not a date")
    with pytest.raises(InvalidValueError, match="as_of"):
        engagement_scores(scorer, events, contacts=contacts, as_of="1990-01-01")
    with pytest.raises(InvalidValueError, match="accounts must be given"):
        engagement_scores(EngagementScorer(level="account"), events, contacts=contacts)
    with pytest.raises(InvalidValueError, match="consents must be given"):
        engagement_scores(EngagementScorer(purpose="marketing"), events, contacts=contacts)
