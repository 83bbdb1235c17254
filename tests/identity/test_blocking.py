import numpy as np
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.identity import BlockingRule, blocking_report
from customer_understanding.identity._blocking import block, union_pairs

CODES = {
    "surname": np.array([0, 0, 0, 1, 1, -1]),
    "postcode": np.array([7, 7, 8, 8, 8, 8]),
}


def test_report_counts_pairs_and_largest_block_per_rule() -> None:
    rules = [BlockingRule(on=("surname",)), BlockingRule(on=("postcode",))]
    report = blocking_report(CODES, rules, sources=np.arange(6)).to_pandas()
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


def _brute_force(codes: dict[str, np.ndarray], on: tuple[str, ...], sources: np.ndarray) -> int:
    keys = np.column_stack([codes[column] for column in on])
    count = 0
    for a in range(len(keys)):
        for b in range(a + 1, len(keys)):
            agree = (keys[a] == keys[b]).all() and (keys[a] >= 0).all()
            count += bool(agree and sources[a] != sources[b])
    return count


def test_report_matches_brute_force_on_random_codes_and_sources() -> None:
    rng = np.random.default_rng(3)
    codes = {name: rng.integers(-1, 4, size=60) for name in ("a", "b", "c")}
    sources = rng.integers(0, 3, size=60)
    rules = [BlockingRule(on=("a",)), BlockingRule(on=("a", "b")), BlockingRule(on=("a", "b", "c"))]
    report = blocking_report(codes, rules, sources=sources).to_pandas()
    expected = [_brute_force(codes, rule.on, sources) for rule in rules]
    assert report["pairs"].tolist() == expected
    left, _ = block(codes, rules[1:2], sources=sources, max_pairs=10_000)
    assert len(left) == expected[1]


def test_union_gives_each_rule_the_rows_of_its_pairs() -> None:
    encoded = [np.array([40, 7, 12]), np.array([12, 3]), np.array([], dtype=np.int64)]
    unique, rows = union_pairs(encoded)
    assert unique.tolist() == [3, 7, 12, 40]
    for pairs, found in zip(encoded, rows, strict=True):
        assert unique[found].tolist() == pairs.tolist()
