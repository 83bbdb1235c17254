"""Revenue events after the first sale: yearly renewals, the deal kind column, their truth.

Customers sign yearly contracts: every anniversary of the first won deal brings a renewal
deal, won while the customer stays, and open when the next anniversary is near the end of
the window. A churned customer renews until its last year and then loses its renewal (that
lost deal is drawn with the other deals). Everything here draws from its own generator so
the rest of the world is unchanged, and its rows are appended to the exports after the
defects are injected.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from customer_understanding._core import epoch_nanos
from customer_understanding.datasets._cast import Cast
from customer_understanding.datasets._deals import OPEN, WON
from customer_understanding.datasets._firms import CHURNED, PROSPECT
from customer_understanding.datasets._ids import salesforce_ids
from customer_understanding.datasets._lexicon import REPS
from customer_understanding.datasets._pipeline import CURRENCY
from customer_understanding.datasets._text import (
    DAY,
    Floats,
    Ints,
    Strs,
    epoch_seconds,
    iso_dates,
    iso_times,
    objects,
    pick,
)

__all__ = ["RENEWAL_STREAM", "add_revenue_events"]

#: The stream of the sample world's seed this module draws from (issue 11, slice 6).
RENEWAL_STREAM = 11_06
YEAR = 365 * DAY
_NOTICE = 90 * DAY  # a renewal is opened this long before its anniversary
_KIND_LABEL = {"New Business": "new", "Expansion": "expansion", "Renewal": "renewal"}
_OUTCOME = ("open", "won", "lost")  # by the outcome codes OPEN, WON, LOST


def _renewal_plan(cast: Cast, rng: np.random.Generator) -> dict[str, Ints]:
    """One row per renewal: firm, anniversary, outcome (won, or open near the end)."""
    firms, end = cast.firms, cast.clock.end
    buyers = np.flatnonzero(firms.status != PROSPECT)
    churned = firms.status[buyers] == CHURNED
    stop = np.where(churned, firms.churn_at[buyers] - 30 * DAY, end)
    years = np.maximum((stop - firms.won_at[buyers]) // YEAR, 0)
    upcoming = ~churned & (firms.won_at[buyers] + (years + 1) * YEAR <= end + _NOTICE)
    count = years + upcoming
    firm = np.repeat(buyers, count)
    nth = np.arange(len(firm)) - np.repeat(np.cumsum(count) - count, count) + 1
    due = firms.won_at[firm] + nth * YEAR
    outcome = np.where(due > end, OPEN, WON)
    closed = due + (rng.uniform(-20, 5, len(firm)) * DAY).astype(np.int64)
    created = due - (rng.uniform(60, 100, len(firm)) * DAY).astype(np.int64)
    return {"firm": firm, "due": due, "closed": np.minimum(closed, end), "created": created,
            "outcome": outcome}  # fmt: skip


def _first_amounts(cast: Cast) -> Floats:
    """Each firm's new-business amount (the contract a renewal repeats)."""
    deals = cast.deals
    first = np.zeros(cast.firms.size)
    new = deals.kind == "New Business"
    first[deals.firm[new]] = deals.amount[new]
    return first


def _opportunity_rows(
    cast: Cast, plan: Mapping[str, Ints], rng: np.random.Generator, *, account_of_firm: Strs
) -> pd.DataFrame:
    firms, firm, outcome = cast.firms, plan["firm"], plan["outcome"]
    count = len(firm)
    amount = np.round(_first_amounts(cast)[firm] * rng.uniform(0.95, 1.15, count), -2)
    currency = objects([CURRENCY.get(str(code), "USD") for code in firms.country_code[firm]])
    names = [f"{base} - Renewal {when[:4]}" for base, when in zip(firms.base[firm],
             iso_dates(plan["due"]), strict=True)]  # fmt: skip
    return pd.DataFrame(
        {
            "Id": salesforce_ids("006", rng, count=count),
            "AccountId": account_of_firm[firm],
            "Name": objects(names),
            "Amount": np.maximum(amount, 1_000.0),
            "CurrencyIsoCode": currency,
            "StageName": np.where(outcome == WON, "Closed Won", "Proposal").astype(object),
            "IsClosed": outcome != OPEN,
            "IsWon": outcome == WON,
            "CreatedDate": iso_times(plan["created"]),
            "CloseDate": iso_dates(np.where(outcome == WON, plan["closed"], plan["due"])),
            "OwnerId": pick(REPS, firms.owner[firm]),
            "Type": "Renewal",
        }
    )


def _history_rows(
    rows: pd.DataFrame, plan: Mapping[str, Ints], rng: np.random.Generator
) -> pd.DataFrame:
    won = plan["outcome"] == WON
    deal = np.concatenate([np.arange(len(rows)), np.flatnonzero(won)])
    at = np.concatenate([plan["created"], plan["closed"][won]])
    stage = np.concatenate([np.full(len(rows), "Proposal", dtype=object),
                            np.full(int(won.sum()), "Closed Won", dtype=object)])  # fmt: skip
    order = np.argsort(at, kind="stable")
    return pd.DataFrame(
        {
            "Id": salesforce_ids("008", rng, count=len(deal)),
            "OpportunityId": rows["Id"].to_numpy(dtype=object)[deal[order]],
            "StageName": stage[order],
            "CreatedDate": iso_times(at[order]),
        }
    )


def _hubspot_deals(frame: pd.DataFrame, cast: Cast, *, company_of_firm: Strs) -> pd.DataFrame:
    """Deal types, and partner deals won only by companies that had bought before.

    ``existingbusiness`` marks deals of companies that were customers when the deal was
    created; a ``closedwon`` stage elsewhere would contradict the truth (a prospect
    with a won deal), so it becomes ``closedlost``.
    """
    firm_of = {str(c): f for f, c in enumerate(company_of_firm) if c is not None}
    firm = np.array([firm_of.get(str(c), -1) for c in frame["associatedcompanyid"]], dtype=np.int64)
    won_at = np.where(firm >= 0, cast.firms.won_at[np.maximum(firm, 0)], -1)
    created = epoch_seconds(frame["createdate"])
    existing = (won_at >= 0) & (won_at < created)
    stage = frame["dealstage"].to_numpy(dtype=object).copy()
    stage[(stage == "closedwon") & ~existing] = "closedlost"
    kind = np.where(existing, "existingbusiness", "newbusiness").astype(object)
    return frame.assign(dealstage=stage, dealtype=kind)


def _truth(cast: Cast, plan: Mapping[str, Ints], *, ids: Strs, renewal_ids: Strs) -> pd.DataFrame:
    deals, firms = cast.deals, cast.firms
    kind = np.concatenate([[_KIND_LABEL[str(k)] for k in deals.kind],
                           np.full(len(renewal_ids), "renewal")])  # fmt: skip
    outcome = np.concatenate([deals.outcome, plan["outcome"]])
    closed = np.concatenate([deals.closed, plan["closed"]])
    closed = np.where(outcome == OPEN, -1, closed)
    return pd.DataFrame(
        {
            "opportunity_id": np.concatenate([ids, renewal_ids]).astype(object),
            "company_id": firms.ids[np.concatenate([deals.firm, plan["firm"]])],
            "kind": kind.astype(object),
            "outcome": pick(_OUTCOME, outcome),
            "closed_at": pd.to_datetime(
                epoch_nanos(np.where(closed < 0, np.nan, closed)), utc=True
            ),
        }
    )


def add_revenue_events(
    frames: dict[str, pd.DataFrame], cast: Cast, *, seed: int, ids: Mapping[str, Strs]
) -> pd.DataFrame:
    """Append renewals and deal kinds to the exports in place; return ``truth.deals``."""
    rng = np.random.default_rng([seed, RENEWAL_STREAM])
    plan = _renewal_plan(cast, rng)
    deals = frames["salesforce.Opportunity"].assign(Type=cast.deals.kind)
    rows = _opportunity_rows(cast, plan, rng, account_of_firm=ids["sf_account_of_firm"])
    frames["salesforce.Opportunity"] = pd.concat([deals, rows], ignore_index=True)
    history = frames["salesforce.OpportunityHistory"]
    frames["salesforce.OpportunityHistory"] = pd.concat(
        [history, _history_rows(rows, plan, rng)], ignore_index=True
    )
    frames["hubspot.deals"] = _hubspot_deals(
        frames["hubspot.deals"], cast, company_of_firm=ids["hs_company_of_firm"]
    )
    renewal_ids = rows["Id"].to_numpy(dtype=object)
    return _truth(cast, plan, ids=ids["opportunity_of_deal"], renewal_ids=renewal_ids)
