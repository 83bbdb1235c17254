"""Independent reference solutions, written for clarity rather than speed."""

from __future__ import annotations

import itertools
from collections import Counter
from fractions import Fraction
from math import factorial

import numpy as np


def paths_of(journey, at, channel, converted):
    """Each journey's channel sequence (by time), and whether it converted."""
    by_journey: dict[int, list[tuple[int, int, int]]] = {}
    for row, (j, t, c) in enumerate(zip(journey, at, channel, strict=True)):
        by_journey.setdefault(int(j), []).append((int(t), row, int(c)))
    return [
        ([c for _, _, c in sorted(by_journey[j])], bool(converted[j])) for j in sorted(by_journey)
    ]


def _solve_exact(matrix, rhs):
    """Gauss-Jordan elimination in exact rational arithmetic."""
    n = len(rhs)
    rows = [[*matrix[i], rhs[i]] for i in range(n)]
    for col in range(n):
        pivot = next(r for r in range(col, n) if rows[r][col] != 0)
        rows[col], rows[pivot] = rows[pivot], rows[col]
        lead = rows[col][col]
        rows[col] = [value / lead for value in rows[col]]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][n] for i in range(n)]


def markov_removal_exact(paths, channels: int, order: int = 1):
    """Removal effects by one exact rational solve per removed channel.

    States are tuples of the last ``order`` channels (shorter at the start of a path).
    """
    counts: Counter[tuple[object, object]] = Counter()
    for sequence, converted in paths:
        windows = [tuple(sequence[max(0, i - order + 1) : i + 1]) for i in range(len(sequence))]
        states = ["start", *windows, "conv" if converted else "null"]
        counts.update(itertools.pairwise(states))
    transient = ["start", *sorted({a for a, _ in counts if a != "start"})]
    totals = Counter()
    for (a, _), n in counts.items():
        totals[a] += n

    def conversion(removed):
        size = len(transient)
        matrix = [[Fraction(int(i == j)) for j in range(size)] for i in range(size)]
        rhs = [Fraction(0)] * size
        for i, a in enumerate(transient):
            if (a != "start" and removed in a) or totals[a] == 0:
                continue
            for j, b in enumerate(transient):
                matrix[i][j] -= Fraction(counts[(a, b)], totals[a])
            rhs[i] = Fraction(counts[(a, "conv")], totals[a])
        return _solve_exact(matrix, rhs)[0]

    full = conversion(None)
    effects = [1 - conversion(k) / full if full else Fraction(0) for k in range(channels)]
    total = sum(effects)
    return full, effects, [e / total if total else Fraction(0) for e in effects]


def shapley_brute_force(players, worth):
    """Shapley values by averaging marginal contributions over every ordering."""
    result = dict.fromkeys(players, 0.0)
    for order in itertools.permutations(players):
        coalition: frozenset[int] = frozenset()
        for player in order:
            result[player] += worth(coalition | {player}) - worth(coalition)
            coalition = coalition | {player}
    count = factorial(len(players))
    return {player: value / count for player, value in result.items()}


def random_journeys(rng: np.random.Generator, *, journeys: int, channels: int, touches: int):
    """Small random touch columns and outcomes for property and reference tests."""
    journey = rng.integers(0, journeys, touches)
    at = rng.integers(0, 1_000, touches)
    channel = rng.integers(0, channels, touches)
    converted = rng.random(journeys) < 0.4
    return journey, at, channel, converted
