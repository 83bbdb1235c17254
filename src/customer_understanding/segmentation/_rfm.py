"""RFM: recency, frequency and monetary value of won deals, scored against kept cut-offs."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    DAY_NS,
    column,
    floats,
    known_by,
    one_of,
    same_array,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.base import Tables
from customer_understanding.segmentation._segmentation import Segmentation
from customer_understanding.tables import NAT
from customer_understanding.typing import AsOf, BaseLike, Level

__all__ = ["RFM_SEGMENTS", "RFMModel", "RFMSegmenter", "rfm_values"]

#: The named groups RFM scores map to, in the order they are tried.
RFM_SEGMENTS = (
    "champions",
    "new",
    "promising",
    "loyal",
    "at_risk",
    "hibernating",
    "needs_attention",
)


def rfm_values(tables: Tables, /, *, as_of: AsOf) -> tuple[npt.NDArray[np.float64], ...]:
    """Per account row: days since the last won deal, won deals, and their total amount.

    Only deals closed (won) at or before ``as_of`` count; accounts without one get ``nan``
    recency.

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> tables = CustomerBase.build([]).tables
    >>> recency, frequency, monetary = rfm_values(tables, as_of="2026-06-01")
    >>> len(recency)
    0
    """
    as_of = tables.moment(as_of)
    deals = tables.opportunities
    closed = deals.column("closed_at")
    won = (deals.column("outcome") == deals.code_of("outcome", "won")) & (
        deals.column("account") >= 0
    )
    won &= known_by(closed, as_of)
    account = deals.column("account")[won]
    size = len(tables.accounts)
    frequency = np.bincount(account, minlength=size).astype(np.float64)
    amount = np.nan_to_num(deals.column("amount")[won])
    monetary = np.bincount(account, weights=amount, minlength=size).astype(np.float64)
    last = np.full(size, NAT, dtype=np.int64)
    np.maximum.at(last, account, closed[won])
    recency = np.where(last == NAT, np.nan, (as_of - last.astype(np.float64)) / DAY_NS)
    return recency, frequency, monetary


def _cutoffs(values: npt.NDArray[np.float64], bins: int) -> npt.NDArray[np.float64]:
    known = values[~np.isnan(values)]
    if not len(known):
        return np.zeros(0)
    return np.unique(np.quantile(known, np.linspace(0, 1, bins + 1)[1:-1]))


def _score(
    values: npt.NDArray[np.float64], cutoffs: npt.NDArray[np.float64], *, reverse: bool, bins: int
) -> npt.NDArray[np.int64]:
    """1 … ``bins`` by position among the cut-offs; equal values always share a score."""
    rank = np.searchsorted(cutoffs, values, side="left") + 1
    rank = np.minimum(rank, bins)
    return np.where(np.isnan(values), 0, bins + 1 - rank if reverse else rank).astype(np.int64)


def _bins(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    whole = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not whole or not 2 <= value <= 10:  # type: ignore[operator]
        msg = f"{attribute.name}={value!r} must be an integer between 2 and 10"
        raise InvalidValueError(msg)


_SAME: Any = attrs.cmp_using(eq=same_array)


def _recency(value: Any) -> npt.NDArray[np.float64]:
    return column(floats, value, name="recency_cutoffs")


def _frequency(value: Any) -> npt.NDArray[np.float64]:
    return column(floats, value, name="frequency_cutoffs")


def _monetary(value: Any) -> npt.NDArray[np.float64]:
    return column(floats, value, name="monetary_cutoffs")


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class RFMModel:
    """RFM cut-offs learnt at one time, reusable at another.

    Attributes
    ----------
    bins
        Scores run from 1 to ``bins``.
    recency_cutoffs, frequency_cutoffs, monetary_cutoffs
        Ascending cut-offs; a value equal to a cut-off falls in the lower bin.

    Examples
    --------
    >>> model = RFMModel(bins=3, recency_cutoffs=[30, 90], frequency_cutoffs=[1, 3],
    ...                  monetary_cutoffs=[1000, 5000])
    >>> model.segment_names[0]
    'champions'
    """

    bins: int = attrs.field(validator=_bins)
    recency_cutoffs: npt.NDArray[np.float64] = attrs.field(converter=_recency, eq=_SAME)
    frequency_cutoffs: npt.NDArray[np.float64] = attrs.field(converter=_frequency, eq=_SAME)
    monetary_cutoffs: npt.NDArray[np.float64] = attrs.field(converter=_monetary, eq=_SAME)

    @property
    def segment_names(self) -> tuple[str, ...]:
        """The RFM groups."""
        return RFM_SEGMENTS

    def scores(self, base: BaseLike, /, *, as_of: AsOf) -> pd.DataFrame:
        """Per account (``account_id``): recency (days), frequency, monetary, scores ``r f m``.

        Accounts without a won deal score 0 on each.
        """
        tables = base.tables
        recency, frequency, monetary = rfm_values(tables, as_of=as_of)
        bought = ~np.isnan(recency)
        frequency = np.where(bought, frequency, np.nan)
        monetary = np.where(bought, monetary, np.nan)
        return pd.DataFrame(
            {
                "account_id": tables.accounts.column("id"),
                "recency": recency,
                "frequency": frequency,
                "monetary": monetary,
                "r": _score(recency, self.recency_cutoffs, reverse=True, bins=self.bins),
                "f": _score(frequency, self.frequency_cutoffs, reverse=False, bins=self.bins),
                "m": _score(monetary, self.monetary_cutoffs, reverse=False, bins=self.bins),
            }
        )

    def assign(self, base: BaseLike, /, *, as_of: AsOf) -> Segmentation:
        """Map each account's R and F scores to an RFM group (none without a won deal)."""
        moment = base.tables.moment(as_of)
        frame = self.scores(base, as_of=moment)
        r, f = frame["r"].to_numpy(), frame["f"].to_numpy()
        high_r, low_r = r > 0.6 * self.bins, r <= 0.4 * self.bins
        high_f, low_f = f > 0.6 * self.bins, f <= 1
        rules = [
            high_r & high_f,
            high_r & low_f,
            high_r,
            high_f & ~low_r,
            low_r & (f > 0.4 * self.bins),
            low_r,
            r > 0,
        ]
        segment = np.select(rules, np.arange(len(rules)), default=-1)
        segment[r == 0] = -1
        return Segmentation(
            segmenter="rfm",
            level="account",
            as_of=moment,
            ids=frame["account_id"].to_numpy(),
            segment=segment,
            segments=RFM_SEGMENTS,
        )


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class RFMSegmenter:
    """RFM segments of accounts from their won deals, with quantile cut-offs learnt by :meth:`fit`.

    Cut-offs are quantiles of the observed values; because scores come from comparing
    values with cut-offs, tied values always get the same score. The fitted
    :class:`RFMModel` keeps the cut-offs so later periods are scored on the same scale.

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> from customer_understanding.datasets import generate_world
    >>> world = generate_world(accounts=20, interactions=800, defects=False)
    >>> base = CustomerBase.build(world.as_sources())
    >>> model = RFMSegmenter(bins=3).fit(base, as_of="2026-06-01")
    >>> model.assign(base, as_of="2026-06-01").segments[:2]
    ('champions', 'new')
    """

    bins: int = attrs.field(default=5, validator=_bins)
    level: Level = attrs.field(default="account", validator=one_of("account"))

    @property
    def name(self) -> str:
        """The registry name of this segmenter."""
        return "rfm"

    def fit(self, base: BaseLike, /, *, as_of: AsOf) -> RFMModel:
        """Learn the cut-offs from the accounts' won deals up to ``as_of``."""
        recency, frequency, monetary = rfm_values(base.tables, as_of=as_of)
        bought = ~np.isnan(recency)
        return RFMModel(
            bins=self.bins,
            recency_cutoffs=_cutoffs(recency[bought], self.bins),
            frequency_cutoffs=_cutoffs(frequency[bought], self.bins),
            monetary_cutoffs=_cutoffs(monetary[bought], self.bins),
        )
