"""Per-contact engagement as of a moment, computed in bulk over the interaction table."""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import NAT, half_life_decay, known_by, typed_fields, within
from customer_understanding.domain import Discipline
from customer_understanding.tables import InteractionTable

__all__ = ["Engagement", "engagement"]

_DISCIPLINES = tuple(d.value for d in Discipline)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Engagement:
    """Engagement of every contact row up to ``as_of``.

    Attributes
    ----------
    last_touch
        Latest interaction time per contact (``NAT`` if none).
    by_discipline
        Recency-weighted interaction counts, shape (contacts, 4), in :class:`Discipline` order.
    sales_recent
        Sales interactions within the window, per contact.
    """

    last_touch: npt.NDArray[np.int64]
    by_discipline: npt.NDArray[np.float64]
    sales_recent: npt.NDArray[np.float64]


def engagement(
    interactions: InteractionTable,
    contacts: int,
    *,
    as_of: int,
    half_life_days: float = 30.0,
    window_days: float = 90.0,
) -> Engagement:
    """Compute :class:`Engagement` for ``contacts`` rows from interactions by ``as_of``.

    Examples
    --------
    >>> from customer_understanding.tables import InteractionTable
    >>> DAY_NS = 86_400 * 10**9
    >>> table = InteractionTable.from_columns({"contact": [0, 0, 1], "discipline":
    ...     ["sales", "marketing", "sales"], "occurred_at": [0, 5 * DAY_NS, 100 * DAY_NS]})
    >>> result = engagement(table, 2, as_of=10 * DAY_NS)
    >>> result.last_touch.tolist() == [5 * DAY_NS, NAT]
    True
    >>> result.sales_recent.tolist()
    [1.0, 0.0]
    """
    contact = interactions.column("contact")
    at = interactions.column("occurred_at")
    usable = (contact >= 0) & known_by(at, as_of)
    who, when = contact[usable], at[usable]
    last = np.full(contacts, NAT, dtype=np.int64)
    np.maximum.at(last, who, when)
    weight = half_life_decay(as_of - when, half_life_days)
    codes = interactions.column("discipline")[usable]
    labels = interactions.categories["discipline"]
    order = np.array([_DISCIPLINES.index(label) for label in labels] + [0])
    slot = order[np.where(codes < 0, len(labels), codes)]
    weights = weight * (codes >= 0)
    flat = np.bincount(who * 4 + slot, weights=weights, minlength=contacts * 4)
    by_discipline = flat.astype(np.float64).reshape(contacts, 4)
    sales = (slot == _DISCIPLINES.index("sales")) & (codes >= 0) & within(when, as_of, window_days)
    sales_recent = np.bincount(who[sales], minlength=contacts).astype(np.float64)
    return Engagement(last_touch=last, by_discipline=by_discipline, sales_recent=sales_recent)
