"""Checks and converters of the committee's frozen classes, raising the library's errors.

A converter does not know its field's name and a validator does, so converters here
pass a value they cannot take on unchanged and the field's validator refuses it, naming
the field and showing the value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import frozen_array, is_a, require, shown

# A result's as_of converter is the one moment parser.
from customer_understanding._core import parse_moment as moment_of

__all__ = ["column", "frame_copy", "is_a", "moment_of", "require", "shown"]


def frame_copy(value: Any) -> pd.DataFrame:
    """Converter: a private copy of a DataFrame (anything else passes on to ``is_a``)."""
    return value.copy() if isinstance(value, pd.DataFrame) else value


def column(value: Any, dtype: Any) -> npt.NDArray[Any] | Any:
    """A read-only one-dimensional column, or ``value`` itself when it is none."""
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError, OverflowError):
        return value
    return frozen_array(array) if array.ndim == 1 else value
