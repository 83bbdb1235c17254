"""``ConsentRegister``: the consent in force for every contact and purpose at a moment."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    NAT,
    Moment,
    TableExport,
    html_table,
    summary,
    typed_fields,
)
from customer_understanding.base._consent import consent_rows, status_labels
from customer_understanding.base._tables import Tables
from customer_understanding.domain import ConsentPurpose
from customer_understanding.tables import from_nanos
from customer_understanding.typing import AsOf

__all__ = ["ConsentRegister", "consent_in_force"]

_COLUMNS = ["contact_id", "purpose", "status", "channel", "stated_at", "system", "source_id"]


def _purposes(value: Any) -> tuple[ConsentPurpose, ...]:
    items = [value] if isinstance(value, str | ConsentPurpose) else list(value)
    return tuple(ConsentPurpose.parse(item) for item in items)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class ConsentRegister(TableExport):
    """The consent in force for each contact and purpose as of one moment, with its source.

    One row per contact and purpose: the ``status`` in force (``unknown`` when nothing is
    recorded, which is not consent), and the statement it comes from: ``channel`` (empty
    for every channel), ``stated_at`` (empty for an undated flag), ``system`` and
    ``source_id``. Read-only: :meth:`to_pandas` hands out a new DataFrame.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> ann = cu.Contact(id="c1", consents=[
    ...     cu.Consent(purpose="marketing", status="granted", updated_at="2025-03-01"),
    ...     cu.Consent(purpose="marketing", status="denied", updated_at="2026-02-01")])
    >>> base = cu.CustomerBase.from_objects(contacts=[ann], interactions=[
    ...     cu.Interaction(id="i1", occurred_at="2026-03-01", type="webinar", contact_id="c1")])
    >>> register = base.consents(purposes="marketing")
    >>> register
    ConsentRegister: 1 row, as of 2026-03-01T00:00:00Z, purposes=marketing
    >>> register.to_pandas()[["contact_id", "status", "stated_at"]].iloc[0].tolist()
    ['c1', 'denied', Timestamp('2026-02-01 00:00:00+0000', tz='UTC')]
    >>> register.withheld("marketing")["withheld_because"].tolist()
    ['marketing consent denied (objects c1, 2026-02-01)']
    """

    as_of: Moment = attrs.field(converter=Moment)
    purposes: tuple[ConsentPurpose, ...] = attrs.field(converter=_purposes)
    _frame: pd.DataFrame = attrs.field(eq=False, alias="frame")

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        names = ",".join(p.value for p in self.purposes)
        return summary("ConsentRegister", len(self), as_of=self.as_of.isoformat(), purposes=names)

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per contact and purpose (a new DataFrame)."""
        return self._frame.copy()

    def granted(self, purpose: ConsentPurpose | str) -> npt.NDArray[np.object_]:
        """The ids of the contacts who granted ``purpose``."""
        rows = self._rows(purpose)
        return np.asarray(rows.loc[rows["status"] == "granted", "contact_id"], dtype=object)

    def withheld(self, purpose: ConsentPurpose | str) -> pd.DataFrame:
        """The contacts who did not grant ``purpose``, with ``withheld_because``."""
        rows = self._rows(purpose)
        rows = rows[rows["status"] != "granted"]
        return pd.DataFrame(
            {
                "contact_id": rows["contact_id"].to_numpy(dtype=object),
                "withheld_because": [_reason(row) for row in rows.itertuples()],
            }
        )

    def _rows(self, purpose: ConsentPurpose | str) -> pd.DataFrame:
        wanted = ConsentPurpose.parse(purpose)
        return self._frame[self._frame["purpose"] == wanted.value]


def _reason(row: Any) -> str:
    text = f"{row.purpose} consent {row.status}"
    if row.system is None or pd.isna(row.system):
        return text
    when = "" if pd.isna(row.stated_at) else f", {row.stated_at:%Y-%m-%d}"
    return f"{text} ({row.system} {row.source_id}{when})"


def _one(tables: Tables, purpose: ConsentPurpose, channel: str | None, as_of: Moment) -> Any:
    statements, size = tables.consents, len(tables.contacts)
    rows = consent_rows(statements, size, purpose=purpose, channel=channel, moment=as_of)
    found = rows >= 0
    pick = np.where(found, rows, 0)

    def taken(values: npt.NDArray[Any]) -> npt.NDArray[np.object_]:
        out = np.full(size, None, dtype=object)
        out[found] = values[pick[found]] if len(values) else None
        return out

    at = statements.column("at")
    stated = [from_nanos(int(t)) if f and t != NAT else None
              for t, f in zip(at[pick] if len(at) else np.zeros(size, np.int64), found,
                              strict=True)]  # fmt: skip
    return pd.DataFrame({
        "contact_id": tables.contacts.column("id"), "purpose": purpose.value,
        "status": status_labels(statements, rows), "channel": taken(statements.labels("channel")),
        "stated_at": pd.to_datetime(pd.Series(stated, dtype=object), utc=True),
        "system": taken(statements.labels("system")),
        "source_id": taken(statements.column("source_id")),
    })  # fmt: skip


def consent_in_force(
    tables: Tables,
    *,
    as_of: AsOf = None,
    purposes: Any = tuple(ConsentPurpose),
    channel: str | None = None,
) -> ConsentRegister:
    """The :class:`ConsentRegister` of these tables as of a moment.

    See :meth:`CustomerBase.consents <customer_understanding.base.CustomerBase.consents>`,
    which calls it on the base's tables.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(contacts=[cu.Contact(id="c1")], interactions=[
    ...     cu.Interaction(id="i1", occurred_at="2026-03-01", type="webinar", contact_id="c1")])
    >>> register = consent_in_force(base.tables, as_of="2026-03-01")
    >>> register.to_pandas()["status"].unique().tolist()
    ['unknown']
    """
    moment = tables.moment(as_of)
    wanted = _purposes(purposes)
    frames = [_one(tables, purpose, channel, moment) for purpose in wanted]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_COLUMNS)
    return ConsentRegister(as_of=moment, purposes=wanted, frame=frame[_COLUMNS])
