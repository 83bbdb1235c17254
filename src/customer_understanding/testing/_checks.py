"""Conformance checks for scorers and segmenters, as the built-ins pass them.

Each check takes the strategy, a base and a moment and raises ``AssertionError`` with a
message saying what is wrong. Strategies receive :class:`~._views.BaseView` objects
(``tables`` only) for the altered views, as the ``BaseLike`` contract allows.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from customer_understanding._core import Moment
from customer_understanding._errors import CustomerUnderstandingError, InvalidValueError
from customer_understanding.base import CustomerBase
from customer_understanding.scoring import ScoreTable
from customer_understanding.segmentation import Segmentation
from customer_understanding.testing._compare import expect, first_difference, same_result
from customer_understanding.testing._views import (
    fingerprint,
    past_view,
    private_copy,
    shuffled_view,
)
from customer_understanding.typing import BaseLike, Scorer, Segmenter, SegmentModel

__all__ = ["SCORER_CHECKS", "SEGMENTER_CHECKS", "Check", "sample_base"]

Check = Callable[[Any, BaseLike, Moment], None]


@cache
def sample_base() -> CustomerBase:
    """A small, fixed customer base from the sample world (built once per process).

    It has events on both sides of the checks' moment: interactions, deals opened and
    closed, stage changes, and contacts created later.

    Examples
    --------
    >>> len(sample_base().accounts) > 0
    True
    """
    from customer_understanding.datasets import generate_world

    world = generate_world(accounts=16, interactions=1_600, seed=11, defects=False)
    return CustomerBase.build(world.as_sources())


@cache
def _empty_base() -> CustomerBase:
    return CustomerBase.build([])


def _entities(base: BaseLike, level: str) -> Any:
    return base.tables.accounts if level == "account" else base.tables.contacts


def _changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(path for path in {*before, *after} if before.get(path) != after.get(path))


# -- scorer checks -------------------------------------------------------------------------


def check_scorer_protocol(scorer: Any, base: BaseLike, as_of: Moment) -> None:
    """The scorer has a ``level`` and a ``score`` method."""
    expect(isinstance(scorer, Scorer), f"{scorer!r} does not follow the Scorer protocol")
    expect(scorer.level in ("contact", "account"), f"level={scorer.level!r} is not valid")


def check_scorer_result(scorer: Any, base: BaseLike, as_of: Moment) -> None:
    """``score`` returns a ScoreTable for every entity of its level, in table order, as of."""
    table = scorer.score(base, as_of=as_of)
    expect(isinstance(table, ScoreTable), f"score() returned {type(table).__name__}")
    entities = _entities(base, scorer.level)
    expect(np.array_equal(table.ids, entities.column("id")), "ids differ from the entity table")
    expect(table.level == scorer.level, f"table level {table.level!r} != {scorer.level!r}")
    expect(table.as_of == as_of, f"table as_of {table.as_of!r} != {as_of!r}")
    scored = ~np.isnan(table.score)  # missing: the entity is not scored (a prospect's health)
    expect(bool(np.isfinite(table.score[scored]).all()), "scores must be finite or missing")
    expect(bool((table.grade[~scored] < 0).all()), "an entity without a score has a grade")


def check_reasons_add_up(scorer: Any, base: BaseLike, as_of: Moment) -> None:
    """Every scored entity's reason contributions sum to its score; the unscored have none."""
    table = scorer.score(base, as_of=as_of)
    scored = ~np.isnan(table.score)
    total = table.reasons.total(len(table))[scored]
    worst = float(np.max(np.abs(total - table.score[scored]), initial=0.0))
    expect(bool(np.allclose(total, table.score[scored], atol=1e-6)),
           f"reasons miss scores by {worst}")  # fmt: skip
    expect(bool(scored[table.reasons.row].all()), "an entity without a score has reasons")


def check_scorer_deterministic(scorer: Any, base: BaseLike, as_of: Moment) -> None:
    """Scoring twice gives the same table, reasons included."""
    first, second = scorer.score(base, as_of=as_of), scorer.score(base, as_of=as_of)
    problem = first_difference(first, second)
    expect(problem is None, f"scoring twice gives different results: {problem}")
    expect(same_result(first, second), "scoring twice gives different reasons")


def check_scorer_point_in_time(scorer: Any, base: BaseLike, as_of: Moment) -> None:
    """Cutting every table at ``as_of`` (see ``past_view``) changes no score or grade."""
    view = past_view(base, as_of=as_of)
    problem = first_difference(scorer.score(base, as_of=as_of), scorer.score(view, as_of=as_of))
    expect(problem is None, f"scores read facts from after as_of: {problem}")


def check_scorer_row_order(scorer: Any, base: BaseLike, as_of: Moment) -> None:
    """Reordering the event tables' rows (see ``shuffled_view``) changes no score or grade."""
    full = scorer.score(base, as_of=as_of)
    for seed in (1, 2):
        problem = first_difference(full, scorer.score(shuffled_view(base, seed), as_of=as_of))
        expect(problem is None, f"scores depend on the order of table rows: {problem}")


def check_scorer_leaves_input_unchanged(scorer: Any, base: BaseLike, as_of: Moment) -> None:
    """Scoring changes no array, label or setting of the base's tables."""
    copied = private_copy(base)
    before = fingerprint(copied)
    scorer.score(copied, as_of=as_of)
    changed = _changed(before, fingerprint(copied))
    expect(not changed, f"score() changed its input: {', '.join(changed[:5])}")


def check_scorer_empty_base(scorer: Any, base: BaseLike, as_of: Moment) -> None:
    """An empty base gives an empty table (or a library error saying why it cannot)."""
    try:
        table = scorer.score(_empty_base(), as_of=as_of)
    except CustomerUnderstandingError:
        return
    except Exception as error:
        msg = f"an empty base raised {error!r}; return an empty table or a library error"
        raise AssertionError(msg) from error
    expect(isinstance(table, ScoreTable) and len(table) == 0,
           f"an empty base gave {table!r}, not an empty ScoreTable")  # fmt: skip


def check_scorer_pickles(scorer: Any, base: BaseLike, as_of: Moment) -> None:
    """The scorer and its table survive pickling; the copy scores the same."""
    table = scorer.score(base, as_of=as_of)
    try:
        copied, table_copy = pickle.loads(pickle.dumps((scorer, table)))  # noqa: S301 - our bytes
    except Exception as error:
        msg = f"the scorer or its table cannot be pickled: {error!r}"
        raise AssertionError(msg) from error
    expect(same_result(table, table_copy), "an unpickled ScoreTable differs from the original")
    problem = first_difference(table, copied.score(base, as_of=as_of))
    expect(problem is None, f"an unpickled scorer scores differently: {problem}")


def check_scorer_refuses_early_as_of(scorer: Any, base: BaseLike, as_of: Moment) -> None:
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
    check_scorer_row_order,
    check_scorer_leaves_input_unchanged,
    check_scorer_empty_base,
    check_scorer_pickles,
    check_scorer_refuses_early_as_of,
)


# -- segmenter checks ----------------------------------------------------------------------


def _segment(segmenter: Any, base: BaseLike, as_of: Moment) -> Any:
    return segmenter.fit(base, as_of=as_of).assign(base, as_of=as_of)


def check_segmenter_protocol(segmenter: Any, base: BaseLike, as_of: Moment) -> None:
    """The segmenter has a ``level`` and ``fit``; its model has segments and ``assign``."""
    expect(isinstance(segmenter, Segmenter), f"{segmenter!r} does not follow Segmenter")
    expect(segmenter.level in ("contact", "account"), f"level={segmenter.level!r} is not valid")
    model = segmenter.fit(base, as_of=as_of)
    expect(isinstance(model, SegmentModel), f"fit() returned {model!r}, not a SegmentModel")


def check_segmentation_result(segmenter: Any, base: BaseLike, as_of: Moment) -> None:
    """``assign`` covers every entity once, as of, with valid codes and the model's segments."""
    model = segmenter.fit(base, as_of=as_of)
    result = model.assign(base, as_of=as_of)
    expect(isinstance(result, Segmentation), f"assign() returned {type(result).__name__}")
    entities = _entities(base, segmenter.level)
    expect(np.array_equal(result.ids, entities.column("id")), "ids differ from the entities")
    expect(result.level == segmenter.level, f"level {result.level!r} != {segmenter.level!r}")
    expect(result.as_of == as_of, f"segmentation as_of {result.as_of!r} != {as_of!r}")
    expect(result.segments == tuple(model.segment_names), "segments differ from the model's")


def check_segmenter_deterministic(segmenter: Any, base: BaseLike, as_of: Moment) -> None:
    """Fitting and assigning twice gives the same segmentation."""
    first, second = _segment(segmenter, base, as_of), _segment(segmenter, base, as_of)
    problem = first_difference(first, second)
    expect(same_result(first, second), f"segmenting twice gives different results: {problem}")


def check_segmenter_point_in_time(segmenter: Any, base: BaseLike, as_of: Moment) -> None:
    """Cutting every table at ``as_of`` (see ``past_view``) before fitting changes no segment."""
    problem = first_difference(
        _segment(segmenter, base, as_of), _segment(segmenter, past_view(base, as_of=as_of), as_of)
    )
    expect(problem is None, f"segments read facts from after as_of: {problem}")


def check_segmenter_row_order(segmenter: Any, base: BaseLike, as_of: Moment) -> None:
    """Reordering the event tables' rows (see ``shuffled_view``) changes no segment."""
    full = _segment(segmenter, base, as_of)
    for seed in (1, 2):
        problem = first_difference(full, _segment(segmenter, shuffled_view(base, seed), as_of))
        expect(problem is None, f"segments depend on the order of table rows: {problem}")


def check_segmenter_leaves_input_unchanged(segmenter: Any, base: BaseLike, as_of: Moment) -> None:
    """Fitting and assigning change no array, label or setting of the base's tables."""
    copied = private_copy(base)
    before = fingerprint(copied)
    _segment(segmenter, copied, as_of)
    changed = _changed(before, fingerprint(copied))
    expect(not changed, f"fit() or assign() changed its input: {', '.join(changed[:5])}")


def check_segmenter_empty_base(segmenter: Any, base: BaseLike, as_of: Moment) -> None:
    """An empty base: assigned to an empty segmentation, and fitted or refused clearly.

    A model fitted on ``base`` must assign an empty base to an empty segmentation;
    fitting on an empty base gives a model or a library error saying why it cannot.
    """
    empty = _empty_base()
    try:
        result = segmenter.fit(base, as_of=as_of).assign(empty, as_of=as_of)
    except Exception as error:
        msg = f"assigning an empty base raised {error!r}; return an empty segmentation"
        raise AssertionError(msg) from error
    expect(isinstance(result, Segmentation) and len(result) == 0,
           f"an empty base gave {result!r}, not an empty Segmentation")  # fmt: skip
    try:
        segmenter.fit(empty, as_of=as_of)
    except CustomerUnderstandingError:
        return
    except Exception as error:
        msg = f"fitting on an empty base raised {error!r}; return a model or a library error"
        raise AssertionError(msg) from error


def check_segmenter_pickles(segmenter: Any, base: BaseLike, as_of: Moment) -> None:
    """The segmenter, its model and its segmentation survive pickling unchanged."""
    model = segmenter.fit(base, as_of=as_of)
    result = model.assign(base, as_of=as_of)
    try:
        copies = pickle.loads(pickle.dumps((segmenter, model, result)))  # noqa: S301 - our bytes
    except Exception as error:
        msg = f"the segmenter, its model or its segmentation cannot be pickled: {error!r}"
        raise AssertionError(msg) from error
    expect(same_result(result, copies[2]), "an unpickled Segmentation differs from the original")
    again = copies[1].assign(base, as_of=as_of)
    expect(same_result(result, again), "an unpickled model assigns differently")
    refit = _segment(copies[0], base, as_of)
    expect(same_result(result, refit), "an unpickled segmenter segments differently")


def check_segmenter_refuses_early_as_of(segmenter: Any, base: BaseLike, as_of: Moment) -> None:
    """An ``as_of`` before all the data raises ``InvalidValueError`` when fitting."""
    first, _ = base.tables.event_span()
    if first is None:
        return
    try:
        segmenter.fit(base, as_of=first - 1)
    except InvalidValueError:
        return
    raise AssertionError("an as_of before the first event in the data was accepted")


SEGMENTER_CHECKS: tuple[Check, ...] = (
    check_segmenter_protocol,
    check_segmentation_result,
    check_segmenter_deterministic,
    check_segmenter_point_in_time,
    check_segmenter_row_order,
    check_segmenter_leaves_input_unchanged,
    check_segmenter_empty_base,
    check_segmenter_pickles,
    check_segmenter_refuses_early_as_of,
)
