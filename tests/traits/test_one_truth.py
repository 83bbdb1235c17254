"""Rule segments and signal policies read the same traits with the same conditions."""

import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError
from customer_understanding.scoring import HealthScorer, ScoreTable
from customer_understanding.segmentation import RuleSegment, RuleSegmenter, Segmentation
from customer_understanding.signals import DEFAULT_POLICIES, Emit, Policy, evaluate_signals
from customer_understanding.traits import Condition, OverContacts, ScoreTrait, any_of, not_

from .conftest import AS_OF

CONDITIONS = {
    "escalated": Condition(trait="open_p1_tickets", op=">=", value=1),
    "never_used": Condition(trait="days_since_product_use", op="missing"),
    "idle": Condition(trait="days_since_product_use", op=">=", value=30),
    "not_idle": not_(Condition(trait="days_since_product_use", op=">=", value=30)),
    "software": Condition(trait="industry", op="==", value="Software"),
    "not_software": Condition(trait="industry", op="!=", value="Software"),
    "known_industry": Condition(trait="industry", op="in", value=["Software", "Fintech"]),
    "senior_people": OverContacts(quantifier="any", condition=Condition(
        trait="seniority", op="in", value=["vp", "c_level"])),
    "dormant": any_of(Condition(trait="days_since_product_use", op=">=", value=60),
                      Condition(trait="days_since_product_use", op="missing"))
    & Condition(trait="won_deals", op=">=", value=1),
}  # fmt: skip
EXPECTED = {
    "escalated": ["soft"],
    "never_used": ["fin", "cold"],
    "idle": [],  # a customer that never used the product is not "idle for 30 days"
    "not_idle": ["soft", "fin", "cold"],
    "software": ["soft"],
    "not_software": ["fin"],  # cold's industry is unknown: neither == nor !=
    "known_industry": ["soft", "fin"],
    "senior_people": ["soft", "fin"],
    "dormant": ["fin"],
}


def _segment_members(base: cu.CustomerBase, name: str) -> list[str]:
    segmenter = RuleSegmenter(segments=[RuleSegment(name=name, when=CONDITIONS[name])])
    return list(segmenter.assign(base, as_of=AS_OF).members(name))


def _policy_accounts(base: cu.CustomerBase, name: str) -> list[str]:
    policy = Policy(name=name, when=CONDITIONS[name], emit=[Emit(kind=name, discipline="sales")])
    signals = evaluate_signals(base, [policy], as_of=AS_OF).to_pandas()
    return signals["account_id"].tolist()


@pytest.mark.parametrize("name", sorted(CONDITIONS))
def test_a_rule_segment_and_a_policy_with_the_same_condition_select_the_same_accounts(
    base: cu.CustomerBase, name: str
) -> None:
    assert _segment_members(base, name) == EXPECTED[name]
    assert _policy_accounts(base, name) == EXPECTED[name]


def test_the_built_in_reactivation_policy_reaches_a_customer_that_never_used_the_product(
    base: cu.CustomerBase,
) -> None:
    (policy,) = [p for p in DEFAULT_POLICIES if p.name == "dormant_customer_reactivation"]
    signals = evaluate_signals(base, [policy], as_of=AS_OF)
    assert signals.to_pandas()["account_id"].tolist() == ["fin"]
    (reactivation,) = signals.for_account("fin")
    assert reactivation.reasons == (
        "won_deals = 1 (won_deals >= 1)",
        "days_since_product_use = missing (days_since_product_use missing)",
    )


def _health(base: cu.CustomerBase) -> ScoreTable:
    # A low baseline puts the quiet customer below 40 and the busy one above; cold has
    # no won deal by AS_OF, so it has no health at all.
    return HealthScorer(baseline=35.0).score(base, as_of=AS_OF)


def test_a_policy_reading_a_score_fires_with_its_reason(base: cu.CustomerBase) -> None:
    health = _health(base)
    low = {a for a, s in zip(health.ids, health.score, strict=True) if s < 40}
    assert low == {"fin"}
    alert = Policy(name="poor_health", when=Condition(trait="health", op="<", value=40),
                   emit=[Emit(kind="alert_csm", discipline="service")])  # fmt: skip
    signals = evaluate_signals(base, [alert], as_of=AS_OF, scores={"health": health})
    assert set(signals.to_pandas()["account_id"]) == low
    for account in low:
        (signal,) = signals.for_account(account)
        score = health.score[health.row_of(account)]
        assert signal.reasons == (f"health = {score:g} (health < 40)",)


def test_a_policy_reading_a_segment_fires_with_its_reason(base: cu.CustomerBase) -> None:
    segments = RuleSegmenter(segments=[
        RuleSegment(name="escalated", when=CONDITIONS["escalated"]),
        RuleSegment(name="fintech", when=Condition(trait="industry", op="==", value="Fintech")),
    ]).assign(base, as_of=AS_OF)  # fmt: skip
    upsell = Policy(name="fintech_upsell", emit=[Emit(kind="upsell", discipline="sales")],
                    when=Condition(trait="focus", op="in", value=["fintech"]))  # fmt: skip
    signals = evaluate_signals(base, [upsell], as_of=AS_OF, segments={"focus": segments})
    (signal,) = signals.for_account("fin")
    assert signal.reasons == ("focus = fintech (focus in ('fintech'))",)
    assert len(signals) == 1


def test_a_rule_segment_reads_a_score_through_a_score_trait(base: cu.CustomerBase) -> None:
    health = _health(base)
    segmenter = RuleSegmenter(
        traits={"health": ScoreTrait(scores=health)},
        segments=[RuleSegment(name="poor", when=Condition(trait="health", op="<", value=40))],
    )
    members = set(segmenter.assign(base, as_of=AS_OF).members("poor"))
    assert members == {a for a, s in zip(health.ids, health.score, strict=True) if s < 40}


def test_a_score_from_a_later_moment_is_refused(base: cu.CustomerBase) -> None:
    later = HealthScorer().score(base, as_of="2026-06-02")
    policy = Policy(name="p", when=Condition(trait="health", op="<", value=40),
                    emit=[Emit(kind="x", discipline="service")])  # fmt: skip
    with pytest.raises(InvalidValueError, match="after as_of=2026-06-01"):
        evaluate_signals(base, [policy], as_of=AS_OF, scores={"health": later})


def test_a_contact_segmentation_cannot_be_read_for_accounts(base: cu.CustomerBase) -> None:
    people = Segmentation(segmenter="x", level="contact", as_of=0, ids=["s1"], segment=[0],
                          segments=("a",))  # fmt: skip
    policy = Policy(name="p", when=Condition(trait="who", op="==", value="a"),
                    emit=[Emit(kind="x", discipline="sales")])  # fmt: skip
    with pytest.raises(InvalidValueError, match="is about contacts"):
        evaluate_signals(base, [policy], as_of=AS_OF, segments={"who": people})


def test_a_name_given_twice_is_refused(base: cu.CustomerBase) -> None:
    health = _health(base)
    with pytest.raises(InvalidValueError, match="name='h' is given twice"):
        evaluate_signals(base, as_of=AS_OF, scores={"h": health},
                         traits={"h": ScoreTrait(scores=health)})  # fmt: skip


def test_health_reads_the_one_seat_utilisation(base: cu.CustomerBase) -> None:
    reasons = _health(base).top_reasons("soft", n=20).set_index("signal")
    assert reasons.loc["seat_utilisation", "value"] == 0.5
    assert "seat_utilisation" not in set(_health(base).top_reasons("fin", n=20)["signal"])


def test_rules_and_policies_survive_pickling() -> None:
    import pickle

    from customer_understanding.traits import InteractionCount

    when = CONDITIONS["dormant"] | ~CONDITIONS["senior_people"]
    segmenter = RuleSegmenter(traits={"calls": InteractionCount(types=("call",))},
                              segments=[RuleSegment(name="x", when=when)])  # fmt: skip
    assert pickle.loads(pickle.dumps(segmenter)) == segmenter
    assert pickle.loads(pickle.dumps(DEFAULT_POLICIES)) == DEFAULT_POLICIES
