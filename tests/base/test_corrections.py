"""Corrections that stay: kept in the store, logged, and honoured by every later build."""

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from customer_understanding import CustomerBase, InvalidValueError, NotFoundError, Source
from customer_understanding.datasets import SampleWorld, generate_world


@cache
def _world() -> SampleWorld:
    return generate_world(accounts=15, interactions=800, defects=False, seed=3)


def _sources() -> list[Source]:
    return _world().as_sources()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "customers.db"


def _records_of(base: CustomerBase, contact_id: str) -> list[tuple[str, str]]:
    tables = base.tables
    row = base.contact_row(contact_id)
    rows = (tables.resolution.contact_of_record == row).nonzero()[0]
    records = tables.contact_records
    return [(str(records.labels("system")[r]), str(records.column("source_id")[r])) for r in rows]


def _merged(base: CustomerBase, size: int = 3) -> str:
    """A contact of at least ``size`` records."""
    for contact_id in base.contacts.column("id").tolist():
        if len(_records_of(base, contact_id)) >= size:
            return str(contact_id)
    raise AssertionError("the sample world has no contact that large")  # pragma: no cover


def _entity_of(base: CustomerBase, record: tuple[str, str]) -> str:
    tables = base.tables
    records = tables.contact_records
    for row in range(len(records)):
        if (str(records.labels("system")[row]), str(records.column("source_id")[row])) == record:
            return str(tables.resolution.contact_ids[tables.resolution.contact_of_record[row]])
    raise AssertionError(record)  # pragma: no cover


def test_an_unmerge_survives_rebuilds(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    person = _merged(base)
    records = _records_of(base, person)
    big, small = records[:-1], records[-1:]
    base.unmerge(person, [big, small], actor="steward", reason="two people")
    for _ in range(2):
        rebuilt = CustomerBase.build(_sources(), store=path, actor="etl")
        assert _entity_of(rebuilt, big[0]) == person  # the larger part keeps the id
        assert _entity_of(rebuilt, small[0]) != person
        assert {_entity_of(rebuilt, r) for r in big} == {person}
    events = CustomerBase.open(path).events()
    unmerged = events[events["action"] == "unmerge"].iloc[0]
    assert (unmerged["actor"], unmerged["reason"]) == ("steward", "two people")
    assert unmerged["entity_id"] == person
    assert (events["action"] == "split").sum() == 1


def test_must_link_by_entity_joins_two_people(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    first, second = base.contacts.column("id")[:2].tolist()
    in_force = base.must_link(first, second, actor="steward", reason="one person")
    assert len(in_force.must_link_contacts) >= 1
    rebuilt = CustomerBase.build(_sources(), store=path)
    assert len(rebuilt.contacts) == len(base.contacts) - 1
    survivor = rebuilt.survivor(second)
    assert survivor == rebuilt.survivor(first)


def test_cannot_link_by_entity_and_a_contradiction_is_refused(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    person = _merged(base, size=2)
    left, right = _records_of(base, person)[:2]
    base.cannot_link(left, right, reason="not the same")
    rebuilt = CustomerBase.build(_sources(), store=path)
    assert _entity_of(rebuilt, left) != _entity_of(rebuilt, right)
    other = next(
        r
        for r in _records_of(rebuilt, str(rebuilt.contacts.column("id")[0]))
        if r not in (left, right)
    )
    rebuilt.must_link(left, other)
    with pytest.raises(InvalidValueError, match="kept apart and joined"):
        rebuilt.must_link(other, right)
    rebuilt.must_link(left, right, reason="it was one person after all")  # latest wins
    again = CustomerBase.build(_sources(), store=path)
    assert _entity_of(again, left) == _entity_of(again, right)


def test_review_answers_stay(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    review = base.review_pairs().to_pandas()
    if review.empty:  # pragma: no cover - the sample world has a review band
        pytest.skip("no review pairs")
    decided = review.assign(
        decision=pd.Series(["different"] + [None] * (len(review) - 1), dtype=object)
    )
    in_force = base.decide(decided, actor="steward", reason="checked by phone")
    pair = decided.iloc[0]
    assert len(in_force) == 1
    rebuilt = CustomerBase.build(_sources(), store=path)
    records = rebuilt.tables.contact_records if pair["level"] == "contact" else None
    if records is not None:
        left = (pair["left_system"], pair["left_source_id"])
        right = (pair["right_system"], pair["right_source_id"])
        assert _entity_of(rebuilt, left) != _entity_of(rebuilt, right)
    assert "review" in rebuilt.events()["action"].tolist()


def test_decisions_on_records_not_loaded_wait_for_them(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    base.cannot_link(("nowhere", "1"), ("nowhere", "2"))
    assert len(CustomerBase.build(_sources(), store=path).contacts) == len(base.contacts)


def test_corrections_need_a_store_and_real_names() -> None:
    base = CustomerBase.build(_sources())
    with pytest.raises(InvalidValueError, match="needs a base built into a store"):
        base.must_link(("a", "1"), ("a", "2"))
    with pytest.raises(NotFoundError):
        base.must_link("con_not_there", ("a", "2"))
    with pytest.raises(InvalidValueError, match="left="):
        base.cannot_link(42, ("a", "2"))  # type: ignore[arg-type]


def test_unmerge_refuses_bad_groups(path: Path) -> None:
    base = CustomerBase.build(_sources(), store=path)
    person = _merged(base, size=2)
    records = _records_of(base, person)
    with pytest.raises(InvalidValueError, match="at least two groups"):
        base.unmerge(person, [records])
    with pytest.raises(InvalidValueError, match="is not a record of"):
        base.unmerge(person, [records[:1], [("nowhere", "9")]])
    with pytest.raises(InvalidValueError, match="more than one group"):
        base.unmerge(person, [records[:1], records[:1]])
    assert len(base.overrides()) == 0
