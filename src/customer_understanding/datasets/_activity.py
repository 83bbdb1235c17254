"""Interaction exports for marketing and product: e-mail events, web visits, product events.

Each stream draws its actors with weights that follow their lifecycle (MQLs and people on
open deals are busier, dormant customers quiet) and spreads their times over the part of
the window in which they existed, with a share bunched around their latest stage change.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np
import pandas as pd

from customer_understanding._core import typed_fields
from customer_understanding.datasets._cast import Cast, Directory, Export, none_like
from customer_understanding.datasets._catalog import CAMPAIGN_THEMES, FEATURES, PAGES
from customer_understanding.datasets._firms import CHURNED, HEALTH
from customer_understanding.datasets._ids import hex_ids, numeric_ids
from customer_understanding.datasets._journeys import FIRM_STAGES
from customer_understanding.datasets._text import (
    DAY,
    Bools,
    Floats,
    Ints,
    Strs,
    ints,
    iso_times,
    keep,
    objects,
    pick,
)

__all__ = [
    "SHARES",
    "Audience",
    "allocate",
    "attention",
    "draw",
    "marketing_events",
    "present",
    "product_events",
    "web_visits",
]

#: Share of all interactions each export holds.
SHARES: Mapping[str, float] = {
    "hubspot.marketing_events": 0.45,
    "web.visits": 0.20,
    "product.events": 0.25,
    "salesforce.Task": 0.035,
    "salesforce.Event": 0.015,
    "hubspot.engagements": 0.03,
    "zendesk.tickets": 0.02,
}
#: How much marketing attention a person draws in each stage (order of PERSON_STAGES).
_MARKETING = np.array([0.4, 1.0, 3.0, 2.5, 2.0, 2.5, 0.8, 0.6, 0.7])
_EMAIL_TYPES = ("SENT", "OPEN", "CLICK", "BOUNCE", "UNSUBSCRIBED", "SPAMREPORT",
                "FORM_SUBMISSION", "WEBINAR", "CONTENT_DOWNLOAD")  # fmt: skip
_EMAIL_COLD = (62.0, 20.0, 5.0, 2.5, 0.6, 0.1, 3.5, 1.8, 4.5)
_EMAIL_HOT = (40.0, 28.0, 12.0, 1.0, 0.3, 0.05, 8.0, 4.0, 6.65)
_PRODUCT_EVENTS = ("Login", "Feature Used", "Seats Changed", "Invite Sent")
_HEALTH_USE = np.array([1.2, 1.0, 0.45, 0.08, 1.6])
_ROLE_USE = {"user": 2.0, "technical_evaluator": 1.5, "champion": 1.2, "economic_buyer": 0.3}


def allocate(total: int) -> dict[str, int]:
    """Split ``total`` interactions over the exports by :data:`SHARES`, exactly.

    Examples
    --------
    >>> counts = allocate(1000)
    >>> counts["hubspot.marketing_events"], sum(counts.values())
    (450, 1000)
    """
    raw = {name: share * total for name, share in SHARES.items()}
    counts = {name: int(value) for name, value in raw.items()}
    spare = total - sum(counts.values())
    for name in sorted(raw, key=lambda n: counts[n] - raw[n])[:spare]:
        counts[name] += 1
    return counts


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Audience:
    """Who a stream draws from: person positions, their weights and active time ranges."""

    people: Ints
    weight: Floats
    low: Ints
    high: Ints

    @property
    def ready(self) -> bool:
        """Whether anybody can be drawn."""
        return bool(len(self.people)) and float(self.weight.sum()) > 0


def draw(
    audience: Audience, rng: np.random.Generator, *, count: int, hot: Ints, burst: float = 0.3
) -> tuple[Ints, Ints]:
    """Draw ``count`` (person, time) pairs, time-ordered; ``burst`` bunch near ``hot`` times."""
    if count == 0 or not audience.ready:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pick_at = rng.choice(
        len(audience.people), size=count, p=audience.weight / audience.weight.sum()
    )
    who, low, high = audience.people[pick_at], audience.low[pick_at], audience.high[pick_at]
    when = low + (rng.random(count) * (high - low)).astype(np.int64)
    near = hot[who] + rng.normal(0, 10 * DAY, count).astype(np.int64)
    bunch = (rng.random(count) < burst) & (near >= low) & (near < high)
    when = np.where(bunch, near, when)
    order = np.argsort(when, kind="stable")
    return who[order], when[order]


def attention(cast: Cast) -> Floats:
    """How much attention each company draws: more with open deals, little once dormant or gone."""
    firms = cast.firms
    factor = np.where(cast.busy, 1.5, 1.0)
    factor = np.where(firms.health == HEALTH.index("dormant"), 0.3, factor)
    return np.where(firms.status == CHURNED, 0.3, factor)


def present(cast: Cast, *, since: Ints) -> tuple[Ints, Ints]:
    """Each person's active range: from ``since`` (or the window start) to the window end."""
    low = np.maximum(since, cast.clock.start)
    high = np.full(len(since), cast.clock.end, dtype=np.int64)
    return np.minimum(low, high), high


def _campaigns(when: Ints, rng: np.random.Generator) -> Strs:
    month = when.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    first = int(month.min()) if len(month) else 0
    labels = [str(np.datetime64(m, "M")) for m in range(first, int(month.max(initial=first)) + 1)]
    names = [f"{label} {theme}" for label in labels for theme in CAMPAIGN_THEMES]
    theme = rng.integers(0, len(CAMPAIGN_THEMES), len(when))
    return pick(names, (month - first) * len(CAMPAIGN_THEMES) + theme)


def marketing_events(
    cast: Cast, rng: np.random.Generator, *, directory: Directory, count: int
) -> Export:
    """The ``hubspot.marketing_events`` export: e-mail, form, webinar and download events."""
    people, journeys = cast.people, cast.journeys
    rows = np.flatnonzero([value is not None for value in directory.hs_email])
    stage = journeys.person_stage
    weight = _MARKETING[stage[rows]] * attention(cast)[people.firm[rows]]
    weight *= np.where(people.opted_out[rows], 0.1, 1.0)
    low, high = present(cast, since=directory.hs_created[rows])
    audience = Audience(people=rows, weight=weight, low=low, high=high)
    who, when = draw(audience, rng, count=count, hot=journeys.latest)
    hot = (stage[who] >= 2) & (stage[who] <= 5)
    cold_type = rng.choice(
        len(_EMAIL_TYPES), size=len(who), p=np.array(_EMAIL_COLD) / sum(_EMAIL_COLD)
    )
    hot_type = rng.choice(
        len(_EMAIL_TYPES), size=len(who), p=np.array(_EMAIL_HOT) / sum(_EMAIL_HOT)
    )
    frame = pd.DataFrame(
        {
            "id": numeric_ids(rng, count=len(who), width=11, step=3),
            "recipient": directory.hs_email[who],
            "type": pick(_EMAIL_TYPES, np.where(hot, hot_type, cold_type)),
            "created": iso_times(when),
            "campaign": _campaigns(when, rng),
        }
    )
    return Export(frame=frame)


def _pages(hot: Bools, rng: np.random.Generator) -> Strs:
    cold_weight = np.array([page[1] for page in PAGES])
    hot_weight = np.array([page[2] for page in PAGES])
    cold = rng.choice(len(PAGES), size=len(hot), p=cold_weight / cold_weight.sum())
    warm = rng.choice(len(PAGES), size=len(hot), p=hot_weight / hot_weight.sum())
    return pick([page[0] for page in PAGES], np.where(hot, warm, cold))


def web_visits(cast: Cast, rng: np.random.Generator, *, directory: Directory, count: int) -> Export:
    """The ``web.visits`` export: page views, 40% from visitors nobody can place."""
    people, journeys, clock = cast.people, cast.journeys, cast.clock
    rows = np.arange(people.size)
    weight = _MARKETING[journeys.person_stage] * attention(cast)[people.firm]
    low, high = present(cast, since=journeys.known_at)
    audience = Audience(people=rows, weight=weight, low=low, high=high)
    placed = int((rng.random(count) >= 0.4).sum()) if audience.ready else 0
    who, when = draw(audience, rng, count=placed, hot=journeys.latest)
    strangers = clock.start + (rng.random(count - placed) * clock.span).astype(np.int64)
    firm = people.firm[who]
    seen = keep(directory.hs_email[who], rng.random(placed) < 0.15)
    hot = cast.busy[firm] | (journeys.person_stage[who] == 4) | (journeys.person_stage[who] == 5)
    nobody = np.zeros(count - placed, dtype=np.bool_)
    times = np.concatenate([when, strangers])
    order = np.argsort(times, kind="stable")
    frame = pd.DataFrame(
        {
            "visit_id": hex_ids("v_", rng, count=count, width=12),
            "timestamp": iso_times(times[order]),
            "domain": np.concatenate([cast.firms.domain[firm], none_like(count - placed)])[order],
            "page": np.concatenate([_pages(hot, rng), _pages(nobody, rng)])[order],
            "email": np.concatenate([seen, none_like(count - placed)])[order],
        }
    )
    return Export(frame=frame)


def _usage(cast: Cast, directory: Directory) -> Audience:
    people, firms, journeys, clock = cast.people, cast.firms, cast.journeys, cast.clock
    rows = np.flatnonzero([value is not None for value in directory.product_user])
    firm = people.firm[rows]
    health = firms.health[firm]
    weight = np.where(health >= 0, _HEALTH_USE[np.maximum(health, 0)], 0.6)
    weight *= np.array([_ROLE_USE.get(str(role), 0.6) for role in people.role[rows]])
    low = np.maximum(np.maximum(firms.won_at[firm], journeys.known_at[rows]), clock.start)
    dormant = journeys.firm[firm, FIRM_STAGES.index("dormant")] + 7 * DAY
    high = np.where(health == HEALTH.index("dormant"), dormant, clock.end)
    high = np.minimum(
        np.where(firms.status[firm] == CHURNED, firms.churn_at[firm], high), clock.end
    )
    weight = np.where(high > low, weight, 0.0)
    return Audience(people=rows, weight=weight, low=low, high=np.maximum(high, low))


def _properties(cast: Cast, rng: np.random.Generator, *, who: Ints, event: Ints) -> Strs:
    """JSON properties: the feature used, the new seat count or the invitee's role."""
    firm = cast.people.firm[who]
    quiet = np.isin(cast.firms.health[firm], (HEALTH.index("at_risk"), HEALTH.index("dormant")))
    reach = 1.0 / np.arange(1, len(FEATURES) + 1)
    basics = rng.integers(0, 3, len(who))
    feature = np.where(
        quiet, basics, rng.choice(len(FEATURES), size=len(who), p=reach / reach.sum())
    )
    used = pick([f'{{"feature": "{name}"}}' for name in FEATURES], feature)
    invited = pick(('{"role": "member"}', '{"role": "admin"}'), ints(rng.random(len(who)) < 0.2))
    out = keep(np.where(event == 3, invited, used), (event == 1) | (event == 3))
    seats = np.maximum(
        np.round(cast.firms.employees[firm] * 0.1) + rng.integers(-3, 6, len(who)), 1
    )
    changed = np.flatnonzero(event == 2)
    out[changed] = objects([f'{{"seats": {int(n)}}}' for n in seats[changed]])
    return out


def product_events(
    cast: Cast, rng: np.random.Generator, *, directory: Directory, count: int
) -> Export:
    """The ``product.events`` export: logins and feature use by customers' users."""
    audience = _usage(cast, directory)
    who, when = draw(audience, rng, count=count, hot=cast.journeys.latest, burst=0.0)
    firm = cast.people.firm[who]
    quiet = np.isin(cast.firms.health[firm], (HEALTH.index("at_risk"), HEALTH.index("dormant")))
    busy = rng.choice(4, size=len(who), p=(0.42, 0.50, 0.02, 0.06))
    slow = rng.choice(4, size=len(who), p=(0.62, 0.34, 0.02, 0.02))
    event = np.where(quiet, slow, busy)
    frame = pd.DataFrame(
        {
            "event_id": hex_ids("evt_", rng, count=len(who), width=12),
            "user_id": directory.product_user[who],
            "email": directory.product_email[who],
            "event": pick(_PRODUCT_EVENTS, event),
            "timestamp": iso_times(when),
            "properties": _properties(cast, rng, who=who, event=event),
        }
    )
    return Export(frame=frame)
