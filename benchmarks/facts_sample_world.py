"""Headline facts on the sample world, each checked against the world's ground truth.

Generates the demo's sample world, loads its exports through their presets, builds the
customer base the way the demo does, and hands the three to every ``_facts_*.py`` module
beside this script. Each module exposes ``measure(world, loaded, base)`` returning
:class:`Fact` rows (one area's checks: golden records, consent, titles, lifecycle,
metrics, point in time ...). The script prints one table and exits with 1 when a fact
misses its target, so a regression shows in the exit status as well as in the figures.

Run with ``python benchmarks/facts_sample_world.py [--accounts N] [--interactions N]
[--seed S] [--only AREA]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from customer_understanding import CustomerBase
from customer_understanding.datasets import SampleWorld, generate_world
from customer_understanding.identity import ProbabilisticResolver
from customer_understanding.ingest import Loaded, load


class Fact(NamedTuple):
    """One measured fact: its figure, the target it must meet and whether it does."""

    area: str
    name: str
    value: float
    target: str
    ok: bool


Measure = Callable[[SampleWorld, Loaded, CustomerBase], Iterable[Fact]]


def _modules(only: str | None) -> list[tuple[str, Measure]]:
    found = []
    for path in sorted(Path(__file__).parent.glob("_facts_*.py")):
        area = path.stem.removeprefix("_facts_")
        if only and area != only:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        found.append((area, module.measure))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", help="one area (the part of a _facts_AREA.py name)")
    args = parser.parse_args()
    started = time.perf_counter()
    world = generate_world(accounts=args.accounts, interactions=args.interactions, seed=args.seed)
    loaded = load(world.as_sources(), policy="lenient")
    base = CustomerBase.build(loaded, resolver=ProbabilisticResolver())
    print(
        f"sample world: {args.accounts} accounts, {args.interactions:,} interactions, "
        f"seed {args.seed}; loaded and built in {time.perf_counter() - started:.1f} s\n"
    )
    failed = 0
    print(f"{'area':<10} {'fact':<62} {'value':>10}  {'target':<14} ok")
    for area, measure in _modules(args.only):
        for fact in measure(world, loaded, base):
            failed += not fact.ok
            print(
                f"{fact.area or area:<10} {fact.name:<62} {fact.value:>10.4g}  "
                f"{fact.target:<14} {'yes' if fact.ok else 'NO'}"
            )
    print(f"\n{failed} fact(s) miss their target")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
