"""Erasing a person (in memory and in a store) and answering a subject-access request."""

import json
import sqlite3
from contextlib import closing
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer_understanding import CustomerBase, InvalidValueError, NotFoundError, Source
from customer_understanding.committee import committees
from customer_understanding.datasets import SampleWorld, generate_world
from customer_understanding.scoring import LeadScorer

_KEY = "privacy-test-secret-2026"


@cache
def _world() -> SampleWorld:
    return generate_world(accounts=10, interactions=800, defects=False, seed=7)


def _sources() -> list[Source]:
    return _world().as_sources()


@cache
def _memory() -> CustomerBase:
    return CustomerBase.build(_sources(), id_key=_KEY)


def _texts(values: object) -> set[str]:
    return {v for v in pd.Series(values, dtype=object).dropna() if isinstance(v, str) and v}


def _names(frame: pd.DataFrame) -> set[str]:
    both = frame.dropna(subset=["first_name", "last_name"])
    return set(both["first_name"] + " " + both["last_name"])


def _person(base: CustomerBase) -> tuple[str, dict[str, set[str]]]:
    """The contact with most records whose e-mails, full names and phones nobody else has."""
    tables = base.tables
    owner = tables.resolution.contact_of_record
    records = tables.contact_records.to_pandas()
    for row in pd.Series(owner).value_counts().index:
        mine, others = records[owner == row], records[owner != row]
        found = {
            "email": _texts(mine["email"]),
            "name": _names(mine),
            "phone": _texts(mine["phone"]) | _texts(mine["phone_normalized"]),
        }
        theirs = (
            _texts(others["email"]) | _names(others) | _texts(others["phone"])
            | _texts(others["phone_normalized"])
        )  # fmt: skip
        if all(found.values()) and not set().union(*found.values()) & theirs:
            return str(base.contacts.column("id")[row]), found
    raise AssertionError("the sample world has no suitable person")  # pragma: no cover


def _bytes(path: Path) -> bytes:
    data = path.read_bytes()
    for extra in ("-wal", "-journal"):
        side = path.with_name(path.name + extra)
        if side.exists():
            data += side.read_bytes()
    return data


# -- in memory ---------------------------------------------------------------------------


def test_erase_in_memory_gives_a_new_base_without_the_person() -> None:
    base = _memory()
    contact_id, _ = _person(base)
    row = base.contact_row(contact_id)
    before = base.to_pandas("contacts")
    erased = base.erase(contact_id, reason="request 1")
    assert len(base.contacts) == len(erased.contacts) + 1  # the original is left as it was
    with pytest.raises(NotFoundError, match=contact_id):
        erased.contact(contact_id)
    after = erased.to_pandas("contacts")
    pd.testing.assert_frame_equal(
        before.drop(index=row).reset_index(drop=True), after.reset_index(drop=True)
    )
    mine = base.interactions.column("contact") == row
    interactions = erased.to_pandas("interactions")
    assert len(interactions) == len(base.interactions)  # interactions stay …
    assert interactions["contact_id"][mine].isna().all()  # … anonymous …
    assert interactions["email"][mine].isna().all()
    accounts = base.to_pandas("interactions")["account_id"]
    assert interactions["account_id"].equals(accounts)  # … with their account
    tables = erased.tables
    assert (tables.resolution.contact_of_record >= 0).all()
    assert len(tables.contact_records) == len(tables.resolution.contact_of_record)
    assert tables.consents.column("contact").max() < len(erased.contacts)
    assert contact_id not in set(erased.consents().to_pandas()["contact_id"])


def test_nothing_computed_after_an_erasure_names_the_person() -> None:
    base = _memory()
    contact_id, _ = _person(base)
    erased = base.erase(contact_id, reason="request 2")
    assert contact_id in set(LeadScorer().score(base, as_of=None).to_pandas()["contact_id"])
    assert contact_id not in set(LeadScorer().score(erased, as_of=None).to_pandas()["contact_id"])
    assert contact_id not in set(committees(erased).to_pandas()["contact_id"])
    assert contact_id not in json.dumps(erased.to_pandas("interactions").astype(str).to_dict())


def test_bad_input_is_refused_naming_the_value() -> None:
    base = _memory()
    contact_id, _ = _person(base)
    with pytest.raises(NotFoundError, match="con_nobody"):
        base.erase("con_nobody", reason="request")
    with pytest.raises(NotFoundError, match="con_nobody"):
        base.subject_export("con_nobody")
    for reason in ("", "  ", None):
        with pytest.raises(InvalidValueError, match="reason="):
            base.erase(contact_id, reason=reason)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="actor=5"):
        base.erase(contact_id, reason="request", actor=5)  # type: ignore[arg-type]
    merged = CustomerBase(base.tables, aliases={"contact": {"con_old": contact_id}})
    for call in (lambda: merged.erase("con_old", reason="x"),
                 lambda: merged.subject_export("con_old")):  # fmt: skip
        with pytest.raises(InvalidValueError, match=f"'con_old' was merged into '{contact_id}'"):
            call()


# -- subject access ------------------------------------------------------------------------


def test_subject_export_round_trips_and_names_every_record() -> None:
    base = _memory()
    contact_id, found = _person(base)
    row = base.contact_row(contact_id)
    scores = LeadScorer().score(base, as_of=None)
    text = base.subject_export(contact_id, results={"lead": scores, "committees": committees(base)})
    assert isinstance(text, str)
    document = json.loads(text)
    assert json.loads(json.dumps(document)) == document
    assert document["contact_id"] == contact_id
    assert document["golden"]["contact_id"] == contact_id
    keys = base.tables.contact_records.to_pandas()
    keys = keys[base.tables.resolution.contact_of_record == row]
    wanted = set(keys["system"].astype(str) + ":" + keys["source_id"].astype(str))
    assert {r["record"] for r in document["records"]} == wanted
    assert {r["email"] for r in document["records"]} - {None} == found["email"]
    assert set(document["provenance"].values()) - {None} <= wanted
    mine = int((base.interactions.column("contact") == row).sum())
    assert len(document["interactions"]) == mine
    assert len(document["consents"]) == int((base.tables.consents.column("contact") == row).sum())
    lead = document["results"]["lead"]
    assert [r["contact_id"] for r in lead] == [contact_id]
    assert {r["contact_id"] for r in lead[0]["reasons"]} <= {contact_id}
    assert all(r["contact_id"] == contact_id for r in document["results"]["committees"])


def test_subject_export_refuses_what_is_no_result() -> None:
    base = _memory()
    contact_id, _ = _person(base)
    with pytest.raises(InvalidValueError, match="results"):
        base.subject_export(contact_id, results={"x": 5})


# -- in a store ----------------------------------------------------------------------------


@cache
def _template() -> bytes:
    """One store built from the sample world, copied for each test (building is slow)."""
    import tempfile

    target = Path(tempfile.mkdtemp()) / "template.db"
    CustomerBase.build(_sources(), store=target, id_key=_KEY)
    return target.read_bytes()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    target = tmp_path / "customers.db"
    target.write_bytes(_template())
    return target


def test_erasure_leaves_no_trace_in_the_store_file(path: Path) -> None:
    base = CustomerBase.open(path)
    contact_id, found = _person(base)
    values = set().union(*found.values())
    data = _bytes(path)
    assert all(v.encode() in data for v in found["email"])  # the search does find them before
    erased = base.erase(contact_id, reason="DSR-7", actor="privacy-team")
    data = _bytes(path)
    left = sorted(v for v in values if v.encode("utf-8") in data)
    assert not left, f"still in the store: {left}"
    reopened = CustomerBase.open(path)
    assert contact_id not in set(reopened.to_pandas("contacts")["contact_id"])
    for table in ("accounts", "contacts", "interactions", "opportunities"):
        pd.testing.assert_frame_equal(reopened.to_pandas(table), erased.to_pandas(table))
    assert len(erased.contacts) == len(base.contacts) - 1
    events = erased.events()
    last = events.iloc[-1]
    assert (last["action"], last["actor"], last["reason"]) == ("erase", "privacy-team", "DSR-7")
    assert last["entity_id"] == contact_id
    assert pd.notna(last["at"])
    with closing(sqlite3.connect(path)) as connection:
        members = {r[0] for r in connection.execute("SELECT record FROM members")}
        hashes = connection.execute("SELECT count(*) FROM suppressed").fetchone()[0]
    assert hashes >= len(values) - len(found["name"])
    assert not any(v in m for v in found["email"] for m in members)


def test_a_person_added_online_and_erased_leaves_no_trace_while_the_base_stays_open(
    path: Path,
) -> None:
    """The base keeps its store connection open after an add; the erasure still compacts."""
    from customer_understanding import Contact

    base = CustomerBase.open(path)
    person = base.add(Contact(id="w9", email="zoe.quartz@fresh.example", last_name="Quartzova",
                              phone="+44 20 7946 0958"))  # fmt: skip
    other = base.add(Contact(id="w10", email="ian.brook@fresh.example", last_name="Brook"))
    assert b"zoe.quartz@fresh.example" in _bytes(path)
    base.erase(person, reason="DSR-9")
    data = _bytes(path)
    assert b"zoe.quartz" not in data
    assert b"Quartzova" not in data
    assert CustomerBase.open(path).contact(other).email == "ian.brook@fresh.example"
    again = Contact(id="w12", email="zoe.quartz@fresh.example", last_name="Quartzova")
    with pytest.raises(InvalidValueError, match="names a person erased"):
        CustomerBase.open(path).add(again)  # suppressed: not back one at a time either


def test_building_the_same_exports_again_does_not_bring_the_person_back(path: Path) -> None:
    base = CustomerBase.open(path)
    contact_id, found = _person(base)
    erased = base.erase(contact_id, reason="DSR-8")
    again = CustomerBase.build(list(reversed(_sources())), store=path, actor="etl")
    contacts = again.to_pandas("contacts")
    assert not set(contacts["email"].dropna()) & found["email"]
    assert set(contacts["contact_id"]) == set(erased.to_pandas("contacts")["contact_id"])
    interactions = again.to_pandas("interactions")
    assert not set(interactions["email"].dropna()) & found["email"]
    assert len(interactions) == len(base.interactions)
    events = again.events()
    suppressed = events[events["action"] == "suppress"]
    assert len(suppressed)
    assert (suppressed["actor"] == "etl").all()
    dropped = sum(d.get("records dropped", 0) for d in suppressed["detail"])
    assert dropped == int((base.tables.resolution.contact_of_record
                           == base.contact_row(contact_id)).sum())  # fmt: skip
    data = _bytes(path)
    assert not [v for v in found["email"] | found["phone"] if v.encode() in data]


def test_an_erasure_in_a_store_is_one_write(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from customer_understanding.base import _erasure

    base = CustomerBase.open(path)
    contact_id, _ = _person(base)
    before = CustomerBase.open(path).to_pandas("contacts")

    def fail(*_: object, **__: object) -> int:
        raise RuntimeError("killed half-way")

    monkeypatch.setattr(_erasure, "_suppress", fail)
    with pytest.raises(RuntimeError, match="killed"):
        base.erase(contact_id, reason="DSR-9")
    pd.testing.assert_frame_equal(CustomerBase.open(path).to_pandas("contacts"), before)
    assert "erase" not in set(base.events()["action"])


def test_an_erased_store_keeps_other_ids(path: Path) -> None:
    base = CustomerBase.open(path)
    contact_id, _ = _person(base)
    base.erase(contact_id, reason="DSR-10")
    others = set(base.contacts.column("id").tolist()) - {contact_id}
    rebuilt = CustomerBase.build(_sources(), store=path)
    assert set(rebuilt.contacts.column("id").tolist()) == others
    assert np.array_equal(rebuilt.accounts.column("id"), base.accounts.column("id"))


def test_a_reader_holding_the_store_open_is_warned_about(path: Path) -> None:
    base = CustomerBase.open(path)
    contact_id, found = _person(base)
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM arrays").fetchone()
        with pytest.warns(UserWarning, match="reader kept the WAL"):
            base.erase(contact_id, reason="DSR-11")
        reader.execute("COMMIT")
    finally:
        reader.close()  # the last connection to close checkpoints the WAL away
    data = _bytes(path)
    assert not [v for v in set().union(*found.values()) if v.encode() in data]


def test_an_erased_person_cannot_come_back_online_and_leaves_no_decision(tmp_path: Path) -> None:
    path = tmp_path / "customers.db"
    base = CustomerBase.build(_sources(), store=path, id_key=_KEY)
    contact_id, found = _person(base)
    records = base.tables.contact_records
    mine = np.flatnonzero(base.tables.resolution.contact_of_record == list(
        base.contacts.column("id")).index(contact_id))  # fmt: skip
    first, second = (
        (str(records.labels("system")[i]), str(records.column("source_id")[i])) for i in mine[:2]
    )
    base.cannot_link(first, second, actor="steward", reason="checking")
    erased = base.erase(contact_id, reason="DSR-9", actor="privacy-team")
    assert len(erased.overrides()) == 0  # the decision named the person's records
    email = sorted(found["email"])[0]
    lead = {"Id": "00Q-back", "Email": email, "FirstName": "X", "LastName": "Y"}
    with pytest.raises(InvalidValueError, match="erased from the store"):
        erased.add(lead, mapping="salesforce.Lead")
    assert email.encode() not in _bytes(path)


def test_an_erasure_after_updates_leaves_no_row_behind(tmp_path: Path) -> None:
    """Updates keep event rows in place, dropped ones left unreferenced; an erasure writes
    every table whole, so no such row keeps the person."""
    path = tmp_path / "updated.db"
    first, rest = [], []
    for source in _sources():
        frame = source.data
        assert isinstance(frame, pd.DataFrame)
        cut = int(len(frame) * 0.7)
        first.append(Source(name=source.name, data=frame.iloc[:cut], mapping=source.mapping))
        rest.append(Source(name=source.name, data=frame.iloc[cut:], mapping=source.mapping))
    CustomerBase.build(first, store=path, id_key=_KEY)
    CustomerBase.open(path).update(rest)
    base = CustomerBase.open(path).update(rest)  # the same rows again: the stored ones replaced

    def arranged() -> dict[str, dict[str, object]]:
        with closing(sqlite3.connect(path)) as connection:
            row = connection.execute("SELECT value FROM meta WHERE key = 'arranged'").fetchone()
        return dict(json.loads(row[0]))

    interactions = arranged()["tables.interactions"]
    assert int(str(interactions["rows"])) > len(base.tables.interactions)  # rows left behind
    contact_id, found = _person(base)
    values = set().union(*found.values())
    base.erase(contact_id, reason="DSR-8")
    data = _bytes(path)
    assert not sorted(v for v in values if v.encode("utf-8") in data)
    assert arranged() == {}
