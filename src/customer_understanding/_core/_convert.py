"""Named attrs converters: read-only arrays of one dtype, and tuples of names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["floats", "int32s", "int64s", "names", "numbers", "objects"]


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


def names(values: Iterable[str]) -> tuple[str, ...]:
    """A tuple of strings.

    Examples
    --------
    >>> names(["a", "b"])
    ('a', 'b')
    """
    return tuple(str(value) for value in values)


def numbers(values: Iterable[float]) -> tuple[float, ...]:
    """A tuple of floats.

    Examples
    --------
    >>> numbers([1, 2])
    (1.0, 2.0)
    """
    return tuple(float(value) for value in values)
