"""Every method's credits add up to each converted journey's value."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding.journeys import (
    FirstTouch,
    FullPath,
    LastTouch,
    Linear,
    MarkovRemovalEffect,
    Outcomes,
    PositionBased,
    ShapleyValue,
    TimeDecay,
    Touches,
    WShaped,
    prepare,
)
from customer_understanding.tables import NAT

METHODS = [
    FirstTouch(),
    LastTouch(),
    Linear(),
    TimeDecay(half_life_days=0.5),
    PositionBased(first=0.3, last=0.5),
    WShaped(),
    FullPath(),
    MarkovRemovalEffect(),
    ShapleyValue(),
]


@st.composite
def journeys(draw):
    count = draw(st.integers(1, 8))
    size = draw(st.integers(0, 25))
    channels = draw(st.integers(1, 5))
    day = 86_400 * 10**9
    journey = draw(st.lists(st.integers(0, count - 1), min_size=size, max_size=size))
    at = draw(st.lists(st.integers(0, 20), min_size=size, max_size=size))
    channel = draw(st.lists(st.integers(0, channels - 1), min_size=size, max_size=size))
    converted = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    value = draw(st.lists(st.floats(0, 1e6), min_size=count, max_size=count))
    ends = draw(
        st.lists(st.one_of(st.just(None), st.integers(0, 20)), min_size=count, max_size=count)
    )
    milestones = [
        draw(st.lists(st.one_of(st.just(None), st.integers(0, 20)), min_size=count, max_size=count))
        for _ in range(2)
    ]

    def nanos(values):
        return [NAT if v is None else v * day for v in values]

    touches = Touches(
        journey=journey,
        at=[t * day for t in at],
        channel=channel,
        channels=tuple(f"c{k}" for k in range(channels)),
    )
    outcomes = Outcomes(
        converted=converted,
        value=value,
        at=nanos(ends),
        lead_at=nanos(milestones[0]),
        opportunity_at=nanos(milestones[1]),
    )
    return touches, outcomes


@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.name)
@settings(max_examples=60, deadline=None)
@given(data=journeys())
def test_credits_add_up_to_each_outcome_value(method, data):
    touches, outcomes = data
    result = method.attribute(touches, outcomes)
    per_journey = np.bincount(touches.journey, weights=result.credit, minlength=len(outcomes))
    expected = np.where(outcomes.converted, outcomes.outcome_values, 0.0)
    in_scope = prepare(touches, outcomes).touch_counts > 0
    assert np.allclose(per_journey[in_scope], expected[in_scope], rtol=1e-9, atol=1e-6)
    assert np.all(per_journey[~in_scope] == 0.0)
    assert result.unattributed_value == pytest.approx(expected[~in_scope].sum())
