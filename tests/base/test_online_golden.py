"""A record added online shows in the base at once, as a rebuild on the same data shows it."""

from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from customer_understanding import Account, Contact, CustomerBase, Source
from customer_understanding.base._survive import record_keys
from customer_understanding.datasets import SampleWorld, generate_world


@cache
def _world() -> SampleWorld:
    return generate_world(accounts=20, interactions=1_000, defects=False, seed=11)


def _sources() -> list[Source]:
    return _world().as_sources()


def _someone(base: CustomerBase) -> Any:
    frame = base.to_pandas("contacts").dropna(subset=["email", "first_name", "last_name"])
    return frame[frame["phone"].isna() & frame["title"].isna()].iloc[0]


def _winners(base: CustomerBase, level: str, entity_id: str) -> dict[str, Any]:
    """Each golden field's winning record of one entity, by its key (not its row)."""
    tables = base.tables
    contacts = level == "contact"
    row = base.contact_row(entity_id) if contacts else base.account_row(entity_id)
    records = tables.contact_records if contacts else tables.account_records
    keys = record_keys(records)
    winners = tables.contact_winners if contacts else tables.account_winners
    return {field: (keys[won[row]] if won[row] >= 0 else None) for field, won in winners.items()}


def _same_everywhere(base: CustomerBase, path: Path, level: str, entity_id: str) -> None:
    """The base, the store reopened and a rebuild into the store agree on the entity."""
    look = CustomerBase.contact if level == "contact" else CustomerBase.account
    opened = CustomerBase.open(path)
    rebuilt = CustomerBase.build(_sources(), store=path)
    for other in (opened, rebuilt):
        assert look(other, entity_id) == look(base, entity_id)
        assert _winners(other, level, entity_id) == _winners(base, level, entity_id)
    assert len(opened.contacts) == len(rebuilt.contacts) == len(base.contacts)
    assert len(opened.accounts) == len(rebuilt.accounts) == len(base.accounts)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "customers.db"


def test_a_lead_with_a_phone_and_title_refreshes_its_contact(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    person = _someone(base)
    lead = {"Id": "WEB-1", "Email": person["email"].upper(), "FirstName": person["first_name"],
            "LastName": person["last_name"], "Phone": "+44 20 7946 0958",
            "Title": "VP of Sales"}  # fmt: skip
    joined = base.add(lead, mapping="salesforce.Lead", source="web")
    assert joined == person["contact_id"]
    contact = base.contact(joined)
    assert contact.phone_normalized == "+442079460958"
    assert contact.title == "VP of Sales"
    assert contact.department == "Sales"  # read from the title, as the build reads it
    assert "WEB-1" in [ref.id for ref in contact.sources]
    _same_everywhere(base, path, "contact", joined)


def test_a_new_person_is_a_contact_at_once(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    count = len(base.contacts)
    domain = base.to_pandas("accounts").dropna(subset=["domain"])["domain"].iloc[0]
    new_id = base.add(
        Contact(id="web-9", email=f"nia.okafor@{domain}", first_name="Nia", last_name="Okafor",
                phone="+1 415 555 0100", title="Head of IT"),
        source="webform",
    )  # fmt: skip
    assert len(base.contacts) == count + 1
    contact = base.contact(new_id)
    assert contact.email == f"nia.okafor@{domain}"
    assert contact.account_id is not None  # linked by its work e-mail domain, as built
    assert base.account(contact.account_id).domain == domain
    subject = base.subject_export(new_id)
    assert "nia.okafor" in subject
    _same_everywhere(base, path, "contact", new_id)


def test_two_records_for_one_new_person_make_one_golden_record(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    first = base.add(Contact(id="w1", email="lou.late@fresh.example", last_name="Late"))
    second = base.add({"Id": "L7", "Email": "LOU.LATE@fresh.example", "FirstName": "Lou",
                       "LastName": "Late", "Title": "CFO"},
                      mapping="salesforce.Lead", source="web")  # fmt: skip
    assert second == first
    contact = base.contact(first)
    assert (contact.first_name, contact.title) == ("Lou", "CFO")
    _same_everywhere(base, path, "contact", first)


def test_an_account_record_refreshes_its_account(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    frame = base.to_pandas("accounts").dropna(subset=["domain", "name"])
    row = frame.iloc[0]
    joined = base.add(Account(id="web-a1", name=row["name"], domain=row["domain"],
                              city="Lisbon"), source="webform")  # fmt: skip
    assert joined == row["account_id"]
    assert "web-a1" in [ref.id for ref in base.account(joined).sources]
    _same_everywhere(base, path, "account", joined)


def test_without_a_store_the_base_in_memory_shows_the_record() -> None:
    base = CustomerBase.build(_sources())
    person = _someone(base)
    joined = base.add(Contact(id="w5", email=person["email"], title="Chief Data Officer"))
    assert base.contact(joined).title == "Chief Data Officer"
    assert (
        base.contact_row(joined)
        == base.to_pandas("contacts").index[base.to_pandas("contacts")["contact_id"] == joined][0]
    )


def test_after_several_adds_the_whole_tables_are_those_of_a_rebuild(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    person = _someone(base)
    base.add({"Id": "W1", "Email": person["email"].upper(), "FirstName": person["first_name"],
              "LastName": person["last_name"], "Title": "Director of Finance"},
             mapping="salesforce.Lead", source="web")  # fmt: skip
    domain = base.to_pandas("accounts").dropna(subset=["domain"])["domain"].iloc[2]
    base.add(Contact(id="n1", email=f"zed@{domain}", first_name="Zed", last_name="Q"),
             source="form")  # fmt: skip
    base.add(Account(id="a9", name="Brand New Co", domain="brandnew.example"), source="form")
    rebuilt = CustomerBase.build(_sources(), store=path)
    for table, key in (("contacts", "contact_id"), ("accounts", "account_id")):
        mine = base.to_pandas(table).sort_values(key, ignore_index=True)
        theirs = rebuilt.to_pandas(table).sort_values(key, ignore_index=True)
        pd.testing.assert_frame_equal(mine, theirs, check_dtype=False, check_categorical=False)
