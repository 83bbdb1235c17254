"""The per-record candidate budget across the default blocking rules."""

import numpy as np
import pandas as pd
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.identity import BlockingRule, Field, Linker
from customer_understanding.identity._blocking import block_and_report, candidate_limits

FIELDS = [Field(column="first", kind="given_name"), Field(column="last", kind="family_name"),
          Field(column="city", kind="city"), Field(column="born", kind="date"),
          Field(column="street", kind="address")]  # fmt: skip


def _people(n: int, seed: int) -> pd.DataFrame:
    """Small value pools, so that blocks grow with the table (the hard case for budgets)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "first": rng.choice([f"given{i}" for i in range(20)], size=n),
        "last": [f"name{i}" for i in rng.integers(0, 400, size=n)],
        "city": rng.choice([f"city{i}" for i in range(30)], size=n),
        "born": [f"19{i % 90 + 10}-01-0{i % 9 + 1}" for i in rng.integers(0, 800, size=n)],
        "street": [f"{i} high street" for i in rng.integers(0, 300, size=n)],
    })  # fmt: skip


def _candidates_per_record(linker: Linker, frame: pd.DataFrame) -> np.ndarray:
    result = linker.deduplicate(frame, model=_model(linker))
    return np.bincount(np.concatenate([result.left, result.right]), minlength=len(frame))


def _model(linker: Linker):  # a fixed model: the budget is about blocking, not fitting
    return linker.deduplicate(_people(3_000, 9)).model


@pytest.mark.parametrize("budget", [5, 20])
def test_no_record_has_more_candidates_than_its_budget_at_any_size(budget: int) -> None:
    linker = Linker(fields=FIELDS, max_candidates=budget)
    for n, seed in [(2_000, 0), (12_000, 1)]:
        assert _candidates_per_record(linker, _people(n, seed)).max() <= budget


def test_candidates_per_record_stay_flat_as_the_table_grows() -> None:
    linker = Linker(fields=FIELDS)
    small = _candidates_per_record(linker, _people(3_000, 0)).mean()
    large = _candidates_per_record(linker, _people(30_000, 1)).mean()
    unbudgeted = Linker(fields=FIELDS, max_candidates=None)
    grown = _candidates_per_record(unbudgeted, _people(30_000, 1)).mean()
    assert large <= linker.max_candidates < grown
    assert large < 2 * small


def test_the_report_says_which_records_left_a_rule_for_the_budget() -> None:
    linker = Linker(fields=FIELDS, max_candidates=5)
    report = linker.report(_people(5_000, 0)).to_pandas()
    budgeted = report[report["budget_records"] > 0]
    assert len(budgeted)
    assert budgeted["why"].str.contains("max_candidates=5").all()
    assert [rule.name for rule in linker.rules] == report["rule"].tolist()  # same rule set
    assert (report.loc[report["budget_records"] == 0, "why"].str.contains("max_candidates")
            .sum() == 0)  # fmt: skip


def test_a_budget_keeps_the_smallest_blocks_and_counts_a_repeated_block_once() -> None:
    # records 0 and 1 share a block of two in three rules (one block, one candidate) and
    # a block of four in the fourth rule: a budget of 2 keeps the pair, not the four
    codes = {"a": np.array([0, 0, 1, 2]), "b": np.array([5, 5, 6, 7]),
             "c": np.array([3, 3, 4, 4]), "d": np.array([9, 9, 9, 9])}  # fmt: skip
    rules = [BlockingRule(on=name) for name in "abcd"]
    limits = candidate_limits(codes, rules, max_candidates=2)
    assert limits[:2].tolist() == [2, 2]
    shuffled = candidate_limits(codes, rules[::-1], max_candidates=2)
    assert limits.tolist() == shuffled.tolist()  # the order of the rules never matters
    report, pairs = block_and_report(codes, rules, sources=np.arange(4), max_candidates=2)
    assert pairs[3].tolist() == []
    assert report.to_pandas()["budget_records"].tolist() == [0, 0, 0, 4]


def test_declared_rules_are_not_budgeted() -> None:
    frame = _people(2_000, 0)
    declared = Linker(fields=FIELDS, blocking=[BlockingRule(on="city")], max_candidates=1)
    assert declared.report(frame).to_pandas()["budget_records"].tolist() == [0]


@pytest.mark.parametrize("bad", [0, 251, "many", 2.5])
def test_a_wrong_budget_is_a_library_error(bad: object) -> None:
    with pytest.raises(InvalidValueError, match="max_candidates"):
        Linker(fields=FIELDS, max_candidates=bad)  # type: ignore[arg-type]


def test_when_linking_only_records_of_other_tables_count_as_candidates() -> None:
    codes = {"a": np.array([0, 0, 0, 0])}
    sources = np.array([0, 0, 0, 1])  # three records of one table, one of another
    limits = candidate_limits(codes, [BlockingRule(on="a")], max_candidates=1, sources=sources)
    assert limits.tolist() == [255, 255, 255, 1]  # one candidate each; the last has three
