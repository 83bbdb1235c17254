"""Incremental update benchmark: a full build against an update with 1 % new records.

For each size, the sample world is generated as ``benchmarks/store.py`` generates it
(``generate_world`` with seed 7; about 15.5 contact and 2 account records per account),
and every export is cut at 99 % of its rows. Then, each in a fresh subprocess so that
the figures are its own:

- the *full build* of every row into a new store;
- the *update*: a store built from the 99 % (not timed), reopened, and updated with the
  last 1 % of every export (``CustomerBase.update``), timed from the open on.

It prints, per size: records, the wall and CPU seconds of each, their ratio (target:
the update within 5 % of the full build), the peak resident memory of each (the
kernel's high-water mark, reset just before the timed work), and the cluster F1 between
the update's and the full build's contact and account partitions (target >= 0.999).

Run with ``python benchmarks/store_update.py [--accounts 6500 65000]
[--interactions-per-account 4]``; 6,500 accounts make about 115k records, 65,000
about 1.1M (check ``free -g`` first: the larger build peaks at several GB).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_PHASE = """
import json, sys, time
from pathlib import Path

def peak_mib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")

sys.path.insert(0, {here!r})
from store_update import sources
from customer_understanding import CustomerBase

phase, folder = sys.argv[1], Path(sys.argv[2])
accounts, per_account = int(sys.argv[3]), int(sys.argv[4])
first, rest, every = sources(accounts, per_account)
if phase == "prepare":
    CustomerBase.build(first, policy="lenient", store=folder / "update.db", id_key=KEY)
    print(json.dumps({{}}))
    sys.exit()
Path("/proc/self/clear_refs").write_text("5")  # the high-water mark from here on
wall, cpu = time.perf_counter(), time.process_time()
if phase == "full":
    CustomerBase.build(every, policy="lenient", store=folder / "full.db", id_key=KEY)
else:
    CustomerBase.open(folder / "update.db").update(rest, policy="lenient")
print(json.dumps({{"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "peak": peak_mib()}}))
"""
KEY = "store-update-benchmark-secret-2026"


def sources(accounts: int, per_account: int) -> tuple[list, list, list]:  # type: ignore[type-arg]
    """The world's exports: the first 99 % of each, the last 1 %, and all of them."""
    from customer_understanding import Source
    from customer_understanding.datasets import generate_world

    world = generate_world(accounts=accounts, interactions=accounts * per_account, seed=7)
    first, rest, every = [], [], world.as_sources()
    for source in every:
        frame = source.data
        cut = int(len(frame) * 0.99)  # type: ignore[arg-type]
        first.append(Source(name=source.name, data=frame.iloc[:cut], mapping=source.mapping))  # type: ignore[attr-defined]
        if cut < len(frame):  # type: ignore[arg-type]
            rest.append(Source(name=source.name, data=frame.iloc[cut:], mapping=source.mapping))  # type: ignore[attr-defined]
    return first, rest, every


def _phase(name: str, folder: Path, accounts: int, per_account: int) -> dict[str, float]:
    code = "KEY = " + repr(KEY) + "\n" + _PHASE.format(here=str(Path(__file__).parent))
    done = subprocess.run(
        [sys.executable, "-c", code, name, str(folder), str(accounts), str(per_account)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _f1(folder: Path) -> tuple[int, dict[str, float]]:
    import numpy as np
    import pandas as pd

    from customer_understanding import CustomerBase
    from customer_understanding.identity import cluster_scores

    bases = [CustomerBase.open(folder / name) for name in ("update.db", "full.db")]
    scores, records = {}, 0
    for level in ("account", "contact"):
        members = []
        for base in bases:
            tables, resolution = base.tables, base.tables.resolution
            table = tables.contact_records if level == "contact" else tables.account_records
            of = getattr(resolution, f"{level}_of_record")
            ids = np.asarray(getattr(resolution, f"{level}_ids"), dtype=object)
            keys = (
                pd.Series(table.labels("system"), dtype=str)
                + ":"
                + pd.Series(table.column("source_id"), dtype=str)
            )
            members.append(pd.Series(ids[of], index=keys.to_numpy()))
        mine, theirs = members[0], members[1].reindex(members[0].index)
        scores[level] = cluster_scores(mine.to_numpy(), theirs.to_numpy()).f1
        records += len(mine)
    return records, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, nargs="*", default=[6_500])
    parser.add_argument("--interactions-per-account", type=int, default=4)
    options = parser.parse_args()
    print(f"{'records':>10} {'phase':>7} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}")
    for accounts in options.accounts:
        folder = Path(tempfile.mkdtemp())
        started = time.perf_counter()
        _phase("prepare", folder, accounts, options.interactions_per_account)
        prepared = time.perf_counter() - started
        full = _phase("full", folder, accounts, options.interactions_per_account)
        update = _phase("update", folder, accounts, options.interactions_per_account)
        records, scores = _f1(folder)
        for name, figures in (("full", full), ("update", update)):
            print(f"{records:>10,} {name:>7} {figures['wall']:>8.2f} {figures['cpu']:>8.2f} "
                  f"{figures['peak']:>9.0f}")  # fmt: skip
        print(f"{records:>10,} update / full: {update['wall'] / full['wall']:.1%} wall, "
              f"{update['cpu'] / full['cpu']:.1%} CPU (target <= 5 %); cluster F1 update vs "
              f"full build: contacts {scores['contact']:.5f}, accounts {scores['account']:.5f}"
              f" (target >= 0.999); preparing the 99 % store took {prepared:.0f} s")  # fmt: skip


if __name__ == "__main__":
    main()
