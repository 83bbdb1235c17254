from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from customer_understanding import (
    Account,
    CustomerBase,
    InvalidValueError,
    NotFoundError,
    Outcome,
    Role,
    Stage,
    UnknownNameError,
)
from customer_understanding.identity import (
    EVIDENCE_RULES,
    MostFrequent,
    Resolution,
    SourcePriority,
    entity_ids,
)
from customer_understanding.ingest import Source, load


def _account_id(base: CustomerBase, domain: str) -> str:
    frame = base.to_pandas("accounts")
    return str(frame.loc[frame["domain"] == domain, "account_id"].iloc[0])


def _contact_id(base: CustomerBase, email: str) -> str:
    frame = base.to_pandas("contacts")
    return str(frame.loc[frame["email"] == email, "contact_id"].iloc[0])


def test_records_resolve_by_domain_and_email(base: CustomerBase) -> None:
    summary = base.summary()
    assert (summary.account_records, summary.accounts) == (3, 2)
    assert (summary.contact_records, summary.contacts) == (6, 4)
    assert summary.merged_records == 3
    assert summary.contacts_in_several_systems == 1  # Ann: salesforce, hubspot, zendesk


def test_golden_record_breaks_ties_by_crm_and_fills_gaps(base: CustomerBase) -> None:
    ann = base.contact(_contact_id(base, "ann@acme.com"))
    assert ann.first_name == "Ann"  # Salesforce beats HubSpot's "Annie"
    assert ann.title == "VP Finance"
    assert ann.phone_normalized == "+14155550100"
    assert {ref.system for ref in ann.sources} == {"salesforce", "hubspot", "zendesk"}
    acme = base.account(_account_id(base, "acme.com"))
    assert acme.name == "Acme Inc"
    assert acme.industry == "Technology"  # the CRM's "Software", in the vocabulary's terms
    assert {ref.system for ref in acme.sources} == {"salesforce", "zendesk"}


def test_account_hierarchy_is_kept(base: CustomerBase) -> None:
    beta = base.account(_account_id(base, "beta.de"))
    assert beta.parent_id == _account_id(base, "acme.com")


def test_contacts_find_their_account_by_reference_or_work_domain(base: CustomerBase) -> None:
    acme = _account_id(base, "acme.com")
    emails = sorted(contact.email or "" for contact in base.contacts_of(acme))
    assert emails == ["ann@acme.com", "dee@acme.com"]  # Dee is a lead: matched by domain
    carl = base.contact(_contact_id(base, "carl@gmail.com"))
    assert carl.account_id is None  # free-mail domains say nothing about the employer


def test_consent_comes_through(base: CustomerBase) -> None:
    assert base.contact(_contact_id(base, "ann@acme.com")).allows("marketing")
    assert not base.contact(_contact_id(base, "bob@beta.de")).allows("marketing")


def test_timeline_spans_disciplines_in_time_order(base: CustomerBase) -> None:
    timeline = base.timeline(_account_id(base, "acme.com"))
    assert timeline["type"].tolist() == ["ticket", "page_view", "feature_use"]
    assert timeline["discipline"].tolist() == ["service", "marketing", "product"]
    assert timeline["occurred_at"].is_monotonic_increasing
    assert timeline["contact_name"].tolist()[0] == "Ann Lee"
    only_service = base.timeline(_account_id(base, "acme.com"), disciplines=["service"])
    assert only_service["type"].tolist() == ["ticket"]


def test_interactions_materialise_with_ids(base: CustomerBase) -> None:
    acme = _account_id(base, "acme.com")
    ticket = base.interactions_of(acme)[0]
    assert ticket.priority == "p1"
    assert ticket.account_id == acme
    assert ticket.contact_id == _contact_id(base, "ann@acme.com")
    assert ticket.source is not None
    assert ticket.source.system == "zendesk"


def test_opportunity_with_roles(base: CustomerBase) -> None:
    deal = base.opportunity("salesforce:006A")
    assert deal.outcome is Outcome.WON
    assert deal.amount == 48000.0
    assert deal.account_id == _account_id(base, "acme.com")
    roles = {role.contact_id: role.role for role in deal.contact_roles}
    assert roles[_contact_id(base, "ann@acme.com")] is Role.ECONOMIC_BUYER
    assert roles[_contact_id(base, "bob@beta.de")] is None  # "Other" names no role
    assert [d.id for d in base.opportunities_of(_account_id(base, "acme.com"))] == [deal.id]


def test_journey_from_stage_dates(base: CustomerBase) -> None:
    journey = base.journey(_contact_id(base, "ann@acme.com"))
    assert [c.stage for c in journey.changes] == [Stage.KNOWN, Stage.MQL, Stage.WON]
    assert journey.stage_at(as_of=datetime(2025, 1, 1, tzinfo=UTC)) is Stage.MQL


def test_unknown_ids_raise_not_found(base: CustomerBase) -> None:
    with pytest.raises(NotFoundError, match="account_id='acc_nope' is not in the customer base"):
        base.account("acc_nope")
    with pytest.raises(NotFoundError, match="contact_id=42"):
        base.contact(42)  # type: ignore[arg-type]
    with pytest.raises(NotFoundError, match="opportunity_id='x'"):
        base.opportunity("x")
    with pytest.raises(NotFoundError):
        base.timeline("acc_nope")
    with pytest.raises(NotFoundError):
        base.journey("nobody")


def test_to_pandas_replaces_rows_with_ids(base: CustomerBase) -> None:
    interactions = base.to_pandas("interactions")
    assert {"contact_id", "account_id"} <= set(interactions.columns)
    assert "contact" not in interactions.columns
    with pytest.raises(InvalidValueError, match="table='people'"):
        base.to_pandas("people")


@pytest.mark.parametrize(
    ("table", "ids"),
    [
        ("accounts", ["account_id", "parent_id"]),
        ("contacts", ["contact_id", "account_id"]),
        ("interactions", ["contact_id", "account_id"]),
        ("opportunities", ["opportunity_id", "account_id"]),
    ],
)
def test_views_name_id_columns_by_entity(base: CustomerBase, table: str, ids: list[str]) -> None:
    frame = base.to_pandas(table)
    assert list(frame.columns[: len(ids)]) == ids
    assert not {"id", "account", "contact", "parent"} & set(frame.columns)
    frame.iloc[:, 0] = None  # a new frame: the base is untouched
    assert base.to_pandas(table).iloc[:, 0].notna().any()


def test_summary_is_read_only_and_renders(base: CustomerBase) -> None:
    summary = base.summary()
    with pytest.raises(TypeError):
        summary.interactions_by_discipline["sales"] = 0  # type: ignore[index]
    assert repr(summary).startswith("BaseSummary: 2 accounts, 4 contacts")
    assert "<strong>BaseSummary" in summary._repr_html_()
    assert set(summary.to_pandas()["measure"]) >= {"accounts", "merged_records"}


def test_iterating_materialises_every_entity(base: CustomerBase) -> None:
    accounts = list(base.iter_accounts())
    assert all(isinstance(a, Account) for a in accounts)
    assert len(list(base.iter_contacts())) == len(base.contacts)


def test_entity_ids_are_stable_and_opaque() -> None:
    keys = np.array(["email:ann@acme.com", "domain:acme.com"], dtype=object)
    assert entity_ids("con", keys).tolist() == entity_ids("con", keys).tolist()
    assert all(len(i) == 20 for i in entity_ids("con", keys))
    assert "acme" not in "".join(entity_ids("con", keys))


def test_a_custom_resolver_replaces_the_exact_step(frames: dict[str, pd.DataFrame]) -> None:
    def one_account_each(accounts, contacts):  # type: ignore[no-untyped-def]
        return Resolution(
            account_of_record=np.arange(len(accounts)),
            contact_of_record=np.arange(len(contacts)),
            account_keys=np.array([f"a{i}" for i in range(len(accounts))], dtype=object),
            contact_keys=np.array([f"c{i}" for i in range(len(contacts))], dtype=object),
        )

    loaded = load([Source(name=n, data=f, mapping=n) for n, f in frames.items()])
    base = CustomerBase.build(loaded, resolver=one_account_each)
    assert base.summary().merged_records == 0


def test_survivorship_rules_choose_each_golden_field(frames: dict[str, pd.DataFrame]) -> None:
    sources = [Source(name=name, data=frame, mapping=name) for name, frame in frames.items()]
    rules = {"first_name": SourcePriority(order=["hubspot"]), "last_name": MostFrequent()}
    base = CustomerBase.build(sources, survivorship=rules)
    row = base.contact_row(_contact_id(base, "ann@acme.com"))
    assert base.contacts.column("first_name")[row] == "Annie"
    winner = base.tables.contact_winners["first_name"][row]
    assert base.tables.contact_records.labels("system")[winner] == "hubspot"
    # Fields the mapping does not name keep the evidence rules.
    assert base.tables.survivorship.rule_of("title") == EVIDENCE_RULES["title"]


def test_survivorship_provenance_is_read_only(base: CustomerBase) -> None:
    winners = base.tables.account_winners
    with pytest.raises(TypeError):
        winners["name"] = np.zeros(2, dtype=np.int64)  # type: ignore[index]
    with pytest.raises(ValueError, match="read-only"):
        winners["name"][0] = 5


def test_survivorship_naming_an_unknown_field_is_refused() -> None:
    with pytest.raises(UnknownNameError, match="survivorship names field 'nickname'"):
        CustomerBase.build([], survivorship={"nickname": MostFrequent()})


def test_an_empty_base_is_valid() -> None:
    base = CustomerBase.build([])
    assert base.summary().accounts == 0
    assert "0 accounts" in repr(base)


def test_a_base_from_objects_keeps_ids_and_links_references() -> None:
    from customer_understanding import (
        Contact,
        ContactRole,
        Interaction,
        Journey,
        Opportunity,
        StageChange,
    )

    base = CustomerBase.from_objects(
        accounts=[Account(id="a1", name="Acme", domain="acme.com"),
                  Account(id="a2", name="Acme EU", parent_id="a1")],
        contacts=[Contact(id="c1", email="ann@acme.com", account_id="a1"),
                  Contact(id="c2", email="bo@acme.com")],
        interactions=[Interaction(id="i1", occurred_at="2026-03-01", type="meeting",
                                  contact_id="c1"),
                      Interaction(id="i2", occurred_at="2026-02-01", type="ticket",
                                  account_id="a1")],
        opportunities=[Opportunity(id="o1", account_id="a1", amount=10,
                                   contact_roles=[ContactRole(contact_id="c1", role="champion")])],
        journeys=[Journey(subject_id="c1", changes=[StageChange(stage="mql", at="2026-01-01")])],
    )  # fmt: skip
    assert base.account("a2").parent_id == "a1"
    assert base.contact("c2").account_id == "a1"  # by work domain
    assert base.timeline("a1")["type"].tolist() == ["ticket", "meeting"]
    deal = base.opportunity("objects:o1")
    assert deal.contact_roles[0].role is Role.CHAMPION
    assert base.journey("c1").current_stage is Stage.MQL


def test_objects_with_duplicate_ids_are_rejected() -> None:
    with pytest.raises(InvalidValueError, match="account id 'a1' is used by more than one"):
        CustomerBase.from_objects(accounts=[Account(id="a1"), Account(id="a1")])


def test_resolution_rejects_out_of_range_assignments() -> None:
    with pytest.raises(
        InvalidValueError, match=r"account_of_record must hold entity rows in \[0, 1\)"
    ):
        Resolution(account_of_record=np.array([0, 3]), contact_of_record=np.array([], dtype=int),
                   account_keys=np.array(["k"], dtype=object),
                   contact_keys=np.array([], dtype=object))  # fmt: skip


def test_any_address_of_a_merged_person_finds_them() -> None:
    crm = pd.DataFrame({"Id": ["003A"], "Email": ["ann@acme.com"], "LastName": ["Lee"]})
    desk = [{"id": "7", "email": "ann.lee@gmail.com", "name": "Ann Lee"}]
    events = pd.DataFrame({"event_id": ["e1"], "email": ["ann.lee@gmail.com"],
                           "event": ["Login"], "timestamp": ["2026-01-02"]})  # fmt: skip

    def one_person(accounts, contacts):  # type: ignore[no-untyped-def]
        return Resolution(account_of_record=np.zeros(0, dtype=int),
                          contact_of_record=np.zeros(len(contacts), dtype=int),
                          account_keys=np.array([], dtype=object),
                          contact_keys=np.array(["person:ann"], dtype=object))  # fmt: skip

    sources = [Source(name="crm", data=crm, mapping="salesforce.Contact"),
               Source(name="desk", data=desk, mapping="zendesk.users"),
               Source(name="events", data=events, mapping="product.events")]  # fmt: skip
    base = CustomerBase.build(sources, resolver=one_person)
    assert base.contacts.column("email").tolist() == ["ann@acme.com"]  # the CRM's wins
    assert base.interactions.column("contact").tolist() == [0]  # found by the other address


def test_leads_without_a_crm_link_find_their_account_with_a_confidence() -> None:
    accounts = pd.DataFrame(
        {
            "Id": ["001A"],
            "Name": ["Ember Energy B.V."],
            "Website": ["emberenergy.nl"],
            "BillingCity": ["Utrecht"],
        }
    )
    contacts = pd.DataFrame(
        {
            "Id": ["003A"],
            "AccountId": ["001A"],
            "LastName": ["Vos"],
            "Email": ["vos@emberenergy.nl"],
        }
    )
    leads = pd.DataFrame({"Id": ["00QA", "00QB", "00QC"], "LastName": ["Ng", "Bo", "Ky"],
                          "Email": ["ng@emberenergy.nl", "bo@gmail.com", "ky@gmail.com"],
                          "Company": [None, "Ember Energy", "Unknown Widgets"]})  # fmt: skip
    base = CustomerBase.build([
        Source(name="accounts", data=accounts, mapping="salesforce.Account"),
        Source(name="contacts", data=contacts, mapping="salesforce.Contact"),
        Source(name="leads", data=leads, mapping="salesforce.Lead"),
    ])  # fmt: skip
    frame = base.to_pandas("contacts").set_index("last_name")
    assert frame.loc["Vos", "account_method"] == "reference"
    assert frame.loc["Vos", "account_confidence"] == 1.0
    assert frame.loc["Ng", "account_method"] == "domain"
    assert frame.loc["Bo", "account_method"] == "name"
    assert 0.5 < frame.loc["Bo", "account_confidence"] < 1.0
    assert frame.loc["Bo", "account_id"] == frame.loc["Vos", "account_id"]
    assert pd.isna(frame.loc["Ky", "account_id"])  # None in pandas 2, NaN in pandas 3's str
    assert frame.loc["Ky", "account_confidence"] == 0.0
