import numpy as np
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.journeys import LastTouch, Linear, Outcomes, Touches, prepare
from customer_understanding.tables import NAT

DAY = 86_400 * 10**9


def _touches(journey, at, channel, channels=("ads", "email", "web")):
    return Touches(journey=journey, at=at, channel=channel, channels=channels)


def test_touches_after_the_outcome_are_excluded_and_counted():
    touches = _touches([0, 0, 0], [1 * DAY, 2 * DAY, 5 * DAY], [0, 1, 2])
    outcomes = Outcomes(converted=[True], value=[90.0], at=[3 * DAY])
    result = Linear().attribute(touches, outcomes)
    assert result.credit.tolist() == [45.0, 45.0, 0.0]
    assert result.excluded_touches == 1


def test_touches_after_the_outcome_can_be_rejected():
    touches = _touches([0, 0], [1 * DAY, 5 * DAY], [0, 1])
    outcomes = Outcomes(converted=[True], at=[3 * DAY])
    with pytest.raises(InvalidValueError, match="touch 1 of journey 0"):
        LastTouch(after_outcome="error").attribute(touches, outcomes)


def test_a_touch_at_the_outcome_time_counts():
    touches = _touches([0, 0], [1 * DAY, 3 * DAY], [0, 1])
    outcomes = Outcomes(converted=[True], at=[3 * DAY])
    assert LastTouch().attribute(touches, outcomes).credit.tolist() == [0.0, 1.0]


def test_converted_journey_without_touches_is_reported_as_unattributed():
    touches = _touches([0], [DAY], [2])
    outcomes = Outcomes(converted=[True, True], value=[10.0, 25.0])
    result = Linear().attribute(touches, outcomes)
    assert result.by_channel().sum() == 10.0
    assert result.unattributed_value == 25.0


def test_journey_whose_touches_all_follow_the_outcome_is_unattributed():
    touches = _touches([0], [5 * DAY], [0])
    outcomes = Outcomes(converted=[True], value=[7.0], at=[DAY])
    result = Linear().attribute(touches, outcomes)
    assert result.unattributed_value == 7.0
    assert result.excluded_touches == 1


def test_unsorted_touches_are_put_in_time_order_per_journey():
    touches = _touches([1, 0, 1, 0], [4, 9, 2, 3], [0, 1, 2, 0])
    paths = prepare(touches, Outcomes(converted=[False, False]))
    assert paths.rows.tolist() == [3, 1, 2, 0]
    assert paths.position.tolist() == [0, 1, 0, 1]


def test_journey_number_out_of_range_is_rejected():
    touches = _touches([0, 3], [1, 2], [0, 0])
    with pytest.raises(InvalidValueError, match=r"journey\[1\]=3 must be in 0 … 1"):
        prepare(touches, Outcomes(converted=[True, False]))


def test_channel_code_out_of_range_is_rejected():
    with pytest.raises(InvalidValueError, match=r"channel\[0\]=5 must be in 0 … 2"):
        _touches([0], [1], [5])


def test_touch_without_time_is_rejected():
    with pytest.raises(InvalidValueError, match=r"at\[1\] is missing"):
        _touches([0, 0], [1, NAT], [0, 1])


def test_touch_columns_of_different_lengths_are_rejected():
    with pytest.raises(InvalidValueError, match="differ in length"):
        _touches([0, 0], [1], [0, 1])


def test_negative_outcome_value_is_rejected():
    with pytest.raises(InvalidValueError, match=r"value\[1\]=-5.0 must be finite and >= 0"):
        Outcomes(converted=[True, True], value=[1.0, -5.0])


def test_outcome_columns_of_different_lengths_are_rejected():
    with pytest.raises(InvalidValueError, match="at has 1 rows but converted has 2"):
        Outcomes(converted=[True, False], at=[1])


def test_unknown_after_outcome_rule_is_rejected():
    touches = _touches([0], [1], [0])
    with pytest.raises(InvalidValueError, match="after_outcome='keep'"):
        prepare(touches, Outcomes(converted=[True]), after_outcome="keep")  # type: ignore[arg-type]


def test_result_table_lists_every_channel():
    touches = _touches([0], [1], [1])
    frame = Linear().attribute(touches, Outcomes(converted=[True])).to_pandas()
    assert frame["channel"].tolist() == ["ads", "email", "web"]
    assert frame["share"].tolist() == [0.0, 1.0, 0.0]


def test_non_converted_journeys_get_no_credit():
    touches = _touches([0, 1], [1, 1], [0, 1])
    result = Linear().attribute(touches, Outcomes(converted=[False, True]))
    assert np.array_equal(result.credit, [0.0, 1.0])
