"""Identifiers and provenance shared by every domain object."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NewType, TypeVar

import attrs

from customer_understanding._core import typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.domain._json import JsonForm

__all__ = [
    "AccountId",
    "ContactId",
    "InteractionId",
    "OpportunityId",
    "SourceRef",
    "source_refs",
    "tuple_of",
]

AccountId = NewType("AccountId", str)
ContactId = NewType("ContactId", str)
InteractionId = NewType("InteractionId", str)
OpportunityId = NewType("OpportunityId", str)


def _non_empty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        msg = f"{attribute.name}={value!r} must be a non-empty string"
        raise InvalidValueError(msg)


def _text(value: object) -> str:
    # ids arrive as numbers from some exports; anything else is a mistake worth naming
    if not isinstance(value, str | int):
        msg = f"id={value!r} must be a string"
        raise InvalidValueError(msg)
    return str(value)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, order=True)
class SourceRef(JsonForm):
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
    id: str = attrs.field(converter=_text, validator=_non_empty)

    def __str__(self) -> str:
        return f"{self.system}:{self.id}"


T = TypeVar("T")


def tuple_of(kind: type[T], value: Iterable[object], *, field: str) -> tuple[T, ...]:
    """``value`` as a tuple, checking that every item is a ``kind``.

    Raises
    ------
    InvalidValueError
        Naming the field and the first item of another type.

    Examples
    --------
    >>> tuple_of(int, [1, 2], field="counts")
    (1, 2)
    """
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"{field}={value!r} must be a sequence of {kind.__name__}"
        raise InvalidValueError(msg)
    items = tuple(value)
    typed = tuple(item for item in items if isinstance(item, kind))
    if len(typed) != len(items):
        bad = next(item for item in items if not isinstance(item, kind))
        msg = f"{field} holds {bad!r}, which is not a {kind.__name__}"
        raise InvalidValueError(msg)
    return typed


def source_refs(value: object) -> tuple[SourceRef, ...]:
    """Convert one source reference or an iterable of them into a sorted, de-duplicated tuple.

    Examples
    --------
    >>> source_refs(SourceRef(system="crm", id="1"))
    (SourceRef(system='crm', id='1'),)
    """
    if isinstance(value, SourceRef):
        return (value,)
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"sources={value!r} must be a SourceRef or an iterable of SourceRef"
        raise InvalidValueError(msg)
    refs = tuple_of(SourceRef, value, field="sources")
    return tuple(sorted(set(refs)))
