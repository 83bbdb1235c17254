"""What a lead-to-account match rests on: name profiles, close pairs and their evidence."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

from customer_understanding._core import is_missing
from customer_understanding.identity._prepared_accounts import objects

__all__ = ["People", "_Found", "_agreement", "_email_domain", "_name_evidence", "_not_free",
           "_note", "_pair_similarity", "_pairs", "_profiles", "_said"]  # fmt: skip


def _profiles(
    codes: npt.NDArray[np.int64], city: npt.NDArray[Any], country: npt.NDArray[Any]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each person's profile and each profile's first person.

    A profile is a name typed in a place (city and country; missing values alike),
    numbered in the order profiles first occur.
    """
    seen: dict[tuple[int, Any, Any], int] = {}
    profile = np.empty(len(codes), dtype=np.int64)
    for row, key in enumerate(zip(codes.tolist(), city.tolist(), country.tolist(), strict=True)):
        known = (key[0], None if is_missing(key[1]) else key[1],
                 None if is_missing(key[2]) else key[2])  # fmt: skip
        profile[row] = seen.setdefault(known, len(seen))
    return profile, np.unique(profile, return_index=True)[1].astype(np.int64)


def _pairs(
    profiles: npt.NDArray[np.int64],
    codes: npt.NDArray[np.int64],
    name: npt.NDArray[np.int64],
    usable: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each of ``profiles`` with each usable close pair of its name (pairs sorted by name)."""
    rows = np.flatnonzero(usable)
    wanted = codes[profiles]
    low = np.searchsorted(name[rows], wanted, side="left")
    count = np.searchsorted(name[rows], wanted, side="right") - low
    at = np.repeat(profiles, count)
    shift = np.repeat(low - np.cumsum(count) + count, count)
    return at.astype(np.int64), rows[shift + np.arange(len(at), dtype=np.int64)]


People = dict[str, npt.NDArray[np.object_]]


@attrs.frozen(kw_only=True)
class _Found:
    """The contacts one way assigned (positions), with their account and its evidence."""

    person: npt.NDArray[np.int64]
    account: npt.NDArray[np.object_]
    confidence: npt.NDArray[np.float64]
    method: str
    evidence: npt.NDArray[np.object_]

    @classmethod
    def empty(cls) -> _Found:
        nothing = np.empty(0, dtype=object)
        return cls(person=np.empty(0, dtype=np.int64), account=nothing, method="none",
                   confidence=np.empty(0, dtype=np.float64), evidence=nothing)  # fmt: skip


def _email_domain(email: str | None) -> str | None:
    """What follows an address's last ``@`` (``None`` without one, or with nothing after it)."""
    if email is None or "@" not in email:
        return None
    return email.rsplit("@", 1)[1] or None


def _not_free(domain: str | None, free_mail: Collection[str]) -> str | None:
    return None if domain is None or domain in free_mail else domain


def _said(company: object, work: str | None) -> str | None:
    """How the contact named its employer, for the evidence."""
    if not is_missing(company):
        return f"company '{company}'"
    return None if work is None else f"e-mail domain '{work}'"


def _note(similarity: float, threshold: float) -> str:
    """What the typed company name says about a domain match (nothing when untyped)."""
    if similarity >= threshold:
        return "; typed company name agrees"
    if similarity < 0.7:
        return "; typed company name differs"
    return ""


def _pair_similarity(
    firsts: npt.NDArray[np.object_], seconds: npt.NDArray[np.object_]
) -> npt.NDArray[np.float64]:
    """Jaro-Winkler similarity of each pair of names; 0 where either is missing."""
    present = pd.notna(firsts) & pd.notna(seconds)
    scores = np.zeros(len(firsts), dtype=np.float64)
    if present.any():
        scores[present] = cpdist(
            firsts[present].tolist(), seconds[present].tolist(),
            scorer=JaroWinkler.normalized_similarity, dtype=np.float64,
        )  # fmt: skip
    return scores


def _agreement(
    mine: npt.NDArray[Any], theirs: npt.NDArray[Any]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    known = pd.notna(mine) & pd.notna(theirs)
    same = np.array([a == b for a, b in zip(mine.tolist(), theirs.tolist(), strict=True)],
                    dtype=bool)  # fmt: skip
    return known & same, known & ~same


def _name_evidence(best: dict[str, npt.NDArray[Any]]) -> npt.NDArray[np.object_]:
    """``company '…' ~ account name '…' (similarity 0.93); city agrees`` for each match."""
    notes = [np.where(agree, f"; {place} agrees", np.where(differ, f"; {place} differs", ""))
             for place in ("city", "country")
             for agree, differ in [_agreement(best[place], best[place + "_a"])]]  # fmt: skip
    said, name = best["said"].tolist(), best["name"].tolist()
    sim = best["sim"].astype(np.float64).tolist()
    return objects([
        pd.NA if is_missing(said[k]) or is_missing(name[k])  # missing text reads missing
        else f"{said[k]} ~ account name '{name[k]}' (similarity {sim[k]:.2f}){notes[0][k]}"
             f"{notes[1][k]}"
        for k in range(len(said))
    ])  # fmt: skip
