"""Shared KPI tables: one call, the same numbers for marketing, sales and service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs
import numpy as np
import pandas as pd

from customer_understanding._core import Moment, TableExport, html_table, summary, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys._accounts import (
    ChannelColumn,
    check_channel,
    follow_deals,
    influence,
)
from customer_understanding.journeys._columns import checked, finite, frame, moment_of, shown
from customer_understanding.journeys._from_base import stage_history
from customer_understanding.journeys._funnel import Funnel, FunnelTable
from customer_understanding.journeys._heuristics import FirstTouch, LastTouch, PositionBased
from customer_understanding.journeys._markov import MarkovRemovalEffect
from customer_understanding.typing import AsOf, Attributor

if TYPE_CHECKING:
    from customer_understanding.base import CustomerBase

__all__ = ["KpiTables", "deal_funnel", "kpi_tables"]

#: The deal funnel's steps and failure: a deal opens, then is won or lost.
DEAL_FUNNEL = Funnel(steps=("opportunity", "won"), failures=("lost",))

_DEFAULT_METHODS: tuple[Attributor, ...] = (
    FirstTouch(),
    LastTouch(),
    PositionBased(),
    MarkovRemovalEffect(),
)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class KpiTables(TableExport):
    """The waterfall, attribution and influence tables of one customer base, as of a moment.

    The tables are kept private; each accessor hands out a new copy.
    :meth:`to_pandas` gives the per-channel table (influence beside every method's
    credit); the waterfall, a table of funnel steps, is :attr:`waterfall`.

    Parameters
    ----------
    waterfall
        The waterfall (:class:`FunnelTable` columns plus ``level``), one row per step:
        the contact funnel's steps before ``opportunity`` (people, no value), then the
        deal funnel (deals, valued at their amounts: the ``opportunity`` row's ``value``
        is the pipeline opened, its ``converted_value`` the amount won).
    attribution
        Won revenue credited to each channel (the index), one column per method.
    influenced
        Per channel: ``channel``, ``deals`` touched, ``pipeline`` (all deal amounts) and
        ``revenue`` (won amounts) of the deals it touched; a deal counts for every
        channel touching it. Same channels, in the same order, as ``attribution``.
    unattributed_revenue
        Won revenue of deals whose committee had no touch in the window.
    as_of
        The moment everything was followed up to.

    Examples
    --------
    >>> tables = KpiTables(waterfall=pd.DataFrame(), attribution=pd.DataFrame(),
    ...                    influenced=pd.DataFrame(), unattributed_revenue=0.0,
    ...                    as_of="2026-06-01")
    >>> tables
    KpiTables: 0 rows, as of 2026-06-01T00:00:00Z, steps=0, unattributed_revenue=0
    """

    _waterfall: pd.DataFrame = attrs.field(converter=frame, validator=checked, alias="waterfall")
    _attribution: pd.DataFrame = attrs.field(
        converter=frame, validator=checked, alias="attribution"
    )
    _influenced: pd.DataFrame = attrs.field(converter=frame, validator=checked, alias="influenced")
    unattributed_revenue: float = attrs.field(validator=finite)
    as_of: Moment = attrs.field(converter=moment_of)

    def __attrs_post_init__(self) -> None:
        if len(self._attribution) != len(self._influenced):
            msg = (f"attribution has {len(self._attribution)} channels but influenced has "
                   f"{len(self._influenced)}")  # fmt: skip
            raise InvalidValueError(msg)

    @property
    def waterfall(self) -> pd.DataFrame:
        """The contact funnel, one row per step (a new copy)."""
        return self._waterfall.copy()

    @property
    def attribution(self) -> pd.DataFrame:
        """Won revenue credited to each channel, one column per method (a new copy)."""
        return self._attribution.copy()

    @property
    def influenced(self) -> pd.DataFrame:
        """Deals, pipeline and revenue each channel touched (a new copy)."""
        return self._influenced.copy()

    def __len__(self) -> int:
        """The number of channels (the rows of :meth:`to_pandas`)."""
        return len(self._influenced)

    def __repr__(self) -> str:
        return summary("KpiTables", len(self), as_of=self.as_of, steps=len(self._waterfall),
                       unattributed_revenue=f"{self.unattributed_revenue:,.0f}")  # fmt: skip

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per channel, as a new DataFrame.

        Columns: ``channel``, ``deals``, ``pipeline`` and ``revenue`` influenced, then
        one column per attribution method with its credit.
        """
        frame = self._influenced.reset_index(drop=True)
        for method in self._attribution.columns:
            frame[method] = self._attribution[method].to_numpy()
        return frame


def kpi_tables(
    base: CustomerBase,
    *,
    as_of: AsOf = None,
    channel: ChannelColumn = "channel",
    methods: Sequence[Attributor] = _DEFAULT_METHODS,
    funnel: Funnel | None = None,
    renewals: bool = False,
) -> KpiTables:
    """Compute the shared KPI tables of ``base``, followed up to ``as_of``.

    ``as_of`` takes any form of a moment (``None``: the latest event in ``base``); an
    event exactly at ``as_of`` counts. Attribution and influence follow the deals of
    :func:`deal_journeys`: renewals only with ``renewals=True``.

    Raises
    ------
    InvalidValueError
        For an ``as_of`` that is no moment or before the first event, an unknown
        ``channel``, a ``funnel`` that is not a :class:`Funnel`, a method without
        an ``attribute`` method, or a ``renewals`` that is not a bool.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> from customer_understanding.datasets import generate_world
    >>> world = generate_world(accounts=20, interactions=2_000, defects=False)
    >>> tables = kpi_tables(cu.CustomerBase.build(world.as_sources()))
    >>> list(tables.attribution.columns)
    ['first_touch', 'last_touch', 'position_based', 'markov_removal_effect']
    >>> tables.waterfall[["level", "stage"]].values.tolist()
    [['contact', 'known'], ['contact', 'mql'], ['contact', 'sql'], ['opportunity', 'opportunity']]
    """
    check_channel(channel)
    _check_methods(methods, funnel)
    horizon = base.tables.moment(as_of)
    waterfall = _waterfall(base, funnel or Funnel(), horizon)
    given: object = renewals
    if not isinstance(given, bool):
        msg = f"renewals={given!r} must be True or False"
        raise InvalidValueError(msg)
    deals = follow_deals(base, channel=channel, lookback_days=180.0, horizon=horizon,
                         renewals=renewals)  # fmt: skip
    results = [method.attribute(deals.touches, deals.outcomes) for method in methods]
    attribution = pd.DataFrame(
        {result.method: result.by_channel() for result in results},
        index=pd.Index(deals.touches.channels, name="channel"),
    )
    pipeline = influence(deals.touches, deals.amount)
    revenue = influence(deals.touches, deals.outcomes.outcome_values)
    influenced = pipeline.rename(columns={"journeys": "deals", "value": "pipeline"})
    influenced["revenue"] = revenue["value"]
    unattributed = results[0].unattributed_value if results else 0.0
    return KpiTables(
        waterfall=waterfall,
        attribution=attribution,
        influenced=influenced,
        unattributed_revenue=unattributed,
        as_of=horizon,
    )


def _check_methods(methods: object, funnel: object) -> None:
    if funnel is not None and not isinstance(funnel, Funnel):
        msg = f"funnel={shown(funnel)} must be a Funnel"
        raise InvalidValueError(msg)
    if isinstance(methods, str) or not isinstance(methods, Sequence):
        msg = f"methods={shown(methods)} must be a sequence of attribution methods"
        raise InvalidValueError(msg)
    for method in methods:
        if not callable(getattr(method, "attribute", None)) or not hasattr(method, "name"):
            msg = f"methods holds {shown(method)}, which has no name and attribute method"
            raise InvalidValueError(msg)


def _waterfall(base: CustomerBase, funnel: Funnel, horizon: Moment) -> pd.DataFrame:
    """People through the steps before ``opportunity``, then deals with their amounts."""
    people = funnel._measure(stage_history(base), horizon, cohort=None, value=None).to_pandas()
    people.insert(0, "level", "contact")
    if "opportunity" in funnel.steps:
        people = people[people["stage"] != "opportunity"]
        people = people[people["next_stage"] != "won"]
        deals = deal_funnel(base, as_of=horizon).to_pandas()
        deals.insert(0, "level", "opportunity")
        people = pd.concat([people, deals], ignore_index=True)
    return people.reset_index(drop=True)


def deal_funnel(base: CustomerBase, *, as_of: AsOf = None) -> FunnelTable:
    """The deal-level funnel: deals opened and won or lost, with their amounts.

    Every deal enters ``opportunity`` when created and leaves it won or lost when it
    closes (its stage history at ``level="opportunity"``). ``value`` is the amount of
    the deals opened by ``as_of`` (missing amounts count 0) and ``converted_value`` the
    amount of those won by then, so it sums to the won amount.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> from customer_understanding.datasets import generate_world
    >>> world = generate_world(accounts=20, interactions=2_000, defects=False)
    >>> base = cu.CustomerBase.build(world.as_sources())
    >>> table = deal_funnel(base).to_pandas()
    >>> table[["stage", "next_stage"]].values.tolist()
    [['opportunity', 'won']]
    >>> deals = base.tables.opportunities
    >>> won = deals.labels("outcome") == "won"
    >>> bool(table["converted_value"].sum() <= deals.column("amount")[won].sum())
    True
    """
    horizon = base.tables.moment(as_of)
    history = stage_history(base, level="opportunity")
    amounts = np.nan_to_num(base.tables.opportunities.column("amount").astype(np.float64))
    return DEAL_FUNNEL._measure(history, horizon, cohort=None, value=amounts)
