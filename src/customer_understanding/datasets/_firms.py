"""The companies of the world: names, domains, firmographics, hierarchy and customer status."""

from __future__ import annotations

from datetime import datetime

import attrs
import numpy as np

from customer_understanding._core import typed_fields
from customer_understanding.datasets._lexicon import (
    CITIES,
    COMPANY_HEADS,
    COMPANY_TAILS,
    COUNTRIES,
    REPS,
)
from customer_understanding.datasets._text import DAY, Bools, Ints, Strs, bools, ints, objects, pick

__all__ = ["CHURNED", "CUSTOMER", "HEALTH", "PROSPECT", "Clock", "Firms", "make_firms"]

PROSPECT, CUSTOMER, CHURNED = 0, 1, 2

#: Customer health states, in the order of their codes in :attr:`Firms.health`.
HEALTH: tuple[str, ...] = ("onboarding", "adopting", "at_risk", "dormant", "advocate")
_HEALTH_SHARE = (0.10, 0.45, 0.15, 0.12, 0.18)
_STATUS_SHARE = (0.65, 0.30, 0.05)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Clock:
    """The window interactions cover, in epoch seconds."""

    start: int
    end: int

    @classmethod
    def ending(cls, end: datetime, *, months: int) -> Clock:
        """The window of ``months`` average months up to ``end``."""
        stop = int(end.timestamp())
        return cls(start=stop - round(months * 30.436875 * DAY), end=stop)

    @property
    def span(self) -> int:
        """The window's length in seconds."""
        return self.end - self.start


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Firms:
    """Column arrays describing every company, indexed by company position."""

    ids: Strs
    base: Strs
    suffix: Strs
    domain: Strs
    industry: Strs
    employees: Ints
    country: Strs
    country_code: Strs
    city: Strs
    area: Strs
    dial: Strs
    parent: Ints
    status: Ints
    health: Ints
    won_at: Ints
    churn_at: Ints
    owner: Ints

    @property
    def size(self) -> int:
        """The number of companies."""
        return len(self.ids)

    @property
    def name(self) -> Strs:
        """The legal name: base name and legal suffix."""
        return objects([f"{b} {s}" for b, s in zip(self.base, self.suffix, strict=True)])

    @property
    def ever_customer(self) -> Bools:
        """Whether the company is or was a customer."""
        return bools(self.status != PROSPECT)


def _names(count: int, rng: np.random.Generator) -> tuple[Strs, Strs]:
    heads, tails = len(COMPANY_HEADS), len(COMPANY_TAILS)
    pool = heads * tails
    rounds = -(-2 * count // pool)
    codes = rng.choice(pool * rounds, size=count, replace=False)
    head, tail, again = codes % heads, (codes // heads) % tails, codes // pool
    words = [f"{COMPANY_HEADS[h]} {COMPANY_TAILS[t][0]}" for h, t in zip(head, tail, strict=True)]
    base = [w if a == 0 else f"{w} {a + 1}" for w, a in zip(words, again, strict=True)]
    return objects(base), pick([industry for _, industry in COMPANY_TAILS], tail)


def _domains(base: Strs, rng: np.random.Generator, *, country: Ints) -> Strs:
    style = rng.random(len(base))
    tld = rng.random(len(base))
    out: list[str] = []
    for name, c, s, t in zip(base, country, style, tld, strict=True):
        words = str(name).lower().split()
        slug = "".join(words) if s < 0.7 else "-".join(words)
        home = COUNTRIES[c][3]
        out.append(f"{slug}.{home if t < 0.65 else ('com' if t < 0.9 else 'io')}")
    seen: dict[str, int] = {}
    for position, domain in enumerate(out):
        if domain in seen:
            out[position] = f"{position}{domain}"
        seen[out[position]] = position
    return objects(out)


def _places(count: int, rng: np.random.Generator) -> tuple[Ints, dict[str, Strs]]:
    share = np.array([c[2] for c in COUNTRIES])
    country = rng.choice(len(COUNTRIES), size=count, p=share / share.sum())
    sizes = np.array([len(CITIES[c[1]]) for c in COUNTRIES])
    city = (rng.random(count) * sizes[country]).astype(np.int64)
    suffixes = np.array([len(c[5]) for c in COUNTRIES])
    legal = (rng.random(count) * suffixes[country]).astype(np.int64)
    places = [CITIES[COUNTRIES[c][1]][k] for c, k in zip(country, city, strict=True)]
    return country, {
        "country": pick([c[0] for c in COUNTRIES], country),
        "country_code": pick([c[1] for c in COUNTRIES], country),
        "dial": pick([c[4] for c in COUNTRIES], country),
        "city": objects([place[0] for place in places]),
        "area": objects([place[1] for place in places]),
        "suffix": objects([COUNTRIES[c][5][k] for c, k in zip(country, legal, strict=True)]),
    }


def _parents(employees: Ints, rng: np.random.Generator) -> Ints:
    count = len(employees)
    parent = np.full(count, -1, dtype=np.int64)
    if count < 5:
        return parent
    child = rng.random(count) < 0.10
    holders = np.flatnonzero(~child)
    weight = employees[holders].astype(np.float64)
    parent[child] = rng.choice(holders, size=int(child.sum()), p=weight / weight.sum())
    return parent


def _customers(clock: Clock, rng: np.random.Generator, *, count: int) -> dict[str, Ints]:
    status = rng.choice(3, size=count, p=_STATUS_SHARE)
    health = np.where(status == CUSTOMER, rng.choice(len(HEALTH), size=count, p=_HEALTH_SHARE), -1)
    days = rng.random(count)
    won_at = np.where(
        health == 0,
        clock.end - ((5 + 80 * days) * DAY).astype(np.int64),
        clock.end - ((120 + 1280 * days) * DAY).astype(np.int64),
    )
    churn_at = clock.start + (clock.span * rng.uniform(0.05, 0.95, count)).astype(np.int64)
    before = (rng.uniform(200, 1200, count) * DAY).astype(np.int64)
    won_at = np.where(status == CHURNED, churn_at - before, won_at)
    won_at = np.where(status == PROSPECT, -1, won_at)
    churn_at = np.where(status == CHURNED, churn_at, -1)
    return {"status": status, "health": health, "won_at": won_at, "churn_at": churn_at}


def make_firms(clock: Clock, rng: np.random.Generator, *, count: int) -> Firms:
    """Draw ``count`` companies with realistic names, places, sizes and customer status."""
    base, industry = _names(count, rng)
    country, places = _places(count, rng)
    employees = ints(np.clip(np.round(rng.lognormal(np.log(180), 1.5, count)), 2, 250_000))
    customers = _customers(clock, rng, count=count)
    width = max(5, len(str(count)))
    return Firms(
        ids=objects([f"co-{i:0{width}d}" for i in range(count)]),
        base=base,
        suffix=places["suffix"],
        domain=_domains(base, rng, country=country),
        industry=industry,
        employees=employees,
        country=places["country"],
        country_code=places["country_code"],
        city=places["city"],
        area=places["area"],
        dial=places["dial"],
        parent=_parents(employees, rng),
        status=customers["status"],
        health=customers["health"],
        won_at=customers["won_at"],
        churn_at=customers["churn_at"],
        owner=rng.integers(0, len(REPS), count),
    )
