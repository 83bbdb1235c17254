"""One writer, many readers: a second writer is refused, a killed write leaves no trace."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

from customer_understanding import Contact, CustomerBase, Source, StoreError
from customer_understanding.base._store import writing
from customer_understanding.identity import resolve_exact


def _sources(*emails: str) -> list[Source]:
    data = [{"Id": str(n), "Email": email, "LastName": "Lee"} for n, email in enumerate(emails)]
    return [Source(name="crm", data=data, mapping="salesforce.Contact")]


def _build(path: Path, *emails: str) -> CustomerBase:
    return CustomerBase.build(_sources(*emails), store=path, resolver=resolve_exact)


def test_a_second_writer_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    _build(path, "ann@acme.com")
    with writing(path), pytest.raises(StoreError, match=r"s\.db' is being written by another"):
        _build(path, "bo@acme.com")


def test_readers_see_the_last_build_while_a_write_is_open(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    first = _build(path, "ann@acme.com")
    with writing(path) as writer:
        writer.connection.execute("DELETE FROM arrays")  # uncommitted
        assert CustomerBase.open(path).contacts.column("id").tolist() == (
            first.contacts.column("id").tolist()
        )


_KILLED_BUILD = """
    import sys, time
    from customer_understanding import CustomerBase, Source
    from customer_understanding.base import _store
    from customer_understanding.identity import resolve_exact

    save = _store.Writer.save

    def save_then_hang(self, roots):
        save(self, roots)  # everything written, nothing committed yet
        print("written", flush=True)
        time.sleep(120)

    _store.Writer.save = save_then_hang
    rows = [{"Id": "9", "Email": "new@acme.com"}, {"Id": "0", "Email": "ann@other.com"}]
    CustomerBase.build([Source(name="crm", data=rows, mapping="salesforce.Contact")],
                       store=sys.argv[1], resolver=resolve_exact)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_build_killed_in_the_middle_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    before = _build(path, "ann@acme.com", "bo@acme.com")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_KILLED_BUILD), str(path)],
        stdout=subprocess.PIPE, text=True, env=environment,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "written"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        if process.stdout is not None:
            process.stdout.close()
    after = CustomerBase.open(path)
    for name in ("accounts", "contacts", "interactions"):
        pd.testing.assert_frame_equal(after.to_pandas(name), before.to_pandas(name))
    _build(path, "ann@acme.com", "bo@acme.com", "cy@acme.com")  # the lock was released
    assert len(CustomerBase.open(path).contacts) == 3


def _adds(base: CustomerBase, *ids: str) -> list[str]:
    return [base.add(Contact(id=i, email=f"{i}@acme.com", last_name="Lee"), source="form")
            for i in ids]  # fmt: skip


def test_adds_keep_one_connection_to_the_store_and_each_is_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.db"
    base = _build(path, "ann@acme.com")
    opened: list[object] = []
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: opened.append(a) or connect(*a, **k))
    added = _adds(base, "w1", "w2", "w3")
    writes = [a for a in opened if Path(str(a[0])) == path]
    assert len(writes) <= 2  # the index's first read of the store, then one for every add
    monkeypatch.undo()
    reopened = CustomerBase.open(path)  # another reader sees every add committed
    assert [reopened.contact(i).id for i in added] == added


def test_an_add_while_another_process_writes_is_refused_and_the_next_one_works(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    base = _build(path, "ann@acme.com")
    _adds(base, "w1")  # the connection is held from here on
    with writing(path), pytest.raises(StoreError, match=r"s\.db' is being written by another"):
        _adds(base, "w2")
    (added,) = _adds(base, "w2")
    assert CustomerBase.open(path).contact(added).id == added


def test_adds_from_several_threads_in_turn_share_the_held_connection(tmp_path: Path) -> None:
    """A service's worker threads take turns with one base (a lock serialises its adds)."""
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "s.db"
    base = _build(path, "ann@acme.com")
    added = []
    for n in range(4):  # a new thread each time: the held connection crosses threads
        with ThreadPoolExecutor(max_workers=1) as pool:
            added += pool.submit(_adds, base, f"t{n}").result()
    reopened = CustomerBase.open(path)
    assert [reopened.contact(i).id for i in added] == added
    del base  # closing the held connection from this thread is no error either


def test_the_wal_a_held_connection_keeps_is_cut_back_after_a_large_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from customer_understanding.base import _store

    monkeypatch.setattr(_store, "_WAL_KEPT_BYTES", 32 << 10)
    path, wal = tmp_path / "s.db", tmp_path / "s.db-wal"
    base = _build(path, "ann@acme.com")
    _adds(base, "w1")  # the base holds its connection from here on
    _build(path, *(f"p{n}@acme.com" for n in range(8000)))  # a log past the auto-checkpoint
    before = wal.stat().st_size  # the build's pages are still in the log
    _adds(base, "w2")  # its write starts the checkpointed log again, cut back first
    with closing(sqlite3.connect(path)) as connection:
        page = connection.execute("PRAGMA page_size").fetchone()[0]
    assert wal.stat().st_size < min(before / 10, 16 * page)  # the add's own pages alone
