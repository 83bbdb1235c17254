"""The one condition language: operators, the missing-value rule, explanations and errors."""

import numpy as np
import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError, UnknownNameError
from customer_understanding.traits import (
    AllOf,
    Condition,
    OverContacts,
    TraitSnapshot,
    all_of,
    any_of,
    not_,
)

from .conftest import AS_OF


@pytest.fixture(scope="module")
def facts(base: cu.CustomerBase) -> TraitSnapshot:
    return TraitSnapshot(base, as_of=AS_OF)


def _hits(facts: TraitSnapshot, condition, level="account") -> list[bool]:  # type: ignore[no-untyped-def]
    return facts.holds(condition, level=level).tolist()


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("==", "Software", [True, False, False]),
        ("!=", "Software", [False, True, False]),  # cold's industry is missing: false
        ("in", ["Software", "Fintech"], [True, True, False]),
        ("not in", ["Software"], [False, True, False]),
        ("contains", "TECH", [False, True, False]),
        ("missing", None, [False, False, True]),
        ("present", None, [True, True, False]),
    ],
)
def test_category_operators(facts: TraitSnapshot, op: str, value: object, expected: list) -> None:
    assert _hits(facts, Condition(trait="industry", op=op, value=value)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        (">=", 0, [True, False, False]),
        (">", -1, [True, False, False]),
        ("<", 1, [True, False, False]),
        ("<=", 0, [True, False, False]),
        ("==", 0, [True, False, False]),
        ("!=", 0, [False, False, False]),  # missing is never "different"
        ("in", [0, 12], [True, False, False]),
        ("not in", [5], [True, False, False]),
        ("missing", None, [False, True, True]),
    ],
)
def test_numeric_operators_on_a_value_missing_for_two_accounts(
    facts: TraitSnapshot, op: str, value: object, expected: list
) -> None:
    condition = Condition(trait="days_since_product_use", op=op, value=value)  # type: ignore[arg-type]
    assert _hits(facts, condition) == expected


def test_not_is_plain_negation_so_it_holds_where_the_value_is_missing(facts: TraitSnapshot) -> None:
    used = Condition(trait="days_since_product_use", op="<", value=30)
    assert _hits(facts, not_(used)) == [False, True, True]
    assert _hits(facts, ~used) == _hits(facts, not_(used))


def test_combinators_and_operators_agree(facts: TraitSnapshot) -> None:
    software = Condition(trait="industry", op="==", value="Software")
    customer = Condition(trait="won_deals", op=">=", value=1)
    assert _hits(facts, software & customer) == _hits(facts, all_of(software, customer))
    assert _hits(facts, software | customer) == [True, True, False]
    assert all_of(software, all_of(customer, software)).conditions == (software, customer, software)
    assert str(any_of(software, customer)) == "any of (industry == 'Software'; won_deals >= 1)"


@pytest.mark.parametrize(
    ("quantifier", "expected"),
    [("any", [True, True, False]), ("all", [False, True, False]), ("none", [False, False, True])],
)
def test_conditions_over_an_account_s_contacts(
    facts: TraitSnapshot, quantifier: str, expected: list
) -> None:
    senior = Condition(trait="seniority", op="in", value=["vp", "c_level"])
    assert _hits(facts, OverContacts(quantifier=quantifier, condition=senior)) == expected  # type: ignore[arg-type]


def test_an_account_condition_is_refused_at_contact_level(facts: TraitSnapshot) -> None:
    inner = Condition(trait="seniority", op="==", value="vp")
    with pytest.raises(InvalidValueError, match="account condition"):
        facts.holds(OverContacts(quantifier="any", condition=inner), level="contact")


def test_explanations_quote_the_observed_values(facts: TraitSnapshot) -> None:
    p1 = Condition(trait="open_p1_tickets", op=">=", value=1)
    assert p1.explain(facts, 0) == ("open_p1_tickets = 1 (open_p1_tickets >= 1)",)
    never = Condition(trait="days_since_product_use", op="missing")
    dormant = any_of(Condition(trait="days_since_product_use", op=">=", value=60), never)
    assert dormant.explain(facts, 1) == (
        "days_since_product_use = missing (days_since_product_use missing)",
    )
    quiet = not_(Condition(trait="open_tickets", op=">=", value=1))
    assert quiet.explain(facts, 1) == ("open_tickets = 0 (not (open_tickets >= 1))",)
    vp = OverContacts(quantifier="any", condition=Condition(trait="seniority", op="==", value="vp"))
    assert vp.explain(facts, 0) == (
        "1 of 3 contacts with seniority == 'vp' (any contact: seniority == 'vp')",
    )


def test_each_condition_is_tested_once_per_snapshot(base: cu.CustomerBase) -> None:
    facts = TraitSnapshot(base, as_of=AS_OF)
    condition = Condition(trait="open_tickets", op=">=", value=1)
    first = facts.holds(condition)
    assert facts.holds(Condition(trait="open_tickets", op=">=", value=1)) is first
    assert not first.flags.writeable


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"trait": "industry", "op": "~", "value": 1}, InvalidValueError,
         r"op='~' \(on trait 'industry'\) is not one of"),
        ({"trait": "employees", "op": ">=", "value": "many"}, InvalidValueError,
         r"value='many' for trait 'employees' with op '>=' must be a number"),
        ({"trait": "country", "op": "in", "value": "Germany"}, InvalidValueError,
         r"value='Germany' for trait 'country' with op 'in' must be a list"),
        ({"trait": "industry", "op": "missing", "value": 3}, InvalidValueError,
         r"value=3 for trait 'industry' with op 'missing'"),
        ({"trait": "won_deals", "op": ">=", "value": float("nan")}, InvalidValueError,
         r"value=nan for trait 'won_deals'"),
        ({"trait": "won_deals", "op": ">=", "value": True}, InvalidValueError,
         r"value=True for trait 'won_deals'"),
    ],
)  # fmt: skip
def test_bad_conditions_name_the_trait_and_the_value(
    kwargs: dict, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        Condition(**kwargs)


def test_a_numeric_test_of_a_category_trait_is_refused(facts: TraitSnapshot) -> None:
    with pytest.raises(InvalidValueError, match=r"trait 'industry' holds categories.*value=3"):
        facts.holds(Condition(trait="industry", op=">=", value=3))
    with pytest.raises(InvalidValueError, match=r"trait 'industry' holds categories.*value=3"):
        facts.holds(Condition(trait="industry", op="==", value=3))


def test_a_text_test_of_a_numeric_trait_is_refused(facts: TraitSnapshot) -> None:
    with pytest.raises(InvalidValueError, match=r"trait 'employees' is numeric.*value='big'"):
        facts.holds(Condition(trait="employees", op="==", value="big"))
    with pytest.raises(InvalidValueError, match=r"trait 'employees' is numeric"):
        facts.holds(Condition(trait="employees", op="contains", value="1"))


def test_an_unknown_trait_is_named_with_suggestions(facts: TraitSnapshot) -> None:
    with pytest.raises(UnknownNameError, match=r"trait='open_p1_tikets' is not known; did you "
                                               r"mean 'open_p1_tickets'"):  # fmt: skip
        facts.holds(Condition(trait="open_p1_tikets", op=">=", value=1))


def test_combinators_refuse_what_is_not_a_condition() -> None:
    with pytest.raises(InvalidValueError, match="condition='x >= 1' is not a Condition"):
        all_of("x >= 1")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="at least one condition"):
        AllOf(())


def test_conditions_are_values(facts: TraitSnapshot) -> None:
    a = Condition(trait="country", op="in", value=["DE", "US"])
    assert a == Condition(trait="country", op="in", value=("DE", "US"))
    assert hash(a) == hash(Condition(trait="country", op="in", value=("DE", "US")))
    assert repr(a) == "Condition(\"country in ('DE', 'US')\")"
    assert np.array_equal(facts.holds(a), [True, True, False])
