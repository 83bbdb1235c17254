"""Lifecycle facts: stage-history counts, churned accounts, deal values, MQA proposals."""

from __future__ import annotations

import numpy as np
import pandas as pd
from facts_sample_world import Fact

from customer_understanding import CustomerBase
from customer_understanding.datasets import SampleWorld
from customer_understanding.ingest import Loaded
from customer_understanding.journeys import kpi_tables, stage_history
from customer_understanding.scoring import DEFAULT_FIT_RULES, FitScorer, LeadScorer

_CONTACT_STAGES = ("engaged", "sal", "recycled")
_CUSTOMER_STAGES = ("onboarding", "adopting", "at_risk", "dormant", "advocate", "churned")


def _within(area: str, name: str, got: int, truth: int) -> Fact:
    ratio = got / truth if truth else float("nan")
    ok = bool(truth) and abs(ratio - 1) <= 0.10
    return Fact(area, f"{name}: {got} of truth {truth} (ratio)", ratio, "0.9 - 1.1", ok)


def _company_of_account(world: SampleWorld, base: CustomerBase) -> pd.Series:
    """The true company of each account (by the majority of its records)."""
    truth = world.truth.records
    truth = truth[truth["kind"] == "company"].assign(
        system=truth["source"].str.split(".").str[0], source_id=truth["source_id"].astype(str)
    )
    records = base.tables.account_records
    mine = pd.DataFrame({
        "system": records.labels("system"),
        "source_id": records.column("source_id").astype(str),
        "account": base.tables.resolution.account_of_record,
    })  # fmt: skip
    joined = mine.merge(truth[["system", "source_id", "entity_id"]], on=["system", "source_id"])
    joined = joined[joined["account"] >= 0]
    ids = base.tables.accounts.column("id")
    best = joined.groupby("account")["entity_id"].agg(lambda values: values.mode().iloc[0])
    return pd.Series(best.to_numpy(), index=ids[best.index.to_numpy()])


def _companies(
    area: str, history: pd.DataFrame, company: pd.Series, truth: pd.DataFrame
) -> list[Fact]:
    """For information: which companies reached each customer-side stage, beside entries.

    Entry counts also count re-entries (back to adopting after a risk passed), which
    the truth, one entry per stage, never has; these lines show found and extra companies.
    """
    facts = []
    for name in ("adopting", "at_risk", "dormant"):
        got = set(company.reindex(history.loc[history["stage"] == name, "account_id"]).dropna())
        true = set(truth.loc[truth["stage"] == name, "subject_id"])
        share = len(got & true) / len(true) if true else float("nan")
        label = f"{name} companies found of {len(true)} (info; {len(got - true)} others)"
        facts.append(Fact(area, label, share, "(info)", True))
    return facts


def measure(world: SampleWorld, loaded: Loaded, base: CustomerBase) -> list[Fact]:
    area = "lifecycle"
    truth = world.truth.stages
    facts: list[Fact] = []
    for level, names in (("contact", _CONTACT_STAGES), ("account", _CUSTOMER_STAGES)):
        got = stage_history(base, level=level).to_pandas()["stage"].value_counts()
        expected = truth[truth["subject_kind"] == level]["stage"].value_counts()
        facts.extend(
            _within(area, f"{level} {name} entries", int(got.get(name, 0)),
                    int(expected.get(name, 0)))
            for name in names
        )  # fmt: skip
    history = stage_history(base, level="account").to_pandas()
    company = _company_of_account(world, base)
    found = set(company.reindex(history.loc[history["stage"] == "churned", "account_id"]))
    churned = set(world.truth.companies.loc[world.truth.companies["churned"], "company_id"])
    share = len(churned & found) / len(churned) if churned else float("nan")
    facts.append(Fact(area, f"churned companies found ({len(churned)})", share, ">= 0.90",
                      share >= 0.90))  # fmt: skip
    facts.extend(_companies(area, history, company, truth))
    waterfall = kpi_tables(base).waterfall
    deals = base.tables.opportunities
    won = float(np.nansum(deals.column("amount")[deals.labels("outcome") == "won"]))
    carried = float(waterfall["converted_value"].sum())
    gap = abs(carried - won) / won if won else float("nan")
    facts.append(Fact(area, f"KPI waterfall won value vs won amount {won:,.0f} (rel. gap)",
                      gap, "<= 0.001", gap <= 0.001))  # fmt: skip
    # The account fit rules of the defaults read contact fields until the titles slice
    # lands; the account-level default rules are the firmographic ones.
    rules = tuple(rule for rule in DEFAULT_FIT_RULES if rule.field not in ("seniority", "title"))
    scorer = LeadScorer(level="account", fit=FitScorer(level="account", rules=rules))
    proposals = scorer.proposals(scorer.score(base, as_of=None), base)
    won_accounts = set(base.tables.accounts.column("id")[
        np.unique(deals.column("account")[(deals.labels("outcome") == "won")
                                          & (deals.column("account") >= 0)])])  # fmt: skip
    bad = int(proposals["account_id"].isin(won_accounts).sum())
    facts.append(Fact(area, f"proposed MQAs with a won deal (of {len(proposals)})", bad, "0",
                      bad == 0))  # fmt: skip
    return facts
