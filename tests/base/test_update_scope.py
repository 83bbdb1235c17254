"""An update touches what the new rows reach, and no more; its answer is a rebuild's."""

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer_understanding import CustomerBase, Source
from customer_understanding.base import _store
from customer_understanding.base._kept import read_kept
from customer_understanding.base._kept_values import read_coded
from customer_understanding.base._keyindex import _derived
from customer_understanding.base._update_plan import plan_level, stored_index
from customer_understanding.identity import (
    Field,
    Frequencies,
    LinkContext,
    Linker,
    LinkerSteps,
    ProbabilisticResolver,
    cluster_scores,
)
from customer_understanding.ingest import load
from customer_understanding.tables import ContactRecords

from .test_update import _KEY, _members, _split, _world


@contextmanager
def _statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every SQL statement the store's connections run while in the block."""
    seen: list[str] = []
    connect = _store._connect

    def traced(path: Path, *, wait: float) -> sqlite3.Connection:
        connection = connect(path, wait=wait)
        connection.set_trace_callback(seen.append)
        return connection

    monkeypatch.setattr(_store, "_connect", traced)
    yield seen


def _people(count: int) -> list[dict[str, str]]:
    return [{"Id": str(i), "Email": f"p{i}@firm{i}.com", "FirstName": f"N{i}",
             "LastName": f"L{i}"} for i in range(count)]  # fmt: skip


def test_an_update_writes_the_memberships_of_the_records_it_reached_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.db"
    source = Source(name="crm", data=_people(40), mapping="salesforce.Contact")
    base = CustomerBase.build([source], store=path, id_key=_KEY)
    rows = [{"Id": "100", "Email": "new@elsewhere.org", "FirstName": "Zed", "LastName": "Q"},
            {"Id": "101", "Email": "P3@firm3.com", "FirstName": "N3",
             "LastName": "L3"}]  # fmt: skip
    with _statements(monkeypatch) as seen:
        updated = base.update([Source(name="crm", data=rows, mapping="salesforce.Contact")])
    members = [s for s in seen if s.startswith("INSERT OR REPLACE INTO members")]
    # the newcomer and the one joining p3: 2 of 42 (p3's own record, reached, keeps its id)
    assert sorted(s.split("'")[3] for s in members) == ["salesforce:100", "salesforce:101"]
    reads = [s for s in seen if "FROM members" in s]
    assert reads
    assert all("WHERE" in s for s in reads)  # no whole-table read of memberships
    assert len(updated.contacts) == 41
    with closing(sqlite3.connect(path)) as connection:
        stored = dict(connection.execute("SELECT record, id FROM members WHERE level = 'contact'"))
    assert stored == _members(updated, "contact").to_dict()  # every record's id, as the base


def _shuffled(sources: list[Source], seed: int) -> list[Source]:
    rng = np.random.default_rng(seed)
    out = []
    for source in sources:
        frame = source.data
        assert isinstance(frame, pd.DataFrame)
        out.append(Source(name=source.name, mapping=source.mapping,
                          data=frame.iloc[rng.permutation(len(frame))]))  # fmt: skip
    return out


@pytest.mark.parametrize("level", ["account", "contact"])
def test_an_update_of_shuffled_rows_resolves_as_the_rebuild(tmp_path: Path, level: str) -> None:
    first, rest = _split(0.97)
    base = CustomerBase.build(_shuffled(first, 1), store=tmp_path / "u.db", id_key=_KEY)
    updated = base.update(_shuffled(rest, 2))
    full = CustomerBase.build(_shuffled(_world().as_sources(), 3), id_key=_KEY)
    mine, theirs = _members(updated, level), _members(full, level)
    assert set(mine.index) == set(theirs.index)
    score = cluster_scores(mine.to_numpy(), theirs.reindex(mine.index).to_numpy()).f1
    assert score >= 0.999


def test_the_update_reaches_every_stored_record_a_rebuild_pairs_with_a_new_one(
    tmp_path: Path,
) -> None:
    first, rest = _split(0.95)
    base = CustomerBase.build(first, store=tmp_path / "u.db", id_key=_KEY)
    tables = base.tables
    with closing(sqlite3.connect(tmp_path / "u.db")) as connection:
        coded = read_coded(connection, "contact", length=len(tables.contact_records))
    model = read_kept(tmp_path / "u.db").models["contact"]
    found = stored_index(tables, "contact", model=model, coded=coded)
    new = load(rest).combined(ContactRecords)
    plan = plan_level("contact", tables, new, found=found, overrides=base.overrides())
    reached = set(np.flatnonzero(plan.entities).tolist())
    # a rebuild's pairs of a stored record with a new one (the merged records, in order)
    merged = plan.merged
    assert isinstance(merged, ContactRecords)
    result = ProbabilisticResolver().explain(tables.account_records, merged)[1]
    assert result is not None
    stored = len(tables.contact_records)
    left, right = result.left, result.right
    across = (left < stored) != (right < stored)
    old = np.where(left < stored, left, right)[across]
    of_record = tables.resolution.contact_of_record
    assert set(of_record[old].tolist()) <= reached


def test_a_context_weighs_a_few_records_as_a_run_over_all_of_them() -> None:
    linker = Linker(fields=[Field(column="email", kind="email"),
                            Field(column="last", kind="family_name")],
                    link_threshold=0.5)  # fmt: skip
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"email": [f"u{rng.integers(40)}@x.com" for _ in range(200)],
                          "last": [f"n{rng.integers(15)}" for _ in range(200)]})  # fmt: skip
    everyone = linker.deduplicate(frame)
    rows = np.arange(0, 200, 3, dtype=np.int64)
    codes = {c: np.asarray(everyone.records.codes[c]) for c in frame}
    context = LinkContext(model=everyone.model, codes=codes, rows=rows,
                          frequencies=Frequencies.count(codes, list(frame)))  # fmt: skip
    few = Linker(fields=linker.fields, link_threshold=0.5, context=context)
    some = few.deduplicate(frame.iloc[rows].reset_index(drop=True))
    weights = {(int(rows[a]), int(rows[b])): w for a, b, w in
               zip(some.left, some.right, some.match_weight, strict=True)}  # fmt: skip
    whole = {(int(a), int(b)): w for a, b, w in
             zip(everyone.left, everyone.right, everyone.match_weight, strict=True)}  # fmt: skip
    common = set(weights) & set(whole)
    assert len(common) > 50
    assert all(abs(weights[pair] - whole[pair]) < 1e-4 for pair in common)
    # without the counts over everyone, exact agreement weighs differently
    alone = Linker(fields=linker.fields, link_threshold=0.5).deduplicate(
        frame.iloc[rows].reset_index(drop=True), model=everyone.model
    )
    apart = {(int(rows[a]), int(rows[b])): w for a, b, w in
             zip(alone.left, alone.right, alone.match_weight, strict=True)}  # fmt: skip
    assert any(abs(apart[pair] - whole[pair]) > 1e-3 for pair in set(apart) & set(whole))
    assert context.kept["model"] is everyone.model


def test_a_build_keeps_the_name_keys_an_update_would_derive_from_its_values(
    tmp_path: Path,
) -> None:
    first, _ = _split(0.95)
    CustomerBase.build(first, store=tmp_path / "k.db", id_key=_KEY)
    with closing(sqlite3.connect(tmp_path / "k.db")) as connection:
        coded = read_coded(connection, "account", length=None)
    assert coded is not None
    linker = ProbabilisticResolver().account_linker
    fields = {field.column: coded[field.column] for field in linker.fields}
    derived = _derived(fields, LinkerSteps(linker))
    assert derived  # the organisation name's first word and initials
    present = 0
    for column, (codes, uniques) in derived.items():
        kept_codes, kept_uniques = coded[column]
        # record by record the same key, however numbered (the last slot: none)
        expected = np.append(uniques, None)[np.where(codes >= 0, codes, len(uniques))]
        kept = np.append(kept_uniques, None)[
            np.where(kept_codes >= 0, kept_codes, len(kept_uniques))
        ]
        assert kept.tolist() == expected.tolist()
        present += int((kept_codes >= 0).sum())
    assert present


def test_an_address_a_kept_person_shares_is_a_shared_inbox_to_the_update_as_to_a_rebuild(
    tmp_path: Path,
) -> None:
    # Ann's CRM record is on a household address Bob's record carries too (names that
    # clearly differ: a shared inbox); her help-desk records carry her own address. A new
    # help-desk record reaches Ann's entity, not Bob's: told over Ann's records alone, the
    # household address would look like her own and split her CRM record off.
    crm = [
        {
            "Id": "c1",
            "FirstName": "Ann",
            "LastName": "Lee",
            "Email": "lee.home@acme.com",
            "Phone": "+1 415 555 0100",
        },
        {"Id": "c3", "FirstName": "Bob", "LastName": "Stone", "Email": "lee.home@acme.com"},
    ]
    desk = [
        {
            "hs_object_id": "h2",
            "firstname": "Ann",
            "lastname": "Lee",
            "email": "ann.lee@acme.com",
            "phone": "+1 415 555 0100",
        }
    ]
    new = [{"hs_object_id": "h4", "firstname": "Ann", "lastname": "Lee",
            "email": "ann.lee@acme.com", "phone": "+1 415 555 0100"}]  # fmt: skip

    def sources(people: list[dict[str, str]]) -> list[Source]:
        return [Source(name="crm", data=crm, mapping="salesforce.Contact"),
                Source(name="desk", data=people, mapping="hubspot.contacts")]  # fmt: skip

    base = CustomerBase.build(sources(desk), store=tmp_path / "s.db", id_key=_KEY)
    updated = base.update([Source(name="desk", data=new, mapping="hubspot.contacts")])
    full = CustomerBase.build(sources(desk + new), id_key=_KEY)
    mine, theirs = _members(updated, "contact"), _members(full, "contact")
    assert mine.sort_index().to_dict() == theirs.sort_index().to_dict()
    assert mine["salesforce:c1"] == mine["hubspot:h4"] != mine["salesforce:c3"]
