"""Identity resolution on Spark DataFrames with a :class:`~customer_understanding.identity.Linker`.

The run follows the local engine's step by step (see :class:`LinkerSteps`): normalise,
count the blocks and report, join the blocks into candidate pairs (a bit per rule that
found each), compare inside the partitions, fit u from value counts and the seeded sample,
m and the prior by EM on the pattern counts, weigh with term frequency, band, and cluster
per connected component with the guards.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pandas as pd

from customer_understanding._core import frozen_mapping, html_table, summary, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.identity import BlockingReport, FellegiSunter, Linker, LinkerSteps
from customer_understanding.spark._identity_blocking import candidate_pairs, count_blocks
from customer_understanding.spark._identity_clusters import clustered, demoted
from customer_understanding.spark._identity_pairs import (
    compared,
    exact_u,
    fit_model,
    sample_u,
    weighed,
)
from customer_understanding.spark._identity_records import Records, prepare_records
from customer_understanding.spark._session import require_pyspark

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["SparkLinks", "blocking_report", "deduplicate", "link"]

#: Records of one block handled by one task before the block is split into buckets.
SALT_ABOVE = 5_000

Pairs = Sequence[tuple[Hashable, Hashable]]


def _seconds(values: Mapping[str, float]) -> Mapping[str, float]:
    return frozen_mapping({str(name): float(seconds) for name, seconds in values.items()})


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class SparkLinks:
    """What a Spark run found: scored pairs, clusters, the model and the blocking report.

    The Spark DataFrames stay in Spark (:meth:`pairs`, :meth:`evidence`,
    :meth:`clusters`); :meth:`to_pandas` brings the clusters to the driver in the local
    engine's layout (``record_id``, ``source``, ``cluster`` numbered by first record), and
    :attr:`model` scores with the local engine as it does here. :attr:`timings` gives
    the wall seconds of each step (prepare, block, compare, fit, weigh, cluster).

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding.identity import Field, Linker
    >>> from customer_understanding.spark import deduplicate, local_session
    >>> spark = local_session(cores=1)
    >>> frame = spark.createDataFrame(pd.DataFrame({"id": [1, 2, 3],
    ...     "email": ["a@x.com", "A@x.com", "b@y.com"]}))
    >>> linker = Linker(fields=[Field(column="email", kind="email")], link_threshold=0.5)
    >>> links = deduplicate(frame, linker, id_column="id")
    >>> links
    SparkLinks: 3 rows, pairs=1, links=1, clusters=2
    >>> links.to_pandas()["cluster"].tolist()
    [0, 0, 1]
    """

    model: FellegiSunter
    report: BlockingReport
    n_records: int
    _names: tuple[str, ...] = attrs.field(alias="names")
    _records: Any = attrs.field(alias="records")
    _pairs: Any = attrs.field(alias="pairs")
    _clusters: Any = attrs.field(alias="clusters")
    _counts: tuple[int, int, int] = attrs.field(alias="counts")
    timings: Mapping[str, float] = attrs.field(factory=dict, converter=_seconds)

    def __len__(self) -> int:
        return self.n_records

    def __repr__(self) -> str:
        pairs, links, clusters = self._counts
        return summary("SparkLinks", len(self), pairs=pairs, links=links, clusters=clusters)

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def pairs(self) -> DataFrame:
        """Every candidate pair, as :meth:`LinkResult.pairs` lists them, and its rules.

        Columns ``left_id``, ``right_id``, ``match_weight``, ``match_probability``,
        ``band`` and ``rules`` (a bit per blocking rule that found the pair).
        """
        functions = require_pyspark().functions
        ids = self._records.select("_r", "_id")
        frame: DataFrame = (
            self._pairs.join(ids.withColumnRenamed("_r", "_a").withColumnRenamed("_id", "left_id"),
                             on="_a")
            .join(ids.withColumnRenamed("_r", "_b").withColumnRenamed("_id", "right_id"), on="_b")
            .orderBy("_a", "_b")
        )  # fmt: skip
        return frame.select("left_id", "right_id", "match_weight", "match_probability", "band",
                            functions.col("_rules").alias("rules"))  # fmt: skip

    def evidence(self) -> DataFrame:
        """Per pair, each field's level (``<column> level``) and weight (``<column>``)."""
        functions = require_pyspark().functions
        ids = self._records.select("_r", "_id")
        columns = [functions.col(f"l{k}").alias(f"{name} level")
                   for k, name in enumerate(self._names)]  # fmt: skip
        columns += [functions.col(f"w{k}").alias(name) for k, name in enumerate(self._names)]
        frame: DataFrame = (
            self._pairs.join(ids.withColumnRenamed("_r", "_a").withColumnRenamed("_id", "left_id"),
                             on="_a")
            .join(ids.withColumnRenamed("_r", "_b").withColumnRenamed("_id", "right_id"), on="_b")
            .select("left_id", "right_id", functions.lit(self.model.prior_weight).alias("prior"),
                    *columns, "match_weight")
        )  # fmt: skip
        return frame

    def clusters(self) -> DataFrame:
        """One row per record: ``record_id``, ``source``, ``cluster`` (its first record's key)."""
        functions = require_pyspark().functions
        frame: DataFrame = self._records.join(self._clusters, on="_r").select(
            functions.col("_r"), functions.col("_id").alias("record_id"),
            functions.col("_src").alias("source"), functions.col("_cluster").alias("cluster"),
        )  # fmt: skip
        return frame

    def to_pandas(self) -> pd.DataFrame:
        """The clusters on the driver, as :meth:`LinkResult.to_pandas` lays them out."""
        frame = self.clusters().toPandas().sort_values("_r").reset_index(drop=True)
        frame["cluster"] = pd.factorize(frame["cluster"])[0]
        return frame.drop(columns="_r")


def _keys(records: Records, pairs: Pairs | None, name: str) -> list[tuple[int, int]]:
    """Record ids of must- or cannot-link pairs as row keys (ids compared by their text)."""
    if not pairs:
        return []
    texts = sorted({str(value) for pair in pairs for value in pair})
    spark = records.frame.sparkSession
    wanted = spark.createDataFrame(pd.DataFrame({"_key": texts}))
    found = records.frame.join(wanted, on="_key").select("_key", "_r").toPandas()
    key = dict(zip(found["_key"], found["_r"].astype(int), strict=True))
    for pair in pairs:
        if str(pair[0]) not in key or str(pair[1]) not in key:
            msg = f"{name} pair {tuple(pair)!r} names an unknown record id"
            raise InvalidValueError(msg)
    return [(key[str(a)], key[str(b)]) for a, b in pairs]


class _Clock:
    """Wall seconds per step of a run (each step ends with a job that materialises it)."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


def _run(
    tables: Mapping[str, DataFrame],
    linker: Linker,
    *,
    id_column: str,
    source_column: str | None = None,
    must_link: Pairs | None = None,
    cannot_link: Pairs | None = None,
    model: FellegiSunter | None = None,
    salt_above: int = SALT_ABOVE,
) -> SparkLinks:
    if salt_above < 2:
        msg = f"salt_above={salt_above!r} must be >= 2"
        raise InvalidValueError(msg)
    clock = _Clock()
    steps = LinkerSteps(linker)
    records = prepare_records(tables, steps, id_column=id_column, source_column=source_column)
    overrides = (_keys(records, must_link, "must_link"), _keys(records, cannot_link, "cannot_link"))
    clock.lap("prepare")
    report, members = count_blocks(records, steps)
    max_pairs = linker.max_pairs if linker.blocking is not None else None
    pairs = candidate_pairs(steps, report, members, max_pairs=max_pairs,
                            salt_above=salt_above).localCheckpoint()  # fmt: skip
    clock.lap("block")
    levels = compared(records, steps, pairs).localCheckpoint()
    n_pairs = levels.count()
    clock.lap("compare")
    steps.warn(report, n_records=records.n_records, pairs=n_pairs)
    exact, present = exact_u(records, steps)
    if model is None:
        u = sample_u(records, steps, exact)
        possible = max((records.n_records**2 - records.sources_squared) / 2, 1.0)
        model = fit_model(levels, steps, u, possible=possible)
    elif model.names != tuple(field.column for field in steps.fields):
        msg = f"model={model.names!r} was fitted on other fields than the linker's"
        raise InvalidValueError(msg)
    clock.lap("fit")
    scored = weighed(levels, steps, model, exact=exact, present=present).localCheckpoint()
    clock.lap("weigh")
    clusters = clustered(records, scored, steps, overrides=overrides)
    scored = demoted(scored, clusters).localCheckpoint()
    functions = require_pyspark().functions
    links = scored.where(functions.col("band") == "link").count()
    n_clusters = clusters.select("_cluster").distinct().count()
    clock.lap("cluster")
    return SparkLinks(model=model, report=report, n_records=records.n_records,
                      names=tuple(field.column for field in steps.fields),
                      records=records.frame, pairs=scored, clusters=clusters,
                      counts=(n_pairs, links, n_clusters), timings=clock.laps)  # fmt: skip


def deduplicate(
    records: DataFrame,
    linker: Linker,
    *,
    id_column: str,
    source_column: str | None = None,
    must_link: Pairs | None = None,
    cannot_link: Pairs | None = None,
    model: FellegiSunter | None = None,
    salt_above: int = SALT_ABOVE,
) -> SparkLinks:
    """Find the records of one Spark DataFrame that are one entity, as :meth:`Linker.deduplicate`.

    Parameters
    ----------
    records
        One row per record with the linker's declared columns and ``id_column``.
    linker
        The declarations: fields, blocking rules, thresholds, guards, seed.
    id_column
        The column of unique record ids.
    source_column
        The column naming each record's source system (for ``distinct_sources``).
    must_link, cannot_link
        Pairs of record ids to keep together, or apart.
    model
        A fitted model (from either engine) to score with, without fitting.
    salt_above
        Records of one block one task joins: a larger block (only a declared rule without
        ``max_block`` has them) is split into buckets joined two by two.

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding.identity import Field, Linker
    >>> from customer_understanding.spark import local_session
    >>> spark = local_session(cores=1)
    >>> frame = spark.createDataFrame(pd.DataFrame({"id": ["a", "b", "c"],
    ...     "email": ["a@x.com", "a@x.com", "b@y.com"]}))
    >>> linker = Linker(fields=[Field(column="email", kind="email")], link_threshold=0.5)
    >>> deduplicate(frame, linker, id_column="id", cannot_link=[("a", "b")]).to_pandas()
      record_id source  cluster
    0         a               0
    1         b               1
    2         c               2
    """
    return _run({"records": records}, linker, id_column=id_column, source_column=source_column,
                must_link=must_link, cannot_link=cannot_link, model=model,
                salt_above=salt_above)  # fmt: skip


def link(
    tables: Mapping[str, DataFrame],
    linker: Linker,
    *,
    id_column: str,
    must_link: Pairs | None = None,
    cannot_link: Pairs | None = None,
    model: FellegiSunter | None = None,
    salt_above: int = SALT_ABOVE,
) -> SparkLinks:
    """Link records across Spark DataFrames (pairs from different tables), as :meth:`Linker.link`.

    Ids in ``id_column`` must be unique across the tables; ``source`` is the table's name.
    The options are :func:`deduplicate`'s.

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding.identity import Field, Linker
    >>> from customer_understanding.spark import local_session
    >>> spark = local_session(cores=1)
    >>> crm = spark.createDataFrame(pd.DataFrame({"id": [1, 2], "email": ["a@x.com", "b@y.com"]}))
    >>> shop = spark.createDataFrame(pd.DataFrame({"id": [3], "email": ["b@y.com"]}))
    >>> linker = Linker(fields=[Field(column="email", kind="email")],
    ...                 distinct_sources={"crm", "shop"}, link_threshold=0.5)
    >>> link({"crm": crm, "shop": shop}, linker, id_column="id").to_pandas()["cluster"].tolist()
    [0, 1, 1]
    """
    if len(tables) < 2:
        msg = f"tables={list(tables)!r} must name at least two tables to link"
        raise InvalidValueError(msg)
    return _run(tables, linker, id_column=id_column, must_link=must_link,
                cannot_link=cannot_link, model=model, salt_above=salt_above)  # fmt: skip


def blocking_report(records: DataFrame, linker: Linker, *, id_column: str) -> BlockingReport:
    """Before a run: the pairs each rule would yield, its largest block, what was capped.

    The local engine's :class:`~customer_understanding.identity.BlockingReport`, counted
    from Spark aggregates (no pair is built), with the local engine's warnings.

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding.identity import Field, Linker
    >>> from customer_understanding.spark import local_session
    >>> spark = local_session(cores=1)
    >>> frame = spark.createDataFrame(pd.DataFrame({"id": [1, 2, 3],
    ...     "email": ["a@x.com", "a@x.com", "b@x.com"]}))
    >>> report = blocking_report(frame, Linker(fields=[Field(column="email", kind="email")]),
    ...                          id_column="id")
    >>> report.to_pandas()[["rule", "pairs", "largest_block", "capped_records"]]
        rule  pairs  largest_block  capped_records
    0  email      1              2               0
    """
    steps = LinkerSteps(linker)
    records_ = prepare_records({"records": records}, steps, id_column=id_column,
                               source_column=None)  # fmt: skip
    report = count_blocks(records_, steps)[0]
    pairs = int(report.to_pandas()["pairs"].sum())
    steps.warn(report, n_records=records_.n_records, pairs=pairs)
    return report
