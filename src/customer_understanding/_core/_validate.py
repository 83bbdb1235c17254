"""Validators that raise the library's own error, naming the argument and the value.

They serve both plain functions (``positive("half_life_days", value)``) and attrs
fields (``validator=check_positive``, ``validator=one_of("a", "b")``), so an invalid
setting never escapes as a bare ``TypeError`` or an attrs tuple.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable, Mapping
from typing import Any, Literal

import numpy as np

from customer_understanding._errors import InvalidValueError, personal, scrub

__all__ = [
    "Refused",
    "check_finite",
    "check_positive",
    "check_probability",
    "one_of",
    "positive",
    "positive_or_none",
    "typed_fields",
]


def _number(name: str, value: object) -> float:
    # numpy scalars are numbers too; bools are not, whatever their type.
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        msg = f"{name}={value!r} must be a number"
        raise InvalidValueError(msg)
    return float(value)


def positive(name: str, value: object) -> None:
    """Refuse a value that is not a finite number above zero.

    Examples
    --------
    >>> positive("half_life_days", -1.0)
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: half_life_days=-1.0 must be > 0
    """
    number = _number(name, value)
    if not math.isfinite(number) or number <= 0:
        msg = f"{name}={value!r} must be > 0"
        raise InvalidValueError(msg)


def check_positive(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: the field is a finite number above zero.

    Examples
    --------
    >>> import attrs
    >>> @attrs.frozen
    ... class Window:
    ...     days: float = attrs.field(validator=check_positive)
    >>> Window(0)
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: days=0 must be > 0
    """
    positive(attribute.name, value)


def positive_or_none(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: the field is ``None`` or a finite number above zero.

    Examples
    --------
    >>> positive_or_none(None, type("A", (), {"name": "window_days"}), None) is None
    True
    """
    if value is not None:
        positive(attribute.name, value)


def check_finite(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: the field is a finite number.

    Examples
    --------
    >>> check_finite(None, type("A", (), {"name": "weight"}), float("nan"))
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: weight=nan must be a finite number
    """
    if not math.isfinite(_number(attribute.name, value)):
        msg = f"{attribute.name}={value!r} must be a finite number"
        raise InvalidValueError(msg)


def check_probability(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: the field is a number in [0, 1].

    Examples
    --------
    >>> check_probability(None, type("A", (), {"name": "share"}), 1.5)
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: share=1.5 must be between 0 and 1
    """
    number = _number(attribute.name, value)
    if not 0.0 <= number <= 1.0:
        msg = f"{attribute.name}={value!r} must be between 0 and 1"
        raise InvalidValueError(msg)


def one_of(*choices: object) -> Callable[[object, Any, object], None]:
    """Attrs validator: the field is one of ``choices``.

    Examples
    --------
    >>> import attrs
    >>> @attrs.frozen
    ... class Pick:
    ...     level: str = attrs.field(validator=one_of("contact", "account"))
    >>> Pick("deal")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: level='deal' is not one of: 'contact', ...
    """
    shown = ", ".join(repr(choice) for choice in choices)

    def validate(instance: object, attribute: Any, value: object) -> None:
        try:
            known = value in choices
        except TypeError:  # an unhashable or incomparable value is not a choice
            known = False
        if not known:
            msg = f"{attribute.name}={value!r} is not one of: {shown}"
            raise InvalidValueError(msg)

    return validate


_KINDS: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int, np.integer),
    "float": (int, float, np.integer, np.floating),
    "bool": (bool, np.bool_),
    # The domain's ids are NewTypes over str.
    "AccountId": (str,),
    "ContactId": (str,),
    "OpportunityId": (str,),
    "InteractionId": (str,),
}
Check = Callable[[object], bool]


def _split(text: str, separator: str) -> list[str]:
    """Split at ``separator`` outside brackets."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += (char == "[") - (char == "]")
        if char == separator and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


def _plain(value: object, kinds: tuple[type, ...]) -> bool:
    if isinstance(value, bool | np.bool_) and bool not in kinds:
        return False
    return isinstance(value, kinds)


def _any_of(checks: list[Check | None]) -> Check | None:
    known = [check for check in checks if check is not None]
    if len(known) < len(checks):
        return None
    return lambda value: any(check(value) for check in known)


def _named(text: str, namespace: dict[str, Any]) -> Check | None:
    if text == "None":
        return lambda value: value is None
    if text in _KINDS:
        kinds = _KINDS[text]
        return lambda value: _plain(value, kinds)
    found = namespace.get(text)
    # Protocols are duck types: an object may follow one without passing isinstance.
    plain = getattr(found, "__module__", "typing") != "typing"
    if isinstance(found, type) and plain and not getattr(found, "_is_protocol", False):
        return lambda value: isinstance(value, found)
    choices = getattr(found, "__args__", None)
    if getattr(found, "__origin__", None) is Literal and choices:
        return lambda value: value in choices
    return None


def _checker(text: str, namespace: dict[str, Any]) -> Check | None:
    """A test for values of one annotation, or ``None`` when it is not understood."""
    options = _split(text, "|")
    if len(options) > 1:
        return _any_of([_checker(option, namespace) for option in options])
    head, _, rest = text.partition("[")
    if not rest:
        return _named(text, namespace)
    return _container(head.strip(), _split(rest.removesuffix("]"), ","), namespace)


def _items(kind: type, item: Check | None) -> Check | None:
    if item is None:
        return None
    return lambda value: isinstance(value, kind) and all(item(v) for v in value)  # type: ignore[attr-defined]


def _fixed(items: list[Check | None]) -> Check | None:
    known = [item for item in items if item is not None]
    if len(known) < len(items):
        return None
    return lambda value: (
        isinstance(value, tuple)
        and len(value) == len(known)
        and all(item(v) for item, v in zip(known, value, strict=True))
    )


def _container(head: str, inner: list[str], namespace: dict[str, Any]) -> Check | None:
    if head == "tuple" and len(inner) == 2 and inner[1] == "...":
        return _items(tuple, _checker(inner[0], namespace))
    if head == "tuple" and "..." not in inner:
        return _fixed([_checker(part, namespace) for part in inner])
    if head == "frozenset" and len(inner) == 1:
        return _items(frozenset, _checker(inner[0], namespace))
    if head not in ("Mapping", "dict") or len(inner) != 2:
        return None
    key, item = _checker(inner[0], namespace), _checker(inner[1], namespace)
    if key is None or item is None:
        return None
    return lambda value: (
        isinstance(value, Mapping) and all(key(k) and item(v) for k, v in value.items())
    )


class Refused:
    """What a converter returns for a value it cannot take, for the validator to report.

    Converters do not know their field's name, validators do: a converter hands the
    refused value on with the rule it breaks, and the field's validator raises, naming
    the field. The type checks of :func:`typed_fields` let it pass to that validator.

    Examples
    --------
    >>> Refused(5, "must be a sequence of labels").rule
    'must be a sequence of labels'
    """

    __slots__ = ("rule", "value")

    def __init__(self, value: object, rule: str) -> None:
        self.value = value
        self.rule = rule

    def __repr__(self) -> str:
        return f"Refused({self.value!r}, {self.rule!r})"


def _validator(
    text: str, check: Check | None, own: Callable[..., None] | None
) -> Callable[..., None] | None:
    """The field's validator: refused and mistyped values first, then its own rules."""
    if check is None and own is None:
        return _refused_only

    def validate(instance: object, attribute: Any, value: object) -> None:
        refused = isinstance(value, Refused)
        if not refused and (check is None or check(value)):
            if own is not None:
                own(instance, attribute, value)
            return
        if own is not None:
            # The field's own validator may explain better, with the library's error.
            with contextlib.suppress(TypeError, AttributeError, KeyError):
                own(instance, attribute, value)
        shown = value.value if isinstance(value, Refused) else value
        rule = value.rule if isinstance(value, Refused) else f"must be of type {text}"
        raise InvalidValueError(f"{attribute.name}={_shown(attribute.name, shown)} {rule}")

    return validate


def _refused_only(instance: object, attribute: Any, value: object) -> None:
    if isinstance(value, Refused):
        msg = f"{attribute.name}={_shown(attribute.name, value.value)} {value.rule}"
        raise InvalidValueError(msg)


#: Fields whose values are personal: masked in messages unless values are shown.
_PERSONAL = frozenset({"email", "phone", "first_name", "last_name", "full_name"})


def _shown(name: str, value: object) -> str:
    return personal(value) if name in _PERSONAL else scrub(repr(value))


def _tolerant(convert: Callable[[Any], Any], text: str) -> Callable[[Any], Any]:
    """The converter, handing a value it chokes on to the validator as :class:`Refused`."""

    @functools.wraps(convert)
    def converted(value: Any) -> Any:
        try:
            return convert(value)
        except InvalidValueError:
            raise
        except (TypeError, ValueError, AttributeError, KeyError):
            return Refused(value, f"must be of type {text}")

    return converted


def typed_fields(cls: type, fields: list[Any]) -> list[Any]:
    """Attrs field transformer: bad arguments raise the library's error, naming the field.

    Every converter hands a value it cannot convert on as :class:`Refused`, which the
    field then refuses. A field whose annotation is simple — ``str``, ``int``, ``float``,
    ``bool``, a class or a ``Literal`` alias of its module, their unions with ``None``,
    and ``tuple[X, ...]``, ``frozenset[X]`` and ``Mapping[K, V]`` of those — refuses a
    value of another type (after its converter) with
    :class:`~customer_understanding.InvalidValueError`; the field's own validator runs on
    values of the right type, and may explain a wrong one first.

    Examples
    --------
    >>> import attrs
    >>> @attrs.frozen(field_transformer=typed_fields)
    ... class Window:
    ...     days: float
    ...     label: str | None = None
    >>> Window(days="thirty")
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: days='thirty' must be of type float
    """
    import sys

    import attrs

    namespace = vars(sys.modules[cls.__module__]) if cls.__module__ in sys.modules else {}
    typed = []
    for field in fields:
        text = field.type.__name__ if isinstance(field.type, type) else str(field.type)
        check = _checker(text.replace("typing.", ""), namespace)
        convert = field.converter
        if callable(convert) and not isinstance(convert, attrs.Converter):
            convert = _tolerant(convert, text)
        typed.append(field.evolve(converter=convert,
                                  validator=_validator(text, check, field.validator)))  # fmt: skip
    return typed
