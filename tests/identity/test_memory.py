"""A run holds little per pair, and weighing in chunks changes no answer."""

import pickle

import numpy as np
import pandas as pd
import pytest

from customer_understanding.identity import Field, Linker, _linker, _weighing
from customer_understanding.identity._blocking import union_pairs

FIELDS = [Field(column="first", kind="given_name"), Field(column="last", kind="family_name"),
          Field(column="born", kind="date"), Field(column="city", kind="city")]  # fmt: skip


def _people(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({
        "first": rng.choice(["anna", "ben", "cara", "dev", "eli", "fay"], size=n),
        "last": [f"name{i}" for i in rng.integers(0, 300, size=n)],
        "born": [f"19{i % 80 + 20}-0{i % 9 + 1}-1{i % 10}" for i in rng.integers(0, 900, size=n)],
        "city": rng.choice(["leeds", "york", "hull", "bath"], size=n),
    })  # fmt: skip
    twins = frame.sample(n // 5, random_state=1).assign(first=lambda f: f["first"].str[:3])
    return pd.concat([frame, twins], ignore_index=True)


def test_weighing_in_chunks_gives_the_answers_of_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _people(2_000)
    whole = Linker(fields=FIELDS).deduplicate(frame)
    monkeypatch.setattr(_linker, "_WEIGH_CHUNK", 7)
    monkeypatch.setattr(_weighing, "TF_CHUNK", 5)
    chunked = Linker(fields=FIELDS).deduplicate(frame)
    assert len(whole.left) > 1_000
    assert np.array_equal(whole.partials, chunked.partials)
    assert whole.bands.tolist() == chunked.bands.tolist()
    assert whole.clusters.tolist() == chunked.clusters.tolist()
    # the partial weights, weighed again when asked, are those the bands were drawn from
    linked = whole.bands == "link"
    assert (whole.match_probability[linked] >= 0.99).all()
    assert (whole.match_probability[whole.bands == "reject"] < 0.5).all()


def test_a_result_keeps_small_positions_and_weighs_partials_once() -> None:
    result = Linker(fields=FIELDS).deduplicate(_people(500))
    assert result.left.dtype == np.int32
    assert result.right.dtype == np.int32
    first = result.partials
    assert first is result.partials  # weighed on first use, then kept
    assert first.dtype == np.float32
    assert not first.flags.writeable
    copy = pickle.loads(pickle.dumps(result))
    assert np.array_equal(copy.partials, first)


def test_union_rows_find_each_rules_pairs_sorted_or_not() -> None:
    encoded = [np.array([9, 3, 40, 7]), np.array([3, 12, 40]), np.array([], dtype=np.int64)]
    unique, rows = union_pairs(encoded)
    assert unique.tolist() == [3, 7, 9, 12, 40]
    for pairs, found in zip(encoded, rows, strict=True):
        assert unique[found].tolist() == pairs.tolist()
        assert found.dtype == np.int32


@pytest.mark.parametrize(
    "ids",
    [
        [0, 1, 10, 100, 2, 20, 9, 99, 1000, 10**17 + 3, 5, 50, 500],
        list(range(300)),
        ["b", "a", "10"],
        [-1, 5, 12],
        [1.5, 2.0, 10.0],
        [True, False],
        [1, "a", 10],
        [("a", 1), ("b", 2)],
    ],
)
def test_canonical_order_of_numbers_is_that_of_their_text(ids: list[object]) -> None:
    from customer_understanding.identity._records import _sorted_codes

    values = np.empty(len(ids), dtype=object)
    values[:] = ids
    text = np.array([str(value) for value in ids], dtype=object)
    assert _sorted_codes(values).tolist() == pd.factorize(text, sort=True)[0].tolist()
