"""The vectorised engagement kernel: decayed, capped points per (entity, signal).

Kept apart from the scorer class so it works on plain arrays (and is benchmarked that way):
one pass of masks and ``bincount`` over the interactions, no sort unless caps are set.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import DAY_NS, half_life_decay, typed_fields
from customer_understanding.tables import NAT

__all__ = ["ContactPoints", "contact_points", "roll_up_points", "signal_codes"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class ContactPoints:
    """Per-entity scores and reason columns from the kernel (signal codes index ``signals``).

    Examples
    --------
    >>> points = contact_points(contact=np.array([0, 0, 1]), signal=np.array([0, 0, 1]),
    ...     occurred_at=np.array([0, 0, 0]), weights=np.array([2.0, -5.0]), as_of=1,
    ...     size=2)
    >>> points.score.tolist()
    [4.0, -5.0]
    """

    score: Floats
    row: Ints
    signal: npt.NDArray[np.int32]
    value: Floats
    weight: Floats
    decay: Floats
    contribution: Floats


def _cap_factor(
    key: Ints, age: Ints, signal: Ints, caps: Floats, period_days: float, per_key: Ints
) -> Floats | None:
    """Per-row multiplier min(1, cap / count in its (entity, signal, period)), or ``None``.

    Only rows whose (entity, signal) has more interactions than the cap in total can be
    over the cap in one period, so only those are grouped by period (the one sort).
    """
    over = np.append((per_key[:-1].reshape(-1, len(caps)) > caps).ravel(), False)
    candidate = np.flatnonzero(over[key])
    if not len(candidate):
        return None
    limit = caps[signal[candidate]]
    bucket = age[candidate] // int(period_days * DAY_NS)
    group = key[candidate] * (int(bucket.max()) + 1) + bucket
    _, inverse, counts = np.unique(group, return_inverse=True, return_counts=True)
    factor = np.ones(len(key))
    factor[candidate] = np.minimum(1.0, limit / counts[inverse])
    return factor


def contact_points(  # noqa: PLR0913 - a kernel over parallel arrays
    *,
    contact: Ints,
    signal: Ints,
    occurred_at: Ints,
    weights: Floats,
    as_of: int,
    size: int,
    half_life_days: float | None = None,
    window_days: float | None = None,
    caps: Floats | None = None,
    cap_period_days: float = 1.0,
) -> ContactPoints:
    """Score ``size`` entities from interactions coded by ``signal`` (index into ``weights``).

    ``signal`` is -1 for interactions that carry no points. ``caps`` holds, per signal, the
    most interactions that count per entity and period (``inf`` for no cap).
    """
    mask = (occurred_at < as_of) & (occurred_at != NAT) & (contact >= 0) & (signal >= 0)
    if window_days is not None:
        mask &= occurred_at >= as_of - int(window_days * DAY_NS)
    # Rows that do not count go to one extra "dump" cell instead of being copied out:
    # masking in place is several times cheaper than compacting 10^7-row arrays.
    kinds = len(weights)
    cells_total = size * kinds + 1
    key = np.where(mask, contact * kinds + signal, cells_total - 1)
    age = np.where(mask, as_of - occurred_at, 0)
    decay = half_life_decay(age, half_life_days)
    per_key = np.bincount(key, minlength=cells_total)
    factor = None if caps is None else _cap_factor(key, age, signal, caps, cap_period_days, per_key)
    if factor is None:
        count = per_key[:-1].astype(np.float64)
    else:
        decay *= factor
        count = np.asarray(np.bincount(key, weights=factor, minlength=cells_total), np.float64)[:-1]
    decayed = np.asarray(np.bincount(key, weights=decay, minlength=cells_total), np.float64)[:-1]
    cells = np.flatnonzero(count)
    row, code = np.divmod(cells, kinds)
    weight = weights[code]
    contribution = weight * decayed[cells]
    value = count[cells]
    return ContactPoints(
        score=np.bincount(row, weights=contribution, minlength=size).astype(np.float64),
        row=row,
        signal=code.astype(np.int32),
        value=value,
        weight=weight,
        decay=decayed[cells] / value,
        contribution=contribution,
    )


def roll_up_points(
    points: ContactPoints,
    *,
    account: Ints,
    person_weight: Floats,
    weights: Floats,
    size: int,
    breadth_points: float,
    breadth_cap: int,
) -> tuple[ContactPoints, Floats]:
    """Account scores: role-weighted sums of contact reasons plus points for breadth.

    ``account`` and ``person_weight`` are per contact row. Returns the account points
    (without the breadth reason) and the breadth contribution per account.

    Examples
    --------
    >>> points = contact_points(contact=np.array([0, 1]), signal=np.array([0, 0]),
    ...     occurred_at=np.array([0, 0]), weights=np.array([10.0]), as_of=1, size=2)
    >>> accounts, breadth = roll_up_points(points, account=np.array([0, 0]),
    ...     person_weight=np.array([1.0, 1.5]), weights=np.array([10.0]), size=1,
    ...     breadth_points=5.0, breadth_cap=3)
    >>> accounts.score.tolist(), breadth.tolist()
    ([30.0], [5.0])
    """
    kinds = len(weights)
    owner = account[points.row]
    keep = owner >= 0
    key = owner[keep] * kinds + points.signal[keep]
    scaled = points.contribution[keep] * person_weight[points.row[keep]]
    count = np.asarray(
        np.bincount(key, weights=points.value[keep], minlength=size * kinds), dtype=np.float64
    )
    total = np.asarray(np.bincount(key, weights=scaled, minlength=size * kinds), dtype=np.float64)
    cells = np.flatnonzero(count)
    row, code = np.divmod(cells, kinds)
    weight = weights[code]
    value = count[cells]
    with np.errstate(invalid="ignore", divide="ignore"):
        decay = np.where(weight != 0, total[cells] / (value * weight), 0.0)
    engaged = (points.score > 0) & (account >= 0)
    people = np.bincount(account[engaged], minlength=size).astype(np.float64)
    breadth = breadth_points * np.clip(people - 1, 0, breadth_cap)
    rolled = ContactPoints(
        score=np.bincount(row, weights=total[cells], minlength=size).astype(np.float64) + breadth,
        row=row,
        signal=code.astype(np.int32),
        value=value,
        weight=weight,
        decay=decay,
        contribution=total[cells],
    )
    return rolled, breadth


def signal_codes(
    type_labels: tuple[str, ...], points: Mapping[str, float]
) -> tuple[Ints, Floats, tuple[str, ...]]:
    """Map the interaction table's type codes to signal codes (-1 when worth no points).

    Examples
    --------
    >>> lookup, weights, names = signal_codes(("page_view", "note"), {"page_view": 1.0})
    >>> lookup.tolist(), weights.tolist(), names
    ([0, -1], [1.0], ('page_view',))
    """
    names = tuple(label for label in type_labels if points.get(label, 0.0) != 0.0)
    position = {name: code for code, name in enumerate(names)}
    lookup = np.array([position.get(label, -1) for label in type_labels], dtype=np.int64)
    weights = np.array([points[name] for name in names], dtype=np.float64)
    return lookup, weights, names
