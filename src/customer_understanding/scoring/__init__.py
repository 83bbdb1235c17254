"""Scoring: explainable scores of contacts and accounts as of a point in time.

Every scorer follows :class:`customer_understanding.typing.Scorer` and returns a
:class:`ScoreTable` whose reason codes add up to each score.

Examples
--------
>>> from customer_understanding import CustomerBase
>>> from customer_understanding.datasets import generate_world
>>> from customer_understanding.scoring import EngagementScorer
>>> world = generate_world(accounts=6, interactions=600, defects=False)
>>> base = CustomerBase.build(world.as_sources())
>>> table = EngagementScorer(level="account").score(base, as_of="2026-06-01")
>>> len(table) == len(base.accounts)
True
"""

from customer_understanding._core import half_life_decay
from customer_understanding.scoring._engagement import (
    DEFAULT_POINTS,
    DEFAULT_ROLE_WEIGHTS,
    EngagementScorer,
)
from customer_understanding.scoring._fit import DEFAULT_FIT_RULES, FitRule, FitScorer, rules_from
from customer_understanding.scoring._health import HealthScorer
from customer_understanding.scoring._lead import LEAD_GRADES, LeadScorer
from customer_understanding.scoring._predictive import (
    MISSING_RULES,
    Backtest,
    PredictiveModel,
    PredictiveScorer,
    outcome_labels,
)
from customer_understanding.scoring._score_table import Reasons, ScoreTable

__all__ = [
    "DEFAULT_FIT_RULES",
    "DEFAULT_POINTS",
    "DEFAULT_ROLE_WEIGHTS",
    "LEAD_GRADES",
    "MISSING_RULES",
    "Backtest",
    "EngagementScorer",
    "FitRule",
    "FitScorer",
    "HealthScorer",
    "LeadScorer",
    "PredictiveModel",
    "PredictiveScorer",
    "Reasons",
    "ScoreTable",
    "half_life_decay",
    "outcome_labels",
    "rules_from",
]
