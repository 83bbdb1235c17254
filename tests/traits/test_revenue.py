"""Revenue-event traits: days since the last won deal and a lost renewal, at a moment."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

import customer_understanding as cu
from customer_understanding.traits import DaysSinceRevenue, RenewalLost, evaluate_traits

AS_OF = datetime(2026, 6, 1, tzinfo=UTC)


def _deal(account: str, kind: str | None, outcome: str, days: float) -> cu.Opportunity:
    closed = AS_OF - timedelta(days=days)
    return cu.Opportunity(id=f"{account}-{kind}-{outcome}-{days}", account_id=account, kind=kind,
                          outcome=outcome, created_at=closed - timedelta(days=40),
                          closed_at=closed)  # fmt: skip


@pytest.fixture(scope="module")
def base() -> cu.CustomerBase:
    deals = [
        _deal("gone", "new", "won", 500), _deal("gone", "renewal", "lost", 100),
        _deal("back", "new", "won", 500), _deal("back", "renewal", "lost", 100),
        _deal("back", "expansion", "won", 50),
        _deal("upsell", "new", "won", 300), _deal("upsell", "expansion", "lost", 10),
        _deal("untyped", None, "won", 300), _deal("untyped", None, "lost", 10),
        _deal("edge", "new", "won", 400), _deal("edge", "renewal", "lost", 0),
        _deal("late", "new", "won", 30), _deal("late", "renewal", "lost", -1),
    ]  # fmt: skip
    names = ["gone", "back", "upsell", "untyped", "edge", "late", "none"]
    return cu.CustomerBase.from_objects(
        accounts=[cu.Account(id=a, name=a) for a in names], opportunities=deals
    )


def _values(base: cu.CustomerBase, name: str) -> dict[str, float]:
    frame = evaluate_traits(base, [name], as_of=AS_OF)
    return dict(zip(frame.ids, frame[name].tolist(), strict=True))


def test_a_lost_renewal_with_nothing_won_since_is_flagged(base: cu.CustomerBase) -> None:
    lost = _values(base, "renewal_lost")
    assert lost == {"gone": 1.0, "back": 0.0, "upsell": 0.0, "untyped": 0.0, "edge": 1.0,
                    "late": 0.0, "none": 0.0}  # fmt: skip


def test_days_since_revenue_reads_won_deals_by_as_of(base: cu.CustomerBase) -> None:
    days = _values(base, "days_since_revenue")
    assert days["gone"] == 500.0
    assert days["back"] == 50.0
    assert days["untyped"] == 300.0
    assert np.isnan(days["none"])


def test_revenue_traits_have_contact_values_of_their_account() -> None:
    base = cu.CustomerBase.from_objects(
        accounts=[cu.Account(id="a", name="a")],
        contacts=[cu.Contact(id="c", email="c@a.com", account_id="a")],
        opportunities=[_deal("a", "renewal", "lost", 5)],
    )
    assert RenewalLost().evaluate(base.tables, as_of=AS_OF, level="contact").tolist() == [1.0]
    days = DaysSinceRevenue().evaluate(base.tables, as_of=AS_OF, level="contact")
    assert np.isnan(days).all()  # nothing was ever won
