"""Engagement scoring: the local engine and the Spark engine (local mode) on one table.

Synthesises interactions with numpy (``scoring_engagement.synthesise``; default 1M
interactions, 100k contacts, 5k accounts) and puts a share of the contacts (``--giant``,
default 10%) on one account, so the skew a real base has (one huge customer) is there.
Then, in one run:

- the local ``EngagementScorer``: contact scores with reasons, then the account roll-up;
- the Spark engine in local mode on the same rows read from Parquet: contact and account
  scores written back to Parquet (the full computation), then collected and compared
  with the local answer (scores to 1e-9, the same reasons).

Prints wall and CPU seconds (this process, and the children: the JVM and its Python
workers) and the peak memory of the driver process and of its children, sampled from
``/proc`` every 0.2 s. Spark in local mode on a shared two-core machine measures overhead
rather than speed-up: the point is the per-row cost and that the answers are equal.

Run: ``python benchmarks/spark_scoring.py [--interactions N --contacts N --accounts N
--giant SHARE --rows-per-task N --cores N]``. Needs the ``spark`` extra and Java.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from scoring_engagement import AS_OF, _names, build_base, synthesise


class _Peaks:
    """Peak resident memory of this process and of its descendants, sampled in a thread."""

    def __init__(self) -> None:
        self.self_peak = 0
        self.children_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _Peaks:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self._sample()

    def _sample(self) -> None:
        mine, theirs, _ = _tree(os.getpid())
        self.self_peak = max(self.self_peak, mine)
        self.children_peak = max(self.children_peak, theirs)


def _tree(root: int) -> tuple[int, int, float]:
    """Resident bytes of ``root`` and of its descendants, and the CPU seconds of them all.

    CPU counts each process's own time and that of its children that ended (the Python
    workers the JVM ended), from /proc.
    """
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for path in Path("/proc").iterdir():
        entry = path.name
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            pages = int(Path(f"/proc/{entry}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents[int(entry)] = int(stat[1])
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE")
        cpu[int(entry)] = sum(int(value) for value in stat[11:15]) / tick
    below, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - below
        below |= frontier
    seconds = cpu.get(root, 0.0) + sum(cpu.get(pid, 0.0) for pid in below)
    return rss.get(root, 0), sum(rss.get(pid, 0) for pid in below), seconds


def _frames(columns: dict, folder: Path) -> None:
    """The columns as the Parquet tables the Spark engine reads (times in microseconds)."""
    types, roles = _names()
    contact_ids = np.array([f"c{i}" for i in range(len(columns["contact_account"]))], object)
    account_ids = np.array([f"a{i}" for i in range(int(columns["accounts"]))], object)
    deal_time = columns["deal_created_at"][columns["role_deal"]]
    tables = {
        "interactions": pd.DataFrame({
            "contact_id": contact_ids[columns["contact"]],
            "occurred_at": pd.to_datetime(columns["occurred_at"], utc=True),
            "type": np.array(types, object)[columns["type"]],
        }),
        "contacts": pd.DataFrame({"contact_id": contact_ids,
                                  "account_id": account_ids[columns["contact_account"]]}),
        "accounts": pd.DataFrame({"account_id": account_ids}),
        "roles": pd.DataFrame({
            "contact_id": contact_ids[columns["role_contact"]],
            "role": np.array(roles, object)[columns["role"]],
            "created_at": pd.to_datetime(deal_time, utc=True),
        }),
    }  # fmt: skip
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet", coerce_timestamps="us")


def _cpu() -> float:
    return _tree(os.getpid())[2]


def _timed(label: str, call: Any) -> Any:
    start, cpu = time.perf_counter(), _cpu()
    with _Peaks() as peaks:
        result = call()
    print(f"{label:<34} {time.perf_counter() - start:7.2f} s wall {_cpu() - cpu:7.2f} s CPU"
          f"  peak driver {peaks.self_peak / 2**20:6.0f} MiB"
          f"  children {peaks.children_peak / 2**20:6.0f} MiB")  # fmt: skip
    return result


def _equal(local: Any, spark: Any) -> tuple[float, bool]:
    """Largest score difference, and whether the reasons are the same (to 1e-9)."""
    order = np.argsort(local.ids, kind="stable")
    if local.ids[order].tolist() != spark.ids.tolist():
        return float("inf"), False
    gap = float(np.abs(local.score[order] - spark.score).max(initial=0.0))
    key = [local.id_column, "signal"]
    mine = local.reasons_frame().sort_values(key, ignore_index=True)
    theirs = spark.reasons_frame().sort_values(key, ignore_index=True)
    numbers = ["value", "weight", "decay", "contribution"]
    same = mine[key].equals(theirs[key]) and bool(
        np.allclose(mine[numbers], theirs[numbers], rtol=0, atol=1e-9)
    )
    return gap, same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=5_000)
    parser.add_argument("--giant", type=float, default=0.1)
    parser.add_argument("--rows-per-task", type=int, default=200_000)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()

    from customer_understanding.scoring import EngagementScorer
    from customer_understanding.spark import engagement_scores, local_session

    columns = synthesise(args.interactions, args.contacts, args.accounts)
    for name in ("occurred_at", "deal_created_at"):  # Spark keeps microseconds: both engines
        columns[name] = columns[name] // 1000 * 1000  # read the same times
    giant = np.random.default_rng(1).random(args.contacts) < args.giant
    columns["contact_account"][giant] = 0  # one account holds a share of everybody
    base = build_base(columns)
    scorers = {level: EngagementScorer(level=level, half_life_days=30.0)
               for level in ("contact", "account")}  # fmt: skip
    print(f"{args.interactions:,} interactions, {args.contacts:,} contacts, "
          f"{args.accounts:,} accounts ({giant.sum():,} contacts on account a0)")  # fmt: skip
    local = {level: _timed(f"local {level} scores", lambda s=s: s.score(base, as_of=AS_OF))
             for level, s in scorers.items()}  # fmt: skip

    folder = Path(tempfile.mkdtemp())
    _timed("write Parquet inputs", lambda: _frames(columns, folder))
    spark = _timed("start Spark (local mode)", lambda: local_session(cores=args.cores, memory="4g"))
    read = {name: spark.read.parquet(str(folder / f"{name}.parquet"))
            for name in ("interactions", "contacts", "accounts", "roles")}  # fmt: skip
    for level, engagement in scorers.items():
        result = engagement_scores(
            engagement, read["interactions"], contacts=read["contacts"],
            accounts=read["accounts"], roles=read["roles"], as_of=AS_OF,
            rows_per_task=args.rows_per_task,
        )  # fmt: skip
        target = str(folder / f"out_{level}")
        _timed(f"spark {level} scores -> Parquet",
               lambda r=result, t=target: r.frame.write.mode("overwrite").parquet(t))  # fmt: skip
        written = spark.read.parquet(target)
        collected = _timed(f"spark {level} collect", lambda r=result, w=written: type(r)(
            frame=w, level=r.level, as_of=r.as_of, grades=r.grades).collect())  # fmt: skip
        gap, same = _equal(local[level], collected)
        print(f"  {level}: largest score difference {gap:.1e}, same reasons: {same}")
    spark.stop()


if __name__ == "__main__":
    main()
