"""Active learning: ask about the pairs the model is least sure of, and learn from the answers."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

import pandas as pd

from customer_understanding._core import positive
from customer_understanding.identity._labels import MIN_MATCHES
from customer_understanding.identity._linker import Linker
from customer_understanding.identity._result import LinkResult

if TYPE_CHECKING:
    from customer_understanding.typing import TableLike

__all__ = ["learn_actively"]

Answer = Callable[[pd.DataFrame], "list[bool] | pd.Series[bool]"]


def learn_actively(
    linker: Linker,
    records: TableLike,
    *,
    answer: Answer,
    answers: int = 50,
    per_round: int = 10,
) -> tuple[LinkResult, list[tuple[Hashable, Hashable, bool]]]:
    """Deduplicate, ask ``answer`` about the least certain pairs, and run again with them.

    Each round shows ``answer`` up to ``per_round`` pairs (rows of
    :meth:`LinkResult.pairs`: ids, weight, probability, band) from
    :meth:`LinkResult.to_label`, and takes one verdict per row (``True``: same entity).
    Answered matches are kept together and non-matches apart; once 20 matches are
    answered they also fix ``m`` (``pair_labels``). Stops after ``answers`` answers, or
    when no uncertain pair is left. Returns the last result and every answer.

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding.identity import Field
    >>> frame = pd.DataFrame({"email": ["a@x.com", "a@x.com", "b@y.com"]})
    >>> linker = Linker(fields=[Field(column="email", kind="email")])
    >>> result, asked = learn_actively(linker, frame, answer=lambda pairs: [True] * len(pairs))
    >>> asked, result.clusters.tolist()
    ([(0, 1, True)], [0, 0, 1])
    """
    positive("answers", answers)
    positive("per_round", per_round)
    labelled: list[tuple[Hashable, Hashable, bool]] = []
    result = linker.deduplicate(records)
    while len(labelled) < answers:
        asked = result.to_label(min(per_round, answers - len(labelled)), labelled=labelled)
        if asked.empty:
            break
        verdicts = [bool(v) for v in answer(asked.copy())]
        labelled += list(zip(asked["left_id"], asked["right_id"], verdicts, strict=True))
        result = _with_answers(linker, records, labelled)
    return result, labelled


def _with_answers(
    linker: Linker, records: TableLike, labelled: list[tuple[Hashable, Hashable, bool]]
) -> LinkResult:
    matches = [(a, b) for a, b, same in labelled if same]
    apart = [(a, b) for a, b, same in labelled if not same]
    fit = labelled if len(matches) >= MIN_MATCHES else None
    return linker.deduplicate(records, must_link=matches, cannot_link=apart, pair_labels=fit)
