"""Segmentation: exclusive groups of contacts or accounts, as of a point in time.

Every segmenter follows :class:`customer_understanding.typing.Segmenter`: ``fit`` learns
what it needs (cut-offs, centroids) and returns a model whose ``assign`` gives a
:class:`Segmentation`.

Examples
--------
>>> from customer_understanding import CustomerBase
>>> from customer_understanding.datasets import generate_world
>>> from customer_understanding.segmentation import LifecycleSegmenter
>>> world = generate_world(accounts=6, interactions=600, defects=False)
>>> base = CustomerBase.build(world.as_sources())
>>> segmenter = LifecycleSegmenter()
>>> segmenter.fit(base, as_of="2026-06-01").assign(base, as_of="2026-06-01").segments
('churned', 'new', 'active', 'dormant', 'lapsed')
"""

from customer_understanding.segmentation._cluster import ClusterModel, ClusterSegmenter
from customer_understanding.segmentation._exclusive import exclusive
from customer_understanding.segmentation._lifecycle import LIFECYCLE_SEGMENTS, LifecycleSegmenter
from customer_understanding.segmentation._rfm import (
    RFM_SEGMENTS,
    RFMModel,
    RFMSegmenter,
    rfm_values,
)
from customer_understanding.segmentation._rules import RuleSegment, RuleSegmenter
from customer_understanding.segmentation._segmentation import Segmentation
from customer_understanding.segmentation._transactions import transaction_summary

__all__ = [
    "LIFECYCLE_SEGMENTS",
    "RFM_SEGMENTS",
    "ClusterModel",
    "ClusterSegmenter",
    "LifecycleSegmenter",
    "RFMModel",
    "RFMSegmenter",
    "RuleSegment",
    "RuleSegmenter",
    "Segmentation",
    "exclusive",
    "rfm_values",
    "transaction_summary",
]
