"""Exact first-order Markov removal effects, solved on the absorbing chain.

The chain has one transient state per channel plus ``start``, and two absorbing states,
``conversion`` and ``null``. Transition probabilities are the observed transition counts
of the in-scope paths (start → first channel, channel → next channel, last channel →
conversion or null), normalised per row. The conversion probability ``P`` is the chance
of absorption in ``conversion`` from ``start``, found by solving ``(I - Q) x = r``. The
*removal effect* of channel ``k`` is ``1 - P_without_k / P``, where ``P_without_k`` is the
same probability once every visit to ``k`` is sent to ``null``. Nothing is simulated.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    TableExport,
    frozen_array,
    html_table,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys._attribution import Attribution, credit_channels
from customer_understanding.journeys._columns import (
    checked,
    floats,
    labels,
    probability,
    shown,
)
from customer_understanding.journeys._markov_order import removal_probabilities, state_chain
from customer_understanding.journeys._paths import (
    AFTER_OUTCOME,
    AfterOutcome,
    Floats,
    Outcomes,
    Paths,
    Touches,
    prepare,
)

__all__ = ["MarkovRemovalEffect", "RemovalEffects", "transition_counts"]


def _matrix(value: object) -> npt.NDArray[np.int64]:
    try:
        array = np.asarray(value, dtype=np.int64)
    except (TypeError, ValueError, OverflowError):
        array = np.zeros(0, dtype=np.int64)
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        msg = f"counts={shown(value)} must be a square matrix of integers"
        raise InvalidValueError(msg)
    return frozen_array(array)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class RemovalEffects(TableExport):
    """The fitted absorbing chain and each channel's removal effect.

    Attributes
    ----------
    channels
        Channel labels.
    counts
        Transition counts, a square matrix over ``channels + (start, conversion, null)``.
    conversion_probability
        ``P``: probability of absorption in ``conversion`` from ``start``.
    removal_effects
        ``1 - P_without_k / P`` per channel (zeros when ``P`` is zero).
    states
        For ``order > 1``, the label of each state (``"ads>web"``); ``counts`` is then
        over ``states + (start, conversion, null)``. Empty for order 1.

    Examples
    --------
    >>> touches = Touches(journey=[0, 0, 1], at=[1, 2, 1], channel=[0, 1, 1],
    ...                   channels=("ads", "web"))
    >>> fit = MarkovRemovalEffect().fit(touches, Outcomes(converted=[True, False]))
    >>> fit.conversion_probability, fit.removal_effects.tolist()
    (0.5, [0.5, 1.0])
    """

    channels: tuple[str, ...] = attrs.field(converter=labels, validator=checked)
    counts: npt.NDArray[np.int64] = attrs.field(converter=_matrix, validator=checked)
    conversion_probability: float = attrs.field(validator=probability)
    removal_effects: Floats = attrs.field(converter=floats, validator=checked)
    states: tuple[str, ...] = attrs.field(default=(), converter=labels, validator=checked)

    def __attrs_post_init__(self) -> None:
        size = len(self.states or self.channels) + 3
        if len(self.removal_effects) != len(self.channels):
            msg = (f"removal_effects has {len(self.removal_effects)} values but there are "
                   f"{len(self.channels)} channels")  # fmt: skip
            raise InvalidValueError(msg)
        if self.counts.shape != (size, size):
            msg = f"counts has shape {self.counts.shape} but must be {(size, size)}"
            raise InvalidValueError(msg)

    def __len__(self) -> int:
        """The number of channels (the rows of :meth:`to_pandas`)."""
        return len(self.channels)

    def __repr__(self) -> str:
        return summary("RemovalEffects", len(self),
                       conversion_probability=f"{self.conversion_probability:.4g}")  # fmt: skip

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per channel: its ``removal_effect`` and its ``share`` of all effects.

        Examples
        --------
        >>> touches = Touches(journey=[0], at=[1], channel=[0], channels=("ads",))
        >>> MarkovRemovalEffect().fit(touches, Outcomes(converted=[True])).to_pandas()
          channel  removal_effect  share
        0     ads             1.0    1.0
        """
        effects = self.removal_effects
        return pd.DataFrame(
            {"channel": list(self.channels), "removal_effect": effects, "share": self.shares}
        )

    @property
    def shares(self) -> Floats:
        """Removal effects normalised to add up to one (zeros when all are zero)."""
        total = self.removal_effects.sum()
        return self.removal_effects / total if total > 0 else self.removal_effects

    def transition_matrix(self) -> pd.DataFrame:
        """Transition probabilities with labelled rows (from) and columns (to)."""
        labels = [*(self.states or self.channels), "(start)", "(conversion)", "(null)"]
        totals = self.counts.sum(axis=1, keepdims=True)
        probabilities = np.divide(
            self.counts, totals, out=np.zeros(self.counts.shape), where=totals > 0
        )
        return pd.DataFrame(probabilities, index=labels, columns=labels)


def transition_counts(paths: Paths, converted: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """Count first-order transitions over ``channels + (start, conversion, null)``.

    Examples
    --------
    >>> touches = Touches(journey=[0, 0], at=[1, 2], channel=[1, 0], channels=("a", "b"))
    >>> outcomes = Outcomes(converted=[True])
    >>> transition_counts(prepare(touches, outcomes), outcomes.converted).tolist()
    [[0, 0, 0, 1, 0], [1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]
    """
    k = len(paths.channels)
    size = k + 3
    start, conversion, null = k, k + 1, k + 2
    journey, channel = paths.journey, paths.channel
    same = journey[1:] == journey[:-1]
    counts = np.bincount(channel[:-1][same] * size + channel[1:][same], minlength=size * size)
    has = np.diff(paths.first) > 0
    firsts = channel[paths.first[:-1][has]]
    lasts = channel[paths.first[1:][has] - 1]
    ends = np.where(converted[has], conversion, null)
    counts += np.bincount(start * size + firsts, minlength=size * size)
    counts += np.bincount(lasts * size + ends, minlength=size * size)
    return counts.reshape(size, size).astype(np.int64)


def _absorption(counts: npt.NDArray[np.int64]) -> Floats:
    """Conversion probability from ``start``, then the same with each channel removed.

    With ``N = (I - Q)^-1`` (the fundamental matrix) and ``x = N r`` the absorption
    probabilities, the chance of converting from ``start`` without ever visiting ``k`` is
    ``x[start] - N[start, k] / N[k, k] * x[k]``: ``N[start, k] / N[k, k]`` is the chance
    of reaching ``k`` at all, and ``x[k]`` the chance of converting from there. One
    inversion therefore gives every removal at once.
    """
    k = counts.shape[0] - 3
    totals = counts.sum(axis=1).astype(np.float64)
    probabilities = np.divide(
        counts, totals[:, None], out=np.zeros(counts.shape), where=totals[:, None] > 0
    )
    q = probabilities[: k + 1, : k + 1]
    r = probabilities[: k + 1, k + 1]
    fundamental = np.linalg.inv(np.eye(k + 1) - q)
    x = fundamental @ r
    reach = fundamental[k, :k] / np.diag(fundamental)[:k]
    without = np.clip(x[k] - reach * x[:k], 0.0, None)
    return np.asarray(np.concatenate([[x[k]], without]), dtype=np.float64)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class MarkovRemovalEffect:
    """Credit by Markov removal effect, solved exactly on the absorbing chain.

    ``order=1`` (the default) is the first-order chain over channels; ``order=2 … 4``
    uses the sequences of the last ``order`` channels as states, and removing a channel
    removes every state that contains it.

    :meth:`fit` returns the chain and the removal effects over all journeys (converted or
    not). :meth:`attribute` shares each converted journey's value over the channels it
    touched in proportion to their removal effects; a channel touched several times
    splits its share evenly between those touches.

    Examples
    --------
    >>> touches = Touches(journey=[0, 0, 1, 2, 2], at=[1, 2, 1, 1, 2],
    ...                   channel=[0, 1, 1, 0, 1], channels=("ads", "web"))
    >>> outcomes = Outcomes(converted=[True, False, False], value=[90.0, 0.0, 0.0])
    >>> result = MarkovRemovalEffect().attribute(touches, outcomes)
    >>> result.by_channel().round(6).tolist()
    [36.0, 54.0]
    """

    order: int = attrs.field(default=1)
    after_outcome: AfterOutcome = attrs.field(default="exclude", validator=AFTER_OUTCOME)
    name = "markov_removal_effect"

    @order.validator
    def _order_in_range(self, attribute: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not (isinstance(value, int) and 1 <= value <= 4):
            msg = f"order={value!r} must be an integer from 1 to 4"
            raise InvalidValueError(msg)

    def fit(self, touches: Touches, outcomes: Outcomes) -> RemovalEffects:
        """Build the absorbing chain and compute every channel's removal effect."""
        paths = prepare(touches, outcomes, after_outcome=self.after_outcome)
        return self._fit(paths, outcomes)

    def attribute(self, touches: Touches, outcomes: Outcomes) -> Attribution:
        """Share each converted journey's value by the removal effects of its channels."""
        paths = prepare(touches, outcomes, after_outcome=self.after_outcome)
        effects = self._fit(paths, outcomes).removal_effects
        return credit_channels(
            self.name,
            touches,
            paths=paths,
            outcomes=outcomes,
            channel_weight=effects[paths.channel],
        )

    def _fit(self, paths: Paths, outcomes: Outcomes) -> RemovalEffects:
        states: tuple[str, ...] = ()
        if self.order == 1:
            counts = transition_counts(paths, outcomes.converted)
            probabilities = _absorption(counts)
        else:
            chain = state_chain(paths, outcomes.converted, order=self.order, names=paths.channels)
            counts, states = chain.counts, chain.labels
            probabilities = removal_probabilities(chain)
        full = float(np.clip(probabilities[0], 0.0, 1.0))  # rounding may pass 1 by an ulp
        effects = 1.0 - probabilities[1:] / full if full > 0 else np.zeros(len(paths.channels))
        return RemovalEffects(
            channels=paths.channels,
            counts=counts,
            conversion_probability=full,
            removal_effects=np.clip(effects, 0.0, 1.0),
            states=states,
        )
