"""The consent in force for a purpose at a moment, as a trait conditions can read."""

from __future__ import annotations

from typing import Any

import attrs
import numpy.typing as npt

from customer_understanding._core import Moment, moment_checked, typed_fields
from customer_understanding.base import Tables, consent_status
from customer_understanding.domain import ConsentPurpose
from customer_understanding.traits._scope import check_level, count_by
from customer_understanding.typing import Level

__all__ = ["ConsentStatusTrait"]


def _purpose(value: object) -> ConsentPurpose:
    return ConsentPurpose.parse(value)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class ConsentStatusTrait:
    """A contact's consent for a purpose (and channel) in force at ``as_of``.

    Gives ``"granted"``, ``"denied"`` or ``"unknown"`` per contact, from the latest
    dated statement made by ``as_of`` across every system (see
    :meth:`CustomerBase.consents <customer_understanding.base.CustomerBase.consents>`);
    for an account, how many of its contacts granted it (a number).

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(contacts=[cu.Contact(id="c1", consents=[
    ...     cu.Consent(purpose="marketing", status="granted", channel="email")])])
    >>> trait = ConsentStatusTrait(purpose="marketing", channel="email")
    >>> trait.description
    'marketing consent (email) in force'
    >>> trait.evaluate(base.tables, as_of=cu.typing.Moment(0), level="contact").tolist()
    ['granted']
    """

    purpose: ConsentPurpose = attrs.field(converter=_purpose)
    channel: str | None = None

    @property
    def description(self) -> str:
        """What the trait measures."""
        on = "" if self.channel is None else f" ({self.channel})"
        return f"{self.purpose.value} consent{on} in force"

    @moment_checked
    def evaluate(self, tables: Tables, /, *, as_of: Moment, level: Level) -> npt.NDArray[Any]:
        """The status per contact row, or the contacts who granted it per account row."""
        status = consent_status(tables.consents, len(tables.contacts), purpose=self.purpose,
                                channel=self.channel, moment=as_of)  # fmt: skip
        if check_level(level) == "contact":
            return status
        granted = status == "granted"
        return count_by(tables.contacts.column("account"), granted, len(tables.accounts))
