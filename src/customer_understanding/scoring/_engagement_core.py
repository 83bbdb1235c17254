"""The vectorised engagement kernel: decayed, capped points per (entity, signal).

Kept apart from the scorer class so it works on plain arrays (and is benchmarked that way):
one pass over the interactions in cache-sized blocks adds each row to its (entity, signal)
cell; only rows of cells over a cap are read again, and only they are sorted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


#: Rows per block: a block's temporaries stay in the processor's cache, and no array as
#: long as the interactions is ever made (memory a process touches for the first time
#: costs page faults, a large part of a cold call).
_BLOCK = 1 << 15

Counts = npt.NDArray[np.signedinteger[Any]]


@attrs.frozen(kw_only=True)
class _Rows:
    """The interactions and how to read them: which count, and their cells and ages."""

    contact: Ints
    signal: Ints
    occurred_at: Ints
    lookup: Ints | None
    kinds: int
    as_of: int
    since: int | None

    def block(self, start: int) -> tuple[Ints, Ints]:
        """The cells and ages of the rows that count among ``start`` to ``start + _BLOCK``."""
        block = slice(start, start + _BLOCK)
        code = self.signal[block] if self.lookup is None else self.lookup.take(self.signal[block])
        contact = self.contact[block]
        age = self.as_of - self.occurred_at[block]
        # The boundary rule: t <= as_of counts (age >= 0). NAT, the int64 minimum, wraps
        # round to a negative age unless as_of itself is negative. Negative entities and
        # codes make (c | s) negative.
        counts = (age >= 0) & ((contact | code) >= 0)
        if self.as_of < 0:
            counts &= self.occurred_at[block] != NAT
        if self.since is not None:
            counts &= self.occurred_at[block] > self.since  # the window is (since, as_of]
        cell = contact * self.kinds
        cell += code
        return cell.compress(counts), age.compress(counts)

    def starts(self) -> range:
        """Where each block starts."""
        return range(0, len(self.contact), _BLOCK)


def _sums(rows: _Rows, half_life_days: float | None, cells: int) -> tuple[Counts, Floats]:
    """Per cell, the number of rows and the sum of their decay, added in row order."""
    narrow = len(rows.contact) < 2**31  # int32 counts cannot overflow: half the memory
    count: Counts = np.zeros(cells, np.int32 if narrow else np.int64)
    decayed = np.zeros(cells)
    one = count.dtype.type(1)  # a typed scalar keeps np.add.at on its fast path
    for start in rows.starts():
        cell, age = rows.block(start)
        np.add.at(count, cell, one)
        np.add.at(decayed, cell, half_life_decay(age, half_life_days))
    return count, decayed


def _only(lookup: Ints | None, keep: npt.NDArray[np.bool_]) -> Ints:
    """``lookup`` (the identity when ``None``) with signals not in ``keep`` mapped to -1."""
    table = np.append(np.arange(len(keep)), -1) if lookup is None else lookup.copy()
    known = table >= 0
    table[known] = np.where(keep[table[known]], table[known], -1)
    return table


def _capped(
    rows: _Rows,
    count: Counts,
    *,
    caps: Floats,
    period_days: float,
    half_life_days: float | None,
) -> tuple[Ints, Floats, Floats]:
    """Cells with more rows than their cap in some period, their counts and decayed sums.

    A row counts ``min(1, cap / n)`` where ``n`` counts the rows of its (entity, signal,
    period). Only cells with more rows than the cap in total can be over it in one period,
    so only their rows are read again and grouped by period (the one sort, over few rows).
    """
    kinds = len(caps)
    over = np.zeros(len(count) + 1, dtype=bool)  # the extra cell stands for "no cell"
    grid, flags = count.reshape(-1, kinds), over[:-1].reshape(-1, kinds)
    capped = np.isfinite(caps)
    for kind in np.flatnonzero(capped):
        flags[:, kind] = grid[:, kind] > caps[kind]
    if not over.any():
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
    rows = attrs.evolve(rows, lookup=_only(rows.lookup, capped))  # read capped signals only
    cells, ages = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for start in rows.starts():
        cell, age = rows.block(start)
        mine = over[cell]
        cells.append(cell[mine])
        ages.append(age[mine])
    cell, age = np.concatenate(cells), np.concatenate(ages)
    bucket = age // int(period_days * DAY_NS)
    group = cell * (int(bucket.max()) + 1) + bucket
    _, inverse, counts = np.unique(group, return_inverse=True, return_counts=True)
    factor = np.minimum(1.0, caps[cell % kinds] / counts[inverse])
    # Sums in row order, exactly as adding every row of the cell one by one would give.
    touched, at = np.unique(cell, return_inverse=True)
    capped_count = np.bincount(at, weights=factor, minlength=len(touched))
    weighted = np.bincount(at, weights=half_life_decay(age, half_life_days) * factor)
    return touched, np.asarray(capped_count, np.float64), np.asarray(weighted, np.float64)


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
    lookup: Ints | None = None,
) -> ContactPoints:
    """Score ``size`` entities from interactions coded by ``signal`` (index into ``weights``).

    ``signal`` is -1 for interactions that carry no points; with ``lookup``, ``signal``
    holds codes (e.g. interaction types, -1 for unknown) that ``lookup`` maps to signals.
    ``caps`` holds, per signal, the most interactions that count per entity and period
    (``inf`` for no cap).
    """
    kinds = len(weights)
    rows = _Rows(
        contact=contact, signal=signal, occurred_at=occurred_at,
        lookup=None if lookup is None else np.append(np.asarray(lookup, np.int64), -1),
        kinds=kinds, as_of=as_of,
        since=None if window_days is None else as_of - int(window_days * DAY_NS),
    )  # fmt: skip
    count, decayed = _sums(rows, half_life_days, size * kinds)
    touched = np.zeros(0, np.int64)
    if caps is not None and np.isfinite(caps).any():
        touched, capped_count, capped_decayed = _capped(
            rows, count, caps=caps, period_days=cap_period_days, half_life_days=half_life_days
        )
    cells = np.flatnonzero(count != 0)  # a mask first: nonzero is fastest on booleans
    value = count[cells].astype(np.float64)
    del count  # the per-cell sums go as soon as read: the reasons reuse their memory
    total = decayed[cells]
    del decayed
    if len(touched):
        at = np.searchsorted(cells, touched)
        value[at] = capped_count
        total[at] = capped_decayed
    code = np.empty(len(cells), dtype=np.int32)
    np.remainder(cells, max(kinds, 1), out=code, casting="unsafe")
    row = np.floor_divide(cells, max(kinds, 1), out=cells)
    weight = weights[code]
    contribution = weight * total
    return ContactPoints(
        score=np.asarray(np.bincount(row, weights=contribution, minlength=size), np.float64),
        row=row,
        signal=code,
        value=value,
        weight=weight,
        decay=np.divide(total, value, out=total),
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
    count = np.zeros(size * kinds)
    total = np.zeros(size * kinds)
    for start in range(0, len(points.row), _BLOCK):  # blocks keep temporaries small
        block = slice(start, start + _BLOCK)
        person = points.row[block]
        owner = account[person]
        key = owner * kinds
        key += points.signal[block]
        value = points.value[block]
        scaled = points.contribution[block] * person_weight[person]
        if len(owner) and owner.min() < 0:  # people without an account count nowhere
            keep = owner >= 0
            key, value, scaled = key[keep], value[keep], scaled[keep]
        np.add.at(count, key, value)
        np.add.at(total, key, scaled)
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
