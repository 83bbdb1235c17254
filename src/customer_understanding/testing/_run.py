"""Running the conformance checks: one call per strategy, or one pytest case per check."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from customer_understanding._core import Moment
from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys import Outcomes, Touches
from customer_understanding.testing._attributors import ATTRIBUTOR_CHECKS, sample_journeys
from customer_understanding.testing._checks import SCORER_CHECKS, SEGMENTER_CHECKS, sample_base
from customer_understanding.testing._views import private_copy
from customer_understanding.typing import AsOf, Attributor, BaseLike, Scorer

if TYPE_CHECKING:
    import pytest

__all__ = ["check_attributor", "check_scorer", "check_segmenter", "parametrize_with_checks"]


def _middle(base: BaseLike) -> Moment:
    """Two thirds into the interactions: a moment with events on both sides (and at it)."""
    import numpy as np

    times = base.tables.interactions.column("occurred_at")
    known = np.sort(times[times != np.iinfo(np.int64).min])
    if not len(known):
        msg = "base has no dated interactions to pick an as_of from; give as_of"
        raise InvalidValueError(msg)
    return Moment(int(known[(len(known) * 2) // 3]))


def _run_one(check: Callable[..., None], strategy: Any, *data: Any) -> None:
    try:
        check(strategy, *data)
    except AssertionError as error:
        msg = f"{check.__name__} failed for {type(strategy).__name__}: {error}"
        raise AssertionError(msg) from error
    except Exception as error:
        msg = f"{check.__name__} failed for {type(strategy).__name__}: it raised {error!r}"
        raise AssertionError(msg) from error


def _run(checks: Sequence[Callable[..., None]], strategy: Any, base: Any, as_of: AsOf) -> None:
    chosen = base if base is not None else sample_base()
    moment = _middle(chosen) if as_of is None else chosen.tables.moment(as_of)
    for check in checks:
        # Each check gets its own copy: a strategy that writes into its input must not
        # spoil the data the other checks (and the caller) use.
        _run_one(check, strategy, private_copy(chosen), moment)


def check_scorer(scorer: Any, base: BaseLike | None = None, *, as_of: AsOf = None) -> None:
    """Run every scorer check; raise ``AssertionError`` naming the first that fails.

    The checks: the scorer follows :class:`~customer_understanding.typing.Scorer`;
    ``score`` returns a :class:`~customer_understanding.scoring.ScoreTable` of every
    entity of its level, in table order, at ``as_of``, with finite scores whose reasons
    add up (or a missing score, no grade and no reasons for an entity it does not score);
    it reads no fact from after ``as_of`` (cutting every time column of every table there
    changes no score or grade); it does not depend on the order of the
    event tables' rows; it changes nothing in its input; it returns an empty table for an
    empty base (or refuses with a library error); it gives the same table twice; it and
    its table survive pickling; it refuses an ``as_of`` before the data.

    Parameters
    ----------
    scorer
        The scorer to check.
    base
        The data to score; by default :func:`sample_base`.
    as_of
        When to score, in any form; by default two thirds into the interactions.

    Examples
    --------
    >>> from customer_understanding.scoring import FitScorer
    >>> check_scorer(FitScorer())
    """
    _run(SCORER_CHECKS, scorer, base, as_of)


def check_segmenter(segmenter: Any, base: BaseLike | None = None, *, as_of: AsOf = None) -> None:
    """Run every segmenter check; raise ``AssertionError`` naming the first that fails.

    The same rules as :func:`check_scorer`, for ``fit`` followed by ``assign``: a
    :class:`~customer_understanding.segmentation.Segmentation` of every entity at
    ``as_of`` with the model's segments; no fact from after ``as_of``; no dependence on
    row order; no change to the input; an empty base assigned to an empty segmentation;
    determinism; the segmenter, its model and its result survive pickling.

    Examples
    --------
    >>> from customer_understanding.segmentation import LifecycleSegmenter
    >>> check_segmenter(LifecycleSegmenter())
    """
    _run(SEGMENTER_CHECKS, segmenter, base, as_of)


def check_attributor(
    attributor: Any, touches: Touches | None = None, outcomes: Outcomes | None = None
) -> None:
    """Run every attributor check; raise ``AssertionError`` naming the first that fails.

    The checks: the attributor follows :class:`~customer_understanding.typing.Attributor`;
    one credit per touch, adding up to each converted journey's value; touches after
    their journey's outcome get none and removing them changes nothing; shuffling the touch
    rows moves each credit with its touch; the inputs are left unchanged; empty input gives
    no credits; the same credits twice; it and its result survive pickling.

    Examples
    --------
    >>> from customer_understanding.journeys import Linear
    >>> check_attributor(Linear())
    """
    sample = sample_journeys()
    data = (touches or sample[0], outcomes or sample[1])
    for check in ATTRIBUTOR_CHECKS:
        _run_one(check, attributor, *data)


def _bound(check: Callable[..., None], kind: str) -> Callable[[Any], None]:
    def run(strategy: Any) -> None:
        if kind == "attributor":
            _run_one(check, strategy, *sample_journeys())
        else:
            base = sample_base()
            _run_one(check, strategy, private_copy(base), _middle(base))

    run.__name__ = check.__name__
    return run


def _checks_for(strategy: Any) -> tuple[str, Sequence[Callable[..., None]]]:
    if isinstance(strategy, Scorer):
        return "scorer", SCORER_CHECKS
    if isinstance(strategy, Attributor):
        return "attributor", ATTRIBUTOR_CHECKS
    return "segmenter", SEGMENTER_CHECKS


def parametrize_with_checks(strategies: Iterable[Any]) -> pytest.MarkDecorator:
    """A ``pytest.mark.parametrize`` over every (strategy, check) pair.

    Scorers get the scorer checks, attributors the attributor checks and anything else
    the segmenter checks. The decorated test takes ``strategy`` and ``check`` and calls
    ``check(strategy)``.

    Examples
    --------
    >>> from customer_understanding.scoring import FitScorer
    >>> mark = parametrize_with_checks([FitScorer()])
    >>> mark.args[0]
    ('strategy', 'check')
    """
    import pytest

    cases = []
    for strategy in strategies:
        kind, checks = _checks_for(strategy)
        label = type(strategy).__name__
        cases += [
            pytest.param(strategy, _bound(check, kind), id=f"{label}-{check.__name__}")
            for check in checks
        ]
    return pytest.mark.parametrize(("strategy", "check"), cases)
