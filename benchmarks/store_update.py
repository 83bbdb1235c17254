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
kernel's high-water mark, reset just before the timed work), the entities the update
resolved again, and the cluster F1 between the update's and the full build's contact
and account partitions (target >= 0.999), next to the same F1 of the 99 % store before
the update on the records it holds: what the update inherits from a build on fewer rows
(its model, and its caps and budgets counted over fewer records), which no update can
mend short of resolving everything again.

Run with ``python benchmarks/store_update.py [--accounts 6500 65000]
[--interactions-per-account 4]``; 6,500 accounts make about 115k records, 65,000
about 1.1M (check ``free -g`` first: the larger build peaks at several GB).
"""

from __future__ import annotations

import argparse
import json
import shutil
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
    updated = CustomerBase.open(folder / "update.db").update(rest, policy="lenient")
    events = updated.events()
    detail = events[events["action"] == "update"]["detail"].iloc[-1]
    affected = {{level: detail[level]["entities_affected"] for level in ("account", "contact")}}
figures = {{"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
           "peak": peak_mib()}}
print(json.dumps({{**figures, **({{"affected": affected}} if phase == "update" else {{}})}}))
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


def _f1(
    folder: Path, names: tuple[str, str] = ("update.db", "full.db")
) -> tuple[int, dict[str, float]]:
    import numpy as np
    import pandas as pd

    from customer_understanding import CustomerBase
    from customer_understanding.identity import cluster_scores

    bases = [CustomerBase.open(folder / name) for name in names]
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
        mine = members[0]
        theirs = members[1].reindex(mine.index)
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
        shutil.copy(folder / "update.db", folder / "before.db")
        full = _phase("full", folder, accounts, options.interactions_per_account)
        update = _phase("update", folder, accounts, options.interactions_per_account)
        records, scores = _f1(folder)
        _, before = _f1(folder, ("before.db", "full.db"))
        for name, figures in (("full", full), ("update", update)):
            print(f"{records:>10,} {name:>7} {figures['wall']:>8.2f} {figures['cpu']:>8.2f} "
                  f"{figures['peak']:>9.0f}")  # fmt: skip
        print(f"{records:>10,} update / full: {update['wall'] / full['wall']:.1%} wall, "
              f"{update['cpu'] / full['cpu']:.1%} CPU (target <= 5 %); cluster F1 update vs "
              f"full build: contacts {scores['contact']:.5f}, accounts {scores['account']:.5f}"
              f" (target >= 0.999); the 99 % store before it: contacts {before['contact']:.5f}, "
              f"accounts {before['account']:.5f}; entities resolved again: "
              f"{update['affected']}; preparing the 99 % store took {prepared:.0f} s")  # fmt: skip


if __name__ == "__main__":
    main()
