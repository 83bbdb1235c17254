"""Identity benchmark on the sample world: contact and account cluster F1 against its truth.

Compares, in one run, the exact-key resolver of the customer base (``resolve_exact``) with
``customer_understanding.identity.ProbabilisticResolver`` on the account and contact
records of a generated world, scored against ``world.truth.records``.

Run with ``python benchmarks/identity_sample_world.py [--accounts N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from customer_understanding.datasets import generate_world
from customer_understanding.identity import (
    ProbabilisticResolver,
    Resolution,
    cluster_scores,
    resolve_exact,
)
from customer_understanding.ingest import load
from customer_understanding.tables import AccountRecords, ContactRecords


def _truth(records: AccountRecords | ContactRecords, truth: pd.DataFrame) -> np.ndarray:
    truth = truth[truth["source"] != "product.events"]
    table = pd.DataFrame(
        {
            "system": truth["source"].str.split(".").str[0],
            "source_id": truth["source_id"].astype(str),
            "entity": truth["entity_id"],
        }
    ).drop_duplicates(["system", "source_id"])
    keys = pd.DataFrame(
        {
            "system": records.labels("system").astype(str),
            "source_id": records.column("source_id").astype(str),
        }
    )
    found = keys.merge(table, how="left", on=["system", "source_id"])["entity"].to_numpy(
        dtype=object
    )
    missing = pd.isna(found)
    found[missing] = [f"unknown-{i}" for i in range(int(missing.sum()))]
    return found


def _report(
    name: str, resolution: Resolution, truths: tuple[np.ndarray, np.ndarray], seconds: float
) -> None:
    accounts = cluster_scores(resolution.account_of_record, truths[0])
    contacts = cluster_scores(resolution.contact_of_record, truths[1])
    print(
        f"{name:<14} accounts P {accounts.precision:.4f} R {accounts.recall:.4f} "
        f"F1 {accounts.f1:.4f} | contacts P {contacts.precision:.4f} R {contacts.recall:.4f} "
        f"F1 {contacts.f1:.4f} | {seconds:6.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    world = generate_world(accounts=args.accounts, interactions=20_000, seed=args.seed)
    loaded = load(world.as_sources(), policy="lenient")
    accounts, contacts = loaded.combined(AccountRecords), loaded.combined(ContactRecords)
    truths = (_truth(accounts, world.truth.records), _truth(contacts, world.truth.records))
    print(f"world: {args.accounts} accounts, seed {args.seed}: "
          f"{len(accounts)} account records, {len(contacts)} contact records")  # fmt: skip
    for name, resolver in (
        ("exact keys", resolve_exact),
        ("probabilistic", ProbabilisticResolver()),
    ):
        started = time.perf_counter()
        resolution = resolver(accounts, contacts)
        _report(name, resolution, truths, time.perf_counter() - started)


if __name__ == "__main__":
    main()
