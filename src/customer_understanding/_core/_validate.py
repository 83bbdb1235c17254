"""Validators that raise the library's own error, naming the argument and the value.

They serve both plain functions (``positive("half_life_days", value)``) and attrs
fields (``validator=check_positive``, ``validator=one_of("a", "b")``), so an invalid
setting never escapes as a bare ``TypeError`` or an attrs tuple.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from customer_understanding._errors import InvalidValueError

__all__ = [
    "check_finite",
    "check_positive",
    "check_probability",
    "one_of",
    "positive",
    "positive_or_none",
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
