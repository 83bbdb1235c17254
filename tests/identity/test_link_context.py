"""A run over a few records given what the many know: keys, budgets, derived keys."""

import numpy as np
import pandas as pd
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.identity import (
    BlockingRule,
    Field,
    LinkContext,
    Linker,
    LinkerSteps,
    ProbabilisticResolver,
)
from customer_understanding.identity._blocking import candidate_limits


def _marks(keys: np.ndarray) -> np.ndarray:
    """Block marks as a run counts them: size on top, a hash of the members below."""
    present = np.flatnonzero(keys >= 0)
    marks = np.full(len(keys), 1 << 24, dtype=np.uint32)
    if len(present):
        sizes = np.minimum(np.bincount(keys[present])[keys[present]], 255).astype(np.uint32)
        total = np.bincount(keys[present], weights=present.astype(np.float64))
        squares = np.bincount(keys[present], weights=present.astype(np.float64) ** 2)
        mixed = total.astype(np.uint64) * np.uint64(0x9E3779B1) + squares.astype(np.uint64)
        members = (mixed & np.uint64(0xFFFFFF)).astype(np.uint32)
        marks[present] = (sizes << np.uint32(24)) | members[keys[present]]
    return marks


def test_limits_from_marks_are_the_runs_budgets() -> None:
    rng = np.random.default_rng(4)
    codes = {"a": rng.integers(0, 30, 400), "b": rng.integers(0, 8, 400)}
    rules = [BlockingRule(on="a"), BlockingRule(on="b"), BlockingRule(on=("a", "b"))]
    linker = Linker(fields=[Field(column="a", kind="text"), Field(column="b", kind="text")],
                    max_candidates=20)  # fmt: skip
    combined = pd.factorize(codes["a"] * 100 + codes["b"])[0]
    keys = [codes["a"], codes["b"], combined]
    marks = np.stack([_marks(np.asarray(k, dtype=np.int64)) for k in keys], axis=1)
    expected = candidate_limits(
        codes | {"ab": combined}, [rules[0], rules[1], BlockingRule(on="ab")], max_candidates=20
    )
    assert LinkerSteps(linker).limits(marks).tolist() == expected.tolist()
    unbudgeted = Linker(fields=linker.fields, max_candidates=None)
    assert set(LinkerSteps(unbudgeted).limits(marks).tolist()) == {255}


def test_derived_keys_of_cleaned_names_are_those_a_run_derives() -> None:
    steps = LinkerSteps(ProbabilisticResolver().account_linker)
    frame = pd.DataFrame({"name": ["Northwind Traders Ltd", None, "IBM", "Acme (Boston) Inc."],
                          "domain": None, "city": None, "country": None})  # fmt: skip
    normalised = steps.normalise(frame)
    derived = steps.derived_keys("name", normalised["name"].tolist())
    for column, values in derived.items():
        assert values == normalised[column].tolist()
    assert steps.derived_keys("city", ["leeds"]) == {}


def test_given_keys_stand_in_for_a_rules_own() -> None:
    linker = Linker(fields=[Field(column="email", kind="email")], link_threshold=0.5)
    frame = pd.DataFrame({"email": ["a@x.com", "a@x.com", "b@y.com"]})
    apart = LinkContext(keys={"email": np.array([0, -1, 1])})
    result = Linker(fields=linker.fields, link_threshold=0.5, context=apart).deduplicate(frame)
    assert len(result.left) == 0  # the given keys pair nobody
    with pytest.raises(InvalidValueError, match="keys"):
        Linker(fields=linker.fields, context=LinkContext(keys={"nope": np.zeros(3)})).deduplicate(
            frame
        )
    with pytest.raises(InvalidValueError, match="needs rows"):
        LinkContext(codes={"email": np.zeros(3, dtype=np.int64)})
