"""The attribution result and the protocol every attribution method follows."""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import TableExport, html_table, summary, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys._columns import (
    check_count,
    checked,
    finite,
    floats,
    ints,
    is_a,
    labels,
)
from customer_understanding.journeys._paths import Floats, Outcomes, Paths, Touches

__all__ = ["Attribution", "credit_channels", "credit_weights"]


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Attribution(TableExport):
    """Credits of one attribution method: per touch, and totalled per channel.

    Attributes
    ----------
    method
        Name of the method that computed the credits.
    channels
        Channel labels; :meth:`by_channel` follows their order.
    credit
        Credit of each input touch, aligned with the :class:`Touches` rows (0.0 for
        touches out of scope). Per converted journey they add up to its value.
    journey
        Journey of each input touch (copied from the input).
    excluded_touches
        Touches left out because they came after their journey's outcome.
    unattributed_value
        Value of converted journeys that had no touch in scope.

    Examples
    --------
    >>> from customer_understanding.journeys import Linear, Outcomes, Touches
    >>> touches = Touches(journey=[0, 0], at=[1, 2], channel=[0, 1], channels=("ads", "web"))
    >>> result = Linear().attribute(touches, Outcomes(converted=[True], value=[10.0]))
    >>> result.by_channel().tolist()
    [5.0, 5.0]
    """

    method: str = attrs.field(validator=is_a(str, "a string"))
    channels: tuple[str, ...] = attrs.field(converter=labels, validator=checked)
    credit: Floats = attrs.field(converter=floats, validator=checked)
    journey: npt.NDArray[np.int64] = attrs.field(converter=ints, validator=checked)
    channel: npt.NDArray[np.int64] = attrs.field(converter=ints, validator=checked)
    excluded_touches: int = attrs.field(default=0, validator=check_count)
    unattributed_value: float = attrs.field(default=0.0, validator=finite)

    def __attrs_post_init__(self) -> None:
        sizes = {"credit": len(self.credit), "journey": len(self.journey),
                 "channel": len(self.channel)}  # fmt: skip
        if len(set(sizes.values())) > 1:
            msg = f"credit, journey and channel differ in length: {sizes}"
            raise InvalidValueError(msg)
        bad = (self.channel < 0) | (self.channel >= len(self.channels))
        if np.any(bad):
            row = int(np.flatnonzero(bad)[0])
            msg = f"channel[{row}]={int(self.channel[row])} must be in 0 … {len(self.channels) - 1}"
            raise InvalidValueError(msg)

    def __len__(self) -> int:
        """The number of channels (the rows of :meth:`to_pandas`)."""
        return len(self.channels)

    def __repr__(self) -> str:
        return summary("Attribution", len(self), method=self.method,
                       credit=f"{float(self.credit.sum()):g}")  # fmt: skip

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def by_channel(self) -> Floats:
        """Total credit per channel, in the order of :attr:`channels`."""
        totals = np.bincount(self.channel, weights=self.credit, minlength=len(self.channels))
        return np.asarray(totals, dtype=np.float64)

    def shares(self) -> Floats:
        """Each channel's share of all credit (zeros when nothing was credited)."""
        totals = self.by_channel()
        total = totals.sum()
        return totals / total if total > 0 else totals

    def to_pandas(self) -> pd.DataFrame:
        """Credit and share per channel as a new DataFrame.

        Examples
        --------
        >>> from customer_understanding.journeys import FirstTouch, Outcomes, Touches
        >>> touches = Touches(journey=[0], at=[1], channel=[0], channels=("ads",))
        >>> FirstTouch().attribute(touches, Outcomes(converted=[True])).to_pandas()
          channel  credit  share
        0     ads     1.0    1.0
        """
        return pd.DataFrame(
            {"channel": list(self.channels), "credit": self.by_channel(), "share": self.shares()}
        )


def _result(
    method: str, touches: Touches, *, paths: Paths, outcomes: Outcomes, credit: Floats
) -> Attribution:
    per_row = np.zeros(len(touches))
    per_row[paths.rows] = credit
    stranded = outcomes.converted & (paths.touch_counts == 0)
    return Attribution(
        method=method,
        channels=touches.channels,
        credit=per_row,
        journey=touches.journey,
        channel=touches.channel,
        excluded_touches=paths.excluded,
        unattributed_value=float(outcomes.outcome_values[stranded].sum()),
    )


def credit_weights(
    method: str, touches: Touches, *, paths: Paths, outcomes: Outcomes, weights: Floats
) -> Attribution:
    """Share each converted journey's value over its touches in proportion to ``weights``.

    ``weights`` follow the sorted in-scope touches of ``paths``; each journey's weights
    are normalised to add up to one, so the credits add up to the outcome value.
    """
    totals = np.bincount(paths.journey, weights=weights, minlength=paths.journeys)
    scale = (
        np.divide(outcomes.outcome_values, totals, out=np.zeros(paths.journeys), where=totals != 0)
        * outcomes.converted
    )
    return _result(
        method, touches, paths=paths, outcomes=outcomes, credit=weights * scale[paths.journey]
    )


def credit_channels(
    method: str, touches: Touches, *, paths: Paths, outcomes: Outcomes, channel_weight: Floats
) -> Attribution:
    """Credit touches by a per-(journey, channel) weight, split evenly over repeated touches.

    ``channel_weight`` has one weight per sorted in-scope touch: the weight of that touch's
    channel in its journey. A channel touched three times in a journey shares its weight
    equally between the three touches.
    """
    key = paths.journey * len(paths.channels) + paths.channel
    _, inverse, repeats = np.unique(key, return_inverse=True, return_counts=True)
    per_touch = channel_weight / repeats[inverse]
    return credit_weights(method, touches, paths=paths, outcomes=outcomes, weights=per_touch)
