"""Sixteen threads making their first call at once, in fresh processes, never deadlock.

Each process starts cold (nothing of ours imported beyond the top-level package), then
sixteen threads wait at a barrier and all make a first call that loads a lazy part of the
library: the customer base, a scorer and a segmenter from the registry, the linkage engine,
the record-linkage adapter. A process that does not finish within its timeout hung on an
import lock.
"""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import customer_understanding

_CHILD = """
import sys, threading
import customer_understanding as cu

def customer_base():
    cu.CustomerBase.build([])

def scorer():
    cu.get_scorer("engagement")

def segmenter():
    from customer_understanding.plugins import get_segmenter
    get_segmenter("lifecycle")

def linker():
    cu.identity.Linker(fields=[cu.identity.Field(column="email", kind="email")])

def adapter():
    cu.identity.ecm_links

def sample_world():
    cu.datasets.generate_world(accounts=2, interactions=20, seed=1)

calls = [customer_base, scorer, segmenter, linker, adapter, sample_world, scorer, linker]
barrier = threading.Barrier(16)
errors = []

def first_call(call):
    barrier.wait()
    try:
        call()
    except BaseException as error:
        errors.append(repr(error))

threads = [threading.Thread(target=first_call, args=(calls[k % len(calls)],))
           for k in range(16)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("\\n".join(errors))
sys.exit(1 if errors else 0)
"""

_SRC = str(Path(customer_understanding.__file__).resolve().parents[1])


def _run_cold(_: int) -> str:
    path = os.pathsep.join(filter(None, [_SRC, os.environ.get("PYTHONPATH")]))
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD],
            env={**os.environ, "PYTHONPATH": path},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "hung"
    return "ok" if done.returncode == 0 else f"failed: {done.stdout}{done.stderr[-2000:]}"


def _check(processes: int) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(_run_cold, range(processes)))
    assert [outcome for outcome in outcomes if outcome != "ok"] == []


def test_sixteen_threads_make_their_first_calls_at_once() -> None:
    _check(2)


@pytest.mark.slow
def test_sixteen_threads_in_twenty_cold_processes_never_hang() -> None:
    _check(20)
