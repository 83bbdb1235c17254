from datetime import UTC, datetime, timedelta

import pytest

import customer_understanding as cu
from customer_understanding.testing import sample_base

AS_OF = datetime(2026, 3, 1, tzinfo=UTC)


def _touch(number: int, contact: str, kind: str, days_before: float) -> cu.Interaction:
    return cu.Interaction(
        id=f"i{number}", occurred_at=AS_OF - timedelta(days=days_before), type=kind,
        contact_id=contact,
    )  # fmt: skip


@pytest.fixture(scope="session")
def small_base() -> cu.CustomerBase:
    """Two accounts; Ann engaged, Bob unsubscribed, Cy at the other account did little."""
    return cu.CustomerBase.from_objects(**small_parts())


def small_parts() -> dict[str, list[object]]:
    """The objects of :func:`small_base` (tests add deals or journeys to them)."""
    touches = [
        ("ann", "webinar", 30), ("ann", "demo", 0.5), ("ann", "page_view", 2),
        ("bob", "webinar", 60), ("bob", "unsubscribe", 1), ("cy", "email_open", 3),
        ("ann", "demo", -5),  # after as_of: must never count
    ]  # fmt: skip
    return {
        "accounts": [
            cu.Account(id="a1", name="Acme", domain="acme.com", employees=500),
            cu.Account(id="a2", name="Beta", domain="beta.de", employees=12),
        ],
        "contacts": [
            cu.Contact(id="ann", email="ann@acme.com", account_id="a1", seniority="vp"),
            cu.Contact(id="bob", email="bob@acme.com", account_id="a1", title="Student intern"),
            cu.Contact(id="cy", email="cy@beta.de", account_id="a2"),
        ],
        "interactions": [_touch(n, *t) for n, t in enumerate(touches)],
    }


@pytest.fixture(scope="session")
def world_base() -> cu.CustomerBase:
    return sample_base()
