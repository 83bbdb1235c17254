"""Interaction exports for sales and service: tasks, events, engagements and tickets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from customer_understanding.datasets._activity import Audience, attention, draw, present
from customer_understanding.datasets._cast import Cast, Directory, Export, none_like
from customer_understanding.datasets._catalog import (
    ENGAGEMENT_SUBJECTS,
    EVENT_SUBJECTS,
    TASK_SUBJECTS,
    TICKET_SUBJECTS,
)
from customer_understanding.datasets._deals import OPEN
from customer_understanding.datasets._firms import CHURNED, HEALTH
from customer_understanding.datasets._ids import numeric_ids, salesforce_ids
from customer_understanding.datasets._text import (
    DAY,
    Bools,
    Floats,
    Ints,
    Strs,
    iso_times,
    keep,
    pick,
)

__all__ = ["engagements", "sales_events", "tasks", "tickets"]

#: How much a rep works a person in each stage (order of PERSON_STAGES).
_SALES = np.array([0.1, 0.3, 1.5, 3.0, 4.0, 6.0, 1.0, 0.4, 0.3])
_SDR = np.array([0.2, 1.0, 4.0, 3.0, 2.0, 0.8, 0.3, 0.3, 0.5])
_TICKET_LOAD = np.array([1.6, 1.0, 3.0, 0.25, 0.7])
_PRIORITIES = ("urgent", "high", "normal", "low")
_STATUSES = ("new", "open", "pending", "solved", "closed")
_RATINGS = ("good", "bad", "offered", None)


def _present(values: Strs) -> Bools:
    return np.array([value is not None for value in values], dtype=np.bool_)


def _who(directory: Directory) -> Strs:
    return np.where(_present(directory.sf_contact), directory.sf_contact, directory.sf_lead)


def _sales_audience(cast: Cast, directory: Directory) -> Audience:
    people, firms = cast.people, cast.firms
    rows = np.flatnonzero(_present(_who(directory)))
    firm = people.firm[rows]
    weight = _SALES[cast.journeys.person_stage[rows]] * attention(cast)[firm]
    weight *= np.where(firms.health[firm] == HEALTH.index("at_risk"), 2.0, 1.0)
    low, high = present(cast, since=cast.journeys.known_at[rows])
    return Audience(people=rows, weight=weight, low=low, high=high)


def _deal_links(cast: Cast, directory: Directory, *, who: Ints, when: Ints) -> tuple[Strs, Strs]:
    """``WhatId`` (the deal a committee member's activity belongs to) and ``AccountId``."""
    deals, people = cast.deals, cast.people
    contact = _present(directory.sf_contact[who])
    account = keep(directory.sf_account_of_firm[people.firm[who]], contact)
    if deals.size == 0:
        return none_like(len(who)), account
    latest = np.full(cast.firms.size, -1, dtype=np.int64)
    np.maximum.at(latest, deals.firm, np.arange(deals.size))
    deal = latest[people.firm[who]]
    safe = np.maximum(deal, 0)
    until = np.where(deals.outcome == OPEN, cast.clock.end, deals.closed)
    inside = (deal >= 0) & (deals.created[safe] <= when) & (when <= until[safe])
    linked = inside & people.in_committee[who] & contact
    return keep(directory.opportunity_of_deal[safe], linked), account


def tasks(cast: Cast, rng: np.random.Generator, *, directory: Directory, count: int) -> Export:
    """The ``salesforce.Task`` export: calls, e-mails and to-dos logged against people."""
    who, when = draw(_sales_audience(cast, directory), rng, count=count, hot=cast.journeys.latest)
    what, account = _deal_links(cast, directory, who=who, when=when)
    kind = rng.integers(0, len(TASK_SUBJECTS), len(who))
    done = (when < cast.clock.end - 2 * DAY) | (rng.random(len(who)) < 0.5)
    frame = pd.DataFrame(
        {
            "Id": salesforce_ids("00T", rng, count=len(who)),
            "WhoId": _who(directory)[who],
            "WhatId": what,
            "AccountId": account,
            "Subject": pick([subject for _, subject in TASK_SUBJECTS], kind),
            "TaskSubtype": pick([subtype for subtype, _ in TASK_SUBJECTS], kind),
            "Status": pick(("Not Started", "Completed"), done.astype(np.int64)),
            "CreatedDate": iso_times(when),
        }
    )
    return Export(frame=frame)


def _shared_meetings(
    rng: np.random.Generator, *, firm: Ints, linked: Bools, when: Ints, kind: Ints
) -> tuple[Ints, Ints]:
    """Let some deal meetings be attended by several people of the same firm.

    About 40% of the events logged against a deal join another such event of the same firm:
    they take its start time and kind, so the export holds one row per attendee, the way a
    CRM logs a meeting with several people.
    """
    rows = np.flatnonzero(linked)
    if len(rows) < 2:
        return when, kind
    order = rows[np.argsort(firm[rows], kind="stable")]
    firms = firm[order]
    start = np.searchsorted(firms, firms, side="left")
    size = np.searchsorted(firms, firms, side="right") - start
    partner = order[start + (rng.random(len(order)) * size).astype(np.int64)]
    join = rng.random(len(order)) < 0.4
    when, kind = when.copy(), kind.copy()
    when[order[join]] = when[partner[join]]
    kind[order[join]] = kind[partner[join]]
    return when, kind


def sales_events(
    cast: Cast, rng: np.random.Generator, *, directory: Directory, count: int
) -> Export:
    """The ``salesforce.Event`` export: meetings and demos."""
    who, when = draw(_sales_audience(cast, directory), rng, count=count, hot=cast.journeys.latest)
    what, account = _deal_links(cast, directory, who=who, when=when)
    kind = rng.integers(0, len(EVENT_SUBJECTS), len(who))
    when, kind = _shared_meetings(rng, firm=cast.people.firm[who], linked=_present(what),
                                  when=when, kind=kind)  # fmt: skip
    minutes = np.array([15, 30, 30, 45, 60, 60, 90])[rng.integers(0, 7, len(who))]
    frame = pd.DataFrame(
        {
            "Id": salesforce_ids("00U", rng, count=len(who)),
            "WhoId": _who(directory)[who],
            "WhatId": what,
            "AccountId": account,
            "Subject": pick([subject for _, subject in EVENT_SUBJECTS], kind),
            "Type": pick([kind_ for kind_, _ in EVENT_SUBJECTS], kind),
            "StartDateTime": iso_times(when - when % (15 * 60)),
            "DurationInMinutes": minutes,
        }
    )
    return Export(frame=frame)


def engagements(
    cast: Cast, rng: np.random.Generator, *, directory: Directory, count: int
) -> Export:
    """The ``hubspot.engagements`` export: one-to-one touches logged by marketing's SDRs."""
    rows = np.flatnonzero(_present(directory.hs_contact))
    weight = _SDR[cast.journeys.person_stage[rows]]
    low, high = present(cast, since=directory.hs_created[rows])
    audience = Audience(people=rows, weight=weight, low=low, high=high)
    who, when = draw(audience, rng, count=count, hot=cast.journeys.latest)
    kind = rng.integers(0, len(ENGAGEMENT_SUBJECTS), len(who))
    frame = pd.DataFrame(
        {
            "hs_object_id": numeric_ids(rng, count=len(who), width=11, step=20),
            "type": pick([kind_ for kind_, _ in ENGAGEMENT_SUBJECTS], kind),
            "hs_timestamp": iso_times(when),
            "contact_id": directory.hs_contact[who],
            "company_id": directory.hs_company[who],
            "subject": pick([subject for _, subject in ENGAGEMENT_SUBJECTS], kind),
        }
    )
    return Export(frame=frame)


def _support_audience(cast: Cast, directory: Directory) -> Audience:
    people, firms = cast.people, cast.firms
    rows = np.flatnonzero(_present(directory.zd_user))
    firm = people.firm[rows]
    health = firms.health[firm]
    weight: Floats = np.where(health >= 0, _TICKET_LOAD[np.maximum(health, 0)], 1.2)
    low, high = present(cast, since=directory.zd_created[rows])
    gone = firms.status[firm] == CHURNED
    high = np.where(gone, np.minimum(firms.churn_at[firm], high), high)
    weight = np.where(high > low, weight, 0.0)
    return Audience(people=rows, weight=weight, low=low, high=np.maximum(high, low))


def _ticket_state(
    cast: Cast, rng: np.random.Generator, *, when: Ints, risky: Bools
) -> dict[str, Ints]:
    count = len(when)
    age = (cast.clock.end - when) / DAY
    calm = rng.choice(4, size=count, p=(0.03, 0.15, 0.57, 0.25))
    tense = rng.choice(4, size=count, p=(0.15, 0.35, 0.40, 0.10))
    fresh = rng.choice(3, size=count, p=(0.4, 0.4, 0.2))
    recent = rng.choice((1, 2, 3), size=count, p=(0.35, 0.25, 0.4))
    old = rng.choice((3, 4), size=count, p=(0.3, 0.7))
    status = np.where(age < 2, fresh, np.where(age < 14, recent, old))
    happy = rng.choice(4, size=count, p=(0.60, 0.08, 0.17, 0.15))
    unhappy = rng.choice(4, size=count, p=(0.35, 0.35, 0.15, 0.15))
    rating = np.where(status >= 3, np.where(risky, unhappy, happy), 3)
    return {"priority": np.where(risky, tense, calm), "status": status, "rating": rating}


def tickets(cast: Cast, rng: np.random.Generator, *, directory: Directory, count: int) -> Export:
    """The ``zendesk.tickets`` export: at-risk customers file more, and more urgent, tickets."""
    who, when = draw(_support_audience(cast, directory), rng, count=count, hot=cast.journeys.latest)
    risky = cast.firms.health[cast.people.firm[who]] == HEALTH.index("at_risk")
    state = _ticket_state(cast, rng, when=when, risky=risky)
    updated = np.minimum(when + rng.exponential(3 * DAY, len(who)).astype(np.int64), cast.clock.end)
    width = max(5, len(str(len(who))) + 1)
    frame = pd.DataFrame(
        {
            "id": numeric_ids(rng, count=len(who), width=width, step=1),
            "requester_id": directory.zd_user[who],
            "organization_id": directory.zd_org[who],
            "subject": pick(TICKET_SUBJECTS, rng.integers(0, len(TICKET_SUBJECTS), len(who))),
            "priority": pick(_PRIORITIES, state["priority"]),
            "status": pick(_STATUSES, state["status"]),
            "satisfaction_rating": pick(_RATINGS, state["rating"]),
            "created_at": iso_times(when),
            "updated_at": iso_times(np.maximum(updated, when)),
        }
    )
    return Export(frame=frame)
