"""Hypothesis properties of the condition algebra against plain numpy logic."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import customer_understanding as cu
from customer_understanding.traits import Condition, TraitSnapshot, all_of, any_of, not_

SIZE = 6
BASE = cu.CustomerBase.from_objects(
    accounts=[cu.Account(id=f"a{n}") for n in range(SIZE)],
    interactions=[cu.Interaction(id="i", occurred_at="2026-01-01", type="call", account_id="a0")],
)
numbers = st.lists(st.one_of(st.integers(-3, 3).map(float), st.just(float("nan"))),
                   min_size=SIZE, max_size=SIZE)  # fmt: skip
labels = st.lists(st.one_of(st.sampled_from(["x", "y", "z"]), st.none()),
                  min_size=SIZE, max_size=SIZE)  # fmt: skip
ORDER = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less,
         "==": np.equal, "!=": np.not_equal}  # fmt: skip


class Fixed:
    """A trait whose values are given."""

    description = "given values"

    def __init__(self, values: list) -> None:  # type: ignore[type-arg]
        self.values = np.array(values, dtype=float if isinstance(values[0], float) else object)

    def evaluate(self, tables, /, *, as_of, level):  # type: ignore[no-untyped-def]
        return self.values


def _facts(**traits: list) -> TraitSnapshot:  # type: ignore[type-arg]
    return TraitSnapshot(BASE, traits={name: Fixed(v) for name, v in traits.items()})


@settings(max_examples=60, deadline=None)
@given(xs=numbers, op=st.sampled_from(sorted(ORDER)), value=st.integers(-3, 3))
def test_a_comparison_is_numpy_s_on_known_values_and_false_on_missing(xs, op, value) -> None:  # type: ignore[no-untyped-def]
    found = _facts(x=xs).holds(Condition(trait="x", op=op, value=value))
    array = np.array(xs)
    with np.errstate(invalid="ignore"):
        expected = ORDER[op](array, value) & ~np.isnan(array)
    assert found.tolist() == expected.tolist()


@settings(max_examples=60, deadline=None)
@given(xs=numbers, ys=numbers, a=st.integers(-3, 3), b=st.integers(-3, 3))
def test_not_all_any_follow_boolean_algebra(xs, ys, a, b) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(x=xs, y=ys)
    p, q = Condition(trait="x", op=">=", value=a), Condition(trait="y", op="<", value=b)
    hp, hq = facts.holds(p), facts.holds(q)
    assert facts.holds(not_(p)).tolist() == (~hp).tolist()
    assert facts.holds(all_of(p, q)).tolist() == (hp & hq).tolist()
    assert facts.holds(any_of(p, q)).tolist() == (hp | hq).tolist()
    assert facts.holds(not_(any_of(p, q))).tolist() == facts.holds(all_of(~p, ~q)).tolist()
    assert facts.holds(not_(not_(p))).tolist() == hp.tolist()


@settings(max_examples=60, deadline=None)
@given(xs=numbers, value=st.integers(-3, 3))
def test_equal_and_different_never_both_hold_and_miss_only_missing(xs, value) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(x=xs)
    equal = facts.holds(Condition(trait="x", op="==", value=value))
    different = facts.holds(Condition(trait="x", op="!=", value=value))
    missing = facts.holds(Condition(trait="x", op="missing"))
    present = facts.holds(Condition(trait="x", op="present"))
    assert not (equal & different).any()
    assert ((equal | different) == present).all()
    assert (missing == ~present).all()
    assert missing.tolist() == np.isnan(np.array(xs)).tolist()


@settings(max_examples=60, deadline=None)
@given(cs=labels, wanted=st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=3))
def test_membership_on_categories_partitions_the_known_values(cs, wanted) -> None:  # type: ignore[no-untyped-def]
    if all(c is None for c in cs):
        cs = ["x", *cs[1:]]  # a column of only None reads as categories still
    facts = _facts(c=cs)
    inside = facts.holds(Condition(trait="c", op="in", value=wanted))
    outside = facts.holds(Condition(trait="c", op="not in", value=wanted))
    assert inside.tolist() == [c is not None and c in wanted for c in cs]
    assert outside.tolist() == [c is not None and c not in wanted for c in cs]
    first = facts.holds(Condition(trait="c", op="==", value=wanted[0]))
    assert first.tolist() == [c == wanted[0] for c in cs]
