"""Identity scale benchmark: deduplicate N synthetic person records with known truth.

The generator (below, seeded) draws people from large synthetic name pools and adds
duplicates with the kinds of errors Febrl has: typos (swapped, dropped or replaced
letters), nicknames and initials, day and month swapped, one-digit errors in postcodes
and identifiers, and missing values. The engine runs with the same generic person
configuration as ``identity_febrl.py``; the script prints cluster-level precision, recall
and F1, then CPU seconds, wall seconds and peak resident memory per million records, each
against its target (60 s and 1.5 GB per million; GB = 10^9 bytes, GiB beside it), the
records' own memory before the run, and the machine's load average during the run.

``--splink`` then runs Splink (benchmark-only dependency: ``pip install splink``, or put
an installed copy on ``PYTHONPATH``) on the same records in the same run: in a child
process that generates the same seeded records, so that its peak memory is measured on
its own, with the comparisons of ``identity_febrl.py`` and blocking rules that stay
tractable at this size (the Febrl tutorial's single-column rules on given name or
postcode are not). Splink runs on its DuckDB backend through a connection of our own with
``memory_limit`` (``--splink-memory``, default ``8GB``), ``threads`` (``--splink-threads``,
default 2) and a ``temp_directory`` in a temporary folder under /tmp (removed afterwards),
so DuckDB spills to disk (at most 12 GB) instead of growing past the machine: with its
defaults Splink needed about 22 GB at 3M records. Its second EM training rule blocks on
date of birth and state (date of birth alone makes ~150M training pairs at 3M records,
growing with the square of the records). Its figures are printed beside ours, not judged.

``--generator heavy`` uses the independent generator of ``_people_heavy.py`` instead
(heavier corruption: swapped names, several missing fields, nicknames the engine does not
know, three date formats, upper case). ``--profile-memory`` prints the resident memory on
entry, at the peak and on exit of each step of the engine (``_memory_profile.py``).

Run with ``python benchmarks/identity_scale.py --records 1000000 [--generator heavy]
[--splink] [--profile-memory]``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _memory_profile import profile_memory
from _people_heavy import generate_heavy
from _splink_settings import splink_settings

from customer_understanding.identity import Field, Linker, cluster_scores

FIELDS = [
    Field(column="given_name", kind="given_name"),
    Field(column="surname", kind="family_name"),
    Field(column="street_number", kind="category"),
    Field(column="address_1", kind="address"),
    Field(column="suburb", kind="city"),
    Field(column="postcode", kind="postcode"),
    Field(column="state", kind="state"),
    Field(column="date_of_birth", kind="date"),
    Field(column="soc_sec_id", kind="identifier"),
]
_SYLLABLES = [
    "an",
    "ber",
    "cal",
    "dor",
    "el",
    "fin",
    "gar",
    "hol",
    "is",
    "jen",
    "kel",
    "lor",
    "mar",
    "nel",
    "or",
    "pem",
    "quin",
    "ros",
    "sal",
    "tor",
    "ul",
    "ven",
    "wil",
    "yar",
]
_GIVEN = [
    "william",
    "james",
    "thomas",
    "robert",
    "elizabeth",
    "katherine",
    "olivia",
    "noah",
    "emma",
    "liam",
    "ava",
    "lucas",
    "mia",
    "ethan",
    "sofia",
    "mateo",
    "chloe",
    "leo",
    "grace",
    "oscar",
    "isla",
    "jack",
    "ruby",
    "henry",
    "zoe",
    "samuel",
    "nora",
    "felix",
    "charlotte",
    "amelia",
    "harper",
    "evelyn",
    "abigail",
    "ella",
    "scarlett",
    "aria",
    "lily",
    "hannah",
    "layla",
    "zara",
    "daniel",
    "matthew",
    "joseph",
    "david",
    "oliver",
    "benjamin",
    "alexander",
    "michael",
    "jacob",
    "logan",
    "sebastian",
    "owen",
    "isaac",
]
_NICK = {"william": "bill", "james": "jim", "thomas": "tom", "robert": "bob",
         "elizabeth": "liz", "katherine": "kate", "samuel": "sam", "daniel": "dan",
         "matthew": "matt", "joseph": "joe", "michael": "mike", "alexander": "alex"}  # fmt: skip
_STREETS = ["street", "road", "avenue", "place", "crescent", "drive", "circuit", "close"]


def _words(rng: np.random.Generator, n: int, parts: int) -> np.ndarray:
    chosen = rng.choice(_SYLLABLES, size=(n, parts))
    return np.array(["".join(row) for row in chosen], dtype=object)


def _typo(value: str, rng: np.random.Generator) -> str:
    if len(value) < 3:
        return value
    at = int(rng.integers(1, len(value) - 1))
    kind = int(rng.integers(0, 3))
    if kind == 0:
        return value[:at] + value[at + 1] + value[at] + value[at + 2 :]
    if kind == 1:
        return value[:at] + value[at + 1 :]
    return value[:at] + "aeiou"[int(rng.integers(0, 5))] + value[at + 1 :]


def _corrupt(row: dict[str, object], rng: np.random.Generator) -> dict[str, object]:
    copy = dict(row)
    for _ in range(int(rng.integers(1, 4))):
        error = int(rng.integers(0, 7))
        if error == 0:
            copy["given_name"] = _NICK.get(
                str(row["given_name"]), _typo(str(row["given_name"]), rng)
            )
        elif error == 1:
            copy["surname"] = _typo(str(row["surname"]), rng)
        elif error == 2:
            dob = str(row["date_of_birth"])
            copy["date_of_birth"] = dob[:4] + dob[6:8] + dob[4:6]
        elif error == 3:
            code = str(row["postcode"])
            copy["postcode"] = code[:3] + str((int(code[3]) + 1) % 10)
        elif error == 4:
            ssn = str(row["soc_sec_id"])
            copy["soc_sec_id"] = ssn[:5] + str((int(ssn[5]) + 3) % 10) + ssn[6:]
        elif error == 5:
            copy[str(rng.choice(["given_name", "address_1", "suburb", "soc_sec_id"]))] = None
        else:
            copy["address_1"] = _typo(str(row["address_1"]), rng)
    return copy


def generate(records: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """``records`` person records, 20 % of them duplicates of others, and the truth."""
    rng = np.random.default_rng(seed)
    originals = int(records * 0.8)
    days = rng.integers(0, 365 * 80, size=originals)
    frame = pd.DataFrame({
        "given_name": rng.choice(_GIVEN, size=originals).astype(object),
        "surname": _words(rng, originals, 3),
        "street_number": rng.integers(1, 300, size=originals).astype(str).astype(object),
        "address_1": _words(rng, originals, 2) + " " + rng.choice(_STREETS, size=originals),
        "suburb": _words(rng, originals, 2),
        "postcode": rng.integers(2000, 8000, size=originals).astype(str).astype(object),
        "state": rng.choice(["nsw", "vic", "qld", "wa", "sa", "tas"], size=originals),
        "date_of_birth": (np.datetime64("1930-01-01") + days).astype("datetime64[D]")
        .astype(str).astype(object),
        "soc_sec_id": rng.integers(1_000_000, 9_999_999, size=originals).astype(str).astype(object),
    })  # fmt: skip
    frame["date_of_birth"] = frame["date_of_birth"].str.replace("-", "", regex=False)
    sources = rng.integers(0, originals, size=records - originals)
    rows = frame.iloc[sources].to_dict("records")
    duplicates = pd.DataFrame([_corrupt(row, rng) for row in rows])
    stacked = pd.concat([frame, duplicates], ignore_index=True)
    truth = np.concatenate([np.arange(originals), sources])
    return stacked, truth


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mib() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20


class _Load:
    """The machine's one-minute load average, sampled while a run lasts."""

    def __enter__(self) -> _Load:
        self.samples = [os.getloadavg()[0]]
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self) -> None:
        while not self.done.wait(5):
            self.samples.append(os.getloadavg()[0])

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()
        self.samples.append(os.getloadavg()[0])

    def __str__(self) -> str:
        mean = sum(self.samples) / len(self.samples)
        top = max(self.samples)
        return f"machine load average (1 min) during the run: mean {mean:.1f}, max {top:.1f}"


def _against_targets(
    who: str, records: int, figures: tuple[float, float, float], records_mib: float | None
) -> None:
    """Per-million CPU, wall and peak memory, each against its target (met / missed)."""
    cpu, wall, peak_mib = figures
    millions = records / 1e6
    gb = peak_mib * 2**20 / 1e9  # GB = 10^9 bytes, the stricter reading of the target
    # the targets are the engine's; Splink's figures are given beside them, not judged
    verdict = {True: "met", False: "MISSED"} if who == "ours" else {True: "-", False: "-"}
    print(f"{who} per million records: CPU {cpu / millions:.1f} s ({verdict[cpu / millions <= 60]}"
          f", target <= 60) | wall {wall / millions:.1f} s ({verdict[wall / millions <= 60]}, "
          f"target <= 60; a shared machine) | peak RSS {gb / millions:.3f} GB = "
          f"{peak_mib / 1024 / millions:.3f} GiB ({verdict[gb / millions <= 1.5]}, target <= "
          "1.5 GB), the records included", flush=True)  # fmt: skip
    if records_mib is not None:
        engine = (peak_mib - records_mib) * 2**20 / 1e9
        print(f"{who}: the records and interpreter held {records_mib * 2**20 / 1e9:.2f} GB "
              f"before the run; the engine's own peak adds {engine / millions:.3f} GB per "
              "million")  # fmt: skip


_SPILL = "12GB"  # the most DuckDB may write to its temporary folder


def _duckdb(memory: str, threads: int, spill: str) -> object:
    """Splink's DuckDB backend on a connection bounded in memory, spilling to ``spill``."""
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect()
    connection.execute(f"SET memory_limit = '{memory}'")
    connection.execute(f"SET threads = {int(threads)}")
    connection.execute(f"SET temp_directory = '{spill}'")
    connection.execute("SET preserve_insertion_order = false")  # lets big joins spill
    connection.execute(f"SET max_temp_directory_size = '{_SPILL}'")  # a shared disk
    return DuckDBAPI(connection)


def _splink(frame: pd.DataFrame, truth: np.ndarray, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="splink-duckdb-") as spill:
        _splink_in(frame, truth, args, spill)


def _splink_in(frame: pd.DataFrame, truth: np.ndarray, args: argparse.Namespace,
               spill: str) -> None:  # fmt: skip
    from splink import Linker as SplinkLinker
    from splink import block_on

    started = time.perf_counter()
    # Two-column rules: the tutorial's single-column ones do not finish at a million records.
    blocking = [["given_name", "surname"], ["surname", "date_of_birth"], ["soc_sec_id"],
                ["date_of_birth", "postcode"], ["surname", "postcode"]]  # fmt: skip
    settings = splink_settings("dedupe_only", blocking)
    # Splink reads a blank or whitespace cell as a value (two blanks agree exactly); its
    # users turn them into nulls first, so it gets them as nulls here.
    records = frame.replace(r"^\s*$", None, regex=True).assign(rec_id=np.arange(len(frame)))
    database = _duckdb(args.splink_memory, args.splink_threads, spill)
    linker = SplinkLinker(database.register(records), settings, log_level="WARNING")  # type: ignore[attr-defined]
    del records
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname"), block_on("date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname")
    )
    # Date of birth alone makes ~150M training pairs at 3M records (it grows with the
    # square of the records); with the state as well it stays tractable at every size.
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth", "state")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.99)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.99)
    # only the two columns back to pandas: the whole clustered table would be the records again
    clusters = (clustered.as_duckdbpyrelation().select("rec_id, cluster_id").df()
                .sort_values("rec_id"))  # fmt: skip
    elapsed = time.perf_counter() - started
    scores = cluster_scores(pd.factorize(clusters["cluster_id"])[0], truth[clusters["rec_id"]])
    print(f"splink: cluster P {scores.precision:.4f} R {scores.recall:.4f} "
          f"F1 {scores.f1:.4f} | {elapsed:.1f} s", flush=True)  # fmt: skip
    print(f"splink-seconds: {elapsed}")


def _run_splink_child(args: argparse.Namespace, ours: float) -> None:
    """Splink in a child process on the same seeded records, its peak memory its own."""
    command = [sys.executable, __file__, "--records", str(args.records), "--seed",
               str(args.seed), "--generator", args.generator, "--engine", "splink",
               "--splink-memory", args.splink_memory,
               "--splink-threads", str(args.splink_threads)]  # fmt: skip
    with _Load() as load:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("splink:")]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak, cpu = children.ru_maxrss / 1024, children.ru_utime + children.ru_stime
    if done.returncode or not lines:
        print(f"splink: failed or not installed (pip install splink)\n{done.stderr[-2000:]}")
        return
    seconds = float(done.stdout.split("splink-seconds:")[-1])
    print(f"{lines[-1]} (CPU {cpu:.0f} s, generation included) | peak RSS {peak:,.0f} MiB "
          f"(its own process, records included; DuckDB memory_limit {args.splink_memory}, "
          f"{args.splink_threads} threads, spilling to a temporary folder)")  # fmt: skip
    print(f"splink: {load}")
    _against_targets("splink", args.records, (cpu, seconds, peak), None)
    print(f"time ours / splink = {ours / seconds:.2f}; peak memory ours / splink = "
          f"{_peak_mib() / peak:.2f} (both with the records in memory)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--splink", action="store_true", help="also run Splink, side by side")
    parser.add_argument("--generator", choices=["benchmark", "heavy"], default="benchmark")
    parser.add_argument(
        "--splink-memory",
        default="8GB",
        help="DuckDB's memory_limit for Splink (it spills beyond it)",
    )
    parser.add_argument("--splink-threads", type=int, default=2, help="DuckDB's threads")
    parser.add_argument(
        "--profile-memory",
        action="store_true",
        help="print the resident memory of each step of the engine",
    )
    parser.add_argument("--engine", choices=["ours", "splink"], default="ours",
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    started = time.perf_counter()
    make = generate_heavy if args.generator == "heavy" else generate
    frame, truth = make(args.records, args.seed)
    if args.engine == "splink":
        _splink(frame, truth, args)
        return
    print(f"generated {len(frame):,} records in {time.perf_counter() - started:.1f} s "
          f"(peak RSS {_peak_mib():,.0f} MiB)")  # fmt: skip
    records_mib = _rss_mib()  # the records (and the interpreter) before the engine runs
    linker = Linker(fields=FIELDS)  # all defaults
    started, cpu = time.perf_counter(), time.process_time()
    with _Load() as load, profile_memory() if args.profile_memory else contextlib.nullcontext():
        result = linker.deduplicate(frame)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    scores = cluster_scores(result.clusters, truth)
    print(f"ours ({args.generator}, {args.records:,} records): {len(result.left):,} candidate "
          f"pairs, cluster P {scores.precision:.4f} R {scores.recall:.4f} F1 {scores.f1:.4f}; "
          f"{load}")  # fmt: skip
    _against_targets("ours", args.records, (cpu, elapsed, _peak_mib()), records_mib)
    if args.splink:
        del result, frame
        _run_splink_child(args, elapsed)


if __name__ == "__main__":
    main()
