import numpy as np
import pytest

from customer_understanding import InvalidValueError, UnknownNameError
from customer_understanding.journeys import Funnel, StageHistory, entry_month_cohorts

DAY = 86_400 * 10**9
JAN = 1_767_225_600 * 10**9  # 2026-01-01


def _history(rows, subjects):
    subject, stage, day = zip(*rows, strict=True)
    return StageHistory.build(
        subject=subject, stage=stage, at=[JAN + d * DAY for d in day], subjects=subjects
    )


# Six leads, all followed to the end: three convert (2, 4 and 6 days), two are lost, one
# is recycled (a competing outcome), so nothing is open at day 100.
CLOSED = [
    (0, "mql", 0), (0, "sql", 2),
    (1, "mql", 0), (1, "sql", 4),
    (2, "mql", 0), (2, "sql", 6),
    (3, "mql", 0), (3, "lost", 3),
    (4, "mql", 0), (4, "lost", 5),
    (5, "mql", 0), (5, "recycled", 7),
]  # fmt: skip


def _row(history, as_of_day, **settings):
    table = Funnel(steps=("mql", "sql"), **settings).measure(history, as_of=JAN + as_of_day * DAY)
    return table.to_pandas().iloc[0]


def test_fully_observed_cohort_estimates_equal_the_naive_ratio():
    row = _row(_history(CLOSED, 6), 100)
    assert (row.entered, row.converted, row.failed, row.open) == (6, 3, 3, 0)
    assert row.conversion_naive == 0.5
    assert row.conversion_cif == pytest.approx(0.5)


def test_median_days_to_convert_and_in_stage():
    row = _row(_history(CLOSED, 6), 100)
    assert row.median_days_to_convert == 4.0
    assert row.median_days_in_stage == pytest.approx(4.0)


def test_censored_leads_are_not_counted_as_failures():
    # Two more leads entered on day 9 and are still open on day 10.
    history = _history([*CLOSED, (6, "mql", 9), (7, "mql", 9)], 8)
    row = _row(history, 10)
    assert row.open == 2
    assert row.conversion_naive == pytest.approx(3 / 8)
    assert row.conversion_cif == pytest.approx(0.5)  # the open leads carry no weight


def test_skipping_a_step_still_converts():
    history = _history([(0, "mql", 0), (0, "opportunity", 3)], 1)
    table = Funnel(steps=("mql", "sql", "opportunity")).measure(history, as_of=JAN + 10 * DAY)
    assert table.to_pandas().converted.tolist() == [1, 0]


def test_entries_after_as_of_are_ignored():
    row = _row(_history(CLOSED, 6), 3)
    assert row.entered == 6
    assert row.converted == 1  # only the day-2 conversion has happened by day 3


def test_horizon_limits_the_conversion_window():
    row = _row(_history(CLOSED, 6), 100, horizon_days=3.0)
    assert row.conversion_cif == pytest.approx(1 / 6)


def test_value_is_summed_over_subjects_entering_each_stage():
    value = np.array([10.0, 20.0, 30.0, 40.0, 50.0, 60.0])
    table = Funnel(steps=("mql", "sql")).measure(_history(CLOSED, 6), as_of=JAN, value=value)
    assert table.to_pandas().value.tolist() == [210.0]


def test_cohorts_by_entry_month():
    history = _history([(0, "mql", 0), (0, "sql", 1), (1, "mql", 40)], 2)
    cohort = entry_month_cohorts(history, stage="mql")
    assert cohort[1] == ["2026-01", "2026-02"]
    table = Funnel(steps=("mql", "sql")).measure(history, as_of=JAN + 50 * DAY, cohort=cohort)
    frame = table.to_pandas()
    assert frame.cohort.tolist() == ["2026-01", "2026-02"]
    assert frame.converted.tolist() == [1, 0]


def test_funnel_needs_two_steps():
    with pytest.raises(InvalidValueError, match=r"steps=\('mql',\) must name at least two"):
        Funnel(steps=("mql",))


def test_unknown_step_is_rejected():
    with pytest.raises(UnknownNameError, match="stage='demo_booked'"):
        Funnel(steps=("mql", "demo_booked")).measure(_history(CLOSED, 6), as_of=JAN)
