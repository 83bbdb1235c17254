"""Blocking on Spark: each rule's blocks counted before any pair is built, then joined.

Counting comes first (the local engine's :class:`~customer_understanding.identity.BlockingReport`
columns, from aggregates), so a rule that would explode stops before its join. Values
held by more records than a rule's ``max_block`` pair none of them, as locally. Blocks
larger than ``salt_above`` records (possible only for declared rules without a cap) are
split into buckets, and every two buckets of a block meet in their own join group: a
task then holds at most ``2 * salt_above`` records of the block, however large it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.identity import BlockingReport, BlockingRule, LinkerSteps
from customer_understanding.spark._identity_records import Records
from customer_understanding.spark._session import require_pyspark

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["candidate_pairs", "count_blocks"]

_REPORT_COLUMNS = ["rule", "pairs", "largest_block", "largest_share", "capped_values",
                   "capped_records", "placeholders", "why"]  # fmt: skip


def _key_columns(rule: BlockingRule, records: Records) -> list[str]:
    missing = [column for column in rule.on if column not in records.columns]
    if missing:
        msg = f"blocking rule {rule.name!r} names column {missing[0]!r}, which is not declared"
        raise InvalidValueError(msg)
    return [records.columns[column] for column in rule.on]


def _keyed(records: Records, keys: list[str]) -> DataFrame:
    functions = require_pyspark().functions
    present = functions.lit(True)
    for key in keys:
        present = present & functions.col(key).isNotNull()
    keyed: DataFrame = records.frame.where(present).select("_r", "_ps", *keys)
    return keyed


def _blocks(records: Records, rule: BlockingRule, keys: list[str]) -> DataFrame:
    """Per value of the rule's key: its records ``n``, and ``same`` (squared per source)."""
    functions = require_pyspark().functions
    keyed = _keyed(records, keys)
    if not records.linking:  # every record is its own source: same = n
        blocks = keyed.groupBy(*keys).agg(functions.count("*").alias("n"))
        blocks = blocks.withColumn("same", functions.col("n"))
    else:
        per_source = keyed.groupBy(*keys, "_ps").agg(functions.count("*").alias("k"))
        blocks = per_source.groupBy(*keys).agg(
            functions.sum("k").alias("n"), functions.sum(functions.col("k") ** 2).alias("same")
        )
    capped = functions.lit(False)
    if rule.max_block is not None:
        capped = functions.col("n") > functions.lit(rule.max_block)
    return blocks.withColumn("capped", capped)


def _why(rule: BlockingRule, capped_values: int, capped_records: int) -> str:
    if not capped_values:
        return ""
    return (
        f"{capped_values:,} value(s) held by more than max_block={rule.max_block} records "
        f"each ({capped_records:,} records) pair none of them: a value that common tells "
        "little, and its pairs would grow with the square of its records"
    )


def _placeholders(records: Records, steps: LinkerSteps, rule: BlockingRule) -> int:
    """Records whose value on one of the rule's fields was read as a placeholder or junk."""
    functions = require_pyspark().functions
    fields = [field.column for field in steps.fields]
    positions = [fields.index(column) for column in rule.on if column in fields]
    if not positions:
        return 0
    flagged = functions.lit(False)
    for k in positions:
        flagged = flagged | (functions.col(f"p{k}") & functions.col(f"c{k}").isNull())
    return int(records.frame.where(flagged).count())


def count_blocks(records: Records, steps: LinkerSteps) -> tuple[BlockingReport, list[Any]]:
    """The blocking report from aggregates, and each rule's blocks (kept for the join)."""
    functions = require_pyspark().functions
    rows, kept = [], []
    for rule in steps.rules:
        keys = _key_columns(rule, records)
        blocks = _blocks(records, rule, keys).localCheckpoint()
        open_blocks = ~functions.col("capped")
        n = functions.col("n")
        summary = blocks.agg(
            functions.sum(functions.when(functions.col("capped"), 1).otherwise(0)).alias("cv"),
            functions.sum(functions.when(functions.col("capped"), n).otherwise(0)).alias("cr"),
            functions.sum(functions.when(open_blocks, n * n - functions.col("same")))
            .alias("twice"),
            functions.max(functions.when(open_blocks, n)).alias("largest"),
        ).collect()[0]
        pairs = int(summary["twice"] or 0) // 2
        largest = int(summary["largest"] or 0)
        in_largest = largest * (largest - 1) // 2
        capped_values, capped_records = int(summary["cv"] or 0), int(summary["cr"] or 0)
        rows.append({
            "rule": rule.name, "pairs": pairs, "largest_block": largest,
            "largest_share": min(in_largest / pairs, 1.0) if pairs else 0.0,
            "capped_values": capped_values, "capped_records": capped_records,
            "placeholders": _placeholders(records, steps, rule),
            "why": _why(rule, capped_values, capped_records),
        })  # fmt: skip
        kept.append(blocks.where(open_blocks).select(*keys, "n"))
    return BlockingReport(pd.DataFrame(rows, columns=_REPORT_COLUMNS)), kept


def _rule_pairs(records: Records, keys: list[str], blocks: DataFrame, salt_above: int) -> DataFrame:
    """The rule's pairs ``(_a, _b)`` with ``_a < _b``, big blocks joined bucket by bucket."""
    functions = require_pyspark().functions
    col = functions.col
    keyed = _keyed(records, keys).join(blocks, on=keys, how="inner")
    # Buckets per block: one for a block within salt_above, else enough to keep each
    # bucket about salt_above records; every record meets every bucket of its block.
    buckets = functions.greatest(functions.lit(1), functions.ceil(col("n") / salt_above))
    keyed = keyed.withColumn("_nb", buckets.cast("int"))
    keyed = keyed.withColumn("_b", functions.pmod(functions.xxhash64("_r"), col("_nb")).cast("int"))
    keyed = keyed.withColumn("_j", functions.explode(functions.sequence(functions.lit(0),
                                                                        col("_nb") - 1)))  # fmt: skip
    keyed = keyed.withColumn("_lo", functions.least("_b", "_j")).withColumn(
        "_hi", functions.greatest("_b", "_j")
    )
    left = keyed.select(*keys, "_lo", "_hi", col("_r").alias("_a"), col("_ps").alias("_pa"),
                        col("_b").alias("_ba"))  # fmt: skip
    right = keyed.select(*keys, "_lo", "_hi", col("_r").alias("_bb_r"), col("_ps").alias("_pb"),
                         col("_b").alias("_bb"))  # fmt: skip
    joined = left.join(right, on=[*keys, "_lo", "_hi"])
    own = (functions.least("_ba", "_bb") == col("_lo")) & (
        functions.greatest("_ba", "_bb") == col("_hi")
    )
    found = joined.where((col("_a") < col("_bb_r")) & (col("_pa") != col("_pb")) & own)
    pairs: DataFrame = found.select("_a", col("_bb_r").alias("_b"))
    return pairs


def candidate_pairs(
    records: Records,
    steps: LinkerSteps,
    report: BlockingReport,
    kept: list[Any],
    *,
    max_pairs: int | None,
    salt_above: int,
) -> DataFrame:
    """The union of the rules' pairs, each once, with ``_rules``: a bit per rule that found it."""
    functions = require_pyspark().functions
    if len(steps.rules) > 62:
        msg = f"{len(steps.rules)} blocking rules: the Spark engine takes at most 62"
        raise InvalidValueError(msg)
    frame = report.to_pandas()
    found = []
    for r, (rule, blocks) in enumerate(zip(steps.rules, kept, strict=True)):
        pairs, largest = int(frame["pairs"].iloc[r]), int(frame["largest_block"].iloc[r])
        if max_pairs is not None and pairs > max_pairs:
            msg = (
                f"blocking rule {rule.name!r} would yield {pairs:,} pairs (largest block "
                f"{largest:,} records), more than max_pairs={max_pairs:,}; make it stricter"
            )
            raise InvalidValueError(msg)
        if not pairs:
            continue
        keys = _key_columns(rule, records)
        rule_pairs = _rule_pairs(records, keys, blocks, salt_above)
        found.append(rule_pairs.withColumn("_rules", functions.lit(1 << r).cast("long")))
    spark = records.frame.sparkSession
    if not found:
        empty: DataFrame = spark.createDataFrame([], "_a long, _b long, _rules long")
        return empty
    union = found[0]
    for more in found[1:]:
        union = union.unionByName(more)
    grouped: DataFrame = union.groupBy("_a", "_b").agg(functions.bit_or("_rules").alias("_rules"))
    return grouped


def rule_names(steps: LinkerSteps) -> Mapping[int, str]:
    """Each rule's bit and its name."""
    return {1 << r: rule.name for r, rule in enumerate(steps.rules)}
