"""Higher-order Markov chains: a state is the sequence of the last ``order`` channels.

At the start of a path the state holds fewer channels (``a``, then ``a>b``, then
``a>b>c`` for order 3). Removing channel ``k`` sends every state that contains ``k`` to
``null``. Each removal is one exact linear solve on the chain of states; with order 1 the
chain is the first-order chain.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys._paths import Floats, Ints, Paths

__all__ = ["MAX_STATES", "StateChain", "removal_probabilities", "state_chain"]

#: Most states a higher-order chain may have (each removal is a dense solve).
MAX_STATES = 3_000


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class StateChain:
    """Counts over ``states + (start, conversion, null)`` and the channels of each state.

    Examples
    --------
    >>> from customer_understanding.journeys import Outcomes, Touches, prepare
    >>> touches = Touches(journey=[0, 0, 0], at=[1, 2, 3], channel=[0, 1, 1],
    ...                   channels=("ads", "web"))
    >>> outcomes = Outcomes(converted=[True])
    >>> state_chain(prepare(touches, outcomes), outcomes.converted, order=2,
    ...             names=touches.channels).labels
    ('ads', 'ads>web', 'web>web')
    """

    counts: npt.NDArray[np.int64]
    members: npt.NDArray[np.bool_]
    labels: tuple[str, ...]


def _state_codes(paths: Paths, order: int) -> Ints:
    base = len(paths.channels) + 1
    if float(base) ** order >= 2.0**62:
        msg = f"order={order!r} is too high for {len(paths.channels)} channels"
        raise InvalidValueError(msg)
    codes = np.zeros(len(paths.channel), dtype=np.int64)
    for lag in range(order):
        shifted = np.zeros(len(paths.channel), dtype=np.int64)
        if lag < len(paths.channel):
            shifted[lag:] = paths.channel[: len(paths.channel) - lag] + 1
        shifted[paths.position < lag] = 0
        codes += shifted * base**lag
    return codes


def _decode(codes: Ints, *, channels: int, order: int) -> list[list[int]]:
    base = channels + 1
    states = []
    for code in codes.tolist():
        digits = [(code // base**lag) % base - 1 for lag in range(order)]
        states.append([d for d in reversed(digits) if d >= 0])
    return states


def state_chain(
    paths: Paths, converted: npt.NDArray[np.bool_], *, order: int, names: tuple[str, ...]
) -> StateChain:
    """Count the transitions of the order-``order`` chain of ``paths``."""
    unique, state = np.unique(_state_codes(paths, order), return_inverse=True)
    count = len(unique)
    if count > MAX_STATES:
        msg = f"order={order!r} gives {count} states, more than {MAX_STATES}"
        raise InvalidValueError(msg)
    size = count + 3
    start, conversion, null = count, count + 1, count + 2
    same = paths.journey[1:] == paths.journey[:-1]
    flat = np.bincount(state[:-1][same] * size + state[1:][same], minlength=size * size)
    has = np.diff(paths.first) > 0
    firsts, lasts = state[paths.first[:-1][has]], state[paths.first[1:][has] - 1]
    flat += np.bincount(start * size + firsts, minlength=size * size)
    ends = np.where(converted[has], conversion, null)
    flat += np.bincount(lasts * size + ends, minlength=size * size)
    decoded = _decode(unique, channels=len(names), order=order)
    members = np.zeros((count, len(names)), dtype=np.bool_)
    for row, channels in enumerate(decoded):
        members[row, channels] = True
    labels = tuple(">".join(names[c] for c in channels) for channels in decoded)
    counts = flat.reshape(size, size).astype(np.int64)
    return StateChain(counts=counts, members=members, labels=labels)


def removal_probabilities(chain: StateChain) -> Floats:
    """Conversion probability from start, then with each channel's states sent to null."""
    count = chain.members.shape[0]
    totals = chain.counts.sum(axis=1).astype(np.float64)
    probabilities = np.divide(
        chain.counts, totals[:, None], out=np.zeros(chain.counts.shape), where=totals[:, None] > 0
    )
    q = probabilities[: count + 1, : count + 1]
    r = probabilities[: count + 1, count + 1]
    results = [_from_start(q, r, np.zeros(count + 1, dtype=np.bool_))]
    for channel in range(chain.members.shape[1]):
        removed = np.concatenate([chain.members[:, channel], [False]])
        results.append(_from_start(q, r, removed))
    return np.asarray(results, dtype=np.float64)


def _from_start(q: Floats, r: Floats, removed: npt.NDArray[np.bool_]) -> float:
    q_cut, r_cut = q.copy(), r.copy()
    q_cut[removed] = 0.0
    r_cut[removed] = 0.0
    return float(np.linalg.solve(np.eye(len(r)) - q_cut, r_cut)[-1])
