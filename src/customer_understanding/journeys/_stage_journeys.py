"""Contact journeys towards a stage: which touches led people to MQL, SQL or won."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from customer_understanding._core import DAY_NS, NAT, positive
from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys._accounts import ChannelColumn, channel_codes, check_channel
from customer_understanding.journeys._columns import require
from customer_understanding.journeys._paths import Outcomes, Touches
from customer_understanding.journeys._stages import StageHistory

if TYPE_CHECKING:
    from customer_understanding.base import CustomerBase

__all__ = ["stage_journeys"]


def stage_journeys(
    base: CustomerBase,
    history: StageHistory,
    *,
    stage: str = "mql",
    channel: ChannelColumn = "channel",
    lookback_days: float | None = None,
) -> tuple[Touches, Outcomes]:
    """One journey per contact, converting when the contact first entered ``stage``.

    Touches are the contact's own interactions; those after the stage entry fall out
    under the attribution methods' scope rule, and with ``lookback_days`` only the
    touches of that many days before the entry count (for converted contacts).
    ``history`` must be a contact history of ``base`` (:func:`stage_history`).

    Examples
    --------
    >>> import customer_understanding as cu
    >>> from customer_understanding.datasets import generate_world
    >>> from customer_understanding.journeys import LastTouch, stage_history
    >>> world = generate_world(accounts=20, interactions=2_000, defects=False)
    >>> base = cu.CustomerBase.build(world.as_sources())
    >>> touches, outcomes = stage_journeys(base, stage_history(base), stage="sql")
    >>> result = LastTouch().attribute(touches, outcomes)
    >>> total = result.by_channel().sum() + result.unattributed_value
    >>> int(round(total)) == int(outcomes.converted.sum())
    True
    """
    check_channel(channel)
    contacts = len(base.tables.contacts)
    require("history", history, StageHistory, "a StageHistory")
    if history.subjects != contacts:
        msg = f"history has {history.subjects} subjects but base has {contacts} contacts"
        raise InvalidValueError(msg)
    if lookback_days is not None:
        positive("lookback_days", lookback_days)
    reached = history.first_entry(stage)
    interactions = base.tables.interactions
    contact, when = interactions.column("contact"), interactions.column("occurred_at")
    keep = (contact >= 0) & (when != NAT)
    if lookback_days is not None:
        start = reached[np.maximum(contact, 0)] - round(lookback_days * DAY_NS)
        # The boundary rule of every window: after its start (``_core.within``).
        keep &= (reached[np.maximum(contact, 0)] == NAT) | (when > start)
    rows = np.flatnonzero(keep)
    codes, labels = channel_codes(interactions.column(channel), interactions.categories[channel])
    touches = Touches(journey=contact[rows], at=when[rows], channel=codes[rows], channels=labels)
    return touches, Outcomes(converted=reached != NAT, at=reached)
