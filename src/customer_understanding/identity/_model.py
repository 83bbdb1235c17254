"""The Fellegi-Sunter model: m and u probabilities per comparison level, fitted by EM.

``u`` (how often two *different* entities agree at a level) is estimated without labels
and without EM: exact agreement from the value frequencies themselves, the fuzzy levels
from a sample of random pairs. ``m`` (how often the *same* entity agrees at a level) and
the share of matches among candidate pairs are then fitted by expectation-maximisation
on the candidate pairs, with ``u`` held fixed — the stable way to run EM here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import frozen_array, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.identity._blocking import same_source_counts

__all__ = [
    "FellegiSunter",
    "exact_u",
    "exact_u_of_sums",
    "fit_m",
    "fit_m_by_rule",
    "fit_prior",
    "m_from_matches",
    "term_frequency_weights",
]

_FORMAT = "customer_understanding.identity.FellegiSunter/1"

_FLOOR = 1e-6
_MIN_RULE_PAIRS = 50


def _frozen_levels(values: Sequence[npt.ArrayLike]) -> tuple[npt.NDArray[np.float64], ...]:
    return tuple(frozen_array(np.array(v, dtype=np.float64)) for v in values)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class FellegiSunter:
    """Fitted m and u probabilities per comparison and the prior share of matches.

    Parameters
    ----------
    names
        One name per comparison (the field's column).
    levels
        Per comparison, the level labels, best first.
    m, u
        Per comparison, one probability per level.
    prior
        The share of matches among the candidate pairs.
    iterations
        EM iterations used (0 when ``m`` came from labels).

    Examples
    --------
    >>> import numpy as np
    >>> model = FellegiSunter(names=("surname",), levels=(("exact", "different"),),
    ...     m=(np.array([0.9, 0.1]),), u=(np.array([0.01, 0.99]),), prior=0.5)
    >>> model.bayes_factors()[0].round(2).tolist()
    [90.0, 0.1]
    """

    names: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    m: tuple[npt.NDArray[np.float64], ...] = attrs.field(converter=_frozen_levels)
    u: tuple[npt.NDArray[np.float64], ...] = attrs.field(converter=_frozen_levels)
    prior: float
    iterations: int = 0

    def bayes_factors(self) -> list[npt.NDArray[np.float64]]:
        """Per comparison, ``m / u`` for each level."""
        return [
            np.maximum(m, _FLOOR) / np.maximum(u, _FLOOR)
            for m, u in zip(self.m, self.u, strict=False)
        ]

    def partial_weights(
        self, levels: npt.NDArray[np.int8], *, dtype: type[np.floating[Any]] = np.float64
    ) -> npt.NDArray[np.floating[Any]]:
        """The log2 Bayes factor of each pair (rows) on each comparison (columns).

        A missing value (level ``-1``) contributes 0. ``dtype=np.float32`` halves the
        memory of millions of pairs (a weight to about seven digits).

        Examples
        --------
        >>> import numpy as np
        >>> model = FellegiSunter(names=("surname",), levels=(("exact", "different"),),
        ...     m=(np.array([0.9, 0.1]),), u=(np.array([0.1, 0.9]),), prior=0.5)
        >>> model.partial_weights(np.array([[0], [1], [-1]], dtype=np.int8)).round(2).ravel()
        array([ 3.17, -3.17,  0.  ])
        """
        weights = np.empty(levels.shape, dtype=dtype)
        for k, factors in enumerate(self.bayes_factors()):
            # the table's last slot is what level -1 (missing) reads: no mask, no copy
            table = np.append(np.log2(factors), 0.0).astype(dtype)
            weights[:, k] = table[levels[:, k]]
        return weights

    @property
    def prior_weight(self) -> float:
        """``log2(prior / (1 - prior))``: the match weight before any evidence."""
        prior = min(max(self.prior, _FLOOR), 1 - _FLOOR)
        return float(np.log2(prior / (1 - prior)))

    def to_json(self) -> str:
        """The model as JSON text, to save and score with later without refitting.

        Examples
        --------
        >>> import numpy as np
        >>> model = FellegiSunter(names=("surname",), levels=(("exact", "different"),),
        ...     m=(np.array([0.9, 0.1]),), u=(np.array([0.01, 0.99]),), prior=0.5)
        >>> FellegiSunter.from_json(model.to_json()) == model
        True
        """
        return json.dumps({
            "format": _FORMAT, "names": list(self.names),
            "levels": [list(labels) for labels in self.levels],
            "m": [values.tolist() for values in self.m],
            "u": [values.tolist() for values in self.u],
            "prior": self.prior, "iterations": self.iterations,
        }, indent=1)  # fmt: skip

    @classmethod
    def from_json(cls, text: str) -> FellegiSunter:
        """A model from :meth:`to_json` text.

        Raises
        ------
        InvalidValueError
            If the text is not a saved model.

        Examples
        --------
        >>> FellegiSunter.from_json('{"format": "other"}')
        Traceback (most recent call last):
        ...
        customer_understanding.InvalidValueError: text is not a saved FellegiSunter model ...
        """
        try:
            data = json.loads(text)
            if data.get("format") != _FORMAT:
                raise KeyError("format")
            return cls(
                names=tuple(data["names"]), levels=tuple(tuple(v) for v in data["levels"]),
                m=data["m"], u=data["u"], prior=float(data["prior"]),
                iterations=int(data["iterations"]),
            )  # fmt: skip
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            msg = f"text is not a saved FellegiSunter model ({error!r})"
            raise InvalidValueError(msg) from error

    def save(self, path: str | Path) -> None:
        """Write the model to a JSON file (see :meth:`load`).

        Examples
        --------
        >>> import numpy as np, pathlib, tempfile
        >>> model = FellegiSunter(names=("surname",), levels=(("exact", "different"),),
        ...     m=(np.array([0.9, 0.1]),), u=(np.array([0.01, 0.99]),), prior=0.5)
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.json"
        >>> model.save(path)
        >>> FellegiSunter.load(path).prior
        0.5
        """
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> FellegiSunter:
        """Read a model written by :meth:`save`."""
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FellegiSunter):
            return NotImplemented
        return (
            (self.names, self.levels, self.prior, self.iterations)
            == (other.names, other.levels, other.prior, other.iterations)
            and all(np.array_equal(a, b) for a, b in zip(self.m, other.m, strict=False))
            and all(np.array_equal(a, b) for a, b in zip(self.u, other.u, strict=False))
        )

    __hash__ = None  # type: ignore[assignment]


def exact_u(codes: npt.NDArray[np.int64], sources: npt.NDArray[np.int64]) -> float:
    """Probability that two random records from different sources agree exactly.

    Computed from the value frequencies, over pairs where both values are present.

    Examples
    --------
    >>> import numpy as np
    >>> round(exact_u(np.array([0, 0, 1, 1]), np.arange(4)), 3)
    0.333
    """
    present = codes >= 0
    if present.sum() < 2:
        return 0.5
    values, by_source = codes[present], sources[present]
    sizes = np.bincount(values).astype(np.float64)
    joint = same_source_counts(values, by_source).astype(np.float64)
    per_source = same_source_counts(np.zeros(len(values), dtype=np.int64), by_source)
    return exact_u_of_sums(
        values_squared=float((sizes**2).sum()),
        same_source_squared=float((joint**2).sum()),
        present=len(values),
        sources_squared=float((per_source.astype(np.float64) ** 2).sum()),
    )


def exact_u_of_sums(
    *, values_squared: float, same_source_squared: float, present: int, sources_squared: float
) -> float:
    """:func:`exact_u` from sums of squared counts, as an engine that counts elsewhere has them.

    ``values_squared`` sums, over distinct values, the square of the records holding
    each; ``same_source_squared`` the same over distinct (value, source); ``present`` is
    the records with a value; ``sources_squared`` sums the squared present records of
    each source.

    Examples
    --------
    >>> exact_u_of_sums(values_squared=8.0, same_source_squared=4.0, present=4,
    ...                 sources_squared=4.0) == exact_u(np.array([0, 0, 1, 1]), np.arange(4))
    True
    """
    if present < 2:
        return 0.5
    agree = values_squared - same_source_squared
    pairs = float(present) ** 2 - sources_squared
    return float(min(max(agree / max(pairs, 1.0), _FLOOR), 1 - _FLOOR))


def term_frequency_weights(exact: float, share: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """What exact agreement on values this common adds to a pair's weight (log2).

    ``exact`` is the chance that two random records agree exactly (:func:`exact_u`),
    ``share`` the share of the records holding each agreed value: agreeing on a rare
    value weighs more than average, on a common one less.

    Examples
    --------
    >>> import numpy as np
    >>> term_frequency_weights(0.01, np.array([0.001, 0.01, 0.1])).round(2).tolist()
    [3.32, 0.0, -3.32]
    """
    return np.log2(exact / np.maximum(share, 1e-9))


def _initial_m(n_levels: int) -> npt.NDArray[np.float64]:
    m = np.full(n_levels, 0.1 / max(n_levels - 1, 1))
    m[0] = 0.9
    return m


def _patterns(
    levels: npt.NDArray[np.int8], counts: npt.NDArray[np.float64] | None = None
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float64]]:
    """The distinct rows of ``levels`` and how often each occurs (fast: one int64 key).

    ``counts`` weighs each row (rows that are already patterns counted elsewhere, such as
    a Spark job's aggregate); the patterns come out in the same order either way.
    """
    if not levels.size:
        return levels[:0], np.empty(0)
    base = int(levels.max()) + 2
    if levels.shape[1] * np.log2(base) > 62:
        patterns, inverse = np.unique(levels, axis=0, return_inverse=True)
        found = np.bincount(inverse.ravel(), weights=counts, minlength=len(patterns))
        return patterns, found.astype(np.float64)
    # column by column: a pairs-by-fields int64 copy would cost 8 bytes per cell
    keys = np.zeros(len(levels), dtype=np.int64)
    for k in range(levels.shape[1]):
        keys += (levels[:, k].astype(np.int64) + 1) * np.int64(base) ** k
    if counts is None:
        _, first, found = np.unique(keys, return_index=True, return_counts=True)
        return levels[first], found.astype(np.float64)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    weighed = np.bincount(inverse.ravel(), weights=counts, minlength=len(first))
    return levels[first], weighed.astype(np.float64)


def _posterior(
    patterns: npt.NDArray[np.int8],
    m: Sequence[npt.NDArray[np.float64]],
    u: Sequence[npt.NDArray[np.float64]],
    prior: float,
) -> npt.NDArray[np.float64]:
    log_ratio = np.full(len(patterns), np.log(prior / (1 - prior)))
    for k in range(patterns.shape[1]):
        column = patterns[:, k]
        present = column >= 0
        ratio = np.log(np.maximum(m[k], _FLOOR)) - np.log(np.maximum(u[k], _FLOOR))
        log_ratio[present] += ratio[column[present]]
    posterior: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(log_ratio, -700, 700)))
    return posterior


def _m_step(
    patterns: npt.NDArray[np.int8],
    weights: npt.NDArray[np.float64],
    n_levels: Sequence[int],
) -> list[npt.NDArray[np.float64]]:
    m = []
    for k, size in enumerate(n_levels):
        column = patterns[:, k]
        present = column >= 0
        counted = np.bincount(column[present], weights=weights[present], minlength=size)
        totals = counted + _initial_m(size)  # one pseudo-pair of prior belief keeps tiny fits sane
        m.append(totals / totals.sum())
    return m


def fit_m(
    levels: npt.NDArray[np.int8],
    u: Sequence[npt.NDArray[np.float64]],
    *,
    max_iterations: int = 100,
    tolerance: float = 1e-6,
    counts: npt.NDArray[np.float64] | None = None,
) -> tuple[list[npt.NDArray[np.float64]], float, int]:
    """Fit ``m`` and the prior by EM on the candidate pairs' levels, ``u`` held fixed.

    Works on the distinct comparison patterns with their counts, so the cost is set by
    the number of patterns, not of pairs. ``counts`` weighs each row of ``levels`` (rows
    that are patterns already counted, as a distributed engine sends them). Returns
    ``(m, prior, iterations)``.

    Examples
    --------
    >>> import numpy as np
    >>> levels = np.array([[0, 0]] * 30 + [[1, 1]] * 70, dtype=np.int8)
    >>> u = [np.array([0.05, 0.95]), np.array([0.05, 0.95])]
    >>> m, prior, _ = fit_m(levels, u)
    >>> round(prior, 2), round(float(m[0][0]), 2)
    (0.3, 1.0)
    """
    n_levels = [len(values) for values in u]
    if not len(levels):
        return [_initial_m(size) for size in n_levels], _FLOOR, 0
    patterns, counts = _patterns(levels, counts)
    m = [_initial_m(size) for size in n_levels]
    prior = 0.1
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007
        posterior = _posterior(patterns, m, u, prior)
        new_prior = float(np.clip((posterior * counts).sum() / counts.sum(), _FLOOR, 1 - _FLOOR))
        m = _m_step(patterns, posterior * counts, n_levels)
        if abs(new_prior - prior) < tolerance:
            prior = new_prior
            break
        prior = new_prior
    return m, prior, iteration


def fit_m_by_rule(
    levels: npt.NDArray[np.int8],
    u: Sequence[npt.NDArray[np.float64]],
    rules: Sequence[tuple[npt.NDArray[np.signedinteger[Any]], Sequence[int]]],
    *,
    counts: npt.NDArray[np.float64] | None = None,
) -> tuple[list[npt.NDArray[np.float64]], float, int]:
    """Fit ``m`` by EM once per blocking rule, blind to the columns that rule blocks on.

    Pairs found by a rule agree on its columns by construction, which would make EM take
    every candidate for a match; each rule's EM therefore sees only the other columns,
    and a column's ``m`` is the mean over the rules that did not block on it; the matches
    among all the pairs are taken to be those of the rule that finds most. Rules with fewer than 50
    pairs are left out; without any usable rule, plain EM is used. ``rules``
    holds, per rule, the rows of its pairs in ``levels`` and its column positions;
    ``counts`` weighs each row of ``levels`` (aggregated patterns: the answer is the
    one the pairs themselves would give).

    Examples
    --------
    >>> import numpy as np
    >>> levels = np.array([[0, 0, 0]] * 30 + [[0, 1, 1]] * 70, dtype=np.int8)
    >>> u = [np.array([0.05, 0.95])] * 3
    >>> m, prior, _ = fit_m_by_rule(levels, u, [(np.arange(100), [0])])
    >>> round(prior, 2), round(float(m[1][0]), 2)
    (0.3, 1.0)
    """
    sums = [np.zeros(len(values)) for values in u]
    seen = np.zeros(len(u))
    weights = np.ones(len(levels)) if counts is None else np.asarray(counts, dtype=np.float64)
    total = float(weights.sum()) if counts is not None else float(len(levels))
    matches, pairs, iterations = 0.0, 0.0, 0
    for rows, columns in rules:
        masked = levels[rows]  # a fancy index: already a copy
        masked[:, list(columns)] = -1
        found = float(weights[rows].sum()) if counts is not None else float(len(rows))
        if found < _MIN_RULE_PAIRS or (masked < 0).all():
            continue  # too few pairs for EM to tell matches apart on the other columns
        m, rule_prior, used = fit_m(masked, u, counts=None if counts is None else weights[rows])
        iterations = max(iterations, used)
        matches, pairs = max(matches, rule_prior * found), pairs + found
        for k in set(range(len(u))) - set(columns):
            sums[k] += m[k]
            seen[k] += 1
    if pairs and seen.all():  # every column has its m: no EM over all the pairs needed
        fallback: list[npt.NDArray[np.float64]] = []
        prior, used = 0.0, 0
    else:
        fallback, prior, used = fit_m(levels, u, counts=counts)
    m = [sums[k] / seen[k] if seen[k] else fallback[k] for k in range(len(u))]
    if pairs:
        # One match is found by many rules, so summing their matches counts it many
        # times: the union holds at least as many as the rule that finds most.
        prior = float(np.clip(matches / total, _FLOOR, 1 - _FLOOR))
    return m, prior, max(iterations, used)


def m_from_matches(
    levels: npt.NDArray[np.int8], u: Sequence[npt.NDArray[np.float64]]
) -> list[npt.NDArray[np.float64]]:
    """``m`` counted on the levels of known matches (one pseudo-pair of prior belief).

    Examples
    --------
    >>> import numpy as np
    >>> m = m_from_matches(np.array([[0]] * 8 + [[1]], dtype=np.int8), [np.array([0.1, 0.9])])
    >>> m[0].round(2).tolist()
    [0.89, 0.11]
    """
    n_levels = [len(values) for values in u]
    patterns, counts = _patterns(levels)
    return _m_step(patterns, counts, n_levels)


def fit_prior(
    levels: npt.NDArray[np.int8],
    m: Sequence[npt.NDArray[np.float64]],
    u: Sequence[npt.NDArray[np.float64]],
    *,
    max_iterations: int = 100,
) -> float:
    """The share of matches among ``levels``' pairs by EM with ``m`` and ``u`` held fixed.

    Examples
    --------
    >>> import numpy as np
    >>> levels = np.array([[0]] * 30 + [[1]] * 70, dtype=np.int8)
    >>> round(fit_prior(levels, [np.array([0.99, 0.01])], [np.array([0.01, 0.99])]), 2)
    0.3
    """
    if not len(levels):
        return _FLOOR
    patterns, counts = _patterns(levels)
    prior = 0.1
    for _ in range(max_iterations):
        posterior = _posterior(patterns, m, u, prior)
        new = float(np.clip((posterior * counts).sum() / counts.sum(), _FLOOR, 1 - _FLOOR))
        if abs(new - prior) < 1e-7:
            return new
        prior = new
    return prior
