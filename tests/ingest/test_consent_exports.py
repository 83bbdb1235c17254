"""Consent logs load through their presets; bad rows are named by row, column and value."""

import pandas as pd
import pytest

from customer_understanding import IngestError
from customer_understanding.ingest import Source, load, load_source

SF_CONSENT = pd.DataFrame({
    "Id": ["0ZW1", "0ZW2", "0ZW3"],
    "PartyId": ["003A", "003A", "003B"],
    "ContactPointType": ["Email", None, "Phone"],
    "DataUsePurpose": ["Marketing", "Web and Product Analytics", "Sales Calls"],
    "PrivacyConsentStatus": ["OptIn", "OptOut", "NotSeen"],
    "EffectiveFrom": ["2025-03-01", "2026-01-10T08:00:00Z", "2026-02-01"],
})  # fmt: skip
HS_SUBSCRIPTIONS = pd.DataFrame({
    "email": ["Ann@Acme.com", "bob@acme.com"],
    "subscription_name": ["Marketing Information", "Customer Stories"],
    "status": ["NOT_SUBSCRIBED", "SUBSCRIBED"],
    "timestamp": ["2026-02-01T10:00:00Z", "2025-11-05T09:00:00Z"],
})  # fmt: skip


def _table(frame: pd.DataFrame, preset: str) -> pd.DataFrame:
    return load_source(Source(name=preset, data=frame, mapping=preset)).table.to_pandas()


def test_salesforce_consent_records_become_statements_per_purpose_and_channel() -> None:
    table = _table(SF_CONSENT, "salesforce.ContactPointTypeConsent")
    assert table["purpose"].tolist() == ["marketing", "tracking", "sales_outreach"]
    assert table["status"].tolist() == ["granted", "denied", "unknown"]
    assert table["channel"].astype(object).where(table["channel"].notna(), None).tolist() == [
        "email", None, "phone"]  # fmt: skip
    assert table["contact_ref"].tolist() == ["003A", "003A", "003B"]
    assert str(table["at"][1]) == "2026-01-10 08:00:00+00:00"


def test_hubspot_subscriptions_are_email_statements_by_address() -> None:
    table = _table(HS_SUBSCRIPTIONS, "hubspot.subscriptions")
    assert table["email"].tolist() == ["ann@acme.com", "bob@acme.com"]
    assert table["purpose"].tolist() == ["marketing", "references"]
    assert table["status"].tolist() == ["denied", "granted"]
    assert set(table["channel"]) == {"email"}


def test_an_unknown_purpose_rejects_the_row_naming_it() -> None:
    bad = SF_CONSENT.assign(DataUsePurpose=["Marketing", "Telepathy", "Sales Calls"])
    source = Source(name="consent", data=bad, mapping="salesforce.ContactPointTypeConsent")
    loaded = load([source], policy="lenient")
    assert loaded.report.rejected == 1
    problem = loaded.report.problems[0]
    assert (problem.row, problem.column, problem.value) == (1, "DataUsePurpose", "Telepathy")
    with pytest.raises(IngestError, match="DataUsePurpose"):
        load([source], policy="strict")


def test_a_statement_without_an_answer_is_rejected() -> None:
    bad = HS_SUBSCRIPTIONS.assign(status=["SUBSCRIBED", None])
    loaded = load([Source(name="subs", data=bad, mapping="hubspot.subscriptions")],
                  policy="lenient")  # fmt: skip
    assert (loaded.report.loaded, loaded.report.rejected) == (1, 1)
    assert loaded.report.problems[0].reason == "a required value is missing"


def test_an_undated_statement_loads_as_an_undated_one() -> None:
    undated = HS_SUBSCRIPTIONS.assign(timestamp=[None, "not a date"])
    loaded = load([Source(name="subs", data=undated, mapping="hubspot.subscriptions")],
                  policy="lenient")  # fmt: skip
    assert loaded.report.loaded == 2  # a bad optional time is loaded as missing, and said
    assert [p.column for p in loaded.report.problems] == ["timestamp"]
