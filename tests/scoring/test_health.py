from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError
from customer_understanding.ingest import Source, load
from customer_understanding.scoring import HealthScorer

AS_OF = datetime(2026, 5, 1, tzinfo=UTC)


def _won(account: str, days: float, *, kind: str = "new", outcome: str = "won") -> cu.Opportunity:
    closed = AS_OF - timedelta(days=days)
    return cu.Opportunity(id=f"{account}-{kind}-{days}", account_id=account, amount=1000.0,
                          outcome=outcome, kind=kind, created_at=closed - timedelta(days=30),
                          closed_at=closed)  # fmt: skip


@pytest.fixture(scope="module")
def base():
    people = [cu.Contact(id=f"{a}{i}", email=f"{i}@{a}.com", account_id=a)
              for a in ("calm", "rough", "maybe") for i in range(2)]  # fmt: skip
    touches = [
        ("calm0", "login", 3, {}), ("calm1", "feature_use", 5, {}), ("calm0", "login", 40, {}),
        ("rough0", "ticket", 4, {"priority": "p1", "status": "open", "satisfaction": 0.1}),
        ("rough1", "ticket", 9, {"priority": "p2", "status": "pending"}),
        ("rough0", "login", 45, {}), ("rough1", "login", 50, {}), ("rough1", "login", 52, {}),
        ("maybe0", "login", 2, {}), ("maybe0", "page_view", 1, {}),
    ]  # fmt: skip
    return cu.CustomerBase.from_objects(
        accounts=[cu.Account(id=a, name=a, domain=f"{a}.com") for a in ("calm", "rough", "maybe")],
        contacts=people,
        interactions=[cu.Interaction(id=f"i{n}", occurred_at=AS_OF - timedelta(days=d),
                                     type=kind, contact_id=who, account_id=who[:-1], **extra)
                      for n, (who, kind, d, extra) in enumerate(touches)],
        opportunities=[_won("calm", 100), _won("rough", 200), _won("maybe", 5, outcome="open")],
    )  # fmt: skip


def test_open_urgent_tickets_and_idle_seats_lower_health(base):
    table = HealthScorer(grades=(60, 40)).score(base, as_of=AS_OF)
    calm, rough = (table.score[table.row_of(a)] for a in ("calm", "rough"))
    assert calm > rough
    assert table.labels()[table.row_of("rough")] == "at_risk"


def test_prospects_get_no_score_grade_or_reasons(base):
    table = HealthScorer().score(base, as_of=AS_OF)
    row = table.row_of("maybe")  # an open deal only: not a customer yet
    assert np.isnan(table.score[row])
    assert table.labels()[row] is None
    assert row not in table.reasons.row


def test_a_deal_won_after_as_of_does_not_make_a_customer(base):
    table = HealthScorer().score(base, as_of=AS_OF - timedelta(days=150))
    assert table.labels()[table.row_of("rough")] is not None
    assert table.labels()[table.row_of("calm")] is None


def test_health_reasons_name_the_tickets(base):
    reasons = HealthScorer().score(base, as_of=AS_OF).top_reasons("rough", n=20)
    p1 = reasons.set_index("signal").loc["open_p1_tickets"]
    assert (p1["value"], p1["contribution"]) == (1.0, -15.0)


def test_health_reasons_add_up_for_customers(base):
    table = HealthScorer().score(base, as_of=AS_OF)
    customers = ~np.isnan(table.score)
    assert np.allclose(table.reasons.total(len(table))[customers], table.score[customers])


def test_satisfaction_is_centred_on_the_customers_mean(base):
    # rough is the only rated customer: as satisfied as the customers, it moves nothing
    reasons = HealthScorer().score(base, as_of=AS_OF).top_reasons("rough", n=20)
    assert "satisfaction" not in set(reasons["signal"])


def test_no_active_users_lowers_health_only_where_product_use_exists():
    account = cu.Account(id="a", name="a", domain="a.com")
    quiet = cu.CustomerBase.from_objects(accounts=[account], opportunities=[_won("a", 10)])
    reasons = HealthScorer().score(quiet, as_of=AS_OF).reasons.to_pandas()
    assert "no_active_users_30d" not in set(reasons["signal"])


def _many(scores_of: dict[str, list[tuple[str, float, dict]]]) -> cu.CustomerBase:
    """Customers ``c0..cN`` each with a won deal 100 days ago and the given touches."""
    ids = list(scores_of)
    touches = [(who, kind, days, extra) for who in ids for kind, days, extra in scores_of[who]]
    return cu.CustomerBase.from_objects(
        accounts=[cu.Account(id=a, name=a, domain=f"{a}.com") for a in ids],
        interactions=[cu.Interaction(id=f"i{n}", occurred_at=AS_OF - timedelta(days=d),
                                     type=kind, account_id=who, **extra)
                      for n, (who, kind, d, extra) in enumerate(touches)],
        opportunities=[_won(a, 100) for a in ids],
    )  # fmt: skip


def test_grades_are_calibrated_on_the_customer_population():
    usual = [("login", 2, {}), ("feature_use", 3, {"subject": "x"})]
    base = _many({f"c{i}": usual for i in range(8)} | {"sick": [
        ("ticket", 1, {"priority": "p1", "status": "open"}),
        ("ticket", 2, {"priority": "p1", "status": "open"})]})  # fmt: skip
    table = HealthScorer().score(base, as_of=AS_OF)
    labels = dict(zip(table.ids, table.labels(), strict=True))
    assert labels.pop("sick") == "at_risk"
    assert set(labels.values()) == {"healthy"}  # the same score as the median customer


def test_a_population_of_equals_is_all_healthy():
    base = _many({f"c{i}": [("login", 2, {})] for i in range(5)})
    assert set(HealthScorer().score(base, as_of=AS_OF).labels()) == {"healthy"}


def test_fixed_grades_grade_on_points():
    base = _many({f"c{i}": [("login", 2, {})] for i in range(5)})
    table = HealthScorer(grades=(500, 400)).score(base, as_of=AS_OF)
    assert set(table.labels()) == {"at_risk"}


def _sf_base(deals: list[tuple[str, str, str, str]]) -> cu.CustomerBase:
    """A Salesforce Account and Opportunity export: (Type, StageName, CreatedDate, CloseDate)."""
    accounts = pd.DataFrame({"Id": ["001A"], "Name": ["Acme"], "Website": ["acme.com"]})
    frame = pd.DataFrame(
        [(f"006{n}", "001A", 9000, kind, stage, created, close)
         for n, (kind, stage, created, close) in enumerate(deals)],
        columns=["Id", "AccountId", "Amount", "Type", "StageName", "CreatedDate", "CloseDate"],
    )  # fmt: skip
    loaded = load(
        [Source(name="salesforce.Account", data=accounts, mapping="salesforce.Account"),
         Source(name="salesforce.Opportunity", data=frame, mapping="salesforce.Opportunity")],
        policy="strict",
    )  # fmt: skip
    return cu.CustomerBase.build(loaded)


def test_a_lost_renewal_flags_the_customer():
    base = _sf_base([("New Business", "Closed Won", "2024-01-01", "2024-03-01"),
                     ("Renewal", "Closed Won", "2025-01-01", "2025-03-01"),
                     ("Renewal", "Closed Lost", "2026-01-01", "2026-03-01")])  # fmt: skip
    table = HealthScorer(grades=(60, 40)).score(base, as_of="2026-04-01")
    account = table.ids[0]
    reasons = table.top_reasons(account, n=20).set_index("signal")
    assert reasons.loc["renewal_lost", "contribution"] == -40.0
    assert table.labels()[0] == "at_risk"
    before = HealthScorer(grades=(60, 40)).score(base, as_of="2026-02-28")
    assert "renewal_lost" not in set(before.top_reasons(account, n=20)["signal"])


def test_a_renewal_won_after_a_lost_one_clears_it():
    base = _sf_base([("New Customer", "Closed Won", "2024-01-01", "2024-03-01"),
                     ("Renewal", "Closed Lost", "2025-01-01", "2025-03-01"),
                     ("Existing Customer - Replacement", "Closed Won", "2025-03-01",
                      "2025-04-01")])  # fmt: skip
    table = HealthScorer().score(base, as_of="2025-06-01")
    assert "renewal_lost" not in set(table.top_reasons(table.ids[0], n=20)["signal"])


def test_a_contract_without_a_renewal_lapses():
    base = _sf_base([("New Business", "Closed Won", "2024-01-01", "2024-03-01")])
    scorer = HealthScorer(lapse_days=425)
    late = scorer.score(base, as_of="2025-06-01").top_reasons(base.accounts.column("id")[0], n=20)
    assert "contract_lapsed" in set(late["signal"])
    early = scorer.score(base, as_of="2025-01-01").top_reasons(base.accounts.column("id")[0], n=20)
    assert "contract_lapsed" not in set(early["signal"])
    off = HealthScorer(lapse_days=None).score(base, as_of="2025-06-01")
    assert "contract_lapsed" not in set(off.reasons_frame()["signal"])


def test_health_refuses_unordered_grades():
    with pytest.raises(InvalidValueError, match="grades"):
        HealthScorer(grades=(10, 70))


@pytest.mark.parametrize("spreads", [(1.0, 0.5), (-1.0, 1.0), (0.5,), "wide", (0.5, np.inf)])
def test_health_refuses_bad_spreads(spreads):
    with pytest.raises(InvalidValueError, match="spreads"):
        HealthScorer(spreads=spreads)


@pytest.mark.parametrize("lapse_days", [0, -5, "year"])
def test_health_refuses_bad_lapse_days(lapse_days):
    with pytest.raises(InvalidValueError, match="lapse_days"):
        HealthScorer(lapse_days=lapse_days)
