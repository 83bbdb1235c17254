"""The extension contract: the protocols that scorers, segmenters and traits follow.

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

from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol, TypeAlias, runtime_checkable

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from customer_understanding.base import Tables
    from customer_understanding.scoring import ScoreTable
    from customer_understanding.segmentation import Segmentation

__all__ = [
    "AsOf",
    "BaseLike",
    "Level",
    "Scorer",
    "SegmentModel",
    "Segmenter",
    "Trait",
]

#: A point in time: an aware ``datetime``, an ISO string, or int64 UTC nanoseconds.
AsOf: TypeAlias = datetime | str | int | np.integer
#: The entity a score, trait or segment is about.
Level: TypeAlias = Literal["contact", "account"]


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

    ``score`` must use only data that occurred before ``as_of`` and return a
    :class:`~customer_understanding.scoring.ScoreTable` whose reason contributions add up
    to each score. :func:`customer_understanding.testing.check_scorer` checks all of it.

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
    """A computed, point-in-time feature of every contact or account.

    Examples
    --------
    >>> from customer_understanding.scoring import InteractionCount
    >>> isinstance(InteractionCount(types=("page_view",), window_days=14), Trait)
    True
    """

    def evaluate(self, tables: Tables, /, *, as_of: int, level: Level) -> npt.NDArray[np.float64]:
        """One value per entity row (``nan`` when unknown), from data before ``as_of`` (ns)."""
        ...
