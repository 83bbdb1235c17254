"""The generated world: the source exports, the ground truth behind them, and their layout."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs
import pandas as pd

from customer_understanding._core import typed_fields

if TYPE_CHECKING:
    from customer_understanding.ingest import Source

__all__ = ["EXPORTS", "INTERACTION_EXPORTS", "RECORD_EXPORTS", "GroundTruth", "SampleWorld"]

_HS_STAGE_DATES = tuple(
    f"hs_lifecyclestage_{stage}_date"
    for stage in (
        "lead",
        "marketingqualifiedlead",
        "salesqualifiedlead",
        "opportunity",
        "customer",
        "evangelist",
    )
)

#: Every export the generator writes, with its columns in order.
EXPORTS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "salesforce.Account": (
        "Id", "Name", "Website", "Industry", "NumberOfEmployees", "AnnualRevenue",
        "BillingCountry", "BillingCity", "ParentId", "OwnerId", "CreatedDate",
    ),
    "salesforce.Contact": (
        "Id", "AccountId", "FirstName", "LastName", "Email", "Phone", "Title", "Department",
        "HasOptedOutOfEmail", "CreatedDate",
    ),
    "salesforce.Lead": (
        "Id", "FirstName", "LastName", "Email", "Phone", "Company", "Title", "Website", "Status",
        "LeadSource", "HasOptedOutOfEmail", "CreatedDate",
    ),
    "salesforce.Opportunity": (
        "Id", "AccountId", "Name", "Amount", "CurrencyIsoCode", "StageName", "IsClosed", "IsWon",
        "CreatedDate", "CloseDate", "OwnerId",
    ),
    "salesforce.OpportunityContactRole": (
        "Id", "OpportunityId", "ContactId", "Role", "IsPrimary",
    ),
    "salesforce.OpportunityHistory": ("Id", "OpportunityId", "StageName", "CreatedDate"),
    "salesforce.Task": (
        "Id", "WhoId", "WhatId", "AccountId", "Subject", "TaskSubtype", "Status", "CreatedDate",
    ),
    "salesforce.Event": (
        "Id", "WhoId", "WhatId", "AccountId", "Subject", "Type", "StartDateTime",
        "DurationInMinutes",
    ),
    "hubspot.companies": (
        "hs_object_id", "name", "domain", "industry", "numberofemployees", "country", "city",
        "createdate",
    ),
    "hubspot.contacts": (
        "hs_object_id", "email", "firstname", "lastname", "phone", "jobtitle", "company",
        "associatedcompanyid", "lifecyclestage", "hs_email_optout", "createdate",
        *_HS_STAGE_DATES,
    ),
    "hubspot.deals": (
        "hs_object_id", "dealname", "amount", "dealstage", "pipeline", "createdate", "closedate",
        "associatedcompanyid", "hubspot_owner_id",
    ),
    "hubspot.engagements": (
        "hs_object_id", "type", "hs_timestamp", "contact_id", "company_id", "subject",
    ),
    "hubspot.marketing_events": ("id", "recipient", "type", "created", "campaign"),
    "zendesk.organizations": ("id", "name", "domain_names", "created_at"),
    "zendesk.users": ("id", "name", "email", "phone", "organization_id", "role", "created_at"),
    "zendesk.tickets": (
        "id", "requester_id", "organization_id", "subject", "priority", "status",
        "satisfaction_rating", "created_at", "updated_at",
    ),
    "product.events": ("event_id", "user_id", "email", "event", "timestamp", "properties"),
    "web.visits": ("visit_id", "timestamp", "domain", "page", "email"),
    "salesforce.LeadHistory": ("Id", "LeadId", "Field", "OldValue", "NewValue", "CreatedDate"),
    "hubspot.lead_status_history": (
        "id", "contact_id", "property", "value", "timestamp", "source_type",
    ),
})  # fmt: skip

#: Exports whose rows are people or companies (each row has a row in ``truth.records``).
RECORD_EXPORTS: tuple[str, ...] = (
    "salesforce.Account", "salesforce.Contact", "salesforce.Lead", "hubspot.companies",
    "hubspot.contacts", "zendesk.organizations", "zendesk.users",
)  # fmt: skip

#: Exports whose rows are interactions; their sizes add up to ``interactions``.
INTERACTION_EXPORTS: tuple[str, ...] = (
    "hubspot.marketing_events", "web.visits", "product.events", "salesforce.Task",
    "salesforce.Event", "hubspot.engagements", "zendesk.tickets",
)  # fmt: skip


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class GroundTruth:
    """What really is true about a generated world, for checking what is inferred from it.

    Parameters
    ----------
    companies
        One row per company: ``company_id``, ``name``, ``domain``, ``industry``,
        ``employees``, ``country``, ``city``, ``parent_company_id`` (or ``None``),
        ``is_customer``, ``churned`` and ``stage``, the current
        :class:`~customer_understanding.Stage` value. A churned company's last stage is ``churned``.
    people
        One row per person: ``person_id``, ``company_id``, ``first_name``, ``last_name``,
        ``email`` (the true work address), ``title``, ``department``, ``seniority`` (a
        :class:`~customer_understanding.Seniority` value) and ``role`` (a
        :class:`~customer_understanding.Role` value, or ``None`` outside a buying committee).
    records
        Which entity each source record describes: ``source`` (an export name),
        ``source_id``, ``kind`` (``"person"`` or ``"company"``) and ``entity_id``. Record
        exports are listed row by row in export order, so the n-th row of an export
        matches its n-th row here; ``product.events`` adds one row per distinct ``user_id``.
    roles
        The true buying committee of every Salesforce opportunity: ``opportunity_id``,
        ``person_id`` and ``role``.
    stages
        Every lifecycle stage change: ``subject_kind`` (``"contact"`` or ``"account"``),
        ``subject_id``, ``stage`` and ``at`` (UTC).
    defects
        Every deliberately broken cell: ``source``, ``row`` (0-based position), ``column``,
        ``value`` and ``kind``.

    Examples
    --------
    >>> from customer_understanding.datasets import generate_world
    >>> truth = generate_world(accounts=20, interactions=2_000).truth
    >>> list(truth.roles.columns)
    ['opportunity_id', 'person_id', 'role']
    """

    companies: pd.DataFrame
    people: pd.DataFrame
    records: pd.DataFrame
    roles: pd.DataFrame
    stages: pd.DataFrame
    defects: pd.DataFrame


def _system(source: str) -> str:
    return source.split(".", 1)[0]


def _kind(source: str) -> str:
    if source in RECORD_EXPORTS:
        return "records"
    return "interactions" if source in INTERACTION_EXPORTS else "deals"


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class SampleWorld:
    """A generated B2B world: source-system exports plus the ground truth behind them.

    Parameters
    ----------
    sources
        The exports keyed by name (``"salesforce.Contact"`` …); see :data:`EXPORTS`.
    truth
        The :class:`GroundTruth` the exports were derived from.
    seed
        The seed that reproduces this world (drawn from the OS when none was given).
    start, end
        The window the interactions cover (UTC).

    Examples
    --------
    >>> from customer_understanding.datasets import generate_world
    >>> world = generate_world(accounts=20, interactions=2_000)
    >>> sorted(world.sources)[:3]
    ['hubspot.companies', 'hubspot.contacts', 'hubspot.deals']
    >>> world.sources["salesforce.Contact"].columns[:3].tolist()
    ['Id', 'AccountId', 'FirstName']
    """

    sources: Mapping[str, pd.DataFrame]
    truth: GroundTruth
    seed: int
    start: datetime
    end: datetime

    def as_sources(self) -> list[Source]:
        """The exports as :class:`~customer_understanding.ingest.Source` objects for loading.

        Each source is named after its export and mapped by the preset of the same name.

        Examples
        --------
        >>> from customer_understanding.datasets import generate_world
        >>> sources = generate_world(accounts=20, interactions=2_000).as_sources()
        >>> len(sources), sources[0].name, sources[0].mapping.target
        (20, 'salesforce.Account', 'account')
        """
        from customer_understanding.ingest import Source

        return [Source(name=name, data=frame, mapping=name) for name, frame in self.sources.items()]

    def summary(self) -> pd.DataFrame:
        """One row per export: its system, kind of rows, row count and injected defects.

        Examples
        --------
        >>> from customer_understanding.datasets import generate_world
        >>> table = generate_world(accounts=20, interactions=2_000).summary()
        >>> table.columns.tolist()
        ['source', 'system', 'kind', 'rows', 'defects']
        >>> int(table.loc[table["kind"] == "interactions", "rows"].sum())
        2000
        """
        defects = self.truth.defects["source"].value_counts()
        names = list(self.sources)
        return pd.DataFrame(
            {
                "source": names,
                "system": [_system(name) for name in names],
                "kind": [_kind(name) for name in names],
                "rows": [len(self.sources[name]) for name in names],
                "defects": [int(defects.get(name, 0)) for name in names],
            }
        )
