"""Point-in-time traits on Spark, computed by the local traits per bucket of entities.

Each task holds the interactions of a few accounts (or contacts) and calls the traits'
own ``evaluate`` on their tables, so a value is the local one by construction. A
ticket's audit rows (``ticket_update``) go with the ticket wherever they were made,
unattached there, so the ticket's state as of the moment is read as the local engine
reads it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from customer_understanding._core import (
    Moment,
    frozen_mapping,
    object_values,
    one_of,
    parse_moment,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.spark._scoring_slices import (
    KEY,
    PART,
    bucket,
    buckets_for,
    check_frame,
    for_arrow,
    pack,
    partitions,
    resolve_on_spark,
    rows_limit,
    warn_heaviest,
)
from customer_understanding.spark._session import require_pyspark
from customer_understanding.spark._traits_tables import (
    OPTIONAL,
    check_names,
    interaction_only,
    reads_tickets,
    trait_slice,
)
from customer_understanding.traits import TraitFrame, get_trait
from customer_understanding.typing import AsOf, Level, Trait

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["SparkTraits", "trait_frame"]

_OWN = "__own"
_TICKET = "__ticket"
_SPARK_KINDS = {"text": "string", "float": "double", "time": "timestamp"}


def _texts(value: Mapping[str, str]) -> Mapping[str, str]:
    return frozen_mapping(dict(value))


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class SparkTraits:
    """Trait values as a Spark DataFrame: one row per entity, one column per trait.

    ``frame`` has ``account_id`` or ``contact_id``, then the traits in the order asked,
    as :meth:`TraitFrame.to_pandas <customer_understanding.traits.TraitFrame.to_pandas>`
    (numbers as doubles, ``null`` where a value cannot be known; text as strings).
    :meth:`collect` brings a small result to the driver as a local ``TraitFrame``.

    Examples
    --------
    >>> from customer_understanding.spark import local_session
    >>> spark = local_session(cores=1)
    >>> interactions = spark.createDataFrame(
    ...     [("c1", "a1", "2026-05-30", "page_view")],
    ...     "contact_id string, account_id string, occurred_at string, type string",
    ... ).selectExpr("contact_id", "account_id", "timestamp(occurred_at) AS occurred_at", "type")
    >>> accounts = spark.createDataFrame([("a1",), ("a2",)], "account_id string")
    >>> found = trait_frame(interactions, ["web_visits_14d", "days_since_last_touch"],
    ...                     entities=accounts, as_of="2026-06-01")
    >>> found
    SparkTraits, as of 2026-06-01T00:00:00Z, level=account, traits=web_visits_14d, ...
    >>> found.collect().to_pandas().to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'account_id': 'a1', 'web_visits_14d': 1.0, 'days_since_last_touch': 2.0},
     {'account_id': 'a2', 'web_visits_14d': 0.0, 'days_since_last_touch': nan}]
    """

    frame: DataFrame = attrs.field(repr=False)
    level: Level = attrs.field(validator=one_of("contact", "account"))
    as_of: Moment = attrs.field(converter=parse_moment)
    descriptions: Mapping[str, str] = attrs.field(converter=_texts)

    @property
    def names(self) -> tuple[str, ...]:
        """The trait names, in column order."""
        return tuple(self.descriptions)

    def collect(self) -> TraitFrame:
        """The values as a local :class:`~customer_understanding.traits.TraitFrame`.

        Entities come in the order of their ids; use it for results that fit the driver.
        """
        key = f"{self.level}_id"
        found = self.frame.toPandas().sort_values(key, kind="stable")
        values = {
            name: found[name].to_numpy(np.float64)
            if pd.api.types.is_float_dtype(found[name])
            else object_values(found[name])
            for name in self.names
        }
        return TraitFrame(level=self.level, as_of=self.as_of, ids=object_values(found[key]),
                          values=values, descriptions=dict(self.descriptions))  # fmt: skip

    def __repr__(self) -> str:
        return summary("SparkTraits", as_of=self.as_of, level=self.level,
                       traits=", ".join(self.names))  # fmt: skip


def trait_frame(
    interactions: DataFrame,
    traits: Sequence[str],
    /,
    *,
    entities: DataFrame,
    level: Level = "account",
    as_of: AsOf = None,
    rows_per_task: int = 200_000,
) -> SparkTraits:
    """Interaction traits of every account or contact on Spark, as the local engine has them.

    Parameters
    ----------
    interactions
        The interactions, as :meth:`CustomerBase.to_pandas
        <customer_understanding.base.CustomerBase.to_pandas>` gives them: ``contact_id``
        and ``account_id`` (text), ``occurred_at`` (time), ``type`` (text), and, when a
        trait reads them, ``discipline``, ``channel``, ``subject``, ``priority``,
        ``status``, ``thread``, ``system``, ``source_id`` (text), ``satisfaction``
        (number) and ``updated_at`` (time); an absent one is missing on every row.
    traits
        Trait names (see :func:`~customer_understanding.traits.trait_names`) of traits
        that read interactions alone: counts, recency, tickets, satisfaction, product use,
        web surges and top subjects, and earlier values, changes and ratios of them.
    entities
        Every entity of the level: ``account_id`` or ``contact_id`` (text).
    level
        ``"account"`` or ``"contact"``.
    as_of
        The moment; ``None`` is the latest interaction. A moment before the first
        interaction is refused.
    rows_per_task
        About how many interactions one task reads at most. One entity's interactions are
        never split: an entity with more gives a :class:`TaskSizeWarning` first.

    Raises
    ------
    InvalidValueError
        If an input is not a Spark DataFrame, lacks a column or has one of the wrong type,
        or a trait reads more than interactions.
    UnknownNameError
        If a name is not a known trait.

    Examples
    --------
    >>> from pyspark.sql import functions
    >>> from customer_understanding.spark import local_session
    >>> spark = local_session(cores=1)
    >>> interactions = spark.createDataFrame(
    ...     [("c1", "a1", "2026-05-20", "ticket", "open")],
    ...     "contact_id string, account_id string, occurred_at string, type string, status string",
    ... ).withColumn("occurred_at", functions.to_timestamp("occurred_at"))
    >>> contacts = spark.createDataFrame([("c1",), ("c2",)], "contact_id string")
    >>> found = trait_frame(interactions, ["open_tickets"], entities=contacts, level="contact",
    ...                     as_of="2026-06-01")
    >>> found.collect()["open_tickets"].tolist()
    [1.0, 0.0]
    """
    names = check_names(traits)
    chosen = {name: interaction_only(name, get_trait(name)) for name in names}
    if level not in ("account", "contact"):
        msg = f"level={level!r} must be 'account' or 'contact'"
        raise InvalidValueError(msg)
    key = f"{level}_id"
    wanted = {"contact_id": "text", "account_id": "text", "occurred_at": "time", "type": "text"}
    events = _with_optional(check_frame(interactions, "interactions", wanted))
    people = check_frame(entities, "entities", {key: "text"}).select(key)
    moment, rows, first = resolve_on_spark(events, "occurred_at", as_of)
    span = (first, max(moment, first))
    limit = rows_limit(rows_per_task)
    buckets = buckets_for(rows, limit, at_least=partitions(events))
    warn_heaviest(events, key, rows=rows, limit=limit)
    tickets = any(reads_tickets(trait) for trait in chosen.values())
    kept = _known(events, key=key, moment=moment, tickets=tickets, buckets=buckets)
    packed = pack({"entities": people, "interactions": kept},
                  {"entities": bucket(key, buckets), "interactions": _own()})  # fmt: skip
    kinds = _kinds(chosen, level=level, span=span, moment=moment)
    schema = ", ".join([f"`{key}` string", *(f"`{n}` {kinds[n]}" for n in chosen)])

    def evaluate(frame: pd.DataFrame) -> pd.DataFrame:
        return _values(frame, chosen, level=level, span=span, moment=moment, kinds=kinds)

    found = packed.groupBy(KEY).applyInPandas(evaluate, schema=schema)
    descriptions = {name: trait.description for name, trait in chosen.items()}
    return SparkTraits(frame=found, level=level, as_of=moment, descriptions=descriptions)


def _own() -> Any:
    return require_pyspark().functions.col(_OWN)


def _with_optional(events: DataFrame) -> DataFrame:
    """The interactions with every column a trait may read (absent ones: null)."""
    functions = require_pyspark().functions
    present = set(events.columns)
    check_frame(events, "interactions", {c: k for c, k in OPTIONAL.items() if c in present})
    missing = {c: functions.lit(None).cast(_SPARK_KINDS[k])
               for c, k in OPTIONAL.items() if c not in present}  # fmt: skip
    columns = ("contact_id", "account_id", "occurred_at", "type", *OPTIONAL)
    return events.withColumns(missing).select(*columns) if missing else events.select(*columns)


def _known(
    events: DataFrame, *, key: str, moment: Moment, tickets: bool, buckets: int
) -> DataFrame:
    """The rows a trait can read as of the moment, each in its entity's bucket (``_OWN``).

    Rows after the moment, undated ones and those of no entity never count; a ticket's
    audit rows are kept whenever made (an audit after the moment still says the ticket
    changed after it), and copied, unattached, into their ticket's bucket.
    """
    functions = require_pyspark().functions
    when = functions.unix_micros(functions.col("occurred_at").cast("timestamp"))
    counted = functions.col(key).isNotNull() & (when <= moment // 1000)
    audit = functions.col("type") == "ticket_update"
    rows = events.where(counted | audit if tickets else counted)
    rows = rows.withColumn(_OWN, bucket(key, buckets))
    if not tickets:
        return rows
    opened = (
        rows.where(functions.col("type") == "ticket")
        .select(
            "system", functions.col("source_id").alias("thread"), functions.col(_OWN).alias(_TICKET)
        )
        .distinct()
    )
    copies = rows.where(audit).join(opened, ["system", "thread"])
    copies = copies.where(functions.col(_TICKET) != functions.col(_OWN))
    copies = copies.withColumns({key: functions.lit(None).cast("string"), _OWN: functions.col(
        _TICKET)}).drop(_TICKET)  # fmt: skip
    return rows.unionByName(copies)


def _kinds(
    chosen: Mapping[str, Trait], *, level: Level, span: tuple[int, int], moment: Moment
) -> dict[str, str]:
    """Each trait's Spark type, from its value for one entity with no interactions."""
    probe = pd.DataFrame({PART: ["entities"], f"entities__{level}_id": ["probe"]})
    values = _values(probe, chosen, level=level, span=span, moment=moment, kinds=None)
    return {name: "double" if values[name].dtype.kind in "biuf" else "string" for name in chosen}


def _values(
    frame: pd.DataFrame,
    chosen: Mapping[str, Trait],
    *,
    level: Level,
    span: tuple[int, int],
    moment: Moment,
    kinds: Mapping[str, str] | None,
) -> pd.DataFrame:
    """One task: its tables, then every trait's values for its entities."""
    tables, ids = trait_slice(frame, level=level, span=span)
    out: dict[str, Any] = {f"{level}_id": ids}
    for name, trait in chosen.items():
        values = np.asarray(trait.evaluate(tables, as_of=moment, level=level))
        if kinds is not None:
            values = values.astype(np.float64) if kinds[name] == "double" else values
        out[name] = values
    return for_arrow(pd.DataFrame(out))
