"""The generator: draws a world, writes each system's exports and keeps the ground truth."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType

import attrs
import numpy as np
import pandas as pd

from customer_understanding._core import object_values
from customer_understanding._errors import InvalidValueError
from customer_understanding.datasets import _activity as act
from customer_understanding.datasets import _activity_sales as sales
from customer_understanding.datasets import _crm as crm
from customer_understanding.datasets import _lead_status as status
from customer_understanding.datasets import _marketing as mkt
from customer_understanding.datasets import _pipeline as pipe
from customer_understanding.datasets import _service as svc
from customer_understanding.datasets._cast import Cast, Directory, Export
from customer_understanding.datasets._consent import consent_exports
from customer_understanding.datasets._deals import busy_firms, missing_buyers, plan_deals
from customer_understanding.datasets._defects import inject_defects, no_defects
from customer_understanding.datasets._firms import CHURNED, CUSTOMER, Clock, make_firms
from customer_understanding.datasets._history import ticket_audits
from customer_understanding.datasets._inboxes import share_inboxes
from customer_understanding.datasets._journeys import FIRM_STAGES, make_journeys, stage_table
from customer_understanding.datasets._people import make_people
from customer_understanding.datasets._renewals import add_revenue_events
from customer_understanding.datasets._text import Ints, Strs, keep, objects, pick
from customer_understanding.datasets._titles import vary_titles
from customer_understanding.datasets._world import EXPORTS, RECORD_EXPORTS, GroundTruth, SampleWorld
from customer_understanding.domain import to_utc

__all__ = ["generate_world"]

_COMPANY_EXPORTS = frozenset({"salesforce.Account", "hubspot.companies", "zendesk.organizations"})
_ID_COLUMN = {"salesforce": "Id", "hubspot": "hs_object_id", "zendesk": "id"}


def _count(name: str, value: object, *, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        msg = f"{name}={value!r} must be an integer"
        raise InvalidValueError(msg)
    if value < least:
        msg = f"{name}={value!r} must be >= {least}"
        raise InvalidValueError(msg)
    return int(value)


def _end(value: object) -> datetime:
    if not isinstance(value, datetime):
        msg = f"end={value!r} must be a datetime"
        raise InvalidValueError(msg)
    return to_utc(value)


def _cast(clock: Clock, rng: np.random.Generator, *, accounts: int, seed: int) -> Cast:
    firms = make_firms(clock, rng, count=accounts)
    deals = plan_deals(firms, rng, clock=clock)
    busy = busy_firms(deals, clock=clock, count=firms.size)
    has_deal = np.zeros(firms.size, dtype=np.bool_)
    has_deal[deals.firm] = True
    people = make_people(firms, rng, roles=has_deal, no_buyer=missing_buyers(busy, rng))
    # Titles as written (local languages, abbreviations) from a generator of their own.
    written = vary_titles(people.title, np.random.default_rng([seed, 11_04]),
                          country_code=firms.country_code, firm=people.firm)  # fmt: skip
    people = attrs.evolve(people, title=written)
    journeys = make_journeys((firms, deals, people), rng, clock=clock)
    return Cast(clock=clock, firms=firms, deals=deals, people=people, journeys=journeys, busy=busy)


def _salesforce(
    cast: Cast, rng: np.random.Generator
) -> tuple[dict[str, Export], dict[str, Strs], pd.DataFrame]:
    account, account_of_firm = crm.accounts(cast, rng, chosen=crm.sales_firms(cast, rng))
    contact, contact_of_person = crm.contacts(cast, rng, account_of_firm=account_of_firm)
    lead, lead_of_person = crm.leads(cast, rng, contact=contact_of_person)
    deals, deal_ids = pipe.opportunities(cast, rng, account_of_firm=account_of_firm)
    committees = pipe.committees(cast, opportunity_of_deal=deal_ids)
    exports = {
        "salesforce.Account": account,
        "salesforce.Contact": contact,
        "salesforce.Lead": lead,
        "salesforce.Opportunity": deals,
        "salesforce.OpportunityContactRole": pipe.contact_roles(
            committees, rng, contact=contact_of_person
        ),
        "salesforce.OpportunityHistory": pipe.stage_history(
            cast, rng, opportunity_of_deal=deal_ids
        ),
    }
    ids = {
        "sf_account_of_firm": account_of_firm,
        "sf_contact": contact_of_person,
        "sf_lead": lead_of_person,
        "opportunity_of_deal": deal_ids,
    }
    return exports, ids, pipe.role_truth(committees, people_ids=cast.people.ids)


def _elsewhere(
    cast: Cast, rng: np.random.Generator
) -> tuple[dict[str, Export], dict[str, Strs], dict[str, Ints]]:
    known = mkt.hubspot_people(cast, rng)
    companies, company_of_firm = mkt.hubspot_companies(cast, rng, known=known)
    contacts, marketing, in_hubspot = mkt.hubspot_contacts(
        cast, rng, known=known, company_of_firm=company_of_firm
    )
    organizations, org_of_firm = svc.zendesk_organizations(cast, rng)
    users, support, in_zendesk = svc.zendesk_users(cast, rng, org_of_firm=org_of_firm)
    exports = {
        "hubspot.companies": companies,
        "hubspot.contacts": contacts,
        "hubspot.deals": pipe.hubspot_deals(cast, rng, company_of_firm=company_of_firm),
        "zendesk.organizations": organizations,
        "zendesk.users": users,
    }
    ids = {"hs_company_of_firm": company_of_firm, "zd_org_of_firm": org_of_firm}
    ids |= marketing | support | svc.product_users(cast, rng)
    return exports, ids, {"hs_created": in_hubspot, "zd_created": in_zendesk}


def _directory(ids: Mapping[str, Strs], *, seen: Mapping[str, Ints]) -> Directory:
    return Directory(
        sf_account_of_firm=ids["sf_account_of_firm"],
        sf_contact=ids["sf_contact"],
        sf_lead=ids["sf_lead"],
        opportunity_of_deal=ids["opportunity_of_deal"],
        hs_company_of_firm=ids["hs_company_of_firm"],
        hs_contact=ids["hs_contact"],
        hs_email=ids["hs_email"],
        hs_company=ids["hs_company"],
        hs_created=seen["hs_created"],
        zd_org_of_firm=ids["zd_org_of_firm"],
        zd_user=ids["zd_user"],
        zd_org=ids["zd_org"],
        zd_created=seen["zd_created"],
        product_user=ids["product_user"],
        product_email=ids["product_email"],
    )


def _interactions(
    cast: Cast, rng: np.random.Generator, *, directory: Directory, total: int
) -> dict[str, Export]:
    """Every interaction export; the web absorbs what streams with nobody to draw could not."""
    makers = {
        "hubspot.marketing_events": act.marketing_events,
        "product.events": act.product_events,
        "salesforce.Task": sales.tasks,
        "salesforce.Event": sales.sales_events,
        "hubspot.engagements": sales.engagements,
        "zendesk.tickets": sales.tickets,
    }
    counts = act.allocate(total)
    made = {
        name: make(cast, rng, directory=directory, count=counts[name])
        for name, make in makers.items()
    }
    rest = total - sum(len(export.frame) for export in made.values())
    made["web.visits"] = act.web_visits(cast, rng, directory=directory, count=rest)
    return made


def _records(exports: Mapping[str, Export], frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    parts = []
    for source in RECORD_EXPORTS:
        ids = object_values(frames[source][_ID_COLUMN[source.split(".")[0]]])
        kind = "company" if source in _COMPANY_EXPORTS else "person"
        entities = exports[source].entities
        parts.append(
            pd.DataFrame({"source": source, "source_id": ids, "kind": kind, "entity_id": entities})
        )
    return pd.concat(parts, ignore_index=True)


def _product_records(
    frames: Mapping[str, pd.DataFrame], *, directory: Directory, people_ids: Strs
) -> pd.DataFrame:
    """One record per product user id seen in ``product.events``."""
    users = pd.unique(object_values(frames["product.events"]["user_id"]))
    owner = {
        user: person
        for user, person in zip(directory.product_user, people_ids, strict=True)
        if user is not None
    }
    return pd.DataFrame(
        {
            "source": "product.events",
            "source_id": users,
            "kind": "person",
            "entity_id": objects([owner[str(user)] for user in users]),
        }
    )


def _companies(cast: Cast) -> pd.DataFrame:
    firms = cast.firms
    return pd.DataFrame(
        {
            "company_id": firms.ids,
            "name": firms.name,
            "domain": firms.domain,
            "industry": firms.industry,
            "employees": firms.employees,
            "country": firms.country,
            "city": firms.city,
            "parent_company_id": keep(firms.ids[firms.parent], firms.parent >= 0),
            "is_customer": firms.status == CUSTOMER,
            "churned": firms.status == CHURNED,
            "stage": pick(FIRM_STAGES, cast.journeys.firm_stage),
        }
    )


def _people(cast: Cast) -> pd.DataFrame:
    people = cast.people
    return pd.DataFrame(
        {
            "person_id": people.ids,
            "company_id": cast.firms.ids[people.firm],
            "first_name": people.first,
            "last_name": people.last,
            "email": people.email,
            "title": people.title,
            "department": people.department,
            "seniority": people.seniority,
            "role": people.role,
        }
    )


def generate_world(
    *,
    accounts: int = 300,
    interactions: int = 100_000,
    seed: int | None = 0,
    end: datetime = datetime(2026, 10, 31, tzinfo=UTC),
    months: int = 18,
    defects: bool = True,
) -> SampleWorld:
    """Generate a seeded B2B world: every system's exports plus the truth behind them.

    Parameters
    ----------
    accounts
        How many companies the world holds (at least 1).
    interactions
        How many interaction rows to write across the activity exports (at least 0).
    seed
        Seed for the random generator; ``None`` draws one from the OS (see
        :attr:`SampleWorld.seed`). The same seed gives the same world.
    end
        The end of the interaction window (UTC; a naive datetime is taken as UTC).
    months
        The window's length in months (at least 1).
    defects
        Whether to break a few cells of some exports, as real exports have them.

    Returns
    -------
    SampleWorld
        The exports keyed by name and the :class:`GroundTruth`.

    Raises
    ------
    InvalidValueError
        If an argument is out of range; the message names it and its value.

    Examples
    --------
    >>> world = generate_world(accounts=20, interactions=2_000)
    >>> world.sources["salesforce.Account"].columns[:3].tolist()
    ['Id', 'Name', 'Website']
    >>> len(world.truth.companies)
    20
    >>> generate_world(accounts=0)
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: accounts=0 must be >= 1
    """
    sizes = {
        "accounts": _count("accounts", accounts, least=1),
        "interactions": _count("interactions", interactions, least=0),
        "months": _count("months", months, least=1),
    }
    number = secrets.randbits(63) if seed is None else _count("seed", seed, least=0)
    stop = _end(end)
    rng = np.random.default_rng(number)
    clock = Clock.ending(stop, months=sizes["months"])
    cast = _cast(clock, rng, accounts=sizes["accounts"], seed=number)
    own = (np.random.default_rng([number, 11_07]), np.random.default_rng([number, 11_05]))
    frames, truth = _write(
        cast, (rng, *own), interactions=sizes["interactions"], defects=defects, seed=number
    )
    truth = attrs.evolve(truth, shared_inboxes=share_inboxes(
        frames, records=truth.records, people=truth.people, companies=truth.companies,
        defects=truth.defects, seed=number))  # fmt: skip
    frames, truth = _with_consent(frames, truth, clock=clock, seed=number)
    start = datetime.fromtimestamp(clock.start, tz=UTC)
    sources = MappingProxyType(frames)
    return SampleWorld(sources=sources, truth=truth, seed=number, start=start, end=stop)


def _with_consent(
    frames: dict[str, pd.DataFrame], truth: GroundTruth, *, clock: Clock, seed: int
) -> tuple[dict[str, pd.DataFrame], GroundTruth]:
    """Add the consent logs, drawn from a generator of their own (slice 3 of issue 11)."""
    rng = np.random.default_rng([seed, 11_03])
    # A shared inbox's subscription is the mailbox's, not one person's: none is drawn for it.
    shared = frozenset(truth.shared_inboxes["address"])
    logs, statements = consent_exports(
        frames, truth.records, truth.defects, clock=clock, rng=rng, shared=shared
    )
    frames = {name: logs[name] if name in logs else frames[name] for name in EXPORTS}
    return frames, attrs.evolve(truth, consents=statements)


def _lead_statuses(cast: Cast, rng: np.random.Generator, *, exports: dict[str, Export]) -> None:
    """Add the lead-status histories and evangelist dates (drawn from their own ``rng``)."""
    contacts = exports["hubspot.contacts"]
    exports["salesforce.LeadHistory"] = status.lead_history(
        cast, rng, leads=exports["salesforce.Lead"]
    )
    exports["hubspot.lead_status_history"] = status.hubspot_lead_status_history(
        cast, rng, contacts=contacts
    )
    exports["hubspot.contacts"] = status.evangelist_dates(cast, rng, contacts=contacts)


def _write(
    cast: Cast,
    generators: tuple[np.random.Generator, np.random.Generator, np.random.Generator],
    *,
    interactions: int,
    defects: bool,
    seed: int,
) -> tuple[dict[str, pd.DataFrame], GroundTruth]:
    """Write every export from the true world, break some cells, and assemble the truth.

    ``generators`` holds the shared generator, then the ticket-history and the lifecycle
    slices' own ones (their draws leave the rest of the world unchanged).
    """
    rng, history, lifecycle = generators
    exports, sf_ids, roles = _salesforce(cast, rng)
    more, other_ids, seen = _elsewhere(cast, rng)
    directory = _directory(sf_ids | other_ids, seen=seen)
    exports.update(more)
    exports.update(_interactions(cast, rng, directory=directory, total=interactions))
    audits, tickets = ticket_audits(exports["zendesk.tickets"].frame, history)
    exports["zendesk.ticket_audits"], exports["zendesk.tickets"] = audits, tickets
    _lead_statuses(cast, lifecycle, exports=exports)
    frames = {name: exports[name].frame for name in EXPORTS if name in exports}
    broken = inject_defects(frames, rng) if defects else no_defects()
    deals = add_revenue_events(frames, cast, seed=seed, ids=sf_ids | other_ids)
    records = [
        _records(exports, frames),
        _product_records(frames, directory=directory, people_ids=cast.people.ids),
    ]
    truth = GroundTruth(
        companies=_companies(cast),
        people=_people(cast),
        records=pd.concat(records, ignore_index=True),
        roles=roles,
        stages=stage_table(cast.journeys, people=cast.people, firms=cast.firms),
        defects=broken,
        deals=deals,
    )
    return frames, truth
