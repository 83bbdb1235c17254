"""Integer-coded touch paths: the columnar input every attribution method reads.

A *journey* is anything an outcome belongs to (a contact's path to MQL, an account's path
to a won deal); it is identified by an integer ``0 … journeys - 1``. Touches are rows of
(journey, time, channel code). Outcomes are one row per journey: whether it converted, the
value to share out and when it happened.

Rules applied to every method:

- touches later than their journey's outcome time are **excluded** (they cannot have caused
  it), or rejected with an error when ``after_outcome="error"``;
- a journey with no touches in scope has nobody to credit: its value is reported as
  :attr:`~customer_understanding.journeys.Attribution.unattributed_value`, never dropped
  silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import (
    NAT,
    Moment,
    TableExport,
    frozen_array,
    html_table,
    one_of,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys._columns import (
    bools,
    check_count,
    checked,
    ints,
    labels,
    optional_floats,
    optional_ints,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AFTER_OUTCOME", "AfterOutcome", "Outcomes", "Paths", "Touches", "prepare", "times"]

AfterOutcome = Literal["exclude", "error"]
#: The check of the ``after_outcome`` setting every attribution method shares.
AFTER_OUTCOME = one_of("exclude", "error")
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def times(values: Ints) -> pd.DatetimeIndex:
    """int64 UTC nanoseconds as UTC timestamps for a DataFrame (``NAT`` becomes ``NaT``)."""
    import pandas as pd

    return pd.DatetimeIndex(np.asarray(values, dtype=np.int64).view("datetime64[ns]"), tz="UTC")


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Touches(TableExport):
    """Touches as columns: which journey, when (int64 UTC ns) and through which channel.

    Attributes
    ----------
    journey
        Journey number of each touch, in ``0 … journeys - 1``.
    at
        Time of each touch, int64 nanoseconds since the epoch (UTC).
    channel
        Channel code of each touch, an index into ``channels``.
    channels
        The channel labels.

    Examples
    --------
    >>> touches = Touches(journey=[0, 0, 1], at=[1, 2, 1], channel=[1, 0, 1],
    ...                   channels=("email", "web"))
    >>> len(touches)
    3
    """

    journey: Ints = attrs.field(converter=ints, validator=checked)
    at: Ints = attrs.field(converter=ints, validator=checked)
    channel: Ints = attrs.field(converter=ints, validator=checked)
    channels: tuple[str, ...] = attrs.field(converter=labels, validator=checked)

    def __attrs_post_init__(self) -> None:
        sizes = {"journey": len(self.journey), "at": len(self.at), "channel": len(self.channel)}
        if len(set(sizes.values())) > 1:
            msg = f"touch columns differ in length: {sizes}"
            raise InvalidValueError(msg)
        _in_range("channel", self.channel, len(self.channels))
        if np.any(self.at == NAT):
            row = int(np.flatnonzero(self.at == NAT)[0])
            msg = f"at[{row}] is missing: every touch needs a time"
            raise InvalidValueError(msg)

    def __len__(self) -> int:
        return len(self.journey)

    def __repr__(self) -> str:
        return summary("Touches", len(self), channels=len(self.channels))

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per touch: ``journey``, ``at`` (UTC) and the ``channel`` label.

        Examples
        --------
        >>> Touches(journey=[0], at=[0], channel=[0], channels=("ads",)).to_pandas()
           journey                        at channel
        0        0 1970-01-01 00:00:00+00:00     ads
        """
        import pandas as pd

        labels = np.asarray(self.channels, dtype=object)
        return pd.DataFrame(
            {"journey": self.journey, "at": times(self.at), "channel": labels[self.channel]}
        )


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Outcomes(TableExport):
    """One row per journey: converted or not, the value to share out, and when.

    Attributes
    ----------
    converted
        Whether each journey reached the outcome.
    value
        Value of each outcome (revenue, or 1.0 to count conversions); default 1.0.
    at
        Time of each outcome in int64 UTC ns; ``NAT`` (int64 minimum) when unknown or
        not converted, in which case every touch of the journey is in scope.
    lead_at, opportunity_at
        Milestone times used by the W-shaped and full-path methods (optional).

    Examples
    --------
    >>> outcomes = Outcomes(converted=[True, False], value=[500.0, 0.0])
    >>> len(outcomes), outcomes.at.tolist() == [NAT, NAT]
    (2, True)
    """

    converted: npt.NDArray[np.bool_] = attrs.field(converter=bools, validator=checked)
    value: Floats | None = attrs.field(default=None, converter=optional_floats, validator=checked)
    at: Ints | None = attrs.field(default=None, converter=optional_ints, validator=checked)
    lead_at: Ints | None = attrs.field(default=None, converter=optional_ints, validator=checked)
    opportunity_at: Ints | None = attrs.field(
        default=None, converter=optional_ints, validator=checked
    )

    def __attrs_post_init__(self) -> None:
        size = len(self.converted)
        if self.value is None:
            object.__setattr__(self, "value", frozen_array(np.ones(size)))
        if self.at is None:
            object.__setattr__(self, "at", frozen_array(np.full(size, NAT, dtype=np.int64)))
        for name in ("value", "at", "lead_at", "opportunity_at"):
            column = getattr(self, name)
            if column is not None and len(column) != size:
                msg = f"{name} has {len(column)} rows but converted has {size}"
                raise InvalidValueError(msg)
        bad = ~np.isfinite(self.outcome_values) | (self.outcome_values < 0)
        if np.any(bad):
            row = int(np.flatnonzero(bad)[0])
            msg = f"value[{row}]={float(self.outcome_values[row])!r} must be finite and >= 0"
            raise InvalidValueError(msg)

    @property
    def outcome_values(self) -> Floats:
        """The outcome values (never ``None`` after construction)."""
        assert self.value is not None
        return self.value

    @property
    def outcome_times(self) -> Ints:
        """The outcome times (never ``None`` after construction)."""
        assert self.at is not None
        return self.at

    def __len__(self) -> int:
        return len(self.converted)

    def __repr__(self) -> str:
        return summary("Outcomes", len(self), converted=int(self.converted.sum()))

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per journey: ``converted``, ``value``, ``at`` and any milestones (UTC).

        Examples
        --------
        >>> Outcomes(converted=[True], value=[5.0]).to_pandas()
           journey  converted  value   at
        0        0       True    5.0  NaT
        """
        import pandas as pd

        columns = {"journey": np.arange(len(self)), "converted": self.converted,
                   "value": self.outcome_values, "at": times(self.outcome_times)}  # fmt: skip
        for name in ("lead_at", "opportunity_at"):
            milestone = getattr(self, name)
            if milestone is not None:
                columns[name] = times(milestone)
        return pd.DataFrame(columns)


def _in_range(name: str, codes: Ints, size: int) -> None:
    bad = (codes < 0) | (codes >= size)
    if np.any(bad):
        row = int(np.flatnonzero(bad)[0])
        msg = f"{name}[{row}]={int(codes[row])!r} must be in 0 … {size - 1}"
        raise InvalidValueError(msg)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Paths(TableExport):
    """Touches in scope, sorted by journey then time, with their place in the journey.

    Attributes
    ----------
    rows
        Row of each in-scope touch in the original :class:`Touches`.
    journey, at, channel
        The in-scope touches' columns, sorted by journey then time.
    position, length
        Position of each touch in its journey (0-based) and the journey's touch count.
    first
        Start index into the sorted arrays of each journey (length ``journeys + 1``).

    Examples
    --------
    >>> touches = Touches(journey=[1, 1, 0], at=[2, 1, 3], channel=[0, 1, 1],
    ...                   channels=("ads", "web"))
    >>> paths = prepare(touches, Outcomes(converted=[False, True]))
    >>> paths.channel.tolist(), paths.position.tolist(), paths.first.tolist()
    ([1, 1, 0], [0, 0, 1], [0, 1, 3])
    """

    rows: Ints = attrs.field(converter=ints, validator=checked)
    journey: Ints = attrs.field(converter=ints, validator=checked)
    at: Ints = attrs.field(converter=ints, validator=checked)
    channel: Ints = attrs.field(converter=ints, validator=checked)
    position: Ints = attrs.field(converter=ints, validator=checked)
    length: Ints = attrs.field(converter=ints, validator=checked)
    first: Ints = attrs.field(converter=ints, validator=checked)
    channels: tuple[str, ...] = attrs.field(converter=labels, validator=checked)
    excluded: int = attrs.field(validator=check_count)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return summary("Paths", len(self), journeys=self.journeys, excluded=self.excluded)

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per in-scope touch, in path order.

        Columns: the touch's input ``row``, ``journey``, ``at`` (UTC), ``channel`` label,
        ``position`` and the journey's ``length``.

        Examples
        --------
        >>> touches = Touches(journey=[0, 0], at=[2, 1], channel=[0, 0], channels=("ads",))
        >>> prepare(touches, Outcomes(converted=[True])).to_pandas()["row"].tolist()
        [1, 0]
        """
        import pandas as pd

        labels = np.asarray(self.channels, dtype=object)
        return pd.DataFrame({"row": self.rows, "journey": self.journey, "at": times(self.at),
                             "channel": labels[self.channel], "position": self.position,
                             "length": self.length})  # fmt: skip

    @property
    def journeys(self) -> int:
        """Number of journeys."""
        return len(self.first) - 1

    @property
    def touch_counts(self) -> Ints:
        """Touches in scope per journey."""
        return np.diff(self.first)


def prepare(
    touches: Touches, outcomes: Outcomes, *, after_outcome: AfterOutcome = "exclude"
) -> Paths:
    """Sort touches into paths, dropping (or rejecting) touches after their outcome.

    Examples
    --------
    >>> touches = Touches(journey=[1, 0, 0], at=[5, 9, 3], channel=[0, 1, 0],
    ...                   channels=("ads", "email"))
    >>> paths = prepare(touches, Outcomes(converted=[True, True], at=[4, NAT]))
    >>> paths.rows.tolist(), paths.excluded
    ([2, 0], 1)
    """
    if after_outcome not in ("exclude", "error"):
        msg = f"after_outcome={after_outcome!r} must be 'exclude' or 'error'"
        raise InvalidValueError(msg)
    _in_range("journey", touches.journey, len(outcomes))
    ends = outcomes.outcome_times[touches.journey]
    late = (ends != NAT) & (touches.at > ends)
    if after_outcome == "error" and np.any(late):
        row = int(np.flatnonzero(late)[0])
        when = Moment(int(np.take(touches.at, row)))
        msg = (
            f"touch {row} of journey {int(touches.journey[row])} at {when} "
            f"is after its outcome at {Moment(int(ends[row]))}"
        )
        raise InvalidValueError(msg)
    rows = _sorted_rows(touches, ~late)
    return _paths(touches, rows, journeys=len(outcomes), excluded=int(late.sum()))


def _sorted_rows(touches: Touches, keep: npt.NDArray[np.bool_]) -> Ints:
    journey, at = touches.journey, touches.at
    ordered = bool(
        np.all((journey[1:] > journey[:-1]) | ((journey[1:] == journey[:-1]) & (at[1:] >= at[:-1])))
    )
    if ordered:
        return np.flatnonzero(keep)
    rows = np.flatnonzero(keep)
    order = np.lexsort((rows, at[rows], journey[rows]))
    return rows[order]


def _paths(touches: Touches, rows: Ints, *, journeys: int, excluded: int) -> Paths:
    journey = touches.journey[rows]
    counts = np.bincount(journey, minlength=journeys).astype(np.int64)
    first = np.zeros(journeys + 1, dtype=np.int64)
    np.cumsum(counts, out=first[1:])
    position = np.arange(len(rows), dtype=np.int64) - first[journey]
    return Paths(
        rows=rows,
        journey=journey,
        at=np.take(touches.at, rows),
        channel=touches.channel[rows],
        position=position,
        length=counts[journey],
        first=first,
        channels=touches.channels,
        excluded=excluded,
    )
