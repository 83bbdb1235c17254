"""Attrs converters that name the field when a value cannot become what it must be.

The plain converters (:func:`floats`, :func:`objects`, …) know nothing of the field they
fill, so a bad value would escape as numpy's ``ValueError``. These wrap them: a value that
does not convert, or is not one-dimensional, raises :class:`InvalidValueError` naming the
field and showing (a shortened) value. ``moment_field`` stores a moment as a ``Moment``.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Iterable
from typing import Any

import attrs
import numpy as np

from customer_understanding._core._time import Moment, parse_moment
from customer_understanding._errors import InvalidValueError

__all__ = ["column_of", "labels_field", "moment_field", "same_array", "text_field"]

_SHORT = reprlib.Repr()
_SHORT.maxlist = _SHORT.maxtuple = 4
_SHORT.maxstring = _SHORT.maxother = 40


def _shown(value: object) -> str:
    return _SHORT.repr(value)


def column_of(convert: Callable[[Any], np.ndarray[Any, Any]], what: str) -> Any:
    """An attrs converter: ``convert`` the value to a one-dimensional array, or refuse it.

    Examples
    --------
    >>> from customer_understanding._core import floats
    >>> @attrs.frozen
    ... class Scores:
    ...     score: Any = attrs.field(converter=column_of(floats, "numbers"))
    >>> Scores(["high"])
    Traceback (most recent call last):
    ...
    customer_understanding._errors.InvalidValueError: score=['high'] must be a sequence of numbers
    """

    def run(value: object, field: attrs.Attribute[Any]) -> Any:
        try:
            array = convert(value)
        except (TypeError, ValueError, OverflowError):
            array = None
        if array is None or array.ndim != 1:
            msg = f"{field.name}={_shown(value)} must be a sequence of {what}"
            raise InvalidValueError(msg)
        return array

    return attrs.Converter(run, takes_field=True)  # type: ignore[call-overload]


def _moment(value: object, field: attrs.Attribute[Any]) -> Moment:
    return parse_moment(value, name=field.name)


#: An attrs converter storing any accepted form of a moment as a :class:`Moment`.
moment_field: Any = attrs.Converter(_moment, takes_field=True)  # type: ignore[call-overload]


def text_field(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: the field is a non-empty string.

    Examples
    --------
    >>> text_field(None, type("A", (), {"name": "scorer"}), 3)
    Traceback (most recent call last):
    ...
    customer_understanding._errors.InvalidValueError: scorer=3 must be a non-empty string
    """
    if not isinstance(value, str) or not value:
        msg = f"{attribute.name}={_shown(value)} must be a non-empty string"
        raise InvalidValueError(msg)


def _labels(value: object, field: attrs.Attribute[Any]) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        labels = None
    else:
        labels = tuple(value)
    if labels is None or not all(isinstance(label, str) for label in labels):
        msg = f"{field.name}={_shown(value)} must be a sequence of strings"
        raise InvalidValueError(msg)
    return labels


#: An attrs converter storing a sequence of strings as a tuple (anything else is refused).
labels_field: Any = attrs.Converter(_labels, takes_field=True)  # type: ignore[call-overload]


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
