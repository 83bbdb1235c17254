"""Online matching: one incoming record scored against the stored graph, and added."""

import hashlib
from functools import cache
from pathlib import Path

import pytest

from customer_understanding import Contact, CustomerBase, InvalidValueError, Source
from customer_understanding.base import CandidateMatches
from customer_understanding.datasets import SampleWorld, generate_world


@cache
def _world() -> SampleWorld:
    return generate_world(accounts=20, interactions=1_000, defects=False, seed=11)


def _sources() -> list[Source]:
    return _world().as_sources()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "customers.db"


def _person(base: CustomerBase) -> dict[str, str]:
    """A stored contact with a name and a work address, as a lead of a web form."""
    frame = base.to_pandas("contacts").dropna(subset=["email", "first_name", "last_name"])
    row = frame.iloc[0]
    return {
        "contact_id": row["contact_id"],
        "Id": "WEB-1",
        "Email": row["email"].upper(),
        "FirstName": row["first_name"],
        "LastName": row["last_name"],
        "Company": "x",
    }


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_lead_of_a_known_person_matches_that_contact_with_evidence(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    person = _person(base)
    lead = {k: v for k, v in person.items() if k != "contact_id"}
    found = base.match(lead, mapping="salesforce.Lead", source="web")
    assert isinstance(found, CandidateMatches)
    assert found.best == person["contact_id"]
    assert found.bands[0] == "link"
    evidence = found.evidence(person["contact_id"])
    email = evidence.set_index("comparison").loc["email"]
    assert email["level"] == "exact"
    assert email["weight"] > 0
    assert evidence["cumulative"].iloc[-1] == pytest.approx(found.match_weight[0])
    assert "contact_id" in found.to_pandas().columns


def test_a_lead_without_the_address_is_found_by_name_and_employer(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    person = _person(base)
    lead = {
        "Id": "WEB-2",
        "FirstName": person["FirstName"],
        "LastName": person["LastName"],
        "Email": person["Email"].split("@")[0] + "@gmail.com",
    }
    found = base.match(lead, mapping="salesforce.Lead")
    assert person["contact_id"] in found.entity_ids.tolist()


def test_a_stranger_gets_no_link_band_candidate(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    stranger = {
        "Id": "WEB-3",
        "Email": "zq.xylophone@nowhere-known.example",
        "FirstName": "Zebedee",
        "LastName": "Quartermaine",
    }
    found = base.match(stranger, mapping="salesforce.Lead")
    assert found.best is None
    assert "link" not in found.bands.tolist()


def test_match_writes_nothing(path: Path) -> None:
    CustomerBase.build(_sources(), store=path)
    before = _digest(path)
    base = CustomerBase.open(path)
    person = _person(base)
    base.match({k: v for k, v in person.items() if k != "contact_id"}, mapping="salesforce.Lead")
    base.match(Contact(id="x", email="new@person.example", last_name="Doe"))
    assert _digest(path) == before
    assert len(base.events()) == len(CustomerBase.open(path).events())


def test_add_joins_the_contact_and_persists_across_open(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    person = _person(base)
    lead = {k: v for k, v in person.items() if k != "contact_id"}
    joined = base.add(lead, mapping="salesforce.Lead", source="web", actor="api", reason="web form")
    assert joined == person["contact_id"]
    newcomer = Contact(
        id="web-9", email="newcomer@fresh.example", first_name="Nia", last_name="Okafor"
    )
    known = base.contacts.column("id").tolist()
    new_id = base.add(newcomer, actor="api", reason="web form")
    assert new_id not in known
    assert base.contact(new_id).email == "newcomer@fresh.example"
    opened = CustomerBase.open(path)
    again = opened.match(Contact(id="web-10", email="newcomer@fresh.example"))
    assert again.best == new_id
    events = opened.events()
    added = events[events["action"] == "add"]
    assert added["entity_id"].tolist() == [joined, new_id]
    assert set(added["actor"]) == {"api"}
    with pytest.raises(InvalidValueError, match="already in the customer base"):
        opened.add(newcomer)


def test_added_ids_are_stable_and_new(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    first = base.add(Contact(id="w1", email="one@fresh.example"))
    second = base.add(Contact(id="w2", email="two@fresh.example"))
    assert first != second
    assert first.startswith("con_")


def test_match_without_a_store_fits_once_and_adds_in_memory() -> None:
    base = CustomerBase.build(_sources())
    person = _person(base)
    lead = {k: v for k, v in person.items() if k != "contact_id"}
    assert base.match(lead, mapping="salesforce.Lead").best == person["contact_id"]
    assert base.add(lead, mapping="salesforce.Lead") == person["contact_id"]
    assert base.events().empty


def test_accounts_match_on_domain_and_name(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    row = base.to_pandas("accounts").dropna(subset=["domain", "name"]).iloc[0]
    company = {"hs_object_id": "H-1", "name": row["name"], "domain": row["domain"]}
    found = base.match(company, mapping="hubspot.companies")
    assert found.level == "account"
    assert found.best == row["account_id"]


@pytest.mark.parametrize("record", [42, "ann@acme.com", None])
def test_a_record_that_is_no_record_is_refused(record: object) -> None:
    base = CustomerBase.from_objects(contacts=[Contact(id="c1", email="a@b.co")])
    with pytest.raises(InvalidValueError, match="record="):
        base.match(record)  # type: ignore[arg-type]


def test_a_dict_needs_its_mapping() -> None:
    base = CustomerBase.from_objects(contacts=[Contact(id="c1", email="a@b.co")])
    with pytest.raises(InvalidValueError, match="mapping="):
        base.match({"Id": "1"})


def test_a_later_build_keeps_a_record_added_online(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    lead = {
        "Id": "WEB-77",
        "Email": "late.comer@fresh.example",
        "FirstName": "Lou",
        "LastName": "Late",
    }
    new_id = base.add(lead, mapping="salesforce.Lead", source="web")
    rebuilt = CustomerBase.build(_sources(), store=path)
    assert rebuilt.contact(new_id).email == "late.comer@fresh.example"
    assert len(rebuilt.contacts) == len(base.contacts)  # the base shows the record already
    assert rebuilt.match(lead, mapping="salesforce.Lead").best == new_id


def test_a_later_build_keeps_a_contact_object_added_online(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    newcomer = Contact(
        id="obj-1", email="obj.person@fresh.example", first_name="Ola", last_name="Berg"
    )
    new_id = base.add(newcomer, source="webform")
    rebuilt = CustomerBase.build(_sources(), store=path)
    assert rebuilt.contact(new_id).last_name == "Berg"
    assert rebuilt.match(newcomer, source="webform").best == new_id
