"""`LinkerSteps.budget_limits` (an engine's per-block sums) gives `candidate_limits`' answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from customer_understanding.identity import BlockingRule, Field, Linker, LinkerSteps
from customer_understanding.identity._blocking import candidate_limits


def _block_columns(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per record: its block's size (at most 255), and the sums of members' positions."""
    positions = np.arange(len(keys), dtype=np.float64)
    sizes = np.minimum(np.bincount(keys)[keys], 255)
    totals = np.bincount(keys, weights=positions)[keys].astype(np.uint64)
    squares = np.bincount(keys, weights=positions**2)[keys].astype(np.uint64)
    return sizes, totals, squares


@pytest.mark.parametrize("budget", [1, 3, 8, 30])
def test_per_block_sums_give_the_local_limits(budget: int) -> None:
    rng = np.random.default_rng(budget)
    codes = {name: rng.integers(0, size, 400) for name, size in
             (("a", 40), ("b", 90), ("c", 7))}  # fmt: skip
    rules = [BlockingRule(on="a"), BlockingRule(on="b"), BlockingRule(on=("a", "c"))]
    expected = candidate_limits(codes, rules, max_candidates=budget)
    columns = []
    for rule in rules:
        joint = pd.factorize(pd.Series(list(zip(*(codes[c] for c in rule.on), strict=True))))[0]
        columns.append(_block_columns(joint))
    sizes, totals, squares = (np.stack([c[k] for c in columns], axis=1) for k in range(3))
    steps = LinkerSteps(Linker(fields=[Field(column="a", kind="category")],
                               max_candidates=budget))  # fmt: skip
    assert steps.budget == budget
    assert np.array_equal(steps.budget_limits(sizes, totals, squares), expected)


def test_no_budget_means_no_limit() -> None:
    steps = LinkerSteps(Linker(fields=[Field(column="a", kind="category")], max_candidates=None))
    ones = np.ones((3, 2), dtype=np.int64)
    zeros = np.zeros((3, 2), dtype=np.uint64)
    assert steps.budget is None
    assert steps.budget_limits(ones * 9, zeros, zeros).tolist() == [255, 255, 255]
