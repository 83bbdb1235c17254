from datetime import UTC, datetime, timedelta

import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError, NotFoundError, Role, UnknownNameError
from customer_understanding.committee import (
    RoleTemplate,
    buying_committee,
    committee_coverage,
    infer_role,
)

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def _touch(n: int, contact: str, days: float, kind: str = "meeting", deal: str | None = None,
           ) -> cu.Interaction:  # fmt: skip
    return cu.Interaction(id=f"i{n}", occurred_at=_days_ago(days), type=kind, contact_id=contact,
                          opportunity_id=deal)  # fmt: skip


def _base(*, interactions: list[cu.Interaction], extra_contacts: tuple[cu.Contact, ...] = (),
          roles: tuple[cu.ContactRole, ...] = ()) -> cu.CustomerBase:  # fmt: skip
    contacts = [
        cu.Contact(id="cfo", account_id="a1", first_name="Fay", last_name="Ng", title="CFO"),
        cu.Contact(id="ops", account_id="a1", first_name="Oli", last_name="Reed",
                   title="Head of Revenue Operations"),
        cu.Contact(id="eng", account_id="a1", first_name="Eve", last_name="Lam",
                   title="Solutions Architect"),
        cu.Contact(id="ana", account_id="a1", first_name="Ann", last_name="Bo",
                   title="Business Analyst"),
        *extra_contacts,
    ]  # fmt: skip
    deal = cu.Opportunity(id="o1", account_id="a1", created_at=_days_ago(60), contact_roles=roles)
    return cu.CustomerBase.from_objects(accounts=[cu.Account(id="a1", name="Acme")],
                                        contacts=contacts, interactions=interactions,
                                        opportunities=[deal])  # fmt: skip


def _everyone_engaged() -> list[cu.Interaction]:
    return [_touch(n, c, 3, deal="o1") for n, c in enumerate(["cfo", "ops", "eng", "ana"])]


def test_titles_suggest_roles() -> None:
    assert infer_role("VP Finance")[0] is Role.ECONOMIC_BUYER
    assert infer_role("Procurement Manager")[0] is Role.PROCUREMENT
    assert infer_role("Senior Software Engineer")[0] is Role.TECHNICAL_EVALUATOR
    assert infer_role("Chief Information Security Officer")[0] is Role.BLOCKER
    assert infer_role("Gardener") == (None, 0.0)


def test_full_committee_fully_engaged_has_full_coverage_and_no_gaps() -> None:
    committee = buying_committee(_base(interactions=_everyone_engaged()), "a1", as_of=NOW)
    assert committee.coverage == 1.0
    assert committee.gaps == ()
    assert set(committee.members["role"]) == {"economic_buyer", "champion",
                                               "technical_evaluator", "user"}  # fmt: skip


def test_declared_roles_win_over_inferred_ones() -> None:
    declared = (cu.ContactRole(contact_id="ana", role="champion"),)
    committee = buying_committee(_base(interactions=_everyone_engaged(), roles=declared), "a1",
                                 as_of=NOW)  # fmt: skip
    ana = committee.members.set_index("contact_id").loc["ana"]
    assert (ana["role"], ana["role_source"], ana["confidence"]) == ("champion", "declared", 1.0)
    cfo = committee.members.set_index("contact_id").loc["cfo"]
    assert cfo["role_source"] == "inferred"
    assert 0 < cfo["confidence"] < 1


def test_missing_and_idle_roles_are_gaps_with_reasons() -> None:
    touches = [_touch(1, "ops", 2), _touch(2, "eng", 2), _touch(3, "cfo", 45)]
    base = _base(interactions=touches)
    reasons = {g.reason for g in buying_committee(base, "a1", as_of=NOW).gaps}
    assert "no economic buyer engaged in 30 days" in reasons
    assert "no user engaged in 30 days" in reasons
    short = RoleTemplate(required={"economic_buyer": 1, "procurement": 1})
    reasons = {g.reason for g in buying_committee(base, "a1", as_of=NOW, template=short).gaps}
    assert "no procurement in the committee" in reasons


def test_single_threaded_account_is_flagged() -> None:
    touches = [_touch(n, "ops", n + 1, kind="call") for n in range(9)] + [_touch(20, "eng", 5)]
    gaps = buying_committee(_base(interactions=touches), "a1", as_of=NOW).gaps
    single = [g for g in gaps if g.kind == "single_threaded"]
    assert [g.contact_id for g in single] == ["ops"]
    assert single[0].reason == "single-threaded: Oli Reed holds 90% of sales engagement in 90 days"


def test_champion_silent_after_demo() -> None:
    touches = [_touch(1, "ops", 40, kind="demo"), _touch(2, "eng", 40, kind="demo"),
               _touch(3, "cfo", 2), _touch(4, "eng", 1)]  # fmt: skip
    gaps = buying_committee(_base(interactions=touches), "a1", as_of=NOW).gaps
    silent = [g for g in gaps if g.kind == "champion_silent"]
    assert [g.contact_id for g in silent] == ["ops"]
    assert "went silent after the demo on 2026-04-22" in silent[0].reason


def test_new_senior_contact_is_noticed() -> None:
    vp = cu.Contact(id="vp", account_id="a1", first_name="Val", last_name="Po", title="VP Sales",
                    created_at=_days_ago(5))  # fmt: skip
    gaps = buying_committee(_base(interactions=_everyone_engaged(), extra_contacts=(vp,)), "a1",
                            as_of=NOW).gaps  # fmt: skip
    assert [g.reason for g in gaps if g.kind == "new_senior_contact"] == [
        "a new senior contact joined the account: Val Po, VP Sales"
    ]


def test_graph_links_people_who_met_together() -> None:
    committee = buying_committee(_base(interactions=_everyone_engaged()), "a1", as_of=NOW)
    graph = committee.graph
    assert graph.number_of_nodes() == 4
    assert graph.has_edge("cfo", "eng")
    assert graph["cfo"]["eng"]["weight"] == pytest.approx(2 ** (-3 / 30))
    assert graph.nodes["cfo"]["sales"] > 0
    assert committee.members["influence"].sum() == pytest.approx(1.0)


def test_committee_as_of_the_past_ignores_later_data() -> None:
    touches = [*_everyone_engaged(), _touch(9, "cfo", 100)]
    past = buying_committee(_base(interactions=touches), "a1", as_of=_days_ago(50))
    assert past.graph.number_of_edges() == 0
    assert past.members.set_index("contact_id").loc["cfo", "last_touch"] == _days_ago(100)


def test_opportunity_committee_holds_the_people_on_the_deal() -> None:
    touches = [_touch(1, "cfo", 3, deal="o1"), _touch(2, "ana", 3)]
    roles = (cu.ContactRole(contact_id="eng", role="technical evaluator"),)
    committee = buying_committee(_base(interactions=touches, roles=roles), "a1",
                                 opportunity_id="objects:o1", as_of=NOW)  # fmt: skip
    assert sorted(committee.members["contact_id"]) == ["cfo", "eng"]


def test_coverage_report_covers_every_account() -> None:
    report = committee_coverage(_base(interactions=_everyone_engaged()), as_of=NOW)
    frame = report.to_pandas()
    assert frame["account_id"].tolist() == ["a1"]
    assert frame.loc[0, "members"] == 4


def test_bad_input_is_named() -> None:
    base = _base(interactions=_everyone_engaged())
    with pytest.raises(NotFoundError, match="account_id='nope'"):
        buying_committee(base, "nope")
    with pytest.raises(NotFoundError, match="opportunity_id='o9'"):
        buying_committee(base, "a1", opportunity_id="o9")
    with pytest.raises(UnknownNameError, match="role='chief_vibe_officer'"):
        RoleTemplate(required={"chief_vibe_officer": 1})
    with pytest.raises(InvalidValueError, match=r"required\['champion'\]=0"):
        RoleTemplate(required={"champion": 0})
    with pytest.raises(InvalidValueError, match="is before the first event"):
        buying_committee(base, "a1", as_of="2020-01-01")
    with pytest.raises(InvalidValueError, match="half_life_days=0"):
        buying_committee(base, "a1", half_life_days=0)


def test_changes_since_an_earlier_committee() -> None:
    touches = [*_everyone_engaged(), _touch(9, "ana", 70)]
    base = _base(interactions=touches, roles=(cu.ContactRole(contact_id="ana", role="champion"),))
    before = buying_committee(base, "a1", as_of=_days_ago(61))
    after = buying_committee(base, "a1", as_of=NOW)
    changes = after.changes_since(before).set_index("contact_id")
    assert changes.loc["ana", "change"] == "role_changed"
    assert (changes.loc["ana", "role_before"], changes.loc["ana", "role_after"]) == (
        "user",
        "champion",
    )


def test_bulk_and_single_committees_agree() -> None:
    from customer_understanding.committee import committees

    other = cu.Contact(id="guest", account_id="a2", title="CFO")
    touches = [*_everyone_engaged(), _touch(50, "guest", 3, deal="o1")]
    base = cu.CustomerBase.from_objects(
        accounts=[cu.Account(id="a1"), cu.Account(id="a2")],
        contacts=[cu.Contact(id="cfo", account_id="a1", title="CFO"),
                  cu.Contact(id="eng", account_id="a1", title="Solutions Architect"), other],
        interactions=[t for t in touches if t.contact_id in {"cfo", "eng", "guest"}],
    )  # fmt: skip
    bulk = committees(base, as_of=NOW)
    assert set(bulk.edges["account_id"]) == {"a1"}  # the guest from a2 links to nobody in a1
    single = buying_committee(base, "a1", as_of=NOW)
    assert bulk.committee("a1").members["influence"].tolist() == pytest.approx(
        single.members["influence"].tolist()
    )


def test_template_by_deal_size_asks_more_of_large_deals() -> None:
    from customer_understanding.committee import TemplateByDealSize

    small = RoleTemplate(required={"economic_buyer": 1}, name="smb")
    large = RoleTemplate(required={"economic_buyer": 1, "procurement": 1}, name="enterprise")
    by_size = TemplateByDealSize(tiers=[(100_000, large), (0, small)])
    contacts = [cu.Contact(id=f"cfo{n}", account_id=f"a{n}", title="CFO") for n in (1, 2)]
    deals = [
        cu.Opportunity(id="big", account_id="a1", amount=250_000, created_at=_days_ago(9)),
        cu.Opportunity(id="tiny", account_id="a2", amount=5_000, created_at=_days_ago(9)),
    ]
    touches = [_touch(n, f"cfo{n}", 2) for n in (1, 2)]
    base = cu.CustomerBase.from_objects(accounts=[cu.Account(id="a1"), cu.Account(id="a2")],
                                        contacts=contacts, interactions=touches,
                                        opportunities=deals)  # fmt: skip
    report = committee_coverage(base, as_of=NOW, template=by_size).to_pandas()
    assert report.set_index("account_id")["template"].to_dict() == {"a1": "enterprise",
                                                                     "a2": "smb"}  # fmt: skip
    assert report.set_index("account_id")["coverage"].to_dict() == {"a1": 0.5, "a2": 1.0}
    with pytest.raises(InvalidValueError, match="must start at an amount of 0 or less"):
        TemplateByDealSize(tiers=[(10, small)])
