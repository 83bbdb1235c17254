"""The online index of an opened store is made from the compared values the store keeps.

Every answer equals the one of an index that cleans every stored record again.
"""

import sqlite3
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from customer_understanding import Account, Contact, CustomerBase, Source
from customer_understanding.base import CandidateMatches
from customer_understanding.base._incoming import incoming
from customer_understanding.base._kept import read_kept
from customer_understanding.base._online import OnlineIndex
from customer_understanding.datasets import SampleWorld, generate_world
from customer_understanding.identity import Frequencies, ProbabilisticResolver, RecordScorer
from customer_understanding.typing import Level


@cache
def _world() -> SampleWorld:
    return generate_world(accounts=150, interactions=600, seed=21)


@cache
def _later_world() -> SampleWorld:
    return generate_world(accounts=40, interactions=100, seed=22)


def _leads(base: CustomerBase, count: int = 60) -> list[dict[str, Any]]:
    """Contact leads: stored people written differently, shared inboxes, and strangers."""
    records = base.tables.contact_records.to_pandas().dropna(subset=["last_name"])
    known = records.sample(count // 2, random_state=5)
    leads = []
    for n, row in enumerate(known.itertuples()):
        email = row.email if isinstance(row.email, str) else None
        if n % 3 == 1 and email:  # the name with a free-mail address
            email = email.split("@")[0] + "@gmail.com"
        if n % 3 == 2 and email:  # a team inbox of the person's company
            email = "info@" + email.split("@")[1]
        leads.append({"Id": f"L{n}", "Email": email and email.upper(),
                      "FirstName": row.first_name, "LastName": row.last_name,
                      "Company": row.company})  # fmt: skip
    strangers = [{"Id": f"S{n}", "Email": f"p{n}@stranger{n}.example", "FirstName": "Nobody",
                  "LastName": f"Q{n}"} for n in range(count - len(leads))]  # fmt: skip
    return leads + strangers


def _accounts(base: CustomerBase, count: int = 30) -> list[Account]:
    """Account records of stored companies, some renamed, some without a domain."""
    records = base.tables.account_records.to_pandas().dropna(subset=["name"])
    found = []
    for n, row in enumerate(records.sample(count, random_state=6).itertuples()):
        domain = row.domain if isinstance(row.domain, str) and n % 2 else None
        found.append(Account(id=f"A{n}", name=f"{row.name} Ltd" if n % 3 else row.name,
                             domain=domain, city=row.city))  # fmt: skip
    return found


def _asked(base: CustomerBase) -> list[tuple[Level, Any]]:
    contacts: list[tuple[Level, Any]] = [("contact", lead) for lead in _leads(base)]
    return contacts + [("account", account) for account in _accounts(base)]


def _match(index: OnlineIndex, record: Any) -> CandidateMatches:
    mapping = None if isinstance(record, Contact | Account) else "salesforce.Lead"
    return index.match(incoming(record, mapping=mapping, source="web"))


def _cleaning_everything(base: CustomerBase, path: Path, level: Level) -> OnlineIndex:
    """The index as made before the store's values were used: every record cleaned.

    It weighs with the term frequencies the store keeps with the model (those of the
    build, as an update keeps them), read by value instead of by the kept codes.
    """
    kept = read_kept(path, compared=level)
    index = OnlineIndex.build(base.tables, level, resolver=ProbabilisticResolver(),
                              model=kept.models.get(level))  # fmt: skip
    counted = kept.frequencies.get(level)
    if counted is not None and index.scorer is not None:
        index.scorer.frequencies = _by_value(counted, kept.compared[level], index.scorer)
    for record, entity, frame in kept.online.get(level, []):
        if record not in index.keys:
            index.add_row(record, entity, pd.DataFrame([frame]))
    return index


def _by_value(counted: Frequencies, coded: Any, scorer: RecordScorer) -> Frequencies:
    """``counted`` (by the kept codes) by the codes ``scorer`` gives the same values.

    What the kept codes counted of values no record holds now (replaced since) is
    put past the scorer's codes, so each share keeps its total.
    """
    counts = {}
    for column, found in counted.counts.items():
        uniques = np.asarray(coded[column][1], dtype=object)[: len(found)]
        by_value = dict(zip(uniques.tolist(), found.tolist(), strict=True))
        mine = [by_value.get(value, 0) for value in scorer.values(
            np.flatnonzero(scorer.codes(column) >= 0))[column]]  # fmt: skip
        codes = scorer.codes(column)
        present = np.flatnonzero(codes >= 0)
        held = np.zeros(int(codes.max(initial=-1)) + 2, dtype=np.int64)
        held[codes[present]] = mine
        held[-1] = int(found.sum()) - int(held.sum())
        counts[column] = held
    return Frequencies(counts=counts, exact=counted.exact)


def _same(found: CandidateMatches, expected: CandidateMatches) -> None:
    assert found.entity_ids.tolist() == expected.entity_ids.tolist()
    assert found.records.tolist() == expected.records.tolist()
    assert found.bands.tolist() == expected.bands.tolist()
    np.testing.assert_array_equal(found.match_weight, expected.match_weight)
    np.testing.assert_array_equal(found.match_probability, expected.match_probability)
    assert found.levels.tolist() == expected.levels.tolist()
    assert found.weights.tolist() == expected.weights.tolist()
    assert found.stored.tolist() == expected.stored.tolist()
    assert found.incoming.tolist() == expected.incoming.tolist()


def _kept_index(base: CustomerBase, level: Level) -> OnlineIndex:
    return base._matcher().index(level)


def _answers_equal(base: CustomerBase, path: Path) -> int:
    """Every lead's answer from the kept values equals the one from cleaning everything."""
    linked = 0
    fresh = {level: _cleaning_everything(base, path, level) for level in ("contact", "account")}
    for level, record in _asked(base):
        found = _match(_kept_index(base, level), record)
        _same(found, _match(fresh[level], record))
        linked += int(len(found) > 0 and found.bands[0] == "link")
    for level in ("contact", "account"):
        kept, again = _kept_index(base, level), fresh[level]
        assert kept.frame is None  # made from the kept values
        assert kept.names.tolist() == again.names.tolist()
        assert kept.entity.tolist() == again.entity.tolist()
        for column, values in again.exclusive.items():
            assert kept.exclusive[column].tolist() == values.tolist()
    return linked


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kept") / "customers.db"
    CustomerBase.build(_world().as_sources(), policy="lenient", store=path)
    return path


def _copy(store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "customers.db"
    path.write_bytes(store.read_bytes())
    return path


def test_an_opened_store_matches_as_an_index_cleaning_every_record(store: Path) -> None:
    base = CustomerBase.open(store)
    assert _answers_equal(base, store) > 10  # many leads link, and their evidence is equal
    contacts = _kept_index(base, "contact").exclusive["work_email"]
    assert any(value is None for value in contacts)  # free mail and shared inboxes
    assert len(_kept_index(base, "contact").frame or []) == 0


def test_after_online_adds_a_reopened_store_matches_as_the_process_that_added(
    store: Path, tmp_path: Path
) -> None:
    path = _copy(store, tmp_path)
    base = CustomerBase.open(path)
    leads = _leads(base, count=20)
    for lead in leads[::2]:
        base.add(lead, mapping="salesforce.Lead", source="web")
    base.add(Account(id="A-new", name="Fresh Holdings", domain="fresh.example"))
    asked = _leads(base)[1::2] + leads[::2]
    before = [base.match(lead, mapping="salesforce.Lead", source="web") for lead in asked]
    opened = CustomerBase.open(path)
    index = _kept_index(opened, "contact")
    assert index.frame is None
    assert len(index.names) == len(opened.tables.contact_records)
    for lead, expected in zip(asked, before, strict=True):
        _same(opened.match(lead, mapping="salesforce.Lead", source="web"), expected)
    # cleaning every record again (as before) weighs the added ones into the value
    # frequencies, which a row added online enters only at the next build or update (as
    # in the process that added it): the same candidates in the same bands, other weights
    fresh = _cleaning_everything(opened, path, "contact")
    for lead in asked:
        found, again = _match(index, lead), _match(fresh, lead)
        assert found.entity_ids.tolist() == again.entity_ids.tolist()
        assert found.bands.tolist() == again.bands.tolist()
        assert found.levels.tolist() == again.levels.tolist()


def test_after_an_update_the_kept_values_give_the_same_answers(store: Path, tmp_path: Path) -> None:
    path = _copy(store, tmp_path)
    later = _later_world().as_sources()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        CustomerBase.open(path).update(later, policy="lenient")
    assert _answers_equal(CustomerBase.open(path), path) > 10


def test_without_kept_values_every_record_is_cleaned(store: Path, tmp_path: Path) -> None:
    path = _copy(store, tmp_path)
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM compared WHERE level = 'contact'")
    connection.close()
    base = CustomerBase.open(path)
    fresh = _cleaning_everything(base, path, "contact")
    assert _kept_index(base, "contact").frame is not None
    assert _kept_index(base, "account").frame is None
    for lead in _leads(base, count=20):
        _same(_match(_kept_index(base, "contact"), lead), _match(fresh, lead))


def test_values_kept_for_other_records_are_not_used(store: Path, tmp_path: Path) -> None:
    path = _copy(store, tmp_path)
    with sqlite3.connect(path) as connection:  # the same number of values, moved a row
        for name, codes in connection.execute(
            "SELECT name, codes FROM compared WHERE level = 'contact'"
        ).fetchall():
            moved = np.roll(np.frombuffer(codes, dtype=np.int32), 1).tobytes()
            connection.execute("UPDATE compared SET codes = ? WHERE level = 'contact'"
                               " AND name = ?", (moved, name))  # fmt: skip
    connection.close()
    base = CustomerBase.open(path)
    fresh = _cleaning_everything(base, path, "contact")
    assert _kept_index(base, "contact").frame is not None
    for lead in _leads(base, count=20):
        _same(_match(_kept_index(base, "contact"), lead), _match(fresh, lead))


def test_a_base_built_from_sources_into_a_store_uses_its_values(tmp_path: Path) -> None:
    path = tmp_path / "customers.db"
    sources = [Source(name=s.name, data=s.data, mapping=s.mapping) for s in _world().as_sources()]
    base = CustomerBase.build(sources, policy="lenient", store=path)
    assert _answers_equal(base, path) > 10


def test_a_scorer_from_codes_needs_every_column_one_code_per_row() -> None:
    from customer_understanding import InvalidValueError
    from customer_understanding.identity import Field, Linker, RecordScorer

    people = pd.DataFrame({"email": ["a@x.com", "a@x.com", "b@y.com"], "surname": ["Li"] * 3})
    linker = Linker(fields=[Field(column="email", kind="email"),
                            Field(column="surname", kind="family_name")])  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = linker.deduplicate(people).model
    with pytest.raises(InvalidValueError, match="lacks the declared column 'surname'"):
        RecordScorer.from_codes({"email": ([0, 0, 1], ["a@x.com", "b@y.com"])},
                                linker=linker, model=model)  # fmt: skip
    short = {"email": ([0, 0, 1], ["a@x.com", "b@y.com"]), "surname": ([0, 0], ["li"])}
    with pytest.raises(InvalidValueError, match="different lengths"):
        RecordScorer.from_codes(short, linker=linker, model=model)
