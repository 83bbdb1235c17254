"""Consent logs of the world: dated statements in two systems that do not always agree.

Salesforce keeps consent records (``ContactPointTypeConsent``, joined to the contact id)
for marketing e-mail, sales calls, tracking and references; HubSpot keeps subscription
statuses by e-mail address. Some people change their mind between systems, so an older
grant in one system meets a newer opt-out in the other. Everything here draws from its
own random generator, so the rest of the world is the same with or without it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from customer_understanding._core import epoch_nanos, object_values
from customer_understanding.datasets._firms import Clock
from customer_understanding.datasets._text import iso_times

__all__ = ["CONSENT_COLUMNS", "CONSENT_TRUTH", "consent_exports"]

#: The columns of ``GroundTruth.consents``.
CONSENT_TRUTH = ("person_id", "purpose", "channel", "status", "at", "source", "source_id")

#: The columns of each consent export, in order.
CONSENT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "salesforce.ContactPointTypeConsent": (
        "Id", "PartyId", "ContactPointType", "DataUsePurpose", "PrivacyConsentStatus",
        "EffectiveFrom",
    ),
    "hubspot.subscriptions": ("email", "subscription_name", "status", "timestamp"),
}  # fmt: skip

# (purpose, Salesforce purpose name, contact point type or None for every channel)
_SF_TOPICS = (
    ("marketing", "Marketing", "Email"),
    ("sales_outreach", "Sales Calls", "Phone"),
    ("tracking", "Web and Product Analytics", None),
    ("references", "Case Studies", None),
)
# (purpose, HubSpot subscription type); HubSpot statuses are all about e-mail
_HS_TOPICS = (
    ("marketing", "Marketing Information"),
    ("sales_outreach", "One to One"),
    ("references", "Customer Stories"),
)
_SF_STATUS = {"granted": "OptIn", "denied": "OptOut", "unknown": "NotSeen"}
_HS_STATUS = {"granted": "SUBSCRIBED", "denied": "NOT_SUBSCRIBED"}
_CHANNEL = {"Email": "email", "Phone": "phone", None: None}


def _people_of(records: pd.DataFrame, source: str) -> pd.DataFrame:
    rows = records[records["source"] == source]
    return pd.DataFrame({"source_id": object_values(rows["source_id"]),
                         "person_id": object_values(rows["entity_id"])})  # fmt: skip


def _times(clock: Clock, rng: np.random.Generator, count: int) -> np.ndarray:
    return clock.start + (rng.random(count) * clock.span).astype(np.int64)


def _salesforce(
    rng: np.random.Generator, contacts: pd.DataFrame, clock: Clock
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Consent records for about half the Salesforce contacts, one to three each."""
    chosen = contacts[rng.random(len(contacts)) < 0.5]
    per = rng.integers(1, 4, len(chosen))
    party = np.repeat(object_values(chosen["source_id"]), per)
    person = np.repeat(object_values(chosen["person_id"]), per)
    # Marketing is the most common purpose, then tracking; a person may repeat one.
    topic = rng.choice(len(_SF_TOPICS), size=len(party), p=(0.5, 0.15, 0.25, 0.1))
    status = rng.choice(("granted", "denied", "unknown"), size=len(party), p=(0.65, 0.3, 0.05))
    at = _times(clock, rng, len(party))
    export = pd.DataFrame({
        "Id": [f"0ZW{n:012d}" for n in range(len(party))],
        "PartyId": party,
        "ContactPointType": [_SF_TOPICS[t][2] for t in topic],
        "DataUsePurpose": [_SF_TOPICS[t][1] for t in topic],
        "PrivacyConsentStatus": [_SF_STATUS[s] for s in status],
        "EffectiveFrom": iso_times(at),
    })  # fmt: skip
    truth = pd.DataFrame({
        "person_id": person, "purpose": [_SF_TOPICS[t][0] for t in topic],
        "channel": [_CHANNEL[_SF_TOPICS[t][2]] for t in topic], "status": status,
        "at": pd.to_datetime(epoch_nanos(at), utc=True),
        "source": "salesforce.ContactPointTypeConsent", "source_id": export["Id"],
    })  # fmt: skip
    return export, truth


def _hubspot(
    rng: np.random.Generator, contacts: pd.DataFrame, sf_truth: pd.DataFrame, clock: Clock
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Subscription statuses for about 60 % of HubSpot contacts with a valid address.

    A third of the people whose marketing consent Salesforce also records state the
    opposite in HubSpot, at another time: the conflicts the latest statement settles.
    """
    chosen = contacts[rng.random(len(contacts)) < 0.6]
    topic = rng.choice(len(_HS_TOPICS), size=len(chosen), p=(0.7, 0.2, 0.1))
    status = rng.choice(("granted", "denied"), size=len(chosen), p=(0.7, 0.3))
    sf_marketing = sf_truth[
        (sf_truth["purpose"] == "marketing") & (sf_truth["status"] != "unknown")
    ]
    said = dict(zip(sf_marketing["person_id"], sf_marketing["status"], strict=True))
    person = object_values(chosen["person_id"])
    for i, who in enumerate(person.tolist()):
        if topic[i] == 0 and who in said and rng.random() < 1 / 3:
            status[i] = "granted" if said[who] == "denied" else "denied"
    at = _times(clock, rng, len(chosen))
    export = pd.DataFrame({
        "email": object_values(chosen["email"]),
        "subscription_name": [_HS_TOPICS[t][1] for t in topic],
        "status": [_HS_STATUS[s] for s in status],
        "timestamp": iso_times(at),
    })  # fmt: skip
    truth = pd.DataFrame({
        "person_id": person, "purpose": [_HS_TOPICS[t][0] for t in topic], "channel": "email",
        "status": status, "at": pd.to_datetime(epoch_nanos(at), utc=True),
        "source": "hubspot.subscriptions", "source_id": [str(n) for n in range(len(chosen))],
    })  # fmt: skip
    return export, truth


def _valid_emails(frames: Mapping[str, pd.DataFrame], defects: pd.DataFrame) -> pd.Series:
    """HubSpot contacts' addresses, blank where missing or deliberately broken."""
    emails = frames["hubspot.contacts"]["email"].astype(object).copy()
    broken = defects[(defects["source"] == "hubspot.contacts") & (defects["column"] == "email")]
    emails.iloc[broken["row"].to_numpy(dtype=np.int64)] = None
    valid = (emails.notna() & emails.astype(str).str.contains("@")).to_numpy(dtype=bool)
    values = emails.to_numpy(dtype=object, copy=True)
    values[~valid] = None
    return pd.Series(values, dtype=object)


def consent_exports(
    frames: Mapping[str, pd.DataFrame],
    records: pd.DataFrame,
    defects: pd.DataFrame,
    *,
    clock: Clock,
    rng: np.random.Generator,
    shared: frozenset[str] = frozenset(),
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The two consent exports and every statement in them as truth (see ``GroundTruth``).

    HubSpot subscriptions are per address; none is drawn for a ``shared`` (team) address.
    """
    sf_people = _people_of(records, "salesforce.Contact")
    sf_export, sf_truth = _salesforce(rng, sf_people, clock)
    hs_people = _people_of(records, "hubspot.contacts")
    hs_people["email"] = _valid_emails(frames, defects).to_numpy(dtype=object)
    hs_people = hs_people[hs_people["email"].notna() & ~hs_people["email"].isin(shared)]
    hs_export, hs_truth = _hubspot(rng, hs_people, sf_truth, clock)
    truth = pd.concat([sf_truth, hs_truth], ignore_index=True)
    exports = {"salesforce.ContactPointTypeConsent": sf_export, "hubspot.subscriptions": hs_export}
    return exports, truth
