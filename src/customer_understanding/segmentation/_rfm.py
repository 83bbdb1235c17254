"""RFM: recency, frequency and monetary value of revenue events, scored against kept cut-offs."""

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
    names,
    one_of,
    same_array,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.base import Tables
from customer_understanding.domain import OpportunityKind
from customer_understanding.segmentation._segmentation import Segmentation
from customer_understanding.tables import NAT
from customer_understanding.typing import AsOf, BaseLike, Level

__all__ = ["RFM_SEGMENTS", "RFMModel", "RFMSegmenter", "rfm_values"]

#: The named groups RFM scores map to, from the recency (R) and frequency (F) levels.
RFM_SEGMENTS = (
    "champions",
    "new",
    "promising",
    "loyal",
    "at_risk",
    "hibernating",
    "needs_attention",
)

# Segment code per (R level, F level), levels 0 low, 1 middle, 2 high: every level pair
# names one segment, so each segment is reachable whenever both scores reach its levels.
_GRID = np.array(
    [
        [5, 4, 4],  # R low: hibernating, then at risk when they used to buy often
        [6, 6, 3],  # R middle: needs attention, loyal when frequent
        [1, 2, 0],  # R high: new, promising, champions
    ]
)


def _kinds(value: Any) -> tuple[str, ...] | None:
    return None if value is None else names(value)


def _check_kinds(name: str, value: object) -> None:
    allowed = tuple(kind.value for kind in OpportunityKind)
    if value is not None and not (
        isinstance(value, tuple) and value and all(kind in allowed for kind in value)
    ):
        msg = f"{name}={value!r} must be None or opportunity kinds of {allowed}"
        raise InvalidValueError(msg)


def _known_kinds(instance: object, attribute: Any, value: object) -> None:
    _check_kinds(attribute.name, value)


def rfm_values(
    tables: Tables, /, *, as_of: AsOf, kinds: tuple[str, ...] | None = None
) -> tuple[npt.NDArray[np.float64], ...]:
    """Per account row: days since the last revenue event, revenue events, their total amount.

    A revenue event is a won deal closed at or before ``as_of``: new business, a renewal
    or an expansion (see :class:`~customer_understanding.OpportunityKind`). ``kinds``
    keeps only won deals of those kinds (``None``: every won deal, of any or no kind).
    Accounts without one get ``nan`` recency.

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> tables = CustomerBase.build([]).tables
    >>> recency, frequency, monetary = rfm_values(tables, as_of="2026-06-01")
    >>> len(recency)
    0
    """
    kinds = _kinds(kinds)
    _check_kinds("kinds", kinds)
    as_of = tables.moment(as_of)
    deals = tables.opportunities
    closed = deals.column("closed_at")
    won = (deals.column("outcome") == deals.code_of("outcome", "won")) & (
        deals.column("account") >= 0
    )
    won &= known_by(closed, as_of)
    if kinds is not None:
        won &= np.isin(deals.labels("kind"), kinds)
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
    """Cut-offs splitting the values into ``bins`` groups as equal as ties allow.

    Each cut-off is the first of an equal split of the values above the previous one, so
    a value shared by many (one won deal, one purchase) fills one group and the others
    still split the rest: scores reach 1 … ``bins`` whenever there are that many values.
    """
    rest = np.sort(values[~np.isnan(values)])
    cuts: list[float] = []
    for groups in range(bins, 1, -1):
        if not len(rest):
            break
        cut = float(np.quantile(rest, 1 / groups))
        rest = rest[rest > cut]
        if len(rest):
            cuts.append(cut)
    return np.asarray(cuts, dtype=np.float64)


def _score(
    values: npt.NDArray[np.float64], cutoffs: npt.NDArray[np.float64], *, reverse: bool, bins: int
) -> npt.NDArray[np.int64]:
    """1 … ``bins`` by position among the cut-offs; equal values always share a score.

    Ties can leave fewer groups than bins (half of the customers bought once); the groups
    are then spread evenly over 1 … ``bins`` so the lowest scores 1 and the highest
    ``bins``. With no cut-off at all every value scores the middle.
    """
    groups = min(len(cutoffs) + 1, bins)
    rank = np.minimum(np.searchsorted(cutoffs, values, side="left"), groups - 1)
    if groups > 1:
        rank = np.rint(rank * (bins - 1) / (groups - 1)).astype(np.int64) + 1
    else:
        rank = np.full(len(values), (bins + 1) // 2, dtype=np.int64)
    return np.where(np.isnan(values), 0, bins + 1 - rank if reverse else rank).astype(np.int64)


def _levels(scores: npt.NDArray[np.int64], bins: int) -> npt.NDArray[np.int64]:
    """0 low, 1 middle, 2 high: the bottom and top third of the scores (at least one each)."""
    edge = max(1, round(bins / 3))
    return np.where(scores <= edge, 0, np.where(scores > bins - edge, 2, 1))


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

    Scores run from 1 (longest ago, fewest, least) to ``bins`` (most recent, most
    frequent, most spent); 0 means no revenue event. Each score's bottom and top third
    (at least one score each) are its low and high levels, and each pair of R and F
    levels names one of :data:`RFM_SEGMENTS`:

    ==========  ===============  ===============  ===========
    R level     F low            F middle         F high
    ==========  ===============  ===============  ===========
    high        new              promising        champions
    middle      needs_attention  needs_attention  loyal
    low         hibernating      at_risk          at_risk
    ==========  ===============  ===============  ===========

    Attributes
    ----------
    bins
        Scores run from 1 to ``bins``; with 2 there is no middle level, so promising,
        loyal and needs_attention stay empty.
    recency_cutoffs, frequency_cutoffs, monetary_cutoffs
        Ascending cut-offs; a value equal to a cut-off falls in the lower bin.
    kinds
        The opportunity kinds that count as revenue events (``None``: every won deal).

    Examples
    --------
    >>> model = RFMModel(bins=3, recency_cutoffs=[30, 90], frequency_cutoffs=[1, 3],
    ...                  monetary_cutoffs=[1000, 5000])
    >>> model.segment_names[0]
    'champions'
    >>> model.score_values(recency=[10, 200], frequency=[5, 1], monetary=[9000, 500])
       recency  frequency  monetary  r  f  m      segment
    0     10.0        5.0    9000.0  3  3  3    champions
    1    200.0        1.0     500.0  1  1  1  hibernating
    """

    bins: int = attrs.field(validator=_bins)
    recency_cutoffs: npt.NDArray[np.float64] = attrs.field(converter=_recency, eq=_SAME)
    frequency_cutoffs: npt.NDArray[np.float64] = attrs.field(converter=_frequency, eq=_SAME)
    monetary_cutoffs: npt.NDArray[np.float64] = attrs.field(converter=_monetary, eq=_SAME)
    kinds: tuple[str, ...] | None = attrs.field(
        default=None, converter=_kinds, validator=_known_kinds
    )

    @property
    def segment_names(self) -> tuple[str, ...]:
        """The RFM groups."""
        return RFM_SEGMENTS

    def score_values(self, *, recency: Any, frequency: Any, monetary: Any) -> pd.DataFrame:
        """Scores ``r f m`` and the segment of given values (days since last, count, total).

        A missing recency means no revenue event: scores 0 and no segment. Use it to
        score customers of any transaction data (see ``benchmarks/scoring_rfm_cdnow.py``).
        """
        recency, frequency, monetary = _values(recency, frequency, monetary)
        bought = ~np.isnan(recency)
        frequency = np.where(bought, frequency, np.nan)
        monetary = np.where(bought, monetary, np.nan)
        r = _score(recency, self.recency_cutoffs, reverse=True, bins=self.bins)
        f = _score(frequency, self.frequency_cutoffs, reverse=False, bins=self.bins)
        segment = _GRID[_levels(r, self.bins), _levels(f, self.bins)]
        names = np.array(RFM_SEGMENTS, dtype=object)[segment]
        return pd.DataFrame(
            {
                "recency": recency,
                "frequency": frequency,
                "monetary": monetary,
                "r": r,
                "f": f,
                "m": _score(monetary, self.monetary_cutoffs, reverse=False, bins=self.bins),
                "segment": np.where(bought, names, None),
            }
        )

    def scores(self, base: BaseLike, /, *, as_of: AsOf) -> pd.DataFrame:
        """Per account (``account_id``): recency (days), frequency, monetary, ``r f m``, segment.

        Accounts without a revenue event score 0 on each and have no segment.
        """
        tables = base.tables
        recency, frequency, monetary = rfm_values(tables, as_of=as_of, kinds=self.kinds)
        frame = self.score_values(recency=recency, frequency=frequency, monetary=monetary)
        frame.insert(0, "account_id", tables.accounts.column("id"))
        return frame

    def assign(self, base: BaseLike, /, *, as_of: AsOf) -> Segmentation:
        """Each account's RFM group from its R and F levels (none without a revenue event)."""
        moment = base.tables.moment(as_of)
        frame = self.scores(base, as_of=moment)
        codes = {name: code for code, name in enumerate(RFM_SEGMENTS)}
        segment = np.array([codes.get(name, -1) for name in frame["segment"]], dtype=np.int32)
        return Segmentation(
            segmenter="rfm",
            level="account",
            as_of=moment,
            ids=frame["account_id"].to_numpy(),
            segment=segment,
            segments=RFM_SEGMENTS,
        )


def _values(*columns: Any) -> tuple[npt.NDArray[np.float64], ...]:
    arrays = tuple(
        column(floats, value, name=name)
        for name, value in zip(("recency", "frequency", "monetary"), columns, strict=True)
    )
    if len({len(array) for array in arrays}) > 1:
        sizes = ", ".join(str(len(array)) for array in arrays)
        msg = f"recency, frequency and monetary must have one length each, not {sizes}"
        raise InvalidValueError(msg)
    return arrays


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class RFMSegmenter:
    """RFM segments of accounts from their revenue events, with cut-offs learnt by :meth:`fit`.

    Revenue events are won deals: new business, renewals and expansions (``kinds``
    keeps some of them; ``None`` counts every won deal). Cut-offs are quantiles of the
    observed values; because scores come from comparing values with cut-offs, tied
    values always get the same score, and when ties leave fewer groups than bins the
    groups are spread over the whole range 1 … ``bins``. The fitted :class:`RFMModel`
    keeps the cut-offs so later periods are scored on the same scale.

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
    kinds: tuple[str, ...] | None = attrs.field(
        default=None, converter=_kinds, validator=_known_kinds
    )

    @property
    def name(self) -> str:
        """The registry name of this segmenter."""
        return "rfm"

    def fit(self, base: BaseLike, /, *, as_of: AsOf) -> RFMModel:
        """Learn the cut-offs from the accounts' revenue events up to ``as_of``."""
        values = rfm_values(base.tables, as_of=as_of, kinds=self.kinds)
        return self.fit_values(recency=values[0], frequency=values[1], monetary=values[2])

    def fit_values(self, *, recency: Any, frequency: Any, monetary: Any) -> RFMModel:
        """Learn the cut-offs from given values (missing recency: no revenue event).

        Examples
        --------
        >>> model = RFMSegmenter(bins=5).fit_values(
        ...     recency=[5, 40, 300, 90], frequency=[1, 1, 1, 4], monetary=[10, 20, 30, 40])
        >>> model.score_values(recency=[5, 90], frequency=[1, 4], monetary=[10, 40])["f"].tolist()
        [1, 5]
        """
        recency, frequency, monetary = _values(recency, frequency, monetary)
        bought = ~np.isnan(recency)
        return RFMModel(
            bins=self.bins,
            recency_cutoffs=_cutoffs(recency[bought], self.bins),
            frequency_cutoffs=_cutoffs(frequency[bought], self.bins),
            monetary_cutoffs=_cutoffs(monetary[bought], self.bins),
            kinds=self.kinds,
        )
