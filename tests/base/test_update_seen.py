"""Texts lead-to-account matching read are kept: an update reads only new ones, same answers."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from customer_understanding import CustomerBase
from customer_understanding.base._seen import read_seen, write_seen

from .test_update import _KEY, _split
from .test_update_cost import _halves, _same


def _texts_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make updates read every text again, as if the store kept none."""
    from customer_understanding.base import _updating

    real = _updating.build_tables

    def plain(*args: Any, known: Any = None, **kwargs: Any) -> Any:
        kept = {name: value for name, value in (known or {}).items() if name != "seen"}
        return real(*args, known=kept, **kwargs)

    monkeypatch.setattr(_updating, "build_tables", plain)


def _seen(path: Path) -> dict[str, dict[str, Any]]:
    with closing(sqlite3.connect(path)) as connection:
        return read_seen(connection)


def test_updates_with_the_texts_kept_are_the_plain_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, rest = _split(0.7)
    half, other = _halves(rest)
    CustomerBase.build(first, store=tmp_path / "a.db", id_key=_KEY)
    built = _seen(tmp_path / "a.db")
    assert len(built["domain"]) > 10
    assert len(built["organisation"]) > 10
    (tmp_path / "b.db").write_bytes((tmp_path / "a.db").read_bytes())
    once = CustomerBase.open(tmp_path / "a.db").update(half)
    grown = _seen(tmp_path / "a.db")
    assert all(set(built[kind]) <= set(grown[kind]) for kind in built)
    assert sum(map(len, grown.values())) > sum(map(len, built.values()))
    twice = once.update(other)  # reads what the first update kept too
    with monkeypatch.context() as patched:
        _texts_read_again(patched)
        plain = CustomerBase.open(tmp_path / "b.db").update(half).update(other)
    _same(twice, plain)
    _same(CustomerBase.open(tmp_path / "a.db"), plain)


def test_an_update_looks_the_texts_kept_up(tmp_path: Path) -> None:
    """Kept texts are what an update reads: a wrong one would show in its answer."""
    first, rest = _split(0.7)
    for name, wrong in (("a.db", False), ("b.db", True)):
        CustomerBase.build(first, store=tmp_path / name, id_key=_KEY)
        if wrong:  # every domain reads as no domain at all
            with closing(sqlite3.connect(tmp_path / name)) as connection:
                seen = read_seen(connection)
                seen["domain"] = dict.fromkeys(seen["domain"])
                write_seen(connection, seen)
                connection.commit()
    right = CustomerBase.open(tmp_path / "a.db").update(rest).to_pandas("contacts")
    wrong = CustomerBase.open(tmp_path / "b.db").update(rest).to_pandas("contacts")
    assert not right["account_method"].equals(wrong["account_method"])
    assert (right["account_method"] == "domain").sum() > (wrong["account_method"] == "domain").sum()


def test_an_erasure_drops_the_texts_kept(tmp_path: Path) -> None:
    first, rest = _split(0.7)
    base = CustomerBase.build(first, store=tmp_path / "s.db", id_key=_KEY)
    assert _seen(tmp_path / "s.db")
    base.erase(str(base.tables.contacts.column("id")[0]), reason="asked")
    assert _seen(tmp_path / "s.db") == {}
    updated = CustomerBase.open(tmp_path / "s.db").update(rest)  # reads every text again
    assert len(_seen(tmp_path / "s.db")["domain"]) > 0
    assert isinstance(updated.to_pandas("contacts"), pd.DataFrame)
