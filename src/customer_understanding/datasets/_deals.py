"""The deals of the world: new business, expansions and lost renewals, with their timing."""

from __future__ import annotations

import attrs
import numpy as np

from customer_understanding._core import typed_fields
from customer_understanding.datasets._firms import CHURNED, CUSTOMER, PROSPECT, Clock, Firms
from customer_understanding.datasets._text import DAY, Bools, Floats, Ints, Strs, days, floats, pick

__all__ = ["LOST", "OPEN", "SF_STAGES", "WON", "Deals", "missing_buyers", "plan_deals"]

OPEN, WON, LOST = 0, 1, 2

#: Salesforce's default opportunity stages; the first five are open.
SF_STAGES: tuple[str, ...] = (
    "Prospecting", "Qualification", "Needs Analysis", "Proposal", "Negotiation",
    "Closed Won", "Closed Lost",
)  # fmt: skip
_KINDS = ("New Business", "Expansion", "Renewal")

#: Share of accounts with an open or recent deal whose committee lacks an economic buyer.
MISSING_BUYER_SHARE = 0.15


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Deals:
    """Column arrays describing every Salesforce opportunity, oldest first."""

    firm: Ints
    kind: Strs
    created: Ints
    closed: Ints
    outcome: Ints
    reached: Ints
    expected_close: Ints
    amount: Floats
    primary: Bools

    @property
    def size(self) -> int:
        """The number of deals."""
        return len(self.firm)

    @property
    def stage(self) -> Ints:
        """Each deal's current index into :data:`SF_STAGES`."""
        return np.where(self.outcome == OPEN, self.reached, 4 + self.outcome)


def _batch(
    firm: Ints, *, kind: int, created: Ints, closed: Ints, outcome: Ints | int
) -> dict[str, Ints]:
    outcomes = np.full(len(firm), outcome) if isinstance(outcome, int) else outcome
    return {
        "firm": firm,
        "kind": np.full(len(firm), kind),
        "created": created,
        "closed": np.where(outcomes == OPEN, -1, closed),
        "outcome": outcomes,
    }


def _new_business(firms: Firms, rng: np.random.Generator, *, clock: Clock) -> list[dict[str, Ints]]:
    """Won deals for every customer, past or present; open and lost ones for some prospects."""
    won = np.flatnonzero(firms.status != PROSPECT)
    won_at = firms.won_at[won]
    lead = days(rng, low=30, high=150, count=len(won))
    batches = [_batch(won, kind=0, created=won_at - lead, closed=won_at, outcome=WON)]
    prospects = np.flatnonzero(firms.status == PROSPECT)
    draw = rng.random(len(prospects))
    opened = prospects[draw < 0.18]
    created = clock.end - days(rng, low=7, high=160, count=len(opened))
    batches.append(_batch(opened, kind=0, created=created, closed=created, outcome=OPEN))
    lost = prospects[(draw >= 0.18) & (draw < 0.33)]
    closed = clock.end - days(rng, low=3, high=clock.span / DAY + 240, count=len(lost))
    lead = days(rng, low=25, high=150, count=len(lost))
    batches.append(_batch(lost, kind=0, created=closed - lead, closed=closed, outcome=LOST))
    return batches


def _follow_ups(firms: Firms, rng: np.random.Generator, *, clock: Clock) -> list[dict[str, Ints]]:
    """Expansions for a third of settled customers; a lost renewal for every churned one."""
    settled = (firms.status == CUSTOMER) & (firms.health > 0)
    grow = np.flatnonzero(settled & (rng.random(firms.size) < 0.35))
    created = clock.end - days(rng, low=5, high=180, count=len(grow))
    outcome = rng.choice(3, size=len(grow), p=(0.60, 0.28, 0.12))
    length = days(rng, low=20, high=120, count=len(grow))
    closed = np.minimum(created + length, clock.end - days(rng, low=0, high=2, count=len(grow)))
    churned = np.flatnonzero(firms.status == CHURNED)
    churn_at = firms.churn_at[churned]
    lead = days(rng, low=30, high=90, count=len(churned))
    return [
        _batch(grow, kind=1, created=created, closed=closed, outcome=outcome),
        _batch(churned, kind=2, created=churn_at - lead, closed=churn_at, outcome=LOST),
    ]


def _amounts(firms: Firms, rng: np.random.Generator, *, firm: Ints, kind: Ints) -> Floats:
    size = np.log(firms.employees[firm].astype(np.float64))
    amount = np.exp(rng.normal(np.log(6_000) + 0.45 * size, 0.5))
    amount *= np.where(kind == 1, 0.4, 1.0)
    return floats(np.maximum(np.round(amount, -2), 1_000.0))


def plan_deals(firms: Firms, rng: np.random.Generator, *, clock: Clock) -> Deals:
    """Draw every company's deals: won deals for customers, open and lost ones for prospects."""
    batches = [*_new_business(firms, rng, clock=clock), *_follow_ups(firms, rng, clock=clock)]
    data = {key: np.concatenate([batch[key] for batch in batches]) for key in batches[0]}
    order = np.argsort(data["created"], kind="stable")
    data = {key: values[order] for key, values in data.items()}
    count, created, outcome = len(order), data["created"], data["outcome"]
    age_stage = (clock.end - created) / (35 * DAY) + 1.5 * rng.random(count)
    reached = np.where(outcome == WON, 4, rng.integers(0, 5, count))
    reached = np.where(outcome == OPEN, np.minimum(age_stage.astype(np.int64), 4), reached)
    expected = created + days(rng, low=45, high=150, count=count)
    expected = np.where(
        expected <= clock.end, clock.end + days(rng, low=7, high=90, count=count), expected
    )
    return Deals(
        firm=data["firm"],
        kind=pick(_KINDS, data["kind"]),
        created=created,
        closed=data["closed"],
        outcome=outcome,
        reached=reached,
        expected_close=np.where(outcome == OPEN, expected, data["closed"]),
        amount=_amounts(firms, rng, firm=data["firm"], kind=data["kind"]),
        primary=data["kind"] == 0,
    )


def busy_firms(deals: Deals, *, clock: Clock, count: int) -> Bools:
    """Which companies have an open deal or one closed inside the window."""
    busy = np.zeros(count, dtype=np.bool_)
    recent = (deals.outcome == OPEN) | (deals.closed >= clock.start)
    busy[deals.firm[recent]] = True
    return busy


def missing_buyers(busy: Bools, rng: np.random.Generator) -> Bools:
    """Pick the companies with recent deals whose buying committee has no economic buyer."""
    candidates = np.flatnonzero(busy)
    chosen = rng.choice(
        candidates, size=round(MISSING_BUYER_SHARE * len(candidates)), replace=False
    )
    missing = np.zeros(len(busy), dtype=np.bool_)
    missing[chosen] = True
    return missing
