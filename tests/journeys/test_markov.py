import numpy as np
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.journeys import (
    MarkovRemovalEffect,
    Outcomes,
    Touches,
    prepare,
    transition_counts,
)

from ._reference import markov_removal_exact, paths_of, random_journeys


def _inputs(journey, at, channel, converted, channels):
    touches = Touches(journey=journey, at=at, channel=channel, channels=channels)
    return touches, Outcomes(converted=converted)


def test_hand_worked_chain():
    # Paths: a>b converts, b fails, a>c>b converts, a>c>b fails.
    touches, outcomes = _inputs(
        [0, 0, 1, 2, 2, 2, 3, 3, 3],
        [1, 2, 1, 1, 2, 3, 1, 2, 3],
        [0, 1, 1, 0, 2, 1, 0, 2, 1],
        [True, False, True, False],
        ("a", "b", "c"),
    )
    fit = MarkovRemovalEffect().fit(touches, outcomes)
    # start→a 3/4, start→b 1/4; a→b 1/3, a→c 2/3; c→b 1; b→conv 2/4.
    assert fit.conversion_probability == pytest.approx(0.5)
    # Without a: 1/4 · 1/2 = 1/8; without b: 0; without c: 3/4 · 1/3 · 1/2 + 1/8 = 1/4.
    assert fit.removal_effects == pytest.approx([0.75, 1.0, 0.5])
    assert fit.shares == pytest.approx([0.75 / 2.25, 1 / 2.25, 0.5 / 2.25])


@pytest.mark.parametrize("seed", range(8))
def test_removal_effects_equal_an_exact_rational_solution(seed):
    rng = np.random.default_rng(seed)
    journey, at, channel, converted = random_journeys(rng, journeys=40, channels=5, touches=110)
    touches, outcomes = _inputs(journey, at, channel, converted, tuple("abcde"))
    fit = MarkovRemovalEffect().fit(touches, outcomes)
    full, effects, shares = markov_removal_exact(paths_of(journey, at, channel, converted), 5)
    assert abs(fit.conversion_probability - float(full)) < 1e-12
    assert np.abs(fit.removal_effects - np.array(effects, dtype=float)).max() < 1e-9
    assert np.abs(fit.shares - np.array(shares, dtype=float)).max() < 1e-9


def test_repeated_touches_of_a_channel_do_not_change_removal_effects():
    once = _inputs([0, 0, 1], [1, 2, 1], [0, 1, 1], [True, False], ("a", "b"))
    twice = _inputs([0, 0, 0, 1], [1, 2, 3, 1], [0, 0, 1, 1], [True, False], ("a", "b"))
    first = MarkovRemovalEffect().fit(*once).removal_effects
    assert MarkovRemovalEffect().fit(*twice).removal_effects == pytest.approx(first)


def test_credits_follow_removal_effects_within_each_journey():
    touches, outcomes = _inputs([0, 0, 1], [1, 2, 1], [0, 1, 1], [True, False], ("a", "b"))
    result = MarkovRemovalEffect().attribute(touches, outcomes)
    # Removal effects: a 0.5, b 1.0 → the converting journey splits 1 : 2.
    assert result.credit == pytest.approx([1 / 3, 2 / 3, 0.0])


def test_without_conversions_every_removal_effect_is_zero():
    touches, outcomes = _inputs([0, 1], [1, 1], [0, 1], [False, False], ("a", "b"))
    fit = MarkovRemovalEffect().fit(touches, outcomes)
    assert fit.conversion_probability == 0.0
    assert fit.shares.tolist() == [0.0, 0.0]


def test_channel_never_touched_has_no_removal_effect():
    touches, outcomes = _inputs([0, 1], [1, 1], [0, 1], [True, False], ("a", "b", "unused"))
    assert MarkovRemovalEffect().fit(touches, outcomes).removal_effects[2] == 0.0


def test_transition_counts_include_start_and_absorbing_states():
    touches, outcomes = _inputs([0, 0, 1], [1, 2, 1], [0, 1, 1], [True, False], ("a", "b"))
    counts = transition_counts(prepare(touches, outcomes), outcomes.converted)
    start, conversion, null = 2, 3, 4
    assert counts[start].tolist() == [1, 1, 0, 0, 0]
    assert counts[1, conversion] == 1
    assert counts[1, null] == 1
    assert counts.sum() == 5


def test_transition_matrix_rows_are_probabilities():
    touches, outcomes = _inputs([0, 0, 1], [1, 2, 1], [0, 1, 1], [True, False], ("a", "b"))
    matrix = MarkovRemovalEffect().fit(touches, outcomes).transition_matrix()
    assert matrix.loc["(start)", "a"] == 0.5
    assert matrix.loc["b", "(conversion)"] == 0.5


@pytest.mark.parametrize(("seed", "order"), [(0, 2), (1, 2), (2, 3), (3, 3)])
def test_higher_order_removal_effects_equal_an_exact_rational_solution(seed, order):
    rng = np.random.default_rng(seed)
    journey, at, channel, converted = random_journeys(rng, journeys=30, channels=3, touches=80)
    touches, outcomes = _inputs(journey, at, channel, converted, tuple("abc"))
    fit = MarkovRemovalEffect(order=order).fit(touches, outcomes)
    full, _, shares = markov_removal_exact(
        paths_of(journey, at, channel, converted), 3, order=order
    )
    assert abs(fit.conversion_probability - float(full)) < 1e-12
    assert np.abs(fit.shares - np.array(shares, dtype=float)).max() < 1e-9


def test_second_order_states_are_labelled_by_their_channels():
    touches, outcomes = _inputs([0, 0, 0, 1], [1, 2, 3, 1], [0, 1, 1, 1], [True, False], ("a", "b"))
    fit = MarkovRemovalEffect(order=2).fit(touches, outcomes)
    assert fit.states == ("a", "b", "a>b", "b>b")
    assert fit.transition_matrix().loc["a>b", "b>b"] == 1.0


@pytest.mark.parametrize("order", [0, 5, 1.5])
def test_order_out_of_range_is_rejected(order):
    with pytest.raises(InvalidValueError, match="order="):
        MarkovRemovalEffect(order=order)
