"""Online matching benchmark: p50 / p99 of ``CustomerBase.match`` on large graphs.

A sample world (``--accounts`` accounts) is built into a store with the default
probabilistic identity, which keeps its fitted models there. The store is reopened and
``match`` is timed on incoming leads (a dict in the ``salesforce.Lead`` shape): half are
known people (their e-mail upper-cased, or their name with a free-mail address), half
strangers. Then the same contact records are tiled into larger graphs (``--records``;
each copy's e-mail addresses, names and ids altered so copies are different people) and
the index over them is built once and timed the same way, with the store's model.

It prints, per graph size: the records, the index build time, p50 / p95 / p99 / max of
one ``match`` in wall-clock milliseconds (target: p99 under 20 ms on a 1,000,000-record
graph), p50 / p95 / p99 of the CPU time one ``match`` takes (the machine may be shared)
and the load average, first with the garbage collector as it is, then with everything
built so far frozen (``gc.freeze()``, as a service does after opening its base). Then
the time of ``add`` on the stored base (the first add, which prepares the account side
of lead-to-account matching, apart from the next hundred; then a hundred more with the
collector frozen), and the open time (fresh processes) and size on disk of a store of
``--open-accounts`` accounts (about 100,000
contacts by default; target: under one second).

With ``--store PATH`` the timings run on a copy of a store built before (by this script
or ``store_update.py``; ``--accounts 65000`` makes one of about a million contact
records) instead of building one: how ``match`` and ``add`` grow with the graph.

Run with ``python benchmarks/store_online.py [--accounts 6000] [--records 100000 1000000]
[--open-accounts 15000] [--store PATH]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from customer_understanding import CustomerBase
from customer_understanding.base._incoming import incoming
from customer_understanding.base._kept import read_kept
from customer_understanding.base._online import OnlineIndex
from customer_understanding.datasets import generate_world
from customer_understanding.identity import ProbabilisticResolver
from customer_understanding.tables import ContactRecords

_QUERIES = 600
_ADDS = 101


def _leads(records: pd.DataFrame, count: int, seed: int) -> list[dict[str, Any]]:
    """Incoming leads: known people written differently, and strangers."""
    rng = np.random.default_rng(seed)
    known = records.dropna(subset=["last_name"]).sample(count // 2, random_state=seed)
    leads = []
    for n, row in enumerate(known.itertuples()):
        email = row.email if isinstance(row.email, str) else None
        if n % 2 and email:  # the name, with a free-mail address
            email = email.split("@")[0] + "@gmail.com"
        leads.append({"Id": f"L{n}", "Email": email and email.upper(),
                      "FirstName": row.first_name, "LastName": row.last_name})  # fmt: skip
    for n in range(count - len(leads)):
        tag = int(rng.integers(10**9))
        leads.append({"Id": f"S{n}", "Email": f"p{tag}@stranger{tag % 997}.example",
                      "FirstName": f"N{tag % 9973}", "LastName": f"Q{tag}"})  # fmt: skip
    return leads


def _timed(match: Any, leads: list[dict[str, Any]]) -> tuple[float, ...]:
    """Wall p50 / p95 / p99 / max of one match in ms, CPU p50 / p95 / p99 in ms, load average."""
    wall, cpu = [], []
    for lead in leads:
        started, used = time.perf_counter(), time.process_time()
        match(lead)
        cpu.append((time.process_time() - used) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    values, spent = np.array(wall[20:]), np.array(cpu[20:])  # the first calls warm caches
    return (*np.percentile(values, [50, 95, 99]).tolist(), float(values.max()),
            *np.percentile(spent, [50, 95, 99]).tolist(), os.getloadavg()[0])  # fmt: skip


def _tiled(records: ContactRecords, size: int) -> SimpleNamespace:
    """``size`` contact records: copies of ``records``, each copy other people."""
    frame = records.to_pandas()
    copies = -(-size // len(frame))
    parts = []
    for copy in range(copies):
        part = frame.copy()
        if copy:
            part["source_id"] = part["source_id"].astype(str) + f"-{copy}"
            part["email"] = part["email"].str.replace("@", f".{copy}@", regex=False)
            part["last_name"] = part["last_name"] + f"{copy:x}"
            part["phone_normalized"] = None
        parts.append(part)
    tiled = pd.concat(parts, ignore_index=True).iloc[:size]
    columns = {name: tiled[name].to_numpy(dtype=object) for name in
               ("system", "source_id", "email", "first_name", "last_name", "company",
                "phone_normalized")}  # fmt: skip
    table = ContactRecords.from_columns(columns, length=len(tiled))
    resolution = SimpleNamespace(  # one entity per record: what matters is the index size
        contact_of_record=np.arange(len(tiled)),
        contact_ids=np.array([f"con_{n}" for n in range(len(tiled))], dtype=object),
    )
    return SimpleNamespace(contact_records=table, resolution=resolution)


_HEADER = (f"{'records':>10} {'index s':>8} {'gc':>6} {'p50':>6} {'p95':>6} {'p99':>6} "
           f"{'max':>6} {'cpu p50':>7} {'cpu p95':>7} {'cpu p99':>7} {'load':>5}")  # fmt: skip


def _row(timed: tuple[float, ...]) -> str:
    *times, load = timed
    wall, cpu = times[:4], times[4:]
    return (
        " ".join(f"{t:>6.1f}" for t in wall)
        + " "
        + " ".join(f"{t:>7.1f}" for t in cpu)
        + (f" {load:>5.1f}")
    )


def _both(match: Any, leads: list[dict[str, Any]]) -> list[tuple[str, tuple[float, ...]]]:
    """Timed with the collector as it is, then with everything built so far frozen."""
    timed = [("on", _timed(match, leads))]
    gc.collect()
    gc.freeze()  # the index is long-lived: the collector need not walk it on every pass
    timed.append(("frozen", _timed(match, leads)))
    gc.unfreeze()
    return timed


def _adds(base: CustomerBase, leads: list[dict[str, Any]], mode: str) -> None:
    """Time ``add`` on the stored base (the first add, which prepares the accounts, apart)."""
    adds = []
    for n, lead in enumerate(leads):
        started, used = time.perf_counter(), time.process_time()
        base.add({**lead, "Id": f"ADD-{mode}-{n}"}, mapping="salesforce.Lead", source="bench")
        adds.append(((time.perf_counter() - started) * 1000, (time.process_time() - used) * 1000))
    wall, cpu = np.array(adds[1:]).T
    print(
        f"add (writes the store, refreshes the entity; gc {mode}): first {adds[0][0]:.1f} ms "
        f"wall, {adds[0][1]:.1f} ms CPU; then wall p50 {np.median(wall):.1f} / p99 "
        f"{np.percentile(wall, 99):.1f} / max {wall.max():.1f} ms, CPU p50 "
        f"{np.median(cpu):.1f} / p99 {np.percentile(cpu, 99):.1f} / max {cpu.max():.1f} ms "
        f"({len(adds) - 1} records, load {os.getloadavg()[0]:.1f})"
    )


def _opening(accounts: int) -> None:
    """Open time of a stored base (fresh processes) and the store's size on disk."""
    from store import _open_in_fresh_process, _size

    world = generate_world(accounts=accounts, interactions=accounts * 20, seed=7)
    path = Path(tempfile.mkdtemp()) / "customers.db"
    base = CustomerBase.build(world.as_sources(), policy="lenient", store=path)
    runs = [_open_in_fresh_process(path)[1] for _ in range(5)]
    print(f"open a base of {len(base.contacts):,} contacts ({len(base.tables.contact_records):,} "
          f"records, {len(base.interactions):,} interactions): {min(runs):.3f} s best of 5 fresh "
          f"processes (median {float(np.median(runs)):.3f} s; target < 1 s); store on disk "
          f"{_size(path) / 2**20:.1f} MiB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=6_000)
    parser.add_argument("--records", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument(
        "--open-accounts", type=int, default=15_000,
        help="accounts of the base whose open time is measured (0: skip)",
    )  # fmt: skip
    parser.add_argument("--store", type=Path, help="time on a copy of this store (no build)")
    options = parser.parse_args()
    path = Path(tempfile.mkdtemp()) / "customers.db"
    started = time.perf_counter()
    if options.store is None:
        world = generate_world(accounts=options.accounts, interactions=options.accounts * 4,
                               seed=7)  # fmt: skip
        CustomerBase.build(world.as_sources(), policy="lenient", store=path)
        print(f"build into the store: {time.perf_counter() - started:.1f} s")
    else:
        shutil.copyfile(options.store, path)
    started = time.perf_counter()
    base = CustomerBase.open(path)
    print(f"open: {time.perf_counter() - started:.1f} s, {len(base.tables.contact_records):,} "
          f"contact records, {len(base.contacts):,} contacts, "
          f"{len(base.tables.account_records):,} account records")  # fmt: skip
    records = base.tables.contact_records
    leads = _leads(records.to_pandas(), _QUERIES, seed=1)
    started = time.perf_counter()
    base.match(leads[0], mapping="salesforce.Lead")
    first = time.perf_counter() - started
    print("one match in ms (wall, then CPU), load = 1-minute load average after the run")
    print(_HEADER)
    for mode, timed in _both(lambda lead: base.match(lead, mapping="salesforce.Lead"), leads):
        print(f"{len(records):>10,} {first:>8.1f} {mode:>6} {_row(timed)}  (the store)")
    _adds(base, leads[:_ADDS], "on")
    gc.collect()
    gc.freeze()  # as a service does after opening its base (see the how-to)
    _adds(base, leads[_ADDS : 2 * _ADDS], "frozen")
    gc.unfreeze()
    model = read_kept(path).models["contact"]
    for size in options.records:
        tables = _tiled(records, size)
        started = time.perf_counter()
        index = OnlineIndex.build(tables, "contact", resolver=ProbabilisticResolver(),  # type: ignore[arg-type]
                                  model=model)  # fmt: skip
        built = time.perf_counter() - started
        del tables
        for mode, timed in _both(
            lambda lead, index=index: index.match(
                incoming(lead, mapping="salesforce.Lead", source=None)
            ),
            leads,
        ):
            print(f"{size:>10,} {built:>8.1f} {mode:>6} {_row(timed)}  (tiled)")
        del index
    shutil.rmtree(path.parent, ignore_errors=True)
    if options.open_accounts:
        _opening(options.open_accounts)


if __name__ == "__main__":
    main()
