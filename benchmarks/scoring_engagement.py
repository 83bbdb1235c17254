"""Engagement scoring benchmark: contact scores with reason codes plus the account roll-up.

Synthesises the columns directly with numpy (default: 10M interactions, 1M contacts, 50k
accounts, 200k buying-role rows) and times, in the same run:

- ``EngagementScorer`` (30-day half-life, daily caps on page views and e-mail opens,
  negative signals, role-weighted roll-up with breadth points): contact ``ScoreTable`` with
  columnar reasons for every contact, then the account ``ScoreTable``;
- a straightforward pandas ``groupby`` implementation of the same scoring.

It checks both give the same contact and account scores and prints both times and the ratio.
Target: under 3 s and at least 2x faster than the pandas reference.

Run: ``python benchmarks/scoring_engagement.py [--interactions N --contacts N --accounts N]``.
"""

from __future__ import annotations

import argparse
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd

from customer_understanding._core import parse_moment
from customer_understanding.scoring import DEFAULT_POINTS, DEFAULT_ROLE_WEIGHTS, EngagementScorer
from customer_understanding.tables import (
    AccountTable,
    ContactRoleTable,
    ContactTable,
    InteractionTable,
    OpportunityTable,
)

DAY = 86_400 * 10**9
AS_OF = 1_780_000_000 * 10**9
TYPES = (*DEFAULT_POINTS, "email_send", "note", "task", "ticket")
ROLES = tuple(DEFAULT_ROLE_WEIGHTS)


def _table(cls, length, columns, categories):
    """A table whose unused columns share one array of missing values (cheap at 10M rows)."""
    fillers = {}
    arrays = {}
    for column in cls.SCHEMA.columns:
        if column.name in columns:
            arrays[column.name] = columns[column.name]
            continue
        key = column.kind
        if key not in fillers:
            dtype = {"time": np.int64, "category": np.int32, "text": object,
                     "float": np.float64, "index": np.int64, "bool": np.bool_}[key]  # fmt: skip
            fillers[key] = np.full(length, column.missing, dtype=dtype)
        arrays[column.name] = fillers[key]
    labels = {c.name: categories.get(c.name, c.labels or ()) for c in cls.SCHEMA.columns
              if c.kind == "category"}  # fmt: skip
    return cls(arrays, labels)


def synthesise(interactions: int, contacts: int, accounts: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    popularity = rng.dirichlet(np.ones(len(TYPES)) * 2)
    contact = rng.integers(0, contacts, interactions)
    age = rng.exponential(90 * DAY, interactions).astype(np.int64)
    deals = accounts * 2
    role_rows = contacts // 5
    interaction_table = _table(InteractionTable, interactions, {
        "occurred_at": AS_OF + DAY - age,  # a few land after as_of and must not count
        "type": rng.choice(len(TYPES), interactions, p=popularity).astype(np.int32),
        "contact": contact, "account": np.full(interactions, -1, dtype=np.int64),
    }, {"type": TYPES})  # fmt: skip
    contact_table = _table(ContactTable, contacts, {
        "id": np.array([f"c{i}" for i in range(contacts)], dtype=object),
        "account": rng.integers(0, accounts, contacts),
    }, {})  # fmt: skip
    account_table = _table(AccountTable, accounts, {
        "id": np.array([f"a{i}" for i in range(accounts)], dtype=object),
    }, {})  # fmt: skip
    deal_table = _table(OpportunityTable, deals, {
        "created_at": AS_OF - rng.integers(0, 400, deals) * DAY,
        "account": rng.integers(0, accounts, deals),
    }, {})  # fmt: skip
    role_table = _table(ContactRoleTable, role_rows, {
        "role": rng.integers(0, len(ROLES), role_rows).astype(np.int32),
        "opportunity": rng.integers(0, deals, role_rows),
        "contact": rng.integers(0, contacts, role_rows),
    }, {"role": ROLES})  # fmt: skip
    tables = SimpleNamespace(
        interactions=interaction_table, contacts=contact_table, accounts=account_table,
        opportunities=deal_table, contact_roles=role_table,
        moment=lambda as_of, name="as_of": parse_moment(as_of, name=name),
    )  # fmt: skip
    return SimpleNamespace(tables=tables)


def ours(base, scorer: EngagementScorer):
    contacts = scorer.score(base, as_of=AS_OF)
    accounts = scorer.roll_up(contacts, base)
    return contacts, accounts


def pandas_reference(base, scorer: EngagementScorer):
    """The same scoring as a data scientist would write it with pandas groupby."""
    tables = base.tables
    inter = tables.interactions
    type_names = np.array(inter.categories["type"], dtype=object)
    df = pd.DataFrame({
        "contact": inter.column("contact"), "type": type_names[inter.column("type")],
        "t": inter.column("occurred_at"),
    })  # fmt: skip
    df = df[(df["t"] < AS_OF) & (df["contact"] >= 0) & df["type"].isin(list(scorer.points))]
    df = df.assign(age=AS_OF - df["t"])
    df["decay"] = np.exp(-np.log(2) * df["age"] / (scorer.half_life_days * DAY))
    df["bucket"] = df["age"] // int(scorer.cap_period_days * DAY)
    n = df.groupby(["contact", "type", "bucket"])["t"].transform("size")
    cap = df["type"].map(scorer.caps).astype(float).fillna(np.inf)
    df["counted"] = np.minimum(1.0, cap / n)
    df["weighted"] = df["decay"] * df["counted"]
    grouped = df.groupby(["contact", "type"])
    reasons = grouped.agg(value=("counted", "sum"), decayed=("weighted", "sum")).reset_index()
    reasons["weight"] = reasons["type"].map(scorer.points)
    reasons["contribution"] = reasons["weight"] * reasons["decayed"]
    reasons["decay"] = reasons["decayed"] / reasons["value"]
    n_contacts = len(tables.contacts)
    score = reasons.groupby("contact")["contribution"].sum()
    score = score.reindex(range(n_contacts), fill_value=0.0)
    # roll-up: role weights of contacts on deals opened before as_of
    roles = pd.DataFrame({
        "contact": tables.contact_roles.column("contact"),
        "role": np.array(ROLES, dtype=object)[tables.contact_roles.column("role")],
        "created": tables.opportunities.column("created_at")[
            tables.contact_roles.column("opportunity")
        ],
    })  # fmt: skip
    roles = roles[roles["created"] <= AS_OF]  # an event at as_of is known
    roles["w"] = roles["role"].map(scorer.role_weights)
    person = roles.groupby("contact")["w"].max().reindex(range(n_contacts), fill_value=1.0)
    account_of = pd.Series(tables.contacts.column("account"))
    reasons["account"] = account_of.to_numpy()[reasons["contact"].to_numpy()]
    reasons["scaled"] = reasons["contribution"] * person.to_numpy()[reasons["contact"].to_numpy()]
    grouped = reasons.groupby(["account", "type"])
    by_account = grouped.agg(value=("value", "sum"), total=("scaled", "sum")).reset_index()
    n_accounts = len(tables.accounts)
    engaged = pd.DataFrame({"account": account_of, "engaged": score.to_numpy() > 0})
    people = engaged.groupby("account")["engaged"].sum().reindex(range(n_accounts), fill_value=0)
    breadth = scorer.breadth_points * np.clip(people - 1, 0, scorer.breadth_cap)
    account_score = by_account.groupby("account")["total"].sum()
    account_score = account_score.reindex(range(n_accounts), fill_value=0.0)
    return score.to_numpy(), (account_score + breadth).to_numpy(), reasons, by_account


def _timed(work):
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=10_000_000)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=50_000)
    args = parser.parse_args()
    base, setup = _timed(lambda: synthesise(args.interactions, args.contacts, args.accounts))
    print(f"synthesised {args.interactions:,} interactions, {args.contacts:,} contacts, "
          f"{args.accounts:,} accounts in {setup:.1f} s")  # fmt: skip
    scorer = EngagementScorer(level="contact", half_life_days=30.0)
    ours(base, scorer)  # warm-up (imports, page faults)
    runs = [_timed(lambda: ours(base, scorer)) for _ in range(3)]
    (contacts, accounts), mine = runs[0][0], float(np.median([seconds for _, seconds in runs]))
    print("EngagementScorer runs: " + ", ".join(f"{seconds:.2f} s" for _, seconds in runs))
    (score, account_score, reasons, _), theirs = _timed(lambda: pandas_reference(base, scorer))
    same = np.allclose(contacts.score, score) and np.allclose(accounts.score, account_score)
    adds_up = np.allclose(contacts.reasons.total(len(contacts)), contacts.score) and np.allclose(
        accounts.reasons.total(len(accounts)), accounts.score
    )
    print(f"contact reasons: {len(contacts.reasons):,} rows (pandas: {len(reasons):,}); "
          f"account reasons: {len(accounts.reasons):,} rows")  # fmt: skip
    print(f"same scores as pandas: {same}; reasons add up to scores: {adds_up}")
    best = min(seconds for _, seconds in runs)
    label = "customer_understanding EngagementScorer:"
    print(f"{label} {mine:6.2f} s   (median of 3, best {best:.2f} s; target < 3 s)")
    print(f"pandas groupby reference:                {theirs:6.2f} s")
    print(f"speed-up: {theirs / mine:5.1f}x   (target >= 2x)")


if __name__ == "__main__":
    main()
