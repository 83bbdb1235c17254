from datetime import timedelta

import numpy as np
import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError, UnknownNameError
from customer_understanding.scoring import (
    LEAD_GRADES,
    EngagementScorer,
    FitRule,
    FitScorer,
    LeadScorer,
    rules_from,
)

from .conftest import AS_OF, small_parts

RULES = [
    FitRule(field="employees", op=">=", value=200, points=30),
    FitRule(field="seniority", op="in", value=("vp", "c_level"), points=25),
    FitRule(field="title", op="contains", value="student", points=-40),
]


def _by_id(table):
    return dict(zip(table.ids, table.score, strict=True))


def test_fit_adds_points_of_matched_rules(small_base):
    scores = _by_id(FitScorer(rules=RULES).score(small_base, as_of=AS_OF))
    assert scores == {"ann": 55.0, "bob": -10.0, "cy": 0.0}


def test_fit_contact_reads_its_account_firmographics(small_base):
    table = FitScorer(rules=RULES[:1]).score(small_base, as_of=AS_OF)
    assert table.top_reasons("bob")["signal"].tolist() == ["employees >= 200"]


def test_fit_grades_a_to_d(small_base):
    table = FitScorer(rules=RULES, grades=(50, 20, 0)).score(small_base, as_of=AS_OF)
    assert dict(zip(table.ids, table.labels(), strict=True)) == {"ann": "A", "bob": "D", "cy": "C"}


def test_account_fit_reads_contact_fields_over_any_contact(small_base):
    rule = FitRule(field="seniority", op="in", value=("vp", "c_level"), points=10)
    table = FitScorer(level="account", rules=[rule]).score(small_base, as_of=AS_OF)
    assert _by_id(table) == {"a1": 10.0, "a2": 0.0}
    assert table.reasons.signals == ("any contact: seniority in ('vp', 'c_level')",)


def test_lead_scorer_works_at_account_level_with_its_defaults(small_base):
    table = LeadScorer(level="account").score(small_base, as_of=AS_OF)
    assert len(table) == len(small_base.accounts)


def test_rule_on_unknown_field_is_refused():
    with pytest.raises(UnknownNameError, match="field='favourite_colour' is not a known trait"):
        FitRule(field="favourite_colour", op="==", value="red", points=1)


def test_contains_on_numeric_field_is_refused(small_base):
    rule = FitRule(field="employees", op="contains", value="5", points=1)
    with pytest.raises(InvalidValueError, match="contains"):
        FitScorer(rules=[rule]).score(small_base, as_of=AS_OF)


def test_rules_from_dicts():
    (rule,) = rules_from([{"field": "country", "op": "in", "value": ["Germany"], "points": 5}])
    assert rule.points == 5


def _lead(level="contact"):
    return LeadScorer(
        level=level,
        fit=FitScorer(level=level, rules=RULES if level == "contact" else RULES[:1],
                      grades=(50, 20, 0)),
        engagement=EngagementScorer(level=level, half_life_days=None, caps={},
                                    bands=(40, 10, 0)),
    )  # fmt: skip


def test_lead_grade_pairs_fit_letter_and_engagement_band(small_base):
    table = _lead().score(small_base, as_of=AS_OF)
    assert dict(zip(table.ids, table.labels(), strict=True)) == {
        "ann": "A1", "bob": "D4", "cy": "C3"}  # fmt: skip


def test_lead_reasons_add_up_to_fit_plus_engagement(small_base):
    table = _lead().score(small_base, as_of=AS_OF)
    assert np.allclose(table.reasons.total(len(table)), table.score)
    assert table.score[table.row_of("ann")] == pytest.approx(55 + 46)


def test_lead_proposes_mql_for_qualifying_contacts(small_base):
    scorer = _lead()
    proposals = scorer.proposals(scorer.score(small_base, as_of=AS_OF), small_base)
    assert proposals[["contact_id", "to_stage"]].values.tolist() == [["ann", "mql"]]


def test_lead_proposes_mqa_for_accounts(small_base):
    scorer = _lead("account")
    proposals = scorer.proposals(scorer.score(small_base, as_of=AS_OF), small_base)
    assert proposals["account_id"].tolist() == ["a1"]
    assert proposals["to_stage"].tolist() == ["mqa"]


def test_lead_refuses_unknown_grades():
    with pytest.raises(InvalidValueError, match="mql_grades"):
        LeadScorer(mql_grades=("A9",))


def test_lead_grades_run_from_a1_to_d4():
    assert (LEAD_GRADES[0], LEAD_GRADES[-1], len(LEAD_GRADES)) == ("A1", "D4", 16)


def test_in_rule_needs_a_list_of_values():
    with pytest.raises(InvalidValueError, match="must be a list"):
        FitRule(field="country", op="in", value="Germany", points=5)


def _small(**more):
    return cu.CustomerBase.from_objects(**small_parts(), **more)


def _deal(outcome, *, closed):
    return cu.Opportunity(id="o1", account_id="a1", amount=1000.0, outcome=outcome,
                          created_at=AS_OF - timedelta(days=90), closed_at=closed)  # fmt: skip


def test_mqa_proposals_leave_out_accounts_that_are_customers_at_as_of():
    base = _small(opportunities=[_deal("won", closed=AS_OF - timedelta(days=10))])
    scorer = _lead("account")
    assert scorer.proposals(scorer.score(base, as_of=AS_OF), base).empty
    before = AS_OF - timedelta(days=20)  # a1 was no customer yet then
    assert scorer.proposals(scorer.score(base, as_of=before), base)["account_id"].tolist() == ["a1"]
    # Nor are its contacts proposed as MQLs once it is a customer.
    contacts = _lead()
    assert contacts.proposals(contacts.score(base, as_of=AS_OF), base).empty


def test_a_won_deal_without_a_close_date_still_makes_a_customer():
    base = _small(opportunities=[_deal("won", closed=None)])
    scorer = _lead("account")
    assert scorer.proposals(scorer.score(base, as_of=AS_OF), base).empty


def test_mql_proposals_read_the_stage_at_as_of():
    sql = cu.Journey(
        subject_id="ann", changes=[cu.StageChange(stage="sql", at=AS_OF + timedelta(days=3))]
    )
    base = _small(journeys=[sql])
    scorer = _lead()
    proposals = scorer.proposals(scorer.score(base, as_of=AS_OF), base)
    # Ann reached SQL only after as_of: as of then she was still to be proposed.
    assert proposals["contact_id"].tolist() == ["ann"]
    later = scorer.proposals(scorer.score(base, as_of=AS_OF + timedelta(days=4)), base)
    assert "ann" not in later["contact_id"].tolist()
