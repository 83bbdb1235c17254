"""Foundation benchmark: sample-world generation, ingestion and customer-base build at scale.

Prints, for one world size (1M interactions by default):

- the time of each phase and the target (ingest + build of 1M interactions under 10 s),
  with the default probabilistic identity and, for comparison, exact keys only;
- the resident-memory high-water mark after each phase;
- a ratio against a reference measured in the same run: the bare pandas work of parsing
  every timestamp column and stacking the interaction exports (what any loader must do at
  least), so that the figure reads as "our full load costs N times the minimum".

Run with ``make bench`` or ``python benchmarks/run_foundation.py --interactions 1000000``.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from typing import TypeVar

import pandas as pd

from customer_understanding import CustomerBase
from customer_understanding.datasets import generate_world
from customer_understanding.identity import resolve_exact
from customer_understanding.ingest import get_preset, load

T = TypeVar("T")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(label: str, work: Callable[[], T]) -> tuple[T, float]:
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    elapsed = time.perf_counter() - started
    # CPU time as well: on a shared machine the wall clock also counts other processes
    print(f"{label:<44} {elapsed:8.2f} s (cpu {time.process_time() - cpu:6.2f} s)"
          f"   peak RSS {_peak_mib():8.0f} MiB")  # fmt: skip
    return result, elapsed


def _pandas_reference(sources: dict[str, pd.DataFrame]) -> int:
    """Parse every mapped time column and stack the interaction exports: the minimum work."""
    frames = []
    for name, frame in sources.items():
        mapping = get_preset(name)
        for field, column in mapping.fields.items():
            if field in ("occurred_at", "created_at", "closed_at", "at") and column in frame:
                parsed = pd.to_datetime(frame[column], utc=True, format="ISO8601", errors="coerce")
                if mapping.target == "interaction" and field == "occurred_at":
                    frames.append(pd.DataFrame({"at": parsed, "source": name}))
    return len(pd.concat(frames, ignore_index=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(
        f"world: {args.accounts:,} accounts, {args.interactions:,} interactions, seed {args.seed}"
    )
    world, generate = _timed(
        "generate sample world",
        lambda: generate_world(
            accounts=args.accounts, interactions=args.interactions, seed=args.seed
        ),
    )
    rows = sum(len(frame) for frame in world.sources.values())
    loaded, ingest = _timed("ingest (lenient, every row checked)",
                            lambda: load(world.as_sources(), policy="lenient"))  # fmt: skip
    base, build = _timed("build customer base (probabilistic identity)",
                         lambda: CustomerBase.build(loaded))  # fmt: skip
    _, exact = _timed("build customer base (exact keys only)",
                      lambda: CustomerBase.build(loaded, resolver=resolve_exact))  # fmt: skip
    _, reference = _timed("reference: pandas time parsing + concat",
                          lambda: _pandas_reference(dict(world.sources)))  # fmt: skip
    summary = base.summary()
    total = ingest + build
    print()
    print(f"source rows                 {rows:,} ({loaded.report.rejected:,} rejected)")
    print(f"interactions in the base    {summary.interactions:,}")
    print(f"accounts / contacts         {summary.accounts:,} / {summary.contacts:,}")
    print(f"generation                  {generate:.2f} s")
    print(f"ingest + build              {total:.2f} s  (target < 10 s: "
          f"{'met' if total < 10 else 'NOT met'})")  # fmt: skip
    print(f"ingest + build, exact keys  {ingest + exact:.2f} s")
    print(f"ingest + build / reference  {total / reference:.1f}x the bare pandas parsing")
    print(f"interactions per second     {summary.interactions / total:,.0f}")
    print(f"peak RSS                    {_peak_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
