"""Every journeys entry point with a moment takes every form of it, and counts an event at it."""

from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

import customer_understanding as cu
from customer_understanding.journeys import (
    Funnel,
    deal_journeys,
    dormancy,
    kpi_tables,
    stage_history,
)
from customer_understanding.typing import Moment

AS_OF = datetime(2026, 6, 1, tzinfo=UTC)
FIRST = datetime(2026, 1, 15, tzinfo=UTC)
#: Every form of the moment 2026-06-01T00:00Z the library accepts (None: the latest event).
SAME = [
    None,
    "2026-06-01",
    "2026/06/01",
    datetime(2026, 6, 1, 2, tzinfo=timezone(timedelta(hours=2))),
    date(2026, 6, 1),
    int(pd.Timestamp(AS_OF).value),
    pd.Timestamp("2026-06-01", tz="UTC"),
    np.datetime64("2026-06-01T00:00"),
]
EARLIER = int(pd.Timestamp(AS_OF).value) - 1


def _base() -> cu.CustomerBase:
    """One won deal closing exactly at AS_OF, and a touch exactly at AS_OF (the last event)."""
    roles = [cu.ContactRole(contact_id="c1", role="champion")]
    deal = cu.Opportunity(id="o1", account_id="a1", amount=1000.0, outcome="won",
                          created_at="2026-03-01", closed_at=AS_OF,
                          contact_roles=roles)  # fmt: skip
    touches = [
        cu.Interaction(id="i1", occurred_at=FIRST, type="email_open", channel="email",
                       contact_id="c1"),
        cu.Interaction(id="i2", occurred_at="2026-05-20", type="meeting", channel="event",
                       contact_id="c1", opportunity_id="o1"),
        cu.Interaction(id="i3", occurred_at=AS_OF, type="meeting", channel="event",
                       contact_id="c1", opportunity_id="o1"),
    ]  # fmt: skip
    return cu.CustomerBase.from_objects(
        accounts=[cu.Account(id="a1")],
        contacts=[cu.Contact(id="c1", account_id="a1", title="CFO")],
        interactions=touches,
        opportunities=[deal],
    )


BASE = _base()


def _agree(frames: list[pd.DataFrame]) -> None:
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])


@pytest.mark.parametrize("entry", ["kpi_tables", "deal_journeys"])
def test_base_entry_points_take_every_form_of_a_moment(entry: str) -> None:
    run = {"kpi_tables": kpi_tables, "deal_journeys": deal_journeys}[entry]
    results = [run(BASE, as_of=value) for value in SAME]
    assert {result.as_of for result in results} == {Moment(EARLIER + 1)}
    assert all(isinstance(result.as_of, Moment) for result in results)
    _agree([result.to_pandas() for result in results])
    assert run(BASE, as_of=FIRST).as_of == Moment(int(pd.Timestamp(FIRST).value))


def test_a_win_and_a_touch_exactly_at_as_of_count() -> None:
    at = deal_journeys(BASE, as_of="2026-06-01")
    before = deal_journeys(BASE, as_of=EARLIER)
    assert at.outcomes.converted.tolist() == [True]
    assert before.outcomes.converted.tolist() == [False]
    assert len(at.touches) == len(before.touches) + 1
    assert kpi_tables(BASE, as_of=AS_OF).to_pandas()["last_touch"].sum() == 1000.0
    assert kpi_tables(BASE, as_of=EARLIER).to_pandas()["last_touch"].sum() == 0.0


def test_funnel_takes_every_form_and_counts_an_entry_at_as_of() -> None:
    history = stage_history(BASE)
    funnel = Funnel(steps=("opportunity", "won"))
    tables = [funnel.measure(history, as_of=value) for value in SAME]
    _agree([table.to_pandas() for table in tables])
    assert tables[0].to_pandas()["converted"].tolist() == [1]
    assert funnel.measure(history, as_of=EARLIER).to_pandas()["converted"].tolist() == [0]
    first = int(history.at.min())  # the history's own first event
    assert funnel.measure(history, as_of=first).to_pandas()["entered"].tolist() == [1]


def test_dormancy_takes_every_form_and_counts_an_activity_at_as_of() -> None:
    day = 86_400 * 10**9
    at = np.array([int(pd.Timestamp(FIRST).value), EARLIER + 1])
    spells = [dormancy([0, 0], at, subjects=1, days=30, as_of=value) for value in SAME]
    _agree([spell.to_pandas() for spell in spells])
    assert spells[0].reactivated.tolist() == [True]  # the activity at as_of reactivates
    assert dormancy([0, 0], at, subjects=1, days=30, as_of=EARLIER).reactivated.tolist() == [False]
    assert len(dormancy([0, 0], at, subjects=1, days=30, as_of=int(at[0]) + day)) == 0
    assert len(dormancy([0, 0], at, subjects=1, days=30, as_of=int(at[0]))) == 0
