"""A hand-built base with boundary events, shared by the traits tests.

As of 2026-06-01 (``AS_OF``):

- ``soft`` (Software, DE, 120 people): a customer (won 5,000 a hundred days ago) with an
  open 2,000 deal, 4 licensed seats (10 earlier), three people (``s3`` a VP who appeared
  5 days ago), logins of ``s1`` exactly at ``AS_OF`` (it counts) and of ``s2`` 20 days
  ago, both active 30 to 60 days ago too, feature use, a web surge on /pricing and /docs, an
  *escalated* P1 ticket (open), a solved P2 rated 0.9, and a stage history whose change
  after ``AS_OF`` must not count;
- ``fin`` (Fintech, US): a customer that never used the product, with a closed P1
  ticket, a P1 opened one day after ``AS_OF`` (not yet), and a spam report;
- ``cold`` (no industry): one sales call, nothing else.
"""

from datetime import UTC, datetime, timedelta

import pytest

import customer_understanding as cu

AS_OF = datetime(2026, 6, 1, tzinfo=UTC)
ACCOUNTS = ("soft", "fin", "cold")


def ago(days: float) -> datetime:
    return AS_OF - timedelta(days=days)


def _touches() -> list[cu.Interaction]:
    rows = [
        ("soft", "s1", "login", 0, {}), ("soft", "s2", "login", 20, {}),
        ("soft", "s1", "login", 40, {}), ("soft", "s2", "login", 35, {}),
        ("soft", "s3", "login", 45, {}),
        ("soft", "s1", "feature_use", 3, {"subject": "reports"}),
        ("soft", "s1", "feature_use", 10, {"subject": "api"}),
        ("soft", "s2", "feature_use", 12, {"subject": "reports"}),
        ("soft", None, "seat_change", 200, {"quantity": 10.0}),
        ("soft", None, "seat_change", 50, {"quantity": 4.0}),
        ("soft", "s1", "ticket", 5, {"priority": "p1", "status": "escalated"}),
        ("soft", "s2", "ticket", 8, {"priority": "p2", "status": "solved", "satisfaction": 0.9}),
        ("soft", "s2", "csat_response", 100, {"satisfaction": 0.7}),
        ("soft", "s3", "call", 2, {}),
        ("fin", "f1", "ticket", 30, {"priority": "p1", "status": "closed"}),
        ("fin", "f1", "ticket", -1, {"priority": "p1", "status": "open"}),
        ("fin", "f1", "spam_report", 10, {}),
        ("cold", None, "call", 100, {}),
    ]  # fmt: skip
    rows += [("soft", None, "page_view", 1 + n % 10, {"subject": "/pricing" if n < 8 else "/docs"})
             for n in range(12)]  # fmt: skip
    rows += [("soft", None, "page_view", 30 + n, {"subject": "/blog"}) for n in range(2)]
    return [
        cu.Interaction(id=f"i{n}", occurred_at=ago(days), type=kind, account_id=account,
                       contact_id=who, **extra)  # type: ignore[arg-type]
        for n, (account, who, kind, days, extra) in enumerate(rows)
    ]  # fmt: skip


@pytest.fixture(scope="session")
def base() -> cu.CustomerBase:
    return cu.CustomerBase.from_objects(
        accounts=[
            cu.Account(id="soft", name="Soft", industry="Software", country="DE", employees=120),
            cu.Account(id="fin", name="Fin", industry="Fintech", country="US"),
            cu.Account(id="cold", name="Cold"),
        ],
        contacts=[
            cu.Contact(id="s1", account_id="soft", title="Data Engineer", consents=[
                # the opt-out comes after AS_OF: as of AS_OF the grant is in force
                cu.Consent(purpose="marketing", status="granted", updated_at=ago(200)),
                cu.Consent(purpose="marketing", status="denied", updated_at=ago(-5))]),
            cu.Contact(id="s2", account_id="soft", title="Analyst", seniority="manager",
                       consents=[cu.Consent(purpose="marketing", status="denied",
                                            channel="email", updated_at=ago(20))]),
            cu.Contact(id="s3", account_id="soft", title="VP Sales", seniority="vp",
                       created_at=ago(5)),
            cu.Contact(id="f1", account_id="fin", title="CFO", seniority="c_level",
                       created_at=ago(300), consents=[
                           cu.Consent(purpose="case studies", status="granted",
                                      updated_at=ago(30))]),
        ],
        interactions=_touches(),
        opportunities=[
            cu.Opportunity(id="won", account_id="soft", amount=5000.0, outcome="won",
                           created_at=ago(150), closed_at=ago(100)),
            cu.Opportunity(id="new", account_id="soft", amount=2000.0, created_at=ago(10)),
            cu.Opportunity(id="fwon", account_id="fin", amount=800.0, outcome="won",
                           created_at=ago(260), closed_at=ago(200)),
            cu.Opportunity(id="later", account_id="cold", amount=900.0, outcome="won",
                           created_at=ago(20), closed_at=ago(-3)),
        ],
        journeys=[cu.Journey(subject_id="soft", changes=[
            cu.StageChange(stage="onboarding", at=ago(90)),
            cu.StageChange(stage="adopting", at=ago(30)),
            cu.StageChange(stage="at_risk", at=ago(-1)),
        ])],
    )  # fmt: skip
