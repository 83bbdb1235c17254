import numpy as np
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.journeys import (
    FirstTouch,
    FullPath,
    LastTouch,
    Linear,
    Outcomes,
    PositionBased,
    TimeDecay,
    Touches,
    WShaped,
)

DAY = 86_400 * 10**9
CHANNELS = ("paid_search", "webinar", "email", "sales_call")


def _journey(channels, days, **outcome):
    touches = Touches(
        journey=[0] * len(channels),
        at=[d * DAY for d in days],
        channel=channels,
        channels=CHANNELS,
    )
    return touches, Outcomes(converted=[True], value=[1_000.0], **outcome)


def _credit(method, channels, days, **outcome):
    return method.attribute(*_journey(channels, days, **outcome)).credit.round(9).tolist()


# A five-touch path worked by hand: search, webinar, email, email, sales call.
PATH = ([0, 1, 2, 2, 3], [0, 3, 6, 10, 14])


def test_first_touch_credits_the_earliest_touch():
    assert _credit(FirstTouch(), *PATH) == [1000.0, 0.0, 0.0, 0.0, 0.0]


def test_last_touch_credits_the_closing_touch():
    assert _credit(LastTouch(), *PATH) == [0.0, 0.0, 0.0, 0.0, 1000.0]


def test_linear_credits_every_touch_equally():
    assert _credit(Linear(), *PATH) == [200.0] * 5


def test_time_decay_halves_per_half_life():
    # Ages at day 14: 14, 11, 8, 4, 0 days; half-life 7 days.
    weights = np.exp2(-np.array([14, 11, 8, 4, 0]) / 7)
    expected = (1000 * weights / weights.sum()).round(9).tolist()
    assert _credit(TimeDecay(half_life_days=7), *PATH, at=[14 * DAY]) == expected


def test_time_decay_without_outcome_time_measures_from_the_last_touch():
    with_time = _credit(TimeDecay(half_life_days=3), *PATH, at=[14 * DAY])
    assert _credit(TimeDecay(half_life_days=3), *PATH) == with_time


def test_position_based_gives_forty_twenty_forty():
    expected = [400.0, 200 / 3, 200 / 3, 200 / 3, 400.0]
    assert _credit(PositionBased(), *PATH) == pytest.approx(expected)


def test_position_based_shares_are_configurable():
    assert _credit(PositionBased(first=0.5, last=0.3), *PATH)[0] == 500.0


def test_position_based_with_two_touches_splits_by_first_and_last():
    assert _credit(PositionBased(first=0.6, last=0.2), [0, 3], [0, 1]) == [750.0, 250.0]


def test_position_based_single_touch_takes_everything():
    assert _credit(PositionBased(), [2], [0]) == [1000.0]


def test_w_shaped_credits_first_lead_and_opportunity_touches():
    # Lead created on day 7 (after the first e-mail), opportunity on day 14.
    credit = _credit(WShaped(), *PATH, lead_at=[7 * DAY], opportunity_at=[14 * DAY])
    assert credit == [300.0, 50.0, 300.0, 50.0, 300.0]


def test_w_shaped_touch_that_is_key_twice_gets_two_shares():
    # The first touch is also the lead-creation touch; the third opens the opportunity.
    credit = _credit(WShaped(), [0, 1, 2], [0, 1, 2], lead_at=[0], opportunity_at=[2 * DAY])
    assert credit == [600.0, 100.0, 300.0]


def test_w_shaped_without_milestones_keeps_only_the_first_touch_as_key():
    # Weights 0.3, 0.05, 0.05, normalised to add up to one.
    assert _credit(WShaped(), [0, 1, 2], [0, 1, 2]) == [750.0, 125.0, 125.0]


def test_full_path_credits_four_key_touches():
    # Keys: first, the e-mail before the lead (day 6), the e-mail on day 10, the closing call.
    credit = _credit(FullPath(), *PATH, lead_at=[7 * DAY], opportunity_at=[10 * DAY])
    assert credit == [225.0, 100.0, 225.0, 225.0, 225.0]


def test_full_path_milestone_before_every_touch_gives_no_key_touch():
    credit = _credit(FullPath(), [0, 1, 2], [5, 6, 7], lead_at=[DAY], opportunity_at=[2 * DAY])
    # Keys: first and last only (0.225 each), middle takes the 0.1; normalised.
    assert credit == pytest.approx([1000 * 0.225 / 0.55, 1000 * 0.1 / 0.55, 1000 * 0.225 / 0.55])


@pytest.mark.parametrize("half_life", [0, -1.0, float("nan")])
def test_time_decay_rejects_a_half_life_that_is_not_positive(half_life):
    with pytest.raises(InvalidValueError, match="half_life_days="):
        TimeDecay(half_life_days=half_life)


def test_position_based_rejects_shares_over_one():
    with pytest.raises(InvalidValueError, match=r"first=0\.7 and last=0\.5"):
        PositionBased(first=0.7, last=0.5)


def test_w_shaped_rejects_a_share_outside_zero_and_one():
    with pytest.raises(InvalidValueError, match=r"milestone_share=1\.5"):
        WShaped(milestone_share=1.5)
