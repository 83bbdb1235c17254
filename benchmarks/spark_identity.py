"""Identity resolution on Spark (local mode) against the local engine, in one run.

Deduplicates N synthetic person records of ``identity_scale.py``'s seeded generator with
the same generic person configuration, once with the local engine and once with the
Spark engine in local mode, each in its own child process so that its memory is its own.
Prints per engine: wall time, CPU seconds (the whole process tree: driver, JVM, Python
workers), peak resident memory (driver process; for Spark also the JVM and the Python
workers), candidate pairs and cluster-level precision, recall and F1 against the truth;
for Spark also the wall seconds of each step and the bytes shuffled. From those it writes
a scaling estimate to a billion records on a cluster.

With ``--splink`` it also tries Splink on Spark (a benchmark-only dependency, from PyPI).

Run with ``python benchmarks/spark_identity.py --records 1000000 [--cores 2] [--splink]``;
``--records 2000000 --memory 6g --partitions 16`` took 17 minutes on two cores (peak JVM
6.8 GB); ``--records 5000000`` needs about 12 GB free and 45 minutes. ``--only-splink``
runs Splink on Spark alone (``PYTHONPATH`` must hold Splink; 1M records took 18 minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
from identity_scale import FIELDS, generate

from customer_understanding.identity import Linker, cluster_scores

_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _children(pid: int) -> list[int]:
    """Every living descendant of ``pid`` (read from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _stat(pid: int) -> tuple[str, float, float]:
    """A process's command name, resident bytes and CPU seconds (its waited children too)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "", 0.0, 0.0
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text.rsplit(")", 1)[1].split()
    cpu = sum(int(v) for v in fields[11:15]) / _TICKS  # utime stime cutime cstime
    return name, int(fields[21]) * _PAGE, cpu


class _Watch:
    """Samples the memory of this process's descendants: the JVM and the Python workers."""

    def __init__(self) -> None:
        self.peak = {"java": 0.0, "python workers": 0.0}
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            totals = {"java": 0.0, "python workers": 0.0}
            for pid in _children(os.getpid()):
                name, rss, cpu = _stat(pid)
                totals["java" if name == "java" else "python workers"] += rss
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu)
            for key, value in totals.items():
                self.peak[key] = max(self.peak[key], value)
            self._stop.wait(0.5)

    def tree_cpu(self) -> float:
        """CPU seconds so far of this process and its descendants (read now)."""
        for pid in _children(os.getpid()):
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), _stat(pid)[2])
        return time.process_time() + sum(self.cpu.values())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _shuffled(spark: object) -> int:
    """Bytes written by every shuffle so far (from Spark's status store)."""
    try:
        context = spark.sparkContext  # type: ignore[attr-defined]
        gateway = context._gateway
        stages = (
            context._jsc.sc()
            .statusStore()
            .stageList(None, False, False, gateway.new_array(gateway.jvm.double, 0), None)
        )
        return int(sum(stages.apply(i).shuffleWriteBytes() for i in range(stages.size())))
    except Exception:
        return -1


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _budget(text: str) -> int | None:
    return None if text == "none" else int(text)


def _local(records: int, seed: int, budget: int | None = 30) -> dict[str, object]:
    frame, truth = generate(records, seed)
    started, cpu = time.perf_counter(), time.process_time()
    result = Linker(fields=FIELDS, max_candidates=budget).deduplicate(frame)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    scores = cluster_scores(result.clusters, truth)
    return {"engine": "local", "seconds": elapsed, "cpu": cpu, "pairs": len(result.left),
            "f1": scores.f1, "precision": scores.precision, "recall": scores.recall,
            "driver_gb": _peak_gb()}  # fmt: skip


def _cpu_per_step(watch: _Watch) -> dict[str, float]:
    """CPU seconds of the process tree per step of a Spark run, filled in as it runs.

    The engine's step clock (private, timed here only) also reads the tree's CPU.
    """
    from customer_understanding.spark import _identity

    found: dict[str, float] = {}
    last = [watch.tree_cpu()]
    lap = _identity._Clock.lap

    def lap_with_cpu(clock: object, name: str) -> None:
        lap(clock, name)  # type: ignore[arg-type]
        now = watch.tree_cpu()
        found[name] = now - last[0]
        last[0] = now

    _identity._Clock.lap = lap_with_cpu  # type: ignore[method-assign]
    return found


def _spark(
    records: int,
    seed: int,
    cores: int,
    memory: str,
    budget: int | None = 30,
    partitions: int | None = None,
) -> dict[str, object]:
    from customer_understanding.spark import deduplicate, local_session

    frame, truth = generate(records, seed)
    frame.insert(0, "record", np.arange(len(frame)))
    spark = local_session(cores=cores, memory=memory, shuffle_partitions=partitions)
    watch = _Watch()
    table = spark.createDataFrame(frame.astype(object).where(frame.notna(), None))
    started, cpu = time.perf_counter(), time.process_time()
    steps_cpu = _cpu_per_step(watch)
    result = deduplicate(table, Linker(fields=FIELDS, max_candidates=budget), id_column="record")
    clusters = result.to_pandas()["cluster"].to_numpy()
    elapsed = time.perf_counter() - started
    shuffled = _shuffled(spark)
    watch.stop()
    tree_cpu = sum(watch.cpu.values())
    scores = cluster_scores(clusters, truth)
    return {"engine": "spark", "seconds": elapsed, "cpu": time.process_time() - cpu + tree_cpu,
            "pairs": result._counts[0], "f1": scores.f1, "precision": scores.precision,
            "recall": scores.recall, "driver_gb": _peak_gb(),
            "jvm_gb": watch.peak["java"] / 1024**3,
            "workers_gb": watch.peak["python workers"] / 1024**3,
            "steps": dict(result.timings), "steps_cpu": steps_cpu, "shuffled": shuffled,
            "cores": cores}  # fmt: skip


def _splink_on_spark(records: int, seed: int, cores: int, memory: str) -> dict[str, object]:
    """Splink's Spark backend with the similarity JAR its wheel ships (no Maven needed)."""
    from _splink_settings import splink_settings
    from pyspark.sql import SparkSession
    from splink import Linker as SplinkLinker
    from splink import block_on
    from splink.backends.spark import SparkAPI, similarity_jar_location

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master(f"local[{cores}]")
             .config("spark.driver.memory", memory).config("spark.ui.enabled", "false")
             .config("spark.jars", similarity_jar_location())
             .config("spark.sql.shuffle.partitions", str(4 * cores))
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.driver.host", "127.0.0.1").getOrCreate())  # fmt: skip
    spark.sparkContext.setCheckpointDir("/tmp/splink-spark-checkpoints")
    watch = _Watch()
    frame, truth = generate(records, seed)
    frame = frame.assign(rec_id=np.arange(len(frame)))
    table = spark.createDataFrame(frame.astype(object).where(frame.notna(), None))
    started, cpu = time.perf_counter(), time.process_time()
    # The two-column rules of identity_scale.py (single-column ones do not finish at 1M).
    blocking = [["given_name", "surname"], ["surname", "date_of_birth"], ["soc_sec_id"],
                ["date_of_birth", "postcode"], ["surname", "postcode"]]  # fmt: skip
    # Splink 5: the backend registers the table, then the linker reads it.
    registered = SparkAPI(spark_session=spark).register(table)
    linker = SplinkLinker(
        registered, splink_settings("dedupe_only", blocking, date_format="yyyyMMdd")
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname"), block_on("date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    predictions = linker.inference.predict(threshold_match_probability=0.99)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.99)
    clusters = clustered.as_pandas_dataframe().sort_values("rec_id")
    elapsed = time.perf_counter() - started
    watch.stop()
    scores = cluster_scores(np.unique(clusters["cluster_id"], return_inverse=True)[1],
                            truth[clusters["rec_id"].to_numpy()])  # fmt: skip
    cpu = time.process_time() - cpu + sum(watch.cpu.values())
    return {"engine": "splink", "seconds": elapsed, "cpu": cpu,
            "pairs": -1, "f1": scores.f1, "precision": scores.precision,
            "recall": scores.recall, "driver_gb": _peak_gb(),
            "jvm_gb": watch.peak["java"] / 1024**3,
            "workers_gb": watch.peak["python workers"] / 1024**3}  # fmt: skip


def _child(args: argparse.Namespace, engine: str) -> dict[str, object] | None:
    command = [sys.executable, __file__, "--records", str(args.records), "--seed", str(args.seed),
               "--cores", str(args.cores), "--memory", args.memory, "--engine", engine,
               "--max-candidates", str(args.max_candidates).lower()]  # fmt: skip
    if args.partitions is not None:
        command += ["--partitions", str(args.partitions)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("result: ")]
    if done.returncode or not lines:
        print(f"{engine}: failed (exit {done.returncode})\n{done.stderr[-3000:]}", flush=True)
        return None
    found: dict[str, object] = json.loads(lines[-1][len("result: ") :])
    return found


def _print(found: dict[str, object], records: int) -> None:
    memory = f"driver {found['driver_gb']:.2f} GB"
    if "jvm_gb" in found:
        memory += f", JVM {found['jvm_gb']:.2f} GB, Python workers {found['workers_gb']:.2f} GB"
    print(f"{found['engine']:>6}: {records:,} records, {found['pairs']:,} pairs | "
          f"{found['seconds']:.1f} s wall, {found['cpu']:.1f} CPU s | peak {memory} | "
          f"cluster P {found['precision']:.4f} R {found['recall']:.4f} F1 {found['f1']:.4f}",
          flush=True)  # fmt: skip


def _estimate(found: dict[str, object], records: int) -> None:
    """Per step, records per CPU core-second here, and the time for 1e9 records on a cluster.

    CPU seconds are the whole process tree's (driver, JVM, Python workers) during the
    step, so a loaded machine's waiting is not counted as work, unlike wall seconds.
    """
    steps, steps_cpu = found["steps"], found["steps_cpu"]
    cores = int(found["cores"])  # type: ignore[call-overload]
    assert isinstance(steps, dict)
    assert isinstance(steps_cpu, dict)
    print(f"\nSpark steps ({cores} local cores; records per CPU core-second):")
    target, cluster = 1e9, 1000
    total = 0.0
    for name, seconds in steps.items():
        cpu = float(steps_cpu.get(name, float(seconds) * cores))
        rate = records / max(cpu, 1e-9)
        at_scale = target / rate / cluster
        total += at_scale
        print(f"  {name:>8}: {seconds:8.1f} s wall {cpu:8.1f} CPU s {rate:12,.0f} rec/core-s"
              f"  -> 1e9 records on {cluster} cores: {at_scale / 60:6.1f} min")  # fmt: skip
    shuffled = int(found["shuffled"])  # type: ignore[call-overload]
    if shuffled >= 0:
        per_record = shuffled / records
        print(f"  shuffled {shuffled / 1e9:.2f} GB = {per_record:,.0f} bytes per record -> "
              f"{per_record * target / 1e12:.1f} TB for 1e9 records")  # fmt: skip
    print(
        f"  estimate for 1e9 records on {cluster} cores: {total / 60:.0f} min of CPU-bound "
        "work, if every step scales linearly (the per-record candidate budget bounds each "
        "record's pairs, so pairs grow linearly with records) and the cluster's cores run "
        "as fast as these; the shuffle above must cross the network on top."
    )


def _load(when: str) -> None:
    one, five, fifteen = os.getloadavg()
    print(f"load average (1, 5, 15 min) at {when}: {one:.1f} {five:.1f} {fifteen:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--memory", default="6g", help="Spark driver memory (local mode)")
    parser.add_argument("--partitions", type=int, help="Spark shuffle partitions (4 per core)")
    parser.add_argument("--splink", action="store_true", help="also try Splink on Spark")
    parser.add_argument(
        "--only-splink",
        action="store_true",
        help="run Splink on Spark alone (its own run at another size)",
    )
    parser.add_argument(
        "--max-candidates",
        default="30",
        type=_budget,
        help="the per-record candidate budget of both engines ('none': off)",
    )
    parser.add_argument("--engine", choices=["local", "spark", "splink"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        budget = args.max_candidates
        run = {"local": lambda: _local(args.records, args.seed, budget),
               "spark": lambda: _spark(args.records, args.seed, args.cores, args.memory,
                                       budget, args.partitions),
               "splink": lambda: _splink_on_spark(args.records, args.seed, args.cores,
                                                  args.memory)}[args.engine]  # fmt: skip
        print("result: " + json.dumps(run()), flush=True)
        return
    _load("start")
    if args.only_splink:
        _splink_line(args)
        return
    found = {engine: _child(args, engine) for engine in ("local", "spark")}
    for result in found.values():
        if result is not None:
            _print(result, args.records)
    local, spark = found["local"], found["spark"]
    if local is not None and spark is not None:
        print(f"time spark / local = {float(spark['seconds']) / float(local['seconds']):.2f}; "
              f"F1 spark - local = {float(spark['f1']) - float(local['f1']):+.6f}")  # fmt: skip
    if spark is not None:
        _estimate(spark, args.records)
    if args.splink:
        _splink_line(args)
    _load("end")


def _splink_line(args: argparse.Namespace) -> None:
    splink = _child(args, "splink")
    if splink is not None:
        _print(splink, args.records)


if __name__ == "__main__":
    main()
