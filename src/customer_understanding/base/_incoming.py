"""An incoming record for online matching: a dict in an export's shape or a domain object.

It is loaded as a one-row records table by the export's preset (or, for a
:class:`~customer_understanding.domain.Contact` or
:class:`~customer_understanding.domain.Account`, from its fields), and keeps what it came
as, so a store can keep it and load it back on the next build.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from customer_understanding._errors import InvalidValueError
from customer_understanding.domain import Account, Contact
from customer_understanding.ingest import Source, SourceMapping, load
from customer_understanding.tables import (
    AccountRecords,
    ContactRecords,
    from_accounts,
    from_contacts,
)
from customer_understanding.typing import Level

__all__ = ["OBJECTS", "Incoming", "incoming", "object_mapping"]

Records = AccountRecords | ContactRecords


@attrs.frozen(kw_only=True)
class Incoming:
    """One incoming record as a one-row records table, with what it came as."""

    level: Level
    records: Records
    mapping: str | None = None
    source: str | None = None
    data: Mapping[str, Any] | None = None

    @property
    def key(self) -> str:
        """The record as ``system:source_id``."""
        system = self.records.labels("system")[0]
        return f"{system or ''}:{self.records.column('source_id')[0]}"


#: How a domain object added online is kept: its fields under the mapping's target names.
OBJECTS = "objects."
_CONTACT_FIELDS = {"source_id": "id", "email": "email", "first_name": "first_name",
                   "last_name": "last_name", "phone": "phone", "title": "title",
                   "department": "department", "account_ref": "account_id"}  # fmt: skip
_ACCOUNT_FIELDS = {"source_id": "id", "name": "name", "domain": "domain",
                   "industry": "industry", "country": "country", "city": "city",
                   "parent_ref": "parent_id"}  # fmt: skip


def _fields(record: Contact | Account, names: Mapping[str, str]) -> dict[str, Any]:
    values = {target: getattr(record, name) for target, name in names.items()}
    return {k: v if v is None or isinstance(v, str | int | float) else str(v)
            for k, v in values.items()}  # fmt: skip


def object_mapping(mapping: str, system: str) -> SourceMapping:
    """The mapping that loads back a domain object kept by :data:`OBJECTS` ``+ level``."""
    target = mapping.removeprefix(OBJECTS)
    names = _CONTACT_FIELDS if target == "contact" else _ACCOUNT_FIELDS
    return SourceMapping(system=system, target=target, fields={k: k for k in names})


def incoming(record: object, *, mapping: object, source: object) -> Incoming:
    """An incoming record, from a dict in an export's shape or a domain object."""
    if isinstance(record, Contact | Account):
        if mapping is not None:
            msg = "mapping= is for a dict in an export's shape; a domain object needs none"
            raise InvalidValueError(msg)
        system = "objects" if source is None else str(source)
        if isinstance(record, Contact):
            return Incoming(level="contact", records=from_contacts([record], system=system),
                            data=_fields(record, _CONTACT_FIELDS), mapping=OBJECTS + "contact",
                            source=system)  # fmt: skip
        return Incoming(level="account", records=from_accounts([record], system=system),
                        data=_fields(record, _ACCOUNT_FIELDS), mapping=OBJECTS + "account",
                        source=system)  # fmt: skip
    if not isinstance(record, Mapping):
        msg = f"record={record!r} must be a dict in an export's shape, a Contact or an Account"
        raise InvalidValueError(msg)
    if not isinstance(mapping, str | SourceMapping):
        msg = f"mapping={mapping!r} must name the export's preset (e.g. 'salesforce.Lead')"
        raise InvalidValueError(msg)
    name = "online" if source is None else str(source)
    loaded = load([Source(name=name, data=[dict(record)], mapping=mapping)])
    named = mapping if isinstance(mapping, str) else None
    contacts, accounts = loaded.combined(ContactRecords), loaded.combined(AccountRecords)
    if len(contacts):
        return Incoming(level="contact", records=contacts, data=dict(record), source=name,
                        mapping=named)  # fmt: skip
    if len(accounts):
        return Incoming(level="account", records=accounts, data=dict(record), source=name,
                        mapping=named)  # fmt: skip
    msg = f"mapping={mapping!r} reads no contact or account from the record"
    raise InvalidValueError(msg)
