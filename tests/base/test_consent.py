"""Consent in the base, from small exports in the presets' shapes.

Ann is in Salesforce (not opted out, and a 2025 opt-in record) and in HubSpot, where she
unsubscribed in 2026. Bob is in Salesforce only, opted in to marketing and out of
tracking. Cleo has no consent anywhere.
"""

from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import customer_understanding as cu
from customer_understanding._core import NAT
from customer_understanding.ingest import Source, load
from customer_understanding.segmentation import RuleSegment, RuleSegmenter
from customer_understanding.traits import Condition, evaluate_traits

EXPORTS = {
    "salesforce.Account": [{"Id": "001A", "Name": "Acme", "Website": "acme.com"}],
    "salesforce.Contact": [
        {"Id": "003A", "AccountId": "001A", "FirstName": "Ann", "LastName": "Lee",
         "Email": "ann@acme.com", "HasOptedOutOfEmail": "false"},
        {"Id": "003B", "AccountId": "001A", "FirstName": "Bob", "LastName": "Ng",
         "Email": "bob@acme.com", "HasOptedOutOfEmail": "false"},
        {"Id": "003C", "AccountId": "001A", "FirstName": "Cleo", "LastName": "Diaz",
         "Email": "cleo@acme.com"},
    ],
    "salesforce.ContactPointTypeConsent": [
        {"Id": "0ZW1", "PartyId": "003A", "ContactPointType": "Email",
         "DataUsePurpose": "Marketing", "PrivacyConsentStatus": "OptIn",
         "EffectiveFrom": "2025-03-01"},
        {"Id": "0ZW2", "PartyId": "003B", "ContactPointType": "Email",
         "DataUsePurpose": "Marketing", "PrivacyConsentStatus": "OptIn",
         "EffectiveFrom": "2025-05-01"},
        {"Id": "0ZW3", "PartyId": "003B", "DataUsePurpose": "Web and Product Analytics",
         "PrivacyConsentStatus": "OptOut", "EffectiveFrom": "2026-01-15"},
    ],
    "hubspot.contacts": [
        {"hs_object_id": "51", "email": "ann@acme.com", "firstname": "Ann", "lastname": "Lee",
         "hs_email_optout": "false"},
    ],
    "hubspot.subscriptions": [
        {"email": "ann@acme.com", "subscription_name": "Marketing Information",
         "status": "NOT_SUBSCRIBED", "timestamp": "2026-02-01T10:00:00Z"},
    ],
    "web.visits": [
        {"visit_id": f"v{n}", "timestamp": f"2026-03-0{n + 1}T10:00:00Z", "domain": "acme.com",
         "page": "/pricing", "email": who}
        for n, who in enumerate(["ann@acme.com", "bob@acme.com", "bob@acme.com"])
    ],
    "product.events": [
        {"event_id": "e1", "user_id": "u9", "email": "bob@acme.com", "event": "login",
         "timestamp": "2026-03-05T09:00:00Z"},
    ],
    "hubspot.marketing_events": [
        {"id": "m1", "recipient": "bob@acme.com", "type": "open", "created": "2026-03-06"},
    ],
}  # fmt: skip
AS_OF = "2026-03-10"


@cache
def _base() -> cu.CustomerBase:
    sources = [Source(name=name, data=rows, mapping=name) for name, rows in EXPORTS.items()]
    return cu.CustomerBase.build(load(sources))


def _id(first_name: str) -> str:
    contacts = _base().contacts
    row = int(np.flatnonzero(contacts.column("first_name") == first_name)[0])
    return str(contacts.column("id")[row])


def _register() -> pd.DataFrame:
    return _base().consents(as_of=AS_OF).to_pandas().set_index(["contact_id", "purpose"])


def test_a_newer_opt_out_in_hubspot_beats_an_older_grant_in_salesforce() -> None:
    ann = _register().loc[(_id("Ann"), "marketing")]
    assert ann["status"] == "denied"
    assert (ann["system"], ann["source_id"]) == ("hubspot", "0")
    assert str(ann["stated_at"]) == "2026-02-01 10:00:00+00:00"


def test_before_the_opt_out_the_grant_was_in_force() -> None:
    earlier = _base().consents(as_of="2026-01-20").to_pandas().set_index(["contact_id", "purpose"])
    assert earlier.loc[(_id("Ann"), "marketing"), "status"] == "granted"


def test_the_golden_record_and_the_contact_object_agree_with_the_register() -> None:
    contacts = _base().contacts
    statuses = dict(zip(contacts.labels("first_name"), contacts.labels("marketing_consent"),
                        strict=True))  # fmt: skip
    assert statuses == {"Ann": "denied", "Bob": "granted", "Cleo": "unknown"}
    ann = _base().contact(_id("Ann"))
    assert ann.consent("marketing") is cu.ConsentStatus.DENIED
    assert {c.source.system for c in ann.consents if c.source} == {"salesforce", "hubspot"}


def test_nothing_recorded_is_unknown_and_is_withheld_with_a_reason() -> None:
    assert set(_register().loc[_id("Cleo"), "status"]) == {"unknown"}
    withheld = _base().consents(as_of=AS_OF).withheld("marketing").set_index("contact_id")
    assert withheld.loc[_id("Cleo"), "withheld_because"] == "marketing consent unknown"
    assert withheld.loc[_id("Ann"), "withheld_because"] == (
        "marketing consent denied (hubspot 0, 2026-02-01)"
    )
    assert _base().consents(as_of=AS_OF).granted("marketing").tolist() == [_id("Bob")]


def test_a_tracking_denial_keeps_web_and_product_events_off_the_profile_only() -> None:
    names = ["web_visits_30d", "product_use_30d", "email_touches_30d"]
    people = evaluate_traits(_base(), names, as_of=AS_OF, level="contact").to_pandas()
    people = people.set_index("contact_id")
    assert people.loc[_id("Bob"), names].tolist() == [0, 0, 1]  # the e-mail open stays his
    assert people.loc[_id("Ann"), "web_visits_30d"] == 1
    account = evaluate_traits(_base(), names, as_of=AS_OF).to_pandas()
    assert account[names].iloc[0].tolist() == [3, 1, 1]  # the account still counts them


def test_a_marketing_segmentation_leaves_out_who_did_not_grant_it() -> None:
    everyone = Condition(trait="interactions_90d", op=">=", value=0)
    segmenter = RuleSegmenter(level="contact", purpose="marketing",
                              segments=[RuleSegment(name="all", when=everyone)])  # fmt: skip
    result = segmenter.assign(_base(), as_of=AS_OF)
    assert result.members("all").tolist() == [_id("Bob")]
    assert dict(result.withheld) == {_id("Ann"): "marketing consent denied",
                                     _id("Cleo"): "marketing consent unknown"}  # fmt: skip
    plain = RuleSegmenter(level="contact", segments=[RuleSegment(name="all", when=everyone)])
    assert len(plain.assign(_base(), as_of=AS_OF).members("all")) == 3


def test_the_slice_of_an_account_holds_the_same_consent() -> None:
    account = str(_base().accounts.column("id")[0])
    part = _base().for_accounts([account])
    whole = _base().consents(as_of=AS_OF).to_pandas()
    pd.testing.assert_frame_equal(part.consents(as_of=AS_OF).to_pandas(), whole)


def test_consents_refuses_an_unknown_purpose() -> None:
    with pytest.raises(cu.UnknownNameError, match="'newsletter'"):
        _base().consents(purposes="newsletter")


def test_contact_engagement_for_marketing_scores_only_who_granted_it() -> None:
    from customer_understanding.scoring import EngagementScorer

    everyone = EngagementScorer(half_life_days=None).score(_base(), as_of=AS_OF)
    marketing = EngagementScorer(half_life_days=None, purpose="marketing").score(
        _base(), as_of=AS_OF)  # fmt: skip
    assert sorted(everyone.ids) == sorted([_id("Ann"), _id("Bob"), _id("Cleo")])
    assert marketing.ids.tolist() == [_id("Bob")]
    assert marketing.score.tolist() == [everyone.score[everyone.row_of(_id("Bob"))]]
    assert set(marketing.reasons_frame()["contact_id"]) == {_id("Bob")}
    # Bob denied tracking: his visits and login count for Acme, not for him.
    assert set(marketing.reasons_frame()["signal"]) == {"email_open"}


def test_a_statement_to_an_address_several_people_share_names_none_of_them() -> None:
    # An unsubscribe from info@ is the mailbox's: neither Dan nor Eve opted out by it.
    exports = {
        "hubspot.contacts": [
            {"hs_object_id": "61", "email": "info@acme.com", "firstname": "Dan",
             "lastname": "Okafor", "jobtitle": "Sales Manager"},
            {"hs_object_id": "62", "email": "info@acme.com", "firstname": "Eve",
             "lastname": "Marsh", "jobtitle": "Office Manager"},
        ],
        "hubspot.subscriptions": [
            {"email": "info@acme.com", "subscription_name": "Marketing Information",
             "status": "NOT_SUBSCRIBED", "timestamp": "2026-02-01T10:00:00Z"},
        ],
    }  # fmt: skip
    sources = [Source(name=name, data=rows, mapping=name) for name, rows in exports.items()]
    base = cu.CustomerBase.build(load(sources))
    assert len(base.contacts) == 2
    register = base.consents(as_of="2026-03-01").to_pandas()
    assert set(register.loc[register["purpose"] == "marketing", "status"]) == {"unknown"}


def test_an_update_ties_again_a_statement_whose_address_a_new_record_shares() -> None:
    """A kept person's statement through an address another person's new record holds now
    names nobody, as a rebuild finds, even when no linker reached the kept person."""
    import numpy as np

    from customer_understanding.base._consent import carried_statements, consent_statements
    from customer_understanding.identity import Resolution
    from customer_understanding.tables import ConsentTable, ContactRecords

    def resolution(people: list[int]) -> Resolution:
        keys = np.array([f"k{p}" for p in sorted(set(people))], dtype=object)
        return Resolution(account_of_record=np.array([], dtype=np.int64),
                          contact_of_record=np.array(people),
                          account_keys=np.array([], dtype=object), contact_keys=keys)  # fmt: skip

    rows = {"system": ["salesforce", "salesforce"], "source_id": ["1", "2"],
            "email": ["ann@x.com", "bob@y.com"], "created_at": [5, 5]}  # fmt: skip
    before = ContactRecords.from_columns(rows)
    logged = ConsentTable.from_columns({"system": ["mail"], "source_id": ["s1"],
                                        "email": ["ann@x.com"], "purpose": ["marketing"],
                                        "status": ["granted"], "at": [10]})  # fmt: skip
    stored = consent_statements(logged, before, resolution([0, 1]))
    assert stored.column("contact").tolist() == [0]
    after = ContactRecords.from_columns({"system": [*rows["system"], "hubspot"],
                                         "source_id": ["1", "2", "9"],
                                         "email": [*rows["email"], "ann@x.com"],
                                         "created_at": [5, 5, 7]})  # fmt: skip
    plain = consent_statements(logged, after, resolution([0, 1, 2]))
    assert plain.column("contact").tolist() == [-1]  # a shared address names nobody
    touched = np.array(["ann@x.com"], dtype=object)  # the new record's address
    carried = carried_statements(stored, np.zeros(1, dtype=bool), moved=np.array([0, 1]),
                                 again=np.array([2]), touched=touched)  # fmt: skip
    mine = consent_statements(logged, after, resolution([0, 1, 2]), carried=carried)
    assert mine.to_pandas().equals(plain.to_pandas())


_ADDRESS = st.sampled_from([None, "a@x.io", "b@x.io", "c@x.io"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_ADDRESS, st.integers(-1, 3), st.sampled_from([NAT, 5, 9, 20])),
                min_size=0, max_size=12),
       st.lists(st.tuples(_ADDRESS, st.integers(-1, 3)), min_size=0, max_size=8))  # fmt: skip
def test_a_statement_through_an_address_is_known_from_its_persons_first_record_with_it(
    records, statements
) -> None:  # type: ignore[no-untyped-def]
    from customer_understanding.base._consent import _first_carrying
    from customer_understanding.base._links import ValueIndex
    from customer_understanding.tables import ContactRecords

    table = ContactRecords.from_columns(
        {"email": np.array([r[0] for r in records], dtype=object),
         "created_at": np.array([r[2] for r in records], dtype=np.int64)},
        length=len(records))  # fmt: skip
    entity = np.array([r[1] for r in records], dtype=np.int64)
    emails = np.array([s[0] for s in statements], dtype=object)
    contact = np.array([s[1] for s in statements], dtype=np.int64)
    found = _first_carrying(emails, contact, table, entity, ValueIndex(table.column("email")))
    for place, (email, person) in enumerate(statements):
        held = [at for address, who, at in records
                if email is not None and address == email and who == person >= 0]  # fmt: skip
        assert found[place] == (min(held) if held and person >= 0 else NAT)
