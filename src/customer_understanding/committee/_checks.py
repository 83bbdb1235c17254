"""Checks and converters of the committee's frozen classes, raising the library's errors.

A converter does not know its field's name and a validator does, so converters here
pass a value they cannot take on unchanged and the field's validator refuses it, naming
the field and showing the value.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import Moment, frozen_array, parse_moment
from customer_understanding._errors import InvalidValueError

__all__ = ["column", "frame_copy", "is_a", "moment_of", "require", "shown"]

_SHOWN = reprlib.Repr()
_SHOWN.maxlist = _SHOWN.maxtuple = 6
_SHOWN.maxstring = _SHOWN.maxother = 60


def shown(value: object) -> str:
    """A short repr of ``value`` for error messages (long arrays and frames are cut)."""
    if isinstance(value, np.ndarray | pd.DataFrame):
        return f"<{type(value).__name__} of {len(value)}>"
    return _SHOWN.repr(value)


def is_a(kind: type | tuple[type, ...], what: str) -> Callable[[Any, Any, Any], None]:
    """Attrs validator: the field is an instance of ``kind`` (described as ``what``)."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, kind):
            msg = f"{attribute.alias or attribute.name}={shown(value)} must be {what}"
            raise InvalidValueError(msg)

    return validate


def require(name: str, value: object, kind: type | tuple[type, ...], what: str) -> None:
    """Refuse a function's argument ``name`` that is not an instance of ``kind``."""
    if isinstance(value, bool) or not isinstance(value, kind):
        msg = f"{name}={shown(value)} must be {what}"
        raise InvalidValueError(msg)


def frame_copy(value: Any) -> pd.DataFrame:
    """Converter: a private copy of a DataFrame (anything else passes on to ``is_a``)."""
    return value.copy() if isinstance(value, pd.DataFrame) else value


def moment_of(value: object) -> Moment:
    """Converter of a result's ``as_of``: any form of a moment, stored as a Moment."""
    return parse_moment(value)


def column(value: Any, dtype: Any) -> npt.NDArray[Any] | Any:
    """A read-only one-dimensional column, or ``value`` itself when it is none."""
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError, OverflowError):
        return value
    return frozen_array(array) if array.ndim == 1 else value
