"""Shared KPI tables: one call, the same numbers for marketing, sales and service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs
import pandas as pd

from customer_understanding.journeys._accounts import ChannelColumn, deal_journeys, influence
from customer_understanding.journeys._attribution import Attributor
from customer_understanding.journeys._from_base import stage_history
from customer_understanding.journeys._funnel import Funnel
from customer_understanding.journeys._heuristics import FirstTouch, LastTouch, PositionBased
from customer_understanding.journeys._markov import MarkovRemovalEffect

if TYPE_CHECKING:
    from customer_understanding.base import CustomerBase

__all__ = ["KpiTables", "kpi_tables"]

_DEFAULT_METHODS: tuple[Attributor, ...] = (
    FirstTouch(),
    LastTouch(),
    PositionBased(),
    MarkovRemovalEffect(),
)


@attrs.frozen(kw_only=True)
class KpiTables:
    """The waterfall, attribution and influence tables of one customer base.

    Attributes
    ----------
    waterfall
        The contact funnel (:class:`Funnel` columns), one row per step.
    attribution
        Won revenue credited to each channel, one column per method.
    influenced
        Per channel: deals touched, pipeline (all deal amounts) and revenue (won
        amounts) of the deals it touched; a deal counts for every channel touching it.
    unattributed_revenue
        Won revenue of deals whose committee had no touch in the window.

    Examples
    --------
    >>> tables = KpiTables(waterfall=pd.DataFrame(), attribution=pd.DataFrame(),
    ...                    influenced=pd.DataFrame(), unattributed_revenue=0.0)
    >>> tables.unattributed_revenue
    0.0
    """

    waterfall: pd.DataFrame
    attribution: pd.DataFrame
    influenced: pd.DataFrame
    unattributed_revenue: float


def kpi_tables(
    base: CustomerBase,
    *,
    as_of: int | None = None,
    channel: ChannelColumn = "channel",
    methods: Sequence[Attributor] = _DEFAULT_METHODS,
    funnel: Funnel | None = None,
) -> KpiTables:
    """Compute the shared KPI tables of ``base`` (followed up to ``as_of``, int64 UTC ns).

    Examples
    --------
    >>> import customer_understanding as cu
    >>> from customer_understanding.datasets import generate_world
    >>> world = generate_world(accounts=20, interactions=2_000, defects=False)
    >>> tables = kpi_tables(cu.CustomerBase.build(world.as_sources()))
    >>> list(tables.attribution.columns)
    ['first_touch', 'last_touch', 'position_based', 'markov_removal_effect']
    >>> tables.waterfall["stage"].tolist()
    ['known', 'mql', 'sql', 'opportunity']
    """
    interactions = base.tables.interactions.column("occurred_at")
    horizon = as_of if as_of is not None else int(interactions.max()) if len(interactions) else 0
    waterfall = (funnel or Funnel()).measure(stage_history(base), as_of=horizon).to_pandas()
    deals = deal_journeys(base, channel=channel, as_of=horizon)
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
    )
