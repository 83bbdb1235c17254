"""Markov removal-effect attribution: 1M synthetic journeys (about 3M touches).

Prints, in one run:

- the time of ``MarkovRemovalEffect().fit`` (sorting check, scope rule, transition counts
  and the exact solve) against the target of 0.5 s, best of ``--repeat`` runs;
- the same fit on the touches shuffled into random order (sorting included; the target
  assumes touches sorted by journey then time, as the library's own builders give them),
  and the second-order chain's fit time;
- the time and shares of an independent exact solution written differently (pairs
  counted by sorting with ``np.unique``, one dense ``np.linalg.solve`` per removed
  channel) and the largest share difference, which must be below 1e-9;
- the time and shares of the published ``ChannelAttribution`` package (``markov_model``,
  order 1, which estimates removal effects by simulation) when it is installed; it is a
  benchmark-only package (``pip install channelattribution matplotlib``).

Run with ``python benchmarks/journeys_markov.py --journeys 1000000``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from customer_understanding.journeys import MarkovRemovalEffect, Outcomes, Touches

T = TypeVar("T")
CHANNELS = (
    "paid_search", "organic", "email", "webinar", "event", "social",
    "display", "direct", "partner", "sales_call",
)  # fmt: skip
DAY = 86_400 * 10**9


def synthetic(journeys: int, seed: int) -> tuple[Touches, Outcomes]:
    """Journeys of 1-6 touches (mean about 3) walking a random channel chain."""
    rng = np.random.default_rng(seed)
    k = len(CHANNELS)
    lengths = rng.choice(np.arange(1, 7), size=journeys, p=(0.2, 0.2, 0.2, 0.2, 0.1, 0.1))
    journey = np.repeat(np.arange(journeys, dtype=np.int64), lengths)
    popularity = rng.dirichlet(np.ones(k) * 2)
    channel = rng.choice(k, size=len(journey), p=popularity)
    step = rng.integers(1, 5 * DAY, len(journey))
    first = np.zeros(journeys + 1, dtype=np.int64)
    np.cumsum(lengths, out=first[1:])
    at = np.cumsum(step)
    at -= np.repeat(at[first[:-1]], lengths)
    lift = rng.uniform(0.0, 0.08, k)
    touched = np.zeros((journeys, k), dtype=np.bool_)
    touched[journey, channel] = True
    probability = np.clip(0.01 + touched @ lift, 0.0, 1.0)
    converted = rng.random(journeys) < probability
    touches = Touches(journey=journey, at=at, channel=channel, channels=CHANNELS)
    return touches, Outcomes(converted=converted, value=rng.gamma(2.0, 5_000.0, journeys))


def independent_shares(touches: Touches, outcomes: Outcomes) -> np.ndarray[Any, Any]:
    """Removal-effect shares by counting pairs with np.unique and one solve per removal."""
    k = len(touches.channels)
    start, conversion, null = k, k + 1, k + 2
    journey, channel = touches.journey, touches.channel
    boundary = np.flatnonzero(np.diff(journey)) + 1
    heads = np.concatenate([[0], boundary])
    tails = np.concatenate([boundary - 1, [len(journey) - 1]])
    inner = np.setdiff1d(np.arange(len(journey) - 1), tails)
    sources = np.concatenate([np.full(len(heads), start), channel[inner], channel[tails]])
    ends = np.where(outcomes.converted[journey[tails]], conversion, null)
    targets = np.concatenate([channel[heads], channel[inner + 1], ends])
    codes, counts = np.unique(sources * (k + 3) + targets, return_counts=True)
    matrix = np.zeros((k + 3, k + 3))
    matrix[codes // (k + 3), codes % (k + 3)] = counts
    matrix /= np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    transient = [*range(k), start]

    def probability(removed: int | None) -> float:
        q = matrix[np.ix_(transient, transient)].copy()
        r = matrix[transient, conversion].copy()
        if removed is not None:
            q[removed], r[removed] = 0.0, 0.0
        return float(np.linalg.solve(np.eye(k + 1) - q, r)[-1])

    full = probability(None)
    effects = np.array([1.0 - probability(c) / full for c in range(k)])
    return effects / effects.sum()


def published_shares(touches: Touches, outcomes: Outcomes) -> tuple[Any, float, float] | None:
    """ChannelAttribution's order-1 Markov shares, its own time, and the path-string time."""
    try:
        import ChannelAttribution as channel_attribution  # noqa: N813
        import pandas as pd
    except ImportError:
        return None
    started = time.perf_counter()
    labels = np.asarray(touches.channels, dtype=object)[touches.channel]
    frame = pd.DataFrame({"journey": touches.journey, "label": labels})
    path = frame.groupby("journey", sort=True)["label"].agg(" > ".join)
    converted = outcomes.converted[path.index.to_numpy()]
    data = pd.DataFrame({"path": path.to_numpy(), "conv": converted, "null": ~converted})
    data = data.groupby("path", as_index=False)[["conv", "null"]].sum()
    strings = time.perf_counter() - started
    started = time.perf_counter()
    result = channel_attribution.markov_model(
        data, "path", "conv", var_null="null", order=1, verbose=False, flg_pro=False
    )
    elapsed = time.perf_counter() - started
    totals = result.set_index("channel_name")["total_conversions"]
    shares = totals.reindex(list(touches.channels)).fillna(0.0).to_numpy()
    return shares / shares.sum(), elapsed, strings


def _best(work: Callable[[], T], repeat: int) -> tuple[T, float]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    assert result is not None
    return result, min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    touches, outcomes = synthetic(args.journeys, args.seed)
    print(
        f"{args.journeys:,} journeys, {len(touches):,} touches, {len(CHANNELS)} channels, "
        f"{int(outcomes.converted.sum()):,} conversions"
    )
    fit, ours = _best(lambda: MarkovRemovalEffect().fit(touches, outcomes), args.repeat)
    print(
        f"customer_understanding fit     {ours:8.3f} s   target < 0.5 s: "
        f"{'met' if ours < 0.5 else 'MISSED'}"
    )
    shuffle = np.random.default_rng(args.seed).permutation(len(touches))
    shuffled = Touches(
        journey=touches.journey[shuffle],
        at=np.take(touches.at, shuffle),
        channel=touches.channel[shuffle],
        channels=touches.channels,
    )
    unsorted, unsorted_time = _best(lambda: MarkovRemovalEffect().fit(shuffled, outcomes), 1)
    same = bool(np.allclose(unsorted.shares, fit.shares, rtol=0, atol=1e-12))
    print(
        f"customer_understanding fit, touches in random order {unsorted_time:6.3f} s "
        f"(sorting included; same shares: {same})"
    )
    second, seconds = _best(lambda: MarkovRemovalEffect(order=2).fit(touches, outcomes), 1)
    print(f"customer_understanding order 2 {seconds:8.3f} s   ({len(second.states)} states)")
    reference, dense = _best(lambda: independent_shares(touches, outcomes), 1)
    gap = float(np.abs(fit.shares - reference).max())
    print(
        f"independent dense solve        {dense:8.3f} s   ratio {dense / ours:6.1f}x   "
        f"max share difference {gap:.2e} ({'ok' if gap < 1e-9 else 'FAILED'} < 1e-9)"
    )
    published = published_shares(touches, outcomes)
    if published is None:
        print("ChannelAttribution             not installed (pip install channelattribution)")
    else:
        shares, elapsed, strings = published
        print(
            f"ChannelAttribution markov_model {elapsed:7.3f} s   ratio {elapsed / ours:6.1f}x   "
            f"(+ {strings:.2f} s building path strings)   "
            f"max share difference {float(np.abs(shares - fit.shares).max()):.2e} (simulated)"
        )
    print(f"\n{'channel':<12} {'ours':>9} {'dense':>9} {'published':>9}")
    for index, name in enumerate(CHANNELS):
        other = f"{published[0][index]:9.5f}" if published else f"{'-':>9}"
        print(f"{name:<12} {fit.shares[index]:9.5f} {reference[index]:9.5f} {other}")


if __name__ == "__main__":
    main()
