"""The extension contract: the protocols that scorers, segmenters, attributors and traits follow.

A strategy is any object with the right methods; nothing needs to subclass a class of this
library. Settings go into the constructor, data into the method, and every method returns a
new frozen result. Strategies read the customer base's columnar tables (``base.tables``),
never one Python object per row.

Examples
--------
>>> from customer_understanding.typing import Scorer
>>> from customer_understanding.scoring import EngagementScorer
>>> isinstance(EngagementScorer(), Scorer)
True
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias, TypeVar, runtime_checkable

import numpy as np
import numpy.typing as npt

from customer_understanding._core import Moment

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from customer_understanding.base import Tables
    from customer_understanding.journeys import Attribution, Outcomes, Touches
    from customer_understanding.scoring import ScoreTable
    from customer_understanding.segmentation import Segmentation

__all__ = [
    "AsOf",
    "Attributor",
    "BaseLike",
    "Level",
    "Moment",
    "Resolver",
    "Result",
    "Scorer",
    "SegmentModel",
    "Segmenter",
    "TableLike",
    "TableSource",
    "Trait",
]

#: A point in time in any form the library accepts: a ``datetime`` (naive means UTC) or
#: ``pandas.Timestamp``, a ``date`` (midnight UTC), a date or time string, a
#: ``numpy.datetime64``, int64 nanoseconds since the epoch, or ``None`` for the latest
#: event in the data. Every result stores the moment it was computed for as a
#: :class:`Moment`.
AsOf: TypeAlias = datetime | date | str | int | np.integer | np.datetime64 | None
#: A table in any form the library's entry points accept: a pandas DataFrame, a polars
#: DataFrame or a pyarrow Table (polars needs pyarrow to convert). Each entry point
#: converts it to pandas once, where it receives it.
TableLike: TypeAlias = "pd.DataFrame | pl.DataFrame | pa.Table"
#: The entity a score, trait or segment is about.
Level: TypeAlias = Literal["contact", "account"]


@runtime_checkable
class Result(Protocol):
    """What every result of the library offers.

    ``to_pandas()`` returns a new DataFrame whose id columns are named ``account_id``,
    ``contact_id`` or ``opportunity_id`` by level; ``_repr_html_`` renders a one-line
    header (what, how many, as of when) above the first rows in a notebook; ``repr``
    is that header. Results are deeply read-only: arrays are not writeable, mappings
    are read-only proxies, and no DataFrame is held where a caller could change it.

    Examples
    --------
    >>> class Empty:
    ...     def to_pandas(self): ...
    ...     def _repr_html_(self): return "<div>Empty: 0 rows</div>"
    >>> isinstance(Empty(), Result)
    True
    """

    def to_pandas(self) -> pd.DataFrame:
        """The result as a new DataFrame."""
        ...

    def _repr_html_(self) -> str:
        """A compact HTML rendering for notebooks."""
        ...


@runtime_checkable
class BaseLike(Protocol):
    """Anything that holds the resolved tables, as a ``CustomerBase`` does.

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> isinstance(CustomerBase.build([]), BaseLike)
    True
    """

    @property
    def tables(self) -> Tables:
        """The resolved columnar tables."""
        ...


@runtime_checkable
class Scorer(Protocol):
    """Scores every contact or account as of a time, with reason codes.

    ``score`` returns a new :class:`~customer_understanding.scoring.ScoreTable` of every
    entity of its level, in the order of the base's entity table, whose reason
    contributions add up to each score. :func:`customer_understanding.testing.check_scorer`
    checks exactly this:

    - the scorer has a ``level`` and ``score``; the table has every entity, in table
      order, ``as_of`` as given, finite scores, and reasons adding up to them;
    - it reads no fact from after ``as_of``: no score or grade changes when every time
      column of every table is cut at ``as_of`` (an event exactly at ``as_of`` is known);
    - it does not depend on the order of the rows of the event tables (interactions,
      opportunities, buying roles, stage changes);
    - it changes nothing in its input;
    - an empty base gives an empty table (or a library error saying why it cannot);
    - scoring twice gives the same table; the scorer and its table survive pickling;
    - an ``as_of`` before the first event in the data raises ``InvalidValueError``.

    Examples
    --------
    >>> from customer_understanding.scoring import FitScorer
    >>> isinstance(FitScorer(), Scorer)
    True
    """

    @property
    def level(self) -> Level:
        """Whether the scores are about contacts or accounts."""
        ...

    def score(self, base: BaseLike, /, *, as_of: AsOf) -> ScoreTable:
        """Score the base's entities as of a time."""
        ...


@runtime_checkable
class SegmentModel(Protocol):
    """A fitted segmenter: assigns entities to its segments as of a time.

    Examples
    --------
    >>> from customer_understanding.segmentation import RFMSegmenter
    >>> hasattr(RFMSegmenter(), "fit")
    True
    """

    @property
    def segment_names(self) -> tuple[str, ...]:
        """The names of the segments an entity can be assigned to."""
        ...

    def assign(self, base: BaseLike, /, *, as_of: AsOf) -> Segmentation:
        """Assign the base's entities to segments as of a time."""
        ...


@runtime_checkable
class Segmenter(Protocol):
    """Learns a :class:`SegmentModel` (cut-offs, centroids, …) from a base as of a time.

    Rule-based segmenters learn nothing and return a model that holds their rules.
    :func:`customer_understanding.testing.check_segmenter` checks ``fit`` followed by
    ``assign`` by the same rules as :class:`Scorer`: every entity in table order with the
    model's segments, no fact from after ``as_of``, no dependence on row order, no change
    to the input, an empty base assigned to an empty segmentation, the same result twice,
    and the segmenter, its model and its segmentation survive pickling.

    Examples
    --------
    >>> from customer_understanding.segmentation import LifecycleSegmenter
    >>> isinstance(LifecycleSegmenter(), Segmenter)
    True
    """

    @property
    def level(self) -> Level:
        """Whether the segments group contacts or accounts."""
        ...

    def fit(self, base: BaseLike, /, *, as_of: AsOf) -> SegmentModel:
        """Learn what the segments need from the base as of a time."""
        ...


@runtime_checkable
class Trait(Protocol):
    """A fact about every contact or account as of a moment: one value per entity row.

    ``evaluate`` reads the columnar tables and returns one value per row of the level's
    entity table, using only what was known by ``as_of`` (an event at ``as_of`` counts).
    Numeric traits return float64 arrays, category and text traits object arrays of
    ``str``. The missing-value rule: counts are 0 when nothing happened; a value that
    cannot be known (days since something that never happened, a ratio over zero, a
    mean of no ratings) is ``nan`` (numbers) or ``None`` (categories), never ``inf``.
    ``description`` says what the trait measures, for reasons and reference pages.
    Register one by name with :func:`customer_understanding.traits.register_trait`.

    Examples
    --------
    >>> import numpy as np
    >>> class Seniors:
    ...     description = "1 for VPs and C-level people"
    ...     def evaluate(self, tables, /, *, as_of, level):
    ...         return np.isin(tables.contacts.labels("seniority"), ["vp", "c_level"]) * 1.0
    >>> isinstance(Seniors(), Trait)
    True
    """

    @property
    def description(self) -> str:
        """What the trait measures, in a few words."""
        ...

    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> npt.NDArray[Any]:
        """One value per entity row of ``level``, from what was known by ``as_of``."""
        ...


@runtime_checkable
class Attributor(Protocol):
    """Shares each converted journey's outcome value out over the touches before it.

    ``attribute`` reads columnar :class:`~customer_understanding.journeys.Touches` (journey,
    time, channel) and :class:`~customer_understanding.journeys.Outcomes` (one row per
    journey) and returns a new :class:`~customer_understanding.journeys.Attribution` whose
    credits, per converted journey, add up to its value. Touches after their journey's
    outcome cannot have caused it and get no credit; the result does not depend on the
    order of the touch rows, and the inputs are left unchanged.
    :func:`customer_understanding.testing.check_attributor` checks these rules.

    Examples
    --------
    >>> from customer_understanding.journeys import LastTouch
    >>> isinstance(LastTouch(), Attributor)
    True
    """

    @property
    def name(self) -> str:
        """A short name for what the method computes."""
        ...

    def attribute(self, touches: Touches, outcomes: Outcomes, /) -> Attribution:
        """Credit each touch with its share of its journey's outcome value."""
        ...


# -- resolvers and table sources (identity and the customer base) -----------------------

if TYPE_CHECKING:
    from customer_understanding.identity import Resolution
    from customer_understanding.tables import AccountRecords, ContactRecords, Table

_T = TypeVar("_T", bound="Table")


@runtime_checkable
class Resolver(Protocol):
    """Anything that resolves source records into entities.

    A resolver takes the stacked account and contact records of every source and returns
    a :class:`~customer_understanding.identity.Resolution`;
    :func:`~customer_understanding.identity.resolve_exact` and
    :class:`~customer_understanding.identity.ProbabilisticResolver` are the built-in ones.

    Examples
    --------
    >>> from customer_understanding.identity import resolve_exact
    >>> isinstance(resolve_exact, Resolver)
    True
    """

    def __call__(self, accounts: AccountRecords, contacts: ContactRecords, /) -> Resolution:
        """Assign every account and contact record to an entity."""
        ...


@runtime_checkable
class TableSource(Protocol):
    """Anything that hands over stacked tables by class, as a load result does.

    :class:`~customer_understanding.ingest.Loaded` is one; so is what
    :meth:`CustomerBase.from_objects <customer_understanding.base.CustomerBase.from_objects>`
    builds from domain objects.

    Examples
    --------
    >>> from customer_understanding.ingest import load
    >>> from customer_understanding.tables import InteractionTable
    >>> source = load([])
    >>> isinstance(source, TableSource), len(source.combined(InteractionTable))
    (True, 0)
    """

    def combined(self, kind: type[_T], /) -> _T:
        """All rows of one table class in one table."""
        ...
