"""Value codes numbered in sorted value order, so they never depend on the row order."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["sorted_codes"]

# numpy 2 sorts variable-width text in C (UTF-8 bytes, which order as code points do,
# as Python's own comparison does); numpy 1 has no such type.
_TEXT = getattr(getattr(np, "dtypes", None), "StringDType", None)


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
    found, distinct = pd.factorize(values, use_na_sentinel=True)
    uniques = np.asarray(distinct, dtype=object)
    order = _text_order(uniques)
    if order is None:
        try:
            with warnings.catch_warnings():  # pandas 3 warns on its way to refusing mixed types
                warnings.simplefilter("ignore")
                codes, distinct = pd.factorize(values, sort=True, use_na_sentinel=True)
            return codes.astype(np.intp, copy=False), np.asarray(distinct, dtype=object)
        except TypeError:  # values that do not sort together: order them by their text
            order = np.argsort(np.array([repr(v) for v in uniques], dtype=object), kind="stable")
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order), dtype=np.intp)
    codes = np.where(found >= 0, rank[np.maximum(found, 0)], -1).astype(np.intp, copy=False)
    return codes, uniques[order]


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
