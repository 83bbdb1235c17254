"""Rule-based attribution: fixed weights by a touch's position or age in its journey.

Each method gives every in-scope touch of a converted journey a weight; weights are then
normalised per journey so that the credits add up to the outcome's value exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import numpy as np

from customer_understanding._core import (
    NAT,
    check_positive,
    check_probability,
    half_life_decay,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys._attribution import Attribution, credit_weights
from customer_understanding.journeys._paths import (
    AFTER_OUTCOME,
    AfterOutcome,
    Floats,
    Ints,
    Outcomes,
    Paths,
    Touches,
    prepare,
)

__all__ = ["FirstTouch", "FullPath", "LastTouch", "Linear", "PositionBased", "TimeDecay", "WShaped"]


def _run(
    method: str,
    data: tuple[Touches, Outcomes],
    *,
    after_outcome: AfterOutcome,
    weigh: Callable[[Paths, Outcomes], Floats],
) -> Attribution:
    touches, outcomes = data
    paths = prepare(touches, outcomes, after_outcome=after_outcome)
    weights = weigh(paths, outcomes)
    return credit_weights(method, touches, paths=paths, outcomes=outcomes, weights=weights)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class FirstTouch:
    """All credit to the journey's earliest touch in scope.

    Examples
    --------
    >>> touches = Touches(journey=[0, 0], at=[1, 2], channel=[0, 1], channels=("ads", "web"))
    >>> FirstTouch().attribute(touches, Outcomes(converted=[True])).credit.tolist()
    [1.0, 0.0]
    """

    after_outcome: AfterOutcome = attrs.field(default="exclude", validator=AFTER_OUTCOME)
    name = "first_touch"

    def attribute(self, touches: Touches, outcomes: Outcomes) -> Attribution:
        """Credit each converted journey's first touch with its whole value."""
        return _run(self.name, (touches, outcomes), after_outcome=self.after_outcome, weigh=_first)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class LastTouch:
    """All credit to the last touch at or before the outcome.

    Examples
    --------
    >>> touches = Touches(journey=[0, 0], at=[1, 2], channel=[0, 1], channels=("ads", "web"))
    >>> LastTouch().attribute(touches, Outcomes(converted=[True])).credit.tolist()
    [0.0, 1.0]
    """

    after_outcome: AfterOutcome = attrs.field(default="exclude", validator=AFTER_OUTCOME)
    name = "last_touch"

    def attribute(self, touches: Touches, outcomes: Outcomes) -> Attribution:
        """Credit each converted journey's last touch with its whole value."""
        return _run(self.name, (touches, outcomes), after_outcome=self.after_outcome, weigh=_last)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Linear:
    """Equal credit to every touch in scope (a channel touched twice gets two shares).

    Examples
    --------
    >>> touches = Touches(journey=[0, 0, 0], at=[1, 2, 3], channel=[0, 1, 0],
    ...                   channels=("ads", "web"))
    >>> Linear().attribute(touches, Outcomes(converted=[True], value=[3.0])).credit.tolist()
    [1.0, 1.0, 1.0]
    """

    after_outcome: AfterOutcome = attrs.field(default="exclude", validator=AFTER_OUTCOME)
    name = "linear"

    def attribute(self, touches: Touches, outcomes: Outcomes) -> Attribution:
        """Credit every touch of a converted journey equally."""
        return _run(self.name, (touches, outcomes), after_outcome=self.after_outcome, weigh=_even)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class TimeDecay:
    """Credit halving with every ``half_life_days`` between the touch and the outcome.

    A touch ``d`` days before the outcome weighs ``2 ** (-d / half_life_days)``. Journeys
    with no outcome time are measured from their last touch.

    Examples
    --------
    >>> day = 86_400 * 10**9
    >>> touches = Touches(journey=[0, 0], at=[0, 7 * day], channel=[0, 1],
    ...                   channels=("ads", "web"))
    >>> outcomes = Outcomes(converted=[True], value=[3.0], at=[7 * day])
    >>> TimeDecay(half_life_days=7).attribute(touches, outcomes).credit.tolist()
    [1.0, 2.0]
    """

    half_life_days: float = attrs.field(default=7.0, validator=check_positive)
    after_outcome: AfterOutcome = attrs.field(default="exclude", validator=AFTER_OUTCOME)
    name = "time_decay"

    def attribute(self, touches: Touches, outcomes: Outcomes) -> Attribution:
        """Credit touches by their age at the outcome, halving every half-life."""
        return _run(
            self.name, (touches, outcomes), after_outcome=self.after_outcome, weigh=self._weights
        )

    def _weights(self, paths: Paths, outcomes: Outcomes) -> Floats:
        last = np.full(paths.journeys, NAT, dtype=np.int64)
        ends = paths.first[1:] - 1
        has = paths.touch_counts > 0
        last[has] = paths.at[ends[has]]
        ends = outcomes.outcome_times
        reference = np.where(ends != NAT, ends, last)[paths.journey]
        return half_life_decay(reference - paths.at, self.half_life_days)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class PositionBased:
    """The U shape: ``first`` to the first touch, ``last`` to the last, the rest between.

    The middle touches share ``1 - first - last`` equally. A single touch takes everything;
    with two touches the ``first`` and ``last`` shares are rescaled to add up to one.

    Examples
    --------
    >>> touches = Touches(journey=[0, 0, 0, 0], at=[1, 2, 3, 4], channel=[0, 1, 1, 0],
    ...                   channels=("ads", "web"))
    >>> result = PositionBased().attribute(touches, Outcomes(converted=[True], value=[100.0]))
    >>> result.credit.round(6).tolist()
    [40.0, 10.0, 10.0, 40.0]
    """

    first: float = attrs.field(default=0.4, validator=check_probability)
    last: float = attrs.field(default=0.4, validator=check_probability)
    after_outcome: AfterOutcome = attrs.field(default="exclude", validator=AFTER_OUTCOME)
    name = "position_based"

    def __attrs_post_init__(self) -> None:
        if self.first + self.last > 1.0 + 1e-12:
            msg = f"first={self.first!r} and last={self.last!r} must add up to at most 1"
            raise InvalidValueError(msg)

    def attribute(self, touches: Touches, outcomes: Outcomes) -> Attribution:
        """Credit the first and last touch most, and the middle touches the rest."""
        return _run(
            self.name, (touches, outcomes), after_outcome=self.after_outcome, weigh=self._weights
        )

    def _weights(self, paths: Paths, outcomes: Outcomes) -> Floats:
        middle = np.maximum(paths.length - 2, 1)
        weights = (1.0 - self.first - self.last) / middle
        weights = np.where(_first(paths, outcomes) > 0, self.first, weights)
        weights = np.where(_last(paths, outcomes) > 0, self.last, weights)
        single = paths.length == 1
        weights[single] = 1.0
        return weights


def _milestone_touch(paths: Paths, milestone: Ints | None) -> Floats:
    """1.0 on the last touch at or before each journey's milestone, else 0.0."""
    if milestone is None:
        return np.zeros(len(paths.at))
    when = milestone[paths.journey]
    before = (when != NAT) & (paths.at <= when)
    count = np.bincount(paths.journey, weights=before, minlength=paths.journeys).astype(np.int64)
    return np.asarray(before & (paths.position == count[paths.journey] - 1), dtype=np.float64)


def _keyed(paths: Paths, keys: list[Floats], share: float) -> Floats:
    key_count: Floats = np.sum(keys, axis=0)
    others = np.bincount(paths.journey, weights=key_count == 0, minlength=paths.journeys)
    rest = np.divide(1.0 - share, others, out=np.zeros(paths.journeys), where=others > 0)
    weights = key_count * (share / len(keys)) + (key_count == 0) * rest[paths.journey]
    return np.asarray(weights, dtype=np.float64)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class WShaped:
    """The W shape: equal shares of ``milestone_share`` to three key touches, the rest spread.

    Key touches: the first touch, the last touch at or before the journey's ``lead_at``
    (lead creation) and the last touch at or before its ``opportunity_at``. A touch that
    is key twice gets two shares; a milestone that is missing or earlier than every touch
    gives no key touch. Non-key touches share ``1 - milestone_share``.

    Examples
    --------
    >>> touches = Touches(journey=[0] * 4, at=[1, 2, 3, 4], channel=[0, 1, 1, 0],
    ...                   channels=("ads", "web"))
    >>> outcomes = Outcomes(converted=[True], value=[100.0], lead_at=[2], opportunity_at=[4])
    >>> WShaped().attribute(touches, outcomes).credit.round(6).tolist()
    [30.0, 30.0, 10.0, 30.0]
    """

    milestone_share: float = attrs.field(default=0.9, validator=check_probability)
    after_outcome: AfterOutcome = attrs.field(default="exclude", validator=AFTER_OUTCOME)
    name = "w_shaped"

    def attribute(self, touches: Touches, outcomes: Outcomes) -> Attribution:
        """Credit first, lead-creation and opportunity-creation touches most."""
        return _run(
            self.name, (touches, outcomes), after_outcome=self.after_outcome, weigh=self._weights
        )

    def _weights(self, paths: Paths, outcomes: Outcomes) -> Floats:
        keys = [
            _first(paths, outcomes),
            _milestone_touch(paths, outcomes.lead_at),
            _milestone_touch(paths, outcomes.opportunity_at),
        ]
        return _keyed(paths, keys, self.milestone_share)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class FullPath:
    """The full path (Z shape): the W's three key touches plus the closing (last) touch.

    Each of the four key touches gets ``milestone_share / 4``; the other touches share
    the rest equally. Missing milestones and coinciding key touches follow
    :class:`WShaped`'s rules.

    Examples
    --------
    >>> touches = Touches(journey=[0] * 5, at=[1, 2, 3, 4, 5], channel=[0, 1, 1, 0, 1],
    ...                   channels=("ads", "web"))
    >>> outcomes = Outcomes(converted=[True], value=[100.0], lead_at=[2], opportunity_at=[4])
    >>> FullPath().attribute(touches, outcomes).credit.round(6).tolist()
    [22.5, 22.5, 10.0, 22.5, 22.5]
    """

    milestone_share: float = attrs.field(default=0.9, validator=check_probability)
    after_outcome: AfterOutcome = attrs.field(default="exclude", validator=AFTER_OUTCOME)
    name = "full_path"

    def attribute(self, touches: Touches, outcomes: Outcomes) -> Attribution:
        """Credit first, lead, opportunity and closing touches most."""
        return _run(
            self.name, (touches, outcomes), after_outcome=self.after_outcome, weigh=self._weights
        )

    def _weights(self, paths: Paths, outcomes: Outcomes) -> Floats:
        keys = [
            _first(paths, outcomes),
            _milestone_touch(paths, outcomes.lead_at),
            _milestone_touch(paths, outcomes.opportunity_at),
            _last(paths, outcomes),
        ]
        return _keyed(paths, keys, self.milestone_share)


def _first(paths: Paths, outcomes: Outcomes) -> Floats:
    return np.asarray(paths.position == 0, dtype=np.float64)


def _last(paths: Paths, outcomes: Outcomes) -> Floats:
    return np.asarray(paths.position == paths.length - 1, dtype=np.float64)


def _even(paths: Paths, outcomes: Outcomes) -> Floats:
    return np.ones(len(paths.at))
