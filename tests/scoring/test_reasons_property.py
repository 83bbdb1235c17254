import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding.scoring._engagement_core import contact_points, roll_up_points

DAY = 86_400 * 10**9


@st.composite
def interactions(draw):
    size = draw(st.integers(1, 6))
    kinds = draw(st.integers(1, 4))
    count = draw(st.integers(0, 40))
    ints = st.lists(st.integers(-1, size - 1), min_size=count, max_size=count)
    contact = np.array(draw(ints), dtype=np.int64)
    signal = np.array(draw(st.lists(st.integers(-1, kinds - 1), min_size=count, max_size=count)))
    days = draw(st.lists(st.floats(-5, 400), min_size=count, max_size=count))
    weights = draw(st.lists(st.floats(-50, 50, allow_nan=False), min_size=kinds, max_size=kinds))
    caps = draw(st.lists(st.sampled_from([1.0, 2.0, np.inf]), min_size=kinds, max_size=kinds))
    return {
        "contact": contact, "signal": signal.astype(np.int64),
        "occurred_at": (1000 * DAY - np.array(days) * DAY).astype(np.int64),
        "weights": np.array(weights), "as_of": 1000 * DAY, "size": size,
        "half_life_days": draw(st.sampled_from([None, 7.0, 30.0])),
        "window_days": draw(st.sampled_from([None, 90.0])), "caps": np.array(caps),
    }  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(interactions())
def test_contact_reasons_add_up_to_scores(data):
    points = contact_points(**data)
    total = np.bincount(points.row, weights=points.contribution, minlength=data["size"])
    assert np.allclose(total, points.score)
    assert np.allclose(points.value * points.weight * points.decay, points.contribution)


@settings(max_examples=60, deadline=None)
@given(interactions(), st.data())
def test_account_reasons_and_breadth_add_up_to_scores(data, draw):
    points = contact_points(**data)
    account = np.array(draw.draw(st.lists(st.integers(-1, 2), min_size=data["size"],
                                          max_size=data["size"])), dtype=np.int64)  # fmt: skip
    rolled, breadth = roll_up_points(
        points, account=account, person_weight=np.ones(data["size"]) * 1.5,
        weights=data["weights"], size=3, breadth_points=4.0, breadth_cap=2,
    )  # fmt: skip
    total = np.bincount(rolled.row, weights=rolled.contribution, minlength=3) + breadth
    assert np.allclose(total, rolled.score)
