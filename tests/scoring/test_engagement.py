from datetime import timedelta

import numpy as np
import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError
from customer_understanding.scoring import EngagementScorer

from .conftest import AS_OF


def _score(table, entity):
    return float(table.score[table.row_of(entity)])


def test_contact_score_sums_decayed_points(small_base):
    table = EngagementScorer(half_life_days=30, caps={}).score(small_base, as_of=AS_OF)
    expected = 15 * 0.5 + 30 * 0.5 ** (0.5 / 30) + 1 * 0.5 ** (2 / 30)
    assert _score(table, "ann") == pytest.approx(expected)


def test_interactions_after_as_of_do_not_count(small_base):
    table = EngagementScorer(half_life_days=None, caps={}).score(small_base, as_of=AS_OF)
    assert _score(table, "ann") == pytest.approx(15 + 30 + 1)


def test_unsubscribe_subtracts_points(small_base):
    table = EngagementScorer(half_life_days=None).score(small_base, as_of=AS_OF)
    assert _score(table, "bob") == pytest.approx(15 - 25)


def test_window_drops_older_interactions(small_base):
    table = EngagementScorer(half_life_days=None, window_days=45).score(small_base, as_of=AS_OF)
    assert _score(table, "bob") == pytest.approx(-25)


def test_reasons_explain_each_interaction_type(small_base):
    table = EngagementScorer(half_life_days=30).score(small_base, as_of=AS_OF)
    reasons = table.top_reasons("ann", n=3)
    assert reasons["signal"].tolist() == ["demo", "webinar", "page_view"]
    webinar = reasons.iloc[1]
    assert (webinar["value"], webinar["weight"]) == (1.0, 15.0)
    assert webinar["decay"] == pytest.approx(0.5)


def test_cap_limits_interactions_per_period():
    views = [
        cu.Interaction(id=f"v{n}", occurred_at=AS_OF - timedelta(days=days), type="page_view",
                       contact_id="ann")
        for n, days in enumerate([0.1, 0.2, 0.3, 0.4, 1.5])
    ]  # fmt: skip
    base = cu.CustomerBase.from_objects(
        contacts=[cu.Contact(id="ann", email="ann@acme.com")], interactions=views
    )
    scorer = EngagementScorer(half_life_days=None, caps={"page_view": 2}, cap_period_days=1.0)
    table = scorer.score(base, as_of=AS_OF)
    assert table.score.tolist() == [3.0]
    assert table.reasons.value.tolist() == [3.0]


def test_account_rolls_up_people_and_breadth(small_base):
    scorer = EngagementScorer(level="account", half_life_days=None, caps={}, breadth_points=5)
    table = scorer.score(small_base, as_of=AS_OF)
    assert _score(table, "a1") == pytest.approx((15 + 30 + 1) + (15 - 25))
    assert _score(table, "a2") == pytest.approx(1.0)


def test_breadth_rewards_second_engaged_person(world_base):
    as_of = int(np.quantile(world_base.interactions.column("occurred_at"), 0.8))
    table = EngagementScorer(level="account", breadth_points=5).score(world_base, as_of=as_of)
    breadth = table.reasons_frame().query("signal == 'breadth'")
    assert len(breadth) > 0
    assert (breadth["contribution"] == 5 * breadth["value"]).all()


def test_bands_follow_thresholds(small_base):
    table = EngagementScorer(half_life_days=None, caps={}, bands=(40, 10, 0))
    frame = table.score(small_base, as_of=AS_OF).to_pandas()
    labels = dict(zip(frame["contact_id"], frame["grade"], strict=True))
    assert labels == {"ann": "1", "bob": "4", "cy": "3"}


@pytest.mark.parametrize(
    ("settings", "name"),
    [({"half_life_days": 0}, "half_life_days"), ({"window_days": -3}, "window_days"),
     ({"caps": {"page_view": 0}}, "caps"), ({"bands": (5, 10, 1)}, "bands"),
     ({"points": {}}, "points")],
)  # fmt: skip
def test_out_of_range_settings_are_refused(settings, name):
    with pytest.raises(InvalidValueError, match=name):
        EngagementScorer(**settings)


def test_as_of_before_the_data_is_refused(small_base):
    with pytest.raises(InvalidValueError, match="as_of"):
        EngagementScorer().score(small_base, as_of="2020-01-01")


def test_unparseable_as_of_is_refused(small_base):
    with pytest.raises(InvalidValueError, match="as_of='soon'"):
        EngagementScorer().score(small_base, as_of="soon")
