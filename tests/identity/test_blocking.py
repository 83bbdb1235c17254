import numpy as np
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.identity import BlockingRule, blocking_report
from customer_understanding.identity._blocking import block

CODES = {
    "surname": np.array([0, 0, 0, 1, 1, -1]),
    "postcode": np.array([7, 7, 8, 8, 8, 8]),
}


def test_report_counts_pairs_and_largest_block_per_rule() -> None:
    rules = [BlockingRule(on=("surname",)), BlockingRule(on=("postcode",))]
    report = blocking_report(CODES, rules, sources=np.arange(6))
    assert report["pairs"].tolist() == [4, 7]
    assert report["largest_block"].tolist() == [3, 4]


def test_union_of_rules_holds_each_pair_once() -> None:
    rules = [BlockingRule(on=("surname",)), BlockingRule(on=("postcode",))]
    left, right = block(CODES, rules, sources=np.arange(6), max_pairs=100)
    pairs = list(zip(left.tolist(), right.tolist(), strict=True))
    assert len(pairs) == len(set(pairs)) == 9
    assert all(a < b for a, b in pairs)


def test_conjunction_rule_needs_every_column_to_agree() -> None:
    left, right = block(CODES, [BlockingRule(on=("surname", "postcode"))],
                        sources=np.arange(6), max_pairs=100)  # fmt: skip
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1), (3, 4)]


def test_pairs_within_one_source_are_left_out_when_linking() -> None:
    sources = np.array([0, 1, 0, 1, 0, 1])
    left, right = block(CODES, [BlockingRule(on=("postcode",))], sources=sources, max_pairs=100)
    assert (sources[left] != sources[right]).all()
    assert len(left) == 5


def test_rule_over_max_pairs_raises_naming_the_rule() -> None:
    with pytest.raises(InvalidValueError, match=r"blocking rule 'postcode' would yield 7 pairs"):
        block(CODES, [BlockingRule(on=("postcode",))], sources=np.arange(6), max_pairs=5)


def test_rule_on_undeclared_column_raises_naming_it() -> None:
    with pytest.raises(InvalidValueError, match="names column 'city', which is not declared"):
        blocking_report(CODES, [BlockingRule(on=("city",))], sources=np.arange(6))


def test_rule_without_columns_is_refused() -> None:
    with pytest.raises(InvalidValueError, match=r"on=\(\)"):
        BlockingRule(on=())
