"""The generated world: the source exports, the ground truth behind them, and their layout."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from customer_understanding._core import parse_moment, typed_fields
from customer_understanding.datasets._consent import CONSENT_COLUMNS, CONSENT_TRUTH
from customer_understanding.datasets._inboxes import no_shared_inboxes

if TYPE_CHECKING:
    from customer_understanding.ingest import Source
    from customer_understanding.typing import AsOf

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
        "CreatedDate", "CloseDate", "OwnerId", "Type",
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
        "associatedcompanyid", "hubspot_owner_id", "dealtype",
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
    "zendesk.ticket_audits": (
        "id", "ticket_id", "created_at", "author_id", "status", "satisfaction_rating",
    ),
    "product.events": ("event_id", "user_id", "email", "event", "timestamp", "properties"),
    "web.visits": ("visit_id", "timestamp", "domain", "page", "email"),
    "salesforce.LeadHistory": ("Id", "LeadId", "Field", "OldValue", "NewValue", "CreatedDate"),
    "hubspot.lead_status_history": (
        "id", "contact_id", "property", "value", "timestamp", "source_type",
    ),
    **CONSENT_COLUMNS,
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


#: Exports whose rows are the changes of another export's state columns (audit trails).
_HISTORY_EXPORTS: tuple[str, ...] = ("zendesk.ticket_audits",)


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
        ``email`` (the true work address), ``title`` (as the person writes it: some in
        their company's language — German, French, Spanish, Dutch — or abbreviated, such
        as ``"Leiter Einkauf"`` or ``"Sr SWE"``), ``department`` and ``seniority`` (a
        :class:`~customer_understanding.Seniority` value) of the job behind the title, and
        ``role`` (a
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
    consents
        Every dated consent statement of the consent exports: ``person_id``, ``purpose``
        (a :class:`~customer_understanding.ConsentPurpose` value), ``channel`` (``None``
        for every channel), ``status`` (``granted``, ``denied`` or ``unknown``), ``at``
        (UTC), ``source`` (the export) and ``source_id`` (its ``Id``, or the row number
        for ``hubspot.subscriptions``). The statement in force for a person and purpose is
        the latest stated one (granted or denied); a denial wins a tie.
    deals
        Every Salesforce opportunity, yearly renewals included: ``opportunity_id``,
        ``company_id``, ``kind`` (``"new"``, ``"renewal"`` or ``"expansion"``), ``outcome``
        (``"open"``, ``"won"`` or ``"lost"``) and ``closed_at`` (UTC, missing while open).
        A customer renews every year after its first won deal; a churned one renews until
        its last year and then loses its renewal. Empty when not generated.
    shared_inboxes
        People of one company writing from one team address (``info@``, ``sales@`` …, or
        one named after the company): ``address``, ``person_id`` and the record that
        carries it (``source``, ``source_id``). Each record still describes its person.

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
    consents: pd.DataFrame = attrs.field(factory=lambda: pd.DataFrame(columns=CONSENT_TRUTH))
    deals: pd.DataFrame = attrs.field(factory=pd.DataFrame)
    shared_inboxes: pd.DataFrame = attrs.field(factory=no_shared_inboxes)


def _records_kept(
    records: pd.DataFrame, frames: Mapping[str, pd.DataFrame], kept: Mapping[str, Any]
) -> pd.DataFrame:
    """The truth's record rows of the records an export still holds, in the same order."""
    keep = np.zeros(len(records), dtype=bool)
    source = records["source"].to_numpy(dtype=object)
    for name in RECORD_EXPORTS:
        rows = np.flatnonzero(source == name)
        keep[rows] = kept[name][: len(rows)] if name in kept else True
    product = np.flatnonzero(source == "product.events")
    if "product.events" in frames:
        users = set(frames["product.events"]["user_id"].dropna().tolist())
        keep[product] = records["source_id"].iloc[product].isin(users).to_numpy()
    return records[keep].reset_index(drop=True)


def _system(source: str) -> str:
    return source.split(".", 1)[0]


def _kind(source: str) -> str:
    if source in RECORD_EXPORTS:
        return "records"
    if source in _HISTORY_EXPORTS:
        return "history"
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
        (23, 'salesforce.Account', 'account')
        """
        from customer_understanding.ingest import Source

        return [Source(name=name, data=frame, mapping=name) for name, frame in self.sources.items()]

    def cut(self, *, as_of: AsOf) -> SampleWorld:
        """The world as its exports would have been exported at ``as_of``.

        Rows that came to be after ``as_of`` are dropped (a row whose time cannot be read
        is kept, as an export would still carry it) and state columns are rewound from
        their histories: a Salesforce deal's stage and closed/won flags from its stage
        history and close date, a ticket's status, rating and update time from its audit
        trail, a HubSpot contact's lifecycle stage and stage dates. Columns no history
        tells about (a lead's status, opt-outs, amounts, priorities) keep their final
        value. ``truth.records`` keeps the rows of the records kept, so it still lines up
        with the exports; the rest of the truth is about the whole world. ``end``
        becomes ``as_of`` (when earlier). ``None`` cuts at the world's end.

        A base built from the cut exports must show, as of ``as_of``, what a base built
        from the whole world shows as of ``as_of``: that is how traits are checked for
        leaks from the future.

        Raises
        ------
        InvalidValueError
            If ``as_of`` is no moment, or an export has no cut rule.

        Examples
        --------
        >>> from customer_understanding.datasets import generate_world
        >>> world = generate_world(accounts=20, interactions=2_000)
        >>> past = world.cut(as_of="2026-01-01")
        >>> past.end.isoformat()
        '2026-01-01T00:00:00+00:00'
        >>> len(past.sources["web.visits"]) < len(world.sources["web.visits"])
        True
        """
        from customer_understanding.datasets._cut import cut_exports

        moment = parse_moment(self.end if as_of is None else as_of, name="as_of")
        frames, kept = cut_exports(self.sources, int(moment), records=self.truth.records)
        return SampleWorld(
            sources=MappingProxyType(frames),
            truth=attrs.evolve(self.truth, records=_records_kept(self.truth.records, frames, kept)),
            seed=self.seed,
            start=self.start,
            end=min(self.end, moment.datetime),
        )

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
