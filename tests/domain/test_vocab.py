import pytest

from customer_understanding import (
    Discipline,
    OpportunityKind,
    Role,
    Seniority,
    Stage,
    UnknownNameError,
)
from customer_understanding.domain import normalize_term


@pytest.mark.parametrize(
    ("text", "stage"),
    [("MQL", Stage.MQL), ("Marketing Qualified Lead", Stage.MQL), ("closed-won", Stage.WON),
     ("At risk", Stage.AT_RISK), (Stage.SQL, Stage.SQL)],
)  # fmt: skip
def test_stage_parses_loose_labels(text: str, stage: Stage) -> None:
    assert Stage.parse(text) is stage


def test_stage_order_runs_from_known_to_advocate() -> None:
    ranks = [stage.rank for stage in Stage]
    assert ranks == sorted(ranks)
    assert Stage.KNOWN.rank < Stage.MQL.rank < Stage.SQL.rank < Stage.WON.rank


def test_customer_side_stages_are_marked() -> None:
    customer_side = {stage for stage in Stage if stage.is_customer_side}
    assert customer_side == {Stage.ONBOARDING, Stage.ADOPTING, Stage.AT_RISK, Stage.DORMANT,
                             Stage.ADVOCATE, Stage.CHURNED}  # fmt: skip


def test_salesforce_role_labels_map_to_roles() -> None:
    assert Role.parse("Economic Decision Maker") is Role.ECONOMIC_BUYER
    assert Role.parse("Business User") is Role.USER
    assert Role.parse("Executive Sponsor") is Role.CHAMPION


def test_unknown_label_names_the_vocabulary_and_lists_values() -> None:
    with pytest.raises(UnknownNameError, match=r"role='Janitor' is not one of: economic_buyer"):
        Role.parse("Janitor")


def test_non_string_is_rejected_with_the_value() -> None:
    with pytest.raises(UnknownNameError, match="discipline=42 must be a string"):
        Discipline.parse(42)


def test_seniority_aliases() -> None:
    assert Seniority.parse("Vice President") is Seniority.VP
    assert Seniority.parse("C-Suite") is Seniority.C_LEVEL


def test_normalize_term_folds_punctuation() -> None:
    assert normalize_term("  Feature -- Used! ") == "feature_used"


@pytest.mark.parametrize(
    ("text", "kind"),
    [("New Business", OpportunityKind.NEW), ("New Customer", OpportunityKind.NEW),
     ("newbusiness", OpportunityKind.NEW), ("Renewal", OpportunityKind.RENEWAL),
     ("Existing Customer - Replacement", OpportunityKind.RENEWAL),
     ("Existing Customer - Downgrade", OpportunityKind.RENEWAL),
     ("Existing Customer - Upgrade", OpportunityKind.EXPANSION),
     ("Upsell", OpportunityKind.EXPANSION), ("Cross-sell", OpportunityKind.EXPANSION)],
)  # fmt: skip
def test_opportunity_kinds_parse_salesforce_and_common_labels(
    text: str, kind: OpportunityKind
) -> None:
    assert OpportunityKind.parse(text) is kind


def test_an_unknown_opportunity_kind_lists_the_kinds() -> None:
    with pytest.raises(UnknownNameError, match="opportunity_kind='Lease' is not one of: new"):
        OpportunityKind.parse("Lease")
