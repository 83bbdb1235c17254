"""An unsupervised fit on too little evidence is refused, with the way out."""

import numpy as np
import pandas as pd
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.identity import Field, Linker

FIELDS = [Field(column="first", kind="given_name"), Field(column="last", kind="family_name"),
          Field(column="born", kind="date")]  # fmt: skip


def _people(n: int, seed: int, duplicates: float = 0.2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "first": rng.choice(["ann", "bob", "cy", "dee", "eve", "fay"], size=n),
        "last": [f"name{i}" for i in rng.integers(0, 5 * n, size=n)],
        "born": [f"19{i % 90 + 10}-0{i % 9 + 1}-1{i % 10}" for i in rng.integers(0, n, size=n)],
    })  # fmt: skip
    copies = frame.sample(frac=duplicates, random_state=seed)
    return pd.concat([frame, copies], ignore_index=True)


def test_linking_one_record_against_a_table_is_refused_without_a_model() -> None:
    table = _people(3_000, 0)
    one = table.iloc[[5]].reset_index(drop=True)
    linker = Linker(fields=FIELDS)
    with pytest.raises(InvalidValueError, match=r"too little evidence.*model="):
        linker.link({"new": one, "base": table})


def test_a_fitted_model_links_one_record_without_refitting() -> None:
    table = _people(3_000, 0)
    linker = Linker(fields=FIELDS)
    model = linker.deduplicate(table).model
    one = table.iloc[[5]].reset_index(drop=True)
    result = linker.link({"new": one, "base": table}, model=model)
    linked = result.pairs().query("band == 'link'")
    assert len(linked) >= 1
    assert set(linked["right_id"]) <= {
        ("base", i)
        for i in table.index[
            (table["last"] == one.loc[0, "last"]) & (table["born"] == one.loc[0, "born"])
        ]
    }


def test_too_few_candidate_pairs_are_refused_and_say_how_many_are_needed() -> None:
    # 2,000 people with distinct names and dates: a handful of candidate pairs in all
    frame = pd.DataFrame(
        {
            "first": [f"g{i}" for i in range(2_000)],
            "last": [f"s{i}" for i in range(2_000)],
            "born": pd.date_range("1950-01-01", periods=2_000).astype(str),
        }
    )
    frame.loc[1, ["first", "last"]] = frame.loc[0, ["first", "last"]]
    with pytest.raises(InvalidValueError, match=r"1 candidate pair\(s\), fewer than the \d+"):
        Linker(fields=FIELDS).deduplicate(frame)


def test_enough_pairs_fit_and_a_small_run_is_let_through() -> None:
    assert len(Linker(fields=FIELDS).deduplicate(_people(3_000, 1)).model.m)
    small = pd.DataFrame(
        {
            "first": ["ann", "ann", "bob"],
            "last": ["lee", "lee", "ng"],
            "born": ["1980-01-02", "1980-01-02", "1990-03-04"],
        }
    )
    assert Linker(fields=FIELDS, link_threshold=0.5).deduplicate(small).clusters.tolist() == [
        0,
        0,
        1,
    ]


def test_with_labels_their_own_minimum_applies_instead() -> None:
    table = _people(3_000, 0)
    one = table.iloc[[5]].reset_index(drop=True)
    truth = [("new", 0), ("base", 5), True]
    with pytest.raises(InvalidValueError, match="matching pair"):
        Linker(fields=FIELDS).link({"new": one, "base": table}, pair_labels=[tuple(truth)])
