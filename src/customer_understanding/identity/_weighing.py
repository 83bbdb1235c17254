"""Weighing a run's pairs: partial weights with the term-frequency adjustment, by chunks."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from customer_understanding.identity._context import LinkContext
from customer_understanding.identity._fitting import add_term_frequency
from customer_understanding.identity._frequencies import Frequencies
from customer_understanding.identity._model import FellegiSunter
from customer_understanding.identity._records import Prepared

__all__ = ["TF_CHUNK", "Weighing", "add_term_frequencies", "positions_of"]

#: Pairs decoded, or given their term-frequency adjustment, at once.
TF_CHUNK = 1 << 22

Positions = npt.NDArray[np.signedinteger[Any]]


def positions_of(encoded: npt.NDArray[np.int64], n_records: int) -> tuple[Positions, Positions]:
    """The pairs ``left * n + right`` as two arrays of positions (int32 when they fit).

    Decoded a chunk at a time: at millions of pairs, half the memory of int64 positions.
    """
    dtype = np.int32 if n_records < 2**31 else np.int64
    left: Positions = np.empty(len(encoded), dtype=dtype)
    right: Positions = np.empty(len(encoded), dtype=dtype)
    for start in range(0, len(encoded), TF_CHUNK):
        part = slice(start, start + TF_CHUNK)
        left[part], right[part] = np.divmod(encoded[part], max(n_records, 1))
    return left, right


def add_term_frequencies(prepared: Prepared, frequencies: Frequencies,
                         pairs: tuple[Positions, npt.NDArray[np.int8]],
                         partials: npt.NDArray[np.floating[Any]], *,
                         context: LinkContext | None) -> None:  # fmt: skip
    """Exact agreement on value v weighs ``u / share(v)`` more (or less) than on average.

    ``pairs`` are the pairs' left positions and comparison levels; ``frequencies`` the
    counts a share is read from, by the records' codes (by their codes over the larger
    set of a ``context`` that gives them). Adds the adjustment to ``partials`` in place
    (no second pairs-by-fields array), a chunk of pairs at a time so the work arrays
    stay small.
    """
    left, levels = pairs
    for k, field in enumerate(prepared.fields):
        if not field.term_frequency:
            continue
        codes = prepared.codes[field.column]
        if context is not None and context.counted(field.column):
            codes = context.codes[field.column][np.asarray(context.rows, dtype=np.int64)]
        for start in range(0, len(left), TF_CHUNK):
            part = slice(start, start + TF_CHUNK)
            exact = np.flatnonzero(levels[part, k] == 0)
            share = frequencies.shares(field.column, codes[left[part][exact]])
            add_term_frequency(partials[part], levels[part], k, share=share,
                               exact=frequencies.exact[field.column])  # fmt: skip


class Weighing:
    """A run's partial weights, term frequency included, for any slice of its pairs.

    The run weighs its pairs a chunk at a time; the result calls it once more, on first
    use of ``LinkResult.partials``, for all of them (the same code, so the same numbers).
    """

    __slots__ = ("context", "frequencies", "left", "levels", "model", "prepared")

    def __init__(self, prepared: Prepared, frequencies: Frequencies,
                 pairs: tuple[Positions, npt.NDArray[np.int8]], model: FellegiSunter, *,
                 context: LinkContext | None) -> None:  # fmt: skip
        self.prepared, self.frequencies, self.context = prepared, frequencies, context
        (self.left, self.levels), self.model = pairs, model

    def __call__(self, part: slice = slice(None)) -> npt.NDArray[np.float32]:
        levels = self.levels[part]
        # float32: a pair's weights to seven digits, in half the memory of float64
        partials = self.model.partial_weights(levels, dtype=np.float32)
        add_term_frequencies(self.prepared, self.frequencies, (self.left[part], levels),
                             partials, context=self.context)  # fmt: skip
        return partials
