"""Deal exports: Salesforce opportunities, contact roles and stage history; HubSpot deals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from customer_understanding._core import object_values
from customer_understanding.datasets._cast import Cast, Export
from customer_understanding.datasets._catalog import SF_ROLE_LABELS
from customer_understanding.datasets._deals import OPEN, SF_STAGES, WON
from customer_understanding.datasets._ids import numeric_ids, salesforce_ids
from customer_understanding.datasets._lexicon import REPS
from customer_understanding.datasets._text import DAY, Strs, iso_dates, iso_times, objects, pick

__all__ = [
    "CURRENCY",
    "committees",
    "contact_roles",
    "hubspot_deals",
    "opportunities",
    "role_truth",
    "stage_history",
]

#: The currency of deals with companies of a country (US dollars elsewhere).
CURRENCY = {"GB": "GBP", "DE": "EUR", "FR": "EUR", "NL": "EUR", "IE": "EUR", "ES": "EUR",
             "CA": "CAD", "AU": "AUD", "SE": "SEK"}  # fmt: skip
_HS_STAGES = (
    "appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin",
    "contractsent", "closedwon", "closedlost",
)  # fmt: skip
_HS_OWNERS = ("71234501", "71234502", "71234503", "71234504")
_INCLUDE = {"economic_buyer": 0.9, "user": 0.5}


def opportunities(
    cast: Cast, rng: np.random.Generator, *, account_of_firm: Strs
) -> tuple[Export, Strs]:
    """The ``salesforce.Opportunity`` export and each deal's opportunity id."""
    deals, firms = cast.deals, cast.firms
    ids = salesforce_ids("006", rng, count=deals.size)
    firm = deals.firm
    year = iso_dates(deals.created)
    currency = objects([CURRENCY.get(str(code), "USD") for code in firms.country_code])
    names = [
        f"{base} - {kind}" if kind == "New Business" else f"{base} - {kind} {when[:4]}"
        for base, kind, when in zip(firms.base[firm], deals.kind, year, strict=True)
    ]
    owner = np.where(
        rng.random(deals.size) < 0.85, firms.owner[firm], rng.integers(0, len(REPS), deals.size)
    )
    frame = pd.DataFrame(
        {
            "Id": ids,
            "AccountId": account_of_firm[firm],
            "Name": objects(names),
            "Amount": deals.amount,
            "CurrencyIsoCode": currency[firm],
            "StageName": pick(SF_STAGES, deals.stage),
            "IsClosed": deals.outcome != OPEN,
            "IsWon": deals.outcome == WON,
            "CreatedDate": iso_times(deals.created),
            "CloseDate": iso_dates(deals.expected_close),
            "OwnerId": pick(REPS, owner),
        }
    )
    return Export(frame=frame), ids


def committees(cast: Cast, *, opportunity_of_deal: Strs) -> pd.DataFrame:
    """Every deal's true buying committee as deal and person positions with the role."""
    people = cast.people
    members = np.flatnonzero(people.in_committee)
    deals = pd.DataFrame({"deal": np.arange(cast.deals.size), "firm": cast.deals.firm})
    people_frame = pd.DataFrame({"person": members, "firm": people.firm[members]})
    table = deals.merge(people_frame, on="firm", how="inner", sort=False)
    table = table.sort_values(["deal", "person"], kind="stable", ignore_index=True)
    table["opportunity_id"] = opportunity_of_deal[table["deal"].to_numpy()]
    table["role"] = people.role[table["person"].to_numpy()]
    return table


def contact_roles(table: pd.DataFrame, rng: np.random.Generator, *, contact: Strs) -> Export:
    """The ``salesforce.OpportunityContactRole`` export: the committee as reps recorded it."""
    role = object_values(table["role"])
    keep = rng.random(len(table)) < np.array([_INCLUDE.get(str(r), 0.8) for r in role])
    kept = table[keep]
    role = role[keep]
    labels = [SF_ROLE_LABELS[str(r)] for r in role]
    evaluator = rng.random(len(labels)) < 0.3
    labels = [
        "Evaluator" if e and label == "Technical Buyer" else label
        for label, e in zip(labels, evaluator, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "Id": salesforce_ids("00K", rng, count=len(kept)),
            "OpportunityId": kept["opportunity_id"].to_numpy(dtype=object),
            "ContactId": contact[kept["person"].to_numpy()],
            "Role": objects(labels),
            "IsPrimary": role == "champion",
        }
    )
    return Export(frame=frame)


def stage_history(cast: Cast, rng: np.random.Generator, *, opportunity_of_deal: Strs) -> Export:
    """The ``salesforce.OpportunityHistory`` export: one row per stage each deal entered."""
    deals, clock = cast.deals, cast.clock
    closed = deals.outcome != OPEN
    steps = deals.reached + 1 + closed
    deal = np.repeat(np.arange(deals.size), steps)
    step = np.arange(len(deal)) - np.repeat(np.cumsum(steps) - steps, steps)
    last = step == steps[deal] - 1
    stage = np.where(last & closed[deal], 4 + deals.outcome[deal], step)
    until = np.where(
        closed, deals.closed, clock.end - (rng.random(deals.size) * DAY).astype(np.int64)
    )
    share = np.where(closed[deal], step / np.maximum(steps[deal] - 1, 1), step / steps[deal])
    created = deals.created[deal]
    when = created + (share * (until[deal] - created)).astype(np.int64)
    frame = pd.DataFrame(
        {
            "Id": salesforce_ids("008", rng, count=len(deal)),
            "OpportunityId": opportunity_of_deal[deal],
            "StageName": pick(SF_STAGES, stage),
            "CreatedDate": iso_times(when),
        }
    )
    return Export(frame=frame)


def hubspot_deals(cast: Cast, rng: np.random.Generator, *, company_of_firm: Strs) -> Export:
    """The ``hubspot.deals`` export: a few partner-sourced deals tracked in marketing's tool."""
    firms, clock = cast.firms, cast.clock
    known = np.flatnonzero([value is not None for value in company_of_firm])
    count = min(len(known), max(1, round(0.03 * firms.size)))
    firm = np.sort(rng.choice(known, size=count, replace=False)) if count else known[:0]
    created = np.sort(clock.end - (rng.uniform(5, clock.span / DAY, count) * DAY).astype(np.int64))
    amount = np.round(firms.employees[firm] * rng.uniform(20, 80, count), -2).astype(np.int64)
    frame = pd.DataFrame(
        {
            "hs_object_id": numeric_ids(rng, count=count, width=10),
            "dealname": objects([f"{base} - Partner referral" for base in firms.base[firm]]),
            "amount": objects([str(value) for value in amount]),
            "dealstage": pick(_HS_STAGES, rng.integers(0, len(_HS_STAGES), count)),
            "pipeline": "default",
            "createdate": iso_times(created),
            "closedate": iso_times(created + (rng.uniform(20, 120, count) * DAY).astype(np.int64)),
            "associatedcompanyid": company_of_firm[firm],
            "hubspot_owner_id": pick(_HS_OWNERS, rng.integers(0, len(_HS_OWNERS), count)),
        }
    )
    return Export(frame=frame)


def role_truth(table: pd.DataFrame, *, people_ids: Strs) -> pd.DataFrame:
    """The ``truth.roles`` table from the committees."""
    return pd.DataFrame(
        {
            "opportunity_id": table["opportunity_id"].to_numpy(dtype=object),
            "person_id": people_ids[table["person"].to_numpy()],
            "role": object_values(table["role"]),
        }
    )
