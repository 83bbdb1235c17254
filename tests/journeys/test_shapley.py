import numpy as np
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.journeys import Outcomes, ShapleyValue, Touches, shapley_of_set

from ._reference import paths_of, random_journeys, shapley_brute_force


def _rates(paths):
    seen: dict[frozenset[int], list[int]] = {}
    for sequence, converted in paths:
        tally = seen.setdefault(frozenset(sequence), [0, 0])
        tally[0] += converted
        tally[1] += 1
    return {key: wins / total for key, (wins, total) in seen.items()}


@pytest.mark.parametrize("seed", range(6))
def test_credits_equal_brute_force_shapley_values(seed):
    rng = np.random.default_rng(seed)
    journey, at, channel, converted = random_journeys(rng, journeys=60, channels=4, touches=150)
    value = rng.uniform(10, 100, 60)
    touches = Touches(journey=journey, at=at, channel=channel, channels=tuple("abcd"))
    result = ShapleyValue().attribute(touches, Outcomes(converted=converted, value=value))
    rates = _rates(paths_of(journey, at, channel, converted))
    expected = np.zeros(4)
    for j in range(60):
        members = sorted(set(channel[journey == j].tolist()))
        if not converted[j] or not members:
            continue
        phi = shapley_brute_force(members, lambda s: rates.get(frozenset(s), 0.0))
        total = sum(phi.values())
        for member in members:
            expected[member] += value[j] * phi[member] / total
    assert np.abs(result.by_channel() - expected).max() < 1e-9


def test_shapley_of_set_matches_brute_force_on_five_channels():
    rng = np.random.default_rng(3)
    worth = {mask: float(rng.random()) for mask in range(1, 32)}
    values = shapley_of_set(np.arange(5), worth)
    brute = shapley_brute_force(list(range(5)), lambda s: worth.get(sum(1 << k for k in s), 0.0))
    assert values == pytest.approx([brute[k] for k in range(5)], abs=1e-12)


def test_a_channel_that_never_helps_gets_no_credit():
    # web alone never converts and adding web to ads leaves the rate at one half.
    touches = Touches(
        journey=[0, 0, 1, 2, 3, 4, 4],
        at=[1, 2, 1, 1, 1, 1, 2],
        channel=[0, 1, 0, 1, 0, 0, 1],
        channels=("ads", "web"),
    )
    outcomes = Outcomes(converted=[True, True, False, False, False], value=[10.0] * 5)
    assert ShapleyValue().attribute(touches, outcomes).by_channel().tolist() == [20.0, 0.0]


def test_channel_that_lowers_conversion_can_get_negative_credit():
    # ads alone converts always; ads with web converts half the time.
    touches = Touches(
        journey=[0, 0, 1, 1, 2],
        at=[1, 2, 1, 2, 1],
        channel=[0, 1, 0, 1, 0],
        channels=("ads", "web"),
    )
    outcomes = Outcomes(converted=[True, False, True], value=[10.0, 0.0, 10.0])
    credits = ShapleyValue().attribute(touches, outcomes)
    journey_zero = credits.credit[:2]
    assert journey_zero.sum() == pytest.approx(10.0)
    assert journey_zero[1] < 0


def test_too_many_channels_in_one_journey_is_rejected():
    touches = Touches(
        journey=[0] * 4, at=[1, 2, 3, 4], channel=[0, 1, 2, 3], channels=tuple("abcd")
    )
    with pytest.raises(InvalidValueError, match="max_channels=3"):
        ShapleyValue(max_channels=3).attribute(touches, Outcomes(converted=[True]))


def test_max_channels_out_of_range_is_rejected():
    with pytest.raises(InvalidValueError, match="max_channels=0"):
        ShapleyValue(max_channels=0)
