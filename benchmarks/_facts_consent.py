"""Consent: the statement in force is the latest dated one, and opted-out people are left out.

The truth lists every dated statement of the consent exports by person. Each base contact
is matched to the person most of its records describe; its consent in force (as the base
computes it) is compared with the latest stated answer of that person's statements,
computed here independently with pandas (a denial wins a tie). Then contacts whose true
marketing consent is denied are counted in a marketing contact segment and among the
marketing signals addressed to contacts.
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd
from facts_sample_world import Fact

from customer_understanding import CustomerBase
from customer_understanding.base import TRACKED, consent_status
from customer_understanding.datasets import SampleWorld
from customer_understanding.domain import ConsentPurpose
from customer_understanding.ingest import Loaded
from customer_understanding.segmentation import RuleSegment, RuleSegmenter
from customer_understanding.signals import DEFAULT_POLICIES, Emit, Policy, evaluate_signals
from customer_understanding.traits import Condition


def _person_of_contact(world: SampleWorld, base: CustomerBase) -> pd.DataFrame:
    """Each contact's person (the one most of its records describe), and ``pure``: all its
    records describe that person, and all of that person's records are in it."""
    records = world.truth.records
    truth = pd.DataFrame({
        "system": records["source"].str.split(".").str[0], "source_id": records["source_id"],
        "person_id": records["entity_id"],
    }).drop_duplicates(["system", "source_id"])  # fmt: skip
    tables = base.tables
    ours = pd.DataFrame({
        "system": tables.contact_records.labels("system"),
        "source_id": tables.contact_records.column("source_id"),
        "contact": tables.resolution.contact_of_record,
    })  # fmt: skip
    joined = ours.merge(truth, on=["system", "source_id"], how="inner")
    top = joined.groupby(["contact", "person_id"]).size().rename("n").reset_index()
    people = top.groupby("contact")["person_id"].nunique()
    places = top.groupby("person_id")["contact"].nunique()
    top = top.sort_values(["contact", "n"], ascending=[True, False]).drop_duplicates("contact")
    ids = tables.contacts.column("id")
    return pd.DataFrame(
        {"person_id": top["person_id"].to_numpy(),
         "pure": ((people[top["contact"]].to_numpy() == 1)
                  & (places[top["person_id"]].to_numpy() == 1))},
        index=ids[top["contact"].to_numpy()],
    )  # fmt: skip


def _truth_in_force(world: SampleWorld) -> pd.DataFrame:
    stated = world.truth.consents
    stated = stated[stated["status"] != "unknown"].copy()
    stated["caution"] = stated["status"].map({"granted": 1, "denied": 2})
    stated = stated.sort_values(["person_id", "purpose", "at", "caution"])
    latest = stated.drop_duplicates(["person_id", "purpose"], keep="last")
    return latest[["person_id", "purpose", "status"]]


_NURTURE = Policy(
    name="engaged_nurture",
    when=Condition(trait="interactions_30d", op=">=", value=1),
    emit=[Emit(kind="nurture", discipline="marketing", to="most_engaged_contact")],
)


def _marketing_signals(base: CustomerBase, as_of: object) -> pd.DataFrame:
    """Signals to contacts that need marketing consent: the defaults' and a nurture's."""
    policies = (*DEFAULT_POLICIES, _NURTURE)
    purpose = {(p.name, e.kind, e.discipline.value): e.consent for p in policies for e in p.emit}
    signals = evaluate_signals(base, policies, as_of=as_of).to_pandas()
    keys = zip(signals["policy"], signals["kind"], signals["discipline"].astype(str), strict=True)
    needs = [purpose.get(key) == ConsentPurpose.MARKETING for key in keys]
    return signals[np.array(needs, dtype=bool) & signals["contact_id"].notna().to_numpy()]


def measure(world: SampleWorld, loaded: Loaded, base: CustomerBase) -> list[Fact]:
    people = _person_of_contact(world, base)
    ours = base.consents(as_of=world.end).to_pandas().join(people, on="contact_id")
    truth = _truth_in_force(world)
    compared = truth.merge(ours, on=["person_id", "purpose"], suffixes=("_true", ""))
    agree = compared["status"] == compared["status_true"]
    # A person split over several contacts, or a contact merging several people, leaves a
    # contact with part of a person's statements or with another's: judged apart, as
    # identity's figure, not consent's.
    whole = compared["pure"].astype(bool)
    same = float(agree[whole].mean()) if whole.any() else 1.0
    split = float(agree[~whole].mean()) if (~whole).any() else 1.0
    denied = set(truth.loc[(truth["purpose"] == "marketing") & (truth["status"] == "denied"),
                           "person_id"])  # fmt: skip
    pure = people[people["pure"]]
    opted_out = set(pure.index[pure["person_id"].isin(denied)])
    segmenter = RuleSegmenter(level="contact", purpose="marketing", segments=[
        RuleSegment(name="engaged", when=Condition(trait="interactions_90d", op=">=", value=1)),
        RuleSegment(name="everyone", when=Condition(trait="interactions_90d", op=">=", value=0)),
    ])  # fmt: skip
    segmentation = segmenter.assign(base, as_of=world.end)
    members = set(segmentation.ids[segmentation.segment >= 0])
    unguarded = attrs.evolve(segmenter, purpose=None).assign(base, as_of=world.end)
    without = set(unguarded.ids[unguarded.segment >= 0]) & opted_out
    marketing = _marketing_signals(base, world.end)
    on_profile, for_account = _tracked_events(base)
    in_signals = set(marketing["contact_id"]) & opted_out
    return [
        Fact("consent", "contact x purpose pairs with a dated true statement", len(compared),
             "> 0", len(compared) > 0),
        Fact("consent", "consent in force equals the latest dated statement", same,
             "1.0", same == 1.0),
        Fact("consent", "  pairs judged (people identity kept whole)", int(whole.sum()), "> 0",
             bool(whole.any())),
        Fact("consent", "  same, contacts that identity split or merged", split, "-", True),
        Fact("consent", "contacts whose latest marketing statement is denied", len(opted_out),
             "> 0", len(opted_out) > 0),
        Fact("consent", "contacts in the marketing segmentation", len(members), "> 0",
             len(members) > 0),
        Fact("consent", "opted-out contacts in marketing segments", len(members & opted_out),
             "0", not members & opted_out),
        Fact("consent", "  the same segments made without a purpose", len(without), "-", True),
        Fact("consent", "signals to contacts needing marketing consent", len(marketing), "> 0",
             len(marketing) > 0),
        Fact("consent", "opted-out contacts in marketing signals", len(in_signals), "0",
             not in_signals),
        Fact("consent", "tracked events on profiles of tracking-denied contacts", on_profile,
             "0", on_profile == 0),
        Fact("consent", "  tracked events kept for their account", for_account, "-", True),
    ]  # fmt: skip


def _tracked_events(base: CustomerBase) -> tuple[int, int]:
    """Web and product events still on the profile of a contact who denied tracking, and
    the events of the sources that name such a contact, still on an account."""
    tables = base.tables
    status = consent_status(tables.consents, len(tables.contacts), purpose="tracking")
    denied = np.flatnonzero(status == "denied")
    events = tables.interactions
    tracked = np.isin(events.labels("channel"), TRACKED["channel"])
    tracked |= np.isin(events.labels("discipline"), TRACKED["discipline"])
    on_profile = int((tracked & np.isin(events.column("contact"), denied)).sum())
    emails = tables.contact_records.column("email")[
        np.isin(tables.resolution.contact_of_record, denied)]  # fmt: skip
    named = np.isin(events.column("email"), emails[pd.notna(emails)]) & tracked
    return on_profile, int((named & (events.column("account") >= 0)).sum())
