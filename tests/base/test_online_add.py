"""Adding online keeps the account side of lead-to-account matching, and refreshes it."""

from pathlib import Path

import numpy as np
import pytest

from customer_understanding import Account, Contact, CustomerBase, InvalidValueError
from customer_understanding.base._adding import _new_id
from customer_understanding.base._incoming import incoming
from customer_understanding.base._lineage import name_entities
from tests.base.test_online_golden import _same_everywhere, _sources


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "customers.db"


def _link(base: CustomerBase, contact_id: str) -> tuple[object, object]:
    """A contact's account and how it was found."""
    row = base.contact_row(contact_id)
    table = base.tables.contacts
    account = table.column("account")[row]
    found = None if account < 0 else base.tables.accounts.column("id")[account]
    return found, table.labels("account_method")[row]


def _prepared(base: CustomerBase) -> object:
    online = base._online
    assert online is not None
    assert online.prepared is not None
    return online.prepared[2].prepared


def test_a_new_account_is_found_by_the_next_contact_added(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    first = base.add(Contact(id="w1", email="ann@fresh.example", last_name="Ash"))
    assert base.contact(first).account_id is None  # no account holds fresh.example yet
    kept = _prepared(base)
    account = base.add(Account(id="a1", name="Fresh Example Ltd", domain="fresh.example"),
                       source="form")  # fmt: skip
    person = base.add(Contact(id="w2", email="bo@fresh.example", last_name="Bell"))
    assert _link(base, person) == (account, "domain")
    assert _prepared(base) is not kept  # made again: the account records changed
    _same_everywhere(base, path, "contact", person)


def test_a_new_account_is_found_by_name_without_a_store() -> None:
    base = CustomerBase.build(_sources())
    base.add(Contact(id="w0", email="zed@gmail.com", last_name="Zed"))  # prepares the accounts
    account = base.add(Account(id="a2", name="Quillfeather Instruments GmbH"), source="form")
    lead = {"Id": "L1", "Email": "kim@gmail.com", "LastName": "Kim",
            "Company": "Quillfeather Instruments"}  # fmt: skip
    person = base.add(lead, mapping="salesforce.Lead", source="web")
    assert _link(base, person) == (account, "name")


def test_contacts_added_one_after_another_share_the_prepared_accounts(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    domain = base.to_pandas("accounts").dropna(subset=["domain"])["domain"].iloc[0]
    ids = [base.add(Contact(id=f"w{n}", email=f"p{n}@{domain}", last_name=f"P{n}"))
           for n in range(3)]  # fmt: skip
    kept = _prepared(base)
    base.add(Contact(id="w9", email=f"q@{domain}", last_name="Q"))
    assert _prepared(base) is kept
    assert {base.contact(i).account_id for i in ids} == {base.contact(ids[0]).account_id}
    assert base.contact(ids[0]).account_id is not None
    opened = CustomerBase.open(path)  # a new base: putting the adds back prepared its own
    replayed = _prepared(opened)
    assert replayed is not kept
    for contact_id in ids:
        assert opened.contact(contact_id) == base.contact(contact_id)
    online = opened._online
    assert online is not None
    assert online.rooms.made is opened.tables  # its next add writes into the same tables
    more = opened.add(Contact(id="w10", email=f"r@{domain}", last_name="R"))
    assert _prepared(opened) is replayed
    assert opened.contact(more).account_id == base.contact(ids[0]).account_id


def test_an_added_id_is_the_resolvers_unless_taken() -> None:
    new = incoming(Contact(id="w1", email="ann@fresh.example"), mapping=None, source=None)
    free = _new_id(new, secret=None, is_taken=lambda name: False)
    assert free.startswith("con_")
    asked: list[str] = []

    def clash(name: str) -> bool:  # only the resolver's id was given before
        asked.append(name)
        return name == free

    other = _new_id(new, secret=None, is_taken=clash)
    assert asked == [free, other]  # one id asked after another, not every id read
    assert other != free
    assert other.startswith("con_")
    # the id a build names such an entity, given every id taken
    named, _ = name_entities("contact", np.array([free], dtype=object), given={},
                             keys=np.array(["email:ann@fresh.example"], dtype=object),
                             taken={free})  # fmt: skip
    assert other == named[0]


@pytest.mark.parametrize("record", [42, "ann@acme.com", None, np.array([1])])
def test_adding_what_is_no_record_is_refused(record: object) -> None:
    base = CustomerBase.from_objects(contacts=[Contact(id="c1", email="a@b.co")])
    with pytest.raises(InvalidValueError, match="record="):
        base.add(record)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="mapping="):
        base.add({"Id": "1"})


def test_the_index_grows_in_place_without_touching_older_views() -> None:
    base = CustomerBase.build(_sources())
    base.add(Contact(id="w1", email="one@fresh.example"))
    online = base._online
    assert online is not None
    index = online.index("contact")
    before = index.entity
    n = len(before)
    second = base.add(Contact(id="w2", email="two@fresh.example"))
    grown = index.entity
    third = base.add(Contact(id="w3", email="three@fresh.example"))
    assert len(before) == n
    assert len(grown) == n + 1
    assert grown[-1] == second
    assert index.entity[-1] == third
    assert index.entity.base is grown.base  # one buffer: no copy per record added
    assert list(index.names[-2:]) == ["objects:w2", "objects:w3"]
    # a stale, shorter view handed back is copied, never written through
    stale = index._appended("entity", before, "x")
    assert stale.base is not grown.base
    assert grown[-1] == second
