"""The latest event (``as_of=None``) is something that happened, never a plan."""

import pandas as pd

from customer_understanding import CustomerBase
from customer_understanding.ingest import Source

ACCOUNTS = pd.DataFrame({"Id": ["001A"], "Name": ["Acme"], "CreatedDate": ["2026-01-05"]})
TASKS = pd.DataFrame({"Id": ["00T1"], "AccountId": ["001A"], "TaskSubtype": ["Call"],
                      "CreatedDate": ["2026-03-01T10:00:00Z"]})  # fmt: skip


def _base(*, is_closed: bool, is_won: bool) -> CustomerBase:
    deals = pd.DataFrame({"Id": ["006A"], "AccountId": ["001A"], "Name": ["Renewal"],
                          "StageName": ["Closed Won" if is_won else "Negotiation"],
                          "IsClosed": [is_closed], "IsWon": [is_won],
                          "CreatedDate": ["2026-02-01"], "CloseDate": ["2026-12-31"]})  # fmt: skip
    frames = {"salesforce.Account": ACCOUNTS, "salesforce.Task": TASKS,
              "salesforce.Opportunity": deals}  # fmt: skip
    return CustomerBase.build([Source(name=n, data=f, mapping=n) for n, f in frames.items()])


def test_an_open_deals_expected_close_date_is_not_the_latest_event() -> None:
    latest = _base(is_closed=False, is_won=False).tables.moment(None)
    assert latest.isoformat() == "2026-03-01T10:00:00Z"


def test_a_decided_deals_close_date_is_an_event() -> None:
    latest = _base(is_closed=True, is_won=True).tables.moment(None)
    assert latest.isoformat() == "2026-12-31T00:00:00Z"
