"""Identifiers and provenance shared by every domain object."""

from __future__ import annotations

from typing import NewType

import attrs

__all__ = [
    "AccountId",
    "ContactId",
    "InteractionId",
    "OpportunityId",
    "SourceRef",
    "source_refs",
]

AccountId = NewType("AccountId", str)
ContactId = NewType("ContactId", str)
InteractionId = NewType("InteractionId", str)
OpportunityId = NewType("OpportunityId", str)


def _non_empty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        msg = f"{attribute.name}={value!r} must be a non-empty string"
        raise ValueError(msg)


@attrs.frozen(kw_only=True, order=True)
class SourceRef:
    """Where a record came from: the system and the record's id in that system.

    Parameters
    ----------
    system
        The source system, such as ``"salesforce"`` or ``"zendesk"``.
    id
        The record's id in that system.

    Examples
    --------
    >>> SourceRef(system="salesforce", id="0035e00000Abc")
    SourceRef(system='salesforce', id='0035e00000Abc')
    >>> str(SourceRef(system="zendesk", id="42"))
    'zendesk:42'
    """

    system: str = attrs.field(validator=_non_empty)
    id: str = attrs.field(converter=str, validator=_non_empty)

    def __str__(self) -> str:
        return f"{self.system}:{self.id}"


def source_refs(value: object) -> tuple[SourceRef, ...]:
    """Convert one source reference or an iterable of them into a sorted, de-duplicated tuple.

    Examples
    --------
    >>> source_refs(SourceRef(system="crm", id="1"))
    (SourceRef(system='crm', id='1'),)
    """
    if isinstance(value, SourceRef):
        return (value,)
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        msg = f"sources={value!r} must be a SourceRef or an iterable of SourceRef"
        raise TypeError(msg)
    refs = tuple(value)
    bad = [ref for ref in refs if not isinstance(ref, SourceRef)]
    if bad:
        msg = f"sources holds {bad[0]!r}, which is not a SourceRef"
        raise TypeError(msg)
    return tuple(sorted(set(refs)))
