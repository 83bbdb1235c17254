"""The built-in "new senior contact in an open deal" policy on exports without seniority."""

import pandas as pd

from customer_understanding import CustomerBase
from customer_understanding.ingest import Source
from customer_understanding.signals import evaluate_signals


def _base(title: str) -> CustomerBase:
    frames = {
        "salesforce.Account": pd.DataFrame({
            "Id": ["001A"], "Name": ["Acme SA"], "Website": ["acme.fr"], "OwnerId": ["005X"],
            "CreatedDate": ["2026-01-01"],
        }),
        "salesforce.Contact": pd.DataFrame({
            "Id": ["003A", "003B"], "AccountId": ["001A", "001A"], "FirstName": ["Ann", "Luc"],
            "LastName": ["Lee", "Roy"], "Email": ["ann@acme.fr", "luc@acme.fr"],
            "Title": ["Business Analyst", title],
            "CreatedDate": ["2026-01-05", "2026-05-20"],
        }),
        "salesforce.Opportunity": pd.DataFrame({
            "Id": ["006A"], "AccountId": ["001A"], "Name": ["Acme platform"], "Amount": [30000],
            "StageName": ["Proposal/Price Quote"], "IsClosed": [False], "IsWon": [False],
            "CreatedDate": ["2026-04-01"], "CloseDate": ["2026-07-31"],
        }),
    }  # fmt: skip
    return CustomerBase.build([Source(name=n, data=f, mapping=n) for n, f in frames.items()])


def _fired(base: CustomerBase) -> set[str | None]:
    signals = evaluate_signals(base, as_of="2026-06-01").to_pandas()
    return set(signals.loc[signals["policy"] == "new_senior_contact_in_open_deal", "contact_id"])


def test_a_new_c_level_contact_by_title_raises_the_policy() -> None:
    base = _base("Président-Directeur Général")
    luc = base.contacts.column("id")[base.contacts.column("email").tolist().index("luc@acme.fr")]
    assert _fired(base) == {luc}


def test_a_new_manager_does_not() -> None:
    assert _fired(_base("Responsable Marketing")) == set()
