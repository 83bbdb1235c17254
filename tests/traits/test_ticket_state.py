"""Ticket status and satisfaction as of a past moment, from the audit trail or update times."""

import numpy as np
import pandas as pd
import pytest

from customer_understanding import CustomerBase
from customer_understanding.ingest import Source, load
from customer_understanding.traits import get_trait

ORGS = pd.DataFrame({"id": ["900"], "name": ["Acme"], "domain_names": ["acme.com"],
                     "created_at": ["2026-01-01T00:00:00Z"]})  # fmt: skip
USERS = pd.DataFrame({"id": ["500"], "name": ["Ann Lee"], "email": ["ann@acme.com"],
                      "phone": [None], "organization_id": ["900"], "role": ["end-user"],
                      "created_at": ["2026-01-02T00:00:00Z"]})  # fmt: skip
# T1 has an audit trail: new, open, solved (offered a survey), rated good two days later.
# T2 has none: solved and rated bad, last updated on 10 March.
TICKETS = pd.DataFrame({
    "id": ["1", "2"], "requester_id": ["500", "500"], "organization_id": ["900", "900"],
    "subject": ["Login", "Export"], "priority": ["high", "normal"],
    "status": ["solved", "solved"], "satisfaction_rating": ["good", "bad"],
    "created_at": ["2026-03-01T09:00:00Z", "2026-03-01T10:00:00Z"],
    "updated_at": ["2026-03-07T09:00:00Z", "2026-03-10T09:00:00Z"],
})  # fmt: skip
AUDITS = pd.DataFrame({
    "id": ["a1", "a2", "a3", "a4"], "ticket_id": ["1", "1", "1", "1"],
    "created_at": ["2026-03-01T09:00:00Z", "2026-03-02T09:00:00Z", "2026-03-05T09:00:00Z",
                   "2026-03-07T09:00:00Z"],
    "author_id": ["500", "77", "77", "500"],
    "status": ["new", "open", "solved", "solved"],
    "satisfaction_rating": ["unoffered", "unoffered", "offered", "good"],
})  # fmt: skip


def _base(*, audits: bool = True) -> CustomerBase:
    frames = {"zendesk.organizations": ORGS, "zendesk.users": USERS, "zendesk.tickets": TICKETS}
    if audits:
        frames["zendesk.ticket_audits"] = AUDITS
    sources = [Source(name=name, data=frame, mapping=name) for name, frame in frames.items()]
    return CustomerBase.build(load(sources))


def _trait(base: CustomerBase, name: str, when: str) -> float:
    tables = base.tables
    return float(get_trait(name).evaluate(tables, as_of=tables.moment(when), level="account")[0])


@pytest.mark.parametrize(
    ("when", "open_", "p2_open", "rating"),  # T1 is P2 (high), T2 is P3
    [
        ("2026-03-03", 2, 1, np.nan),  # T1 open by its trail, T2 changed later: open
        ("2026-03-06", 1, 0, np.nan),  # T1 solved, not rated yet
        ("2026-03-08", 1, 0, 1.0),  # T1 rated good; T2 still changes on 10 March
        ("2026-03-11", 0, 0, 0.5),  # both as exported
    ],
)
def test_status_and_rating_as_of_a_past_moment(when, open_, p2_open, rating):
    base = _base()
    assert _trait(base, "open_tickets", when) == open_
    assert _trait(base, "open_p2_tickets", when) == p2_open
    assert _trait(base, "satisfaction", when) == pytest.approx(rating, nan_ok=True)


def test_a_bad_rating_counts_as_a_complaint_only_once_given():
    base = _base()
    assert _trait(base, "complaints_30d", "2026-03-10T08:59:59Z") == 0
    assert _trait(base, "complaints_30d", "2026-03-10T09:00:00Z") == 1  # the boundary counts


def test_without_a_trail_update_times_keep_the_future_out():
    base = _base(audits=False)
    assert _trait(base, "open_tickets", "2026-03-06") == 2
    assert _trait(base, "open_tickets", "2026-03-08") == 1
    assert _trait(base, "satisfaction", "2026-03-08") == pytest.approx(1.0)


def test_audits_are_no_touches_and_travel_with_their_ticket():
    base = _base()
    tables = base.tables
    as_of = tables.moment("2026-03-03")
    assert _trait(base, "service_touches_30d", "2026-03-03") == 2  # the two tickets only
    (account,) = tables.accounts.column("id")
    own = tables.for_accounts([account])
    trait = get_trait("open_tickets")
    assert trait.evaluate(own, as_of=as_of, level="account").tolist() == [2.0]


def test_audit_of_an_unknown_ticket_is_ignored():
    stray = AUDITS.assign(ticket_id="404")
    frames = {"zendesk.organizations": ORGS, "zendesk.users": USERS,
              "zendesk.tickets": TICKETS, "zendesk.ticket_audits": stray}  # fmt: skip
    base = CustomerBase.build(
        load([Source(name=name, data=frame, mapping=name) for name, frame in frames.items()])
    )
    assert _trait(base, "open_tickets", "2026-03-11") == 0
