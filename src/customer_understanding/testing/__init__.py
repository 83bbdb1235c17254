"""Conformance checks for scorer and segmenter plugins: the checks our built-ins pass.

Examples
--------
>>> from customer_understanding.testing import check_scorer
>>> from customer_understanding.scoring import EngagementScorer
>>> check_scorer(EngagementScorer(level="account"))
"""

from customer_understanding.testing._checks import (
    SCORER_CHECKS,
    SEGMENTER_CHECKS,
    check_scorer,
    check_segmenter,
    parametrize_with_checks,
    sample_base,
)

__all__ = [
    "SCORER_CHECKS",
    "SEGMENTER_CHECKS",
    "check_scorer",
    "check_segmenter",
    "parametrize_with_checks",
    "sample_base",
]
