"""Incremental updates: the answer of a full rebuild, for the cost of the new rows."""

import os
import sqlite3
from contextlib import closing
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customer_understanding import CustomerBase, InvalidValueError, Source, StoreError
from customer_understanding.datasets import SampleWorld, generate_world
from customer_understanding.identity import cluster_scores

_KEY = "a-secret-for-the-update-tests-2026"


@cache
def _world() -> SampleWorld:
    return generate_world(accounts=60, interactions=3_000, defects=False, seed=3)


def _split(share: float) -> tuple[list[Source], list[Source]]:
    """Each export cut at ``share`` of its rows: the first part, and the rest."""
    first, rest = [], []
    for source in _world().as_sources():
        frame = source.data
        assert isinstance(frame, pd.DataFrame)
        cut = int(len(frame) * share)
        if cut:
            first.append(Source(name=source.name, data=frame.iloc[:cut], mapping=source.mapping))
        if cut < len(frame):
            rest.append(Source(name=source.name, data=frame.iloc[cut:], mapping=source.mapping))
    return first, rest


def _members(base: CustomerBase, level: str) -> pd.Series:
    """Each source record's entity id, by ``system:source_id``."""
    tables, resolution = base.tables, base.tables.resolution
    records = tables.contact_records if level == "contact" else tables.account_records
    of = resolution.contact_of_record if level == "contact" else resolution.account_of_record
    ids = np.asarray(resolution.contact_ids if level == "contact" else resolution.account_ids)
    keys = (
        pd.Series(records.labels("system"), dtype=str)
        + ":"
        + pd.Series(records.column("source_id"), dtype=str)
    )
    return pd.Series(ids[of], index=keys.to_numpy())


def _f1(left: CustomerBase, right: CustomerBase, level: str) -> float:
    mine, theirs = _members(left, level), _members(right, level)
    assert set(mine.index) == set(theirs.index)
    return cluster_scores(mine.to_numpy(), theirs.reindex(mine.index).to_numpy()).f1


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CustomerBase]:
    """A store built from 99 % of each export then updated with the rest, and a rebuild."""
    folder = tmp_path_factory.mktemp("update")
    first, rest = _split(0.99)
    before = CustomerBase.build(first, store=folder / "u.db", id_key=_KEY)
    updated = before.update(rest, actor="etl", reason="the last rows")
    full = CustomerBase.build(_world().as_sources(), store=folder / "f.db", id_key=_KEY)
    return {"before": before, "updated": updated, "full": full}


@pytest.mark.parametrize("level", ["account", "contact"])
def test_an_update_resolves_as_a_full_rebuild(built: dict[str, CustomerBase], level: str) -> None:
    assert _f1(built["updated"], built["full"], level) >= 0.999


def test_untouched_entities_keep_their_ids(built: dict[str, CustomerBase]) -> None:
    before, after = _members(built["before"], "contact"), _members(built["updated"], "contact")
    detail = built["updated"].events()["detail"].iloc[-1]
    affected = detail["contact"]["entities_affected"]
    moved = {old for key, old in before.items() if after[key] != old}
    assert len(moved) <= affected
    kept = set(before) - moved
    assert kept <= set(after)
    assert len(kept) >= len(set(before)) - affected


def test_golden_records_of_affected_entities_are_the_rebuilds(
    built: dict[str, CustomerBase],
) -> None:
    updated, full = built["updated"], built["full"]
    mine, theirs = _members(updated, "contact"), _members(full, "contact")
    same = [entity for entity, keys in mine.groupby(mine).groups.items()
            if set(theirs[theirs == theirs[keys[0]]].index) == set(keys)]  # fmt: skip
    left = updated.to_pandas("contacts").set_index("contact_id")
    right = full.to_pandas("contacts").set_index("contact_id")
    right = right.rename(index=dict(zip(theirs.reindex(mine.index), mine, strict=True)))
    columns = ["email", "first_name", "last_name", "phone", "title", "marketing_consent"]
    # What titles gave is kept for the contacts left alone, read again for the others.
    columns += ["seniority", "seniority_confidence", "department", "department_confidence"]
    pd.testing.assert_frame_equal(left.loc[same, columns], right.loc[same, columns])


def test_an_update_is_logged_with_its_counts(built: dict[str, CustomerBase]) -> None:
    row = built["updated"].events().query("action == 'update'").iloc[-1]
    assert (row["actor"], row["reason"]) == ("etl", "the last rows")
    assert row["detail"]["contact"]["records_new"] > 0
    assert CustomerBase.open(built["updated"]._store).events().equals(built["updated"].events())


def test_a_refitted_update_is_a_rebuild(tmp_path: Path) -> None:
    first, rest = _split(0.8)
    before = CustomerBase.build(first, store=tmp_path / "u.db", id_key=_KEY)
    updated = before.update(rest, refit=True)
    full = CustomerBase.build(_world().as_sources(), id_key=_KEY)
    assert _f1(updated, full, "contact") == 1.0
    assert _f1(updated, full, "account") == 1.0


def test_a_changed_row_replaces_the_stored_record(tmp_path: Path) -> None:
    rows = [{"Id": "1", "Email": "ann@acme.com", "LastName": "Lee"},
            {"Id": "2", "Email": "bo@beta.io", "LastName": "Ng"}]  # fmt: skip
    base = CustomerBase.build([Source(name="crm", data=rows, mapping="salesforce.Contact")],
                              store=tmp_path / "s.db")  # fmt: skip
    changed = [{"Id": "2", "Email": "bo@beta.io", "LastName": "Ngata"}]
    updated = base.update([Source(name="crm", data=changed, mapping="salesforce.Contact")])
    assert len(updated.tables.contact_records) == 2
    frame = updated.to_pandas("contacts").set_index("contact_id")
    assert frame.loc[base.contacts.column("id")[1], "last_name"] == "Ngata"
    assert frame.index.tolist() == base.contacts.column("id").tolist()


def test_a_new_record_bridging_two_entities_keeps_the_older_id(tmp_path: Path) -> None:
    crm = [{"Id": "1", "Email": "ann@acme.com", "FirstName": "Ann", "LastName": "Lee"}]
    desk = [{"id": "7", "email": "ann.lee@gmail.com", "name": "Ann Lee"}]
    path = tmp_path / "s.db"
    CustomerBase.build([Source(name="crm", data=crm, mapping="salesforce.Contact")], store=path)
    second = CustomerBase.build(
        [Source(name="crm", data=crm, mapping="salesforce.Contact"),
         Source(name="desk", data=desk, mapping="zendesk.users")], store=path)  # fmt: skip
    if len(second.contacts) != 2:
        pytest.skip("the two records already resolve together")
    older = second.survivor(second.contacts.column("id")[0])
    bridge = [{"Id": "3", "Email": "ann@acme.com", "FirstName": "Ann", "LastName": "Lee",
               "Phone": None}, {"Id": "4", "Email": "ann.lee@gmail.com", "FirstName": "Ann",
                                "LastName": "Lee"}]  # fmt: skip
    updated = second.update([Source(name="crm", data=bridge, mapping="salesforce.Contact")])
    assert len(updated.contacts) <= 2
    assert older in set(updated.contacts.column("id"))


def test_without_a_store_an_update_returns_a_new_base(tmp_path: Path) -> None:
    first, rest = _split(0.99)
    before = CustomerBase.build(first, id_key=_KEY)
    records = len(before.tables.contact_records)
    updated = before.update(rest)
    assert len(before.tables.contact_records) == records
    assert len(updated.tables.contact_records) > records
    assert updated.events().empty


def _tiny(path: Path) -> CustomerBase:
    rows = [{"Id": "1", "Email": "a@b.io"}]
    return CustomerBase.build([Source(name="crm", data=rows, mapping="salesforce.Contact")],
                              store=path)  # fmt: skip


def test_an_empty_source_is_refused_by_name(tmp_path: Path) -> None:
    base = _tiny(tmp_path / "s.db")
    with pytest.raises(InvalidValueError, match="source 'web' holds no rows"):
        base.update(
            [
                Source(
                    name="web",
                    data=pd.DataFrame({"Id": [], "Email": []}),
                    mapping="salesforce.Contact",
                )
            ]
        )
    with pytest.raises(InvalidValueError, match="sources=\\[\\]"):
        base.update([])


def test_a_source_mapped_otherwise_is_refused_by_name(tmp_path: Path) -> None:
    base = _tiny(tmp_path / "s.db")
    other = [Source(name="crm", data=[{"id": "2", "email": "c@d.io"}], mapping="zendesk.users")]
    with pytest.raises(InvalidValueError, match="source 'crm' is mapped as zendesk/contact"):
        base.update(other)


def test_a_read_only_or_missing_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    base = _tiny(path)
    more = [Source(name="crm", data=[{"Id": "2", "Email": "c@d.io"}], mapping="salesforce.Contact")]
    if os.geteuid() != 0:  # root writes whatever the mode says
        path.chmod(0o444)
        try:
            with pytest.raises(StoreError, match=r"s\.db' is read-only"):
                base.update(more)
        finally:
            path.chmod(0o644)
    path.unlink()
    with pytest.raises(StoreError, match="does not exist"):
        base.update(more)


def test_the_store_keeps_the_updated_base(built: dict[str, CustomerBase]) -> None:
    updated = built["updated"]
    opened = CustomerBase.open(updated._store)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(opened.to_pandas("contacts"), updated.to_pandas("contacts"))
    with closing(sqlite3.connect(updated._store)) as connection:  # type: ignore[arg-type]
        members = dict(connection.execute(
            "SELECT record, id FROM members WHERE level = 'contact'").fetchall())  # fmt: skip
    mine = _members(updated, "contact")
    assert all(members[key] == entity for key, entity in mine.items())


@settings(max_examples=2, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(share=st.floats(min_value=0.9, max_value=0.995), refit=st.booleans())
def test_splitting_the_rows_anywhere_gives_the_rebuilds_partition(
    share: float, refit: bool
) -> None:
    """Built from the rows up to any point and updated with the rest: a rebuild's partition.

    Refitted, exactly; with the stored model, up to the pairs that a model fitted on
    part of the rows weighs on the other side of the link threshold.
    """
    first, rest = _split(share)
    updated = CustomerBase.build(first, id_key=_KEY).update(rest, refit=refit)
    for level in ("account", "contact"):
        assert _f1(updated, _rebuilt(), level) >= (1.0 if refit else 0.995)


@cache
def _rebuilt() -> CustomerBase:
    return CustomerBase.build(_world().as_sources(), id_key=_KEY)


def test_updates_index_the_stored_records_by_the_values_the_store_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from customer_understanding.base._keyindex import KeyIndex

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("the records were cleaned again")

    first, rest = _split(0.98)
    base = CustomerBase.build(first, store=tmp_path / "u.db", id_key=_KEY)
    monkeypatch.setattr(KeyIndex, "of_frame", refused)
    half = [Source(name=s.name, data=s.data.iloc[: len(s.data) // 2], mapping=s.mapping)
            for s in rest if len(s.data) > 1]  # fmt: skip
    other = [Source(name=s.name, data=s.data.iloc[len(s.data) // 2 :], mapping=s.mapping)
             for s in rest]  # fmt: skip
    updated = base.update(half).update(other)
    for level in ("account", "contact"):
        assert _f1(updated, _rebuilt(), level) >= 0.999


def test_a_contact_naming_an_account_that_arrives_later_is_linked_to_it(tmp_path: Path) -> None:
    # The contact's own records are untouched, but a rebuild links it by its CRM reference.
    accounts = [{"Id": "001A", "Name": "Acme GmbH", "Website": "acme.de"},
                {"Id": "001C", "Name": "Initech LLC", "Website": "initech.com"},
                {"Id": "001D", "Name": "Umbrella plc", "Website": "umbrella.co.uk"}]  # fmt: skip
    contacts = [{"Id": "003A", "AccountId": "001B", "Email": "ann@acme.de",
                 "FirstName": "Ann", "LastName": "Lee", "Company": "Acme"},
                {"Id": "003B", "AccountId": "001A", "Email": "bo@acme.de"}]  # fmt: skip
    first = [Source(name="accounts", data=accounts, mapping="salesforce.Account"),
             Source(name="contacts", data=contacts, mapping="salesforce.Contact")]  # fmt: skip
    later = [{"Id": "001B", "Name": "Globex AG", "Website": "globex.de"}]
    base = CustomerBase.build(first, store=tmp_path / "s.db", id_key=_KEY)
    updated = base.update([Source(name="accounts", data=later, mapping="salesforce.Account")])
    counts = updated.events()["detail"].iloc[-1]
    assert counts["contact"]["entities_affected"] == 0  # Ann is left alone
    full = CustomerBase.build(
        [Source(name="accounts", data=accounts + later, mapping="salesforce.Account"),
         Source(name="contacts", data=contacts, mapping="salesforce.Contact")], id_key=_KEY,
    )  # fmt: skip
    for each in (updated, full):
        table = each.to_pandas("contacts").set_index("email")
        names = each.to_pandas("accounts").set_index("account_id")["name"]
        assert names[table.loc["ann@acme.de", "account_id"]] == "Globex AG"
        assert table.loc["ann@acme.de", "account_method"] == "reference"
