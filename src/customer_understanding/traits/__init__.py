"""Traits: every fact about an account or contact as of a moment, and conditions over them.

A trait (:class:`~customer_understanding.typing.Trait`) gives one value per contact or
account, from what was known by ``as_of`` (an event exactly at ``as_of`` counts). The
standard traits have names (:func:`standard_traits`, :func:`trait_names`); add your own
with :func:`register_trait` or the ``customer_understanding.traits`` entry-point group,
and read scores and segments as traits with :class:`ScoreTrait` and :class:`SegmentTrait`.
Conditions (:class:`Condition`, :func:`all_of`, :func:`any_of`, :func:`not_`,
:class:`OverContacts`) are the one language of segment rules and signal policies.

**The missing-value rule.** Counts are 0 when nothing happened. A value that cannot be
known (days since something that never happened, a ratio over zero, the mean of no
ratings, a field nobody filled in) is missing: ``nan`` for numbers, ``None`` for
categories and text, never ``inf``. A comparison on a missing value is false.

Examples
--------
>>> import customer_understanding as cu
>>> from customer_understanding.traits import Condition, TraitSnapshot
>>> base = cu.CustomerBase.from_objects(accounts=[cu.Account(id="a1", industry="Software")],
...     interactions=[cu.Interaction(id="t1", occurred_at="2026-03-01", type="ticket",
...                                  priority="p1", status="open", account_id="a1")])
>>> snapshot = TraitSnapshot(base)
>>> rule = Condition(trait="open_p1_tickets", op=">=", value=1) & Condition(
...     trait="industry", op="==", value="Software")
>>> snapshot.holds(rule).tolist()
[True]
>>> for reason in rule.explain(snapshot, 0):
...     print(reason)
open_p1_tickets = 1 (open_p1_tickets >= 1)
industry = Software (industry == 'Software')
"""

from customer_understanding.traits._activity import (
    Complaints,
    DaysSince,
    FeatureBreadth,
    InteractionCount,
    Satisfaction,
    TopSubjects,
    VersusBaseline,
)
from customer_understanding.traits._catalogue import (
    get_trait,
    register_trait,
    standard_traits,
    trait_names,
)
from customer_understanding.traits._conditions import (
    AllOf,
    AnyCondition,
    AnyOf,
    Condition,
    Not,
    OverContacts,
    all_of,
    any_of,
    not_,
)
from customer_understanding.traits._consent import ConsentStatusTrait
from customer_understanding.traits._derived import (
    Change,
    Earlier,
    Ratio,
    RecordField,
    ScoreTrait,
    SegmentTrait,
)
from customer_understanding.traits._frame import TraitFrame, TraitSnapshot, evaluate_traits
from customer_understanding.traits._revenue import DaysSinceRevenue, RenewalLost
from customer_understanding.traits._state import (
    RESOLVED_STATUSES,
    ActiveUsers,
    Deals,
    LicensedSeats,
    LifecycleStage,
    NewContacts,
    OpenTickets,
)

__all__ = [
    "RESOLVED_STATUSES",
    "ActiveUsers",
    "AllOf",
    "AnyCondition",
    "AnyOf",
    "Change",
    "Complaints",
    "Condition",
    "ConsentStatusTrait",
    "DaysSince",
    "DaysSinceRevenue",
    "Deals",
    "Earlier",
    "FeatureBreadth",
    "InteractionCount",
    "LicensedSeats",
    "LifecycleStage",
    "NewContacts",
    "Not",
    "OpenTickets",
    "OverContacts",
    "Ratio",
    "RecordField",
    "RenewalLost",
    "Satisfaction",
    "ScoreTrait",
    "SegmentTrait",
    "TopSubjects",
    "TraitFrame",
    "TraitSnapshot",
    "VersusBaseline",
    "all_of",
    "any_of",
    "evaluate_traits",
    "get_trait",
    "not_",
    "register_trait",
    "standard_traits",
    "trait_names",
]
