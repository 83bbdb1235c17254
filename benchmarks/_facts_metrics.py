"""Metrics that mean what they say: health labels and RFM segments against the world's truth.

Health is scored as of the world's end. A customer is a company that ever bought
(``is_customer`` or ``churned`` in ``truth.companies``); churned and at-risk customers
(truth stage ``at_risk``) must be labelled ``at_risk``, prospects must get no label, and
the score must still rank churned customers below retained ones (AUC). RFM is fitted on
the same moment: its revenue-event counts are checked against ``truth.deals`` and the size
of every named segment is printed (none may be empty on this world).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from facts_sample_world import Fact

from customer_understanding import CustomerBase
from customer_understanding.datasets import SampleWorld
from customer_understanding.ingest import Loaded
from customer_understanding.scoring import HealthScorer
from customer_understanding.segmentation import RFMSegmenter

AREA = "metrics"


def company_of_account(world: SampleWorld, base: CustomerBase) -> np.ndarray:
    """The true company of every account row: the entity most of its records describe."""
    tables = base.tables
    records = tables.account_records
    truth = world.truth.records
    truth = truth[truth["kind"] == "company"]
    key = pd.DataFrame(
        {
            "system": truth["source"].str.split(".").str[0].to_numpy(),
            "source_id": truth["source_id"].astype(str).to_numpy(),
            "company": truth["entity_id"].to_numpy(),
        }
    ).drop_duplicates(["system", "source_id"])
    frame = pd.DataFrame(
        {
            "system": records.labels("system").astype(str),
            "source_id": records.column("source_id").astype(str),
            "account": tables.resolution.account_of_record,
        }
    ).merge(key, how="left", on=["system", "source_id"])
    frame = frame[(frame["account"] >= 0) & frame["company"].notna()]
    votes = frame.groupby(["account", "company"]).size().reset_index(name="n")
    best = votes.sort_values("n", ascending=False).drop_duplicates("account")
    out = np.full(len(tables.accounts), None, dtype=object)
    out[best["account"].to_numpy()] = best["company"].to_numpy()
    return out


def _auc(low: np.ndarray, high: np.ndarray) -> float:
    """P(a retained customer scores above a churned one), ties counting half."""
    if not len(low) or not len(high):
        return float("nan")
    above = (high[:, None] > low[None, :]).mean()
    ties = (high[:, None] == low[None, :]).mean()
    return float(above + ties / 2)


def _health(world: SampleWorld, base: CustomerBase, company: np.ndarray) -> list[Fact]:
    table = HealthScorer().score(base, as_of=world.end)
    truth = world.truth.companies.set_index("company_id")
    known = np.array([c is not None for c in company])
    rows = np.flatnonzero(known)
    facts = truth.loc[company[rows]]
    labels, score = table.labels()[rows], table.score[rows]
    churned = facts["churned"].to_numpy(dtype=bool)
    customer = facts["is_customer"].to_numpy(dtype=bool) | churned
    at_risk = customer & (churned | (facts["stage"] == "at_risk").to_numpy())
    dormant = customer & (facts["stage"] == "dormant").to_numpy()
    prospect = ~customer
    retained = customer & ~churned
    flagged = labels == "at_risk"

    def share(mask: np.ndarray) -> float:
        return float(flagged[mask].mean()) if mask.any() else float("nan")

    labelled = float(np.mean([label is not None for label in labels[prospect]]))
    auc = _auc(score[churned], score[retained])
    return [
        Fact(AREA, f"health: churned / at-risk customers labelled at_risk (n={at_risk.sum()})",
             share(at_risk), ">= 0.80", share(at_risk) >= 0.80),
        Fact(AREA, "health: churned / at-risk customers labelled at_risk or watch",
             float(np.isin(labels[at_risk], ("at_risk", "watch")).mean()), "report", True),
        Fact(AREA, f"health: churned labelled at_risk (n={churned.sum()})", share(churned),
             "report", True),
        Fact(AREA, f"health: dormant customers labelled at_risk (n={dormant.sum()})",
             share(dormant), "report", True),
        Fact(AREA, f"health: retained, not at risk, labelled at_risk "
             f"(n={(retained & ~at_risk & ~dormant).sum()})",
             share(retained & ~at_risk & ~dormant), "report", True),
        Fact(AREA, f"health: prospects with a label (n={prospect.sum()})", labelled, "0",
             labelled == 0),
        Fact(AREA, "health: AUC churned vs retained (score ranks)", auc, ">= 0.80", auc >= 0.80),
    ]  # fmt: skip


def _rfm(world: SampleWorld, base: CustomerBase, company: np.ndarray) -> list[Fact]:
    model = RFMSegmenter().fit(base, as_of=world.end)
    frame = model.scores(base, as_of=world.end)
    deals = world.truth.deals
    if deals.empty:
        return [Fact(AREA, "rfm: the world has no truth.deals", 0.0, "report", False)]
    end = world.end
    won = deals[(deals["outcome"] == "won") & (deals["closed_at"] <= pd.Timestamp(end))]
    events = won.groupby("company_id").size()
    frequency = frame["frequency"].fillna(0).to_numpy()
    known = np.array([c is not None for c in company])
    expected = events.reindex(company[known]).fillna(0).to_numpy()
    agree = float(np.mean(frequency[known] == expected))
    sizes = frame["segment"].value_counts()
    repeat = float(np.mean(frequency[frequency > 0] > 1))
    facts = [
        Fact(AREA, "rfm: revenue events per account equal the truth's won deals", agree,
             ">= 0.95", agree >= 0.95),
        Fact(AREA, "rfm: buyers with more than one revenue event", repeat, "report", True),
    ]  # fmt: skip
    for name in model.segment_names:
        size = int(sizes.get(name, 0))
        facts.append(Fact(AREA, f"rfm: segment {name} size", size, "> 0", size > 0))
    return facts


def measure(world: SampleWorld, loaded: Loaded, base: CustomerBase) -> list[Fact]:
    company = company_of_account(world, base)
    return [*_health(world, base, company), *_rfm(world, base, company)]
