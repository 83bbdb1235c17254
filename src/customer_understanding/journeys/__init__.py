"""Journeys: lifecycle stages, funnels, dormancy and attribution of outcomes to touches.

Inputs are columnar: :class:`Touches` (journey, time, channel code) and :class:`Outcomes`
(one row per journey). Every method returns an :class:`Attribution` whose credits add up,
per converted journey, to the outcome's value.

Examples
--------
>>> from customer_understanding.journeys import Linear, Outcomes, Touches
>>> touches = Touches(journey=[0, 0, 1], at=[1, 2, 5], channel=[0, 1, 1],
...                   channels=("ads", "web"))
>>> Linear().attribute(touches, Outcomes(converted=[True, True])).by_channel().tolist()
[0.5, 1.5]
"""

from customer_understanding.journeys._accounts import DealJourneys, deal_journeys, influence
from customer_understanding.journeys._attribution import Attribution
from customer_understanding.journeys._from_base import (
    DormancySpells,
    dormancy,
    entry_month_cohorts,
    stage_history,
)
from customer_understanding.journeys._funnel import Funnel, FunnelTable
from customer_understanding.journeys._heuristics import (
    FirstTouch,
    FullPath,
    LastTouch,
    Linear,
    PositionBased,
    TimeDecay,
    WShaped,
)
from customer_understanding.journeys._kpi import KpiTables, deal_funnel, kpi_tables
from customer_understanding.journeys._markov import (
    MarkovRemovalEffect,
    RemovalEffects,
    transition_counts,
)
from customer_understanding.journeys._paths import Outcomes, Paths, Touches, prepare
from customer_understanding.journeys._shapley import ShapleyValue, channel_sets, shapley_of_set
from customer_understanding.journeys._stage_journeys import stage_journeys
from customer_understanding.journeys._stages import DEFAULT_MODEL, StageHistory, StageModel
from customer_understanding.journeys._survival import SurvivalCurve, survival_curve

__all__ = [
    "DEFAULT_MODEL",
    "Attribution",
    "DealJourneys",
    "DormancySpells",
    "FirstTouch",
    "FullPath",
    "Funnel",
    "FunnelTable",
    "KpiTables",
    "LastTouch",
    "Linear",
    "MarkovRemovalEffect",
    "Outcomes",
    "Paths",
    "PositionBased",
    "RemovalEffects",
    "ShapleyValue",
    "StageHistory",
    "StageModel",
    "SurvivalCurve",
    "TimeDecay",
    "Touches",
    "WShaped",
    "channel_sets",
    "deal_funnel",
    "deal_journeys",
    "dormancy",
    "entry_month_cohorts",
    "influence",
    "kpi_tables",
    "prepare",
    "shapley_of_set",
    "stage_history",
    "stage_journeys",
    "survival_curve",
    "transition_counts",
]
