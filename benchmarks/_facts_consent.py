"""Consent: the statement in force is the latest dated one, and opted-out people are left out.

The truth lists every dated statement of the consent exports by person. Each base contact
is matched to the person most of its records describe; its consent in force (as the base
computes it) is compared with the latest stated answer of that person's statements,
computed here independently with pandas (a denial wins a tie). Then contacts whose true
marketing consent is denied are counted in a marketing contact segment and among the
marketing signals addressed to contacts.
"""

from __future__ import annotations

import pandas as pd
from facts_sample_world import Fact

from customer_understanding import CustomerBase
from customer_understanding.datasets import SampleWorld
from customer_understanding.ingest import Loaded
from customer_understanding.segmentation import RuleSegment, RuleSegmenter
from customer_understanding.signals import evaluate_signals
from customer_understanding.traits import Condition

_SYSTEM = {"salesforce": "salesforce", "hubspot": "hubspot", "zendesk": "zendesk",
           "product": "product"}  # fmt: skip


def _person_of_contact(world: SampleWorld, base: CustomerBase) -> pd.DataFrame:
    """Each contact's person (the one most of its records describe) and whether all do."""
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
    top = top.sort_values(["contact", "n"], ascending=[True, False]).drop_duplicates("contact")
    ids = tables.contacts.column("id")
    return pd.DataFrame(
        {"person_id": top["person_id"].to_numpy(),
         "pure": (people[top["contact"]] == 1).to_numpy()},
        index=ids[top["contact"].to_numpy()],
    )  # fmt: skip


def _truth_in_force(world: SampleWorld) -> pd.DataFrame:
    stated = world.truth.consents
    stated = stated[stated["status"] != "unknown"].copy()
    stated["caution"] = stated["status"].map({"granted": 1, "denied": 2})
    stated = stated.sort_values(["person_id", "purpose", "at", "caution"])
    latest = stated.drop_duplicates(["person_id", "purpose"], keep="last")
    return latest[["person_id", "purpose", "status"]]


def measure(world: SampleWorld, loaded: Loaded, base: CustomerBase) -> list[Fact]:
    people = _person_of_contact(world, base)
    ours = base.consents().to_pandas().join(people, on="contact_id")
    truth = _truth_in_force(world)
    compared = truth.merge(ours, on=["person_id", "purpose"], suffixes=("_true", ""))
    agree = compared["status"] == compared["status_true"]
    # A person split over several contacts, or a contact merging several people, leaves a
    # contact with part of a person's statements or with another's: judged apart, as
    # identity's figure, not consent's.
    whole = ~compared.duplicated(["person_id", "purpose"], keep=False) & compared["pure"]
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
    segmentation = segmenter.assign(base, as_of=None)
    members = set(segmentation.ids[segmentation.segment >= 0])
    signals = evaluate_signals(base).to_pandas()
    marketing = signals[(signals["discipline"] == "marketing") & signals["contact_id"].notna()]
    in_signals = set(marketing["contact_id"]) & opted_out
    return [
        Fact("consent", "contact x purpose pairs with a dated true statement", len(compared),
             "> 0", len(compared) > 0),
        Fact("consent", "consent in force equals the latest dated statement", same,
             "1.0", same == 1.0),
        Fact("consent", "  same, contacts that identity split or merged", split, "-", True),
        Fact("consent", "contacts whose latest marketing statement is denied", len(opted_out),
             "> 0", len(opted_out) > 0),
        Fact("consent", "contacts in the marketing segmentation", len(members), "> 0",
             len(members) > 0),
        Fact("consent", "opted-out contacts in marketing segments", len(members & opted_out),
             "0", not members & opted_out),
        Fact("consent", "marketing signals to contacts", len(marketing), "-", True),
        Fact("consent", "opted-out contacts in marketing signals", len(in_signals), "0",
             not in_signals),
    ]  # fmt: skip
