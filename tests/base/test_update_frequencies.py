"""Term frequencies are part of the fitted model: counted at a fit, reused until a refit."""

import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding import CustomerBase, Source
from customer_understanding.base._kept import read_kept
from customer_understanding.base._kept_values import (
    kept_frequencies,
    read_coded,
    read_frequencies,
    write_frequencies,
)
from customer_understanding.base._update_plan import plan_level, stored_index
from customer_understanding.identity import Frequencies, ProbabilisticResolver
from customer_understanding.ingest import load
from customer_understanding.tables import ContactRecords

from .test_update import _KEY, _split


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("frequencies") / "u.db"
    CustomerBase.build(_split(0.9)[0], store=path, id_key=_KEY)
    return path


def _copy(store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "u.db"
    path.write_bytes(store.read_bytes())
    return path


def _kept(path: Path, level: str) -> Frequencies:
    with closing(sqlite3.connect(path)) as connection:
        found = read_frequencies(connection, level)
    assert found is not None
    return found


def _same(one: Frequencies, other: Frequencies) -> bool:
    return one.exact == other.exact and all(
        one.counts[c].tolist() == other.counts[c].tolist() for c in one.counts
    )


def test_an_update_weighs_stored_pairs_as_the_build_that_fitted_the_model(built: Path) -> None:
    """Pairs of stored records weigh in an update exactly what they weighed in the build."""
    base = CustomerBase.open(built)
    tables = base.tables
    with closing(sqlite3.connect(built)) as connection:
        coded = read_coded(connection, "contact", length=len(tables.contact_records))
        counted = read_frequencies(connection, "contact")
    model = read_kept(built).models["contact"]
    found = stored_index(tables, "contact", model=model, coded=coded, frequencies=counted)
    assert found is not None
    assert found[2] is counted  # the kept ones, not counted again
    new = load(_split(0.9)[1]).combined(ContactRecords)
    plan = plan_level("contact", tables, new, found=found, overrides=base.overrides())
    again = ProbabilisticResolver(contact_linker=plan.linker).explain(
        tables.account_records, plan.merged.take(plan.rows)
    )[1]
    build = ProbabilisticResolver().explain(tables.account_records, tables.contact_records)[1]
    assert again is not None
    assert build is not None
    assert build.model.to_json() == model.to_json()  # the build's own fit, made again
    stored = np.flatnonzero(~plan.replaced)  # merged row -> stored row, for kept records
    rows = plan.rows
    weights = {}
    for a, b, w in zip(again.left, again.right, again.match_weight, strict=True):
        if rows[a] < len(stored) and rows[b] < len(stored):
            weights[tuple(sorted((int(stored[rows[a]]), int(stored[rows[b]]))))] = w
    pairs = zip(build.left, build.right, build.match_weight, strict=True)
    whole = {tuple(sorted((int(a), int(b)))): w for a, b, w in pairs}
    common = set(weights) & set(whole)
    assert len(common) > 10
    assert max(abs(weights[pair] - whole[pair]) for pair in common) < 1e-4


def test_an_update_keeps_the_counts_and_a_refit_counts_them_again(
    built: Path, tmp_path: Path
) -> None:
    path = _copy(built, tmp_path)
    before = {level: _kept(path, level) for level in ("contact", "account")}
    rest = _split(0.9)[1]
    halves = [[Source(name=s.name, data=s.data.iloc[part::2], mapping=s.mapping)  # type: ignore[union-attr]
               for s in rest if len(s.data.iloc[part::2])] for part in (0, 1)]  # type: ignore[union-attr]  # fmt: skip
    updated = CustomerBase.open(path).update(halves[0])
    for level in ("contact", "account"):
        assert _same(_kept(path, level), before[level])  # reused, not counted again
    updated.update(halves[1], refit=True)
    records = CustomerBase.open(path).tables.contact_records
    refitted = _kept(path, "contact")
    with closing(sqlite3.connect(path)) as connection:
        coded = read_coded(connection, "contact", length=len(records))
    assert coded is not None
    # counted over every record now, by the codes kept with them
    columns = sorted(refitted.counts)
    again = Frequencies.count({c: coded[c][0] for c in columns}, columns)
    assert _same(refitted, again)
    assert not _same(refitted, before["contact"])


def test_an_erasure_drops_the_counts_and_the_next_update_counts_the_stored_records(
    built: Path, tmp_path: Path
) -> None:
    path = _copy(built, tmp_path)
    base = CustomerBase.open(path)
    base.erase(str(base.tables.resolution.contact_ids[0]), reason="asked")
    with closing(sqlite3.connect(path)) as connection:
        assert read_frequencies(connection, "contact") is None
    CustomerBase.open(path).update(_split(0.9)[1])
    assert _kept(path, "contact") is not None


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-1, 6), min_size=1, max_size=30),
       st.lists(st.integers(0, 9), max_size=10))  # fmt: skip
def test_shares_of_known_and_new_values(counted: list[int], asked: list[int]) -> None:
    codes = np.array(counted, dtype=np.int64)
    found = Frequencies.count({"x": codes}, ["x"])
    present = codes[codes >= 0]
    total = max(len(present), 1)
    expected = [max(int((present == c).sum()), 1) / total for c in asked]
    assert found.shares("x", np.array(asked, dtype=np.int64)).tolist() == expected


def test_kept_counts_are_used_only_by_codes_they_count_by(tmp_path: Path) -> None:
    counted = Frequencies.count({"x": np.array([0, 1, 1, -1])}, ["x"])
    grown = {"x": (np.array([0, 1, 2]), np.array(["a", "b", "c"], dtype=object))}
    fewer = {"x": (np.array([0]), np.array(["a"], dtype=object))}
    assert kept_frequencies(counted, grown, ["x"]) is counted  # codes only grow
    assert kept_frequencies(counted, fewer, ["x"]) is None  # other codes: count again
    assert kept_frequencies(counted, grown, ["x", "y"]) is None
    with closing(sqlite3.connect(tmp_path / "f.db")) as connection:
        write_frequencies(connection, "contact", counted)
        read = read_frequencies(connection, "contact")
    assert read is not None
    assert _same(read, counted)
