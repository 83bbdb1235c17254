from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError
from customer_understanding.scoring import HealthScorer

AS_OF = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def base():
    people = [cu.Contact(id=f"{a}{i}", email=f"{i}@{a}.com", account_id=a)
              for a in ("calm", "rough") for i in range(2)]  # fmt: skip
    touches = [
        ("calm0", "login", 3, {}), ("calm1", "feature_use", 5, {}), ("calm0", "login", 40, {}),
        ("rough0", "ticket", 4, {"priority": "p1", "status": "open", "satisfaction": 0.1}),
        ("rough1", "ticket", 9, {"priority": "p2", "status": "pending"}),
        ("rough0", "login", 45, {}), ("rough1", "login", 50, {}), ("rough1", "login", 52, {}),
    ]  # fmt: skip
    return cu.CustomerBase.from_objects(
        accounts=[cu.Account(id=a, name=a, domain=f"{a}.com") for a in ("calm", "rough")],
        contacts=people,
        interactions=[cu.Interaction(id=f"i{n}", occurred_at=AS_OF - timedelta(days=d),
                                     type=kind, contact_id=who, account_id=who[:-1], **extra)
                      for n, (who, kind, d, extra) in enumerate(touches)],
    )  # fmt: skip


def test_open_urgent_tickets_and_idle_seats_lower_health(base):
    table = HealthScorer().score(base, as_of=AS_OF)
    calm, rough = (table.score[table.row_of(a)] for a in ("calm", "rough"))
    assert calm > rough
    assert table.labels()[table.row_of("rough")] == "at_risk"


def test_health_reasons_name_the_tickets(base):
    reasons = HealthScorer().score(base, as_of=AS_OF).top_reasons("rough", n=10)
    p1 = reasons.set_index("signal").loc["open_p1_tickets"]
    assert (p1["value"], p1["contribution"]) == (1.0, -15.0)


def test_health_reasons_add_up(base):
    table = HealthScorer().score(base, as_of=AS_OF)
    assert np.allclose(table.reasons.total(len(table)), table.score)


def test_health_refuses_unordered_grades():
    with pytest.raises(InvalidValueError, match="grades"):
        HealthScorer(grades=(10, 70))
