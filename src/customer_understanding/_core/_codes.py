"""Value codes: each distinct value numbered, in order of appearance or in sorted order.

Every factorisation of values that may be texts goes through :func:`value_codes`:
pandas before 3.1 hashes an object text only up to its first NUL character
(pandas-dev/pandas#34551), so two texts alike up to a NUL would be one value. Texts
holding one are numbered in plain Python instead.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["holds_nul", "sorted_codes", "value_codes"]

# numpy 2 sorts variable-width text in C (UTF-8 bytes, which order as code points do,
# as Python's own comparison does); numpy 1 has no such type.
_TEXT = getattr(getattr(np, "dtypes", None), "StringDType", None)


def _whole_texts_hashed() -> bool:
    """Whether this pandas hashes a text whole (from 3.1), NUL characters and all."""
    import pandas as pd

    return tuple(int(part) for part in pd.__version__.split(".")[:2]) >= (3, 1)


def holds_nul(values: list[Any]) -> bool:
    """Whether a text among ``values`` holds a NUL this pandas would stop hashing at.

    Always ``False`` with pandas 3.1 or later. One join of the texts, searched at C speed.

    Examples
    --------
    >>> holds_nul(["a", None, "b"])
    False
    """
    if _WHOLE_TEXTS_HASHED[0] is None:
        _WHOLE_TEXTS_HASHED[0] = _whole_texts_hashed()
    if _WHOLE_TEXTS_HASHED[0]:
        return False
    try:  # every value a text or missing
        return "\x00" in "".join(filter(None, values))
    except TypeError:
        return any(isinstance(value, str) and "\x00" in value for value in values)


_WHOLE_TEXTS_HASHED: list[bool | None] = [None]  # read on first use


def value_codes(values: Any) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]:
    r"""Codes of ``values`` in order of first appearance, and the distinct values.

    ``pd.factorize(values, use_na_sentinel=True)`` (missing values get ``-1``), with
    texts told apart past a NUL character in every pandas.

    Examples
    --------
    >>> import numpy as np
    >>> codes, uniques = value_codes(np.array(["b", None, "b\x00x", "b"], dtype=object))
    >>> codes.tolist(), uniques.tolist()
    ([0, -1, 1, 0], ['b', 'b\x00x'])
    """
    import pandas as pd

    values = np.asarray(values, dtype=object)
    if not holds_nul(values.tolist()):
        codes, distinct = pd.factorize(values, use_na_sentinel=True)
        return codes.astype(np.intp, copy=False), np.asarray(distinct, dtype=object)
    numbers: dict[Any, int] = {}
    missing = pd.isna(values)
    found = [-1 if gap else numbers.setdefault(value, len(numbers))
             for value, gap in zip(values.tolist(), missing.tolist(), strict=True)]  # fmt: skip
    uniques = np.empty(len(numbers), dtype=object)
    uniques[:] = list(numbers)
    return np.array(found, dtype=np.intp), uniques


def sorted_codes(values: Any) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]:
    """Codes of ``values`` in the sorted order of the distinct values, and those values.

    Missing values (``None``, ``NaN``) get ``-1``. Equal to
    ``pd.factorize(values, sort=True)``, but distinct text is sorted in C where numpy
    can (several times faster); values that do not sort together are ordered by their
    ``repr``.

    Examples
    --------
    >>> import numpy as np
    >>> codes, uniques = sorted_codes(np.array(["b", None, "a", "b"], dtype=object))
    >>> codes.tolist(), uniques.tolist()
    ([1, -1, 0, 1], ['a', 'b'])
    >>> sorted_codes(np.array([2, None, 1.5], dtype=object))[0].tolist()
    [1, -1, 0]
    """
    import pandas as pd  # imported on first use: the package loads without pandas

    values = np.asarray(values, dtype=object)
    found, uniques = value_codes(values)
    order = _text_order(uniques)
    if order is None and not holds_nul(uniques.tolist()):
        try:
            with warnings.catch_warnings():  # pandas 3 warns on its way to refusing mixed types
                warnings.simplefilter("ignore")
                codes, distinct = pd.factorize(values, sort=True, use_na_sentinel=True)
            return codes.astype(np.intp, copy=False), np.asarray(distinct, dtype=object)
        except TypeError:  # values that do not sort together: order them by their text
            order = _repr_order(uniques)
    elif order is None:  # texts holding a NUL: sorted in Python
        try:
            order = np.array(sorted(range(len(uniques)), key=uniques.__getitem__), dtype=np.intp)
        except TypeError:
            order = _repr_order(uniques)
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order), dtype=np.intp)
    codes = np.where(found >= 0, rank[np.maximum(found, 0)], -1).astype(np.intp, copy=False)
    return codes, uniques[order]


def _repr_order(uniques: npt.NDArray[np.object_]) -> npt.NDArray[np.intp]:
    """Values that do not sort together, ordered by their ``repr``."""
    return np.argsort(np.array([repr(v) for v in uniques], dtype=object), kind="stable")


def _text_order(uniques: npt.NDArray[np.object_]) -> npt.NDArray[np.intp] | None:
    """The sorting order of distinct text values in C; ``None`` when they are not all text."""
    import pandas as pd

    if _TEXT is None or not len(uniques):
        return None
    if pd.api.types.infer_dtype(uniques, skipna=False) != "string":
        return None
    try:
        text = np.asarray(uniques, dtype=_TEXT())
    except (UnicodeEncodeError, ValueError, TypeError):  # lone surrogates: sort in Python
        return None
    return np.argsort(text, kind="stable")
