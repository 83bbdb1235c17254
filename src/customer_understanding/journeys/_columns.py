"""Validated, read-only columns and copies for the journeys' frozen classes.

Every array a journeys class holds goes through one of these converters, checked by
:func:`checked`: a value that is
not a one-dimensional column of the right kind is refused with the library's own error,
naming the field and showing (a short form of) the value, and the stored array is a
read-only view, so no result can be changed in place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    NAT,
    Moment,
    Refused,
    check_finite,
    check_probability,
    frozen_array,
    is_a,
    require,
    resolve_moment,
    shown,
)

# A result's as_of converter is the one moment parser.
from customer_understanding._core import parse_moment as moment_of
from customer_understanding._errors import InvalidValueError

__all__ = [
    "bools",
    "check_count",
    "checked",
    "column",
    "count",
    "ensure",
    "finite",
    "floats",
    "frame",
    "ints",
    "is_a",
    "labels",
    "moment_of",
    "moment_within",
    "non_negative",
    "objects",
    "optional_floats",
    "optional_ints",
    "probability",
    "refused",
    "require",
    "shown",
]

_T = TypeVar("_T")


_Refused = Refused


def _column(value: object, dtype: Any, kind: str) -> Any:
    if isinstance(value, str | bytes | dict):
        array = None
    else:
        try:
            array = np.asarray(value, dtype=dtype)
        except (TypeError, ValueError, OverflowError):
            array = None
    if array is None or array.ndim != 1:
        return _Refused(value, f"must be a one-dimensional column of {kind}")
    return frozen_array(array)


def ensure(name: str, value: _T) -> _T:
    """``value`` unless a converter refused it; then an error naming ``name``."""
    if isinstance(value, _Refused):
        msg = f"{name}={shown(value.value)} {value.rule}"
        raise InvalidValueError(msg)
    return value


def checked(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator of every converted field: refuse what its converter could not take."""
    ensure(attribute.alias or attribute.name, value)


def ints(value: Any) -> npt.NDArray[np.int64]:
    """Converter: a read-only int64 column (check the field with :func:`checked`)."""
    return _column(value, np.int64, "integers")  # type: ignore[no-any-return]


def floats(value: Any) -> npt.NDArray[np.float64]:
    """Converter: a read-only float64 column (check the field with :func:`checked`)."""
    return _column(value, np.float64, "numbers")  # type: ignore[no-any-return]


def bools(value: Any) -> npt.NDArray[np.bool_]:
    """Converter: a read-only boolean column (check the field with :func:`checked`)."""
    return _column(value, np.bool_, "booleans")  # type: ignore[no-any-return]


def objects(value: Any) -> npt.NDArray[np.object_] | None:
    """Converter: ``None`` or a read-only column of ids (check with :func:`checked`)."""
    return None if value is None else _column(value, object, "ids")


def optional_ints(value: Any) -> npt.NDArray[np.int64] | None:
    """Like :func:`ints`, keeping ``None``."""
    return None if value is None else ints(value)


def optional_floats(value: Any) -> npt.NDArray[np.float64] | None:
    """Like :func:`floats`, keeping ``None``."""
    return None if value is None else floats(value)


def labels(value: Any) -> tuple[str, ...]:
    """Converter: a tuple of labels (a bare string is refused, not split into letters)."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return _Refused(value, "must be a sequence of labels")  # type: ignore[return-value]
    return tuple(str(label) for label in value)


def frame(value: Any) -> pd.DataFrame:
    """Converter: a private copy of a DataFrame (check the field with :func:`checked`)."""
    if not isinstance(value, pd.DataFrame):
        return _Refused(value, "must be a pandas DataFrame")  # type: ignore[return-value]
    return value.copy()


def refused(value: object, rule: str) -> Any:
    """For other converters: hand ``value`` on to :func:`checked`, which reports ``rule``."""
    return _Refused(value, rule)


def column(name: str, value: object, dtype: Any, kind: str) -> npt.NDArray[Any]:
    """A function's argument ``name`` as a read-only one-dimensional column."""
    return ensure(name, _column(value, dtype, kind))


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


def moment_within(as_of: object, times: npt.NDArray[np.int64]) -> Moment:
    """``as_of`` resolved against the span of ``times`` (``None``: the latest of them).

    For the entry points that receive event times rather than a customer base: the
    same parser and the same "not before the first event" rule as ``Tables.moment``.
    """
    known = times[times != NAT]
    if not len(known):
        return resolve_moment(as_of, earliest=None, latest=None)
    return resolve_moment(as_of, earliest=int(known.min()), latest=int(known.max()))


def finite(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    """Attrs validator: :func:`~customer_understanding._core.check_finite`, typed for floats."""
    check_finite(instance, attribute, value)


def probability(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    """Attrs validator: :func:`~customer_understanding._core.check_probability`, typed."""
    check_probability(instance, attribute, value)
