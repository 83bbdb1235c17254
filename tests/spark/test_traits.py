"""Interaction traits on Spark equal the local traits frame, at both levels and moments."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pytest

from customer_understanding import InvalidValueError, UnknownNameError
from customer_understanding.spark import TaskSizeWarning, trait_frame
from customer_understanding.traits import evaluate_traits
from tests.spark._world import MOMENTS, base, frames

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: Every standard trait that reads interactions alone (tickets, ratings, product use …).
NAMES = [
    "interactions_30d", "interactions_90d", "marketing_touches_30d", "sales_touches_30d",
    "service_touches_30d", "product_use_30d", "email_touches_30d", "meetings_90d",
    "tickets_30d", "tickets_90d", "web_visits_14d", "web_visits_30d", "downloads_14d",
    "open_tickets", "open_p1_tickets", "open_p2_tickets", "complaints_30d", "satisfaction",
    "days_since_last_touch", "days_since_marketing_touch", "days_since_sales_touch",
    "days_since_ticket", "days_since_product_use", "active_users_30d",
    "active_users_prev_30d", "active_users_change", "features_30d", "product_use_change",
    "web_surge_ratio", "top_pages_14d",
]  # fmt: skip


# PySpark 4.3 is not yet written for pandas 3: it warns so on import and uses a keyword
# pandas 3 deprecates when it converts to pandas. Under pandas 3 these tests pass anyway.
pytestmark = [
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="module")
def inputs(spark: SparkSession) -> dict[str, DataFrame]:
    return frames(spark)


def _same(level: str, moment: str, inputs: dict[str, DataFrame], **options: int) -> None:
    """The Spark frame equals the local one (entities in the order of their ids)."""
    entities = inputs["accounts" if level == "account" else "contacts"].select(f"{level}_id")
    found = trait_frame(inputs["interactions"], NAMES, entities=entities, level=level,  # type: ignore[arg-type]
                        as_of=moment, **options)  # fmt: skip
    got = found.collect()
    local = evaluate_traits(base(), NAMES, as_of=moment, level=level)  # type: ignore[arg-type]
    want = local.to_pandas().sort_values(f"{level}_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got.to_pandas(), want, check_exact=False, rtol=0, atol=1e-9)
    assert got.as_of == local.as_of
    assert dict(got.descriptions) == dict(local.descriptions)
    assert found.frame.columns == [f"{level}_id", *NAMES]


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("level", ["account", "contact"])
def test_interaction_traits_equal_the_local_frame(
    inputs: dict[str, DataFrame], level: str, moment: str
) -> None:
    _same(level, moment, inputs)


def test_tiny_tasks_keep_tickets_with_their_audit_rows(inputs: dict[str, DataFrame]) -> None:
    # Audit rows carry no account here: each is copied into its ticket's bucket. The
    # largest account has more interactions than a task should hold: said before the job.
    with pytest.warns(TaskSizeWarning, match="account_id='.*' has 784 interactions"):
        _same("account", MOMENTS[1], inputs, rows_per_task=50)


def test_traits_and_inputs_the_engine_cannot_read_are_refused(
    inputs: dict[str, DataFrame],
) -> None:
    events, accounts = inputs["interactions"], inputs["accounts"]
    with pytest.raises(InvalidValueError, match=r"'industry' .* reads more than interactions"):
        trait_frame(events, ["industry"], entities=accounts)
    with pytest.raises(InvalidValueError, match=r"'seat_utilisation' .* reads more"):
        trait_frame(events, ["seat_utilisation"], entities=accounts)
    with pytest.raises(UnknownNameError, match="open_tikets"):
        trait_frame(events, ["open_tikets"], entities=accounts)
    with pytest.raises(InvalidValueError, match="traits='open_tickets' must be a list"):
        trait_frame(events, "open_tickets", entities=accounts)
    with pytest.raises(InvalidValueError, match="entities=DataFrame must be a Spark"):
        trait_frame(events, ["open_tickets"], entities=accounts.toPandas())
    with pytest.raises(InvalidValueError, match="entities has no column 'contact_id'"):
        trait_frame(events, ["open_tickets"], entities=accounts, level="contact")
    with pytest.raises(InvalidValueError, match="interactions has no column 'type'"):
        trait_frame(events.drop("type"), ["open_tickets"], entities=accounts)
    with pytest.raises(InvalidValueError, match=r"interactions.satisfaction .* must be float"):
        trait_frame(events.withColumn("satisfaction", events["status"]), ["satisfaction"],
                    entities=accounts)  # fmt: skip
    with pytest.raises(InvalidValueError, match="level='deal'"):
        trait_frame(events, ["open_tickets"], entities=accounts, level="deal")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="as_of"):
        trait_frame(events, ["open_tickets"], entities=accounts, as_of="soon")


def test_absent_optional_columns_are_missing_values(inputs: dict[str, DataFrame]) -> None:
    events = inputs["interactions"].select("contact_id", "account_id", "occurred_at", "type")
    found = trait_frame(events, ["interactions_90d", "top_pages_14d"],
                        entities=inputs["accounts"], as_of=MOMENTS[1]).collect()  # fmt: skip
    local = evaluate_traits(base(), ["interactions_90d"], as_of=MOMENTS[1])
    want = local.to_pandas().sort_values("account_id")["interactions_90d"].tolist()
    assert found["interactions_90d"].tolist() == want
    assert set(found["top_pages_14d"]) == {None}
