"""Conformance checks for scorers and segmenters, as the built-ins pass them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from customer_understanding._errors import InvalidValueError
from customer_understanding.base import CustomerBase, Tables
from customer_understanding.scoring._score_table import ScoreTable
from customer_understanding.segmentation._segmentation import Segmentation
from customer_understanding.tables import NAT
from customer_understanding.typing import BaseLike, Scorer, Segmenter, SegmentModel

if TYPE_CHECKING:
    import pytest

__all__ = [
    "SCORER_CHECKS",
    "SEGMENTER_CHECKS",
    "check_scorer",
    "check_segmenter",
    "parametrize_with_checks",
    "sample_base",
]

Check = Callable[[Any, BaseLike, int], None]


@attrs.frozen
class _View:
    """A base-like holder of tables (used to hide later data)."""

    tables: Tables


@cache
def sample_base() -> CustomerBase:
    """A small, fixed customer base from the sample world (built once per process).

    Examples
    --------
    >>> len(sample_base().accounts) > 0
    True
    """
    from customer_understanding.datasets import generate_world

    world = generate_world(accounts=16, interactions=1_600, seed=11, defects=False)
    return CustomerBase.build(world.as_sources())


def _middle(base: BaseLike) -> int:
    times = base.tables.interactions.column("occurred_at")
    known = np.sort(times[times != NAT])
    if not len(known):
        msg = "base has no dated interactions to pick an as_of from"
        raise InvalidValueError(msg)
    return int(known[(len(known) * 2) // 3])


def _before(base: BaseLike, as_of: int) -> _View:
    tables = base.tables
    times = tables.interactions.column("occurred_at")
    kept = tables.interactions.take((times != NAT) & (times < as_of))
    return _View(attrs.evolve(tables, interactions=kept))


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


# -- scorer checks -----------------------------------------------------------------------


def check_scorer_protocol(scorer: Any, base: BaseLike, as_of: int) -> None:
    """The scorer has a ``level`` and a ``score`` method."""
    _expect(isinstance(scorer, Scorer), f"{scorer!r} does not follow the Scorer protocol")
    _expect(scorer.level in ("contact", "account"), f"level={scorer.level!r} is not valid")


def check_scorer_result(scorer: Any, base: BaseLike, as_of: int) -> None:
    """``score`` returns a ScoreTable covering every entity of its level, in table order."""
    table = scorer.score(base, as_of=as_of)
    _expect(isinstance(table, ScoreTable), f"score() returned {type(table).__name__}")
    entities = base.tables.accounts if scorer.level == "account" else base.tables.contacts
    _expect(np.array_equal(table.ids, entities.column("id")), "ids differ from the entity table")
    _expect(table.level == scorer.level, f"table level {table.level!r} != {scorer.level!r}")
    _expect(table.as_of == as_of, f"table as_of {table.as_of} != {as_of}")
    _expect(bool(np.isfinite(table.score).all()), "scores must be finite")


def check_reasons_add_up(scorer: Any, base: BaseLike, as_of: int) -> None:
    """Every entity's reason contributions sum to its score."""
    table = scorer.score(base, as_of=as_of)
    total = table.reasons.total(len(table))
    worst = float(np.max(np.abs(total - table.score), initial=0.0))
    _expect(bool(np.allclose(total, table.score, atol=1e-6)), f"reasons miss scores by {worst}")


def check_scorer_deterministic(scorer: Any, base: BaseLike, as_of: int) -> None:
    """Scoring twice gives the same scores and grades."""
    first, second = scorer.score(base, as_of=as_of), scorer.score(base, as_of=as_of)
    _expect(np.array_equal(first.score, second.score), "scores change between runs")
    _expect(np.array_equal(first.grade, second.grade), "grades change between runs")


def check_scorer_point_in_time(scorer: Any, base: BaseLike, as_of: int) -> None:
    """Removing interactions at or after ``as_of`` does not change any score."""
    full = scorer.score(base, as_of=as_of)
    earlier = scorer.score(_before(base, as_of), as_of=as_of)
    _expect(bool(np.allclose(full.score, earlier.score)), "scores depend on later interactions")


def check_scorer_refuses_early_as_of(scorer: Any, base: BaseLike, as_of: int) -> None:
    """An ``as_of`` before all the data raises ``InvalidValueError``."""
    first, _ = base.tables.event_span()
    if first is None:
        return
    try:
        scorer.score(base, as_of=first - 1)
    except InvalidValueError:
        return
    raise AssertionError("an as_of before the first event in the data was accepted")


SCORER_CHECKS: tuple[Check, ...] = (
    check_scorer_protocol,
    check_scorer_result,
    check_reasons_add_up,
    check_scorer_deterministic,
    check_scorer_point_in_time,
    check_scorer_refuses_early_as_of,
)


# -- segmenter checks --------------------------------------------------------------------


def check_segmenter_protocol(segmenter: Any, base: BaseLike, as_of: int) -> None:
    """The segmenter has a ``level`` and ``fit``; its model has segments and ``assign``."""
    _expect(isinstance(segmenter, Segmenter), f"{segmenter!r} does not follow Segmenter")
    model = segmenter.fit(base, as_of=as_of)
    _expect(isinstance(model, SegmentModel), f"fit() returned {model!r}, not a SegmentModel")


def check_segmentation_result(segmenter: Any, base: BaseLike, as_of: int) -> None:
    """``assign`` covers every entity once, with valid codes and the model's segments."""
    model = segmenter.fit(base, as_of=as_of)
    result = model.assign(base, as_of=as_of)
    _expect(isinstance(result, Segmentation), f"assign() returned {type(result).__name__}")
    entities = base.tables.accounts if segmenter.level == "account" else base.tables.contacts
    _expect(np.array_equal(result.ids, entities.column("id")), "ids differ from the entities")
    _expect(result.segments == tuple(model.segment_names), "segments differ from the model's")
    _expect(sum(result.sizes().values()) <= len(result), "segment sizes exceed the entities")


def check_segmenter_deterministic(segmenter: Any, base: BaseLike, as_of: int) -> None:
    """Fitting and assigning twice gives the same segments."""
    runs = [segmenter.fit(base, as_of=as_of).assign(base, as_of=as_of) for _ in range(2)]
    _expect(np.array_equal(runs[0].segment, runs[1].segment), "segments change between runs")


def check_segmenter_point_in_time(segmenter: Any, base: BaseLike, as_of: int) -> None:
    """Removing interactions at or after ``as_of`` does not change any segment."""
    full = segmenter.fit(base, as_of=as_of).assign(base, as_of=as_of)
    view = _before(base, as_of)
    earlier = segmenter.fit(view, as_of=as_of).assign(view, as_of=as_of)
    _expect(np.array_equal(full.segment, earlier.segment), "segments depend on later data")


SEGMENTER_CHECKS: tuple[Check, ...] = (
    check_segmenter_protocol,
    check_segmentation_result,
    check_segmenter_deterministic,
    check_segmenter_point_in_time,
)


def _run(checks: Iterable[Check], strategy: Any, base: BaseLike | None, as_of: int | None) -> None:
    chosen = base if base is not None else sample_base()
    moment = as_of if as_of is not None else _middle(chosen)
    for check in checks:
        check(strategy, chosen, moment)


def check_scorer(scorer: Any, base: BaseLike | None = None, *, as_of: int | None = None) -> None:
    """Run every scorer check; raise ``AssertionError`` naming the first that fails.

    Parameters
    ----------
    scorer
        The scorer to check.
    base
        The data to score; by default a small sample world.
    as_of
        When to score (int64 UTC ns); by default two thirds into the data.

    Examples
    --------
    >>> from customer_understanding.scoring import FitScorer
    >>> check_scorer(FitScorer())
    """
    _run(SCORER_CHECKS, scorer, base, as_of)


def check_segmenter(
    segmenter: Any, base: BaseLike | None = None, *, as_of: int | None = None
) -> None:
    """Run every segmenter check; raise ``AssertionError`` naming the first that fails.

    Examples
    --------
    >>> from customer_understanding.segmentation import LifecycleSegmenter
    >>> check_segmenter(LifecycleSegmenter())
    """
    _run(SEGMENTER_CHECKS, segmenter, base, as_of)


def _bound(check: Check) -> Callable[[Any], None]:
    def run(strategy: Any) -> None:
        base = sample_base()
        check(strategy, base, _middle(base))

    run.__name__ = check.__name__
    return run


def parametrize_with_checks(strategies: Iterable[Any]) -> pytest.MarkDecorator:
    """A ``pytest.mark.parametrize`` over every (strategy, check) pair.

    The decorated test takes ``strategy`` and ``check`` and calls ``check(strategy)``.

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
        checks = SCORER_CHECKS if isinstance(strategy, Scorer) else SEGMENTER_CHECKS
        label = type(strategy).__name__
        cases += [
            pytest.param(strategy, _bound(check), id=f"{label}-{check.__name__}")
            for check in checks
        ]
    return pytest.mark.parametrize(("strategy", "check"), cases)
