"""Titles: seniority and department read from job titles, the senior-contact policy, influence.

Each base contact is matched to its true person by a majority of its source records.
Seniority and department are judged on contacts whose golden title is known (the
exports state no seniority, so every value is read from a title); the policy is
evaluated at month ends across the world's window; committee influence is compared with
the members' true seniority and role.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from facts_sample_world import Fact

from customer_understanding import CustomerBase
from customer_understanding.committee import committees
from customer_understanding.datasets import SampleWorld
from customer_understanding.ingest import Loaded
from customer_understanding.scoring import LeadScorer
from customer_understanding.signals import evaluate_signals

_POLICY = "new_senior_contact_in_open_deal"
_RANK = {"individual": 0, "manager": 1, "director": 2, "vp": 3, "c_level": 4}
_BUYERS = {"economic_buyer", "decision_maker"}


def _people_of_contacts(world: SampleWorld, base: CustomerBase) -> pd.DataFrame:
    """Each base contact row's true person (majority of its records), with the truth."""
    truth = world.truth.records
    truth = truth[truth["kind"] == "person"]
    key = truth["source"].str.split(".").str[0] + "|" + truth["source_id"].astype(str)
    person_of = pd.Series(truth["entity_id"].to_numpy(), index=key.to_numpy())
    person_of = person_of[~person_of.index.duplicated()]
    records = base.tables.contact_records
    keys = (
        pd.Series(records.labels("system"), dtype=object)
        + "|"
        + pd.Series(records.column("source_id"), dtype=object)
    )
    row = base.tables.resolution.contact_of_record
    votes = pd.DataFrame({"row": row, "person": person_of.reindex(keys).to_numpy()}).dropna()
    person = votes.groupby("row")["person"].agg(lambda p: p.mode().iloc[0])
    people = world.truth.people.set_index("person_id")
    out = people.reindex(person.to_numpy()).reset_index()
    out.index = person.index
    return out


def _reading(world: SampleWorld, base: CustomerBase) -> list[Fact]:
    truth = _people_of_contacts(world, base)
    contacts = base.contacts
    rows = truth.index.to_numpy()
    title = pd.Series(contacts.column("title")[rows], dtype=object)
    has_title = title.notna().to_numpy() & truth["seniority"].notna().to_numpy()
    seniority = contacts.labels("seniority")[rows]
    right = (seniority == truth["seniority"].to_numpy())[has_title]
    department = contacts.labels("department")[rows]
    stated = contacts.column("department_confidence")[rows] == 1.0
    inferred = has_title & ~stated
    dept_right = (department == truth["department"].to_numpy())[inferred]
    filled = np.array([s is not None for s in seniority])[has_title]
    prior = (contacts.column("seniority_confidence")[rows] <= 0.3)[has_title]
    return [
        Fact("titles", f"seniority right on titled contacts (n={has_title.sum()})",
             float(right.mean()), ">= 0.95", bool(right.mean() >= 0.95)),
        Fact("titles", "titled contacts given a seniority", float(filled.mean()), "report", True),
        Fact("titles", "  of which only by the weak prior (individual, 0.3)", float(prior.mean()),
             "report", True),
        Fact("titles", f"department read from title right (n={inferred.sum()})",
             float(dept_right.mean()), ">= 0.90", bool(dept_right.mean() >= 0.90)),
    ]  # fmt: skip


def _policy(world: SampleWorld, base: CustomerBase) -> list[Fact]:
    ends = pd.date_range(world.start, world.end, freq="ME", tz="UTC")
    fired = 0
    for end in ends:
        signals = evaluate_signals(base, as_of=end).to_pandas()
        fired += int((signals["policy"] == _POLICY).sum()) if len(signals) else 0
    at_end = evaluate_signals(base, as_of=world.end).to_pandas()
    last = int((at_end["policy"] == _POLICY).sum()) if len(at_end) else 0
    return [
        Fact("titles", f"'{_POLICY}' signals over {len(ends)} month ends", float(fired),
             ">= 1", fired >= 1),
        Fact("titles", "  of which at the world's end", float(last), "report", True),
    ]  # fmt: skip


def _lead_scorer(base: CustomerBase) -> list[Fact]:
    table = LeadScorer(level="account").score(base, as_of=None)
    graded = float((table.grade >= 0).mean())
    return [Fact("titles", "LeadScorer(level='account') defaults: accounts graded", graded,
                 "> 0", graded > 0)]  # fmt: skip


def _influence(world: SampleWorld, base: CustomerBase) -> list[Fact]:
    members = committees(base).members
    truth = _people_of_contacts(world, base)
    truth.index = base.contacts.column("id")[truth.index.to_numpy()]
    members = members.join(truth[["seniority", "role"]].add_prefix("true_"), on="contact_id")
    scored = members.dropna(subset=["influence", "true_seniority"])
    # Within each committee: does influence rank people as their true seniority does?
    by = scored.groupby("account_id")
    rank_influence = by["influence"].rank()
    rank_seniority = scored["true_seniority"].map(_RANK).groupby(scored["account_id"]).rank()
    rho = float(np.corrcoef(rank_influence, rank_seniority)[0, 1])
    top = scored.loc[by["influence"].idxmax()]
    top_buyer = float(top["true_role"].isin(_BUYERS).mean())
    chance = float(scored.groupby("account_id")["true_role"].apply(
        lambda r: r.isin(_BUYERS).mean()).mean())  # fmt: skip
    spread = members.groupby("account_id")["influence"].agg(["min", "max", "size"])
    even = (spread["min"] == spread["max"]) & (spread["size"] > 1)
    none = members.groupby("account_id")["influence"].agg(lambda v: v.isna().all())
    inferred = members[(members["role_source"] == "inferred") & members["true_role"].notna()]
    role_right = float((inferred["role"] == inferred["true_role"]).mean())
    return [
        Fact("titles", f"committee role inferred from title right (n={len(inferred)})",
             role_right, "report", True),
        Fact("titles", "influence vs true seniority, within-committee rank corr.", rho,
             "> 0.3", rho > 0.3),
        Fact("titles", "top-influence member is a true buyer / decision maker", top_buyer,
             f"> {chance:.2f} (chance)", top_buyer > chance),
        Fact("titles", "committees with an equal split of influence", float(even.mean()),
             "report", True),
        Fact("titles", "committees without evidence (influence NaN)", float(none.mean()),
             "report", True),
    ]  # fmt: skip


def measure(world: SampleWorld, loaded: Loaded, base: CustomerBase) -> list[Fact]:
    return [*_reading(world, base), *_policy(world, base), *_lead_scorer(base),
            *_influence(world, base)]  # fmt: skip
