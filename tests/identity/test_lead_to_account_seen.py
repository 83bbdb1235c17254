"""Texts read or spelled before are looked up, not read again, with the same answers."""

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding.identity import LeadToAccount, Survivorship, Vote, survivors
from customer_understanding.identity._prepared_accounts import (
    domains,
    objects,
    organisations,
    remembered,
)
from tests.identity.test_lead_to_account import _plain, _tables

_TEXTS = st.lists(st.one_of(st.none(), st.sampled_from(
    ["Acme Inc.", "acme", "N/A", "https://www.Acme.com/x", "globex.de", "", " ", "Ümlaut GmbH"]
), st.text(max_size=8)), max_size=30)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(_TEXTS, _TEXTS, st.sampled_from(["domain", "organisation"]))
def test_texts_read_before_read_as_reading_them_again(before, now, kind) -> None:  # type: ignore[no-untyped-def]
    read = domains if kind == "domain" else organisations
    seen: dict[str, Any] = {}
    first = read(objects(before), seen=seen)
    assert first.tolist() == read(objects(before)).tolist()
    assert set(seen) == {value for value in before if isinstance(value, str)}
    again = read(objects(now), seen=seen)  # some texts seen, some new
    assert again.tolist() == read(objects(now)).tolist()
    assert seen == {text: read(objects([text]))[0] for text in seen}


def test_what_seen_holds_is_what_a_text_reads_as() -> None:
    """The texts are looked up: a wrong entry would show (so the equality above is no accident)."""
    seen = {"acme inc.": "wrong"}
    assert remembered(objects(["acme inc.", None]), organisations, seen).tolist() == ["wrong", None]
    assert organisations(objects(["acme inc."]), seen={"acme inc.": "wrong"}).tolist() == ["wrong"]


@settings(max_examples=60, deadline=None)
@given(_tables(), _tables())
def test_matching_with_texts_seen_answers_as_without(first: Any, second: Any) -> None:
    linker, seen = LeadToAccount(), {}
    for contacts, accounts in (first, second):  # the second call finds the first's texts
        plain = linker.match(contacts, accounts).to_pandas()
        assert _plain(linker.match(contacts, accounts, seen=seen).to_pandas()) == _plain(plain)
        prepared = linker.prepare(accounts, seen=seen)
        assert _plain(linker.match(contacts, prepared, seen=seen).to_pandas()) == _plain(plain)
    assert set(seen) <= {"domain", "organisation", "name_keys"}


def test_a_website_and_a_domain_share_what_they_read_as() -> None:
    seen: dict[str, Any] = {}
    accounts = pd.DataFrame({"id": ["A1"], "name": ["Acme Inc."], "domain": ["www.acme.com"]})
    contacts = pd.DataFrame({"id": [1], "email": [None], "website": ["https://acme.com/about"]})
    found = LeadToAccount().match(contacts, accounts, seen=seen).to_pandas()
    assert found["account_id"].tolist() == ["A1"]
    assert seen["domain"] == {"www.acme.com": "acme.com", "https://acme.com/about": "acme.com"}
    assert np.array_equal(
        domains(objects(["www.acme.com"]), seen=seen["domain"]), objects(["acme.com"])
    )


_SPELLINGS = st.sampled_from(["Ann", "ann", "Anne", "ANN", "Bo", "bo", "Acme Inc.", "ACME", "É"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), _SPELLINGS), min_size=1, max_size=40),
       st.integers(1, 5), st.sampled_from(["name", "organisation", "text"]))  # fmt: skip
def test_votes_with_spellings_seen_pick_what_they_pick_without(  # type: ignore[no-untyped-def]
    rows, cut, spelling
) -> None:
    clusters = np.array([cluster for cluster, _ in rows], dtype=np.int64)
    values = np.array([value for _, value in rows], dtype=object)
    ids = np.array([f"r{i:02d}" for i in range(len(rows))], dtype=object)
    rules = Survivorship(default=Vote(spelling=spelling))
    run, kept = clusters >= cut, clusters < cut

    def vote(seen: Any) -> list[int]:
        return survivors({"name": values[run]}, clusters[run] - cut, survivorship=rules,
                         n_clusters=6 - cut, present={"name": np.ones(int(run.sum()), bool)},
                         ids=ids[run], beside={"name": (values[kept], clusters[kept])},
                         seen=seen)["name"].tolist()  # fmt: skip

    seen: dict[str, Any] = {}
    plain = vote(None)
    assert vote(seen) == plain  # spelled now and remembered
    assert vote(seen) == plain  # looked up
    assert set(seen) <= {f"spelling:{spelling}"}


def test_a_vote_looks_the_spellings_seen_up() -> None:
    """A wrong spelling remembered would show: the votes read what is kept."""
    values = np.array(["Ann", "ann", "Anne"], dtype=object)
    args = {"survivorship": Survivorship(default=Vote(spelling="name")), "n_clusters": 1,
            "present": {"name": np.ones(3, dtype=bool)},
            "ids": np.array(["a", "b", "c"])}  # fmt: skip
    zeros = np.zeros(3, dtype=np.int64)
    assert survivors({"name": values}, zeros, **args)["name"].tolist() == [0]  # ann, twice
    wrong = {"spelling:name": {"Ann": "x", "ann": "y", "Anne": "y"}}
    assert survivors({"name": values}, zeros, **args, seen=wrong)["name"].tolist() == [1]
