"""Validated, read-only columns and copies for the journeys' frozen classes.

Every array a journeys class holds goes through one of these converters: a value that is
not a one-dimensional column of the right kind is refused with the library's own error,
naming the field and showing (a short form of) the value, and the stored array is a
read-only view, so no result can be changed in place.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Iterable
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import frozen_array
from customer_understanding._errors import InvalidValueError

__all__ = [
    "BOOLS",
    "FLOATS",
    "FRAME",
    "INTS",
    "LABELS",
    "OPTIONAL_FLOATS",
    "OPTIONAL_INTS",
    "check_count",
    "column",
    "count",
    "frame_copy",
    "non_negative",
    "shown",
]

_SHOWN = reprlib.Repr()
_SHOWN.maxlist = _SHOWN.maxtuple = 6
_SHOWN.maxstring = _SHOWN.maxother = 60


def shown(value: object) -> str:
    """A short repr of ``value`` for error messages (long arrays are cut)."""
    if isinstance(value, np.ndarray):
        return _SHOWN.repr(value.tolist()) if value.size <= 6 else f"<array of {value.size}>"
    return _SHOWN.repr(value)


def _column(name: str, value: object, dtype: Any, kind: str) -> npt.NDArray[Any]:
    if isinstance(value, str | bytes | dict):
        array = None
    else:
        try:
            array = np.asarray(value, dtype=dtype)
        except (TypeError, ValueError, OverflowError):
            array = None
    if array is None or array.ndim != 1:
        msg = f"{name}={shown(value)} must be a one-dimensional column of {kind}"
        raise InvalidValueError(msg)
    return frozen_array(array)


def _converter(dtype: Any, kind: str, *, optional: bool = False) -> Any:
    def convert(value: object, field: attrs.Attribute[Any]) -> npt.NDArray[Any] | None:
        if optional and value is None:
            return None
        return _column(field.alias or field.name, value, dtype, kind)

    return attrs.Converter(convert, takes_field=True)  # type: ignore[call-overload]


def _labels(value: object, field: attrs.Attribute[Any]) -> tuple[str, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"{field.alias or field.name}={shown(value)} must be a sequence of labels"
        raise InvalidValueError(msg)
    return tuple(str(label) for label in value)


#: Converters to read-only int64, float64 and bool columns (optional: ``None`` stays).
INTS = _converter(np.int64, "integers")
FLOATS = _converter(np.float64, "numbers")
BOOLS = _converter(np.bool_, "booleans")
OPTIONAL_INTS = _converter(np.int64, "integers", optional=True)
OPTIONAL_FLOATS = _converter(np.float64, "numbers", optional=True)
#: Converter to a tuple of labels (a bare string is refused, not split into letters).
LABELS: Any = attrs.Converter(_labels, takes_field=True)  # type: ignore[call-overload]


def column(name: str, value: object, dtype: Any, kind: str) -> npt.NDArray[Any]:
    """One argument as a read-only one-dimensional column (the converters' check)."""
    return _column(name, value, dtype, kind)


def _number(name: str, value: object, rule: str, accept: Callable[[float], bool]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        msg = f"{name}={value!r} must be a number {rule}"
        raise InvalidValueError(msg)
    if not accept(float(value)):
        msg = f"{name}={value!r} must be {rule}"
        raise InvalidValueError(msg)
    return float(value)


def non_negative(name: str, value: object) -> float:
    """``value`` as a float, refusing anything that is not a finite number >= 0."""
    return _number(name, value, ">= 0", lambda v: np.isfinite(v) and v >= 0)


def count(name: str, value: object) -> int:
    """``value`` as an int, refusing anything that is not an integer >= 0."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        msg = f"{name}={value!r} must be an integer >= 0"
        raise InvalidValueError(msg)
    return int(value)


def check_count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: the field is an integer >= 0."""
    count(attribute.alias or attribute.name, value)


def frame_copy(value: object, field: attrs.Attribute[Any]) -> pd.DataFrame:
    """Attrs converter: a private copy of a DataFrame (anything else is refused)."""
    if not isinstance(value, pd.DataFrame):
        msg = f"{field.alias or field.name}={shown(value)} must be a pandas DataFrame"
        raise InvalidValueError(msg)
    return value.copy()


FRAME: Any = attrs.Converter(frame_copy, takes_field=True)  # type: ignore[call-overload]
