"""Blocking on Spark: every rule's blocks counted in one job before any pair is built.

Each record yields one ``(rule, key)`` row per rule whose columns it holds (the key is
the rule's normalised texts in one string, each but the last after its length, so no
two keys can collide). Counting comes
first (the local engine's :class:`~customer_understanding.identity.BlockingReport`
columns, from aggregates), so a rule that would explode stops before its join. Values
held by more records than a rule's ``max_block`` pair none of them, as locally. Blocks
larger than ``salt_above`` records (possible only for declared rules without a cap) are
split into buckets, and every two buckets of a block meet in their own join group: a
task then holds at most ``2 * salt_above`` records of the block, however large it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.identity import BlockingReport, BlockingRule, LinkerSteps
from customer_understanding.spark._identity_budget import within_budget
from customer_understanding.spark._identity_records import Records
from customer_understanding.spark._session import require_pyspark

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

__all__ = ["candidate_pairs", "count_blocks"]

_REPORT_COLUMNS = ["rule", "pairs", "largest_block", "largest_share", "capped_values",
                   "capped_records", "budget_records", "placeholders", "why"]  # fmt: skip
#: Rules per run: a pair's rules are the bits of one long.
_MOST_RULES = 62


def _key_columns(rule: BlockingRule, records: Records) -> list[str]:
    missing = [column for column in rule.on if column not in records.columns]
    if missing:
        msg = f"blocking rule {rule.name!r} names column {missing[0]!r}, which is not declared"
        raise InvalidValueError(msg)
    return [records.columns[column] for column in rule.on]


def _keyed(records: Records, steps: LinkerSteps) -> DataFrame:
    """``(_r, _ps, _pos, _rule, _key)``: one row per record and rule whose columns it holds."""
    functions = require_pyspark().functions
    col = functions.col
    entries = []
    for r, rule in enumerate(steps.rules):
        keys = _key_columns(rule, records)
        present = functions.lit(True)
        for key in keys:
            present = present & col(key).isNotNull()
        # one string: each text but the last after its length, so no two keys collide
        # (a string sorts and hashes much faster than an array of strings)
        parts = [functions.concat(functions.length(col(key)).cast("string"),
                                  functions.lit(":"), col(key)) for key in keys[:-1]]  # fmt: skip
        text = functions.concat(*parts, col(keys[-1])) if parts else col(keys[-1])
        entries.append(functions.struct(functions.lit(r).alias("_rule"),
                                        functions.when(present, text).alias("_key")))  # fmt: skip
    exploded = records.frame.select("_r", "_ps", "_pos", functions.explode(
        functions.array(*entries)).alias("_e"))  # fmt: skip
    keyed: DataFrame = exploded.select("_r", "_ps", "_pos", "_e._rule", "_e._key").where(
        col("_key").isNotNull()
    )
    return keyed


def _caps(steps: LinkerSteps) -> Column:
    """Each rule's ``max_block`` (null: no cap), looked up by the rule's number."""
    functions = require_pyspark().functions
    entries = []
    for r, rule in enumerate(steps.rules):
        entries += [functions.lit(r), functions.lit(rule.max_block).cast("long")]
    caps: Column = functions.element_at(functions.create_map(*entries), functions.col("_rule"))
    return caps


def _sized(records: Records, steps: LinkerSteps, keyed: DataFrame, *, sums: bool) -> DataFrame:
    """``keyed`` with each row's block: ``n``, ``same``, ``capped`` and ``_first``.

    ``n``: the block's records; ``same``: the sum over its sources of their records
    squared; ``_first``: the row of the block's first record (one row per block for
    the report). With ``sums``, also ``_own`` (the block's records of the row's source)
    and ``_tot``, ``_sq``: the sums of the members' positions and of their squares (the
    budget tells blocks apart by them). Window functions, so the rows are shuffled once
    by block and stay there for the pairs.
    """
    functions = require_pyspark().functions
    window = require_pyspark().Window
    col = functions.col
    block = window.partitionBy("_rule", "_key")
    sized = keyed
    if records.linking:
        own = functions.count(functions.lit(1)).over(window.partitionBy("_rule", "_key", "_ps"))
        sized = sized.withColumn("_own", own)
        sized = sized.withColumn("same", functions.sum("_own").over(block))
    elif sums:
        sized = sized.withColumn("_own", functions.lit(1).cast("long"))
    sized = sized.withColumn("n", functions.count(functions.lit(1)).over(block))
    if not records.linking:  # every record is its own source: same = n
        sized = sized.withColumn("same", col("n"))
    if sums:
        sized = sized.withColumn("_tot", functions.sum("_pos").over(block))
        sized = sized.withColumn("_sq", functions.sum(col("_pos") * col("_pos")).over(block))
    sized = sized.withColumn("_first", col("_r") == functions.min("_r").over(block))
    capped = functions.coalesce(col("n") > _caps(steps), functions.lit(False))
    return sized.withColumn("capped", capped)


def _placeholders(records: Records, steps: LinkerSteps) -> list[int]:
    """Per rule, records whose value on one of its fields was read as a placeholder."""
    functions = require_pyspark().functions
    col = functions.col
    fields = [field.column for field in steps.fields]
    sums = []
    for rule in steps.rules:
        positions = [fields.index(column) for column in rule.on if column in fields]
        flagged = functions.lit(False)
        for k in positions:
            flagged = flagged | (col(f"p{k}") & col(f"c{k}").isNull())
        sums.append(functions.sum(functions.when(flagged, 1).otherwise(0)))
    row = records.frame.agg(*sums).collect()[0]
    return [int(value or 0) for value in row]


def _capped_counts(sized: DataFrame) -> dict[int, tuple[int, int, bool]]:
    """Per rule: values over its ``max_block``, their records, and any open one-record block.

    The budget never removes a block of one record, so it sets the largest block's floor.
    """
    functions = require_pyspark().functions
    col = functions.col
    single = ~col("capped") & (col("n") == 1)
    rows = (
        sized.where(col("_first"))
        .groupBy("_rule")
        .agg(
            functions.sum(functions.when(col("capped"), 1).otherwise(0)).alias("cv"),
            functions.sum(functions.when(col("capped"), col("n")).otherwise(0)).alias("cr"),
            functions.max(single).alias("single"),
        )
        .collect()
    )
    return {int(row["_rule"]): (int(row["cv"] or 0), int(row["cr"] or 0), bool(row["single"]))
            for row in rows}  # fmt: skip


def _pair_counts(sized: DataFrame) -> dict[int, tuple[int, int]]:
    """Per rule: the pairs its open blocks make, and its largest open block."""
    functions = require_pyspark().functions
    col = functions.col
    open_, n = ~col("capped"), col("n")
    rows = (
        sized.where(col("_first"))
        .groupBy("_rule")
        .agg(
            functions.sum(functions.when(open_, n * n - col("same"))).alias("twice"),
            functions.max(functions.when(open_, n)).alias("largest"),
        )
        .collect()
    )
    return {int(row["_rule"]): (int(row["twice"] or 0) // 2, int(row["largest"] or 0))
            for row in rows}  # fmt: skip


def count_blocks(records: Records, steps: LinkerSteps) -> tuple[BlockingReport, DataFrame]:
    """The blocking report from aggregates, and the members of the blocks that pair.

    The members are ``(_r, _ps, _rule, _key, n)`` rows of the open blocks of two or more
    records, after each record's budget of candidates (``Linker(max_candidates=)``).
    """
    functions = require_pyspark().functions
    col = functions.col
    if len(steps.rules) > _MOST_RULES:
        msg = f"{len(steps.rules)} blocking rules: the Spark engine takes at most {_MOST_RULES}"
        raise InvalidValueError(msg)
    keyed = _keyed(records, steps)
    budget = steps.budget
    sized = _sized(records, steps, keyed, sums=budget is not None).localCheckpoint()
    capped = _capped_counts(sized)
    left: dict[int, int] = {}
    if budget is not None:
        # A block of one record pairs none and keeps its size whatever the budgets do
        # (most keys of a two-column rule are unique): only larger blocks are sized again.
        keyed, left = within_budget(sized.where(col("n") > 1), steps, linking=records.linking)
        sized = _sized(records, steps, keyed, sums=False).localCheckpoint()
    paired = _pair_counts(sized)
    placeholders = _placeholders(records, steps)
    rows = []
    for r, rule in enumerate(steps.rules):
        pairs, largest = paired.get(r, (0, 0))
        capped_values, capped_records, single = capped.get(r, (0, 0, False))
        largest = max(largest, int(single))
        in_largest = largest * (largest - 1) // 2
        rows.append({
            "rule": rule.name, "pairs": pairs, "largest_block": largest,
            "largest_share": min(in_largest / pairs, 1.0) if pairs else 0.0,
            "capped_values": capped_values, "capped_records": capped_records,
            "budget_records": left.get(r, 0), "placeholders": placeholders[r],
            "why": steps.why(rule, (capped_values, capped_records, left.get(r, 0))),
        })  # fmt: skip
    members = sized.where(~col("capped") & (col("n") > 1)).select("_r", "_ps", "_rule", "_key", "n")
    return BlockingReport(pd.DataFrame(rows, columns=_REPORT_COLUMNS)), members


def _salted(keyed: DataFrame, salt_above: int) -> DataFrame:
    """Each record once per bucket pair of its block it takes part in (``_lo``, ``_hi``).

    A block within ``salt_above`` records is one bucket; a larger one has enough buckets
    to keep each near ``salt_above``, and a record meets every bucket of its block.
    """
    functions = require_pyspark().functions
    col = functions.col
    buckets = functions.greatest(functions.lit(1), functions.ceil(col("n") / salt_above))
    keyed = keyed.withColumn("_nb", buckets.cast("int"))
    keyed = keyed.withColumn("_bk", functions.pmod(functions.xxhash64("_r"), col("_nb")))
    keyed = keyed.withColumn(
        "_j", functions.explode(functions.sequence(functions.lit(0), col("_nb") - 1))
    )
    salted: DataFrame = keyed.withColumn("_lo", functions.least("_bk", "_j")).withColumn(
        "_hi", functions.greatest("_bk", "_j")
    )
    return salted


def _in_arrays(members: DataFrame) -> DataFrame:
    """``(_rule, _a, _b)``: the pairs of each block, from the block's sorted member list.

    One row per block, then each member with every later one (``_a < _b``, other
    sources): half the rows a self-join makes, and no join.
    """
    functions = require_pyspark().functions
    lists = members.groupBy("_rule", "_key").agg(
        functions.array_sort(functions.collect_list(functions.struct("_r", "_ps"))).alias("_m")
    )
    pairs = functions.expr(
        "filter(flatten(transform(sequence(1, size(_m) - 1), j -> transform(slice(_m, 1, j), "
        "x -> named_struct('a', x._r, 'pa', x._ps, 'b', _m[j]._r, 'pb', _m[j]._ps)))), "
        "p -> p.pa != p.pb)"
    )
    exploded = lists.select("_rule", functions.explode(pairs).alias("_p"))
    found: DataFrame = exploded.select("_rule", functions.col("_p.a").alias("_a"),
                                       functions.col("_p.b").alias("_b"))  # fmt: skip
    return found


def _by_join(members: DataFrame, salt_above: int) -> DataFrame:
    """``(_rule, _a, _b)``: the pairs of blocks too large for one list, bucket by bucket."""
    functions = require_pyspark().functions
    col = functions.col
    salted = _salted(members, salt_above)
    side = ["_rule", "_key", "_lo", "_hi"]
    left = salted.select(*side, col("_r").alias("_a"), col("_ps").alias("_pa"),
                         col("_bk").alias("_ka"))  # fmt: skip
    right = salted.select(*side, col("_r").alias("_b"), col("_ps").alias("_pb"),
                          col("_bk").alias("_kb"))  # fmt: skip
    joined = left.join(right, on=side)
    own = (functions.least("_ka", "_kb") == col("_lo")) & (
        functions.greatest("_ka", "_kb") == col("_hi")
    )
    found: DataFrame = joined.where(
        (col("_a") < col("_b")) & (col("_pa") != col("_pb")) & own
    ).select("_rule", "_a", "_b")
    return found


def candidate_pairs(
    steps: LinkerSteps,
    report: BlockingReport,
    members: DataFrame,
    *,
    max_pairs: int | None,
    salt_above: int,
) -> DataFrame:
    """The union of the rules' pairs, each once, with ``_rules``: a bit per rule that found it."""
    functions = require_pyspark().functions
    col = functions.col
    frame = report.to_pandas()
    for rule, pairs, largest in zip(steps.rules, frame["pairs"], frame["largest_block"],
                                    strict=True):  # fmt: skip
        if max_pairs is not None and int(pairs) > max_pairs:
            msg = (
                f"blocking rule {rule.name!r} would yield {int(pairs):,} pairs (largest block "
                f"{int(largest):,} records), more than max_pairs={max_pairs:,}; make it stricter"
            )
            raise InvalidValueError(msg)
    small = _in_arrays(members.where(col("n") <= salt_above))
    found = small
    if int(frame["largest_block"].to_numpy().max(initial=0)) > salt_above:
        found = small.unionByName(_by_join(members.where(col("n") > salt_above), salt_above))
    bits = functions.expr("shiftleft(cast(1 as bigint), _rule)")
    grouped: DataFrame = found.groupBy("_a", "_b").agg(functions.bit_or(bits).alias("_rules"))
    return grouped
