"""A seeded generator of a realistic multi-system B2B world, with its ground truth.

:func:`generate_world` draws companies, their people and buying committees, deals and
lifecycle journeys, then writes what each system would export: Salesforce, HubSpot,
Zendesk, product analytics and web analytics. The same people and companies appear in
several systems, spelled differently (nicknames, typos, personal e-mail addresses,
company-name variants …), and a few cells are broken on purpose. The
:class:`GroundTruth` says what is really true, so every later step can be checked.

Examples
--------
>>> from customer_understanding.datasets import generate_world
>>> world = generate_world(accounts=20, interactions=2_000, seed=7)
>>> "salesforce.Contact" in world.sources, len(world.truth.companies)
(True, 20)
"""

from customer_understanding.datasets._generate import generate_world
from customer_understanding.datasets._world import (
    EXPORTS,
    INTERACTION_EXPORTS,
    RECORD_EXPORTS,
    GroundTruth,
    SampleWorld,
)

__all__ = [
    "EXPORTS",
    "INTERACTION_EXPORTS",
    "RECORD_EXPORTS",
    "GroundTruth",
    "SampleWorld",
    "generate_world",
]
