"""A ticket's status and rating as they stood at a moment, not as the export ends.

Exports carry a ticket's latest status and rating. Read as they are, a ticket solved
after ``as_of`` would already count as resolved at ``as_of`` and its later rating would
already be known: the future leaks into the past. The rule, per ticket:

- with an audit trail (``ticket_update`` rows naming the ticket, e.g. the
  ``zendesk.ticket_audits`` export): the status and rating of its latest audit at or
  before ``as_of``; before its first audit it is open and unrated;
- without one: the exported status and rating hold from the ticket's ``updated_at`` on;
  before that moment the ticket is open and unrated (it changed after ``as_of``, so what
  it was then is unknown, and a ticket that still changes was not yet closed for good);
  without an ``updated_at`` the exported values are all there is.

Every other interaction row keeps its own rating.
"""

from __future__ import annotations

import numpy as np

from customer_understanding._core import NAT, Moment, known_by
from customer_understanding.base import Tables
from customer_understanding.traits._scope import Bools, Floats, labels_of, last_value_by

__all__ = ["RESOLVED_STATUSES", "ticket_state"]

#: The ticket statuses that mean "resolved"; a ticket with any other status (or none) is open.
RESOLVED_STATUSES: tuple[str, ...] = ("solved", "closed", "resolved", "cancelled", "canceled")


def ticket_state(tables: Tables, as_of: Moment) -> tuple[Bools, Floats]:
    """Per interaction row: resolved at ``as_of`` (tickets), and the rating known then."""
    table = tables.interactions
    size = len(table)
    resolved = labels_of(table, "status", RESOLVED_STATUSES)
    rating = np.array(table.column("satisfaction"), dtype=np.float64)
    is_ticket = table.column("type") == table.code_of("type", "ticket")
    if not is_ticket.any():
        return resolved, rating
    ticket_of = table.ticket_of_update()
    when = table.column("occurred_at")
    audited = np.zeros(size, dtype=bool)
    audited[ticket_of[ticket_of >= 0]] = True
    latest = last_value_by(ticket_of, when, known_by(when, as_of), size)
    seen = latest >= 0
    resolved[seen] = resolved[latest[seen]]
    rating[seen] = rating[latest[seen]]
    updated = table.column("updated_at")
    unknown = is_ticket & ~seen & audited
    unknown |= is_ticket & ~audited & (updated != NAT) & ~known_by(updated, as_of)
    resolved[unknown] = False
    rating[unknown] = np.nan
    return resolved & is_ticket, rating
