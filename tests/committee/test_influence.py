"""Committee influence from evidence: seniority, declared deal roles and shared occasions."""

import math
from datetime import UTC, datetime, timedelta

import pytest

import customer_understanding as cu
from customer_understanding.committee import buying_committee

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _meeting(n: int, contact: str) -> cu.Interaction:
    return cu.Interaction(id=f"i{n}", occurred_at=NOW - timedelta(days=2), type="meeting",
                          contact_id=contact, opportunity_id="o1")  # fmt: skip


def _committee(contacts: list[cu.Contact], *, roles=(), touches=()) -> dict[str, dict]:
    deal = cu.Opportunity(id="o1", account_id="a1", created_at=NOW - timedelta(days=30),
                          contact_roles=list(roles))  # fmt: skip
    base = cu.CustomerBase.from_objects(
        accounts=[cu.Account(id="a1")], contacts=contacts, opportunities=[deal],
        interactions=list(touches) or [cu.Interaction(id="x", occurred_at=NOW, type="note")],
    )  # fmt: skip
    members = buying_committee(base, "a1", as_of=NOW).members
    return members.set_index("contact_id").to_dict("index")


def _person(contact_id: str, title: str | None = None) -> cu.Contact:
    return cu.Contact(id=contact_id, account_id="a1", title=title)


def test_seniority_ranks_members_and_shares_add_up_to_one() -> None:
    found = _committee([_person("ceo", "CEO"), _person("ana", "Business Analyst")])
    assert found["ceo"]["influence"] > found["ana"]["influence"]
    assert found["ceo"]["influence"] + found["ana"]["influence"] == pytest.approx(1.0)
    assert found["ceo"]["influence_evidence"] == "seniority c_level 0.90"


def test_a_declared_deal_role_counts_as_evidence() -> None:
    roles = [cu.ContactRole(contact_id="ana", role="economic_buyer")]
    found = _committee([_person("dir", "Director of Sales"), _person("ana", "Business Analyst")],
                       roles=roles)  # fmt: skip
    assert found["ana"]["influence"] > found["dir"]["influence"]
    assert "declared economic_buyer 1.00" in found["ana"]["influence_evidence"]


def test_shared_occasions_add_influence() -> None:
    people = [_person("a", "Analyst"), _person("b", "Analyst"), _person("c", "Analyst")]
    found = _committee(people, touches=[_meeting(1, "a"), _meeting(2, "b")])
    assert found["a"]["influence"] == found["b"]["influence"] > found["c"]["influence"]
    assert "links 1.00" in found["a"]["influence_evidence"]


def test_no_evidence_gives_no_influence_rather_than_an_equal_split() -> None:
    found = _committee([_person("x"), _person("y")])
    assert all(math.isnan(member["influence"]) for member in found.values())
    assert all(member["influence_evidence"] is None for member in found.values())
