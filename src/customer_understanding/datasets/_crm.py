"""Salesforce record exports: Account, Contact and Lead."""

from __future__ import annotations

import numpy as np
import pandas as pd

from customer_understanding.datasets._cast import Cast, Export, Rows, none_like, spread, with_copies
from customer_understanding.datasets._catalog import LEAD_SOURCES
from customer_understanding.datasets._ids import salesforce_ids
from customer_understanding.datasets._journeys import PERSON_STAGES
from customer_understanding.datasets._lexicon import REPS
from customer_understanding.datasets._text import (
    DAY,
    HOUR,
    Bools,
    Ints,
    Strs,
    bools,
    days,
    iso_times,
    keep,
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
    websites,
)

__all__ = ["accounts", "contacts", "countries", "leads", "sales_firms"]

_LEAD_STATUS = {
    "known": "Open - Not Contacted",
    "engaged": "Working - Contacted",
    "mql": "Marketing Qualified",
    "sal": "Sales Accepted",
    "sql": "Sales Qualified",
    "opportunity": "Closed - Converted",
    "won": "Closed - Converted",
    "lost": "Closed - Converted",
    "recycled": "Closed - Not Converted",
}


def sales_firms(cast: Cast, rng: np.random.Generator) -> Bools:
    """Which companies sales works as accounts: every one with a deal and some prospects."""
    has_deal = np.zeros(cast.firms.size, dtype=np.bool_)
    has_deal[cast.deals.firm] = True
    accepted = cast.journeys.firm[:, PERSON_STAGES.index("sal")] >= 0
    draw = rng.random(cast.firms.size)
    return bools(has_deal | cast.firms.ever_customer | (accepted & (draw < 0.7)) | (draw < 0.25))


def countries(cast: Cast, rng: np.random.Generator, *, rows: Ints) -> Strs:
    """Country names as typed: mostly the name, sometimes the ISO code, sometimes missing."""
    firms = cast.firms
    draw = rng.random(len(rows))
    out = np.where(draw < 0.1, firms.country_code[rows], firms.country[rows])
    return keep(out, draw <= 0.9)


def _employees(values: Ints, rng: np.random.Generator) -> pd.Series[int]:
    """Head counts, half of them rounded to two significant digits, a fifth missing."""
    magnitude = 10 ** np.maximum(np.floor(np.log10(values)).astype(np.int64) - 1, 0)
    rounded = np.round(values / magnitude).astype(np.int64) * magnitude
    counts = np.where(rng.random(len(values)) < 0.5, rounded, values)
    return pd.Series(counts, dtype="Int64").mask(rng.random(len(values)) < 0.2)


def accounts(cast: Cast, rng: np.random.Generator, *, chosen: Bools) -> tuple[Export, Strs]:
    """The ``salesforce.Account`` export and each company's account id (``None`` if absent)."""
    firms, clock = cast.firms, cast.clock
    first_deal = np.full(firms.size, clock.end - HOUR)
    np.minimum.at(first_deal, cast.deals.firm, cast.deals.created - DAY)
    known = cast.journeys.firm[:, 0] + days(rng, low=0, high=60, count=firms.size)
    primary = np.flatnonzero(chosen)
    created = np.minimum(known, first_deal)[primary]
    rows = with_copies(primary, rng, created=created, rate=0.015, end=clock.end)
    ids = salesforce_ids("001", rng, count=len(rows.entity))
    id_of_firm = spread(ids[~rows.copy], rows.entity[~rows.copy], size=firms.size)
    frame = _account_frame(cast, rng, rows=rows, id_of_firm=id_of_firm)
    frame.insert(0, "Id", ids)
    return Export(frame=frame, entities=firms.ids[rows.entity]), id_of_firm


def _account_frame(
    cast: Cast, rng: np.random.Generator, *, rows: Rows, id_of_firm: Strs
) -> pd.DataFrame:
    firms, firm = cast.firms, rows.entity
    parent = firms.parent[firm]
    revenue = np.round(firms.employees[firm] * rng.uniform(80_000, 300_000, len(firm)), -3)
    copy_names = company_names(firms, rng, rows=firm, weights=(0.2, 0.2, 0.4, 0.1, 0.1, 0.0))
    names = company_names(firms, rng, rows=firm, weights=(0.6, 0.05, 0.2, 0.0, 0.05, 0.1))
    return pd.DataFrame(
        {
            "Name": np.where(rows.copy, copy_names, names),
            "Website": websites(firms.domain[firm], rng, weights=(0.35, 0.25, 0.2, 0.05, 0.15)),
            "Industry": blanks(firms.industry[firm], rng, rate=0.15),
            "NumberOfEmployees": _employees(firms.employees[firm], rng),
            "AnnualRevenue": np.where(rng.random(len(firm)) < 0.35, np.nan, revenue),
            "BillingCountry": countries(cast, rng, rows=firm),
            "BillingCity": blanks(firms.city[firm], rng, rate=0.1),
            "ParentId": keep(id_of_firm[parent], (parent >= 0) & ~rows.copy),
            "OwnerId": pick(REPS, firms.owner[firm]),
            "CreatedDate": iso_times(rows.created),
        }
    )


def _person_fields(cast: Cast, rng: np.random.Generator, *, rows: Ints) -> dict[str, Strs]:
    people = cast.people
    first = misspell(nicknames(people.first[rows], rng, rate=0.08), rng, rate=0.02)
    return {
        "FirstName": first,
        "LastName": misspell(people.last[rows], rng, rate=0.03),
        "Phone": phones((cast.firms, people), rng, rows=rows, missing=0.25),
        "Title": blanks(people.title[rows], rng, rate=0.1),
    }


def contacts(cast: Cast, rng: np.random.Generator, *, account_of_firm: Strs) -> tuple[Export, Strs]:
    """The ``salesforce.Contact`` export and each person's contact id (``None`` if absent)."""
    people, journeys, clock = cast.people, cast.journeys, cast.clock
    at_account = np.array([value is not None for value in account_of_firm[people.firm]], bool)
    rows = np.flatnonzero(at_account & (people.in_committee | (rng.random(people.size) < 0.6)))
    accepted = journeys.reached("sal")[rows]
    created = np.where(
        accepted >= 0,
        accepted,
        journeys.known_at[rows] + days(rng, low=0, high=60, count=len(rows)),
    )
    order = np.argsort(created, kind="stable")
    rows, created = rows[order], np.minimum(created[order], clock.end)
    ids = salesforce_ids("003", rng, count=len(rows))
    fields = _person_fields(cast, rng, rows=rows)
    frame = pd.DataFrame(
        {
            "Id": ids,
            "AccountId": account_of_firm[people.firm[rows]],
            "FirstName": fields["FirstName"],
            "LastName": fields["LastName"],
            "Email": emails(people, rng, rows=rows, weights=(0.90, 0.04, 0.03, 0.03)),
            "Phone": fields["Phone"],
            "Title": fields["Title"],
            "Department": blanks(people.department[rows], rng, rate=0.3),
            "HasOptedOutOfEmail": people.opted_out[rows] & (rng.random(len(rows)) < 0.85),
            "CreatedDate": iso_times(created),
        }
    )
    id_of_person = none_like(people.size)
    id_of_person[rows] = ids
    return Export(frame=frame, entities=people.ids[rows]), id_of_person


def _lead_rows(cast: Cast, rng: np.random.Generator, *, contact: Strs) -> tuple[Ints, Ints, Strs]:
    """The people who are leads, when each lead was created, and its status."""
    people, journeys, clock = cast.people, cast.journeys, cast.clock
    is_contact = np.array([value is not None for value in contact], dtype=np.bool_)
    stage = pick(PERSON_STAGES, journeys.person_stage)
    draw = rng.random(people.size)
    prospects = np.flatnonzero(~is_contact & ((stage != "known") | (draw < 0.3)))
    converted = np.flatnonzero(is_contact & (journeys.reached("mql") >= 0) & (draw < 0.6))
    doubles = np.flatnonzero(is_contact & (rng.random(people.size) < 0.06))
    first = journeys.known_at + days(rng, low=0, high=3, count=people.size)
    again = first[doubles] + ((clock.end - first[doubles]) * rng.random(len(doubles))).astype(
        np.int64
    )
    status = np.concatenate(
        [
            [_LEAD_STATUS[str(s)] for s in stage[prospects]],
            np.full(len(converted), _LEAD_STATUS["won"], dtype=object),
            pick(("Open - Not Contacted", "Working - Contacted"), rng.integers(0, 2, len(doubles))),
        ]
    )
    rows = np.concatenate([prospects, converted, doubles])
    created = np.minimum(np.concatenate([first[prospects], first[converted], again]), clock.end)
    return rows, created, status.astype(object)


def leads(cast: Cast, rng: np.random.Generator, *, contact: Strs) -> tuple[Export, Strs]:
    """The ``salesforce.Lead`` export and each person's open lead id (``None`` if none).

    Leads are people at companies sales does not work yet, converted leads of contacts,
    and duplicates: contacts who came back through a form as a new lead.
    """
    people, firms = cast.people, cast.firms
    rows, created, status = _lead_rows(cast, rng, contact=contact)
    order = np.argsort(created, kind="stable")
    rows, created, status = rows[order], created[order], status[order]
    ids = salesforce_ids("00Q", rng, count=len(rows))
    first = initials(nicknames(people.first[rows], rng, rate=0.12), rng, rate=0.03)
    frame = pd.DataFrame(
        {
            "Id": ids,
            "FirstName": misspell(first, rng, rate=0.03),
            "LastName": misspell(people.last[rows], rng, rate=0.04),
            "Email": emails(people, rng, rows=rows, weights=(0.76, 0.16, 0.05, 0.03)),
            "Phone": phones((firms, people), rng, rows=rows, missing=0.4),
            "Company": company_names(
                firms, rng, rows=people.firm[rows], weights=(0.3, 0.05, 0.35, 0.1, 0.08, 0.12)
            ),
            "Title": blanks(people.title[rows], rng, rate=0.2),
            "Website": websites(
                firms.domain[people.firm[rows]], rng, weights=(0.15, 0.15, 0.15, 0.05, 0.5)
            ),
            "Status": status,
            "LeadSource": pick(LEAD_SOURCES, rng.integers(0, len(LEAD_SOURCES), len(rows))),
            "HasOptedOutOfEmail": people.opted_out[rows],
            "CreatedDate": iso_times(created),
        }
    )
    open_lead = none_like(people.size)
    still_open = status != _LEAD_STATUS["won"]
    open_lead[rows[still_open]] = ids[still_open]
    return Export(frame=frame, entities=people.ids[rows]), open_lead
