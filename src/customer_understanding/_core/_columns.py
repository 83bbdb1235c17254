"""Conversions for result fields that name the field when a value cannot be converted.

The plain converters (:func:`floats`, :func:`objects`, …) know nothing of the field they
fill, so a bad value would escape as numpy's ``ValueError``. Each result module wraps
them in small named converters (``def _score(value): return column(floats, value,
name="score")``), which the attrs mypy plugin understands, so a value that does not
convert, or is not one-dimensional, raises :class:`InvalidValueError` naming the field.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._errors import InvalidValueError

__all__ = ["column", "is_a", "labels", "require", "same_array", "shown", "text_field"]

_A = TypeVar("_A", bound=np.generic)
_SHORT = reprlib.Repr()
_SHORT.maxlist = _SHORT.maxtuple = 6
_SHORT.maxstring = _SHORT.maxother = 60


def shown(value: object) -> str:
    """A short ``repr`` for error messages (long sequences, strings, arrays and frames cut).

    Examples
    --------
    >>> shown(list(range(100)))
    '[0, 1, 2, 3, 4, 5, ...]'
    >>> shown(np.arange(100))
    '<array of 100>'
    """
    if isinstance(value, np.ndarray):
        return _SHORT.repr(value.tolist()) if value.size <= 6 else f"<array of {value.size}>"
    if type(value).__name__ in ("DataFrame", "Series") and hasattr(value, "shape"):
        return f"<{type(value).__name__} of {len(value)}>"  # type: ignore[arg-type]
    return _SHORT.repr(value)


def require(name: str, value: object, kind: type | tuple[type, ...], what: str) -> None:
    """Refuse an argument ``name`` that is not an instance of ``kind`` (``what`` it must be).

    ``True`` and ``False`` are not numbers here, though ``bool`` subclasses ``int``.

    Examples
    --------
    >>> require("days", "30", int, "a whole number of days")
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: days='30' must be a whole number of days
    """
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        msg = f"{name}={shown(value)} must be {what}"
        raise InvalidValueError(msg)


def is_a(kind: type | tuple[type, ...], what: str) -> Callable[[Any, Any, Any], None]:
    """Attrs validator: the field is an instance of ``kind`` (described as ``what``).

    Examples
    --------
    >>> @attrs.frozen
    ... class Window:
    ...     days: int = attrs.field(validator=is_a(int, "a whole number of days"))
    >>> Window(days=2.5)
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: days=2.5 must be a whole number of days
    """

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        require(attribute.alias or attribute.name, value, kind, what)

    return validate


def column(
    convert: Callable[[Any], npt.NDArray[_A]], value: object, *, name: str, what: str = "numbers"
) -> npt.NDArray[_A]:
    """``convert(value)`` as a one-dimensional array, or an error naming the field.

    Examples
    --------
    >>> from customer_understanding._core import floats
    >>> column(floats, ["high"], name="score")
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: score=['high'] must be a sequence of numbers
    """
    try:
        array: npt.NDArray[_A] | None = convert(value)
    except (TypeError, ValueError, OverflowError):
        array = None
    if array is None or array.ndim != 1:
        msg = f"{name}={shown(value)} must be a sequence of {what}"
        raise InvalidValueError(msg)
    return array


def labels(value: object, *, name: str) -> tuple[str, ...]:
    """A sequence of strings as a tuple, or an error naming the field.

    Examples
    --------
    >>> labels(["a", "b"], name="segments")
    ('a', 'b')
    >>> labels("ab", name="segments")
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: segments='ab' must be a sequence of strings
    """
    found = None if isinstance(value, str) or not isinstance(value, Iterable) else tuple(value)
    if found is None or not all(isinstance(label, str) for label in found):
        msg = f"{name}={shown(value)} must be a sequence of strings"
        raise InvalidValueError(msg)
    return found


def text_field(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: the field is a non-empty string.

    Examples
    --------
    >>> text_field(None, type("A", (), {"name": "scorer"}), 3)
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: scorer=3 must be a non-empty string
    """
    if not isinstance(value, str) or not value:
        msg = f"{attribute.name}={shown(value)} must be a non-empty string"
        raise InvalidValueError(msg)


def same_array(left: Any, right: Any) -> bool:
    """Whether two arrays hold the same values (``nan`` equal to ``nan``); for attrs ``eq``.

    Examples
    --------
    >>> same_array(np.array([1.0, np.nan]), np.array([1.0, np.nan]))
    True
    >>> same_array(np.array(["a"], dtype=object), np.array(["b"], dtype=object))
    False
    """
    try:
        return bool(np.array_equal(left, right, equal_nan=True))
    except TypeError:  # object arrays cannot test for nan
        return bool(np.array_equal(left, right))
