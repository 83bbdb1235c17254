"""Consent as of a moment reads only what could be tied to the person by then.

Dee is first known in HubSpot (January 2026, a private address, subscribed). Her
Salesforce contact is created in June with her work address and an e-mail opt-out; a
Salesforce tracking opt-out naming that contact and a HubSpot "Customer Stories"
subscription for the work address are both dated February. Eve only appears in June; Fay
has been known since 2025 and has stated nothing.
Before June, the base could tie none of the Salesforce or work-address statements to
Dee, and knew nothing of Eve: a record made later does not carry its statements back.
"""

from functools import cache

import pandas as pd
import pytest

import customer_understanding as cu
from customer_understanding.ingest import Source, load
from customer_understanding.traits import evaluate_traits

EXPORTS = {
    "salesforce.Account": [{"Id": "001A", "Name": "Acme", "Website": "acme.com",
                            "CreatedDate": "2025-01-01"}],
    "salesforce.Contact": [
        {"Id": "003D", "AccountId": "001A", "FirstName": "Dee", "LastName": "Park",
         "Email": "dee@acme.com", "Phone": "+1 415 555 0100", "HasOptedOutOfEmail": "true",
         "CreatedDate": "2026-06-01"},
        {"Id": "003E", "AccountId": "001A", "FirstName": "Eve", "LastName": "Ro",
         "Email": "eve@acme.com", "HasOptedOutOfEmail": "false", "CreatedDate": "2026-06-01"},
        {"Id": "003F", "AccountId": "001A", "FirstName": "Fay", "LastName": "Wu",
         "Email": "fay@acme.com", "CreatedDate": "2025-02-01"},
    ],
    "hubspot.contacts": [
        {"hs_object_id": "61", "email": "dee.park@gmail.com", "firstname": "Dee",
         "lastname": "Park", "phone": "+1 415 555 0100", "company": "Acme",
         "hs_email_optout": "false", "createdate": "2026-01-10"},
    ],
    "salesforce.ContactPointTypeConsent": [
        {"Id": "0ZW9", "PartyId": "003D", "DataUsePurpose": "Web and Product Analytics",
         "PrivacyConsentStatus": "OptOut", "EffectiveFrom": "2026-02-01"},
    ],
    "hubspot.subscriptions": [
        {"email": "dee@acme.com", "subscription_name": "Customer Stories",
         "status": "SUBSCRIBED", "timestamp": "2026-02-01T10:00:00Z"},
    ],
    "web.visits": [
        {"visit_id": f"v{n}", "timestamp": at, "domain": "acme.com", "page": "/",
         "email": "fay@acme.com"}
        for n, at in enumerate(["2025-05-01T10:00:00Z", "2026-03-01T10:00:00Z",
                                "2026-07-01T10:00:00Z"])
    ],
}  # fmt: skip


@cache
def _base() -> cu.CustomerBase:
    sources = [Source(name=name, data=rows, mapping=name) for name, rows in EXPORTS.items()]
    return cu.CustomerBase.build(load(sources))


def _status(as_of: str) -> dict[tuple[str, str], str]:
    base = _base()
    names = dict(zip(base.contacts.column("id"), base.contacts.column("first_name"), strict=True))
    frame = base.consents(as_of=as_of).to_pandas()
    return {(names[row.contact_id], row.purpose): row.status for row in frame.itertuples()}


def test_the_people_are_resolved_as_the_story_says() -> None:
    assert len(_base().contacts) == 3


@pytest.mark.parametrize(
    ("as_of", "dee_marketing", "dee_tracking", "dee_references", "eve_marketing"),
    [
        ("2026-03-01", "granted", "unknown", "unknown", "unknown"),
        ("2026-07-01", "denied", "denied", "granted", "granted"),
    ],
)
def test_statements_count_from_when_their_record_was_known(
    as_of: str, dee_marketing: str, dee_tracking: str, dee_references: str, eve_marketing: str
) -> None:
    status = _status(as_of)
    # Undated flags count from their record's creation: Salesforce's opt-out from June.
    assert status[("Dee", "marketing")] == dee_marketing
    # A dated statement naming a record counts once that record exists.
    assert status[("Dee", "tracking")] == dee_tracking
    # A statement found by an e-mail address counts once a record carries the address.
    assert status[("Dee", "references")] == dee_references
    assert status[("Eve", "marketing")] == eve_marketing


@pytest.mark.parametrize(("as_of", "granted"), [("2025-06-01", 0.0), ("2026-03-01", 1.0)])
def test_an_account_counts_no_consent_of_people_not_known_yet(as_of: str, granted: float) -> None:
    counts = evaluate_traits(_base(), ["marketing_consent"], as_of=as_of,
                             level="account").to_pandas()  # fmt: skip
    assert counts["marketing_consent"].tolist() == [granted]  # Dee's HubSpot grant, not Eve's


def test_a_statement_says_since_when_it_is_tied_to_its_contact() -> None:
    consents = _base().tables.consents
    known = pd.to_datetime(consents.column("known_at"), utc=True)
    by_id = dict(zip(consents.column("source_id"), known.strftime("%Y-%m-%d"), strict=True))
    assert by_id == {"61": "2026-01-10", "003D": "2026-06-01", "003E": "2026-06-01",
                     "0ZW9": "2026-06-01", "0": "2026-06-01"}  # fmt: skip
