"""Lifecycle segments: churned (the customer-side stage), then new, active, dormant, lapsed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import (
    DAY_NS,
    Moment,
    check_positive,
    known_by,
    one_of,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.segmentation._segmentation import Segmentation
from customer_understanding.tables import NAT
from customer_understanding.traits import LifecycleStage
from customer_understanding.typing import AsOf, BaseLike, Level

if TYPE_CHECKING:
    from customer_understanding.base import Tables

__all__ = ["LIFECYCLE_SEGMENTS", "LifecycleSegmenter"]

#: The lifecycle segments, in priority order.
LIFECYCLE_SEGMENTS = ("churned", "new", "active", "dormant", "lapsed")


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class LifecycleSegmenter:
    """Lifecycle as of ``as_of``: churned customers, then by first and last activity.

    ``churned``: the account (a contact: its account) is in the ``churned`` stage at
    ``as_of`` -- the one churn rule, decided when the base is built (see
    :class:`~customer_understanding.base.CustomerStageRules`), not a second rule read
    off activity; silence alone never makes a churned customer. The others go by
    activity up to ``as_of``: ``new``, first activity within ``new_days``; ``active``,
    last activity within ``active_days``; ``dormant``, within ``dormant_days``;
    ``lapsed``, longer ago. Entities with no activity at all (and not churned) are in
    no segment. It learns nothing, so :meth:`fit` returns the segmenter itself.

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> from customer_understanding.datasets import generate_world
    >>> world = generate_world(accounts=10, interactions=800, defects=False)
    >>> base = CustomerBase.build(world.as_sources())
    >>> result = LifecycleSegmenter().fit(base, as_of="2026-06-01").assign(base, as_of="2026-06-01")
    >>> sum(result.sizes().values()) <= len(base.accounts)
    True
    """

    level: Level = attrs.field(default="account", validator=one_of("contact", "account"))
    new_days: float = attrs.field(default=60.0, validator=check_positive)
    active_days: float = attrs.field(default=30.0, validator=check_positive)
    dormant_days: float = attrs.field(default=180.0, validator=check_positive)

    def __attrs_post_init__(self) -> None:
        if self.dormant_days <= self.active_days:
            msg = f"dormant_days={self.dormant_days!r} must exceed active_days={self.active_days!r}"
            raise InvalidValueError(msg)

    @property
    def name(self) -> str:
        """The registry name of this segmenter."""
        return "lifecycle"

    @property
    def segment_names(self) -> tuple[str, ...]:
        """The lifecycle segments."""
        return LIFECYCLE_SEGMENTS

    def fit(self, base: BaseLike, /, *, as_of: AsOf) -> LifecycleSegmenter:
        """Nothing to learn: the segmenter is its own model."""
        base.tables.moment(as_of)
        return self

    def assign(self, base: BaseLike, /, *, as_of: AsOf) -> Segmentation:
        """Segment every entity by its stage and its interactions up to ``as_of``."""
        tables = base.tables
        moment = tables.moment(as_of)
        table = tables.interactions
        entities = tables.accounts if self.level == "account" else tables.contacts
        who, times = table.column(self.level), table.column("occurred_at")
        mask = (who >= 0) & known_by(times, moment)
        first = np.full(len(entities), np.iinfo(np.int64).max, dtype=np.int64)
        last = np.full(len(entities), NAT, dtype=np.int64)
        np.minimum.at(first, who[mask], times[mask])
        np.maximum.at(last, who[mask], times[mask])
        seen = last != NAT
        since_first = (moment - first.astype(np.float64)) / DAY_NS
        since_last = (moment - last.astype(np.float64)) / DAY_NS
        rules = [_churned(tables, moment, level=self.level),
                 seen & (since_first <= self.new_days), seen & (since_last <= self.active_days),
                 seen & (since_last <= self.dormant_days), seen]  # fmt: skip
        segment = np.select(rules, np.arange(len(rules)), default=-1)
        return Segmentation(
            segmenter=self.name,
            level=self.level,
            as_of=moment,
            ids=entities.column("id"),
            segment=segment,
            segments=LIFECYCLE_SEGMENTS,
        )


def _churned(tables: Tables, moment: Moment, *, level: Level) -> npt.NDArray[np.bool_]:
    """Entities whose account is in the ``churned`` stage at ``moment``."""
    stage = LifecycleStage().evaluate(tables, as_of=moment, level="account")
    churned = np.asarray(stage == "churned", dtype=np.bool_)
    if level == "account":
        return churned
    account = tables.contacts.column("account")
    return np.asarray((account >= 0) & churned[np.maximum(account, 0)], dtype=np.bool_)
