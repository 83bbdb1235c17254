"""Every standard trait on the hand-built base, checked against values worked out by hand."""

import math
from datetime import timedelta

import numpy as np
import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError
from customer_understanding.traits import (
    RESOLVED_STATUSES,
    InteractionCount,
    TraitSnapshot,
    evaluate_traits,
    standard_traits,
)

from .conftest import ACCOUNTS, AS_OF

NAN = math.nan
# Per account: soft, fin, cold.
EXPECTED_ACCOUNTS = {
    "interactions_30d": [20, 1, 0],  # fin's ticket exactly 30 days ago is outside the window
    "interactions_90d": [26, 2, 0],
    "marketing_touches_30d": [12, 1, 0],
    "sales_touches_30d": [1, 0, 0],
    "service_touches_30d": [2, 0, 0],
    "product_use_30d": [5, 0, 0],
    "email_touches_30d": [0, 1, 0],
    "meetings_90d": [0, 0, 0],
    "tickets_30d": [2, 0, 0],
    "tickets_90d": [2, 1, 0],
    "web_visits_14d": [12, 0, 0],
    "web_visits_30d": [12, 0, 0],
    "downloads_14d": [0, 0, 0],
    "open_tickets": [1, 0, 0],  # the escalated P1 is open; fin's next P1 comes after AS_OF
    "open_p1_tickets": [1, 0, 0],
    "open_p2_tickets": [0, 0, 0],
    "complaints_30d": [0, 1, 0],
    "satisfaction": [0.8, NAN, NAN],
    "days_since_last_touch": [0, 10, 100],  # soft's login exactly at AS_OF counts
    "days_since_marketing_touch": [1, 10, NAN],
    "days_since_sales_touch": [2, NAN, 100],
    "days_since_ticket": [5, 30, NAN],
    "days_since_product_use": [0, NAN, NAN],  # fin never used the product: missing, not inf
    "active_users_30d": [2, 0, 0],
    "active_users_prev_30d": [3, 0, 0],
    "active_users_change": [2 / 3 - 1, NAN, NAN],
    "seats": [4, NAN, NAN],
    "seat_utilisation": [0.5, NAN, NAN],
    "features_30d": [2, 0, 0],
    "product_use_change": [0.25, NAN, NAN],
    "web_surge_ratio": [12, 0, 0],
    "top_pages_14d": ["/pricing, /docs", None, None],
    "open_deals": [1, 0, 1],  # cold's deal closes three days after AS_OF: still open
    "won_deals": [1, 1, 0],
    "open_deal_amount": [2000, 0, 900],
    "won_deal_amount": [5000, 800, 0],
    "days_since_revenue": [100, 200, NAN],  # cold's deal is won three days after AS_OF
    "renewal_lost": [0, 0, 0],
    "new_senior_contacts_30d": [1, 0, 0],
    # Soft's change to at_risk comes later. Fin won a deal, so it is a customer, and
    # its stage is derived: nobody there ever used the product, tracked for months.
    "lifecycle_stage": ["adopting", "dormant", None],
    "name": ["Soft", "Fin", "Cold"],
    "domain": [None, None, None],
    "industry": ["Software", "Fintech", None],
    "employees": [120, NAN, NAN],
    "annual_revenue": [NAN, NAN, NAN],
    "country": ["DE", "US", None],
    "city": [None, None, None],
    "owner": [None, None, None],
    # consent: contacts who granted it, as of AS_OF (s1's later opt-out does not count yet)
    "marketing_consent": [1, 0, 0],
    "sales_outreach_consent": [0, 0, 0],
    "tracking_consent": [0, 0, 0],
    "references_consent": [0, 1, 0],
}
CONTACT_ONLY = {"title", "department", "seniority"}


def _same(found: np.ndarray, expected: list) -> None:
    if found.dtype.kind == "f":
        np.testing.assert_allclose(found, np.array(expected, dtype=float), equal_nan=True)
    else:
        assert found.tolist() == expected


def test_the_expectations_cover_every_standard_trait() -> None:
    assert set(EXPECTED_ACCOUNTS) | CONTACT_ONLY == set(standard_traits())


@pytest.mark.parametrize("name", sorted(EXPECTED_ACCOUNTS))
def test_standard_account_trait_by_hand(base: cu.CustomerBase, name: str) -> None:
    frame = evaluate_traits(base, [name], as_of=AS_OF)
    assert frame.ids.tolist() == list(ACCOUNTS)
    _same(frame[name], EXPECTED_ACCOUNTS[name])


def test_numbers_are_floats_and_categories_are_text_or_none(base: cu.CustomerBase) -> None:
    frame = evaluate_traits(base, list(EXPECTED_ACCOUNTS), as_of=AS_OF)
    for name in frame.names:
        values = frame[name]
        assert values.dtype in (np.float64, object), name
        assert not values.flags.writeable
        if values.dtype == object:
            assert all(v is None or isinstance(v, str) for v in values), name
        else:
            assert not np.isinf(values).any(), name


def test_contact_level_reads_own_activity_and_the_account_s_facts(base: cu.CustomerBase) -> None:
    frame = evaluate_traits(
        base, ["open_p1_tickets", "days_since_product_use", "seniority", "industry",
               "won_deals", "title"], as_of=AS_OF, level="contact")  # fmt: skip
    table = frame.to_pandas().set_index("contact_id")
    assert table.loc[["s1", "s2", "s3", "f1"], "open_p1_tickets"].tolist() == [1, 0, 0, 0]
    assert table["days_since_product_use"].fillna(-1).tolist() == [0, 12, 45, -1]
    # s1 states none: "Data Engineer" reads as an individual contributor at build.
    assert table["seniority"].fillna("-").tolist() == ["individual", "manager", "vp", "c_level"]
    assert table["industry"].tolist() == ["Software"] * 3 + ["Fintech"]
    assert table["won_deals"].tolist() == [1, 1, 1, 1]


def test_consent_traits_read_the_statement_in_force_at_as_of(base: cu.CustomerBase) -> None:
    names = ["marketing_consent", "references_consent", "tracking_consent"]
    table = evaluate_traits(base, names, as_of=AS_OF, level="contact").to_pandas()
    assert table["marketing_consent"].tolist() == ["granted", "denied", "unknown", "unknown"]
    assert table["references_consent"].tolist() == ["unknown"] * 3 + ["granted"]
    assert set(table["tracking_consent"]) == {"unknown"}  # unknown is not consent
    later = evaluate_traits(base, ["marketing_consent"], as_of=AS_OF + timedelta(days=6),
                            level="contact")  # fmt: skip
    assert later["marketing_consent"].tolist()[0] == "denied"


def test_a_contact_field_has_no_account_value(base: cu.CustomerBase) -> None:
    with pytest.raises(InvalidValueError, match="'seniority' is not a field of accounts"):
        evaluate_traits(base, ["seniority"], as_of=AS_OF)


def test_the_resolved_statuses_are_one_set() -> None:
    assert {"solved", "closed", "resolved", "cancelled"} <= set(RESOLVED_STATUSES)
    assert "escalated" not in RESOLVED_STATUSES


def test_an_event_exactly_at_as_of_counts_and_one_after_does_not(base: cu.CustomerBase) -> None:
    logins = InteractionCount(types=("login",), window_days=1)
    facts = TraitSnapshot(base, as_of=AS_OF)
    assert facts.values(logins).tolist() == [1, 0, 0]
    later = TraitSnapshot(base, as_of="2026-06-02T00:00:00")
    assert later.values("open_p1_tickets").tolist() == [1, 1, 0]


class _Counting:
    description = "counts its own evaluations"

    def __init__(self) -> None:
        self.calls = 0

    def evaluate(self, tables, /, *, as_of, level):  # type: ignore[no-untyped-def]
        self.calls += 1
        return np.arange(len(tables.accounts), dtype=float)


def test_each_distinct_trait_is_computed_once(base: cu.CustomerBase) -> None:
    counting = _Counting()
    frame = evaluate_traits(base, {"a": counting, "b": counting}, as_of=AS_OF)
    assert counting.calls == 1
    assert frame["a"].tolist() == frame["b"].tolist() == [0, 1, 2]
    facts = TraitSnapshot(base, as_of=AS_OF, traits={"mine": counting})
    facts.values("mine")
    facts.values("mine")
    assert counting.calls == 2  # once more: a new snapshot


def test_trait_frame_follows_the_result_contract(base: cu.CustomerBase) -> None:
    frame = evaluate_traits(base, ["open_tickets", "industry"], as_of=AS_OF)
    assert repr(frame) == (
        "TraitFrame: 3 rows, as of 2026-06-01T00:00:00Z, level=account, "
        "traits=open_tickets, industry"
    )
    assert len(frame) == 3
    assert list(frame.to_pandas().columns) == ["account_id", "open_tickets", "industry"]
    assert frame._repr_html_().startswith("<div><strong>TraitFrame: 3 rows")
    copy = frame.to_pandas()
    copy.loc[0, "open_tickets"] = 99
    assert frame["open_tickets"][0] == 1
    with pytest.raises(ValueError, match="read-only"):
        frame["open_tickets"][0] = 5
    with pytest.raises(TypeError):
        frame.values["x"] = frame["open_tickets"]  # type: ignore[index]
    assert frame.descriptions["open_tickets"] == "open tickets"
