r"""Exact Shapley values over the coalitions of channels that journeys touched.

Definition used here. Let the *channel set* of a journey be the distinct channels among
its in-scope touches, and for any set ``S`` of channels let ``v(S)`` be the conversion
rate of the journeys (converted or not) whose channel set is exactly ``S`` (0 when no
journey has that set). For a converted journey with channel set ``T`` the game is ``v``
restricted to the subsets of ``T``; channel ``k`` in ``T`` receives

    credit_k = value * phi_k / v(T)
    phi_k = sum over S in subsets of T without k of
            |S|! (|T| - |S| - 1)! / |T|! * (v(S + {k}) - v(S))

Because the φ_k add up to ``v(T) - v(∅) = v(T)``, the credits add up to the outcome's
value. A φ_k can be negative (the journeys with ``k`` added converted less often); such
channels then receive negative credit. Exact enumeration costs ``2 ** |T|`` per distinct
converted channel set, so ``max_channels`` caps ``|T|``.
"""

from __future__ import annotations

from math import factorial

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys._attribution import Attribution, credit_channels
from customer_understanding.journeys._paths import (
    AFTER_OUTCOME,
    AfterOutcome,
    Floats,
    Ints,
    Outcomes,
    Paths,
    Touches,
    prepare,
)

__all__ = ["ShapleyValue", "channel_sets", "shapley_of_set"]

_MOST = 20  # 2 ** 20 coalitions per channel set is as far as exact enumeration goes


def channel_sets(paths: Paths) -> Ints:
    """Each journey's distinct channels as a bit mask (bit ``k`` for channel ``k``).

    Examples
    --------
    >>> touches = Touches(journey=[0, 0, 1], at=[1, 2, 1], channel=[2, 0, 2],
    ...                   channels=("a", "b", "c"))
    >>> channel_sets(prepare(touches, Outcomes(converted=[True, False]))).tolist()
    [5, 4]
    """
    if len(paths.channels) > 62:
        msg = f"channels={len(paths.channels)} must be at most 62 for Shapley values"
        raise InvalidValueError(msg)
    masks = np.zeros(paths.journeys, dtype=np.int64)
    bits = np.left_shift(np.int64(1), paths.channel)
    np.bitwise_or.at(masks, paths.journey, bits)
    return masks


def shapley_of_set(members: Ints, value: dict[int, float]) -> Floats:
    r"""Exact Shapley values of the channels in ``members`` for the game ``value``.

    ``value`` maps a channel-set bit mask to its worth (missing sets are worth 0).

    Examples
    --------
    >>> shapley_of_set(np.array([0, 1]), {1: 0.2, 2: 0.0, 3: 0.6}).round(6).tolist()
    [0.4, 0.2]
    """
    size = len(members)
    local = np.arange(1 << size, dtype=np.int64)
    bits = (local[:, None] >> np.arange(size)) & 1
    masks = (bits << members[None, :]).sum(axis=1)
    worth = np.array([value.get(int(mask), 0.0) for mask in masks])
    sizes = bits.sum(axis=1)
    weight = np.array(
        [factorial(s) * factorial(size - s - 1) / factorial(size) for s in range(size)]
    )
    result = np.empty(size)
    for position in range(size):
        without = np.flatnonzero(bits[:, position] == 0)
        gain = worth[without | (1 << position)] - worth[without]
        result[position] = float((weight[sizes[without]] * gain).sum())
    return result


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class ShapleyValue:
    """Credit by exact Shapley values of conversion rates over channel sets.

    See the module documentation for the precise game. Journeys without touches in scope
    take no part in the game.

    Examples
    --------
    >>> touches = Touches(journey=[0, 0, 1, 2], at=[1, 2, 1, 1], channel=[0, 1, 0, 1],
    ...                   channels=("ads", "web"))
    >>> outcomes = Outcomes(converted=[True, True, False], value=[10.0, 5.0, 0.0])
    >>> ShapleyValue().attribute(touches, outcomes).by_channel().tolist()
    [15.0, 0.0]
    """

    max_channels: int = attrs.field(default=12)
    after_outcome: AfterOutcome = attrs.field(default="exclude", validator=AFTER_OUTCOME)
    name = "shapley_value"

    @max_channels.validator
    def _in_range(self, attribute: attrs.Attribute[int], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MOST:
            msg = f"max_channels={value!r} must be an integer between 1 and {_MOST}"
            raise InvalidValueError(msg)

    def attribute(self, touches: Touches, outcomes: Outcomes) -> Attribution:
        """Share each converted journey's value by the Shapley values of its channels."""
        paths = prepare(touches, outcomes, after_outcome=self.after_outcome)
        masks = channel_sets(paths)
        phi = self._values(masks, outcomes.converted, paths.touch_counts > 0)
        keys = np.array(sorted(phi), dtype=np.int64)
        table = np.zeros((len(keys) + 1, len(paths.channels)))
        for row, mask in enumerate(keys):
            table[row, _members(int(mask))] = phi[int(mask)]
        found = np.searchsorted(keys, masks)
        found = np.where(
            (found < len(keys)) & (keys[np.minimum(found, len(keys) - 1)] == masks)
            if len(keys)
            else False,
            found,
            len(keys),
        )
        per_touch = table[found[paths.journey], paths.channel]
        return credit_channels(
            self.name, touches, paths=paths, outcomes=outcomes, channel_weight=per_touch
        )

    def _values(
        self, masks: Ints, converted: npt.NDArray[np.bool_], active: npt.NDArray[np.bool_]
    ) -> dict[int, Floats]:
        unique, inverse = np.unique(masks[active], return_inverse=True)
        journeys = np.bincount(inverse, minlength=len(unique))
        wins = np.bincount(inverse, weights=converted[active], minlength=len(unique))
        rate = {int(m): float(w / n) for m, w, n in zip(unique, wins, journeys, strict=True)}
        result: dict[int, Floats] = {}
        for mask in unique[wins > 0]:
            members = _members(int(mask))
            if len(members) > self.max_channels:
                msg = (
                    f"a converted journey touched {len(members)} channels, more than "
                    f"max_channels={self.max_channels!r}"
                )
                raise InvalidValueError(msg)
            result[int(mask)] = shapley_of_set(members, rate)
        return result


def _members(mask: int) -> Ints:
    return np.array([bit for bit in range(mask.bit_length()) if mask >> bit & 1], dtype=np.int64)
