"""Lead-to-account benchmark on the sample world: is each contact assigned to its company?

Runs ``LeadToAccount`` on the Salesforce Leads and HubSpot contacts of a generated world
against every account record (Salesforce Accounts, HubSpot companies, Zendesk
organisations) and scores each assignment against the world's truth (the person's
``company_id`` in ``world.truth.people``, the account record's entity in
``world.truth.records``). In the same run, the reference is the plain work e-mail domain
lookup (free-mail excluded), which is what a rule-based CRM assignment does.

Accuracy counts every contact (unassigned ones are wrong); precision counts the assigned
ones; coverage is the share assigned. Some companies have no account record in any
system, so their people cannot be assigned: the last figure leaves them out.

Also in the same run, the same matcher comparing every typed name with every account
name (the dense similarity matrix it used before blocking), and how many contacts the
two assign differently: blocking must not change the answers.

Run with ``python benchmarks/identity_lead_to_account.py [--accounts N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cdist

from customer_understanding.datasets import generate_world
from customer_understanding.domain import FREE_MAIL_DOMAINS
from customer_understanding.identity import _lead_to_account
from customer_understanding.identity._lead_to_account import LeadToAccount

_CONTACTS = {
    "salesforce.Lead": {"Id": "id", "Email": "email", "Company": "company", "Website": "website"},
    "hubspot.contacts": {"hs_object_id": "id", "email": "email", "company": "company"},
}
_ACCOUNTS = {
    "salesforce.Account": {
        "Id": "id", "Name": "name", "Website": "domain", "BillingCity": "city",
        "BillingCountry": "country",
    },
    "hubspot.companies": {
        "hs_object_id": "id", "name": "name", "domain": "domain", "city": "city",
        "country": "country",
    },
    "zendesk.organizations": {"id": "id", "name": "name", "domain_names": "domain"},
}  # fmt: skip


def _every_pair(names: np.ndarray, choices: Any, *, threshold: float, cap: int = 0) -> pd.DataFrame:
    """The reference: every name against every choice, 2,000 names at a time."""
    choices = getattr(choices, "choices", choices)  # prepared accounts hand a NameIndex
    first = [str(name).replace(" ", "") for name in names]
    second = [str(name).replace(" ", "") for name in choices]
    found = []
    for start in range(0, len(first), 2_000):
        block = cdist(first[start : start + 2_000], second, dtype=np.float32, workers=1,
                      scorer=JaroWinkler.normalized_similarity)  # fmt: skip
        rows, columns = np.nonzero(block >= np.float32(threshold))
        found.append(pd.DataFrame({"name": rows + start, "choice": columns,
                                   "similarity": block[rows, columns]}))  # fmt: skip
    return pd.concat(found, ignore_index=True)


def _dense_match(contacts: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    with mock.patch.object(_lead_to_account, "similar_names", _every_pair):
        return LeadToAccount().match(contacts, accounts).to_pandas()


def _frame(sources: dict[str, pd.DataFrame], columns: dict[str, dict[str, str]]) -> pd.DataFrame:
    parts = []
    for source, rename in columns.items():
        part = sources[source][list(rename)].rename(columns=rename)
        part["source_id"] = part["id"].astype(str)
        part["source"] = source
        part["id"] = source + ":" + part["source_id"]
        parts.append(part)
    return pd.concat(parts, ignore_index=True).drop_duplicates("id")  # exports repeat rows


def _truth(frame: pd.DataFrame, world: object) -> pd.Series:
    truth = world.truth  # type: ignore[attr-defined]
    records = truth.records.assign(source_id=truth.records["source_id"].astype(str))
    records = records.drop_duplicates(["source", "source_id"])
    entity = frame.merge(records, how="left", on=["source", "source_id"])["entity_id"]
    company = entity.map(truth.people.set_index("person_id")["company_id"])
    return company.fillna(entity).set_axis(frame["id"])


def _domain_only(contacts: pd.DataFrame, accounts: pd.DataFrame) -> pd.Series:
    domain = contacts["email"].str.lower().str.partition("@")[2]
    domain = domain.where(~domain.isin(FREE_MAIL_DOMAINS))
    site = (
        accounts["domain"].astype("string").str.lower()
        .str.replace(r"^[a-z]+://", "", regex=True).str.replace(r"^www\.", "", regex=True)
    )  # fmt: skip
    lookup = pd.Series(accounts["id"].to_numpy(), index=site).dropna()
    lookup = lookup[~lookup.index.duplicated()]
    return domain.map(lookup).set_axis(contacts["id"])


def _score(name: str, assigned: pd.Series, truth_contacts: pd.Series, truth_accounts: pd.Series,
           seconds: float) -> None:  # fmt: skip
    predicted = assigned.map(truth_accounts)
    expected = truth_contacts.reindex(assigned.index).to_numpy()
    hits = predicted.to_numpy() == expected
    correct = int(hits.sum())
    n, covered = len(assigned), int(assigned.notna().sum())
    has_account = pd.Series(expected).isin(set(truth_accounts.dropna())).to_numpy()
    print(
        f"  {name:<22} accuracy {correct / n:.3f}  precision {correct / max(covered, 1):.3f}"
        f"  coverage {covered / n:.3f}  accuracy where the company has an account "
        f"{hits[has_account].mean():.3f}  ({seconds:.3f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    world = generate_world(accounts=options.accounts, seed=options.seed)
    sources = dict(world.sources)
    accounts = _frame(sources, _ACCOUNTS)
    accounts["domain"] = accounts["domain"].astype("string").str.split(",").str[0]
    truth_accounts = _truth(accounts, world)
    for source, columns in _CONTACTS.items():
        contacts = _frame(sources, {source: columns})
        truth_contacts = _truth(contacts, world)
        print(f"{source}: {len(contacts)} contacts, {len(accounts)} account records")
        start = time.perf_counter()
        matches = LeadToAccount().match(contacts, accounts).to_pandas()
        seconds = time.perf_counter() - start
        assigned = matches.set_index("contact_id")["account_id"]
        _score("LeadToAccount", assigned, truth_contacts, truth_accounts, seconds)
        for method, rows in matches.groupby("method"):
            print(f"    {method:<6} {len(rows):>5} contacts, mean confidence "
                  f"{rows['confidence'].mean():.2f}")  # fmt: skip
        start = time.perf_counter()
        dense = _dense_match(contacts, accounts)
        seconds = time.perf_counter() - start
        _score("every pair (dense)", dense.set_index("contact_id")["account_id"],
               truth_contacts, truth_accounts, seconds)  # fmt: skip
        differ = (dense["account_id"].fillna("-") != matches["account_id"].fillna("-")).sum()
        moved = (dense["confidence"] - matches["confidence"]).abs().max()
        print(f"    blocking vs every pair: {differ} contacts assigned differently, "
              f"largest confidence difference {moved:.2g}")  # fmt: skip
        start = time.perf_counter()
        reference = _domain_only(contacts, accounts)
        _score("e-mail domain only", reference, truth_contacts, truth_accounts,
               time.perf_counter() - start)  # fmt: skip


if __name__ == "__main__":
    main()
