"""The as-of moment of a committee question, checked against the data."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from customer_understanding._errors import InvalidValueError
from customer_understanding.base._customer_base import CustomerBase
from customer_understanding.domain import to_utc
from customer_understanding.tables import NAT, from_nanos, to_nanos

__all__ = ["as_of_nanos"]


def as_of_nanos(base: CustomerBase, as_of: datetime | str | None) -> int:
    """``as_of`` in UTC nanoseconds; ``None`` means the latest interaction in the base.

    Raises
    ------
    InvalidValueError
        If ``as_of`` is before the first interaction, or the base has none and no
        ``as_of`` is given.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(interactions=[
    ...     cu.Interaction(id="i1", occurred_at="2026-03-01", type="webinar")])
    >>> as_of_nanos(base, None) == as_of_nanos(base, "2026-03-01")
    True
    """
    times = base.interactions.column("occurred_at")
    known = times[times != NAT]
    if as_of is None:
        if not len(known):
            msg = "as_of=None needs interactions in the base to take the latest time from"
            raise InvalidValueError(msg)
        return int(known.max())
    moment = to_nanos(to_utc(as_of))
    if len(known) and moment < int(np.min(known)):
        first = from_nanos(int(np.min(known)))
        shown = first.isoformat() if first else "?"
        msg = f"as_of={as_of!r} is before any data (the first interaction is at {shown})"
        raise InvalidValueError(msg)
    return moment
