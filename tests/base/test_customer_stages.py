"""Customer-side stages, lead-status histories and deal values on small hand-made exports."""

from __future__ import annotations

import pandas as pd
import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError
from customer_understanding.base import CustomerStageRules
from customer_understanding.journeys import deal_funnel, kpi_tables, stage_history

ACCOUNTS = [
    {"Id": "A1", "Name": "Acme", "Website": "acme.com", "CreatedDate": "2025-01-01"},
    {"Id": "A2", "Name": "Beta", "Website": "beta.io", "CreatedDate": "2025-01-01"},
]
CONTACTS = [{"Id": "C1", "AccountId": "A1", "Email": "ann@acme.com", "LastName": "Lee",
             "CreatedDate": "2025-01-02"},
            {"Id": "C2", "AccountId": "A2", "Email": "bo@beta.io", "LastName": "Bo",
             "CreatedDate": "2025-01-02"}]  # fmt: skip
DEALS = [
    {"Id": "O1", "AccountId": "A1", "Amount": 1000, "StageName": "Closed Won",
     "CreatedDate": "2025-01-10", "CloseDate": "2025-02-01"},
    {"Id": "O2", "AccountId": "A1", "Amount": 500, "StageName": "Closed Lost",
     "CreatedDate": "2025-06-01", "CloseDate": "2025-07-01"},
    {"Id": "O3", "AccountId": "A2", "Amount": 700, "StageName": "Prospecting",
     "CreatedDate": "2025-03-01", "CloseDate": "2025-12-01"},
]  # fmt: skip
LEAD_HISTORY = [
    {"Id": "H1", "LeadId": "L1", "Field": "Status", "NewValue": "Open - Not Contacted",
     "CreatedDate": "2025-01-03"},
    {"Id": "H2", "LeadId": "L1", "Field": "Status", "NewValue": "Working - Contacted",
     "CreatedDate": "2025-01-05"},
    {"Id": "H3", "LeadId": "L1", "Field": "Status", "NewValue": "Sales Accepted",
     "CreatedDate": "2025-01-09"},
    {"Id": "H4", "LeadId": "L1", "Field": "Status", "NewValue": "Closed - Not Converted",
     "CreatedDate": "2025-02-09"},
]  # fmt: skip
LEADS = [{"Id": "L1", "Email": "ann@acme.com", "LastName": "Lee",
          "Status": "Closed - Not Converted", "CreatedDate": "2025-01-03"}]  # fmt: skip


def _product(days: list[str]) -> pd.DataFrame:
    rows = [{"event_id": f"e{i}", "email": "ann@acme.com", "user_id": "u1", "event": "login",
             "timestamp": day} for i, day in enumerate(days)]  # fmt: skip
    # Someone at the prospect keeps the data running past the customer's lost deal.
    rows.append(
        {
            "event_id": "late",
            "email": "bo@beta.io",
            "user_id": "u2",
            "event": "login",
            "timestamp": "2025-10-01",
        }
    )
    return pd.DataFrame(rows, columns=["event_id", "email", "user_id", "event", "timestamp"])


def _base(product_days: list[str]) -> cu.CustomerBase:
    sources = [
        cu.Source(name="a", data=ACCOUNTS, mapping="salesforce.Account"),
        cu.Source(name="c", data=CONTACTS, mapping="salesforce.Contact"),
        cu.Source(name="l", data=LEADS, mapping="salesforce.Lead"),
        cu.Source(name="h", data=LEAD_HISTORY, mapping="salesforce.LeadHistory"),
        cu.Source(name="o", data=DEALS, mapping="salesforce.Opportunity"),
        cu.Source(name="p", data=_product(product_days), mapping="product.events"),
    ]
    return cu.CustomerBase.build(sources)


def _stages(base: cu.CustomerBase, level: str) -> pd.DataFrame:
    return stage_history(base, level=level).to_pandas()  # type: ignore[arg-type]


def test_lead_status_history_becomes_contact_stage_entries() -> None:
    history = _stages(_base(["2025-03-01"]), "contact")
    assert {"known", "engaged", "sal", "recycled"} <= set(history["stage"])


def test_a_customer_starts_onboarding_at_its_first_won_close() -> None:
    history = _stages(_base(["2025-03-01"]), "account")
    first = history[history["stage"] == "onboarding"]
    assert len(first) == 1
    assert first["at"].iloc[0] == pd.Timestamp("2025-02-01", tz="UTC")


def test_a_prospect_gets_no_customer_side_stage() -> None:
    history = _stages(_base(["2025-03-01"]), "account")
    beta = history[history["account_id"] == _base([]).accounts.column("id")[1]]
    assert not beta["stage"].isin(["onboarding", "adopting", "churned"]).any()


def test_a_lost_deal_and_no_product_use_after_it_is_churn() -> None:
    history = _stages(_base(["2025-03-01", "2025-05-01"]), "account")
    assert "churned" in set(history["stage"])


def test_product_use_after_the_lost_deal_is_no_churn() -> None:
    days = [f"2025-{month:02d}-15" for month in range(3, 13)]
    history = _stages(_base(days), "account")
    assert "churned" not in set(history["stage"])
    assert "adopting" in set(history["stage"])


def test_stage_as_of_reads_only_what_was_known_then() -> None:
    base = _base(["2025-03-01", "2025-05-01"])
    early = cu.traits.LifecycleStage().evaluate(base.tables, as_of=base.tables.moment("2025-03-01"),
                                                level="account")  # fmt: skip
    assert "churned" not in set(early)


def test_deal_funnel_values_sum_to_won_amount() -> None:
    table = deal_funnel(_base([])).to_pandas()
    assert table["value"].tolist() == [2200.0]
    assert table["converted_value"].tolist() == [1000.0]
    waterfall = kpi_tables(_base([])).waterfall
    assert waterfall["converted_value"].sum() == 1000.0


def test_rules_refuse_a_bad_threshold() -> None:
    with pytest.raises(InvalidValueError, match="dormant_days"):
        CustomerStageRules(dormant_days=-1)
    with pytest.raises(InvalidValueError, match="step_days"):
        CustomerStageRules(step_days="weekly")  # type: ignore[arg-type]
