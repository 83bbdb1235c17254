from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError, UnknownNameError
from customer_understanding.scoring import (
    ActiveSeatShare,
    DaysSince,
    FeatureBreadth,
    Field,
    InteractionCount,
    OpenTickets,
    evaluate_traits,
)

AS_OF = datetime(2026, 5, 1, tzinfo=UTC)


def _at(days):
    return AS_OF - timedelta(days=days)


@pytest.fixture(scope="module")
def base():
    people = [cu.Contact(id=f"p{i}", email=f"p{i}@acme.com", account_id="a1") for i in range(4)]
    touches = [
        ("page_view", "p0", 3, {}), ("page_view", "p0", 20, {}), ("page_view", "p1", -2, {}),
        ("ticket", "p0", 5, {"priority": "p1", "status": "open"}),
        ("ticket", "p1", 6, {"priority": "p1", "status": "solved"}),
        ("ticket", "p2", 7, {"priority": "p3", "status": "open"}),
        ("call", "p1", 12, {}), ("call", "p1", 40, {}),
        ("login", "p0", 2, {}), ("login", "p1", 60, {}),
        ("feature_use", "p2", 10, {"subject": "reports"}),
        ("feature_use", "p0", 11, {"subject": "reports"}),
        ("feature_use", "p0", 12, {"subject": "api"}),
        ("feature_use", "p0", 50, {"subject": "alerts"}),
    ]  # fmt: skip
    return cu.CustomerBase.from_objects(
        accounts=[cu.Account(id="a1", name="Acme", domain="acme.com", employees=80),
                  cu.Account(id="a2", name="Quiet", domain="quiet.io")],
        contacts=people,
        interactions=[cu.Interaction(id=f"i{n}", occurred_at=_at(days), type=kind,
                                     contact_id=who, account_id="a1", **extra)
                      for n, (kind, who, days, extra) in enumerate(touches)],
    )  # fmt: skip


def _values(base, trait, level="account"):
    return evaluate_traits(base, {"t": trait}, as_of=AS_OF, level=level)["t"].tolist()


def test_web_visits_in_the_last_14_days(base):
    assert _values(base, InteractionCount(types=("page_view",), window_days=14)) == [1.0, 0.0]


def test_visits_after_as_of_are_ignored(base):
    assert _values(base, InteractionCount(types=("page_view",))) == [2.0, 0.0]


def test_open_p1_tickets(base):
    assert _values(base, OpenTickets(priorities=("p1",))) == [1.0, 0.0]


def test_days_since_last_sales_touch(base):
    values = _values(base, DaysSince(disciplines=("sales",)))
    assert values[0] == pytest.approx(12.0)
    assert np.isnan(values[1])


def test_share_of_seats_active_in_30_days(base):
    values = _values(base, ActiveSeatShare(window_days=30))
    assert values[0] == pytest.approx(2 / 3)
    assert np.isnan(values[1])


def test_contact_level_counts_per_person(base):
    counts = _values(base, InteractionCount(disciplines=("sales",)), level="contact")
    assert counts == [0.0, 2.0, 0.0, 0.0]


def test_field_trait_reads_account_head_count_for_contacts(base):
    assert _values(base, Field(name="employees"), level="contact")[0] == 80.0


def test_unknown_field_is_refused(base):
    with pytest.raises(UnknownNameError, match="shoe_size"):
        _values(base, Field(name="shoe_size"))


def test_seat_share_is_an_account_trait(base):
    with pytest.raises(InvalidValueError, match="account trait"):
        _values(base, ActiveSeatShare(), level="contact")


def test_window_must_be_positive():
    with pytest.raises(InvalidValueError, match="window_days=0"):
        InteractionCount(window_days=0)


def test_as_of_before_the_data_is_refused(base):
    with pytest.raises(InvalidValueError, match="before the first event"):
        evaluate_traits(base, {"t": InteractionCount()}, as_of="2020-01-01")


def test_unknown_trait_name_lists_known_ones(base):
    frame = evaluate_traits(base, {"visits": InteractionCount()}, as_of=AS_OF)
    with pytest.raises(UnknownNameError, match="visits"):
        frame["calls"]


def test_distinct_features_used_in_30_days(base):
    assert _values(base, FeatureBreadth(window_days=30)) == [2.0, 0.0]
