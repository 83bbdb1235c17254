"""Conformance checks for strategy plugins: the checks our own built-ins pass.

:func:`check_scorer`, :func:`check_segmenter` and :func:`check_attributor` run every
check on one strategy; :func:`parametrize_with_checks` makes one pytest case per check.
The altered views the checks use (:func:`past_view`, :func:`shuffled_view`) are public,
so a plugin's own tests can use them too.

Examples
--------
>>> from customer_understanding.testing import check_scorer
>>> from customer_understanding.scoring import EngagementScorer
>>> check_scorer(EngagementScorer(level="account"))
"""

from customer_understanding.testing._as_of import compare_as_of
from customer_understanding.testing._attributors import ATTRIBUTOR_CHECKS, sample_journeys
from customer_understanding.testing._checks import SCORER_CHECKS, SEGMENTER_CHECKS, sample_base
from customer_understanding.testing._run import (
    check_attributor,
    check_scorer,
    check_segmenter,
    parametrize_with_checks,
)
from customer_understanding.testing._views import (
    BaseView,
    fingerprint,
    past_view,
    private_copy,
    shuffled_view,
)

__all__ = [
    "ATTRIBUTOR_CHECKS",
    "SCORER_CHECKS",
    "SEGMENTER_CHECKS",
    "BaseView",
    "check_attributor",
    "check_scorer",
    "check_segmenter",
    "compare_as_of",
    "fingerprint",
    "parametrize_with_checks",
    "past_view",
    "private_copy",
    "sample_base",
    "sample_journeys",
    "shuffled_view",
]
