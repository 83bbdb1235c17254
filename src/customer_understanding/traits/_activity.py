"""Traits read from the interaction table: counts, recency, ratings, breadth and surges.

Each counts the interactions in a window before ``as_of`` (``as_of - window < t <= as_of``,
so an event exactly at ``as_of`` counts), for the entity row the interaction belongs to.
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

from customer_understanding._core import (
    DAY_NS,
    NAT,
    Moment,
    are_names,
    check_probability,
    moment_checked,
    names,
    positive,
    typed_fields,
)
from customer_understanding.base import Tables
from customer_understanding.traits._scope import (
    Floats,
    Objects,
    activity,
    check_level,
    count_by,
    distinct_by,
    latest_by,
    size_of,
    window,
)
from customer_understanding.traits._tickets import ticket_state
from customer_understanding.typing import Level

__all__ = [
    "Complaints",
    "DaysSince",
    "FeatureBreadth",
    "InteractionCount",
    "Satisfaction",
    "TopSubjects",
    "VersusBaseline",
]


def _what(types: tuple[str, ...], disciplines: tuple[str, ...], channels: tuple[str, ...]) -> str:
    words = [" or ".join(types), " or ".join(disciplines), "interactions"]
    text = " ".join(word for word in words if word)
    return f"{text} on {' or '.join(channels)}" if channels else text


def _span(window_days: float | None) -> str:
    return "" if window_days is None else f" in the last {window_days:g} days"


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class InteractionCount:
    """How many interactions of some types, disciplines or channels happened in a window.

    Empty filters match everything; ``window_days=None`` counts everything up to ``as_of``.
    Counts are 0 when nothing happened.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(accounts=[cu.Account(id="a1")], interactions=[
    ...     cu.Interaction(id="v1", occurred_at="2026-03-01", type="page_view", account_id="a1")])
    >>> visits = InteractionCount(types=("page_view",), window_days=14)
    >>> visits.evaluate(base.tables, as_of=base.tables.moment("2026-03-01"), level="account")
    array([1.])
    >>> visits.description
    'page_view interactions in the last 14 days'
    """

    types: tuple[str, ...] = attrs.field(default=(), converter=names, validator=are_names)
    disciplines: tuple[str, ...] = attrs.field(default=(), converter=names, validator=are_names)
    channels: tuple[str, ...] = attrs.field(default=(), converter=names, validator=are_names)
    window_days: float | None = attrs.field(default=None, validator=window)

    @property
    def description(self) -> str:
        """What the trait measures."""
        return _what(self.types, self.disciplines, self.channels) + _span(self.window_days)

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Floats:
        """The count per entity row."""
        mask = activity(tables, as_of, self.window_days, types=self.types,
                        disciplines=self.disciplines, channels=self.channels)  # fmt: skip
        return count_by(
            tables.interactions.column(check_level(level)), mask, size_of(tables, level)
        )


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class DaysSince:
    """Days from the latest matching interaction to ``as_of``; missing (``nan``) if none.

    Examples
    --------
    >>> DaysSince(disciplines=("sales",)).description
    'days since the last sales interactions (missing if none)'
    """

    types: tuple[str, ...] = attrs.field(default=(), converter=names, validator=are_names)
    disciplines: tuple[str, ...] = attrs.field(default=(), converter=names, validator=are_names)
    channels: tuple[str, ...] = attrs.field(default=(), converter=names, validator=are_names)

    @property
    def description(self) -> str:
        """What the trait measures."""
        return f"days since the last {_what(self.types, self.disciplines, self.channels)} " \
            "(missing if none)"  # fmt: skip

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Floats:
        """Days since the latest matching interaction per entity row."""
        mask = activity(tables, as_of, None, types=self.types, disciplines=self.disciplines,
                        channels=self.channels)  # fmt: skip
        table = tables.interactions
        latest = latest_by(table.column(check_level(level)), table.column("occurred_at"), mask,
                           size_of(tables, level))  # fmt: skip
        ages = (as_of - latest.astype(np.float64)) / DAY_NS
        return np.where(latest == NAT, np.nan, ages)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Satisfaction:
    """The mean satisfaction rating (0 to 1) of rated interactions in a window; missing if none.

    A ticket's rating counts from when it was given (its audit trail, or its update time),
    never before: see :class:`OpenTickets`.

    Examples
    --------
    >>> Satisfaction().description
    'mean satisfaction rating (0 to 1) in the last 180 days (missing if unrated)'
    """

    window_days: float | None = attrs.field(default=180.0, validator=window)

    @property
    def description(self) -> str:
        """What the trait measures."""
        return f"mean satisfaction rating (0 to 1){_span(self.window_days)} (missing if unrated)"

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Floats:
        """The mean rating per entity row."""
        table = tables.interactions
        entity, size = table.column(check_level(level)), size_of(tables, level)
        rating = ticket_state(tables, as_of)[1]
        mask = activity(tables, as_of, self.window_days) & ~np.isnan(rating) & (entity >= 0)
        total = np.bincount(entity[mask], weights=rating[mask], minlength=size)
        count = np.bincount(entity[mask], minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / count, np.nan)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class FeatureBreadth:
    """How many distinct subjects (product features by default) were used in a window.

    Examples
    --------
    >>> FeatureBreadth(window_days=30).description
    'distinct feature_use subjects in the last 30 days'
    """

    types: tuple[str, ...] = attrs.field(
        default=("feature_use",), converter=names, validator=are_names
    )
    window_days: float | None = attrs.field(default=30.0, validator=window)

    @property
    def description(self) -> str:
        """What the trait measures."""
        return f"distinct {' or '.join(self.types)} subjects{_span(self.window_days)}"

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Floats:
        """Distinct subjects per entity row."""
        table = tables.interactions
        entity, size = table.column(check_level(level)), size_of(tables, level)
        rows = np.flatnonzero(activity(tables, as_of, self.window_days, types=self.types))
        codes = np.asarray(pd.factorize(table.column("subject")[rows])[0], dtype=np.int64)
        return distinct_by(entity[rows], codes, np.ones(len(rows), dtype=bool), size)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Complaints:
    """Spam reports and ratings at or below ``rating_at_most`` in a window.

    Examples
    --------
    >>> Complaints().description
    'spam reports and ratings of at most 0.2 in the last 30 days'
    """

    window_days: float | None = attrs.field(default=30.0, validator=window)
    rating_at_most: float = attrs.field(default=0.2, validator=check_probability)

    @property
    def description(self) -> str:
        """What the trait measures."""
        return (
            f"spam reports and ratings of at most {self.rating_at_most:g}{_span(self.window_days)}"
        )

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Floats:
        """Complaints per entity row."""
        table = tables.interactions
        rated = ticket_state(tables, as_of)[1]
        with np.errstate(invalid="ignore"):
            bad = rated <= self.rating_at_most
        spam = activity(tables, as_of, self.window_days, types=("spam_report",))
        mask = spam | (activity(tables, as_of, self.window_days) & bad)
        return count_by(table.column(check_level(level)), mask, size_of(tables, level))


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class VersusBaseline:
    """Interactions in a window over the entity's own usual rate for a window that long.

    The usual rate is the count in the ``baseline_days`` before the window, scaled to the
    window's length, and at least ``floor`` (so the ratio is never divided by zero).

    Examples
    --------
    >>> VersusBaseline().description
    'page_view interactions in the last 14 days over the usual rate of the 90 days before'
    """

    types: tuple[str, ...] = attrs.field(
        default=("page_view",), converter=names, validator=are_names
    )
    window_days: float = attrs.field(default=14.0, validator=window)
    baseline_days: float = attrs.field(default=90.0, validator=window)
    floor: float = 1.0

    def __attrs_post_init__(self) -> None:
        positive("floor", self.floor)

    @property
    def description(self) -> str:
        """What the trait measures."""
        return (f"{_what(self.types, (), ())}{_span(self.window_days)} over the usual rate of "
                f"the {self.baseline_days:g} days before")  # fmt: skip

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Floats:
        """The ratio per entity row."""
        entity, size = tables.interactions.column(check_level(level)), size_of(tables, level)
        now = activity(tables, as_of, self.window_days, types=self.types)
        start = Moment(as_of - round(self.window_days * DAY_NS))
        before = activity(tables, start, self.baseline_days, types=self.types)
        usual = count_by(entity, before, size) * (self.window_days / self.baseline_days)
        return count_by(entity, now, size) / np.maximum(usual, self.floor)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class TopSubjects:
    """The ``top`` most frequent subjects (pages by default) in a window, as one text.

    Ties go to the alphabetically first subject; missing (``None``) when there are none.

    Examples
    --------
    >>> TopSubjects().description
    'the 3 most frequent page_view subjects in the last 14 days'
    """

    types: tuple[str, ...] = attrs.field(
        default=("page_view",), converter=names, validator=are_names
    )
    window_days: float | None = attrs.field(default=14.0, validator=window)
    top: int = 3

    def __attrs_post_init__(self) -> None:
        positive("top", self.top)

    @property
    def description(self) -> str:
        """What the trait measures."""
        return f"the {self.top} most frequent {' or '.join(self.types)} subjects" + _span(
            self.window_days
        )

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Objects:
        """The top subjects per entity row, joined by ``", "``."""
        table = tables.interactions
        entity = table.column(check_level(level))
        rows = np.flatnonzero(activity(tables, as_of, self.window_days, types=self.types)
                              & (entity >= 0))  # fmt: skip
        found = pd.DataFrame({"entity": entity[rows], "subject": table.column("subject")[rows]})
        counts = found.dropna().value_counts().reset_index(name="n")
        counts = counts.sort_values(["entity", "n", "subject"], ascending=[True, False, True])
        top = counts.groupby("entity").head(self.top).groupby("entity")["subject"].agg(", ".join)
        result = np.full(size_of(tables, level), None, dtype=object)
        result[top.index.to_numpy(dtype=np.int64)] = top.to_numpy(dtype=object)
        return result
