"""The update's cheaper mechanisms give what the plain path gives (property tests)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from customer_understanding import CustomerBase, Source
from customer_understanding.base import _codec, _store
from customer_understanding.base._build import ACCOUNT_FIELDS, CONTACT_FIELDS
from customer_understanding.base._codec import decode_array, deferred, encode_array, extends
from customer_understanding.base._survive import golden_values
from customer_understanding.base._update_resolve import _review
from customer_understanding.identity import ReviewPairs, cluster_scores
from customer_understanding.tables import AccountRecords, ContactRecords

from .test_update import _KEY, _members, _split

_SYSTEMS = ("crm", "desk")
_IDS = ("1", "2", "3", "10", "x")
_RECORD = st.tuples(st.sampled_from(_SYSTEMS), st.sampled_from(_IDS))
_ENTITY = st.sampled_from(("acc_a", "con_b", "con_c"))
_PAIR = st.tuples(st.sampled_from(("account", "contact")), _RECORD, _RECORD, _ENTITY,
                  st.sampled_from((0.5, 0.7)))  # fmt: skip


def _pairs(rows: list[Any]) -> ReviewPairs:
    return ReviewPairs(
        level=[r[0] for r in rows], left_system=[r[1][0] for r in rows],
        left_source_id=[r[1][1] for r in rows], right_system=[r[2][0] for r in rows],
        right_source_id=[r[2][1] for r in rows], left_entity_id=[r[3] for r in rows],
        right_entity_id=["con_c" for _ in rows], match_probability=[r[4] for r in rows],
        match_weight=[r[4] * 2 for r in rows],
    )  # fmt: skip


def _plain(stored: ReviewPairs, plans: Any, found: ReviewPairs, renamed: Any) -> ReviewPairs:
    """The update's review pairs as it first made them: keys of every stored pair."""
    old, new = stored.to_pandas(), found.to_pandas()
    drop = np.zeros(len(old), dtype=bool)
    for level, plan in plans.items():
        again = plan.merged.take(plan.rows)
        keys = set((again.labels("system").astype(str) + ":"
                    + again.column("source_id").astype(str)).tolist())  # fmt: skip
        for side in ("left", "right"):
            made = old[f"{side}_system"].astype(str) + ":" + old[f"{side}_source_id"].astype(str)
            drop |= ((old["level"] == level) & made.isin(keys)).to_numpy()
    for side in ("left", "right"):
        new[f"{side}_entity_id"] = new[f"{side}_entity_id"].map(lambda i: renamed.get(i, i))
    both = pd.concat([old[~drop], new], ignore_index=True)
    return ReviewPairs(**{name: both[name].to_numpy() for name in attrs.fields_dict(ReviewPairs)})


@settings(max_examples=150, deadline=None)
@given(st.lists(_PAIR, max_size=12), st.lists(_PAIR, max_size=4),
       st.lists(_RECORD, max_size=4, unique=True),
       st.lists(_RECORD, max_size=3, unique=True))  # fmt: skip
def test_review_pairs_of_an_update_are_the_plain_paths(stored, found, contacts, accounts) -> None:  # type: ignore[no-untyped-def]
    plans = {}
    for level, kind, again in (("contact", ContactRecords, contacts),
                               ("account", AccountRecords, accounts)):  # fmt: skip
        records = kind.from_columns({
            "system": np.array([*(s for s, _ in again), "crm"], dtype=object),
            "source_id": np.array([*(i for _, i in again), "other"], dtype=object),
        })  # fmt: skip
        plans[level] = SimpleNamespace(merged=records, rows=np.arange(len(again)))
    renamed = {"acc_a": "acc_z"}
    mine = _review(_pairs(stored), plans, _pairs(found), renamed)  # type: ignore[arg-type]
    plain = _plain(_pairs(stored), plans, _pairs(found), renamed)
    pd.testing.assert_frame_equal(mine.to_pandas(), plain.to_pandas())


def test_review_pairs_keep_their_texts_without_copying_them_as_text() -> None:
    pairs = _pairs([("contact", ("crm", "1"), ("desk", "2"), "con_b", 0.5)])
    again = ReviewPairs(**{name: getattr(pairs, name) for name in attrs.fields_dict(ReviewPairs)})
    assert again.to_pandas().equals(pairs.to_pandas())
    mixed = ReviewPairs(**{**{n: getattr(pairs, n) for n in attrs.fields_dict(ReviewPairs)},
                           "left_source_id": np.array([7], dtype=object)})  # fmt: skip
    assert mixed.left_source_id.tolist() == ["7"]


_TEXT = st.one_of(st.none(), st.sampled_from(("a", "b", "")), st.text(max_size=6))


@settings(max_examples=150, deadline=None)
@given(st.lists(_TEXT, min_size=0, max_size=40), st.integers(0, 3000), st.booleans())
@example(values=["", "\x00"], extra=0, distinct=False)  # alike up to a NUL (pandas < 3.1)
def test_a_text_column_reads_back_as_it_was_in_either_kind(values, extra, distinct) -> None:  # type: ignore[no-untyped-def]
    # Past the sample size, a column of mostly distinct texts is stored every value joined.
    tail = [f"id-{i}" if distinct else "same" for i in range(extra)]
    array = np.empty(len(values) + len(tail), dtype=object)
    array[:] = [*values, *tail]
    encoded = encode_array(array, where="x")
    assert encoded[0] in ("text", "texts", "json")
    back = decode_array(encoded)
    assert back.tolist() == array.tolist()
    assert deferred(encoded)[0] == len(array)
    if distinct and extra >= 2000 and encoded[0] != "json":
        assert encoded[0] == "texts"


_INT64 = st.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.integers(-(2**31), 2**31 - 1), _INT64), max_size=30))
def test_int64_arrays_read_back_as_int64_and_take_four_bytes_when_they_fit(values) -> None:  # type: ignore[no-untyped-def]
    array = np.array(values, dtype=np.int64)
    encoded = encode_array(array, where="x")
    back = decode_array(encoded)
    assert back.dtype == np.int64
    assert back.tolist() == values
    assert deferred(encoded)[0] == len(values)
    fits = bool(values) and all(-(2**31) <= v < 2**31 for v in values)
    assert (encoded[0] == "<i8:<i4") == fits
    assert len(encoded[2]) == (4 if fits else 8) * len(values)


def test_texts_holding_a_separator_or_nan_are_stored_another_way() -> None:
    odd = np.array([f"v{i}" for i in range(2000)] + ["a\x1fb", None], dtype=object)
    assert decode_array(encode_array(odd, where="x")).tolist() == odd.tolist()
    nan = np.array([f"v{i}" for i in range(2000)] + [float("nan")], dtype=object)
    back = decode_array(encode_array(nan, where="x"))
    assert back[:-1].tolist() == nan[:-1].tolist()
    assert pd.isna(back[-1])


def test_a_version_1_store_opens_and_an_update_migrates_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    first, rest = _split(0.9)
    with monkeypatch.context() as old:  # written as version 1 wrote: no "texts" arrays
        old.setattr(_store, "SCHEMA_VERSION", 1)
        old.setattr(_codec, "_mostly_distinct", lambda array: False)
        old.setattr(_codec, "_narrow", lambda array: False)
        built = CustomerBase.build(first, store=path, id_key=_KEY)
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT value FROM meta WHERE key = 'schema_version'"
                                  ).fetchone()[0] == 1  # fmt: skip
        kinds = {kind for (kind,) in connection.execute("SELECT DISTINCT kind FROM arrays")}
        assert not kinds & {"texts", _codec._NARROW}
    opened = CustomerBase.open(path)
    pd.testing.assert_frame_equal(opened.contacts.to_pandas(), built.contacts.to_pandas())
    updated = opened.update(rest)
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT value FROM meta WHERE key = 'schema_version'"
                                  ).fetchone()[0] == _store.SCHEMA_VERSION  # fmt: skip
        arranged = connection.execute("SELECT value FROM meta WHERE key = 'arranged'").fetchone()
        narrow = connection.execute("SELECT 1 FROM arrays WHERE kind = ?", (_codec._NARROW,))
        assert narrow.fetchall()  # the update's new blobs use the newer kinds
    assert "tables.stages" in json.loads(arranged[0])  # its version 1 blobs kept in place
    again = CustomerBase.open(path)
    pd.testing.assert_frame_equal(again.contacts.to_pandas(), updated.contacts.to_pandas())


def _reads_of_arrays(seen: list[str]) -> int:
    return sum(statement.startswith("SELECT * FROM arrays") for statement in seen)


def test_an_update_of_a_base_just_opened_does_not_read_every_array_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.db"
    first, rest = _split(0.9)
    CustomerBase.build(first, store=path, id_key=_KEY)
    seen: list[str] = []
    connect = _store._connect

    def traced(where: Path, *, wait: float) -> sqlite3.Connection:
        connection = connect(where, wait=wait)
        connection.set_trace_callback(seen.append)
        return connection

    monkeypatch.setattr(_store, "_connect", traced)
    opened = CustomerBase.open(path)
    assert _reads_of_arrays(seen) == 1
    updated = opened.update(rest)
    assert _reads_of_arrays(seen) == 1  # the update found the base it was called on
    again = CustomerBase.open(path)  # written since: read again, and equal to the update
    assert _reads_of_arrays(seen) == 2
    pd.testing.assert_frame_equal(again.contacts.to_pandas(), updated.contacts.to_pandas())
    # a write through another base object makes what this one read stale
    CustomerBase.open(tmp_path / "s.db").update(rest[:1], reason="again")
    assert _reads_of_arrays(seen) == 2  # the base `again` is the last commit's until then
    CustomerBase.open(path)
    assert _reads_of_arrays(seen) == 3


def test_a_base_no_longer_in_use_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    CustomerBase.build(_split(0.5)[0], store=path, id_key=_KEY)
    first = CustomerBase.open(path)
    held = first.tables
    assert CustomerBase.open(path).tables is held
    del first, held
    import gc

    gc.collect()
    assert _store._last_read(path, _store._LAST_READ[str(path.resolve())][0]) is None


_VALUE = st.one_of(st.none(), st.sampled_from(("a", "b", "")), st.integers(0, 3))


@settings(max_examples=200, deadline=None)
@given(st.lists(_VALUE, max_size=150), st.lists(_VALUE, max_size=150), st.data())
def test_an_array_extends_another_when_it_starts_with_every_row_of_it(old, more, data) -> None:  # type: ignore[no-untyped-def]
    before = np.empty(len(old), dtype=object)
    before[:] = old
    after = np.empty(len(old) + len(more), dtype=object)
    after[:] = [*old, *more]
    if len(old) and data.draw(st.booleans()):  # one row changed, anywhere
        at = data.draw(st.integers(0, len(old) - 1))
        after[at] = "changed" if after[at] != "changed" else "other"
    plain = len(after) >= len(before) and all(
        type(a) is type(b) and a == b for a, b in zip(after.tolist(), before.tolist(), strict=False)
    )
    assert extends(after, before) == plain
    numbers = np.array([0 if v is None else len(str(v)) for v in after], dtype=np.float64)
    numbers[::3] = np.nan
    assert extends(numbers, numbers[: len(before)])
    assert not extends(np.zeros(len(numbers), dtype=np.int64), numbers[: len(before)])


def _parts(path: Path) -> dict[str, list[str]]:
    with closing(sqlite3.connect(path)) as connection:
        row = connection.execute("SELECT value FROM meta WHERE key = 'parts'").fetchone()
    return json.loads(row[0] or "{}")


def _same(first: CustomerBase, second: CustomerBase) -> None:
    for name in ("accounts", "contacts", "interactions", "opportunities"):
        pd.testing.assert_frame_equal(first.to_pandas(name), second.to_pandas(name))
    for name in ("contact_records", "account_records", "consents", "stages"):
        pd.testing.assert_frame_equal(getattr(first.tables, name).to_pandas(),
                                      getattr(second.tables, name).to_pandas())  # fmt: skip
    both = (first.tables.resolution, second.tables.resolution)
    pd.testing.assert_frame_equal(both[0].review.to_pandas(), both[1].review.to_pandas())
    for name in ("contact_ids", "contact_keys", "account_ids", "account_keys"):
        assert np.array_equal(getattr(both[0], name), getattr(both[1], name))


def _halves(rest: list[Source]) -> tuple[list[Source], list[Source]]:
    """Each export's rows in two halves (a half without rows left out)."""
    half: list[Source] = []
    other: list[Source] = []
    for source in rest:
        frame = source.data
        assert isinstance(frame, pd.DataFrame)
        cut = len(frame) // 2
        for into, part in ((half, frame.iloc[:cut]), (other, frame.iloc[cut:])):
            if len(part):
                into.append(Source(name=source.name, data=part, mapping=source.mapping))
    return half, other


def test_records_an_update_appends_are_stored_as_one_more_part(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    first, rest = _split(0.8)
    half, other = _halves(rest)
    CustomerBase.build(first, store=path, id_key=_KEY)
    once = CustomerBase.open(path).update(half)
    parts = _parts(path)
    email = "tables.contact_records.arrays[email]"
    assert parts[email] == [email, f"{email}#1"]
    stages = "tables.stages.arrays[source_id]"  # kept in place, the new rows one more part
    assert parts[stages] == [stages, f"{stages}#1"]
    assert "tables.stages.arrays[subject]" not in parts  # looked up again: written whole
    _same(CustomerBase.open(path), once)
    twice = once.update(other)
    assert _parts(path)[email] == [email, f"{email}#1", f"{email}#2"]
    reopened = CustomerBase.open(path)
    _same(reopened, twice)
    rebuilt = CustomerBase.build(first + half + other, id_key=_KEY)
    mine, theirs = (_members(b, "contact").sort_index().to_numpy() for b in (reopened, rebuilt))
    assert cluster_scores(mine, theirs).f1 == 1.0


def test_an_array_in_too_many_parts_is_written_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_store, "MAX_PARTS", 2)
    path = tmp_path / "s.db"
    first, rest = _split(0.8)
    CustomerBase.build(first, store=path, id_key=_KEY)
    half, other = _halves(rest)
    base = CustomerBase.open(path).update(half)
    assert _parts(path)
    base = base.update(other)
    assert "tables.contact_records.arrays[email]" not in _parts(path)
    with closing(sqlite3.connect(path)) as connection:
        names = [row[0] for row in connection.execute("SELECT path FROM arrays")]
    assert not [name for name in names if "#" in name and name.split("#")[0] not in _parts(path)]
    _same(CustomerBase.open(path), base)


def test_a_rewrite_drops_every_part_of_an_array(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    first, rest = _split(0.8)
    CustomerBase.build(first, store=path, id_key=_KEY)
    CustomerBase.open(path).update(rest)
    assert _parts(path)
    rebuilt = CustomerBase.build(first + rest, store=path, id_key=_KEY)
    assert _parts(path) == {}
    with closing(sqlite3.connect(path)) as connection:
        assert not connection.execute("SELECT 1 FROM arrays WHERE path LIKE '%#%'").fetchall()
    _same(CustomerBase.open(path), rebuilt)


@cache
def _golden_case(level: str) -> tuple[Any, Any, int, tuple[str, ...], Any]:
    base = CustomerBase.build(_split(1.0)[0], id_key=_KEY)
    tables, resolution = base.tables, base.tables.resolution
    if level == "contact":
        return (tables.contact_records, resolution.contact_of_record, resolution.n_contacts,
                CONTACT_FIELDS, tables.survivorship)  # fmt: skip
    return (tables.account_records, resolution.account_of_record, resolution.n_accounts,
            ACCOUNT_FIELDS, tables.survivorship)  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(("contact", "account")), st.floats(0.0, 1.0))
def test_golden_values_of_the_entities_an_update_redoes_are_a_full_runs(  # type: ignore[no-untyped-def]
    level, share
) -> None:
    """Only their records compete, the others' spellings still count in the votes."""
    records, entity, n, fields, policy = _golden_case(level)
    _, plain, categories = golden_values(records, entity, n, fields, policy)
    first = max(int(n * share), 1)
    known = {field: won[:first] for field, won in plain.items()}
    values, again, _ = golden_values(records, entity, n, fields, policy, known=known)
    for field in fields:
        assert again[field].tolist() == plain[field].tolist()
        column = records.column(field)
        expected = np.where(plain[field] >= 0, column[np.maximum(plain[field], 0)],
                            records.SCHEMA[field].missing)  # fmt: skip
        if field not in categories or categories[field] == records.categories.get(field):
            assert pd.Series(values[field]).equals(pd.Series(expected.astype(column.dtype)))


def _plain_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make updates lay every event row out again: sorted whole, every subject and consent
    statement tied again."""
    from customer_understanding.base import _updating

    real = _updating.build_tables

    def plain(*args: Any, known: Any = None, ordered: Any = None, **kwargs: Any) -> Any:
        carried = ("stage_subjects", "consents")
        kept = {name: value for name, value in (known or {}).items() if name not in carried}
        return real(*args, known=kept, **kwargs)

    monkeypatch.setattr(_updating, "build_tables", plain)


@pytest.mark.parametrize("defects", [False, True])
def test_event_rows_merged_in_and_subjects_carried_are_the_plain_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, defects: bool
) -> None:
    from customer_understanding.datasets import generate_world

    world = generate_world(accounts=40, interactions=2_000, defects=defects, seed=11)
    first, rest = [], []
    for source in world.as_sources():
        frame = source.data
        assert isinstance(frame, pd.DataFrame)
        cut = int(len(frame) * 0.7)
        first.append(Source(name=source.name, data=frame.iloc[:cut], mapping=source.mapping))
        rest.append(Source(name=source.name, data=frame.iloc[cut:], mapping=source.mapping))
    CustomerBase.build(first, store=tmp_path / "a.db", id_key=_KEY, policy="lenient")
    (tmp_path / "b.db").write_bytes((tmp_path / "a.db").read_bytes())
    merged = CustomerBase.open(tmp_path / "a.db").update(rest, policy="lenient")
    stages = merged.tables.stages
    carried = stages.column("subject") >= 0
    assert carried.mean() > 0.5  # most stage rows name a subject, many of them carried over
    with monkeypatch.context() as patched:
        _plain_tables(patched)
        plain = CustomerBase.open(tmp_path / "b.db").update(rest, policy="lenient")
    _same(merged, plain)
    _same(CustomerBase.open(tmp_path / "a.db"), plain)


def test_event_columns_kept_in_place_are_written_whole_again_past_their_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.db"
    first, rest = _split(0.8)
    half, other = _halves(rest)
    monkeypatch.setattr(_store, "MAX_PARTS", 2)
    CustomerBase.build(first, store=path, id_key=_KEY)

    def arranged() -> dict[str, Any]:
        with closing(sqlite3.connect(path)) as connection:
            row = connection.execute("SELECT value FROM meta WHERE key = 'arranged'").fetchone()
        return dict(json.loads(row[0]))

    once = CustomerBase.open(path).update(half)
    assert "tables.stages" in arranged()
    twice = once.update(other)  # two parts already: every column written whole
    assert "tables.stages" not in arranged()
    assert "tables.stages.arrays[source_id]" not in _parts(path)
    _same(CustomerBase.open(path), twice)


def test_columns_leaving_their_place_are_written_in_order(tmp_path: Path) -> None:
    """A column kept in place holds its rows in arrival order: once the table is written
    otherwise, it is written whole, even where its rows in order only grew."""
    from customer_understanding.base._in_place import Placed
    from customer_understanding.tables import StageHistoryTable

    path = tmp_path / "s.db"

    def table(ids: list[str]) -> StageHistoryTable:
        return StageHistoryTable.from_columns({"source_id": ids, "at": [ord(i) for i in ids]})

    def save(roots: dict[str, Any], **how: Any) -> dict[str, Any]:
        with _store.writing(path) as writer:
            writer.save(roots, **how)
        return dict(_store.read_store(path).roots)

    stored = save({"t": table(["a", "c", "d"])})
    placed = {"t": Placed(source=np.array([0, -1, 1, 2]), stored_rows=3,
                          columns=("t.arrays[source_id]", "t.arrays[at]"))}  # fmt: skip
    stored = save({"t": table(["a", "b", "c", "d"])}, previous=stored, placed=placed)
    assert stored["t"].column("source_id").tolist() == ["a", "b", "c", "d"]
    stored["t"].column("source_id")  # read: what a next write compares with
    grown = table(["a", "b", "c", "d", "e"])
    again = save({"t": grown}, previous=stored)  # no rows placed: written the plain way
    assert again["t"].column("source_id").tolist() == ["a", "b", "c", "d", "e"]
    assert again["t"].column("at").tolist() == [ord(i) for i in "abcde"]


def test_rows_sent_again_replace_their_stored_rows_in_place(tmp_path: Path) -> None:
    """Records and interactions sent again replace the stored ones: the old rows stay
    behind unreferenced, and the store reads back what the update made."""
    path = tmp_path / "s.db"
    first, rest = _split(0.8)
    CustomerBase.build(first, store=path, id_key=_KEY)
    once = CustomerBase.open(path).update(rest)
    again = [Source(name=s.name, data=s.data.iloc[::7], mapping=s.mapping)  # type: ignore[union-attr]
             for s in first]  # fmt: skip
    twice = once.update(again)
    events = twice.events()
    counts = events[events["action"] == "update"].iloc[-1]["detail"]
    assert counts["contact"]["records_changed"] > 0
    with closing(sqlite3.connect(path)) as connection:
        row = connection.execute("SELECT value FROM meta WHERE key = 'arranged'").fetchone()
    arranged = json.loads(row[0])
    records = arranged["tables.contact_records"]
    assert records["rows"] > len(twice.tables.contact_records)  # the replaced rows left behind
    _same(CustomerBase.open(path), twice)
