"""Plain-JSON form of the domain objects, with an exact round trip.

``to_dict`` gives only JSON types: times as ISO 8601 text in UTC, vocabularies by their
value, nested objects (sources, consents, contact roles, stage changes) as dicts and
tuples as lists. ``from_dict`` reads that back through the class's own converters and
validators, so ``Cls.from_dict(obj.to_dict()) == obj`` for every valid object.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar, cast

import attrs

from customer_understanding._errors import InvalidValueError

__all__ = ["JsonForm"]

T = TypeVar("T", bound="JsonForm")


def _plain(value: Any) -> Any:
    if isinstance(value, JsonForm):
        return value.to_dict()
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _fields(cls: type) -> tuple[attrs.Attribute[Any], ...]:
    """The fields a caller gives (derived ones, such as a normalised phone, left out)."""
    return tuple(field for field in attrs.fields(cast("Any", cls)) if field.init)


@cache
def _nested(cls: type) -> dict[str, type[JsonForm]]:
    """The fields holding domain objects (alone, optional or in a tuple) and their class."""
    hints = typing.get_type_hints(cls)
    found = {}
    for field in _fields(cls):
        for arg in (hints.get(field.name), *typing.get_args(hints.get(field.name))):
            if isinstance(arg, type) and issubclass(arg, JsonForm):
                found[field.name] = arg
    return found


def _revive(kind: type[JsonForm], value: Any) -> Any:
    if isinstance(value, Mapping):
        return kind.from_dict(value)
    if isinstance(value, list | tuple):
        return tuple(kind.from_dict(item) if isinstance(item, Mapping) else item for item in value)
    return value


class JsonForm:
    """What every domain object can do: become plain JSON and come back exactly."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The object as a dict of plain JSON types (ISO times, vocabulary values, lists).

        Examples
        --------
        >>> from customer_understanding.domain import Consent
        >>> consent = Consent(purpose="marketing", status="granted", updated_at="2026-01-05")
        >>> consent.to_dict()["status"], consent.to_dict()["updated_at"]
        ('granted', '2026-01-05T00:00:00+00:00')
        """
        return {field.name: _plain(getattr(self, field.name)) for field in _fields(type(self))}

    @classmethod
    def from_dict(cls: type[T], data: Mapping[str, Any]) -> T:
        """The object a :meth:`to_dict` gave, validated as if built by hand.

        Raises
        ------
        InvalidValueError
            If ``data`` is not a mapping, names an unknown field or holds a bad value.

        Examples
        --------
        >>> from customer_understanding.domain import Contact, SourceRef
        >>> crm = SourceRef(system="crm", id="003A")
        >>> ann = Contact(id="c-1", email="ann@acme.com", sources=[crm])
        >>> Contact.from_dict(ann.to_dict()) == ann
        True
        """
        if not isinstance(data, Mapping):
            msg = f"data={data!r} must be a mapping of field names to values"  # type: ignore[unreachable]
            raise InvalidValueError(msg)
        names = {field.name for field in _fields(cls)}
        unknown = sorted(set(map(str, data)) - names)
        if unknown:
            msg = f"data names {unknown[0]!r}, which is not a field of {cls.__name__}"
            raise InvalidValueError(msg)
        nested = _nested(cast("type", cls))
        values = {
            name: _revive(nested[name], value) if name in nested else value
            for name, value in data.items()
        }
        try:
            return cls(**values)
        except TypeError as error:  # a required field left out
            raise InvalidValueError(f"data for {cls.__name__}: {error}") from None

    def to_json(self) -> str:
        """The object as JSON text (:meth:`to_dict` encoded).

        Examples
        --------
        >>> from customer_understanding.domain import SourceRef
        >>> SourceRef(system="crm", id="003A").to_json()
        '{"system": "crm", "id": "003A"}'
        """
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_json(cls: type[T], text: str | bytes) -> T:
        """The object read back from :meth:`to_json` text.

        Raises
        ------
        InvalidValueError
            If the text is not JSON of an object of this class.

        Examples
        --------
        >>> from customer_understanding.domain import Account
        >>> acme = Account(id="a-1", name="Acme", created_at="2025-03-01T09:30:00Z")
        >>> Account.from_json(acme.to_json()) == acme
        True
        """
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as error:
            raise InvalidValueError(f"text is not valid JSON: {error}") from None
        return cls.from_dict(data)
