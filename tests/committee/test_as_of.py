"""Every committee entry point with a moment takes every form of it, and counts an event at it."""

from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

import customer_understanding as cu
from customer_understanding.committee import (
    assign_roles,
    buying_committee,
    committee_coverage,
    committees,
)
from customer_understanding.typing import Moment

AS_OF = datetime(2026, 6, 1, tzinfo=UTC)
FIRST = datetime(2026, 1, 15, tzinfo=UTC)
NANOS = int(pd.Timestamp(AS_OF).value)
SAME = [
    None,
    "2026-06-01",
    "2026/06/01",
    datetime(2026, 6, 1, 2, tzinfo=timezone(timedelta(hours=2))),
    date(2026, 6, 1),
    NANOS,
    pd.Timestamp("2026-06-01", tz="UTC"),
    np.datetime64("2026-06-01T00:00"),
]


def _base() -> cu.CustomerBase:
    """A deal created exactly at AS_OF declaring a role, and a touch exactly at AS_OF."""
    roles = [cu.ContactRole(contact_id="c2", role="champion")]
    deal = cu.Opportunity(id="o1", account_id="a1", created_at=AS_OF, contact_roles=roles)
    touches = [
        cu.Interaction(id="i1", occurred_at=FIRST, type="call", contact_id="c1"),
        cu.Interaction(id="i2", occurred_at=AS_OF, type="meeting", contact_id="c2"),
    ]
    return cu.CustomerBase.from_objects(
        accounts=[cu.Account(id="a1")],
        contacts=[cu.Contact(id="c1", account_id="a1", title="CFO"),
                  cu.Contact(id="c2", account_id="a1", title="Business Analyst")],
        interactions=touches,
        opportunities=[deal],
    )  # fmt: skip


BASE = _base()
ENTRIES = {
    "committees": lambda as_of: committees(BASE, as_of=as_of),
    "buying_committee": lambda as_of: buying_committee(BASE, "a1", as_of=as_of),
    "committee_coverage": lambda as_of: committee_coverage(BASE, as_of=as_of),
}


@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_entry_points_take_every_form_of_a_moment(entry: str) -> None:
    results = [ENTRIES[entry](value) for value in SAME]
    assert {result.as_of for result in results} == {Moment(NANOS)}
    assert all(isinstance(result.as_of, Moment) for result in results)
    frames = [result.to_pandas() for result in results]
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])
    assert ENTRIES[entry](FIRST).as_of == Moment(int(pd.Timestamp(FIRST).value))


def test_events_exactly_at_as_of_count() -> None:
    at = buying_committee(BASE, "a1", as_of=AS_OF).members.set_index("contact_id")
    before = buying_committee(BASE, "a1", as_of=NANOS - 1).members.set_index("contact_id")
    assert at.loc["c2", "last_touch"] == pd.Timestamp(AS_OF)
    assert pd.isna(before.loc["c2", "last_touch"])
    assert (at.loc["c2", "role"], at.loc["c2", "role_source"]) == ("champion", "declared")
    assert before.loc["c2", "role_source"] == "inferred"


def test_assign_roles_takes_every_form_and_counts_a_deal_opened_at_as_of() -> None:
    tables = BASE.tables
    found = [
        assign_roles(tables.contacts, roles=tables.contact_roles, deals=tables.opportunities,
                     as_of=value).to_pandas()
        for value in SAME
    ]  # fmt: skip
    for frame in found[1:]:
        pd.testing.assert_frame_equal(frame, found[0])
    assert found[0].set_index("contact_id").loc["c2", "source"] == "declared"
    # Before the first deal, titles alone give roles: these tables do not say when data starts.
    early = assign_roles(tables.contacts, roles=tables.contact_roles, deals=tables.opportunities,
                         as_of=FIRST).to_pandas()  # fmt: skip
    assert "declared" not in set(early["source"])
