import numpy as np
import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError
from customer_understanding.datasets import generate_world
from customer_understanding.journeys import (
    MarkovRemovalEffect,
    PositionBased,
    TimeDecay,
    Touches,
    deal_journeys,
    influence,
    kpi_tables,
    stage_history,
    stage_journeys,
)
from customer_understanding.tables import NAT

DAY = 86_400 * 10**9


@pytest.fixture(scope="module")
def base():
    world = generate_world(accounts=120, interactions=12_000, seed=5, defects=False)
    return cu.CustomerBase.build(world.as_sources())


def test_every_deal_is_a_journey(base):
    deals = deal_journeys(base, renewals=True)
    assert len(deals.outcomes) == len(base.tables.opportunities)


def test_renewals_have_no_journey_unless_asked_for(base):
    kinds = np.asarray(base.tables.opportunities.labels("kind"), dtype=object)
    assert (kinds == "renewal").any()
    deals = deal_journeys(base)
    assert len(deals.outcomes) == int((kinds != "renewal").sum())
    everything = deal_journeys(base, renewals=True)
    followed = np.flatnonzero(kinds != "renewal")
    assert deals.opportunity_id.tolist() == everything.opportunity_id[followed].tolist()
    # The followed deals keep their touches, numbered by their own journeys.
    assert len(deals.touches) == int(np.isin(everything.touches.journey, followed).sum())
    assert deals.outcomes.converted.tolist() == everything.outcomes.converted[followed].tolist()
    with pytest.raises(InvalidValueError, match="renewals='yes'"):
        deal_journeys(base, renewals="yes")  # type: ignore[arg-type]


def test_touches_come_from_committee_members_of_the_deal(base):
    deals = deal_journeys(base, renewals=True)
    roles = base.tables.contact_roles
    members = set(
        zip(roles.column("opportunity").tolist(), roles.column("contact").tolist(), strict=True)
    )
    contact = base.tables.interactions.column("contact")[deals.interaction]
    pairs = zip(deals.touches.journey.tolist(), contact.tolist(), strict=True)
    assert all(pair in members for pair in pairs)
    assert len(deals.touches) > 0


def test_touches_fall_inside_the_deal_window(base):
    deals = deal_journeys(base, lookback_days=30, renewals=True)
    opportunities = base.tables.opportunities
    created = opportunities.column("created_at")[deals.touches.journey]
    assert np.all(deals.touches.at >= created - 30 * DAY)
    closed = opportunities.column("closed_at")[deals.touches.journey]
    has_close = closed != np.iinfo(np.int64).min
    assert np.all(deals.touches.at[has_close] <= closed[has_close])


def test_a_longer_lookback_finds_more_touches(base):
    assert len(deal_journeys(base, lookback_days=365).touches) > len(
        deal_journeys(base, lookback_days=0).touches
    )


def test_won_revenue_is_fully_attributed(base):
    deals = deal_journeys(base)
    for method in (PositionBased(), MarkovRemovalEffect()):
        result = method.attribute(deals.touches, deals.outcomes)
        won = deals.amount[deals.outcomes.converted].sum()
        assert result.by_channel().sum() + result.unattributed_value == pytest.approx(won)


def test_campaigns_can_be_the_channels(base):
    deals = deal_journeys(base, channel="campaign")
    assert deals.touches.channels[-1] == "(unknown)"  # sales calls carry no campaign


def test_unknown_channel_column_is_rejected(base):
    with pytest.raises(InvalidValueError, match="channel='medium'"):
        deal_journeys(base, channel="medium")  # type: ignore[arg-type]


def test_pipeline_influenced_counts_each_deal_once_per_channel():
    touches = Touches(
        journey=[0, 0, 0, 1], at=[1, 2, 3, 1], channel=[0, 0, 1, 1], channels=("email", "meeting")
    )
    table = influence(touches, np.array([1_000.0, 400.0]))
    assert table.journeys.tolist() == [1, 2]
    assert table.value.tolist() == [1_000.0, 1_400.0]


def test_kpi_tables_share_one_set_of_numbers(base):
    tables = kpi_tables(base)
    kinds = base.tables.opportunities.labels("kind")
    won = (base.tables.opportunities.labels("outcome") == "won") & (kinds != "renewal")
    revenue = np.nan_to_num(base.tables.opportunities.column("amount"))[won].sum()
    for method in tables.attribution.columns:
        credited = tables.attribution[method].sum() + tables.unattributed_revenue
        assert credited == pytest.approx(revenue)
    assert (tables.influenced.revenue <= tables.influenced.pipeline).all()
    assert tables.waterfall.stage.tolist() == ["known", "mql", "sql", "opportunity"]


def test_stage_journeys_convert_when_the_contact_reaches_the_stage(base):
    history = stage_history(base)
    _, outcomes = stage_journeys(base, history, stage="mql")
    assert len(outcomes) == len(base.tables.contacts)
    assert np.array_equal(outcomes.converted, history.first_entry("mql") != NAT)


def test_stage_journeys_touches_are_the_contacts_own(base):
    touches, _ = stage_journeys(base, stage_history(base))
    contact = base.tables.interactions.column("contact")
    assert set(touches.journey.tolist()) <= set(contact[contact >= 0].tolist())


def test_mql_conversions_are_credited_in_full(base):
    touches, outcomes = stage_journeys(base, stage_history(base), stage="mql")
    result = TimeDecay(half_life_days=14).attribute(touches, outcomes)
    total = result.by_channel().sum() + result.unattributed_value
    assert total == pytest.approx(outcomes.converted.sum())
    assert result.excluded_touches > 0  # activity after becoming an MQL does not count


def test_stage_journeys_lookback_keeps_only_recent_touches(base):
    history = stage_history(base)
    everything, _ = stage_journeys(base, history, stage="sql")
    recent, outcomes = stage_journeys(base, history, stage="sql", lookback_days=7)
    assert len(recent) < len(everything)
    converted = outcomes.converted[recent.journey]
    start = outcomes.outcome_times[recent.journey] - 7 * DAY
    assert np.all(recent.at[converted] >= start[converted])


def test_stage_journeys_needs_a_contact_history(base):
    accounts = stage_history(base, level="account")
    with pytest.raises(InvalidValueError, match="contacts"):
        stage_journeys(base, accounts)
