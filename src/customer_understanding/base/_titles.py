"""Seniority and department filled from job titles where no export states them.

A value an export states wins (confidence 1); otherwise the golden title is read with
the domain's title rules (the same reading as the committee's role inference) and the
rule's confidence is kept beside the value, so a caller can ask for sure values only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from customer_understanding.domain import DEFAULT_TITLE_RULES, TitleRule, read_titles

__all__ = ["fill_from_titles"]

_FACTS = ("seniority", "department")


def _labels(values: Mapping[str, Any], categories: Mapping[str, Sequence[str]], field: str,
            n: int) -> npt.NDArray[np.object_]:  # fmt: skip
    codes = values.get(field)
    if codes is None or field not in categories:
        return np.full(n, None, dtype=object)
    lookup = np.array([*categories[field], None], dtype=object)
    codes = np.asarray(codes)
    return lookup[np.where(codes < 0, len(lookup) - 1, codes)]


def fill_from_titles(
    values: Mapping[str, Any],
    categories: Mapping[str, tuple[str, ...]],
    *,
    n: int,
    rules: Sequence[TitleRule] = DEFAULT_TITLE_RULES,
) -> tuple[dict[str, Any], dict[str, tuple[str, ...]]]:
    """Golden contact columns with seniority and department filled from the titles.

    Takes and returns the columns and category labels ``ContactTable.from_columns``
    reads; seniority and department come back as labels (``None`` where unknown), with
    ``seniority_confidence`` and ``department_confidence`` beside them (NaN where unknown).
    """
    titles = values.get("title")
    reading = read_titles(np.full(n, None, dtype=object) if titles is None else titles,
                          rules=rules)  # fmt: skip
    out = dict(values)
    for fact in _FACTS:
        stated = _labels(values, categories, fact, n)
        known = ~_unknown(stated)
        inferred = reading[fact].to_numpy(dtype=object)
        confidence = reading[f"{fact}_confidence"].to_numpy(dtype=np.float64)
        out[fact] = np.where(known, stated, inferred)
        out[f"{fact}_confidence"] = np.where(
            known, 1.0, np.where(_unknown(inferred), np.nan, confidence)
        )
    return out, {name: labels for name, labels in categories.items() if name not in _FACTS}


def _unknown(values: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    return np.array([value is None for value in values], dtype=bool)
