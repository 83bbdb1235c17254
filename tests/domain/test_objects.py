from datetime import UTC, datetime

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_understanding import (
    Account,
    Consent,
    Contact,
    ContactRole,
    Discipline,
    Interaction,
    InvalidValueError,
    Journey,
    Opportunity,
    Outcome,
    Role,
    SourceRef,
    Stage,
    StageChange,
)


def test_objects_are_frozen_and_keyword_only() -> None:
    account = Account(id="a1", name="Acme")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        account.name = "Other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Account("a1")  # type: ignore[misc]


def test_evolve_validates_again() -> None:
    contact = Contact(id="c1", email="ann@acme.com")
    with pytest.raises(InvalidValueError, match="email='n\\*\\*\\*'"):
        attrs.evolve(contact, email="nope")


def test_contact_normalises_on_construction() -> None:
    contact = Contact(id="c1", email=" Ann@ACME.com ", first_name="  Ann ", phone="(415) 555-0100",
                      created_at="2026-01-01T10:00:00+02:00")  # fmt: skip
    assert contact.email == "ann@acme.com"
    assert contact.first_name == "Ann"
    assert contact.phone == "(415) 555-0100"
    assert contact.phone_normalized == "4155550100"
    assert contact.created_at == datetime(2026, 1, 1, 8, tzinfo=UTC)
    assert contact.email_domain == "acme.com"


def test_blank_strings_become_none() -> None:
    contact = Contact(id="c1", email="  ", title="")
    assert contact.email is None
    assert contact.title is None


def test_latest_consent_wins() -> None:
    contact = Contact(id="c1", consents=[
        Consent(purpose="marketing", status="granted", updated_at="2026-01-01"),
        Consent(purpose="marketing", status="opted out", updated_at="2026-03-01"),
    ])  # fmt: skip
    assert not contact.allows("marketing")
    assert contact.consent("tracking").value == "unknown"


def test_consents_must_be_consent_objects() -> None:
    with pytest.raises(InvalidValueError, match="not a Consent"):
        Contact(id="c1", consents=["granted"])  # type: ignore[list-item]


def test_account_cannot_be_its_own_parent() -> None:
    with pytest.raises(InvalidValueError, match="parent_id='a1' must differ"):
        Account(id="a1", parent_id="a1")


@pytest.mark.parametrize("field", ["employees", "annual_revenue"])
def test_account_sizes_cannot_be_negative(field: str) -> None:
    with pytest.raises(InvalidValueError, match=f"{field}=-5 must be >= 0"):
        Account(id="a1", **{field: -5})


def test_empty_id_is_rejected() -> None:
    with pytest.raises(InvalidValueError, match="id='' must be a non-empty string"):
        Contact(id="")


def test_sources_are_sorted_and_deduplicated() -> None:
    crm, desk = SourceRef(system="crm", id="1"), SourceRef(system="desk", id="9")
    account = Account(id="a1", sources=[desk, crm, desk])
    assert account.sources == (crm, desk)


def test_interaction_defaults_discipline_and_channel_from_well_known_type() -> None:
    touch = Interaction(id="i1", occurred_at="2026-02-01", type="Feature Use")
    assert touch.discipline is Discipline.PRODUCT
    assert touch.channel == "in_app"


def test_unknown_interaction_type_needs_a_discipline() -> None:
    with pytest.raises(InvalidValueError, match="'podcast_listen' is not a well-known"):
        Interaction(id="i1", occurred_at="2026-02-01", type="podcast listen")
    touch = Interaction(id="i1", occurred_at="2026-02-01", type="podcast listen",
                        discipline="marketing")  # fmt: skip
    assert touch.channel == "other"


def test_satisfaction_must_be_a_share() -> None:
    with pytest.raises(InvalidValueError, match="satisfaction=4"):
        Interaction(id="i1", occurred_at="2026-02-01", type="csat_response", satisfaction=4)


def test_opportunity_rules() -> None:
    with pytest.raises(InvalidValueError, match="amount=-1"):
        Opportunity(id="o1", amount=-1)
    with pytest.raises(
        InvalidValueError, match="closed_at='2026-01-01T00:00:00\\+00:00' is before"
    ):
        Opportunity(id="o1", created_at="2026-02-01", closed_at="2026-01-01")
    deal = Opportunity(
        id="o1",
        outcome="Closed Lost",
        contact_roles=[ContactRole(contact_id="c1", role="Decision Maker")],
    )
    assert deal.outcome is Outcome.LOST
    assert deal.contact_roles[0].role is Role.DECISION_MAKER


def test_journey_is_sorted_and_answers_point_in_time() -> None:
    journey = Journey(subject_id="c1", changes=[
        StageChange(stage="opportunity", at="2026-04-01"),
        StageChange(stage="known", at="2026-01-01"),
        StageChange(stage="mql", at="2026-02-01"),
    ])  # fmt: skip
    assert [c.stage for c in journey.changes] == [Stage.KNOWN, Stage.MQL, Stage.OPPORTUNITY]
    assert journey.stage_at(as_of="2026-03-01") is Stage.MQL
    assert journey.stage_at(as_of="2025-12-31") is None
    assert journey.reached("mql") == datetime(2026, 2, 1, tzinfo=UTC)
    assert journey.reached("won") is None
    assert journey.started_at == datetime(2026, 1, 1, tzinfo=UTC)


def test_journey_rejects_non_stage_changes() -> None:
    with pytest.raises(InvalidValueError, match="not a StageChange"):
        Journey(subject_id="c1", changes=["mql"])  # type: ignore[list-item]


@given(
    st.lists(
        st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
        min_size=1,
        max_size=10,
    ),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
)
def test_stage_at_is_the_latest_change_not_after_the_moment(
    moments: list[datetime], probe: datetime
) -> None:
    stages = list(Stage)
    changes = [StageChange(stage=stages[i % len(stages)], at=m) for i, m in enumerate(moments)]
    journey = Journey(subject_id="x", changes=changes)
    earlier = [c for c in journey.changes if c.at <= probe.replace(tzinfo=UTC)]
    expected = earlier[-1].stage if earlier else None
    assert journey.stage_at(as_of=probe) is expected


def test_an_opportunity_kind_is_parsed_or_refused() -> None:
    from customer_understanding import Opportunity, OpportunityKind, UnknownNameError

    assert Opportunity(id="o", kind="Existing Customer - Upgrade").kind is OpportunityKind.EXPANSION
    assert Opportunity(id="o").kind is None
    with pytest.raises(UnknownNameError, match="opportunity_kind='Lease'"):
        Opportunity(id="o", kind="Lease")
