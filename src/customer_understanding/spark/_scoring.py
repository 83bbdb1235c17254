"""Engagement scores with reason codes on Spark, computed by the local scorer per slice.

Two grouped stages, each calling :class:`~customer_understanding.scoring.EngagementScorer`
on the tables of a few entities:

1. contacts, bucketed by contact id, with their interactions (and consent statements
   when the scores are for a purpose): the contact scores and reasons;
2. for account scores, accounts bucketed by account id, with their contacts' scores and
   reasons and the contacts' deal roles: the role-weighted roll-up plus breadth.

A large account's interactions are therefore never one task: contacts spread over the
buckets of stage 1, and stage 2 reads at most one reason row per contact and signal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from customer_understanding._core import (
    Moment,
    object_values,
    one_of,
    parse_moment,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.scoring import EngagementScorer, Reasons, ScoreTable
from customer_understanding.spark._scoring_slices import (
    KEY,
    Slice,
    bucket,
    buckets_for,
    check_frame,
    empty_tables,
    pack,
    partitions,
    resolve_on_spark,
    rows_limit,
    warn_heaviest,
)
from customer_understanding.spark._scoring_tables import (
    contact_slice,
    reasons_frame,
    roll_up_slice,
)
from customer_understanding.spark._session import require_pyspark
from customer_understanding.typing import AsOf, Level

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["SparkScores", "engagement_scores"]

#: The columns every stage emits: one row per entity (``signal`` null) or per reason.
_LONG = (
    "entity_id string, account_id string, score double, grade string, signal string, "
    "value double, weight double, decay double, contribution double"
)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class SparkScores:
    """Engagement scores and reasons as Spark DataFrames, as of one moment.

    ``frame`` holds entity rows (``signal`` null) and reason rows together, as computed.
    ``scores`` has one row per contact or account (``contact_id`` / ``account_id``,
    ``score``, ``grade``) as :meth:`ScoreTable.to_pandas
    <customer_understanding.scoring.ScoreTable.to_pandas>`; ``reasons`` one row per entity
    and signal as :meth:`ScoreTable.reasons_frame
    <customer_understanding.scoring.ScoreTable.reasons_frame>`. Both are read from one
    lazily computed frame: cache ``frame`` when both are used on large data.
    :meth:`collect` brings a small result to the driver as a local ``ScoreTable``.

    Examples
    --------
    >>> from customer_understanding.spark import local_session
    >>> spark = local_session(cores=1)
    >>> interactions = spark.createDataFrame([("c1", "2026-05-30", "demo")],
    ...     "contact_id string, occurred_at string, type string").selectExpr(
    ...     "contact_id", "timestamp(occurred_at) AS occurred_at", "type")
    >>> contacts = spark.createDataFrame([("c1", "a1")], "contact_id string, account_id string")
    >>> accounts = spark.createDataFrame([("a1",)], "account_id string")
    >>> result = engagement_scores(EngagementScorer(level="account"), interactions,
    ...     contacts=contacts, accounts=accounts, as_of="2026-06-01")
    >>> result
    SparkScores, as of 2026-06-01T00:00:00Z, scorer=engagement, level=account
    >>> result.reasons.select("account_id", "signal", "value").collect()
    [Row(account_id='a1', signal='demo', value=1.0)]
    """

    frame: DataFrame = attrs.field(repr=False)
    level: Level = attrs.field(validator=one_of("contact", "account"))
    as_of: Moment = attrs.field(converter=parse_moment)
    grades: tuple[str, ...] = attrs.field(repr=False)
    scorer: str = "engagement"

    @property
    def id_column(self) -> str:
        """``contact_id`` or ``account_id``."""
        return f"{self.level}_id"

    @property
    def scores(self) -> DataFrame:
        """One row per entity: its id, ``score`` and ``grade`` (``None`` when ungraded)."""
        functions = require_pyspark().functions
        rows = self.frame.where(functions.col("signal").isNull())
        return rows.select(functions.col("entity_id").alias(self.id_column), "score", "grade")

    @property
    def reasons(self) -> DataFrame:
        """One row per entity and signal: the numbers that add up to the score."""
        functions = require_pyspark().functions
        rows = self.frame.where(functions.col("signal").isNotNull())
        columns = ("signal", "value", "weight", "decay", "contribution")
        return rows.select(functions.col("entity_id").alias(self.id_column), *columns)

    def collect(self) -> ScoreTable:
        """The result as a local :class:`~customer_understanding.scoring.ScoreTable`.

        Entities come in the order of their ids; use it for results that fit the driver.
        """
        frame = self.frame.toPandas()
        people = frame[frame["signal"].isna()].sort_values("entity_id", kind="stable")
        ids = people["entity_id"].to_numpy(dtype=object)
        labels = object_values(people["grade"])
        where = {label: code for code, label in enumerate(self.grades)}
        grade = np.array([where.get(label, -1) for label in labels], dtype=np.int32)
        return ScoreTable(
            scorer=self.scorer, level=self.level, as_of=self.as_of, ids=ids,
            score=people["score"].to_numpy(np.float64), grade=grade, grades=self.grades,
            reasons=_reasons(frame[frame["signal"].notna()], ids),
        )  # fmt: skip

    def __repr__(self) -> str:
        return summary("SparkScores", as_of=self.as_of, scorer=self.scorer, level=self.level)


def _reasons(rows: pd.DataFrame, ids: Any) -> Reasons:
    """Reason rows pointing at the positions of their entities among ``ids``."""
    position = pd.Index(ids).get_indexer(rows["entity_id"])
    names = tuple(sorted(set(rows["signal"])))
    signal = pd.Index(names).get_indexer(rows["signal"])
    order = np.lexsort((signal, position))
    return Reasons(
        row=position[order], signal=signal[order], signals=names,
        **{c: rows[c].to_numpy(np.float64)[order]
           for c in ("value", "weight", "decay", "contribution")},
    )  # fmt: skip


def _scorer(value: object) -> EngagementScorer:
    if not isinstance(value, EngagementScorer):
        msg = f"scorer={value!r} must be an EngagementScorer"
        raise InvalidValueError(msg)
    return value


def engagement_scores(
    scorer: EngagementScorer,
    interactions: DataFrame,
    /,
    *,
    contacts: DataFrame,
    accounts: DataFrame | None = None,
    roles: DataFrame | None = None,
    consents: DataFrame | None = None,
    as_of: AsOf = None,
    rows_per_task: int = 200_000,
) -> SparkScores:
    """Score contacts or accounts on Spark exactly as ``scorer.score`` scores a base.

    The DataFrames have the columns of the customer base's tables, with ids in place of
    row numbers (as :meth:`CustomerBase.to_pandas
    <customer_understanding.base.CustomerBase.to_pandas>` gives them).

    Parameters
    ----------
    scorer
        The configuration: level, points, decay, window, caps, roles, breadth, purpose.
    interactions
        ``contact_id`` (text), ``occurred_at`` (time) and ``type`` (text); rows without
        a contact count for nobody.
    contacts
        Every contact: ``contact_id`` and ``account_id`` (text).
    accounts
        Every account (``account_id``); needed for account scores.
    roles
        Deal roles for the account roll-up: ``contact_id``, ``role`` (text) and
        ``created_at`` (time: when the deal was opened). Without it every person weighs 1.
    consents
        Consent statements for a scorer with a ``purpose``: ``contact_id``, ``purpose``,
        ``channel``, ``status`` (text), ``at`` and ``known_at`` (time), as the base's
        consent table holds them.
    as_of
        The moment of the scores; ``None`` is the latest interaction. A moment before the
        first interaction is refused.
    rows_per_task
        About how many interactions one task reads at most. One contact's interactions
        are never split: a contact with more gives a :class:`TaskSizeWarning` first.

    Raises
    ------
    InvalidValueError
        If an input is not a Spark DataFrame, lacks a column or has one of the wrong type.

    Examples
    --------
    >>> from datetime import datetime
    >>> from customer_understanding.spark import local_session
    >>> spark = local_session(cores=1)
    >>> interactions = spark.createDataFrame(
    ...     [("c1", datetime(2026, 5, 30), "demo"), ("c2", datetime(2026, 5, 1), "webinar")],
    ...     "contact_id string, occurred_at timestamp, type string")
    >>> contacts = spark.createDataFrame([("c1", "a1"), ("c2", "a1")],
    ...                                  "contact_id string, account_id string")
    >>> result = engagement_scores(EngagementScorer(), interactions, contacts=contacts,
    ...                            as_of="2026-06-01")
    >>> result.collect().to_pandas().round(2).values.tolist()
    [['c1', 28.65, '2'], ['c2', 7.33, '3']]
    """
    config = _scorer(scorer)
    limit = rows_limit(rows_per_task)
    events = check_frame(interactions, "interactions",
                         {"contact_id": "text", "occurred_at": "time", "type": "text"})  # fmt: skip
    people = check_frame(contacts, "contacts", {"contact_id": "text", "account_id": "text"})
    statements = _statements(config, consents)
    firms, roled = _roll_up_inputs(config, accounts, roles)
    moment, rows, first = resolve_on_spark(events, "occurred_at", as_of)
    span = (first, max(moment, first))
    buckets = buckets_for(rows, limit, at_least=partitions(events))
    warn_heaviest(events, "contact_id", rows=rows, limit=limit)
    scored = _contact_stage(config, events, people, statements, moment=moment, span=span,
                            buckets=buckets)  # fmt: skip
    grades = config.contact_scores(_slice(span).tables, as_of=moment).grades
    if firms is None:
        return SparkScores(frame=scored, level="contact", as_of=moment, grades=grades)
    rolled = _account_stage(config, scored, firms, roled, moment=moment, span=span,
                            buckets=buckets)  # fmt: skip
    return SparkScores(frame=rolled, level="account", as_of=moment, grades=grades)


def _statements(scorer: EngagementScorer, consents: object) -> DataFrame | None:
    """The consent statements contact scores for a purpose need (none otherwise)."""
    if scorer.purpose is None or scorer.level == "account":
        return None
    if consents is None:
        msg = f"consents must be given for a scorer with purpose={scorer.purpose.value!r}"
        raise InvalidValueError(msg)
    return check_frame(consents, "consents", _CONSENT_COLUMNS)


def _roll_up_inputs(
    scorer: EngagementScorer, accounts: object, roles: object
) -> tuple[DataFrame | None, DataFrame | None]:
    """The accounts and deal roles account scores need (none for contact scores)."""
    if scorer.level == "contact":
        return None, None
    if accounts is None:
        msg = "accounts must be given for account scores (scorer.level='account')"
        raise InvalidValueError(msg)
    firms = check_frame(accounts, "accounts", {"account_id": "text"})
    return firms, None if roles is None else check_frame(roles, "roles", _ROLE_COLUMNS)


_CONSENT_COLUMNS = {"contact_id": "text", "purpose": "text", "channel": "text",
                    "status": "text", "at": "time", "known_at": "time"}  # fmt: skip
_ROLE_COLUMNS = {"contact_id": "text", "role": "text", "created_at": "time"}


def _slice(span: tuple[int, int]) -> Slice:
    return Slice(attrs.evolve(empty_tables(), span=span))


def _contact_stage(
    scorer: EngagementScorer,
    events: DataFrame,
    people: DataFrame,
    consents: DataFrame | None,
    *,
    moment: Moment,
    span: tuple[int, int],
    buckets: int,
) -> DataFrame:
    """Stage 1: contact scores and reasons (the final answer at contact level)."""
    functions = require_pyspark().functions
    counted = [name for name, points in scorer.points.items() if points != 0.0]
    # Only rows the kernel would count: known by the moment and worth points.
    kept = events.where(
        functions.col("contact_id").isNotNull()
        & (functions.unix_micros(functions.col("occurred_at").cast("timestamp")) <= moment // 1000)
        & functions.col("type").isin(counted)
    ).select("contact_id", "occurred_at", "type")
    parts = {"contacts": people.select("contact_id", "account_id"), "interactions": kept}
    if consents is not None:
        parts["consents"] = consents.select(*_CONSENT_COLUMNS)
    packed = pack(parts, {name: bucket("contact_id", buckets) for name in parts})
    final = scorer.level == "contact"
    with_consents = consents is not None  # the closure must not hold a DataFrame

    def score(frame: pd.DataFrame) -> pd.DataFrame:
        tables, ids, account_ids = contact_slice(frame, span=span, consents=with_consents)
        holder = Slice(tables)
        table = (scorer.score(holder, as_of=moment) if final
                 else scorer.contact_scores(tables, as_of=moment))  # fmt: skip
        owner = account_ids if not final else account_ids[np.isin(ids, table.ids)]
        return reasons_frame(table, owner)

    return packed.groupBy(KEY).applyInPandas(score, schema=_LONG)


def _account_stage(
    scorer: EngagementScorer,
    scored: DataFrame,
    firms: DataFrame,
    roles: DataFrame | None,
    *,
    moment: Moment,
    span: tuple[int, int],
    buckets: int,
) -> DataFrame:
    """Stage 2: account scores rolled up from stage 1's contact rows."""
    functions = require_pyspark().functions
    people = scored.where(functions.col("account_id").isNotNull())
    parts = {"accounts": firms.select("account_id"), "people": people}
    if roles is not None:
        owners = people.where(functions.col("signal").isNull()).select(
            functions.col("entity_id").alias("contact_id"), "account_id"
        )
        parts["roles"] = roles.select(*_ROLE_COLUMNS).join(owners, "contact_id")
    packed = pack(parts, {name: bucket("account_id", buckets) for name in parts})

    def roll_up(frame: pd.DataFrame) -> pd.DataFrame:
        contacts, base = roll_up_slice(frame, span=span, moment=moment)
        table = scorer.roll_up(contacts, base)
        return reasons_frame(table, table.ids)

    return packed.groupBy(KEY).applyInPandas(roll_up, schema=_LONG)
