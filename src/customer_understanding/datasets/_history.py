"""Audit trails behind state columns: every status a ticket went through, and when.

The ``zendesk.tickets`` export holds each ticket's latest status and rating; its audit
trail (``zendesk.ticket_audits``, one row per audit with the ticket's status and rating
after it) says what they were at any earlier moment. Drawn from its own generator so
the rest of the world stays as it was.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from customer_understanding._core import object_values
from customer_understanding.datasets._cast import Export
from customer_understanding.datasets._text import epoch_seconds, iso_times, objects

__all__ = ["ticket_audits"]

_FLOW = ("new", "open", "pending", "solved", "closed")
_SOLVED = _FLOW.index("solved")


def _path(final: int, rng: np.random.Generator) -> list[int]:
    """The statuses a ticket went through: from new to its final one, pending sometimes skipped."""
    steps = list(range(final + 1))
    if final > _FLOW.index("pending") and rng.random() < 0.5:
        steps.remove(_FLOW.index("pending"))
    return steps


def _times(created: int, updated: int, count: int) -> list[int]:
    """``count`` increasing seconds from creation to the last update (one apart at least)."""
    span = max(updated - created, 0)
    out: list[int] = []
    for k in range(count):
        at = created + (k * span) // max(count - 1, 1)
        out.append(max(at, out[-1] + 1) if out else at)
    return out


def ticket_audits(tickets: pd.DataFrame, rng: np.random.Generator) -> tuple[Export, Export]:
    """The ``zendesk.ticket_audits`` export, and the tickets with ``updated_at`` matching it.

    A ticket is audited when it is created (``new``) and at each status it then reaches;
    the survey is offered when it is solved and the rating arrives with its last audit.
    """
    created = epoch_seconds(tickets["created_at"])
    updated = epoch_seconds(tickets["updated_at"])
    status = object_values(tickets["status"])
    rating = object_values(tickets["satisfaction_rating"])
    rows: list[tuple[object, int, object, str, object]] = []
    last = np.array(updated, copy=True)
    for i, ticket in enumerate(object_values(tickets["id"]).tolist()):
        path = _path(_FLOW.index(str(status[i])), rng)
        when = _times(int(created[i]), int(updated[i]), len(path))
        requester = tickets["requester_id"].iloc[i]
        for k, (step, at) in enumerate(zip(path, when, strict=True)):
            given = rating[i] if k == len(path) - 1 else None
            shown = given if given is not None or step < _SOLVED else "offered"
            author = requester if k == 0 else f"36100000{int(rng.integers(1, 9))}"
            rows.append((ticket, at, author, _FLOW[step], shown if rating[i] else None))
        last[i] = when[-1]
    frame = pd.DataFrame(rows, columns=["ticket_id", "at", "author_id", "status", "rating"])
    audits = pd.DataFrame(
        {
            "id": objects([str(9_000_000_001 + n) for n in range(len(frame))]),
            "ticket_id": frame["ticket_id"].to_numpy(dtype=object),
            "created_at": iso_times(frame["at"].to_numpy(dtype=np.int64)),
            "author_id": frame["author_id"].to_numpy(dtype=object),
            "status": frame["status"].to_numpy(dtype=object),
            "satisfaction_rating": frame["rating"].to_numpy(dtype=object),
        }
    )
    return Export(frame=audits), Export(frame=tickets.assign(updated_at=iso_times(last)))
