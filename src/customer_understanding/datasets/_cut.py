"""The exports as they would have been exported at an earlier moment.

Each export declares how it is cut (:data:`CUTS`): the column that says when a row came
to be (rows after the moment are dropped; a row whose time cannot be read is kept, as an
export would still carry it), or the export its rows belong to, and how state columns
are rewound from their histories (a deal's stage from its stage history, a ticket's
status and rating from its audit trail, a HubSpot contact's lifecycle stage from its
stage dates). A column no history tells about keeps its final value; each rule says
which.

To cut a new export, add one line to :data:`CUTS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import NAT, object_values
from customer_understanding._errors import InvalidValueError
from customer_understanding.datasets._text import time_nanos

__all__ = ["CUTS", "Context", "Cut", "cut_exports", "moments"]

Frames = Mapping[str, pd.DataFrame]


class Context(NamedTuple):
    """What a rewind reads: every export uncut, the moment, and which entity each record is."""

    frames: Frames
    kept: Frames
    as_of: int
    records: pd.DataFrame


Rewind = Callable[[pd.DataFrame, Context], pd.DataFrame]


def moments(values: pd.Series[Any]) -> npt.NDArray[np.int64]:
    """UTC nanoseconds of each cell, ``NAT`` where it is empty or cannot be read."""
    return time_nanos(object_values(values), fmt="mixed")


def _latest(history: pd.DataFrame, *, key: str, time: str, as_of: int) -> pd.DataFrame:
    """Per ``key``, the last history row at or before ``as_of`` (later rows win ties)."""
    when = moments(history[time])
    known = history[(when != NAT) & (when <= as_of)].assign(
        _at=when[(when != NAT) & (when <= as_of)]
    )
    latest: pd.DataFrame = known.sort_values("_at", kind="stable")
    return latest.drop_duplicates(key, keep="last")


# -- rewinds: state columns as they stood at the moment -----------------------------------

_SF_CLOSED = ("Closed Won", "Closed Lost")


def _opportunities(frame: pd.DataFrame, context: Context) -> pd.DataFrame:
    """Closed at the moment when its close date is by then, as the library reads it.

    Otherwise the deal was open: at the latest open stage of its history by then (its
    final stage when still open, unknown when there is none).
    """
    frames, as_of = context.frames, context.as_of
    closes = moments(frame["CloseDate"])
    still_open = ~((closes != NAT) & (closes <= as_of))
    history = frames["salesforce.OpportunityHistory"]
    history = history[~history["StageName"].isin(_SF_CLOSED)]
    stage = _latest(history, key="OpportunityId", time="CreatedDate", as_of=as_of)
    then = frame["Id"].map(stage.set_index("OpportunityId")["StageName"])
    final = frame["StageName"].where(~frame["StageName"].isin(_SF_CLOSED))
    out = frame.copy()
    out["StageName"] = out["StageName"].where(~still_open, then.fillna(final))
    out["IsClosed"] = out["IsClosed"].where(~still_open, False)
    out["IsWon"] = out["IsWon"].where(~still_open, False)
    return out


def _hubspot_deals(frame: pd.DataFrame, context: Context) -> pd.DataFrame:
    """No stage history: a deal closing after the moment was open then, its stage unknown."""
    closes = moments(frame["closedate"])
    later = ~((closes != NAT) & (closes <= context.as_of)) & frame["dealstage"].isin(
        ("closedwon", "closedlost")
    )
    out = frame.copy()
    out.loc[later, "dealstage"] = None
    return out


_HS_RANK = {"subscriber": 0, "lead": 1, "marketingqualifiedlead": 2, "salesqualifiedlead": 3,
            "opportunity": 4, "customer": 5, "evangelist": 6}  # fmt: skip


def _hubspot_contacts(frame: pd.DataFrame, context: Context) -> pd.DataFrame:
    """Stage dates after the moment blanked; the stage no later than the latest dated by then.

    ``evangelist`` falls back to ``customer`` before its date (or always, in exports
    without ``hs_lifecyclestage_evangelist_date``).
    """
    as_of = context.as_of
    out = frame.copy()
    reached = pd.Series(None, index=frame.index, dtype=object)
    for label in [name for name, rank in _HS_RANK.items() if rank >= 1]:
        column = f"hs_lifecyclestage_{label}_date"
        if column not in frame.columns:
            continue
        when = moments(frame[column])
        out.loc[(when != NAT) & (when > as_of), column] = None
        reached = reached.where(~((when != NAT) & (when <= as_of)), label)
    final = frame["lifecyclestage"]
    rank = {name: float(value) for name, value in _HS_RANK.items()}
    ahead = final.map(rank).astype(float).fillna(-1) > reached.map(rank).astype(float).fillna(99)
    out["lifecyclestage"] = final.where(~ahead, reached)
    return out


def _who(frame: pd.DataFrame, context: Context) -> pd.DataFrame:
    """Activities name the contact a lead became; before the conversion, the lead.

    A ``WhoId`` naming a contact made after the moment goes back to the person's lead of
    then, when there is one (Salesforce keeps that link as ``ConvertedContactId``; the
    world's truth knows it).
    """
    records = context.records
    contacts = context.kept.get("salesforce.Contact")
    leads = context.kept.get("salesforce.Lead")
    if contacts is None or leads is None or "WhoId" not in frame.columns:
        return frame
    person = dict(zip(zip(records["source"], records["source_id"], strict=True),
                      records["entity_id"], strict=True))  # fmt: skip
    lead_of = {person.get(("salesforce.Lead", lead)): lead for lead in leads["Id"].tolist()}
    gone = ~frame["WhoId"].isin(contacts["Id"]) & frame["WhoId"].astype(str).str.startswith("003")
    then = [lead_of.get(person.get(("salesforce.Contact", who))) for who in frame["WhoId"][gone]]
    out = frame.copy()
    out.loc[gone, "WhoId"] = [
        lead or who for lead, who in zip(then, frame["WhoId"][gone], strict=True)
    ]
    return out


def _tickets(frame: pd.DataFrame, context: Context) -> pd.DataFrame:
    """Status and rating of each ticket's latest audit by the moment, updated then."""
    audits = context.frames.get("zendesk.ticket_audits")
    if audits is None:
        return frame
    last = _latest(audits, key="ticket_id", time="created_at", as_of=context.as_of)
    last = last.set_index("ticket_id")
    out = frame.copy()
    ids = frame["id"]
    seen = ids.isin(last.index).to_numpy()
    for column, source in (("status", "status"), ("satisfaction_rating", "satisfaction_rating"),
                           ("updated_at", "created_at")):  # fmt: skip
        out.loc[seen, column] = ids[seen].map(last[source]).to_numpy()
    return out


class Cut(NamedTuple):
    """How one export is cut at a moment.

    ``time`` names the column saying when a row came to be (rows after the moment are
    dropped). Rows without one belong to another export: ``parent`` is ``(export, own
    column, its id column)`` and a row is kept when its parent row is. ``rewind``
    turns state columns back to the moment.
    """

    time: str | None = None
    parent: tuple[str, str, str] | None = None
    rewind: Rewind | None = None


#: How every export of the sample world is cut; a new export adds its line here.
CUTS: Mapping[str, Cut] = MappingProxyType({
    "salesforce.Account": Cut(time="CreatedDate"),
    "salesforce.Contact": Cut(time="CreatedDate"),  # HasOptedOutOfEmail: final value
    "salesforce.Lead": Cut(time="CreatedDate"),  # Status: no lead history, final value
    "salesforce.Opportunity": Cut(time="CreatedDate", rewind=_opportunities),  # Amount: final
    "salesforce.OpportunityContactRole": Cut(
        parent=("salesforce.Opportunity", "OpportunityId", "Id")
    ),
    "salesforce.OpportunityHistory": Cut(time="CreatedDate"),
    "salesforce.Task": Cut(time="CreatedDate", rewind=_who),  # Status: final value
    "salesforce.Event": Cut(time="StartDateTime", rewind=_who),
    "hubspot.companies": Cut(time="createdate"),
    "hubspot.contacts": Cut(time="createdate", rewind=_hubspot_contacts),
    "hubspot.deals": Cut(time="createdate", rewind=_hubspot_deals),
    "hubspot.engagements": Cut(time="hs_timestamp"),
    "hubspot.marketing_events": Cut(time="created"),
    "zendesk.organizations": Cut(time="created_at"),
    "zendesk.users": Cut(time="created_at"),
    "zendesk.tickets": Cut(time="created_at", rewind=_tickets),  # priority: final value
    "zendesk.ticket_audits": Cut(time="created_at"),
    "product.events": Cut(time="timestamp"),
    "web.visits": Cut(time="timestamp"),
    "salesforce.LeadHistory": Cut(time="CreatedDate"),
    "hubspot.lead_status_history": Cut(time="timestamp"),
    "salesforce.ContactPointTypeConsent": Cut(time="EffectiveFrom"),
    "hubspot.subscriptions": Cut(time="timestamp"),
})  # fmt: skip


def _kept(
    name: str, frame: pd.DataFrame, kept: Mapping[str, pd.DataFrame], as_of: int
) -> npt.NDArray[np.bool_]:
    rule = CUTS[name]
    if rule.time is not None:
        when = moments(frame[rule.time])
        return np.asarray((when == NAT) | (when <= as_of))
    assert rule.parent is not None
    parent, own, key = rule.parent
    return np.asarray(frame[own].isin(kept[parent][key]))


def cut_exports(
    frames: Frames, as_of: int, *, records: pd.DataFrame
) -> tuple[dict[str, pd.DataFrame], dict[str, npt.NDArray[np.bool_]]]:
    """Every export cut at ``as_of``, and which of its rows each kept (in export order)."""
    missing = sorted(set(frames) - set(CUTS))
    if missing:
        msg = f"exports {missing!r} have no cut rule; add one to datasets._cut.CUTS"
        raise InvalidValueError(msg)
    kept: dict[str, pd.DataFrame] = {}
    masks: dict[str, npt.NDArray[np.bool_]] = {}
    # Parents first, so a row's parent is already cut.
    order = sorted(frames, key=lambda name: CUTS[name].parent is not None)
    for name in order:
        frame = frames[name]
        masks[name] = _kept(name, frame, kept, as_of)
        kept[name] = frame[masks[name]].reset_index(drop=True)
    context = Context(frames=frames, kept=dict(kept), as_of=as_of, records=records)
    for name in order:
        rewind = CUTS[name].rewind
        if rewind is not None:
            kept[name] = rewind(kept[name], context)
    return {name: kept[name] for name in frames}, masks
