import numpy as np
import pytest

from customer_understanding.journeys import survival_curve


def test_cumulative_incidence_equals_the_naive_ratio_when_fully_observed():
    duration = np.array([1.0, 2.0, 2.0, 5.0, 7.0])
    cause = np.array([1, 1, 2, 1, 2])
    km, cif = survival_curve(duration, cause).at(float("inf"))
    assert cif == pytest.approx(3 / 5)
    assert km > cif  # treating competing outcomes as censoring overstates conversion


def test_kaplan_meier_equals_the_naive_ratio_when_nothing_is_censored_or_competing():
    duration = np.array([3.0, 1.0, 4.0, 1.0])
    curve = survival_curve(duration, np.array([1, 1, 1, 1]))
    assert curve.at(2.0) == pytest.approx((0.5, 0.5))


def test_censoring_raises_the_estimate_above_the_naive_ratio():
    # Two converted early; two still open at day 1 may yet convert: KM does not count them
    # as failures, the naive ratio does.
    duration = np.array([2.0, 3.0, 1.0, 1.0])
    cause = np.array([1, 1, 0, 0])
    km, cif = survival_curve(duration, cause).at(float("inf"))
    assert km == pytest.approx(1.0)
    assert cif == pytest.approx(1.0)
    assert km > 2 / 4


def test_hand_worked_kaplan_meier_with_censoring():
    # t=1 event (4 at risk), t=2 censored, t=3 event (2 at risk), t=4 censored.
    curve = survival_curve(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1, 0, 1, 0]))
    assert curve.km_event.tolist() == pytest.approx([0.25, 1 - 0.75 * 0.5])


def test_median_time_to_any_event():
    curve = survival_curve(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1, 2, 1, 1]))
    assert curve.median() == 2.0


def test_median_is_nan_when_survival_stays_above_half():
    curve = survival_curve(np.array([1.0, 2.0, 3.0]), np.array([1, 0, 0]))
    assert np.isnan(curve.median())
