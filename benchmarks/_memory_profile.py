"""Peak resident memory per step of the identity engine (``identity_scale.py --profile-memory``).

A thread samples the process's resident set every few milliseconds; the engine's steps are
wrapped (benchmark only: module attributes replaced for the run) so each sample is charged
to the step running at the time. The table printed says, per step, the resident memory on
entry, the peak while it ran and on exit, and the seconds it took.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_PAGE = 4096


def _rss_mib() -> float:
    statm = Path("/proc/self/statm").read_text(encoding="ascii")
    return int(statm.split()[1]) * _PAGE / 2**20


class _Steps:
    def __init__(self) -> None:
        self.stack: list[str] = ["(outside)"]
        self.rows: list[list[Any]] = []  # step, entry, peak, exit, seconds, CPU seconds
        self.peak: dict[int, float] = {}
        self.done = threading.Event()

    def sample(self) -> None:
        while not self.done.wait(0.005):
            rss = _rss_mib()
            for row in self.rows:
                if row[3] is None:  # still running
                    row[2] = max(row[2], rss)

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            row = [name, _rss_mib(), _rss_mib(), None, time.perf_counter(), time.process_time()]
            self.rows.append(row)
            try:
                return function(*args, **kwargs)
            finally:
                row[3], row[4] = _rss_mib(), time.perf_counter() - row[4]
                row[5] = time.process_time() - row[5]
                row[2] = max(row[2], row[3])

        return wrapped


def _targets() -> list[tuple[object, str, str]]:
    from customer_understanding.identity import _linker, _records, _weighing

    linker = _linker.Linker
    return [
        (linker, "_prepare", "prepare"),
        (_linker, "block_and_report", "block (keys, budget, pairs per rule)"),
        (_linker, "union_pairs", "union of the rules' pairs"),
        (_records.Prepared, "compare", "compare"),
        (_records.Prepared, "canonical_rank", "canonical rank"),
        (linker, "_fit", "fit (u sample, EM)"),
        (_linker.FellegiSunter, "partial_weights", "partial weights"),
        (_weighing, "add_term_frequencies", "term frequency"),
        (_linker, "probability_of", "probability"),
        (_linker, "bands_of", "bands"),
        (_linker, "cluster_links", "cluster"),
    ]


@contextmanager
def profile_memory() -> Iterator[None]:
    """Within the block, charge the process's resident memory to the engine's steps."""
    steps = _Steps()
    saved = []
    for owner, attribute, name in _targets():
        original = getattr(owner, attribute)
        saved.append((owner, attribute, original))
        setattr(owner, attribute, steps.wrap(name, original))
    sampler = threading.Thread(target=steps.sample, daemon=True)
    sampler.start()
    try:
        yield
    finally:
        steps.done.set()
        sampler.join()
        for owner, attribute, original in saved:
            setattr(owner, attribute, original)
        print(f"{'step':38} {'entry MiB':>10} {'peak MiB':>10} {'exit MiB':>10} {'wall s':>7} "
              f"{'CPU s':>7}")  # fmt: skip
        for name, entry, peak, leaving, seconds, cpu in steps.rows:
            print(f"{name:38} {entry:10,.0f} {peak:10,.0f} {leaving:10,.0f} {seconds:7.1f} "
                  f"{cpu:7.1f}")  # fmt: skip
