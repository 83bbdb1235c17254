"""Close names found by blocking: the pairs that matter, without every pair."""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cdist

from customer_understanding.datasets import generate_world
from customer_understanding.identity import LeadToAccount
from customer_understanding.identity._name_blocks import (
    NameIndex,
    _choice_keys,
    _chunks,
    _codes,
    _key_arrays,
    _prefix_keys,
    _typo_keys,
    similar_names,
)


def _names(*values: str) -> np.ndarray:
    return np.array(values, dtype=object)


def _every_pair(names: np.ndarray, choices: np.ndarray, threshold: float) -> set[tuple[int, int]]:
    first = [name.replace(" ", "") for name in names]
    second = [name.replace(" ", "") for name in choices]
    matrix = cdist(first, second, scorer=JaroWinkler.normalized_similarity, dtype=np.float32)
    return set(zip(*np.nonzero(matrix >= np.float32(threshold)), strict=True))


@pytest.mark.parametrize(
    "typed", ["brigthwater logic", "brightwater logc", "brightwatter logic", "brightwater lodic"]
)
def test_one_typo_anywhere_is_found(typed: str) -> None:
    choices = _names("umbrella", "brightwater logic", "initech")
    found = similar_names(_names(typed), choices, threshold=0.9)
    assert found["choice"].tolist() == [1]


def test_a_longer_name_starting_alike_and_a_word_in_front_are_found() -> None:
    names = _names("vector medical", "big vector medical")
    choices = _names("vector medical group", "vector medical")
    found = similar_names(names, choices, threshold=0.9)
    pairs = set(zip(found["name"], found["choice"], strict=True))
    assert pairs == {(0, 0), (0, 1), (1, 1)} == _every_pair(names, choices, 0.9)


def test_similarities_equal_the_every_pair_ones() -> None:
    found = similar_names(_names("globx"), _names("globex"), threshold=0.9)
    expected = JaroWinkler.normalized_similarity("globx", "globex")
    assert found["similarity"].tolist() == pytest.approx([expected])
    assert found["similarity"].dtype == np.float32


def test_sample_world_pairs_are_the_every_pair_ones() -> None:
    """Typed company names against account names: blocking loses no close pair here."""
    world = generate_world(accounts=150, interactions=1_000, seed=2)
    typed = world.sources["salesforce.Lead"]["Company"].dropna().str.lower().unique()
    names = np.array(sorted({" ".join(t.replace(",", " ").split()) for t in typed}), dtype=object)
    accounts = world.sources["salesforce.Account"]["Name"].str.lower().unique()
    choices = np.array(sorted({" ".join(a.replace(",", " ").split()) for a in accounts}),
                       dtype=object)  # fmt: skip
    found = similar_names(names, choices, threshold=0.9)
    assert set(zip(found["name"], found["choice"], strict=True)) == _every_pair(names, choices, 0.9)


def test_keys_held_by_many_choices_are_left_out() -> None:
    choices = np.array([f"{word} group" for word in ("alpha", "beta", "gamma", "delta")],
                       dtype=object)  # fmt: skip
    held = _choice_keys(choices, cap=3)
    shared = held.groupby("key")["choice"].nunique()
    assert shared.max() <= 3
    assert set(held["choice"]) == {0, 1, 2, 3}  # each keeps its own keys


_WORDS = st.sampled_from(["acme", "acne", "acme labs", "labs", "group", "aab", "a", "zz", "ab"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(_WORDS, min_size=1, max_size=3).map(" ".join), min_size=1,
                max_size=30, unique=True), st.integers(1, 6))  # fmt: skip
def test_choice_keys_are_every_distinct_pair_of_a_key_few_choices_hold(names, cap) -> None:  # type: ignore[no-untyped-def]
    choices = np.array(sorted(names), dtype=object)
    parts = [_key_arrays(choices[part], part.start) for part in _chunks(len(choices))]
    pairs = pd.DataFrame(
        {
            "choice": np.concatenate([owner for owner, _ in parts]),
            "key": np.concatenate([key for _, key in parts]),
        }
    ).drop_duplicates()
    shared = pairs["key"].map(pairs["key"].value_counts())
    expected = pairs[(shared <= cap).to_numpy()]  # fmt: skip
    held = _choice_keys(choices, cap)
    assert set(zip(held["choice"], held["key"], strict=True)) == set(
        zip(expected["choice"], expected["key"], strict=True))  # fmt: skip
    assert len(held) == len(expected)
    assert (np.diff(held["key"].to_numpy(dtype=np.uint64).astype(object)) >= 0).all()


def _pairs_of(index: NameIndex) -> set[tuple[str, int]]:
    """What an index looks up: each (choice, key) pair it keeps after the cap."""
    return set(zip(index.choices[index._owners].tolist(), index._keys.tolist(), strict=True))


_CHOICES = st.lists(st.lists(_WORDS, min_size=1, max_size=3).map(" ".join), max_size=25,
                    unique=True).map(lambda names: _names(*sorted(names)))  # fmt: skip


@settings(max_examples=120, deadline=None)
@given(_CHOICES, _CHOICES, _CHOICES, st.integers(1, 6))
def test_an_index_grown_from_one_made_before_is_one_made_afresh(first, second, third, cap) -> None:  # type: ignore[no-untyped-def]
    """Names held before keep their keys, names gone lose them, new ones are keyed."""
    before = NameIndex(first, cap=cap)
    for choices in (second, third):  # grown twice: from an index grown itself
        grown, afresh = NameIndex(choices, cap=cap, before=before.held), NameIndex(choices, cap=cap)
        assert _pairs_of(grown) == _pairs_of(afresh)
        assert len(grown._keys) == len(afresh._keys)
        assert (np.diff(grown._keys.astype(object)) >= 0).all()  # sorted for look-up
        names = np.array(["acme lab", "grp", "zz"], dtype=object)
        assert similar_names(names, grown, threshold=0.8).equals(
            similar_names(names, afresh, threshold=0.8))  # fmt: skip
        before = grown


def test_an_index_grown_takes_the_keys_held_before() -> None:
    """The keys of names held before are not made again: a wrong one would show."""
    before = NameIndex(np.array(["acme"], dtype=object)).held
    wrong = {**before, "key": np.zeros(len(before["key"]), dtype=np.uint64)}
    grown = NameIndex(np.array(["acme", "globex"], dtype=object), before=wrong)
    assert _pairs_of(grown) != _pairs_of(NameIndex(np.array(["acme", "globex"], dtype=object)))


def test_no_names_or_no_choices_give_no_pairs() -> None:
    assert similar_names(_names(), _names("acme"), threshold=0.9).empty
    assert similar_names(_names("acme"), _names(), threshold=0.9).empty


def test_assignments_do_not_depend_on_row_order() -> None:
    accounts = pd.DataFrame({
        "id": ["sf1", "hs1", "zd1", "sf2"],
        "name": ["Acme Inc", "ACME", "Acme Corp", "Acme Labs"],
        "domain": ["acme.com", "acme.com", "acme.com", "acmelabs.io"],
    })  # fmt: skip
    contacts = pd.DataFrame({
        "id": ["c1", "c2", "c3"],
        "email": ["a@acme.com", "b@gmail.com", "c@yahoo.com"],
        "company": [None, "Acme", "acme labs"],
    })  # fmt: skip
    first = LeadToAccount().match(contacts, accounts).to_pandas()
    shuffled = LeadToAccount().match(contacts.iloc[::-1], accounts.iloc[[2, 0, 3, 1]])
    again = shuffled.to_pandas().set_index("contact_id").loc[first["contact_id"]]
    assert again["account_id"].tolist() == first["account_id"].tolist()
    assert again["evidence"].tolist() == first["evidence"].tolist()


def test_punctuation_does_not_hide_a_name() -> None:
    """An e-mail domain label such as ``acme-labs-2`` stands in for a missing company."""
    choices = _names("acme labs 2", "acme labs 3")
    found = similar_names(_names("acme-labs-2"), choices, threshold=0.9)
    assert 0 in found["choice"].tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=10), max_size=8), st.integers(0, 5))
def test_a_names_keys_come_from_its_runs_of_letters_and_digits(names, first) -> None:  # type: ignore[no-untyped-def]
    # Splitting on the punctuation pattern, or replacing it and splitting on spaces.
    array = np.array(names, dtype=object)
    runs = [[word for word in re.split(r"[\W_]+", name) if word] for name in names]
    codes = _codes(np.array([re.sub(r"[\W_]+", "", name) for name in names], dtype=object))
    grid = np.concatenate([_typo_keys(codes), _prefix_keys(codes)], axis=1)
    words = np.empty(sum(map(len, runs)), dtype=object)
    words[:] = [word for each in runs for word in each]
    owners = [first + at for at in range(len(names)) for _ in range(grid.shape[1])]
    owners += [first + at for at, each in enumerate(runs) for _ in each]
    keys = [*grid.ravel().tolist(), *pd.util.hash_array(words, hash_key="cu-name-words-01")]
    found = _key_arrays(array, first)
    assert found[0].tolist() == owners
    assert found[1].tolist() == [int(key) for key in keys]
