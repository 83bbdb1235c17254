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
     "CreatedDate": "2025-06-01", "CloseDate": "2025-07-01", "Type": "Renewal"},
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


def _base(product_days: list[str], deals: list[dict[str, object]] = DEALS) -> cu.CustomerBase:
    sources = [
        cu.Source(name="a", data=ACCOUNTS, mapping="salesforce.Account"),
        cu.Source(name="c", data=CONTACTS, mapping="salesforce.Contact"),
        cu.Source(name="l", data=LEADS, mapping="salesforce.Lead"),
        cu.Source(name="h", data=LEAD_HISTORY, mapping="salesforce.LeadHistory"),
        cu.Source(name="o", data=deals, mapping="salesforce.Opportunity"),
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


@pytest.mark.parametrize("kind", ["Existing Customer - Upgrade", None])
def test_a_lost_upsell_or_a_deal_of_no_kind_is_no_churn(kind: str | None) -> None:
    # The health score's renewal_lost trait reads the same rule: only renewals end a customer.
    deals = [{**deal, "Type": kind} if deal["Id"] == "O2" else deal for deal in DEALS]
    base = _base(["2025-03-01", "2025-05-01"], deals)
    history = _stages(base, "account")
    assert "churned" not in set(history["stage"])
    assert "dormant" in set(history["stage"])  # quiet product use is still seen
    lost = cu.traits.evaluate_traits(base, ["renewal_lost"], as_of="2025-12-01")
    assert set(lost["renewal_lost"]) == {0.0}


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


def test_use_winding_down_after_the_loss_delays_churn_until_it_stops() -> None:
    # Users keep logging in for ten days after the lost renewal (the contract runs
    # out), then stop: the customer has churned once the product has been quiet.
    history = _stages(_base(["2025-03-01", "2025-07-01", "2025-07-06", "2025-07-11"]), "account")
    churned = history[history["stage"] == "churned"]
    assert len(churned) == 1
    assert churned["at"].iloc[0] >= pd.Timestamp("2025-08-10", tz="UTC")


def test_build_takes_custom_stage_rules() -> None:
    sources = [
        cu.Source(name="a", data=ACCOUNTS, mapping="salesforce.Account"),
        cu.Source(name="o", data=DEALS, mapping="salesforce.Opportunity"),
        cu.Source(name="p", data=_product(["2025-03-01"]), mapping="product.events"),
    ]
    default = stage_history(cu.CustomerBase.build(sources), level="account").to_pandas()
    patient = CustomerStageRules(churn_days=400)
    built = cu.CustomerBase.build(sources, stage_rules=patient)
    slow = stage_history(built, level="account").to_pandas()
    assert "churned" in set(default["stage"])
    assert "churned" not in set(slow["stage"])


def test_build_refuses_stage_rules_of_another_type() -> None:
    source = cu.Source(name="a", data=ACCOUNTS, mapping="salesforce.Account")
    with pytest.raises(InvalidValueError, match="stage_rules='weekly'"):
        cu.CustomerBase.build([source], stage_rules="weekly")  # type: ignore[arg-type]


def test_the_lifecycle_segmenter_reads_the_one_churn_rule() -> None:
    base = _base(["2025-03-01", "2025-05-01"])
    segments = cu.segmentation.LifecycleSegmenter().assign(base, as_of=None).to_pandas()
    by_id = dict(zip(segments["account_id"], segments["segment"], strict=True))
    acme, beta = base.accounts.column("id")
    assert by_id[acme] == "churned"
    assert by_id[beta] != "churned"
    before = cu.segmentation.LifecycleSegmenter().assign(base, as_of="2025-06-01").to_pandas()
    assert "churned" not in set(before["segment"])


HS_CONTACTS = [{"hs_object_id": "901", "email": "cy@gamma.dev", "lastname": "Cy",
                "createdate": "2025-01-02"}]  # fmt: skip
HS_STATUS = [
    {"id": "1", "contact_id": "901", "property": "hs_lead_status", "value": "NEW",
     "timestamp": "2025-01-02T10:00:00Z", "source_type": "CRM_UI"},
    {"id": "2", "contact_id": "901", "property": "hs_lead_status", "value": "CONNECTED",
     "timestamp": "2025-01-04T10:00:00Z", "source_type": "CRM_UI"},
    {"id": "3", "contact_id": "901", "property": "hs_lead_status", "value": "IN_PROGRESS",
     "timestamp": "2025-01-09T10:00:00Z", "source_type": "CRM_UI"},
    {"id": "4", "contact_id": "901", "property": "hs_lead_status", "value": "UNQUALIFIED",
     "timestamp": "2025-03-01T10:00:00Z", "source_type": "CRM_UI"},
]  # fmt: skip


def test_hubspot_lead_status_history_becomes_dated_entries() -> None:
    sources = [
        cu.Source(name="c", data=HS_CONTACTS, mapping="hubspot.contacts"),
        cu.Source(name="s", data=HS_STATUS, mapping="hubspot.lead_status_history"),
    ]
    history = _stages(cu.CustomerBase.build(sources), "contact")
    entries = history[history["stage"].isin(["known", "engaged", "sal", "recycled"])]
    assert entries["stage"].tolist() == ["known", "engaged", "sal", "recycled"]
    assert entries["at"].iloc[2] == pd.Timestamp("2025-01-09T10:00:00Z")


@pytest.mark.parametrize(
    ("mapping", "rows", "column", "value"),
    [
        ("salesforce.LeadHistory", [{**LEAD_HISTORY[0], "NewValue": "Banana"}], "NewValue",
         "Banana"),
        ("salesforce.LeadHistory", [{**LEAD_HISTORY[0], "CreatedDate": "someday"}],
         "CreatedDate", "someday"),
        ("hubspot.lead_status_history", [{**HS_STATUS[0], "value": "MAYBE"}], "value", "MAYBE"),
        ("hubspot.lead_status_history", [{**HS_STATUS[0], "timestamp": "soon"}], "timestamp",
         "soon"),
    ],
)  # fmt: skip
def test_lead_status_presets_name_the_bad_row_column_and_value(
    mapping: str, rows: list[dict[str, str]], column: str, value: str
) -> None:
    source = cu.Source(name="history", data=rows, mapping=mapping)
    with pytest.raises(cu.IngestError, match=f"row 0, column '{column}', value '{value}'"):
        cu.load([source])
    lenient = cu.load([source], policy="lenient")
    assert lenient.report.rejected == 1
    assert lenient.report.problems[0].column == column


def test_the_lead_history_preset_skips_other_fields_rows() -> None:
    rows = [*LEAD_HISTORY, {**LEAD_HISTORY[0], "Id": "H9", "Field": "Owner", "NewValue": "Kim"}]
    loaded = cu.load([cu.Source(name="history", data=rows, mapping="salesforce.LeadHistory")])
    assert (loaded.report.loaded, loaded.report.skipped) == (len(LEAD_HISTORY), 1)


def _two_customers() -> list[cu.Source]:
    """Acme and Beta both buy; Acme's users log in every month, nobody at Beta ever."""
    deals = [*DEALS[:1], {**DEALS[2], "StageName": "Closed Won", "CloseDate": "2025-03-15"}]
    days = [f"2025-{month:02d}-10" for month in range(2, 11)]
    return [
        cu.Source(name="a", data=ACCOUNTS, mapping="salesforce.Account"),
        cu.Source(name="c", data=CONTACTS, mapping="salesforce.Contact"),
        cu.Source(name="o", data=deals, mapping="salesforce.Opportunity"),
        cu.Source(name="p", data=_product(days).iloc[:-1], mapping="product.events"),
    ]


def test_a_customer_who_never_uses_the_tracked_product_goes_dormant() -> None:
    base = cu.CustomerBase.build(_two_customers())
    history = _stages(base, "account")
    acme, beta = base.accounts.column("id")
    assert history[history["account_id"] == beta]["stage"].tolist()[-1] == "dormant"
    assert "dormant" not in set(history[history["account_id"] == acme]["stage"])


def test_without_product_data_nobody_is_dormant() -> None:
    sources = [
        cu.Source(name="a", data=ACCOUNTS, mapping="salesforce.Account"),
        cu.Source(name="o", data=DEALS[:1], mapping="salesforce.Opportunity"),
        cu.Source(name="t", data=[{"id": "t1", "organization_id": "x", "subject": "help",
                                   "created_at": "2025-12-01", "priority": "low"}],
                  mapping="zendesk.tickets"),
    ]  # fmt: skip
    history = _stages(cu.CustomerBase.build(sources), "account")
    assert "dormant" not in set(history["stage"])
    assert "onboarding" in set(history["stage"])


def test_stages_decided_in_small_groups_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = _stages(cu.CustomerBase.build(_two_customers()), "account")
    monkeypatch.setattr("customer_understanding.base._lifecycle._CHUNK", 3)
    pieces = _stages(cu.CustomerBase.build(_two_customers()), "account")
    pd.testing.assert_frame_equal(whole, pieces)
    assert {"adopting", "dormant"} <= set(pieces["stage"])
