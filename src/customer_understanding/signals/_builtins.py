"""Built-in policies from everyday practice across marketing, sales, service and product."""

from __future__ import annotations

from typing import Any

from customer_understanding.signals._policy import Emit, Policy
from customer_understanding.traits import Condition, any_of

__all__ = ["DEFAULT_POLICIES"]


def _when(trait: str, op: str, value: Any = None) -> Condition:
    return Condition(trait=trait, op=op, value=value)  # type: ignore[arg-type]


# Selling or celebrating while a customer is on fire does harm: these silence it.
_PAUSED_KINDS = frozenset(
    {"nurture", "upsell", "advocate_candidate", "reactivation", "web_surge", "new_senior_contact"}
)
_PAUSE_SIGNALS = (
    Emit(kind="pause_nurture", discipline="marketing", priority=1, expires_in_days=7),
    Emit(kind="pause_upsell", discipline="sales", priority=1, expires_in_days=7),
    Emit(kind="alert_owner", discipline="sales", priority=1, expires_in_days=3),
)
_CUSTOMER = _when("won_deals", ">=", 1)

#: The built-in policies, highest precedence first.
DEFAULT_POLICIES: tuple[Policy, ...] = (
    Policy(
        name="p1_ticket_pause",
        description="an open P1 ticket pauses nurture and upsell and alerts the account owner",
        when=_when("open_p1_tickets", ">=", 1),
        emit=_PAUSE_SIGNALS,
        precedence=100,
        suppresses=_PAUSED_KINDS,
    ),
    Policy(
        name="complaint_pause",
        description="a complaint in 30 days pauses nurture and upsell and alerts the owner",
        when=_when("complaints_30d", ">=", 1),
        emit=_PAUSE_SIGNALS,
        precedence=90,
        suppresses=_PAUSED_KINDS,
    ),
    Policy(
        name="adoption_risk",
        description="few active users per licensed seat alerts customer success",
        when=[_CUSTOMER, _when("seat_utilisation", "<", 0.3)],
        emit=[Emit(kind="adoption_risk", discipline="service", priority=2, expires_in_days=14)],
        precedence=60,
    ),
    Policy(
        name="falling_active_users",
        description="active users down by 30% or more against the month before",
        when=[
            _CUSTOMER,
            _when("active_users_prev_30d", ">=", 3),
            _when("active_users_change", "<=", -0.3),
        ],
        emit=[Emit(kind="adoption_risk", discipline="service", priority=2, expires_in_days=14)],
        precedence=55,
    ),
    Policy(
        name="new_senior_contact_in_open_deal",
        description="a new VP or C-level contact at an account with an open deal",
        when=[_when("open_deals", ">=", 1), _when("new_senior_contacts_30d", ">=", 1)],
        emit=[
            Emit(
                kind="new_senior_contact",
                discipline="sales",
                priority=2,
                to="newest_senior_contact",
            ),
            Emit(
                kind="new_senior_contact",
                discipline="marketing",
                priority=3,
                to="newest_senior_contact",
            ),
        ],
        precedence=40,
    ),
    Policy(
        name="web_surge",
        description="page views at three times the usual rate reach the sales rep",
        when=[_when("web_visits_14d", ">=", 10), _when("web_surge_ratio", ">=", 3)],
        emit=[Emit(kind="web_surge", discipline="sales", priority=2, expires_in_days=7)],
        precedence=30,
        context=("top_pages_14d",),
    ),
    Policy(
        name="content_surge",
        description="several content downloads in 14 days reach the sales rep",
        when=_when("downloads_14d", ">=", 3),
        emit=[Emit(kind="web_surge", discipline="sales", priority=2, expires_in_days=7)],
        precedence=29,
    ),
    Policy(
        name="advocate_candidate",
        description="a happy, broadly adopting customer with no open tickets",
        when=[
            _CUSTOMER,
            _when("open_tickets", "==", 0),
            _when("satisfaction", ">=", 0.8),
            _when("features_30d", ">=", 4),
        ],
        emit=[
            Emit(
                kind="advocate_candidate",
                discipline="marketing",
                priority=3,
                expires_in_days=30,
                to="most_engaged_contact",
                purpose="references",  # a case study names the person
            )
        ],
        precedence=20,
    ),
    Policy(
        name="dormant_customer_reactivation",
        description="a customer nobody has used the product at for 60 days, or ever, "
        "enters reactivation",
        when=[
            _CUSTOMER,
            any_of(
                _when("days_since_product_use", ">=", 60),
                _when("days_since_product_use", "missing"),
            ),
        ],
        emit=[Emit(kind="reactivation", discipline="marketing", priority=3, expires_in_days=30)],
        precedence=10,
    ),
)
