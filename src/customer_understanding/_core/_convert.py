"""Named attrs converters: read-only arrays of one dtype, and tuples of names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from customer_understanding._errors import InvalidValueError

__all__ = ["are_names", "are_numbers", "floats", "int32s", "int64s", "names", "numbers", "objects"]


def _frozen(values: Any, dtype: Any) -> Any:
    array = np.asarray(values, dtype=dtype)
    array.setflags(write=False)
    return array


def int64s(values: Any) -> npt.NDArray[np.int64]:
    """A read-only int64 array.

    Examples
    --------
    >>> int64s([1, 2]).flags.writeable
    False
    """
    return _frozen(values, np.int64)  # type: ignore[no-any-return]


def int32s(values: Any) -> npt.NDArray[np.int32]:
    """A read-only int32 array."""
    return _frozen(values, np.int32)  # type: ignore[no-any-return]


def floats(values: Any) -> npt.NDArray[np.float64]:
    """A read-only float64 array."""
    return _frozen(values, np.float64)  # type: ignore[no-any-return]


def objects(values: Any) -> npt.NDArray[np.object_]:
    """A read-only object array (entity ids)."""
    return _frozen(values, object)  # type: ignore[no-any-return]


def names(values: Iterable[str] | object) -> tuple[str, ...]:
    """A tuple of strings; anything else is returned as it is, for :func:`are_names` to refuse.

    Converters cannot name their field, so they pass a value they cannot convert through
    unchanged and the field's validator raises, naming the field and the value.

    Examples
    --------
    >>> names(["a", "b"])
    ('a', 'b')
    >>> names(5)
    5
    """
    if isinstance(values, str) or not isinstance(values, Iterable):
        return values  # type: ignore[return-value]
    items = tuple(values)
    if not all(isinstance(item, str) for item in items):
        return values  # type: ignore[return-value]
    return items


def numbers(values: Iterable[float] | object) -> tuple[float, ...]:
    """A tuple of floats; anything else is returned as it is, for :func:`are_numbers`.

    Examples
    --------
    >>> numbers([1, 2])
    (1.0, 2.0)
    >>> numbers("12")
    '12'
    """
    if isinstance(values, str) or not isinstance(values, Iterable):
        return values  # type: ignore[return-value]
    items = tuple(values)
    if not all(isinstance(item, int | float | np.integer | np.floating)
               and not isinstance(item, bool) for item in items):  # fmt: skip
        return values  # type: ignore[return-value]
    return tuple(float(item) for item in items)


def are_names(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: the field holds a tuple of strings (after :func:`names`).

    Examples
    --------
    >>> are_names(None, type("A", (), {"name": "types"}), 5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: types=5 must be a sequence of names (strings)
    """
    if not (isinstance(value, tuple) and all(isinstance(item, str) for item in value)):
        msg = f"{attribute.name}={value!r} must be a sequence of names (strings)"
        raise InvalidValueError(msg)


def are_numbers(instance: object, attribute: Any, value: object) -> None:
    """Attrs validator: the field holds a tuple of finite numbers (after :func:`numbers`).

    Examples
    --------
    >>> are_numbers(None, type("A", (), {"name": "grades"}), "high")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: grades='high' must be a sequence of numbers
    """
    if not (isinstance(value, tuple) and all(isinstance(item, float) and np.isfinite(item)
                                             for item in value)):  # fmt: skip
        msg = f"{attribute.name}={value!r} must be a sequence of numbers"
        raise InvalidValueError(msg)
