"""Store benchmark: build a base into a store, reopen it, and measure the file.

The sample world is generated with ``--accounts`` accounts (15,000 by default, about
100,000 people), built into a fresh store with the default probabilistic identity, and
reopened in fresh processes. It prints:

- the build time into the store, and the share of it spent writing the store;
- the open time (best of several fresh processes; target under one second for a base of
  100,000 contacts), and the open time within this process;
- the store's size on disk, and a Parquet export's, for comparison.

Run with ``python benchmarks/store.py [--accounts 15000] [--interactions-per-account 20]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from customer_understanding import CustomerBase
from customer_understanding.base import _store
from customer_understanding.datasets import generate_world

_OPENS = 5


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def _open_in_fresh_process(path: Path) -> tuple[float, float]:
    """Seconds to import the base's modules, then to open the store, in a new process."""
    code = (
        "import time, customer_understanding as cu; t = time.perf_counter(); "
        "from customer_understanding.base import _stored; u = time.perf_counter(); "
        f"b = cu.CustomerBase.open({str(path)!r}); "
        "print(u - t, time.perf_counter() - u)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    imports, opening = map(float, result.stdout.split())
    return imports, opening


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=15_000)
    parser.add_argument("--interactions-per-account", type=int, default=20)
    options = parser.parse_args()
    world = generate_world(
        accounts=options.accounts,
        interactions=options.accounts * options.interactions_per_account,
        seed=7,
    )
    folder = Path(tempfile.mkdtemp())
    path = folder / "customers.db"
    saving = 0.0
    save = _store.Writer.save

    def timed_save(self: _store.Writer, roots: object) -> None:
        nonlocal saving
        started = time.perf_counter()
        save(self, roots)  # type: ignore[arg-type]
        saving += time.perf_counter() - started

    _store.Writer.save = timed_save  # type: ignore[method-assign]
    started = time.perf_counter()
    base = CustomerBase.build(world.as_sources(), policy="lenient", store=path)
    build = time.perf_counter() - started
    _store.Writer.save = save  # type: ignore[method-assign]
    started = time.perf_counter()
    CustomerBase.open(path)
    in_process = time.perf_counter() - started
    runs = [_open_in_fresh_process(path) for _ in range(_OPENS)]
    fresh = min(opening for _, opening in runs)
    imports = min(imported for imported, _ in runs)
    parquet = base.to_parquet(folder / "parquet")
    print(f"base: {len(base.accounts):,} accounts, {len(base.contacts):,} contacts, "
          f"{len(base.interactions):,} interactions, "
          f"{len(base.tables.contact_records):,} contact records")  # fmt: skip
    print(f"build into the store: {build:.1f} s (writing the store: {saving:.2f} s)")
    print(f"open: {fresh:.3f} s in a fresh process (best of {_OPENS}; target < 1 s), "
          f"{in_process:.3f} s in this one; importing the base's modules first "
          f"(pandas and the rest, paid once per process by any base): {imports:.3f} s")  # fmt: skip
    print(f"store on disk: {_size(path) / 2**20:.1f} MiB "
          f"(Parquet export of the four main tables: "
          f"{sum(p.stat().st_size for p in parquet) / 2**20:.1f} MiB)")  # fmt: skip


if __name__ == "__main__":
    main()
