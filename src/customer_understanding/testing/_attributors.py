"""Conformance checks for attribution methods (the ``Attributor`` protocol)."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from customer_understanding._core import NAT
from customer_understanding._errors import CustomerUnderstandingError
from customer_understanding.journeys import Outcomes, Touches
from customer_understanding.testing._compare import expect
from customer_understanding.typing import Attributor

__all__ = ["ATTRIBUTOR_CHECKS", "AttributorCheck", "sample_journeys"]

AttributorCheck = Callable[[Any, Touches, Outcomes], None]
_CHANNELS = ("ads", "email", "events", "web")


@cache
def sample_journeys() -> tuple[Touches, Outcomes]:
    """Seeded touches and outcomes: 40 journeys over 4 channels, some touches too late.

    Times are distinct within a journey, so "first" and "last" are never ties.

    Examples
    --------
    >>> touches, outcomes = sample_journeys()
    >>> len(outcomes), touches.channels
    (40, ('ads', 'email', 'events', 'web'))
    """
    rng = np.random.default_rng(7)
    journeys = 40
    sizes = rng.integers(1, 7, journeys)
    journey = np.repeat(np.arange(journeys), sizes)
    at = np.arange(len(journey), dtype=np.int64) * 1_000 + rng.integers(0, 999, len(journey))
    converted = rng.random(journeys) < 0.6
    last = np.maximum.reduceat(at, np.concatenate([[0], np.cumsum(sizes)[:-1]]))
    ends = np.where(converted & (sizes > 1), last - 1, last + 1)  # some last touches come late
    touches = Touches(journey=journey, at=at, channel=rng.integers(0, 4, len(journey)),
                      channels=_CHANNELS)  # fmt: skip
    outcomes = Outcomes(converted=converted, value=np.round(rng.uniform(1, 100, journeys), 2),
                        at=np.where(converted, ends, NAT))  # fmt: skip
    return touches, outcomes


def _copied(touches: Touches, outcomes: Outcomes) -> tuple[Touches, Outcomes]:
    return copy.deepcopy(touches), copy.deepcopy(outcomes)


def _late(touches: Touches, outcomes: Outcomes) -> npt.NDArray[np.bool_]:
    ends = outcomes.outcome_times[touches.journey]
    return np.asarray((ends != NAT) & (touches.at > ends))


def _credit(result: Any) -> npt.NDArray[np.float64]:
    return np.asarray(result.credit, dtype=np.float64)


def check_attributor_protocol(attributor: Any, touches: Touches, outcomes: Outcomes) -> None:
    """The attributor has a ``name`` and an ``attribute`` method."""
    expect(isinstance(attributor, Attributor), f"{attributor!r} does not follow Attributor")
    expect(isinstance(attributor.name, str) and bool(attributor.name), "name must be a string")


def check_credits_add_up(attributor: Any, touches: Touches, outcomes: Outcomes) -> None:
    """One credit per touch; per converted journey the credits add up to its value."""
    credit = _credit(attributor.attribute(touches, outcomes))
    expect(credit.shape == (len(touches),), f"{len(credit)} credits for {len(touches)} touches")
    totals = np.bincount(touches.journey, weights=credit, minlength=len(outcomes))
    in_scope = np.bincount(touches.journey[~_late(touches, outcomes)], minlength=len(outcomes))
    owed = np.where(outcomes.converted & (in_scope > 0), outcomes.outcome_values, 0.0)
    wrong = np.flatnonzero(~np.isclose(totals, owed, atol=1e-6))
    expect(not len(wrong), f"credits of journey {wrong[:1].tolist()} add up to "
           f"{totals[wrong[:1]].tolist()}, not its value {owed[wrong[:1]].tolist()}")  # fmt: skip


def check_attributor_point_in_time(attributor: Any, touches: Touches, outcomes: Outcomes) -> None:
    """Touches after their journey's outcome get no credit, and removing them changes none."""
    late = _late(touches, outcomes)
    credit = _credit(attributor.attribute(touches, outcomes))
    expect(not credit[late].any(), "touches after their journey's outcome got credit")
    kept = np.flatnonzero(~late)
    earlier = Touches(journey=touches.journey[kept], at=touches.at[kept],
                      channel=touches.channel[kept], channels=touches.channels)  # fmt: skip
    again = _credit(attributor.attribute(earlier, outcomes))
    expect(bool(np.allclose(credit[kept], again)), "credits change when later touches go")


def check_attributor_row_order(attributor: Any, touches: Touches, outcomes: Outcomes) -> None:
    """Shuffling the touch rows moves each touch's credit with it."""
    order = np.random.default_rng(3).permutation(len(touches))
    shuffled = Touches(journey=touches.journey[order], at=touches.at[order],
                       channel=touches.channel[order], channels=touches.channels)  # fmt: skip
    credit = _credit(attributor.attribute(touches, outcomes))
    moved = _credit(attributor.attribute(shuffled, outcomes))
    expect(bool(np.allclose(credit[order], moved)), "credits depend on the order of touch rows")


def check_attributor_leaves_input_unchanged(
    attributor: Any, touches: Touches, outcomes: Outcomes
) -> None:
    """Attributing changes no column of the touches or the outcomes."""
    mine, theirs = _copied(touches, outcomes)
    attributor.attribute(mine, theirs)
    for name in ("journey", "at", "channel"):
        expect(np.array_equal(getattr(mine, name), getattr(touches, name)),
               f"attribute() changed touches.{name}")  # fmt: skip
    for name in ("converted", "value", "at"):
        expect(np.array_equal(getattr(theirs, name), getattr(outcomes, name)),
               f"attribute() changed outcomes.{name}")  # fmt: skip


def check_attributor_deterministic(attributor: Any, touches: Touches, outcomes: Outcomes) -> None:
    """Attributing twice gives the same credits."""
    first = _credit(attributor.attribute(touches, outcomes))
    expect(np.array_equal(first, _credit(attributor.attribute(touches, outcomes))),
           "credits change between runs")  # fmt: skip


def check_attributor_empty(attributor: Any, touches: Touches, outcomes: Outcomes) -> None:
    """No touches and no journeys give no credits (or a library error saying why)."""
    none = Touches(journey=[], at=[], channel=[], channels=touches.channels)
    try:
        result = attributor.attribute(none, Outcomes(converted=[]))
    except CustomerUnderstandingError:
        return
    except Exception as error:
        msg = f"empty input raised {error!r}; return an empty attribution or a library error"
        raise AssertionError(msg) from error
    expect(len(_credit(result)) == 0, "empty input gave credits")


def check_attributor_pickles(attributor: Any, touches: Touches, outcomes: Outcomes) -> None:
    """The attributor and its result survive pickling; the copy credits the same."""
    result = attributor.attribute(touches, outcomes)
    try:
        copied, result_copy = pickle.loads(pickle.dumps((attributor, result)))  # noqa: S301
    except Exception as error:
        msg = f"the attributor or its result cannot be pickled: {error!r}"
        raise AssertionError(msg) from error
    credit = _credit(result)
    expect(np.array_equal(credit, _credit(result_copy)), "an unpickled result differs")
    again = _credit(copied.attribute(touches, outcomes))
    expect(np.array_equal(credit, again), "an unpickled attributor credits differently")


ATTRIBUTOR_CHECKS: tuple[AttributorCheck, ...] = (
    check_attributor_protocol,
    check_credits_add_up,
    check_attributor_point_in_time,
    check_attributor_row_order,
    check_attributor_leaves_input_unchanged,
    check_attributor_deterministic,
    check_attributor_empty,
    check_attributor_pickles,
)
