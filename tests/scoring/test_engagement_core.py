"""The blocked engagement kernel against a plain loop over the interactions."""

import math
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding.scoring import _engagement_core as core
from customer_understanding.scoring._engagement_core import contact_points, roll_up_points

DAY = 86_400 * 10**9
NAT = int(np.iinfo(np.int64).min)


def _reference_contacts(data):
    """Reasons per (entity, signal) and scores, one interaction at a time."""
    as_of, caps, lookup = data["as_of"], data.get("caps"), data.get("lookup")
    period = int(data.get("cap_period_days", 1.0) * DAY)
    kept = []
    for entity, code, when in zip(data["contact"], data["signal"], data["occurred_at"],
                                  strict=True):  # fmt: skip
        signal = int(code) if lookup is None else ([*lookup, -1])[int(code)]
        if entity < 0 or signal < 0 or when == NAT or when > as_of:
            continue  # the boundary rule: an event at as_of counts
        if data.get("window_days") is not None and when <= as_of - int(data["window_days"] * DAY):
            continue  # the window is (as_of - window, as_of]
        kept.append((int(entity), signal, as_of - int(when)))
    per_period = defaultdict(int)
    for entity, signal, age in kept:
        per_period[entity, signal, age // period] += 1
    value, decayed = defaultdict(float), defaultdict(float)
    for entity, signal, age in kept:
        cap = math.inf if caps is None else caps[signal]
        counted = min(1.0, cap / per_period[entity, signal, age // period])
        half_life = data.get("half_life_days")
        decay = 1.0 if half_life is None else 0.5 ** (age / (half_life * DAY))
        value[entity, signal] += counted
        decayed[entity, signal] += counted * decay
    cells = sorted(value)
    weights = data["weights"]
    contribution = [weights[signal] * decayed[cell] for cell in cells for signal in [cell[1]]]
    score = np.zeros(data["size"])
    for (entity, _), points in zip(cells, contribution, strict=True):
        score[entity] += points
    return {
        "row": [entity for entity, _ in cells], "signal": [signal for _, signal in cells],
        "value": [value[cell] for cell in cells], "weight": [weights[s] for _, s in cells],
        "decay": [decayed[cell] / value[cell] for cell in cells],
        "contribution": contribution, "score": score,
    }  # fmt: skip


@st.composite
def interactions(draw, *, lookup=False):
    size = draw(st.integers(1, 6))
    kinds = draw(st.integers(1, 4))
    count = draw(st.integers(0, 60))
    as_of = draw(st.sampled_from([1000 * DAY, 0, -400 * DAY]))
    codes = st.integers(-1, 5 if lookup else kinds - 1)
    days = draw(st.lists(st.floats(-5, 400), min_size=count, max_size=count))
    when = (as_of - np.array(days) * DAY).astype(np.int64)
    when[np.array(draw(st.lists(st.booleans(), min_size=count, max_size=count)), bool)] = NAT
    data = {
        "contact": np.array(draw(st.lists(st.integers(-1, size - 1), min_size=count,
                                          max_size=count)), dtype=np.int64),
        "signal": np.array(draw(st.lists(codes, min_size=count, max_size=count)), np.int64),
        "occurred_at": when, "as_of": as_of, "size": size,
        "weights": np.array(draw(st.lists(st.floats(-50, 50), min_size=kinds, max_size=kinds))),
        "half_life_days": draw(st.sampled_from([None, 7.0, 30.0])),
        "window_days": draw(st.sampled_from([None, 90.0])),
        "caps": draw(st.none() | st.lists(st.sampled_from([1.0, 2.0, np.inf]), min_size=kinds,
                                          max_size=kinds).map(np.array)),
        "cap_period_days": draw(st.sampled_from([1.0, 0.5, 7.0])),
    }  # fmt: skip
    if lookup:
        data["lookup"] = np.array(draw(st.lists(st.integers(-1, kinds - 1), min_size=6,
                                                max_size=6)), dtype=np.int64)  # fmt: skip
    return data


def _check_contacts(data):
    points = contact_points(**data)
    expected = _reference_contacts(data)
    assert points.row.tolist() == expected["row"]
    assert points.signal.tolist() == expected["signal"]
    for name in ("value", "weight", "decay", "contribution", "score"):
        np.testing.assert_allclose(getattr(points, name), expected[name], rtol=1e-9, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(interactions())
def test_contact_points_match_a_plain_loop(data):
    _check_contacts(data)


@settings(max_examples=100, deadline=None)
@given(interactions(lookup=True))
def test_contact_points_read_codes_through_a_lookup(data):
    _check_contacts(data)


@pytest.mark.parametrize("block", [1, 3, 64])
def test_results_do_not_depend_on_the_block_size(monkeypatch, block):
    rng = np.random.default_rng(7)
    data = {
        "contact": rng.integers(-1, 30, 500), "signal": rng.integers(-1, 3, 500),
        "occurred_at": (100 * DAY - rng.uniform(-2, 40, 500) * DAY).astype(np.int64),
        "weights": np.array([1.0, -3.0, 5.0]), "as_of": 100 * DAY, "size": 30,
        "half_life_days": 10.0, "caps": np.array([2.0, np.inf, 1.0]),
    }  # fmt: skip
    whole = contact_points(**data)
    monkeypatch.setattr(core, "_BLOCK", block)
    blocked = contact_points(**data)
    for name in ("score", "row", "signal", "value", "weight", "decay", "contribution"):
        assert np.array_equal(getattr(whole, name), getattr(blocked, name))


def _reference_accounts(points, account, person_weight, weights, size):
    value, total = defaultdict(float), defaultdict(float)
    for row, signal, count, points_ in zip(points.row, points.signal, points.value,
                                           points.contribution, strict=True):  # fmt: skip
        if account[row] >= 0:
            value[account[row], signal] += count
            total[account[row], signal] += points_ * person_weight[row]
    cells = sorted(value)
    people = np.bincount(account[(points.score > 0) & (account >= 0)], minlength=size)
    breadth = 4.0 * np.clip(people - 1, 0, 2)
    score = breadth.astype(float)
    for cell in cells:
        score[cell[0]] += total[cell]
    decay = [total[c] / (value[c] * weights[c[1]]) if weights[c[1]] else 0.0 for c in cells]
    return cells, [value[c] for c in cells], [total[c] for c in cells], decay, score


@settings(max_examples=100, deadline=None)
@given(interactions(), st.data())
def test_roll_up_matches_a_plain_loop(data, draw):
    points = contact_points(**data)
    size = data["size"]
    account = np.array(draw.draw(st.lists(st.integers(-1, 2), min_size=size, max_size=size)))
    person_weight = np.array(
        draw.draw(st.lists(st.sampled_from([0.5, 1.0, 2.0]), min_size=size, max_size=size))
    )
    rolled, breadth = roll_up_points(
        points, account=account, person_weight=person_weight, weights=data["weights"], size=3,
        breadth_points=4.0, breadth_cap=2,
    )  # fmt: skip
    cells, value, total, decay, score = _reference_accounts(
        points, account, person_weight, data["weights"], 3
    )
    assert list(zip(rolled.row.tolist(), rolled.signal.tolist(), strict=True)) == cells
    np.testing.assert_allclose(rolled.value, value, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(rolled.contribution, total, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(rolled.decay, decay, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(rolled.score, score, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(breadth, 4.0 * np.clip(np.bincount(
        account[(points.score > 0) & (account >= 0)], minlength=3) - 1, 0, 2))  # fmt: skip
