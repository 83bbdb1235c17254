"""Buying committees and signals: accuracy on the sample world's ground truth, and speed at scale.

Part 1, accuracy (a sample world of 1,500 accounts):
- role accuracy of every committee member whose true role is known, split into declared
  roles (from CRM contact roles) and roles inferred from titles, with a confusion table;
- a check that declared roles always win over inferred ones;
- how many of the committees the generator left without an economic buyer are flagged.

Part 2, speed (20,000 accounts, about 200,000 contacts, 5,000,000 interactions): the time of
``committees`` (members, graphs' edges, influence, coverage and gaps for every account)
plus ``evaluate_signals`` (all built-in policies), against the target of 20 s.

Run: ``python benchmarks/committee_signals.py`` (``--quick`` for a smaller second part).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from customer_understanding import CustomerBase
from customer_understanding.committee import committees
from customer_understanding.datasets import SampleWorld, generate_world
from customer_understanding.identity import ProbabilisticResolver
from customer_understanding.signals import evaluate_signals


def _true_person(base: CustomerBase, world: SampleWorld) -> pd.Series:
    """The true person of each contact entity (by majority over its source records)."""
    truth = world.truth.records[world.truth.records["kind"] == "person"]
    system = truth["source"].str.split(".").str[0]
    key = system + "|" + truth["source_id"].astype(str)
    person_of_key = pd.Series(truth["entity_id"].to_numpy(), index=key).groupby(level=0).first()
    records = base.tables.contact_records
    keys = pd.Series(records.labels("system")) + "|" + pd.Series(records.column("source_id"))
    entity = base.contacts.column("id")[base.tables.resolution.contact_of_record]
    votes = pd.DataFrame({"contact_id": entity, "person": person_of_key.reindex(keys).to_numpy()})
    return votes.dropna().groupby("contact_id")["person"].agg(lambda p: p.mode().iloc[0])


def accuracy() -> None:
    world = generate_world(accounts=1_500, interactions=300_000, seed=0)
    # Committees are judged on the probabilistic identity: exact keys split accounts.
    base = CustomerBase.build(world.as_sources(), policy="lenient",
                              resolver=ProbabilisticResolver())  # fmt: skip
    found = committees(base)
    members = found.members.set_index("contact_id")
    person = _true_person(base, world).reindex(members.index)
    true_role = world.truth.people.set_index("person_id")["role"]
    members = members.assign(true_role=true_role.reindex(person.to_numpy()).to_numpy())
    known = members[members["true_role"].notna()]
    print("Role accuracy against the ground truth (members whose true role is known)")
    for source in ("declared", "inferred"):
        part = known[known["role_source"] == source]
        share = (part["role"] == part["true_role"]).mean() if len(part) else float("nan")
        print(f"  {source:<9} {len(part):6,} members   accuracy {share:.3f}")
    inferred = known[known["role_source"] != "declared"]
    print("\nConfusion table of inferred roles (rows: truth, columns: inferred)")
    with pd.option_context("display.width", 200, "display.max_columns", None):
        print(pd.crosstab(inferred["true_role"], inferred["role"].fillna("(none)")))
    _declared_win(base, found.members)
    _buyer_gaps(base, world, found.coverage.gaps)


def _declared_win(base: CustomerBase, members: pd.DataFrame) -> None:
    roles, deals = base.tables.contact_roles, base.opportunities
    opened = deals.column("created_at")[np.maximum(roles.column("opportunity"), 0)]
    latest = base.interactions.column("occurred_at").max()  # the as-of time of `committees`
    usable = (roles.column("contact") >= 0) & (roles.column("role") >= 0)
    usable &= (roles.column("opportunity") >= 0) & (opened <= latest)
    declared = set(base.contacts.column("id")[roles.column("contact")[usable]])
    shown = members[members["contact_id"].isin(declared)]
    print(f"\nDeclared roles win: {(shown['role_source'] == 'declared').mean():.3f} of "
          f"{len(shown):,} members with a CRM contact role (on a deal opened by the as-of "
          "time) show the declared role")  # fmt: skip


def _buyer_gaps(base: CustomerBase, world: SampleWorld, gaps: pd.DataFrame) -> None:
    truth = world.truth
    company = truth.people.set_index("person_id")["company_id"]
    roles = truth.roles.assign(company=company.reindex(truth.roles["person_id"]).to_numpy())
    has_buyer = roles.groupby("company")["role"].agg(lambda r: bool((r == "economic_buyer").any()))
    records = truth.records[truth.records["kind"] == "company"]
    key = records["source"].str.split(".").str[0] + "|" + records["source_id"].astype(str)
    table = base.tables.account_records
    ours = pd.Series(base.accounts.column("id")[base.tables.resolution.account_of_record],
                     index=pd.Series(table.labels("system")) + "|"
                     + pd.Series(table.column("source_id")))  # fmt: skip
    accounts = pd.DataFrame({"company": records["entity_id"].to_numpy(),
                             "account": ours.reindex(key).to_numpy()}).dropna()  # fmt: skip
    flagged = set(gaps.loc[(gaps["role"] == "economic_buyer")
                           & (gaps["kind"] == "missing_role"), "account_id"])  # fmt: skip
    hit = accounts.assign(flag=accounts["account"].isin(flagged)).groupby("company")["flag"].any()
    missing, present = has_buyer.index[~has_buyer], has_buyer.index[has_buyer]
    print(
        f"\nCommittees without an economic buyer (truth): {len(missing)}; flagged "
        f"'no economic buyer in the committee': {int(hit.reindex(missing).fillna(False).sum())}"
    )
    print(f"Committees with one, flagged anyway: {int(hit.reindex(present).fillna(False).sum())} "
          f"of {len(present)}")  # fmt: skip


def speed(*, accounts: int, interactions: int) -> None:
    print(f"\nScale: generating {accounts:,} accounts and {interactions:,} interactions ...")
    world = generate_world(accounts=accounts, interactions=interactions, seed=3)
    base = CustomerBase.build(world.as_sources(), policy="lenient")
    summary = base.summary()
    print(f"  base: {summary.accounts:,} accounts, {summary.contacts:,} contacts, "
          f"{summary.interactions:,} interactions")  # fmt: skip
    started = time.perf_counter()
    found = committees(base)
    middle = time.perf_counter()
    signals = evaluate_signals(base)
    ended = time.perf_counter()
    print(f"  committees (members, edges, influence, coverage, gaps): {middle - started:6.2f} s "
          f"-> {len(found.members):,} members, {len(found.edges):,} edges, "
          f"{len(found.coverage.gaps):,} gaps")  # fmt: skip
    print(f"  signals (all built-in policies):                         {ended - middle:6.2f} s "
          f"-> {len(signals):,} signals, {len(signals.suppressed):,} held back")  # fmt: skip
    total = ended - started
    print(f"  total {total:.2f} s (target < 20 s: {'met' if total < 20 else 'NOT met'})")
    print("  signals by kind:", dict(signals.to_pandas()["kind"].value_counts()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the scale run")
    args = parser.parse_args()
    accuracy()
    scale = 10 if args.quick else 1
    speed(accounts=20_000 // scale, interactions=5_000_000 // scale)


if __name__ == "__main__":
    main()
