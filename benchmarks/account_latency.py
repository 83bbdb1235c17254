"""Per-customer latency: one account's view, committee, traits and signals on a built base.

Builds the sample world (5,000 accounts by default), then, warm, times each call for a
sample of accounts and prints the median and the 95th percentile against the target
(under 50 ms at 5,000 accounts). In the same run it times what the same answers cost
when computed for the whole base, as ``account_view`` did before (traits and signals of
every account, and every account's committee coverage, on each call).

Run with ``python benchmarks/account_latency.py [--accounts 5000] [--interactions N]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from customer_understanding import CustomerBase, InvalidValueError
from customer_understanding.committee import buying_committee, committee_coverage
from customer_understanding.datasets import generate_world
from customer_understanding.ingest import load
from customer_understanding.signals import evaluate_signals
from customer_understanding.traits import evaluate_traits, standard_traits
from customer_understanding.views import account_view

_TARGET_MS = 50.0


def _times(call: Callable[[str], object], ids: list[str]) -> np.ndarray:
    """Wall and CPU milliseconds per call (CPU time stays true on a busy machine)."""
    for account_id in ids[:3]:  # warm caches and lazy imports
        call(account_id)
    spent = []
    for account_id in ids:
        wall, cpu = time.perf_counter(), time.process_time()
        call(account_id)
        spent.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    return np.array(spent)


def _account_traits(base: CustomerBase, account_id: str) -> list[str]:
    """The standard traits an account has (some record fields are a contact's only)."""
    names = []
    for name in sorted(standard_traits()):
        try:
            evaluate_traits(base, [name], accounts=[account_id])
        except InvalidValueError:
            continue
        names.append(name)
    return names


def _report(label: str, spent: np.ndarray, *, target: bool = True) -> None:
    median, p95 = np.median(spent, axis=0), np.percentile(spent, 95, axis=0)
    verdict = f"  (target < {_TARGET_MS:g} ms: {'met' if p95[0] < _TARGET_MS else 'NOT met'})"
    print(f"{label:<44} median {median[0]:7.1f} ms (cpu {median[1]:6.1f})   p95 {p95[0]:7.1f}"
          f" ms (cpu {p95[1]:6.1f}){verdict if target else ''}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=5_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args()
    world = generate_world(accounts=options.accounts, interactions=options.interactions,
                           seed=options.seed)  # fmt: skip
    base = CustomerBase.build(load(world.as_sources(), policy="lenient"))
    print(f"{base!r}")
    ids = base.accounts.column("id")
    busy = np.bincount(base.interactions.column("account") + 1, minlength=len(ids) + 1)[1:]
    rng = np.random.default_rng(options.seed)
    # half the busiest accounts, half drawn at random: the slow end and the usual case
    chosen = [
        *np.argsort(-busy)[: options.sample // 2],
        *rng.choice(len(ids), options.sample - options.sample // 2, replace=False),
    ]
    sample = [str(ids[row]) for row in chosen]
    print(f"{len(sample)} accounts; the busiest has {busy.max():,} interactions")
    names = _account_traits(base, sample[0])
    _report("account_view", _times(lambda a: account_view(base, a), sample))
    _report("buying_committee", _times(lambda a: buying_committee(base, a), sample))
    _report("evaluate_traits(accounts=[one]), 50 traits",
            _times(lambda a: evaluate_traits(base, names, accounts=[a]), sample))  # fmt: skip
    _report("evaluate_signals(accounts=[one])",
            _times(lambda a: evaluate_signals(base, accounts=[a]), sample))  # fmt: skip
    _report("base.for_accounts([one])", _times(lambda a: base.for_accounts([a]), sample))
    few = sample[:5]
    print("the same answers computed for the whole base (before):")
    _report("  evaluate_traits, all accounts",
            _times(lambda a: evaluate_traits(base, names), few), target=False)  # fmt: skip
    _report("  evaluate_signals, all accounts",
            _times(lambda a: evaluate_signals(base), few), target=False)  # fmt: skip
    _report("  committee_coverage, all accounts",
            _times(lambda a: committee_coverage(base), few), target=False)  # fmt: skip


if __name__ == "__main__":
    main()
