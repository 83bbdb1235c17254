"""Customer-side records: Zendesk organizations and users, and product user accounts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from customer_understanding.datasets._cast import Cast, Export, none_like, spread, spread_times
from customer_understanding.datasets._firms import PROSPECT
from customer_understanding.datasets._ids import hex_ids, numeric_ids
from customer_understanding.datasets._lexicon import NICKNAMES
from customer_understanding.datasets._text import DAY, Floats, Ints, Strs, iso_times, keep, objects
from customer_understanding.datasets._variants import company_names, emails, phones

__all__ = ["product_users", "zendesk_organizations", "zendesk_users"]

_SUPPORT_SHARE = {"user": 0.85, "technical_evaluator": 0.85, "champion": 0.7}
_PRODUCT_SHARE = {
    "user": 0.95,
    "technical_evaluator": 0.9,
    "champion": 0.85,
    "economic_buyer": 0.25,
}


def _share(cast: Cast, table: dict[str, float], *, default: float) -> Floats:
    share = np.array([table.get(str(role), default) for role in cast.people.role])
    return np.where(cast.firms.status[cast.people.firm] != PROSPECT, share, 0.0)


def _domain_names(domains: Strs, rng: np.random.Generator) -> Strs:
    draw = rng.random(len(domains))
    out = []
    for domain, d in zip(domains, draw, strict=True):
        other = f"{str(domain).split('.')[0]}.{'io' if str(domain).endswith('.com') else 'com'}"
        out.append("" if d < 0.2 else (f"{domain},{other}" if d > 0.9 else str(domain)))
    return objects(out)


def zendesk_organizations(cast: Cast, rng: np.random.Generator) -> tuple[Export, Strs]:
    """The ``zendesk.organizations`` export (customers, past and present) and their ids."""
    firms, clock = cast.firms, cast.clock
    rows = np.flatnonzero((firms.status != PROSPECT) & (rng.random(firms.size) < 0.95))
    created = firms.won_at[rows] + (rng.uniform(1, 20, len(rows)) * DAY).astype(np.int64)
    order = np.argsort(created, kind="stable")
    rows, created = rows[order], np.minimum(created[order], clock.end)
    ids = numeric_ids(rng, count=len(rows), width=12, step=100_000)
    frame = pd.DataFrame(
        {
            "id": ids,
            "name": company_names(
                firms, rng, rows=rows, weights=(0.45, 0.1, 0.3, 0.05, 0.02, 0.08)
            ),
            "domain_names": _domain_names(firms.domain[rows], rng),
            "created_at": iso_times(created),
        }
    )
    id_of_firm = none_like(firms.size)
    id_of_firm[rows] = ids
    return Export(frame=frame, entities=firms.ids[rows]), id_of_firm


def _full_names(cast: Cast, rng: np.random.Generator, *, rows: Ints) -> Strs:
    """Names in one field: ``Robert Smith``, ``Bob Smith``, ``R. Smith``, ``Smith, Robert``."""
    people = cast.people
    style = rng.choice(6, size=len(rows), p=(0.68, 0.12, 0.05, 0.05, 0.05, 0.05))
    out = []
    for first, last, email, kind in zip(
        people.first[rows], people.last[rows], people.email[rows], style, strict=True
    ):
        short = NICKNAMES.get(str(first), (str(first),))[0]
        plain, initial = f"{first} {last}", f"{str(first)[0]}. {last}"
        local = str(email).split("@")[0]
        forms = (plain, f"{short} {last}", initial, plain.lower(), local, f"{last}, {first}")
        out.append(forms[kind])
    return objects(out)


def zendesk_users(
    cast: Cast, rng: np.random.Generator, *, org_of_firm: Strs
) -> tuple[Export, dict[str, Strs], Ints]:
    """The ``zendesk.users`` export (customers' people who contact support) and their ids."""
    people, firms, clock = cast.people, cast.firms, cast.clock
    rows = np.flatnonzero(rng.random(people.size) < _share(cast, _SUPPORT_SHARE, default=0.35))
    firm = people.firm[rows]
    since = np.maximum(firms.won_at[firm], cast.journeys.known_at[rows])
    created = since + (rng.uniform(3, 200, len(rows)) * DAY).astype(np.int64)
    stop = np.where(firms.churn_at[firm] >= 0, firms.churn_at[firm], clock.end)
    created = np.minimum(created, np.maximum(stop, since))
    order = np.argsort(created, kind="stable")
    rows, created, firm = rows[order], created[order], firm[order]
    ids = numeric_ids(rng, count=len(rows), width=12, step=50_000)
    org = keep(org_of_firm[firm], rng.random(len(rows)) < 0.92)
    frame = pd.DataFrame(
        {
            "id": ids,
            "name": _full_names(cast, rng, rows=rows),
            "email": emails(people, rng, rows=rows, weights=(0.88, 0.10, 0.02, 0.0)),
            "phone": phones((firms, people), rng, rows=rows, missing=0.7),
            "organization_id": org,
            "role": "end-user",
            "created_at": iso_times(created),
        }
    )
    per_person = {
        "zd_user": spread(ids, rows, size=people.size),
        "zd_org": spread(org, rows, size=people.size),
    }
    seen = spread_times(created, rows, size=people.size)
    return Export(frame=frame, entities=people.ids[rows]), per_person, seen


def product_users(cast: Cast, rng: np.random.Generator) -> dict[str, Strs]:
    """Product accounts of customers' people: a product user id and the login e-mail."""
    people = cast.people
    rows = np.flatnonzero(rng.random(people.size) < _share(cast, _PRODUCT_SHARE, default=0.55))
    login = emails(people, rng, rows=rows, weights=(0.95, 0.05, 0.0, 0.0))
    lowered = objects([str(value).lower() for value in login])
    return {
        "product_user": spread(
            hex_ids("u_", rng, count=len(rows), width=6), rows, size=people.size
        ),
        "product_email": spread(lowered, rows, size=people.size),
    }
