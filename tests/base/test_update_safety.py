"""An update is one write: killed half-way it leaves the store as it was; writers queue."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

from customer_understanding import CustomerBase, Source, StoreError
from customer_understanding.base._store import writing


def _rows(*emails: str, start: int = 0) -> list[dict[str, str]]:
    return [{"Id": str(start + n), "Email": email, "FirstName": "Ann", "LastName": "Lee"}
            for n, email in enumerate(emails)]  # fmt: skip


def _store(path: Path) -> CustomerBase:
    rows = _rows("ann@acme.com", "bo@acme.com", "cy@beta.io", "di@gamma.org")
    return CustomerBase.build([Source(name="crm", data=rows, mapping="salesforce.Contact")],
                              store=path, actor="etl", reason="first load")  # fmt: skip


def _dump(path: Path) -> list[str]:
    """Every table's rows, the store's whole state."""
    with closing(sqlite3.connect(path)) as connection:
        return list(connection.iterdump())


_KILLED_UPDATE = """
    import sys, time
    from customer_understanding import CustomerBase, Source
    from customer_understanding.base import _store

    save = _store.Writer.save

    def save_then_hang(self, roots, **options):
        save(self, roots, **options)  # tables, memberships and ids written, nothing committed
        print("written", flush=True)
        time.sleep(120)

    _store.Writer.save = save_then_hang
    rows = [{"Id": "9", "Email": "ANN@acme.com", "LastName": "Lee"},
            {"Id": "10", "Email": "eve@delta.net", "LastName": "Ode"}]
    base = CustomerBase.open(sys.argv[1])
    base.update([Source(name="crm", data=rows, mapping="salesforce.Contact")], actor="etl")
"""


def test_an_update_killed_half_way_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    before = _store(path)
    state = _dump(path)
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_KILLED_UPDATE), str(path)],
        stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )  # fmt: skip
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "written"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    opened = CustomerBase.open(path)
    assert opened.to_pandas("contacts").equals(before.to_pandas("contacts"))
    assert opened.events()["action"].tolist() == ["build", "build"]
    assert _dump(path) == state


def test_a_second_writer_during_an_update_gets_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    base = _store(path)
    more = [Source(name="crm", data=_rows("eve@delta.net", start=20), mapping="salesforce.Contact")]
    with writing(path), pytest.raises(StoreError, match=r"s\.db' is being written by another"):
        base.update(more)
    assert len(base.update(more).contacts) == 5  # the lock gone, the update goes through


def test_an_update_fails_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.db"
    base = _store(path)
    state = _dump(path)
    from customer_understanding.base import _updating

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(_updating, "write_lineage", broken)
    more = [Source(name="crm", data=_rows("eve@delta.net", start=20), mapping="salesforce.Contact")]
    with pytest.raises(RuntimeError, match="disk on fire"):
        base.update(more)
    assert _dump(path) == state


def _people(path: Path) -> CustomerBase:
    rows = [{"Id": "1", "Email": "ann@acme.com", "FirstName": "Ann", "LastName": "Lee"},
            {"Id": "2", "Email": "ann@acme.com", "FirstName": "Ann", "LastName": "Lee"},
            {"Id": "3", "Email": "bo@beta.io", "FirstName": "Bo", "LastName": "Ng"}]  # fmt: skip
    return CustomerBase.build([Source(name="crm", data=rows, mapping="salesforce.Contact")],
                              store=path)  # fmt: skip


def test_an_update_honours_an_unmerge(tmp_path: Path) -> None:
    base = _people(tmp_path / "s.db")
    ann = base.to_pandas("contacts").set_index("email").loc["ann@acme.com", "contact_id"]
    base.unmerge(ann, [[("salesforce", "1")], [("salesforce", "2")]], reason="two people")
    rows = [{"Id": "4", "Email": "ANN@acme.com", "FirstName": "Ann", "LastName": "Lee"}]
    updated = base.update([Source(name="crm", data=rows, mapping="salesforce.Contact")])
    records = updated.tables.contact_records
    systems, ids = records.labels("system"), records.column("source_id")
    keys = [f"{s}:{i}" for s, i in zip(systems, ids, strict=True)]
    of = dict(zip(keys, updated.tables.resolution.contact_of_record.tolist(), strict=True))
    assert of["salesforce:1"] != of["salesforce:2"]


def test_an_update_does_not_bring_an_erased_person_back(tmp_path: Path) -> None:
    base = _people(tmp_path / "s.db")
    bo = base.to_pandas("contacts").set_index("email").loc["bo@beta.io", "contact_id"]
    erased = base.erase(bo, reason="request 7")
    rows = [{"Id": "3", "Email": "bo@beta.io", "FirstName": "Bo", "LastName": "Ng"},
            {"Id": "5", "Email": "cy@gamma.org", "FirstName": "Cy", "LastName": "Oh"}]  # fmt: skip
    updated = erased.update([Source(name="crm", data=rows, mapping="salesforce.Contact")])
    emails = set(updated.to_pandas("contacts")["email"])
    assert "bo@beta.io" not in emails
    assert "cy@gamma.org" in emails
    assert "suppress" in set(updated.events()["action"])
