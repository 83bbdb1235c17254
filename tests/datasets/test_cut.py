"""Cutting the sample world's exports at a moment, as they would have been exported then."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.datasets import (
    EXPORTS,
    RECORD_EXPORTS,
    GroundTruth,
    SampleWorld,
    generate_world,
)
from customer_understanding.datasets._cut import CUTS, moments

T = "2026-03-01"
T_NS = pd.Timestamp(T, tz="UTC").value


@pytest.fixture(scope="module")
def world():
    return generate_world(accounts=40, interactions=4_000, seed=5, defects=False)


@pytest.fixture(scope="module")
def past(world):
    return world.cut(as_of=T)


def test_every_export_has_a_cut_rule():
    assert set(CUTS) == set(EXPORTS)


def test_rows_made_after_the_moment_are_dropped_unreadable_times_kept(world, past):
    for name, rule in CUTS.items():
        if rule.time is None:
            continue
        when = moments(world.sources[name][rule.time])
        expected = (when == np.iinfo(np.int64).min) | (when <= T_NS)
        assert len(past.sources[name]) == int(expected.sum()), name
        assert list(past.sources[name].columns) == list(EXPORTS[name])
    assert past.end == pd.Timestamp(T, tz="UTC").to_pydatetime()


def test_a_cut_export_keeps_a_row_with_an_unreadable_time():
    world = generate_world(accounts=40, interactions=4_000, seed=5, defects=True)
    broken = world.truth.defects.query("source == 'zendesk.tickets'")
    assert len(broken)
    ids = world.sources["zendesk.tickets"]["id"].iloc[broken["row"].to_numpy()]
    assert ids.isin(world.cut(as_of=T).sources["zendesk.tickets"]["id"]).all()


def test_tickets_carry_the_status_and_rating_of_their_latest_audit_by_then(past):
    tickets, audits = past.sources["zendesk.tickets"], past.sources["zendesk.ticket_audits"]
    assert (moments(audits["created_at"]) <= T_NS).all()
    latest = audits.assign(at=moments(audits["created_at"])).sort_values("at")
    latest = latest.drop_duplicates("ticket_id", keep="last").set_index("ticket_id")
    audited = tickets[tickets["id"].isin(latest.index)]
    assert len(audited) > 10
    then = latest.loc[audited["id"]]
    assert audited["status"].tolist() == then["status"].tolist()
    assert audited["satisfaction_rating"].tolist() == then["satisfaction_rating"].tolist()
    assert (moments(audited["updated_at"]) <= T_NS).all()


def test_the_full_world_tickets_end_as_their_trail_ends(world):
    tickets, audits = world.sources["zendesk.tickets"], world.sources["zendesk.ticket_audits"]
    last = audits.drop_duplicates("ticket_id", keep="last").set_index("ticket_id")
    assert set(tickets["id"]) == set(last.index)
    assert tickets["status"].tolist() == last.loc[tickets["id"], "status"].tolist()
    first = audits.drop_duplicates("ticket_id").set_index("ticket_id")
    assert set(first["status"]) == {"new"}


def test_deals_closing_later_are_open_then_at_a_stage_of_their_history(world, past):
    deals = past.sources["salesforce.Opportunity"]
    later = moments(deals["CloseDate"]) > T_NS
    closed_later = deals["Id"][later].isin(
        world.sources["salesforce.Opportunity"].query("IsClosed")["Id"]
    )
    assert closed_later.any()
    assert not deals.loc[later, "IsClosed"].any()
    assert not deals.loc[later, "IsWon"].any()
    assert not deals.loc[later, "StageName"].isin(("Closed Won", "Closed Lost")).any()
    roles = past.sources["salesforce.OpportunityContactRole"]
    assert roles["OpportunityId"].isin(deals["Id"]).all()


def test_hubspot_lifecycle_stages_go_back_to_the_latest_dated_one(world, past):
    contacts = past.sources["hubspot.contacts"].set_index("hs_object_id")
    dated = contacts["hs_lifecyclestage_customer_date"]
    assert (moments(dated) <= T_NS).all()
    full = world.sources["hubspot.contacts"].set_index("hs_object_id").loc[contacts.index]
    became_later = (full["lifecyclestage"] == "customer") & (
        moments(full["hs_lifecyclestage_customer_date"]) > T_NS
    )
    assert became_later.any()
    assert not (contacts.loc[became_later, "lifecyclestage"] == "customer").any()


def test_truth_records_still_line_up_with_the_cut_exports(past):
    records = past.truth.records
    for name in RECORD_EXPORTS:
        ids = records.loc[records["source"] == name, "source_id"].tolist()
        column = "Id" if name.startswith("salesforce") else (
            "hs_object_id" if name.startswith("hubspot") else "id")  # fmt: skip
        assert ids == past.sources[name][column].tolist(), name


def _hand_made_world() -> SampleWorld:
    """Ann was a lead from 1 March, called on 10 March, converted to a contact on 20 March."""
    sources = {
        "salesforce.Lead": pd.DataFrame({"Id": ["00QA"], "LastName": ["Lee"],
                                         "CreatedDate": ["2026-03-01T09:00:00Z"]}),
        "salesforce.Contact": pd.DataFrame({"Id": ["003A"], "LastName": ["Lee"],
                                            "CreatedDate": ["2026-03-20T09:00:00Z"]}),
        "salesforce.Task": pd.DataFrame({"Id": ["00TA", "00TB"], "WhoId": ["003A", "003A"],
                                         "CreatedDate": ["2026-03-10T09:00:00Z",
                                                         "2026-03-25T09:00:00Z"]}),
    }  # fmt: skip
    empty = pd.DataFrame()
    records = pd.DataFrame({"source": ["salesforce.Lead", "salesforce.Contact"],
                            "source_id": ["00QA", "003A"], "kind": ["person", "person"],
                            "entity_id": ["p1", "p1"]})  # fmt: skip
    truth = GroundTruth(companies=empty, people=empty, records=records, roles=empty,
                        stages=empty, defects=empty)  # fmt: skip
    return SampleWorld(sources=sources, truth=truth, seed=0, start=datetime(2026, 1, 1, tzinfo=UTC),
                       end=datetime(2026, 4, 1, tzinfo=UTC))  # fmt: skip


def test_activities_of_a_lead_converted_later_name_the_lead():
    world = _hand_made_world()
    before = world.cut(as_of="2026-03-15")
    assert before.sources["salesforce.Task"]["WhoId"].tolist() == ["00QA"]
    assert before.sources["salesforce.Contact"].empty
    after = world.cut(as_of="2026-03-31")
    assert after.sources["salesforce.Task"]["WhoId"].tolist() == ["003A", "003A"]


def test_an_export_without_a_cut_rule_is_refused_naming_it():
    world = _hand_made_world()
    sources = {**world.sources, "crm.Invoice": pd.DataFrame({"Id": ["1"]})}
    odd = SampleWorld(sources=sources, truth=world.truth, seed=0, start=world.start,
                      end=world.end)  # fmt: skip
    with pytest.raises(InvalidValueError, match=r"crm\.Invoice"):
        odd.cut(as_of="2026-03-15")


def test_cutting_before_everything_leaves_empty_exports(world):
    empty = world.cut(as_of="2000-01-01")
    assert all(len(frame) == 0 for frame in empty.sources.values())
    assert len(empty.truth.records) == 0


@pytest.mark.parametrize("bad", ["not a date", 3.5j, [2026]])
def test_a_bad_moment_is_refused_naming_it(world, bad):
    with pytest.raises(InvalidValueError, match="as_of"):
        world.cut(as_of=bad)
