"""Every built-in scorer and segmenter passes the public conformance checks."""

from sklearn.linear_model import LogisticRegression

from customer_understanding.scoring import (
    EngagementScorer,
    FitRule,
    FitScorer,
    HealthScorer,
    LeadScorer,
    PredictiveScorer,
)
from customer_understanding.segmentation import (
    ClusterSegmenter,
    LifecycleSegmenter,
    RFMSegmenter,
    RuleSegment,
    RuleSegmenter,
)
from customer_understanding.testing import parametrize_with_checks
from customer_understanding.traits import Condition, InteractionCount, OpenTickets, OverContacts

_WEB = InteractionCount(types=("page_view",), window_days=30)
BUILT_INS = [
    EngagementScorer(),
    EngagementScorer(level="account", window_days=90),
    FitScorer(),
    FitScorer(level="account", rules=[FitRule(field="employees", op=">=", value=100, points=10)]),
    HealthScorer(),
    LeadScorer(),
    LeadScorer(level="account", fit=FitScorer(level="account", rules=[]),
               engagement=EngagementScorer(level="account")),
    PredictiveScorer(estimator=LogisticRegression(), outcome="login", level="contact",
                     horizon_days=30, traits={"web": _WEB, "logins": InteractionCount(
                         types=("login",), window_days=30)}),
    RuleSegmenter(
        traits={"p1": OpenTickets(), "web": _WEB, "touches": InteractionCount(window_days=60)},
        segments=[
            RuleSegment(name="escalated", when=[Condition(trait="p1", op=">=", value=1)]),
            RuleSegment(name="wide", when=[OverContacts(
                quantifier="any", condition=Condition(trait="touches", op=">=", value=3))]),
        ],
    ),
    RFMSegmenter(bins=3),
    LifecycleSegmenter(),
    LifecycleSegmenter(level="contact"),
    ClusterSegmenter(clusters=3, traits={"web": _WEB, "all": InteractionCount(window_days=90)}),
]  # fmt: skip


@parametrize_with_checks(BUILT_INS)
def test_built_in_passes_check(strategy, check):
    check(strategy)
