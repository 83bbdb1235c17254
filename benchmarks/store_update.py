"""Incremental update benchmark: a full build against an update with 1 % new records.

For each size, the sample world is generated as ``benchmarks/store.py`` generates it
(``generate_world`` with seed 7; about 15.5 contact and 2 account records per account),
and every export is cut at 99 % of its rows. Then, each in a fresh subprocess so that
the figures are its own:

- the *full build* of every row into a new store;
- the *update*: a store built from the 99 % (not timed), reopened (``CustomerBase.open``,
  timed on its own), and updated with the last 1 % of every export (``.update`` on the
  opened base, timed on its own: what a service holding the base open pays).

It prints, per size: records, the wall and CPU seconds of each, their ratios to the full
build (target: the update within 5 % of it; the open plus the update is printed too), the
peak resident memory of each (the kernel's high-water mark, reset just before the timed
work), the entities the update resolved again, and the cluster F1 between the update's
and the full build's contact and account partitions (target >= 0.999), next to the same
F1 of the 99 % store before the update on the records it holds: what the update inherits
from a build on fewer rows (its model, and its caps and budgets counted over fewer
records), which no update can mend short of resolving everything again.

``--against SRC`` times another version of the library too (``SRC`` is the ``src``
folder of its checkout, put first on its subprocesses' path): its full build and update
alternate with this one's, ``--repeats`` times each, on copies of the same 99 % store,
so a noisy machine weighs on both alike. The temporary folders are deleted at the end.

Run with ``python benchmarks/store_update.py [--accounts 6500 65000]
[--interactions-per-account 4] [--against ../old/src] [--repeats 1]``; 6,500 accounts
make about 115k records, 65,000 about 1.1M (check ``free -g`` first: the larger build
peaks at several GB).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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

phase, folder, name = sys.argv[1], Path(sys.argv[2]), sys.argv[5]
accounts, per_account = int(sys.argv[3]), int(sys.argv[4])
first, rest, every = sources(accounts, per_account)
if phase == "prepare":
    CustomerBase.build(first, policy="lenient", store=folder / name, id_key=KEY)
    print(json.dumps({{}}))
    sys.exit()
Path("/proc/self/clear_refs").write_text("5")  # the high-water mark from here on
wall, cpu = time.perf_counter(), time.process_time()
if phase == "full":
    CustomerBase.build(every, policy="lenient", store=folder / name, id_key=KEY)
else:
    opened = CustomerBase.open(folder / name)
    open_wall, open_cpu = time.perf_counter() - wall, time.process_time() - cpu
    updated = opened.update(rest, policy="lenient")
    events = updated.events()
    detail = events[events["action"] == "update"]["detail"].iloc[-1]
    affected = {{level: detail[level]["entities_affected"] for level in ("account", "contact")}}
figures = {{"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
           "peak": peak_mib()}}
if phase == "update":
    figures.update(open_wall=open_wall, open_cpu=open_cpu, affected=affected)
print(json.dumps(figures))
"""
KEY = "store-update-benchmark-secret-2026"
_ELSEWHERE = "(an account the two cluster apart)"


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


def _phase(
    name: str, folder: Path, accounts: int, per_account: int, *, store: str, src: str | None
) -> dict[str, Any]:
    code = "KEY = " + repr(KEY) + "\n" + _PHASE.format(here=str(Path(__file__).parent))
    env = dict(os.environ)
    if src is not None:  # the other version first on the path
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", code, name, str(folder), str(accounts), str(per_account), store],
        check=True, capture_output=True, text=True, env=env,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _agreement(
    folder: Path, names: tuple[str, str] = ("update.db", "full.db")
) -> tuple[int, dict[str, float], dict[str, tuple[int, dict[str, int]]]]:
    """Cluster F1 of two stores, and how many of the entities both hold alike differ.

    Entities alike hold the same records; their rows are compared column by column
    (ids aside: a store carries its own), an account link or parent by the records of
    the account it names.
    """
    import numpy as np
    import pandas as pd

    from customer_understanding import CustomerBase
    from customer_understanding.identity import cluster_scores

    bases = [CustomerBase.open(folder / name) for name in names]
    scores, records, held = {}, 0, []
    for base in bases:
        tables, resolution = base.tables, base.tables.resolution
        signatures = {}
        for level in ("account", "contact"):
            table = tables.contact_records if level == "contact" else tables.account_records
            keys = (pd.Series(table.labels("system"), dtype=str) + ":"
                    + pd.Series(table.column("source_id"), dtype=str))  # fmt: skip
            of = getattr(resolution, f"{level}_of_record")
            ids = np.asarray(getattr(resolution, f"{level}_ids"), dtype=object)
            joined = keys.groupby(of).agg(lambda k: "|".join(sorted(k)))
            signature = joined.reindex(range(len(ids))).to_numpy(dtype=object)
            signatures[level] = (pd.Series(ids[of], index=keys.to_numpy()), signature)
        held.append((base, signatures))
    for level in ("account", "contact"):
        mine = held[0][1][level][0]
        theirs = held[1][1][level][0].reindex(mine.index)
        scores[level] = cluster_scores(mine.to_numpy(), theirs.to_numpy()).f1
        records += len(mine)
    facts = {}
    # a link to an account the two cluster differently is told apart from a wrong link
    alike = set(held[0][1]["account"][1].tolist()) & set(held[1][1]["account"][1].tolist())
    for level, name in (("account", "accounts"), ("contact", "contacts")):
        frames = []
        for base, signatures in held:
            frame = getattr(base.tables, name).to_pandas().drop(columns="id").astype(object)
            accounts = np.array([s if s in alike else _ELSEWHERE for s in signatures["account"][1]]
                                + [None], dtype=object)  # fmt: skip
            for column in ("account", "parent"):
                if column in frame.columns:
                    frame[column] = accounts[frame[column].to_numpy(dtype=np.int64)]
            frames.append(frame.set_axis(signatures[level][1]).astype(str))
        both = frames[0].index.intersection(frames[1].index)
        left, right = frames[0].loc[both], frames[1].loc[both]
        differ = left != right
        counts = {column: int(count) for column, count in differ.sum().items() if count}
        for column in ("account", "parent"):
            if column in left.columns:
                apart = ((left[column] == _ELSEWHERE) | (right[column] == _ELSEWHERE)).to_numpy()
                counts.pop(column, None)
                if (found := int((differ[column].to_numpy() & ~apart).sum())) > 0:
                    counts[column] = found
                if apart.any():
                    counts[f"{column} (to accounts clustered apart)"] = int(apart.sum())
        facts[level] = (len(both), counts)
    return records, scores, facts


def _size(accounts: int, per_account: int, versions: dict[str, str | None],
          repeats: int) -> None:  # fmt: skip
    folder = Path(tempfile.mkdtemp(prefix="store_update_"))
    try:
        started = time.perf_counter()
        _phase("prepare", folder, accounts, per_account, store="before.db", src=None)
        prepared = time.perf_counter() - started
        runs: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {v: [] for v in versions}
        quality: dict[str, Any] = {}
        for repeat in range(repeats):
            for version, src in versions.items():  # alternating: the noise falls on each
                full_db, update_db = f"full-{version}.db", f"update-{version}.db"
                shutil.copy(folder / "before.db", folder / update_db)
                full = _phase("full", folder, accounts, per_account, store=full_db, src=src)
                update = _phase("update", folder, accounts, per_account, store=update_db,
                                src=src)  # fmt: skip
                runs[version].append((full, update))
                if repeat == 0:
                    quality[version] = _agreement(folder, (update_db, full_db))
                    quality.setdefault("99 %", _agreement(folder, ("before.db", full_db)))
                for name in (full_db, update_db):
                    for leftover in folder.glob(name + "*"):  # with its -wal and -shm
                        leftover.unlink()
                _report(version, quality[version][0], full, update)
        for version, done in runs.items():
            records, scores, facts = quality[version]
            full_cpu = statistics.median(full["cpu"] for full, _ in done)
            update_cpu = statistics.median(update["cpu"] - update["open_cpu"] for _, update in done)
            both_cpu = statistics.median(update["cpu"] for _, update in done)
            print(f"{records:>10,} {version}: median of {len(done)}: update / full "
                  f"{update_cpu / full_cpu:.1%} CPU (target <= 5 %), open + update / full "
                  f"{both_cpu / full_cpu:.1%} CPU; cluster F1 update vs full build: contacts "
                  f"{scores['contact']:.5f}, accounts {scores['account']:.5f} (target >= "
                  f"0.999); entities resolved again: {done[0][1]['affected']}")  # fmt: skip
            for level, (alike, columns) in facts.items():
                print(f"{'':>10} {level}s holding the same records in both: {alike:,}; values "
                      f"that differ, by column: {columns or 'none'}")  # fmt: skip
        before = quality["99 %"][1]
        print(f"{'':>10} the 99 % store before the update, F1 against the full build on the "
              f"records it holds: contacts {before['contact']:.5f}, accounts "
              f"{before['account']:.5f}; preparing it took {prepared:.0f} s")  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _report(version: str, records: int, full: dict[str, Any], update: dict[str, Any]) -> None:
    alone = {
        "wall": update["wall"] - update["open_wall"],
        "cpu": update["cpu"] - update["open_cpu"],
    }
    lines = (("full", full), ("open", {"wall": update["open_wall"], "cpu": update["open_cpu"]}),
             ("update", {**alone, "peak": update["peak"]}), ("open+upd", update))  # fmt: skip
    for name, figures in lines:
        peak = f"{figures['peak']:>9.0f}" if "peak" in figures else f"{'':>9}"
        print(f"{records:>10,} {version:>7} {name:>8} {figures['wall']:>8.2f} "
              f"{figures['cpu']:>8.2f} {peak}")  # fmt: skip
    print(f"{records:>10,} {version:>7} update / full: {alone['cpu'] / full['cpu']:.1%} CPU, "
          f"{alone['wall'] / full['wall']:.1%} wall; open + update / full: "
          f"{update['cpu'] / full['cpu']:.1%} CPU, {update['wall'] / full['wall']:.1%} wall",
          flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, nargs="*", default=[6_500])
    parser.add_argument("--interactions-per-account", type=int, default=4)
    parser.add_argument("--against", help="the src folder of another version to time too")
    parser.add_argument("--repeats", type=int, default=1)
    options = parser.parse_args()
    versions: dict[str, str | None] = {"this": None}
    if options.against:
        versions["against"] = str(Path(options.against).resolve())
    print(f"{'records':>10} {'version':>7} {'phase':>8} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}")
    for accounts in options.accounts:
        _size(accounts, options.interactions_per_account, versions, options.repeats)


if __name__ == "__main__":
    main()
