"""Ids in a store last: untouched entities keep theirs, merges keep the older, splits the larger."""

import sqlite3
import warnings
from contextlib import closing
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer_understanding import CustomerBase, Source
from customer_understanding.base import MergedIdWarning
from customer_understanding.base._lineage import StoredIds, name_entities, taken_ids
from customer_understanding.datasets import SampleWorld, generate_world
from customer_understanding.identity import resolve_exact


@cache
def _world() -> SampleWorld:
    return generate_world(accounts=40, interactions=2_000, seed=3)


def _members(base: CustomerBase, level: str) -> pd.Series:
    """Each source record's entity id, keyed by ``system:source_id``."""
    tables = base.tables
    records = tables.account_records if level == "account" else tables.contact_records
    resolution = tables.resolution
    ids = resolution.account_ids if level == "account" else resolution.contact_ids
    of_record = resolution.account_of_record if level == "account" else resolution.contact_of_record
    keys = (
        pd.Series(records.labels("system"), dtype=object)
        + ":"
        + pd.Series(records.column("source_id"), dtype=object)
    )
    return pd.Series(np.asarray(ids, dtype=object)[of_record], index=keys.to_numpy())


def _untouched_changed(before: pd.Series, after: pd.Series) -> tuple[int, int]:
    """How many untouched entities there are, and how many of them changed id.

    An entity is untouched when its stored records are all still together and no record
    of another stored entity joined them (new records may have).
    """
    joined = pd.DataFrame({"old": before, "new": after.reindex(before.index)}).dropna()
    distinct = joined.drop_duplicates()
    together = distinct.groupby("old").size() == 1
    alone = distinct.groupby("new").size() == 1
    whole = joined[joined["old"].map(together) & joined["new"].map(alone)]
    pairs = whole.drop_duplicates("old")
    return len(pairs), int((pairs["old"] != pairs["new"]).sum())


def _shuffled(sources: list[Source], seed: int) -> list[Source]:
    shuffled = []
    for number, source in enumerate(sources):
        frame = pd.DataFrame(source.data)
        rng = np.random.default_rng([seed, number])
        frame = frame.sample(frac=1.0, random_state=rng).reset_index(drop=True)
        shuffled.append(Source(name=source.name, data=frame, mapping=source.mapping))
    return shuffled


@pytest.mark.parametrize("level", ["contact", "account"])
def test_adding_sources_changes_no_untouched_id(tmp_path: Path, level: str) -> None:
    sources = _world().as_sources()
    salesforce = [source for source in sources if source.name.startswith("salesforce")]
    first = CustomerBase.build(salesforce, store=tmp_path / "s.db", policy="lenient")
    after = CustomerBase.build(sources, store=tmp_path / "s.db", policy="lenient")
    untouched, changed = _untouched_changed(_members(first, level), _members(after, level))
    assert untouched >= 10
    assert changed == 0


def test_a_shuffled_rebuild_changes_no_id(tmp_path: Path) -> None:
    sources = _world().as_sources()
    first = CustomerBase.build(sources, store=tmp_path / "s.db", policy="lenient")
    again = CustomerBase.build(_shuffled(sources, 9), store=tmp_path / "s.db", policy="lenient")
    for level in ("contact", "account"):
        before, after = _members(first, level), _members(again, level)
        assert after.reindex(before.index).equals(before)


def test_ids_after_adding_sources_resolve_after_reopening(tmp_path: Path) -> None:
    sources = _world().as_sources()
    salesforce = [source for source in sources if source.name.startswith("salesforce")]
    first = CustomerBase.build(salesforce, store=tmp_path / "s.db", policy="lenient")
    CustomerBase.build(sources, store=tmp_path / "s.db", policy="lenient")
    opened = CustomerBase.open(tmp_path / "s.db")
    for contact_id in first.contacts.column("id"):
        survivor = opened.survivor(contact_id)
        if survivor == contact_id:
            assert opened.contact(contact_id).id == contact_id
        else:
            with pytest.warns(MergedIdWarning, match="was merged into"):
                assert opened.contact(contact_id).id == survivor


def _crm(*rows: tuple[str, str]) -> list[Source]:
    data = [{"Id": rid, "Email": email, "LastName": "Lee"} for rid, email in rows]
    return [Source(name="crm", data=data, mapping="salesforce.Contact")]


def _build(path: Path, *rows: tuple[str, str]) -> CustomerBase:
    return CustomerBase.build(_crm(*rows), store=path, resolver=resolve_exact)


def test_a_merge_keeps_the_older_id_and_the_other_resolves(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    older = _build(path, ("1", "ann@acme.com")).contacts.column("id")[0]
    both = _build(path, ("1", "ann@acme.com"), ("2", "ann.lee@acme.com"))
    newer = next(i for i in both.contacts.column("id") if i != older)
    merged = _build(path, ("1", "ann@acme.com"), ("2", "ANN@acme.com"))
    assert merged.contacts.column("id").tolist() == [older]
    with pytest.warns(MergedIdWarning, match=f"{newer!r} was merged into {older!r}"):
        assert merged.contact(newer).id == older
    assert merged.survivor(newer) == older
    reopened = CustomerBase.open(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MergedIdWarning)
        assert reopened.contact(newer).id == older


def test_a_merge_of_an_alias_survivor_keeps_resolving(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    first = _build(path, ("1", "a@acme.com")).contacts.column("id")[0]
    second_base = _build(path, ("1", "a@acme.com"), ("2", "b@acme.com"))
    second = next(i for i in second_base.contacts.column("id") if i != first)
    third_base = _build(path, ("1", "a@acme.com"), ("2", "b@acme.com"), ("3", "c@acme.com"))
    third = next(i for i in third_base.contacts.column("id") if i not in (first, second))
    _build(path, ("1", "a@acme.com"), ("2", "b@acme.com"), ("3", "b@acme.com"))  # 3 into 2
    final = _build(path, ("1", "a@acme.com"), ("2", "a@acme.com"), ("3", "a@acme.com"))
    assert final.contacts.column("id").tolist() == [first]
    assert final.survivor(third) == first
    assert final.survivor(second) == first


def test_a_split_keeps_the_id_on_the_larger_part(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    rows = [("1", "ann@acme.com"), ("2", "ann@acme.com"), ("3", "ann@acme.com")]
    whole = _build(path, *rows).contacts.column("id")[0]
    split = _build(path, rows[0], ("2", "bo@acme.com"), rows[2])
    ids = dict(zip(split.tables.contact_records.column("source_id"),
                   split.contacts.column("id")[split.tables.resolution.contact_of_record],
                   strict=True))  # fmt: skip
    assert ids["1"] == ids["3"] == whole
    assert ids["2"] != whole


def test_a_reused_key_gets_a_fresh_id(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    gone = _build(path, ("1", "ann@acme.com")).contacts.column("id")[0]
    _build(path, ("2", "bo@acme.com"))  # record 1 left: its id retires
    back = _build(path, ("3", "ann@acme.com")).contacts.column("id")[0]
    assert back != gone  # a retired id is never handed to another entity


def test_ids_asked_of_the_store_are_those_ever_given(tmp_path: Path) -> None:
    """An update asks the store about the ids it may give, not for every id."""
    path = tmp_path / "s.db"
    older = _build(path, ("1", "ann@acme.com")).contacts.column("id")[0]
    both = _build(path, ("1", "ann@acme.com"), ("2", "ann.lee@acme.com"))
    newer = next(i for i in both.contacts.column("id") if i != older)
    _build(path, ("1", "ann@acme.com"), ("2", "ANN@acme.com"))  # newer merged: an alias now
    with closing(sqlite3.connect(path)) as connection:
        every = taken_ids(connection, "contact")
        ids = StoredIds(connection, "contact").ask([older, "con_none"])
        assert {older, newer} <= every
        assert older in ids
        assert newer in ids  # an alias, looked up when asked
        assert "con_none" not in ids
        assert 3 not in ids
        named, born = name_entities("contact", np.array([newer, "con_new"], dtype=object),
                                    given={}, keys=np.array(["k1", "k2"], dtype=object),
                                    taken=ids)  # fmt: skip
    assert named[1] == "con_new"
    assert named[0] not in every  # an id given before is never handed out again
    assert born == named.tolist()


def test_the_event_log_says_who_merged_and_split_what(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    older = _build(path, ("1", "a@acme.com")).contacts.column("id")[0]
    newer = next(
        i
        for i in _build(path, ("1", "a@acme.com"), ("2", "b@acme.com")).contacts.column("id")
        if i != older
    )
    rows = _crm(("1", "a@acme.com"), ("2", "a@acme.com"))
    merged = CustomerBase.build(
        rows, store=path, resolver=resolve_exact, actor="steward", reason="same person"
    )
    events = merged.events()
    assert events["build"].tolist() == [1, 1, 2, 2, 3, 3, 3]
    merge = events[events["action"] == "merge"].iloc[0]
    assert (merge["entity_id"], merge["other_id"]) == (older, newer)
    assert (merge["actor"], merge["reason"], merge["level"]) == (
        "steward",
        "same person",
        "contact",
    )
    split = _build(path, ("1", "a@acme.com"), ("2", "b@acme.com")).events()
    row = split[split["action"] == "split"].iloc[0]
    assert row["entity_id"] == older
    assert row["other_id"] != newer  # an alias is never handed out again
    assert CustomerBase.open(path).events().equals(split)


def test_a_base_without_a_store_has_no_events() -> None:
    events = CustomerBase.build(_crm(("1", "a@acme.com"))).events()
    assert events.empty
    assert "entity_id" in events.columns


@pytest.mark.parametrize("level", ["account", "contact"])
def test_previous_ids_are_what_joining_memberships_and_births_gives(
    tmp_path: Path, level: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from customer_understanding.base import _lineage
    from customer_understanding.base._lineage import previous_ids

    monkeypatch.setattr(_lineage, "_BATCH", 7)  # keys looked up in several statements

    path = tmp_path / "ids.db"
    sources = _world().as_sources()
    salesforce = [source for source in sources if source.name.startswith("salesforce")]
    CustomerBase.build(salesforce, store=path, policy="lenient")
    CustomerBase.build(sources, store=path, policy="lenient")  # ids born in two builds
    with closing(sqlite3.connect(path)) as connection:
        joined = pd.DataFrame(connection.execute(
            "SELECT m.record, m.id, e.born FROM members m JOIN entities e ON e.level = m.level"
            " AND e.id = m.id WHERE m.level = ? ORDER BY m.record", (level,)).fetchall(),
            columns=["record", "old", "born"])  # fmt: skip
        every = previous_ids(connection, level)
        asked = [*joined["record"].iloc[::3].tolist(), "nowhere:0"] * 2  # repeats, unknown
        some = previous_ids(connection, level, asked)
        given = {row[0] for row in connection.execute(
            "SELECT id FROM entities WHERE level = ? UNION SELECT alias FROM aliases"
            " WHERE level = ?", (level, level))}  # fmt: skip
        names = [*sorted(given), "nobody", "acc_nobody", "con_nobody"]
        stored = _lineage.StoredIds(connection, level).ask(names)
        assert [name in stored for name in names] == [name in given for name in names]
    assert len(joined) > 50
    assert joined["born"].nunique() == 2  # ids born in either build
    pd.testing.assert_frame_equal(every, joined)
    pd.testing.assert_frame_equal(some, joined.iloc[::3].reset_index(drop=True))
