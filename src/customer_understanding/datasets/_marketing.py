"""HubSpot record exports: companies and contacts with lifecycle stages and stage dates."""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

from customer_understanding._core import object_values, typed_fields
from customer_understanding.datasets._cast import (
    Cast,
    Export,
    Rows,
    spread,
    spread_times,
    with_copies,
)
from customer_understanding.datasets._crm import countries
from customer_understanding.datasets._firms import HEALTH, PROSPECT
from customer_understanding.datasets._ids import numeric_ids
from customer_understanding.datasets._journeys import PERSON_STAGES
from customer_understanding.datasets._lexicon import HUBSPOT_INDUSTRY
from customer_understanding.datasets._text import (
    DAY,
    HOUR,
    Bools,
    Ints,
    Strs,
    iso_times,
    iso_times_or_none,
    keep,
    objects,
    pick,
)
from customer_understanding.datasets._variants import (
    blanks,
    company_names,
    emails,
    initials,
    misspell,
    nicknames,
    phones,
)

__all__ = ["HubSpotPeople", "hubspot_companies", "hubspot_contacts", "hubspot_people"]

_LIFECYCLE = ("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity",
              "customer", "evangelist")  # fmt: skip
_FROM_STAGE = {"known": 0, "engaged": 1, "mql": 2, "sal": 2, "sql": 3, "opportunity": 4,
               "won": 4, "lost": 4, "recycled": 1}  # fmt: skip
_DATED = (("lead", "known", 1), ("marketingqualifiedlead", "mql", 2),
          ("salesqualifiedlead", "sql", 3), ("opportunity", "opportunity", 4))  # fmt: skip


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class HubSpotPeople:
    """Who marketing knows: the people with a HubSpot contact and their companies."""

    people: Ints
    firms: Bools


def hubspot_people(cast: Cast, rng: np.random.Generator) -> HubSpotPeople:
    """Choose the people marketing automation holds (most of them) and their companies."""
    stage = cast.journeys.person_stage
    share = np.where(stage == 0, 0.75, 0.9)
    rows = np.flatnonzero(rng.random(cast.people.size) < share)
    firms = np.zeros(cast.firms.size, dtype=np.bool_)
    firms[cast.people.firm[rows]] = True
    return HubSpotPeople(people=rows, firms=firms & (rng.random(cast.firms.size) < 0.95))


def hubspot_companies(
    cast: Cast, rng: np.random.Generator, *, known: HubSpotPeople
) -> tuple[Export, Strs]:
    """The ``hubspot.companies`` export (with a few duplicates) and each company's id."""
    firms, clock = cast.firms, cast.clock
    first = np.full(firms.size, clock.end)
    np.minimum.at(first, cast.people.firm[known.people], cast.journeys.known_at[known.people])
    primary = np.flatnonzero(known.firms)
    created = first[primary] - (rng.random(len(primary)) * DAY).astype(np.int64)
    rows = with_copies(primary, rng, created=created, rate=0.03, end=clock.end)
    ids = numeric_ids(rng, count=len(rows.entity), width=10)
    frame = _company_frame(cast, rng, rows=rows)
    frame.insert(0, "hs_object_id", ids)
    id_of_firm = spread(ids[~rows.copy], rows.entity[~rows.copy], size=firms.size)
    return Export(frame=frame, entities=firms.ids[rows.entity]), id_of_firm


def _company_frame(cast: Cast, rng: np.random.Generator, *, rows: Rows) -> pd.DataFrame:
    firms, firm = cast.firms, rows.entity
    head = firms.employees[firm] * rng.uniform(0.8, 1.2, len(firm))
    copy_names = company_names(firms, rng, rows=firm, weights=(0.1, 0.2, 0.3, 0.3, 0.1, 0.0))
    names = company_names(firms, rng, rows=firm, weights=(0.35, 0.05, 0.35, 0.1, 0.05, 0.1))
    industry = objects([HUBSPOT_INDUSTRY[str(name)] for name in firms.industry[firm]])
    domain = blanks(firms.domain[firm], rng, rate=0.08)
    return pd.DataFrame(
        {
            "name": np.where(rows.copy, copy_names, names),
            "domain": keep(domain, ~rows.copy | (rng.random(len(firm)) < 0.4)),
            "industry": blanks(industry, rng, rate=0.15),
            "numberofemployees": blanks(objects([str(round(h)) for h in head]), rng, rate=0.3),
            "country": countries(cast, rng, rows=firm),
            "city": blanks(firms.city[firm], rng, rate=0.15),
            "createdate": iso_times(rows.created),
        }
    )


def _lifecycle(cast: Cast, rng: np.random.Generator, *, rows: Ints) -> Ints:
    people, firms = cast.people, cast.firms
    stage = pick(PERSON_STAGES, cast.journeys.person_stage[rows])
    rank = np.array([_FROM_STAGE[str(s)] for s in stage], dtype=np.int64)
    rank = np.where((rank == 0) & (rng.random(len(rows)) < 0.4), 1, rank)
    firm = people.firm[rows]
    rank = np.where(firms.status[firm] != PROSPECT, 5, rank)
    fan = (firms.health[firm] == HEALTH.index("advocate")) & people.in_committee[rows]
    return np.where(fan & (rng.random(len(rows)) < 0.5), 6, rank)


def _stage_dates(
    cast: Cast, rng: np.random.Generator, *, rows: Ints, rank: Ints, created: Ints
) -> dict[str, Strs]:
    """HubSpot's stage dates: a contact becomes a lead when created, later ones lag the truth."""
    journeys = cast.journeys
    out = {}
    for label, stage, needed in _DATED:
        reached = created if stage == "known" else journeys.reached(stage)[rows]
        lag = (rng.random(len(rows)) * 3 * HOUR).astype(np.int64)
        dated = (reached >= 0) & (rank >= needed)
        out[f"hs_lifecyclestage_{label}_date"] = iso_times_or_none(
            np.where(dated, reached + lag, -1)
        )
    won = np.maximum(cast.firms.won_at[cast.people.firm[rows]], journeys.known_at[rows]) + HOUR
    out["hs_lifecyclestage_customer_date"] = iso_times_or_none(np.where(rank >= 5, won, -1))
    return out


def hubspot_contacts(
    cast: Cast, rng: np.random.Generator, *, known: HubSpotPeople, company_of_firm: Strs
) -> tuple[Export, dict[str, Strs], Ints]:
    """The ``hubspot.contacts`` export; per person the contact id, e-mail, company id and date."""
    people, clock = cast.people, cast.clock
    lag = (rng.random(len(known.people)) * HOUR).astype(np.int64)
    created = cast.journeys.known_at[known.people] + lag
    order = np.argsort(created, kind="stable")
    rows, created = known.people[order], np.minimum(created[order], clock.end)
    ids = numeric_ids(rng, count=len(rows), width=8, step=40)
    linked = keep(company_of_firm[people.firm[rows]], rng.random(len(rows)) < 0.92)
    frame = _contact_frame(cast, rng, rows=rows, created=created)
    frame.insert(0, "hs_object_id", ids)
    frame.insert(7, "associatedcompanyid", linked)
    held = (("hs_contact", ids), ("hs_email", object_values(frame["email"])))
    per_person = {key: spread(values, rows, size=people.size) for key, values in held}
    per_person["hs_company"] = spread(linked, rows, size=people.size)
    seen = spread_times(created, rows, size=people.size)
    return Export(frame=frame, entities=people.ids[rows]), per_person, seen


def _contact_frame(
    cast: Cast, rng: np.random.Generator, *, rows: Ints, created: Ints
) -> pd.DataFrame:
    people = cast.people
    first = initials(nicknames(people.first[rows], rng, rate=0.1), rng, rate=0.02)
    weights = (0.3, 0.05, 0.4, 0.1, 0.05, 0.1)
    company = company_names(cast.firms, rng, rows=people.firm[rows], weights=weights)
    rank = _lifecycle(cast, rng, rows=rows)
    return pd.DataFrame(
        {
            "email": emails(people, rng, rows=rows, weights=(0.78, 0.14, 0.05, 0.03)),
            "firstname": blanks(misspell(first, rng, rate=0.02), rng, rate=0.04),
            "lastname": blanks(misspell(people.last[rows], rng, rate=0.02), rng, rate=0.03),
            "phone": phones((cast.firms, people), rng, rows=rows, missing=0.5),
            "jobtitle": blanks(people.title[rows], rng, rate=0.25),
            "company": blanks(company, rng, rate=0.1),
            "lifecyclestage": pick(_LIFECYCLE, rank),
            "hs_email_optout": people.opted_out[rows],
            "createdate": iso_times(created),
            **_stage_dates(cast, rng, rows=rows, rank=rank, created=created),
        }
    )
