"""The model steps both engines share: rescaling a fit, term frequency, probabilities, bands.

The local engine calls them on its whole arrays; the Spark engine on the aggregates it
collects (the fit) and inside its partitions (the weights), so both give the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from customer_understanding.identity._comparisons import levels_of
from customer_understanding.identity._constraints import without_matches
from customer_understanding.identity._fields import Field
from customer_understanding.identity._model import FellegiSunter, term_frequency_weights

__all__ = [
    "add_term_frequency",
    "bands_of",
    "fitted_model",
    "probability_of",
    "sample_places",
    "u_from_sample",
]


def fitted_model(
    fields: Sequence[Field],
    fit: tuple[Sequence[npt.NDArray[np.float64]], float, int],
    u: Sequence[npt.NDArray[np.float64]],
    *,
    pairs: float,
    possible: float,
) -> FellegiSunter:
    """The model from EM's ``(m, prior, iterations)`` over ``pairs`` candidates.

    u and the prior speak of random pairs, not of candidates: the prior is rescaled to the
    ``possible`` pairs, and the expected true matches leave the exact-agreement u.
    """
    m, prior, iterations = fit
    matches = float(prior) * pairs
    share = matches / possible
    rescaled = [without_matches(values, float(m_k[0]), share)
                for values, m_k in zip(u, m, strict=True)]  # fmt: skip
    return FellegiSunter(
        names=tuple(field.column for field in fields),
        levels=tuple(levels_of(field.kind) for field in fields),
        m=tuple(m), u=tuple(rescaled), prior=min(max(share, 1e-9), 0.5), iterations=iterations,
    )  # fmt: skip


def add_term_frequency(
    partials: npt.NDArray[np.floating[Any]],
    levels: npt.NDArray[np.int8],
    column: int,
    *,
    share: npt.NDArray[np.float64],
    exact: float,
) -> None:
    """Exact agreement on value v weighs ``u / share(v)`` more (or less) than on average.

    ``share`` holds, for the pairs agreeing exactly on ``column`` (in their order), the
    share of present values their value holds; ``exact`` is the column's exact-agreement u.
    Adds to ``partials`` in place.
    """
    rows = np.flatnonzero(levels[:, column] == 0)
    partials[rows, column] += term_frequency_weights(exact, share)


def probability_of(model: FellegiSunter, partials: npt.NDArray[np.floating[Any]]) -> Any:
    """Each pair's match probability, ``1 / (1 + 2^-weight)``, from its partial weights."""
    weight = model.prior_weight + partials.sum(axis=1, dtype=np.float64)
    np.clip(weight, -1000, 1000, out=weight)
    np.negative(weight, out=weight)
    np.exp2(weight, out=weight)
    weight += 1.0
    np.reciprocal(weight, out=weight)
    return weight


def bands_of(
    probability: npt.NDArray[np.float64], *, link: float, review: float
) -> npt.NDArray[np.object_]:
    """``"link"``, ``"review"`` or ``"reject"`` per pair, by the two thresholds."""
    band = (probability >= review).astype(np.int8)
    band[probability >= link] = 2
    named: npt.NDArray[np.object_] = np.array(["reject", "review", "link"], dtype=object)[band]
    return named


def sample_places(n_records: int, *, size: int, seed: int) -> tuple[npt.NDArray[np.int64], ...]:
    """The canonical places (ranks) of the random pairs that estimate the fuzzy levels' u."""
    rng = np.random.default_rng(seed)
    left = rng.integers(0, n_records, size=size)
    right = rng.integers(0, n_records, size=size)
    return left.astype(np.int64), right.astype(np.int64)


def u_from_sample(
    fields: Sequence[Field], levels: npt.NDArray[np.int8], exact: Sequence[float]
) -> list[npt.NDArray[np.float64]]:
    """Per field, u: ``exact`` for exact agreement, the rest shared by the sample's levels."""
    u = []
    for k, field in enumerate(fields):
        n_levels = len(levels_of(field.kind))
        column = levels[:, k]
        counts = np.bincount(column[column > 0], minlength=n_levels)[1:] + 0.5
        u.append(np.concatenate([[exact[k]], (1 - exact[k]) * counts / counts.sum()]))
    return u
