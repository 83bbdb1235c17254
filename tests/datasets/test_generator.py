"""Tests for the sample-world generator."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime

import pandas as pd
import pytest

from customer_understanding import InvalidValueError, Role, Seniority, Stage
from customer_understanding.datasets import (
    EXPORTS,
    INTERACTION_EXPORTS,
    RECORD_EXPORTS,
    SampleWorld,
    generate_world,
)
from customer_understanding.domain import normalize_email

ID_COLUMN = {"salesforce": "Id", "hubspot": "hs_object_id", "zendesk": "id"}
DEFECT_EXPORTS = {
    "salesforce.Contact",
    "salesforce.Lead",
    "salesforce.Opportunity",
    "hubspot.contacts",
    "zendesk.tickets",
    "product.events",
}
NICKNAME_PAIRS = {("Robert", "Bob"), ("William", "Bill"), ("Katherine", "Kate")}


@pytest.fixture(scope="module")
def world() -> SampleWorld:
    return generate_world(accounts=300, interactions=30_000, seed=11)


@pytest.fixture(scope="module")
def clean() -> SampleWorld:
    return generate_world(accounts=300, interactions=30_000, seed=11, defects=False)


def id_column(source: str) -> str:
    return ID_COLUMN[source.split(".", 1)[0]]


def records_of(world: SampleWorld, source: str) -> pd.DataFrame:
    records = world.truth.records
    return records[records["source"] == source].reset_index(drop=True)


def test_same_seed_gives_identical_world() -> None:
    first = generate_world(accounts=40, interactions=4_000, seed=5)
    second = generate_world(accounts=40, interactions=4_000, seed=5)
    assert list(first.sources) == list(second.sources)
    for name, frame in first.sources.items():
        pd.testing.assert_frame_equal(frame, second.sources[name])
    for field in ("companies", "people", "records", "roles", "stages", "defects"):
        pd.testing.assert_frame_equal(getattr(first.truth, field), getattr(second.truth, field))


def test_different_seeds_give_different_worlds() -> None:
    first = generate_world(accounts=40, interactions=4_000, seed=1)
    second = generate_world(accounts=40, interactions=4_000, seed=2)
    assert not first.truth.people.equals(second.truth.people)
    assert not first.sources["web.visits"].equals(second.sources["web.visits"])


def test_seed_none_is_recorded_and_reproducible() -> None:
    drawn = generate_world(accounts=10, interactions=500, seed=None)
    again = generate_world(accounts=10, interactions=500, seed=drawn.seed)
    pd.testing.assert_frame_equal(drawn.truth.people, again.truth.people)


def test_every_export_has_exactly_its_columns(world: SampleWorld) -> None:
    assert list(world.sources) == list(EXPORTS)
    for name, columns in EXPORTS.items():
        assert tuple(world.sources[name].columns) == columns, name


def test_records_cover_every_record_row_once(world: SampleWorld) -> None:
    people = set(world.truth.people["person_id"])
    companies = set(world.truth.companies["company_id"])
    for source in RECORD_EXPORTS:
        frame, records = world.sources[source], records_of(world, source)
        assert records["source_id"].tolist() == frame[id_column(source)].tolist(), source
        known = companies if records["kind"].eq("company").all() else people
        assert len(set(records["kind"])) == 1
        assert set(records["entity_id"]) <= known, source
    users = set(world.sources["product.events"]["user_id"])
    assert set(records_of(world, "product.events")["source_id"]) == users
    assert set(world.truth.records["source"]) == {*RECORD_EXPORTS, "product.events"}


def test_interactions_add_up_to_the_request(world: SampleWorld) -> None:
    summary = world.summary()
    total = summary.loc[summary["kind"] == "interactions", "rows"].sum()
    assert abs(total - 30_000) <= 0.05 * 30_000
    assert set(summary.loc[summary["kind"] == "interactions", "source"]) == set(INTERACTION_EXPORTS)


def test_interaction_mix_follows_the_shares(world: SampleWorld) -> None:
    sizes = {name: len(world.sources[name]) for name in INTERACTION_EXPORTS}
    assert sizes["hubspot.marketing_events"] == pytest.approx(0.45 * 30_000, rel=0.05)
    assert sizes["product.events"] == pytest.approx(0.25 * 30_000, rel=0.05)
    assert sizes["zendesk.tickets"] == pytest.approx(0.02 * 30_000, rel=0.05)


def test_people_appear_in_several_systems(world: SampleWorld) -> None:
    records = world.truth.records
    people = records[records["kind"] == "person"]
    systems = people["source"].str.split(".").str[0].groupby(people["entity_id"]).nunique()
    assert (systems >= 3).sum() >= 50
    assert (systems == 1).any()


def test_leads_duplicate_some_contacts(world: SampleWorld) -> None:
    contacts = set(records_of(world, "salesforce.Contact")["entity_id"])
    leads = set(records_of(world, "salesforce.Lead")["entity_id"])
    assert contacts & leads
    assert leads - contacts


def first_names_against_truth(world: SampleWorld) -> pd.DataFrame:
    truth = world.truth.people.set_index("person_id")["first_name"]
    frames = []
    for source, column in (
        ("salesforce.Contact", "FirstName"),
        ("salesforce.Lead", "FirstName"),
        ("hubspot.contacts", "firstname"),
    ):
        entity = records_of(world, source)["entity_id"]
        frames.append(
            pd.DataFrame(
                {
                    "seen": world.sources[source][column].to_numpy(),
                    "true": truth.loc[entity].to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True).dropna()


def test_nicknames_initials_and_typos_occur(world: SampleWorld) -> None:
    names = first_names_against_truth(world)
    pairs = set(zip(names["true"], names["seen"], strict=True))
    assert pairs & NICKNAME_PAIRS
    assert names["seen"].str.fullmatch(r"[A-Z]\.").any()
    assert (names["seen"] == names["true"]).mean() > 0.8


def is_typo(seen: str, true: str) -> bool:
    """Whether ``seen`` is ``true`` with two neighbours swapped or one letter dropped or doubled."""
    if len(seen) == len(true):
        wrong = [i for i, (a, b) in enumerate(zip(seen, true, strict=True)) if a != b]
        return len(wrong) == 2 and wrong[1] == wrong[0] + 1 and seen[wrong[0]] == true[wrong[1]]
    shorter, longer = sorted((seen, true), key=len)
    return len(longer) == len(shorter) + 1 and any(
        longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer))
    )


def test_last_names_have_typos(world: SampleWorld) -> None:
    truth = world.truth.people.set_index("person_id")["last_name"]
    contacts = world.sources["salesforce.Contact"]["LastName"].to_numpy()
    true = truth.loc[records_of(world, "salesforce.Contact")["entity_id"]].to_numpy()
    typos = [is_typo(seen, real) for seen, real in zip(contacts, true, strict=True) if seen != real]
    assert typos
    assert all(typos)


def test_emails_vary_between_systems(world: SampleWorld) -> None:
    emails = pd.concat(
        [
            world.sources["salesforce.Lead"]["Email"],
            world.sources["hubspot.contacts"]["email"],
        ]
    ).dropna()
    assert emails.str.contains(r"@(?:gmail|outlook|yahoo)\.com$").any()
    shouted = emails[emails != emails.str.strip()]
    assert (shouted == shouted.str.upper()).any()


def test_company_names_and_websites_vary(world: SampleWorld) -> None:
    names = world.sources["salesforce.Account"]["Name"]
    assert names.str.contains(r", [A-Z.]+\.$").any() or names.str.isupper().any()
    websites = world.sources["salesforce.Account"]["Website"].dropna()
    assert websites.str.startswith("https://www.").any()
    assert (~websites.str.contains("/")).any()
    phones = world.sources["salesforce.Contact"]["Phone"].dropna()
    assert phones.str.startswith("+").any()
    assert phones.str.startswith(("(", "00")).any()


def missing_buyer_share(world: SampleWorld) -> float:
    deals = world.sources["salesforce.Opportunity"]
    owner = records_of(world, "salesforce.Account").set_index("source_id")["entity_id"]
    closed = pd.to_datetime(deals["CloseDate"], utc=True)
    recent = deals[~deals["IsClosed"] | (closed >= pd.Timestamp(world.start))]
    accounts = set(recent["AccountId"].map(owner))
    people = world.truth.people
    buyers = set(people.loc[people["role"] == "economic_buyer", "company_id"])
    return len(accounts - buyers) / len(accounts)


def test_about_fifteen_percent_of_deal_accounts_lack_an_economic_buyer(clean: SampleWorld) -> None:
    assert 0.10 <= missing_buyer_share(clean) <= 0.20


def test_committees_are_truthful(clean: SampleWorld) -> None:
    people = clean.truth.people
    roles = clean.truth.roles
    assert set(roles["role"]) <= {role.value for role in Role}
    assert set(people["role"].dropna()) <= {role.value for role in Role}
    assert set(people["seniority"]) <= {level.value for level in Seniority}
    deals = clean.sources["salesforce.Opportunity"]
    without = deals[~deals["Id"].isin(roles["opportunity_id"])]
    assert set(roles["opportunity_id"]) <= set(deals["Id"])
    assert (without["Type"] == "Renewal").all()  # yearly renewals name no committee
    buyers = people[people["role"] == "economic_buyer"]
    assert buyers["seniority"].isin(["c_level", "vp"]).all()


def test_stages_match_the_companies(world: SampleWorld) -> None:
    stages = world.truth.stages
    assert set(stages["stage"]) <= {stage.value for stage in Stage}
    accounts = stages[stages["subject_kind"] == "account"].sort_values("at", kind="stable")
    latest = accounts.groupby("subject_id")["stage"].last()
    companies = world.truth.companies.set_index("company_id")
    assert (companies["stage"] == latest.reindex(companies.index)).all()
    assert companies.loc[companies["churned"], "stage"].eq("churned").all()
    customers = companies.loc[companies["is_customer"], "stage"]
    assert customers.map(lambda value: Stage(value).is_customer_side).all()
    assert stages["at"].max() <= pd.Timestamp(world.end)


def test_engagement_follows_the_lifecycle(clean: SampleWorld) -> None:
    stages = clean.truth.stages
    contacts = stages[stages["subject_kind"] == "contact"].sort_values("at", kind="stable")
    stage = contacts.groupby("subject_id")["stage"].last()
    contacts_frame = clean.sources["hubspot.contacts"]
    owner = dict(
        zip(
            contacts_frame["email"], records_of(clean, "hubspot.contacts")["entity_id"], strict=True
        )
    )
    events = clean.sources["hubspot.marketing_events"]["recipient"].map(owner).value_counts()
    per_person = events.reindex(stage.index, fill_value=0).groupby(stage).mean()
    assert per_person["mql"] > 3 * per_person["known"]


def test_at_risk_customers_file_more_urgent_tickets(clean: SampleWorld) -> None:
    tickets = clean.sources["zendesk.tickets"]
    requester = records_of(clean, "zendesk.users").set_index("source_id")["entity_id"]
    people = clean.truth.people.set_index("person_id")["company_id"]
    health = clean.truth.companies.set_index("company_id")["stage"]
    stage = tickets["requester_id"].map(requester).map(people).map(health)
    urgent = tickets["priority"].isin(["urgent", "high"]).groupby(stage == "at_risk").mean()
    assert urgent[True] > urgent[False] + 0.1


def test_defects_are_recorded_cell_by_cell(world: SampleWorld) -> None:
    defects = world.truth.defects
    assert 0 < len(defects) <= 200
    assert set(defects["source"]) == DEFECT_EXPORTS
    assert (defects.groupby("source").size() >= 3).all()
    for source, row, column, value, kind in defects.itertuples(index=False):
        frame = world.sources[source]
        assert frame[column].iloc[row] == value
        if kind == "duplicate_id":
            assert (frame[column].iloc[:row] == value).any()
    kinds = set(defects["kind"])
    assert kinds == {"duplicate_id", "invalid_email", "unparsable_date", "non_numeric_amount"}


DATE_COLUMNS = {
    "salesforce.Contact": "CreatedDate",
    "salesforce.Lead": "CreatedDate",
    "salesforce.Opportunity": "CloseDate",
    "hubspot.contacts": "createdate",
    "zendesk.tickets": "created_at",
    "product.events": "timestamp",
}


def test_without_defects_every_cell_is_clean(clean: SampleWorld) -> None:
    assert clean.truth.defects.empty
    assert list(clean.truth.defects.columns) == ["source", "row", "column", "value", "kind"]
    for source in DEFECT_EXPORTS:
        frame = clean.sources[source]
        key = "event_id" if source == "product.events" else id_column(source)
        assert frame[key].is_unique, source
        pd.to_datetime(frame[DATE_COLUMNS[source]], utc=True, format="ISO8601")
    for source, column in (
        ("salesforce.Contact", "Email"),
        ("salesforce.Lead", "Email"),
        ("hubspot.contacts", "email"),
        ("product.events", "email"),
    ):
        for email in clean.sources[source][column].dropna():
            normalize_email(email)
    pd.to_numeric(clean.sources["salesforce.Opportunity"]["Amount"])


def test_clean_world_loads_through_the_presets() -> None:
    from customer_understanding.ingest import load

    world = generate_world(accounts=30, interactions=3_000, seed=4, defects=False)
    loaded = load(world.as_sources())
    assert loaded.report.rejected == 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"accounts": 0}, "accounts=0 must be >= 1"),
        ({"interactions": -1}, "interactions=-1 must be >= 0"),
        ({"months": 0}, "months=0 must be >= 1"),
        ({"accounts": "300"}, "accounts='300' must be an integer"),
        ({"seed": -3}, "seed=-3 must be >= 0"),
        ({"end": "2026-10-31"}, "end='2026-10-31' must be a datetime"),
    ],
)
def test_bad_arguments_are_named(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidValueError, match=re.escape(message)):
        generate_world(**arguments)  # type: ignore[arg-type]


def test_tiny_worlds_work() -> None:
    world = generate_world(accounts=1, interactions=0, months=1)
    assert len(world.truth.companies) == 1
    assert world.summary()["rows"].ge(0).all()
    single = generate_world(accounts=3, interactions=50, months=1, seed=9)
    assert sum(len(single.sources[name]) for name in INTERACTION_EXPORTS) == 50


def test_window_follows_end_and_months() -> None:
    end = datetime(2025, 6, 30, tzinfo=UTC)
    world = generate_world(accounts=20, interactions=1_000, end=end, months=6)
    assert world.end == end
    assert (end - world.start).days in range(180, 185)
    stamps = pd.to_datetime(world.sources["web.visits"]["timestamp"], utc=True)
    assert stamps.min() >= pd.Timestamp(world.start)
    assert stamps.max() <= pd.Timestamp(end)


def test_importing_the_library_leaves_the_generator_unloaded() -> None:
    code = (
        "import sys, customer_understanding; "
        "print('customer_understanding.datasets' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_consent_logs_conflict_across_systems_and_the_truth_lists_every_statement() -> None:
    world = generate_world(accounts=40, interactions=2_000, seed=3)
    truth = world.truth.consents
    sources = world.sources
    assert len(truth) == len(sources["salesforce.ContactPointTypeConsent"]) + len(
        sources["hubspot.subscriptions"])  # fmt: skip
    assert set(truth["purpose"]) == {"marketing", "sales_outreach", "tracking", "references"}
    marketing = truth[(truth["purpose"] == "marketing") & (truth["status"] != "unknown")]
    answers = marketing.groupby("person_id").agg(systems=("source", "nunique"),
                                                 answers=("status", "nunique"))  # fmt: skip
    assert ((answers["systems"] == 2) & (answers["answers"] == 2)).any()


def test_consent_logs_are_reproducible_and_come_last() -> None:
    world = generate_world(accounts=15, interactions=1_500, seed=5)
    again = generate_world(accounts=15, interactions=1_500, seed=5)
    pd.testing.assert_frame_equal(world.truth.consents, again.truth.consents)
    assert list(world.sources)[-2:] == ["salesforce.ContactPointTypeConsent",
                                        "hubspot.subscriptions"]  # fmt: skip


def test_customers_renew_every_year_and_churned_ones_lose_their_last_renewal(
    clean: SampleWorld,
) -> None:
    deals, companies = clean.truth.deals, clean.truth.companies.set_index("company_id")
    end = pd.Timestamp(clean.end)
    assert set(deals["kind"]) == {"new", "renewal", "expansion"}
    decided = deals[deals["outcome"] != "open"].sort_values("closed_at")
    last = decided[decided["kind"] == "renewal"].groupby("company_id").last()
    churned = companies.index[companies["churned"]]
    assert (last.loc[last.index.intersection(churned), "outcome"] == "lost").all()
    staying = companies.index[companies["is_customer"]]
    won = deals[(deals["outcome"] == "won") & deals["company_id"].isin(staying)]
    since = (end - won.groupby("company_id")["closed_at"].max()).dt.days
    assert since.max() <= 365  # a customer still paying has a won deal within a year
    assert (won.groupby("company_id").size() > 1).mean() > 0.5


def test_deal_exports_carry_their_kind(clean: SampleWorld) -> None:
    deals = clean.sources["salesforce.Opportunity"]
    assert set(deals["Type"]) == {"New Business", "Renewal", "Expansion"}
    assert set(deals["Id"]) == set(clean.truth.deals["opportunity_id"])
    hubspot = clean.sources["hubspot.deals"]
    assert set(hubspot["dealtype"]) <= {"newbusiness", "existingbusiness"}
    prospects = clean.truth.companies.loc[
        ~clean.truth.companies["is_customer"] & ~clean.truth.companies["churned"], "company_id"
    ]
    won = deals.loc[deals["IsWon"], "AccountId"]
    owner = dict(zip(clean.truth.records["source_id"], clean.truth.records["entity_id"],
                     strict=False))  # fmt: skip
    assert not set(won.map(owner)) & set(prospects)


def test_renewals_are_appended_after_the_drawn_deals() -> None:
    world = generate_world(accounts=40, interactions=2_000, seed=5, defects=False)
    deals = world.sources["salesforce.Opportunity"]
    appended = deals[~deals["Id"].isin(world.truth.roles["opportunity_id"])]
    assert (appended["Type"] == "Renewal").all()
    assert (
        appended.index.min()
        > deals.index[deals["Id"].isin(world.truth.roles["opportunity_id"])].max()
    )
