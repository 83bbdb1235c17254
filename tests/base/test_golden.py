"""Golden records by evidence and golden profiles as of a moment, on preset-shaped exports."""

from typing import Any

import numpy as np
import pandas as pd
import pytest

from customer_understanding import CustomerBase, InvalidValueError, NotFoundError
from customer_understanding.domain import ACCOUNT_VOCABULARY
from customer_understanding.identity import MostRecent, Resolution, Survivorship
from customer_understanding.ingest import Source
from customer_understanding.tables import AccountRecords, ContactRecords


def _sources() -> list[Source]:
    frames = {
        "salesforce.Account": pd.DataFrame(
            {
                "Id": ["001A"],
                "Name": ["Acme Inc"],
                "Website": ["acme.com"],
                "Industry": ["Software"],
                "BillingCountry": ["DE"],
                "NumberOfEmployees": [180],
                "CreatedDate": ["2025-01-01"],
            }
        ),
        "hubspot.companies": pd.DataFrame(
            {
                "hs_object_id": ["9"],
                "name": ["ACME, INC."],
                "domain": ["acme.com"],
                "industry": ["COMPUTER_SOFTWARE"],
                "country": ["Germany"],
                "numberofemployees": ["170"],
                "createdate": ["2025-06-01"],
            }
        ),
        "salesforce.Contact": pd.DataFrame(
            {
                "Id": ["003A"],
                "AccountId": ["001A"],
                "FirstName": ["Julien"],
                "LastName": ["Nilssno"],
                "Email": ["julien.nilsson@gmail.com"],
                "Phone": ["+49 30 1234567"],
                "Title": ["Analyst"],
                "CreatedDate": ["2025-01-02"],
            }
        ),
        "salesforce.Lead": pd.DataFrame(
            {
                "Id": ["00QA"],
                "FirstName": ["J."],
                "LastName": ["Nilsson"],
                "Email": ["julien.nilsson@gmail.com"],
                "Company": ["Acme"],
                "Phone": ["not a phone"],
                "CreatedDate": ["2025-03-01"],
            }
        ),
        "hubspot.contacts": pd.DataFrame(
            {
                "hs_object_id": ["501"],
                "email": ["julien.nilsson@gmail.com"],
                "firstname": ["Julien"],
                "lastname": ["NILSSON"],
                "phone": ["+49 30 7654321"],
                "jobtitle": ["Head of Data"],
                "createdate": ["2026-02-01"],
            }
        ),
        "zendesk.users": pd.DataFrame(
            {
                "id": [1, 2],
                "name": ["Nilsson, Julien", "Julien Nilsson"],
                "email": ["j.nilsson@acme.com", "julien.nilsson@gmail.com"],
                "phone": ["+49 30 7654321", None],
                "organization_id": [None, None],
                "created_at": ["2026-03-01", "2025-02-01"],
            }
        ),
        "web.visits": pd.DataFrame(
            {
                "visit_id": ["v1", "v2"],
                "timestamp": ["2025-01-01", "2026-04-01"],
                "domain": ["acme.com", "acme.com"],
                "page": ["/", "/pricing"],
            }
        ),
    }
    return [Source(name=name, data=frame, mapping=name) for name, frame in frames.items()]


def _one_each(accounts: AccountRecords, contacts: ContactRecords) -> Resolution:
    """Every record above is Acme or Julien: the golden choice, not the linkage, is tested."""
    return Resolution(
        account_of_record=np.zeros(len(accounts), dtype=np.int64),
        contact_of_record=np.zeros(len(contacts), dtype=np.int64),
        account_keys=np.array(["acme"], dtype=object),
        contact_keys=np.array(["julien"], dtype=object),
    )


def _build(**options: Any) -> CustomerBase:
    return CustomerBase.build(_sources(), resolver=_one_each, **options)


@pytest.fixture(scope="module")
def base() -> CustomerBase:
    return _build()


def _julien(base: CustomerBase) -> pd.Series:
    return base.to_pandas("contacts").iloc[0]


def test_a_crm_typo_loses_to_the_spelling_other_systems_agree_on(base: CustomerBase) -> None:
    assert _julien(base)["last_name"] == "Nilsson"


def test_an_initial_loses_to_the_first_name(base: CustomerBase) -> None:
    assert _julien(base)["first_name"] == "Julien"


def test_the_work_address_beats_free_mail_carried_by_more_records(base: CustomerBase) -> None:
    assert _julien(base)["email"] == "j.nilsson@acme.com"


def test_the_newest_valid_phone_and_title_win(base: CustomerBase) -> None:
    julien = _julien(base)
    assert julien["phone_normalized"] == "+49307654321"
    assert julien["phone"] == "+49 30 7654321"  # the lead's newer unparseable one does not win
    assert julien["title"] == "Head of Data"


def test_a_person_was_created_with_their_first_record(base: CustomerBase) -> None:
    # Salesforce is trusted first, but its lead (March) is not when Julien appeared: a
    # later record must not move an entity's creation (nor make it look new).
    assert _julien(base)["created_at"] == pd.Timestamp("2025-01-02", tz="UTC")
    evidence = base.golden("contact").provenance(_julien(base)["contact_id"])
    assert evidence.loc[evidence["field"] == "created_at", "rule"].iloc[0] == "earliest"


def test_account_fields_are_in_one_vocabulary(base: CustomerBase) -> None:
    account = base.to_pandas("accounts").iloc[0]
    assert account["industry"] == "Technology"
    assert account["country"] == "Germany"
    assert account["name"] == "Acme Inc"
    assert account["employees"] in (180.0, 170.0)
    profile = base.golden("account").to_pandas().iloc[0]
    assert profile["employee_band"] == "51-200"


def test_a_vocabulary_of_ones_own_applies_through_survivorship() -> None:
    ours = ACCOUNT_VOCABULARY.extended(
        industries={"Software": "Software", "COMPUTER_SOFTWARE": "Software"}
    )
    base = _build(survivorship=Survivorship.by_evidence(vocabulary=ours))
    assert base.to_pandas("accounts")["industry"].tolist() == ["Software"]


def test_a_field_rule_of_ones_own_keeps_the_evidence_rules_for_the_rest() -> None:
    base = _build(survivorship={"last_name": MostRecent()})
    julien = _julien(base)
    assert julien["last_name"] == "Nilsson"  # written as zendesk's newest record spells it
    assert julien["email"] == "j.nilsson@acme.com"


def test_provenance_names_winner_and_runners_up(base: CustomerBase) -> None:
    profiles = base.golden("contact")
    contact_id = profiles.to_pandas()["contact_id"][0]
    evidence = profiles.provenance(contact_id).set_index(["field", "value"])
    winner = evidence.loc[("last_name", "Nilsson")]
    assert bool(winner["won"])
    assert winner["rule"] == "vote(name, witness email)"
    assert (winner["records"], winner["systems"]) == (4, 3)
    runner_up = evidence.loc[("last_name", "Nilssno")]
    assert not runner_up["won"]
    assert (runner_up["record"], runner_up["system"]) == ("salesforce:003A", "salesforce")
    email = evidence.loc[("email", "j.nilsson@acme.com")]
    assert bool(email["won"])
    assert email["system"] == "zendesk"


def test_golden_profiles_without_a_moment_are_the_bases_golden_records(
    base: CustomerBase,
) -> None:
    for level, table in (("contact", "contacts"), ("account", "accounts")):
        profiles = base.golden(level).to_pandas()  # type: ignore[arg-type]
        expected = base.to_pandas(table)[profiles.columns.drop("employee_band", errors="ignore")]
        profiles = profiles.drop(columns="employee_band", errors="ignore")
        pd.testing.assert_frame_equal(profiles, expected, check_categorical=False)


def test_golden_profiles_as_of_a_moment_read_only_the_records_known_then(
    base: CustomerBase,
) -> None:
    then = base.golden("contact", as_of="2025-02-15").to_pandas().iloc[0]
    assert then["title"] == "Analyst"
    assert then["email"] == "julien.nilsson@gmail.com"  # the work address came in 2026
    assert then["last_name"] == "Nilsson"  # help desk and address outweigh the CRM typo
    accounts = base.golden("account", as_of="2025-02-15").to_pandas()
    assert accounts["industry"].tolist() == ["Technology"]  # HubSpot's company came later


def test_golden_profiles_as_of_a_moment_are_completed_as_the_build_completes_them() -> None:
    # The same steps as the build: seniority read from the title known then, and the
    # marketing consent in force then (an opt-out stated later does not count yet).
    sources = _sources()
    opt_out = pd.DataFrame({"Id": ["0ZW1"], "PartyId": ["003A"], "DataUsePurpose": ["Marketing"],
                            "ContactPointType": ["Email"], "PrivacyConsentStatus": ["OptOut"],
                            "EffectiveFrom": ["2026-03-15"]})  # fmt: skip
    consent = Source(name="consent", data=opt_out, mapping="salesforce.ContactPointTypeConsent")
    base = CustomerBase.build([*sources, consent], resolver=_one_each)
    then = base.golden("contact", as_of="2025-02-15").to_pandas().iloc[0]
    now = base.golden("contact").to_pandas().iloc[0]
    assert (then["seniority"], now["seniority"]) == ("individual", "director")
    assert now["marketing_consent"] == "denied"
    assert then["marketing_consent"] != "denied"


def test_an_entity_with_no_record_yet_is_left_out() -> None:
    base = _build()
    assert len(base.golden("account", as_of="2025-01-01")) == 1
    profiles = base.golden("contact", as_of="2025-01-01")
    assert len(profiles) == 0
    with pytest.raises(NotFoundError, match="contact_id"):
        profiles.provenance(base.contacts.column("id")[0])


def test_bad_level_and_moment_are_refused(base: CustomerBase) -> None:
    with pytest.raises(InvalidValueError, match="level='deal'"):
        base.golden("deal")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="as_of"):
        base.golden("contact", as_of="not a date")
    with pytest.raises(InvalidValueError, match="as_of"):
        base.golden("contact", as_of="2020-01-01")  # before the first event


def test_golden_profiles_are_read_only(base: CustomerBase) -> None:
    profiles = base.golden("contact")
    frame = profiles.to_pandas()
    frame.loc[0, "last_name"] = "changed"
    assert profiles.to_pandas().loc[0, "last_name"] == "Nilsson"
    assert repr(profiles).startswith("GoldenProfiles: 1 row, as of 2026-04-01")


def test_one_accounts_golden_profiles_are_the_whole_bases() -> None:
    base = CustomerBase.build(_sources())  # the linker's own entities this time
    whole = base.golden("account").to_pandas()
    account_id = whole["account_id"][0]
    own = base.for_accounts([account_id]).golden("account").to_pandas()
    pd.testing.assert_frame_equal(own, whole[whole["account_id"] == account_id])


def test_a_base_without_records_has_no_golden_profiles() -> None:
    profiles = CustomerBase.build([]).golden("contact")
    assert len(profiles) == 0
    assert list(profiles.to_pandas().columns[:2]) == ["contact_id", "email"]
