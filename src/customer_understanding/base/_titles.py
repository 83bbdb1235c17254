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

from customer_understanding._core import is_missing
from customer_understanding.domain import DEFAULT_TITLE_RULES, TitleRule, read_title, read_titles

__all__ = ["FACT_COLUMNS", "fill_from_titles"]

_FACTS = ("seniority", "department")
#: The contact columns :func:`fill_from_titles` makes: each fact and its confidence.
FACT_COLUMNS = (*_FACTS, *(f"{fact}_confidence" for fact in _FACTS))

#: Up to this many titles (one entity refreshed online) are read one by one: a frame
#: per call would cost more than the reading.
FEW_TITLES = 8


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
    known: Mapping[str, npt.NDArray[Any]] | None = None,
) -> tuple[dict[str, Any], dict[str, tuple[str, ...]]]:
    """Golden contact columns with seniority and department filled from the titles.

    Takes and returns the columns and category labels ``ContactTable.from_columns``
    reads; seniority and department come back as labels (``None`` where unknown), with
    ``seniority_confidence`` and ``department_confidence`` beside them (NaN where unknown).
    ``known`` holds these four columns (:data:`FACT_COLUMNS`) of the first contacts as
    this function filled them before, from the same golden values (an update keeps
    them for the contacts it left alone): only the others' titles are read.
    """
    first = 0 if known is None else len(known[_FACTS[0]])
    titles = values.get("title")
    titles = np.full(n, None, dtype=object) if titles is None else np.asarray(titles)
    reading = _readings(titles[first:], rules)
    out = dict(values)
    for fact in _FACTS:
        stated = _labels(values, categories, fact, n)[first:]
        stated_known = ~_unknown(stated)
        inferred, confidence = reading[fact], reading[f"{fact}_confidence"]
        filled = np.where(stated_known, stated, inferred)
        sure = np.where(stated_known, 1.0, np.where(_unknown(inferred), np.nan, confidence))
        if known is not None:
            filled = np.concatenate([np.asarray(known[fact], dtype=object), filled])
            sure = np.concatenate([np.asarray(known[f"{fact}_confidence"], dtype=np.float64),
                                   sure])  # fmt: skip
        out[fact], out[f"{fact}_confidence"] = filled, sure
    return out, {name: labels for name, labels in categories.items() if name not in _FACTS}


def _readings(titles: Any, rules: Sequence[TitleRule]) -> dict[str, npt.NDArray[Any]]:
    """Seniority and department read from each title, with their confidences."""
    if len(titles) > FEW_TITLES:
        frame = read_titles(titles, rules=rules)
        return {name: frame[name].to_numpy(dtype=object if name in _FACTS else np.float64)
                for name in (*_FACTS, *(f"{fact}_confidence" for fact in _FACTS))}  # fmt: skip
    read = [read_title(None if is_missing(title) else title, rules=rules) for title in titles]
    seniority = [None if each.seniority is None else each.seniority.value for each in read]
    return {
        "seniority": np.array(seniority, dtype=object),
        "department": np.array([each.department for each in read], dtype=object),
        "seniority_confidence": np.array([each.seniority_confidence for each in read],
                                         dtype=np.float64),
        "department_confidence": np.array([each.department_confidence for each in read],
                                          dtype=np.float64),
    }  # fmt: skip


def _unknown(values: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    return np.array([value is None for value in values], dtype=bool)
