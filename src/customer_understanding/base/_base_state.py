"""What the customer base's method groups share: its state, declared once for the type checker.

:class:`~customer_understanding.base.CustomerBase` is assembled from small groups of
methods, each in its own module (reads, the store, privacy, online matching, corrections); each
group reads the base's state through the attributes declared here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from customer_understanding._errors import InvalidValueError

if TYPE_CHECKING:
    import pandas as pd

    from customer_understanding.base._adding import Online
    from customer_understanding.base._growing import RowLookup
    from customer_understanding.base._store import StorePath
    from customer_understanding.base._tables import Tables
    from customer_understanding.ingest import LoadReport

__all__ = ["BaseState", "text_or_none"]


class BaseState:
    """The attributes every method group of the customer base reads (set by its ``__init__``)."""

    _tables: Tables
    _store: StorePath | None
    _online: Online | None
    _aliases: dict[str, dict[str, str]]
    # Entity ids in table order, to find an id's row.
    _account_rows: RowLookup
    _contact_rows: RowLookup
    _opportunity_rows: pd.Index[str]
    report: LoadReport | None


def text_or_none(value: object, name: str) -> str | None:
    """``value`` when it is text or None, else an error naming the argument ``name``.

    Examples
    --------
    >>> text_or_none("etl", "actor")
    'etl'
    """
    if value is not None and not isinstance(value, str):
        msg = f"{name}={value!r} must be text or None"
        raise InvalidValueError(msg)
    return value
