"""Build-scale benchmark: time and peak memory of ``CustomerBase.build`` as accounts grow.

For each size (20k, 40k and 100k accounts by default) a fresh subprocess generates the
sample world (contacts grow with the accounts: about 1.3M contact records and 1M people
at 100k accounts; interactions are ``--per-account`` times the accounts), loads it, and
then builds the base with the default probabilistic identity. It reports:

- the build time, and the share of it spent matching leads to accounts;
- the build's peak resident memory: the kernel's high-water mark is reset just before
  the build (``/proc/self/clear_refs``), so generation and loading do not count;
- the process's overall peak, for comparison;

and, across sizes, how time and memory grow against the number of accounts (1.0 is
linear). The target: the 100k build within 8 GB, and growth near-linear.

Run with ``python benchmarks/build_scale.py [--sizes 20000 40000 100000]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

_TARGET_GIB = 8.0


def _status(field: str) -> float:
    """A memory figure of this process from ``/proc/self/status``, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _one(accounts: int, per_account: int, seed: int) -> dict[str, float]:
    from customer_understanding import CustomerBase
    from customer_understanding.datasets import generate_world
    from customer_understanding.identity import LeadToAccount
    from customer_understanding.ingest import load

    started = time.perf_counter()
    world = generate_world(accounts=accounts, interactions=per_account * accounts, seed=seed)
    loaded = load(world.as_sources(), policy="lenient")
    people = len(world.truth.people)
    del world
    gc.collect()
    prepared = time.perf_counter() - started
    spent = [0.0]
    match = LeadToAccount.match

    def timed_match(self: LeadToAccount, *args: object, **kwargs: object) -> object:
        began = time.perf_counter()
        try:
            return match(self, *args, **kwargs)  # type: ignore[arg-type]
        finally:
            spent[0] += time.perf_counter() - began

    LeadToAccount.match = timed_match  # type: ignore[assignment,method-assign]
    before = _status("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark to now
    started = time.perf_counter()
    base = CustomerBase.build(loaded)
    build = time.perf_counter() - started
    summary = base.summary()
    return {
        "accounts": accounts,
        "people": people,
        "contact_records": summary.contact_records,
        "account_records": summary.account_records,
        "entities": summary.accounts,
        "prepare_s": prepared,
        "build_s": build,
        "lead_to_account_s": spent[0],
        "rss_before_build_mib": before,
        "build_peak_mib": _status("VmHWM"),
        "process_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _run(accounts: int, per_account: int, seed: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--one", str(accounts),
               "--per-account", str(per_account), "--seed", str(seed)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stderr)
        msg = f"the build of {accounts} accounts failed (exit {done.returncode})"
        raise SystemExit(msg)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 40_000, 100_000])
    parser.add_argument("--per-account", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:
        print(json.dumps(_one(options.one, options.per_account, options.seed)))
        return
    rows = []
    print(f"{'accounts':>9} {'people':>9} {'contact rec':>12} {'build s':>8} {'lead→acct s':>12}"
          f" {'build peak MiB':>15} {'process peak MiB':>17}")  # fmt: skip
    for accounts in options.sizes:
        row = _run(accounts, options.per_account, options.seed)
        rows.append(row)
        print(f"{row['accounts']:>9,} {row['people']:>9,} {row['contact_records']:>12,}"
              f" {row['build_s']:>8.1f} {row['lead_to_account_s']:>12.1f}"
              f" {row['build_peak_mib']:>15,.0f} {row['process_peak_mib']:>17,.0f}",
              flush=True)  # fmt: skip
    first = rows[0]
    for row in rows[1:]:
        scale = row["accounts"] / first["accounts"]
        print(f"{first['accounts']:,} → {row['accounts']:,} accounts (x{scale:g}): build time "
              f"x{row['build_s'] / first['build_s']:.2f}, lead-to-account "
              f"x{row['lead_to_account_s'] / first['lead_to_account_s']:.2f}, build peak "
              f"x{row['build_peak_mib'] / first['build_peak_mib']:.2f}")  # fmt: skip
    largest = rows[-1]
    fits = largest["build_peak_mib"] / 1024 < _TARGET_GIB
    print(
        f"largest build peak {largest['build_peak_mib'] / 1024:.2f} GiB "
        f"(target < {_TARGET_GIB:g} GiB: {'met' if fits else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
