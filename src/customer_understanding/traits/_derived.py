"""Traits built from other things: record fields, ratios, changes, earlier values, scores.

Scores and segments arrive as plain results (anything with ``level``, ``as_of`` and
``ids`` plus ``score`` or ``labels()``): this layer sits below scoring and segmentation
and never imports them.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import Moment, moment_checked, one_of, positive, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.base import Tables, golden_as_of
from customer_understanding.traits._scope import (
    Floats,
    check_level,
    earlier,
    on_level,
)
from customer_understanding.typing import Level, Trait

__all__ = ["Change", "Earlier", "Ratio", "RecordField", "ScoreTrait", "SegmentTrait"]


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class RecordField:
    """A field of the entity's golden record, or of its account when the entity has none.

    Numeric fields (``employees``, ``annual_revenue`` …) give floats (``nan`` when
    unknown); category and text fields (``industry``, ``country``, ``title`` …) give
    strings (``None`` when unknown). A field reads as the golden record stood at the
    moment (:func:`~customer_understanding.base.golden_as_of`): records created after
    it take no part, so a later record cannot win a field in the past.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(accounts=[cu.Account(id="a1", industry="Software")],
    ...     contacts=[cu.Contact(id="c1", account_id="a1")])
    >>> RecordField(name="industry").evaluate(base.tables, as_of=cu.typing.Moment(0),
    ...                                       level="contact").tolist()
    ['Software']
    """

    name: str

    @property
    def description(self) -> str:
        """What the trait measures."""
        return f"the {self.name.replace('_', ' ')} on the record"

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> npt.NDArray[Any]:
        """The field per entity row."""
        own = tables.contacts if check_level(level) == "contact" else tables.accounts
        if self.name in own.SCHEMA.names:
            return _field(golden_as_of(tables, level, moment=as_of), self.name, level)
        if level == "contact" and self.name in tables.accounts.SCHEMA.names:
            accounts = golden_as_of(tables, "account", moment=as_of)
            return on_level(_field(accounts, self.name, level), tables, level, as_of=as_of)
        other = "account" if level == "contact" else "contact"
        known = tables.contacts.SCHEMA.names if other == "contact" else ()
        where = f"; it is a {other} field" if self.name in known else ""
        msg = f"trait field {self.name!r} is not a field of {level}s{where}"
        raise InvalidValueError(msg)


def _field(table: Any, name: str, level: Level) -> npt.NDArray[Any]:
    kind = table.SCHEMA[name].kind
    if kind in ("float", "bool"):
        return np.asarray(table.column(name), dtype=np.float64)
    if kind in ("category", "text"):
        return np.asarray(table.labels(name), dtype=object)
    msg = f"trait field {name!r} of {level}s is a {kind} column, not a number, category or text"
    raise InvalidValueError(msg)


def _numeric(trait: Trait, tables: Tables, as_of: Moment, level: Level) -> Floats:
    values = trait.evaluate(tables, as_of=as_of, level=level)
    if values.dtype.kind != "f":
        msg = f"trait {trait.description!r} holds categories; a ratio needs numbers"
        raise InvalidValueError(msg)
    return values


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Ratio:
    """One trait divided by another; missing when the denominator is 0 or missing.

    Examples
    --------
    >>> from customer_understanding.traits import ActiveUsers, LicensedSeats
    >>> Ratio(numerator=ActiveUsers(), denominator=LicensedSeats()).description
    'people using the product in the last 30 days per licensed seats, ...'
    """

    numerator: Trait
    denominator: Trait

    @property
    def description(self) -> str:
        """What the trait measures."""
        return f"{self.numerator.description} per {self.denominator.description}"

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Floats:
        """The ratio per entity row."""
        top = _numeric(self.numerator, tables, as_of, level)
        bottom = _numeric(self.denominator, tables, as_of, level)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(bottom != 0, top / bottom, np.nan)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Change:
    """The relative change ``current / previous - 1``; missing when ``previous`` is 0 or missing.

    Examples
    --------
    >>> from customer_understanding.traits import ActiveUsers
    >>> Change(current=ActiveUsers(), previous=Earlier(trait=ActiveUsers(), days=30)).description
    'relative change of people using the product in the last 30 days against ...'
    """

    current: Trait
    previous: Trait

    @property
    def description(self) -> str:
        """What the trait measures."""
        return f"relative change of {self.current.description} against {self.previous.description}"

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> Floats:
        """The change per entity row."""
        now = _numeric(self.current, tables, as_of, level)
        before = _numeric(self.previous, tables, as_of, level)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(before != 0, now / before - 1.0, np.nan)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Earlier:
    """A trait as it was ``days`` before ``as_of`` (the window before the current one).

    Examples
    --------
    >>> from customer_understanding.traits import ActiveUsers
    >>> Earlier(trait=ActiveUsers(window_days=30), days=30).description
    'people using the product in the last 30 days, 30 days earlier'
    """

    trait: Trait
    days: float

    def __attrs_post_init__(self) -> None:
        positive("days", self.days)

    @property
    def description(self) -> str:
        """What the trait measures."""
        return f"{self.trait.description}, {self.days:g} days earlier"

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> npt.NDArray[Any]:
        """The trait per entity row as of the earlier moment."""
        return self.trait.evaluate(tables, as_of=earlier(as_of, self.days), level=level)


class _Scores(Protocol):
    @property
    def level(self) -> Level: ...
    @property
    def as_of(self) -> int: ...
    @property
    def ids(self) -> npt.NDArray[np.object_]: ...


def _aligned(result: _Scores, values: npt.NDArray[Any], tables: Tables, as_of: Moment,
             level: Level, what: str) -> npt.NDArray[Any]:  # fmt: skip
    check_level(level)
    if result.level != level:
        msg = f"{what} is about {result.level}s; it cannot be read at level={level!r}"
        raise InvalidValueError(msg)
    if int(result.as_of) > int(as_of):
        msg = (f"{what} was computed as of {Moment(int(result.as_of))}, after "
               f"as_of={as_of}: it may hold later facts")  # fmt: skip
        raise InvalidValueError(msg)
    ids = (tables.contacts if level == "contact" else tables.accounts).column("id")
    where = pd.Index(result.ids).get_indexer(pd.Index(ids))
    missing = np.nan if values.dtype.kind == "f" else None
    padded = np.append(values, np.array([missing], dtype=values.dtype))
    return np.asarray(padded[np.where(where < 0, len(values), where)])


@attrs.frozen(field_transformer=typed_fields, kw_only=True, eq=False)
class ScoreTrait:
    """A score table read as a trait: each entity's score (or grade), matched by id.

    Entities the table does not hold are missing. The table must be about the level read
    and computed as of the moment read or before (never after: it could hold later facts).

    Examples
    --------
    >>> from customer_understanding.scoring import ScoreTable
    >>> table = ScoreTable(scorer="health", level="account", as_of=0, ids=["a1"],
    ...                    score=[35.0], grade=[2], grades=("healthy", "watch", "at_risk"))
    >>> ScoreTrait(scores=table).description
    'the health score'
    """

    scores: Any
    what: Literal["score", "grade"] = attrs.field(
        default="score", validator=one_of("score", "grade")
    )

    @property
    def description(self) -> str:
        """What the trait measures."""
        return f"the {getattr(self.scores, 'scorer', '')} {self.what}".replace("  ", " ")

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> npt.NDArray[Any]:
        """The score (float) or grade (text) per entity row."""
        if self.what == "score":
            values = np.asarray(self.scores.score, dtype=np.float64)
        else:
            values = np.asarray(self.scores.labels(), dtype=object)
        return _aligned(self.scores, values, tables, as_of, level, self.description)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, eq=False)
class SegmentTrait:
    """A segmentation read as a trait: each entity's segment name (``None`` when in none).

    Examples
    --------
    >>> from customer_understanding.segmentation import Segmentation
    >>> segments = Segmentation(segmenter="rfm", level="account", as_of=0, ids=["a1"],
    ...                         segment=[0], segments=("champions",))
    >>> SegmentTrait(segmentation=segments).description
    'the rfm segment'
    """

    segmentation: Any

    @property
    def description(self) -> str:
        """What the trait measures."""
        return f"the {getattr(self.segmentation, 'segmenter', '')} segment".replace("  ", " ")

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> npt.NDArray[Any]:
        """The segment name per entity row."""
        values = np.asarray(self.segmentation.labels(), dtype=object)
        return _aligned(self.segmentation, values, tables, as_of, level, self.description)
