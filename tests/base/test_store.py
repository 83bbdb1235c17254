"""The embedded store: build into a file, reopen it unchanged, refuse bad files clearly."""

import sqlite3
from contextlib import closing
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer_understanding import CustomerBase, InvalidValueError, Source, StoreError
from customer_understanding.base import _store
from customer_understanding.datasets import SampleWorld, generate_world
from customer_understanding.identity import ID_KEY_VARIABLE


@cache
def _world() -> SampleWorld:
    return generate_world(accounts=20, interactions=1_500, defects=False, seed=5)


def _sources() -> list[Source]:
    return _world().as_sources()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "customers.db"


def test_open_gives_back_every_table(path: Path) -> None:
    built = CustomerBase.build(_sources(), store=path)
    opened = CustomerBase.open(path)
    for name in ("accounts", "contacts", "interactions", "opportunities"):
        pd.testing.assert_frame_equal(built.to_pandas(name), opened.to_pandas(name))
    assert opened.tables.resolution.to_pandas().equals(built.tables.resolution.to_pandas())
    assert opened.tables.survivorship == built.tables.survivorship
    assert opened.tables.title_rules == built.tables.title_rules
    assert len(opened.tables.stages) == len(built.tables.stages)
    assert len(opened.tables.consents) == len(built.tables.consents)
    for field, rows in built.tables.contact_winners.items():
        assert np.array_equal(opened.tables.contact_winners[field], rows)
    assert repr(opened.report) == repr(built.report)


def test_opened_arrays_are_read_only(path: Path) -> None:
    CustomerBase.build(_sources(), store=path)
    opened = CustomerBase.open(path)
    with pytest.raises(ValueError, match="read-only"):
        opened.contacts.column("account")[0] = 5


def test_golden_as_of_works_after_reopening(path: Path) -> None:
    built = CustomerBase.build(_sources(), store=path)
    opened = CustomerBase.open(path)
    moment = "2025-06-30"
    assert (
        opened.golden("contact", as_of=moment)
        .to_pandas()
        .equals(built.golden("contact", as_of=moment).to_pandas())
    )


def test_the_id_secret_is_kept_in_the_store(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ID_KEY_VARIABLE, raising=False)
    first = CustomerBase.build(_sources(), store=path)
    with closing(sqlite3.connect(path)) as connection:
        row = connection.execute("SELECT value FROM meta WHERE key = 'id_key'").fetchone()
    assert len(row[0]) == 32
    # a new store with the same secret given gives the same ids
    again = CustomerBase.build(_sources(), store=path.with_name("b.db"), id_key=bytes(row[0]))
    assert again.contacts.column("id").tolist() == first.contacts.column("id").tolist()


def test_a_different_secret_is_refused(path: Path) -> None:
    CustomerBase.build(_sources(), store=path, id_key="first-secret-of-2026")
    with pytest.raises(InvalidValueError, match="secret kept in store"):
        CustomerBase.build(_sources(), store=path, id_key="other-secret-of-2026")


def test_a_bad_store_argument_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="store=42"):
        CustomerBase.build([], store=42)  # type: ignore[arg-type]


def test_a_missing_file_names_the_file(path: Path) -> None:
    with pytest.raises(StoreError, match=r"customers\.db' does not exist"):
        CustomerBase.open(path)


def test_a_file_that_is_not_sqlite_names_the_file(path: Path) -> None:
    path.write_bytes(b"name,email\nann,ann@acme.com\n")
    with pytest.raises(StoreError, match=r"customers\.db' is not a customer_understanding store"):
        CustomerBase.open(path)
    with pytest.raises(StoreError, match=r"customers\.db"):
        CustomerBase.build(_sources(), store=path)


def test_another_sqlite_database_is_not_a_store(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="SQLite file but not a customer_understanding store"):
        CustomerBase.open(path)


def test_a_damaged_store_names_the_file(path: Path) -> None:
    CustomerBase.build(_sources(), store=path)
    data = bytearray(path.read_bytes())
    data[4096:] = bytes(len(data) - 4096)  # everything after the first page wiped
    path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    with pytest.raises(StoreError, match=r"customers\.db"):
        CustomerBase.open(path)


def test_a_newer_schema_is_refused_clearly(path: Path) -> None:
    CustomerBase.build(_sources(), store=path)
    connection = sqlite3.connect(path)
    connection.execute("UPDATE meta SET value = 99 WHERE key = 'schema_version'")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="schema version 99 by a newer"):
        CustomerBase.open(path)


def test_an_older_schema_is_migrated(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    CustomerBase.build(_sources(), store=path)
    ran: list[int] = []
    now = _store.SCHEMA_VERSION
    monkeypatch.setattr(_store, "SCHEMA_VERSION", now + 1)
    monkeypatch.setitem(_store.MIGRATIONS, now, lambda connection: ran.append(now))
    CustomerBase.build(_sources(), store=path)
    assert ran == [now]
    with closing(sqlite3.connect(path)) as connection:
        query = "SELECT value FROM meta WHERE key = 'schema_version'"
        version = connection.execute(query).fetchone()[0]
    assert int(version) == now + 1


def test_a_new_store_holds_no_base_until_built(path: Path) -> None:
    sqlite3.connect(path).close()
    with pytest.raises(StoreError, match=r"does not exist|holds no customer base"):
        CustomerBase.open(path)


def test_a_failed_build_leaves_the_store_as_it_was(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = CustomerBase.build(_sources(), store=path)
    before = path.read_bytes()

    def broken(self: object, roots: object) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(_store.Writer, "save", broken)
    with pytest.raises(RuntimeError, match="disk gone"):
        CustomerBase.build(_sources()[:2], store=path)  # lineage written, then it fails
    monkeypatch.undo()
    opened = CustomerBase.open(path)
    assert opened.contacts.column("id").tolist() == first.contacts.column("id").tolist()
    with closing(sqlite3.connect(path)) as connection:
        members = connection.execute("SELECT count(*) FROM members").fetchone()[0]
    assert members == len(first.tables.contact_records) + len(first.tables.account_records)
    assert len(before) > 0


def test_tables_export_to_parquet(tmp_path: Path) -> None:
    base = CustomerBase.build(_sources())
    written = base.to_parquet(tmp_path / "export")
    contacts = pd.read_parquet(tmp_path / "export" / "contacts.parquet")
    assert [p.name for p in written][:2] == ["accounts.parquet", "contacts.parquet"]
    assert contacts["contact_id"].tolist() == base.contacts.column("id").tolist()


def test_damaged_contents_name_the_file(path: Path) -> None:
    CustomerBase.build(_sources(), store=path)
    connection = sqlite3.connect(path)
    connection.execute("UPDATE arrays SET codes = x'00' WHERE kind = 'text'")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match=r"customers\.db' is damaged"):
        CustomerBase.open(path)


def test_a_rule_holding_a_function_cannot_be_stored(path: Path) -> None:
    from customer_understanding.identity import Custom

    rule = Custom(function=lambda records: records.iloc[0], name="first")
    with pytest.raises(InvalidValueError, match=r"rules\[title\]\.function holds function"):
        CustomerBase.build(_sources(), store=path, survivorship={"title": rule})


def test_an_opened_base_pickles_and_reads_columns_once(path: Path) -> None:
    import pickle

    CustomerBase.build(_sources(), store=path)
    opened = CustomerBase.open(path)
    first = opened.interactions.column("subject")
    assert opened.interactions.column("subject") is first
    copy = pickle.loads(pickle.dumps(opened.tables))
    assert copy.interactions.column("subject").tolist() == first.tolist()


def test_a_base_pickles_after_online_adds_and_adds_again(path: Path) -> None:
    import pickle

    from customer_understanding import Contact

    base = CustomerBase.build(_sources(), store=path)
    first = base.add(Contact(id="w1", email="w1@fresh.example", last_name="Ash"))
    copy = pickle.loads(pickle.dumps(base))  # the online index and connection are not kept
    assert copy.contact(first).email == "w1@fresh.example"
    second = copy.add(Contact(id="w2", email="w2@fresh.example", last_name="Bell"))
    assert CustomerBase.open(path).contact(second).email == "w2@fresh.example"


def test_an_actor_must_be_text(path: Path) -> None:
    with pytest.raises(InvalidValueError, match="actor=5 must be text"):
        CustomerBase.build([], store=path, actor=5)  # type: ignore[arg-type]


def test_open_refuses_a_non_path() -> None:
    with pytest.raises(InvalidValueError, match="store=42 must be a path"):
        CustomerBase.open(42)  # type: ignore[arg-type]


def test_threads_reading_one_column_get_one_array(path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    CustomerBase.build(_sources(), store=path)
    opened = CustomerBase.open(path)
    with ThreadPoolExecutor(max_workers=8) as pool:
        arrays = list(pool.map(lambda _: opened.interactions.column("subject"), range(32)))
    assert all(array is arrays[0] for array in arrays)


def test_the_environment_secret_only_seeds_a_new_store(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ID_KEY_VARIABLE, "environment-secret-2026")
    first = CustomerBase.build(_sources(), store=path)
    plain = CustomerBase.build(_sources(), id_key="environment-secret-2026")
    assert first.contacts.column("id").tolist() == plain.contacts.column("id").tolist()
    monkeypatch.setenv(ID_KEY_VARIABLE, "another-secret-of-2026")
    again = CustomerBase.build(_sources(), store=path)  # the store's own secret wins
    assert again.contacts.column("id").tolist() == first.contacts.column("id").tolist()


def test_event_times_on_a_whole_second_read_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    # Python writes no fraction for a time on a whole second: both forms must read alike.
    import customer_understanding.base._stored as stored

    rows = [(1, "2026-01-01T10:00:00+00:00", None, "build", None, "{}"),
            (2, "2026-01-01T10:00:00.250000+00:00", None, "add", None, "{}")]  # fmt: skip
    monkeypatch.setattr(stored, "read_events", lambda path: rows)
    events = stored.stored_events("unused.db")
    assert events["at"].dt.microsecond.tolist() == [0, 250_000]


def test_a_new_store_takes_large_pages_and_an_old_one_keeps_its_own(path: Path) -> None:
    CustomerBase.build(_sources(), store=path)
    with closing(sqlite3.connect(path)) as made:
        assert made.execute("PRAGMA page_size").fetchone()[0] == 32768
    other = path.with_name("older.db")  # a file made with SQLite's default pages
    with closing(sqlite3.connect(other)) as older:
        older.execute("PRAGMA page_size=4096")
        older.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB)")
        older.execute("INSERT INTO meta VALUES ('schema_version', 2)")
        older.commit()
    with pytest.raises(StoreError, match="holds no customer base"):
        CustomerBase.open(other)
    with closing(sqlite3.connect(other)) as older:
        assert older.execute("PRAGMA page_size").fetchone()[0] == 4096
