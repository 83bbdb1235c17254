"""Lead-status histories: how each lead's status moved, as the CRM and marketing tool log it.

Two exports carry them. ``salesforce.LeadHistory`` is Salesforce's field history of the
``Status`` field of leads (one row per value a lead held, the first at its creation);
``hubspot.lead_status_history`` is HubSpot's property history of ``hs_lead_status``
(one row per value, read with ``propertiesWithHistory``). Both follow each person's true
walk through the waterfall, so a base built from them holds the engaged, SAL and
recycled entries the truth has. HubSpot contacts of advocates also get the date they
became evangelists (``hs_lifecyclestage_evangelist_date``).

Everything here draws from its own generator, so the rest of the world stays as it was.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from customer_understanding._core import object_values
from customer_understanding.datasets._cast import Cast, Export
from customer_understanding.datasets._ids import numeric_ids, salesforce_ids
from customer_understanding.datasets._journeys import FIRM_STAGES, PERSON_STAGES
from customer_understanding.datasets._text import (
    HOUR,
    Ints,
    Strs,
    epoch_seconds,
    iso_times,
    iso_times_or_none,
)

__all__ = ["evangelist_dates", "hubspot_lead_status_history", "lead_history"]

#: Salesforce lead statuses of the stages a lead's status names (conversion: ``opportunity``).
_SF_STATUS = {"known": "Open - Not Contacted", "engaged": "Working - Contacted",
              "mql": "Marketing Qualified", "sal": "Sales Accepted",
              "sql": "Sales Qualified", "opportunity": "Closed - Converted",
              "recycled": "Closed - Not Converted"}  # fmt: skip
#: HubSpot's default lead statuses for the stages they stand for (MQL and SQL are lifecycle
#: stages there, dated by the contact's own stage-date columns).
_HS_STATUS = {"known": "NEW", "engaged": "CONNECTED", "sal": "IN_PROGRESS",
              "opportunity": "OPEN_DEAL", "recycled": "UNQUALIFIED"}  # fmt: skip


def _person_rows(cast: Cast, entities: Strs | None) -> Ints:
    index = pd.Index(cast.people.ids)
    return np.asarray(
        index.get_indexer(pd.Index(object_values(pd.Series(entities)))), dtype=np.int64
    )


def _walk(
    cast: Cast, person: Ints, *, statuses: dict[str, str], since: Ints, until: Ints
) -> tuple[Ints, Strs, Ints]:
    """(record row, status, time) for every status each record's person held in its span."""
    parts: list[tuple[Ints, Strs, Ints]] = []
    for stage, label in statuses.items():
        reached = cast.journeys.person[person, PERSON_STAGES.index(stage)]
        held = (reached >= 0) & (reached <= until)
        rows = np.flatnonzero(held)
        parts.append(
            (rows, np.full(len(rows), label, dtype=object), np.maximum(reached, since)[rows])
        )
    rows = np.concatenate([part[0] for part in parts])
    labels = np.concatenate([part[1] for part in parts])
    at = np.concatenate([part[2] for part in parts])
    order = np.lexsort((at, rows))
    return rows[order], labels[order], at[order]


def lead_history(cast: Cast, rng: np.random.Generator, *, leads: Export) -> Export:
    """The ``salesforce.LeadHistory`` export (``Field = 'Status'`` rows) of every lead.

    A lead created at a person's first touch follows the person's walk up to its current
    status; a lead created later (a returning contact) only holds its status at creation.
    """
    frame = leads.frame
    person = _person_rows(cast, leads.entities)
    created = epoch_seconds(frame["CreatedDate"])
    first = np.abs(created - cast.journeys.known_at[person]) <= 4 * 24 * HOUR
    until = np.where(first, cast.clock.end, created)
    rows, labels, at = _walk(cast, person, statuses=_SF_STATUS, since=created, until=until)
    keep = first[rows] | (labels == object_values(frame["Status"])[rows])
    rows, labels, at = rows[keep], labels[keep], at[keep]
    lag = (rng.random(len(rows)) * HOUR).astype(np.int64)
    ids = object_values(frame["Id"])
    history = pd.DataFrame(
        {
            "Id": salesforce_ids("017", rng, count=len(rows)),
            "LeadId": ids[rows],
            "Field": "Status",
            "OldValue": _previous(rows, labels),
            "NewValue": labels,
            "CreatedDate": iso_times(np.minimum(at + lag, cast.clock.end)),
        }
    )
    return Export(frame=history)


def _previous(rows: Ints, labels: Strs) -> Strs:
    """Each row's previous value of the same record (``None`` for a record's first)."""
    before = np.concatenate([[None], labels[:-1]]).astype(object)
    starts = np.concatenate([[True], rows[1:] != rows[:-1]]) if len(rows) else rows.astype(bool)
    before[starts] = None
    return before


def hubspot_lead_status_history(
    cast: Cast, rng: np.random.Generator, *, contacts: Export
) -> Export:
    """The ``hubspot.lead_status_history`` export: ``hs_lead_status`` values over time."""
    frame = contacts.frame
    person = _person_rows(cast, contacts.entities)
    created = epoch_seconds(frame["createdate"])
    until = np.full(len(person), cast.clock.end, dtype=np.int64)
    rows, labels, at = _walk(cast, person, statuses=_HS_STATUS, since=created, until=until)
    lag = (rng.random(len(rows)) * 2 * HOUR).astype(np.int64)
    history = pd.DataFrame(
        {
            "contact_id": object_values(frame["hs_object_id"])[rows],
            "property": "hs_lead_status",
            "value": labels,
            "timestamp": iso_times(np.minimum(at + lag, cast.clock.end)),
            "source_type": "CRM_UI",
            "id": numeric_ids(rng, count=len(rows), width=12, step=7),
        }
    )
    return Export(frame=history[["id", "contact_id", "property", "value", "timestamp",
                                 "source_type"]])  # fmt: skip


def evangelist_dates(cast: Cast, rng: np.random.Generator, *, contacts: Export) -> Export:
    """The HubSpot contacts with ``hs_lifecyclestage_evangelist_date`` filled for evangelists.

    An evangelist became one when their company became an advocate (a few hours later).
    """
    frame = contacts.frame.copy()
    person = _person_rows(cast, contacts.entities)
    firm = cast.people.firm[person]
    became = cast.journeys.firm[firm, FIRM_STAGES.index("advocate")]
    fan = (object_values(frame["lifecyclestage"]) == "evangelist") & (became >= 0)
    lag = (rng.random(len(person)) * 6 * HOUR).astype(np.int64)
    at = np.where(fan, np.minimum(became + lag, cast.clock.end), -1)
    frame["hs_lifecyclestage_evangelist_date"] = iso_times_or_none(at)
    return Export(frame=frame, entities=contacts.entities)
