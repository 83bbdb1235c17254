"""Matching by company name in arrays answers as the frame-based matching it replaced."""

from typing import Any
from unittest import mock

import numpy as np
import numpy.typing as npt
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from customer_understanding.identity import LeadToAccount
from customer_understanding.identity._lead_to_account import _Found
from customer_understanding.identity._name_blocks import similar_names
from tests.identity.test_lead_to_account import _tables


def _agreement(mine: "pd.Series[Any]", theirs: "pd.Series[Any]") -> tuple[Any, Any]:
    known = (mine.notna() & theirs.notna()).to_numpy()
    same = (mine.astype(object) == theirs.astype(object)).to_numpy(dtype=bool)
    return known & same, known & ~same


def _confidence(linker: LeadToAccount, found: pd.DataFrame) -> npt.NDArray[np.float64]:
    sim = found["sim"].to_numpy(dtype=np.float64)
    span = max(1.0 - linker.name_threshold, 1e-9)
    confidence = 0.5 + 0.4 * np.clip((sim - linker.name_threshold) / span, 0.0, 1.0)
    for place, gain, loss in (("city", 0.05, 0.05), ("country", 0.05, 0.25)):
        agree, differ = _agreement(found[place], found[place + "_a"])
        confidence += gain * agree - loss * differ
    return np.clip(confidence, 0.0, 1.0)


def _candidates(linker: LeadToAccount, profiles: pd.DataFrame, close: pd.DataFrame,
                firms: Any) -> pd.DataFrame:  # fmt: skip
    close = close.rename(columns={"similarity": "sim"})
    closest = close[close["sim"] == close.groupby("name")["sim"].transform("max")]
    placeless = (profiles["city"].isna() & profiles["country"].isna()).to_numpy()
    pairs = pd.concat([profiles[placeless].merge(closest, on="name"),
                       profiles[~placeless].merge(close, on="name")])  # fmt: skip
    at, held = firms.with_names(pairs["choice"].to_numpy(dtype=np.int64))
    pairs = pairs.iloc[at]
    chosen = firms.take(held)
    found = pd.DataFrame({
        "profile": pairs["profile"].to_numpy(), "sim": pairs["sim"].to_numpy(),
        "city": pairs["city"].to_numpy(dtype=object),
        "country": pairs["country"].to_numpy(dtype=object),
        **{column: chosen[column].to_numpy(dtype=object) for column in ("account", "name")},
        "city_a": chosen["city"].to_numpy(dtype=object),
        "country_a": chosen["country"].to_numpy(dtype=object),
        "rank": chosen["rank"].to_numpy(),
    })  # fmt: skip
    found["confidence"] = _confidence(linker, found)
    return found


def _evidence(best: pd.DataFrame) -> "pd.Series[str]":
    similarity = pd.Series(np.char.mod("%.2f", best["sim"].to_numpy(dtype=np.float64)),
                           index=best.index)  # fmt: skip
    text = (best["said"].astype("string") + " ~ account name '"
            + best["name"].astype("string") + "' (similarity " + similarity + ")")  # fmt: skip
    for place in ("city", "country"):
        agree, differ = _agreement(best[place], best[place + "_a"])
        text = text + np.where(
            agree, f"; {place} agrees", np.where(differ, f"; {place} differs", "")
        )
    return text


def _by_name_in_frames(linker: LeadToAccount, people: Any, rest: Any, firms: Any) -> _Found:
    """Matching by name as it was written before, with pandas frames (the reference)."""
    named = rest[pd.notna(people["words"][rest])]
    if not len(named):
        return _Found.empty()
    name_codes, names = pd.factorize(people["words"][named], sort=True)
    close = similar_names(np.asarray(names, dtype=object), firms.names,
                          threshold=linker.name_threshold)  # fmt: skip
    if close.empty:
        return _Found.empty()
    profile = pd.DataFrame({"name": name_codes, "city": people["city"][named],
                            "country": people["country"][named]})  # fmt: skip
    profile_of = profile.groupby(["name", "city", "country"], dropna=False).ngroup().to_numpy()
    profiles = profile.assign(profile=profile_of).drop_duplicates("profile")
    found = _candidates(linker, profiles, close, firms)
    if found.empty:
        return _Found.empty()
    found = found.sort_values(["profile", "confidence", "sim", "rank"],
                              ascending=[True, False, False, True], kind="stable")  # fmt: skip
    best = found.drop_duplicates("profile").set_index("profile")
    kept = np.isin(profile_of, best.index)
    chosen = best.drop(columns=["city", "country"]).loc[profile_of[kept]]
    person = named[kept]
    mine = pd.DataFrame({column: people[column][person]
                         for column in ("said", "city", "country")})  # fmt: skip
    best = pd.concat([mine, chosen.reset_index(drop=True)], axis=1)
    return _Found(person=person, account=best["account"].to_numpy(dtype=object),
                  confidence=best["confidence"].to_numpy(dtype=np.float64), method="name",
                  evidence=_evidence(best).to_numpy(dtype=object))  # fmt: skip


_NAMES = ["Acme Inc.", "Acme Labs", "Acmee GmbH", "Globex", "Globx Corp", "Initech", "Initek"]
_COMPANIES = ["Acme", "acme lab", "Acmé", "Globx", "Initech LLC", "initek", None]


@st.composite
def _close_names(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accounts whose names are close to each other, people in partly known places."""
    n, m = draw(st.integers(1, 7)), draw(st.integers(1, 8))
    places = st.sampled_from(["Utrecht", "Paris", None])
    countries = st.sampled_from(["NL", "France", None])
    accounts = pd.DataFrame({
        "id": [f"A{k}" for k in range(n)],
        "name": draw(st.lists(st.sampled_from(_NAMES), min_size=n, max_size=n)),
        "city": draw(st.lists(places, min_size=n, max_size=n)),
        "country": draw(st.lists(countries, min_size=n, max_size=n)),
    })  # fmt: skip
    contacts = pd.DataFrame({
        "id": list(range(m)), "email": ["someone@gmail.com"] * m,
        "company": draw(st.lists(st.sampled_from(_COMPANIES), min_size=m, max_size=m)),
        "city": draw(st.lists(places, min_size=m, max_size=m)),
        "country": draw(st.lists(st.sampled_from(["Netherlands", "FR", None]), min_size=m,
                                 max_size=m)),
    })  # fmt: skip
    return contacts, accounts


@settings(max_examples=150, deadline=None)
@given(st.one_of(_tables(), _close_names()))
@example((  # a place half known: a less close name in the same country wins
    pd.DataFrame({"id": [0, 1], "email": ["a@gmail.com", "b@gmail.com"],
                  "company": ["Acme", "Acme"], "city": [None, "Paris"],
                  "country": ["FR", None]}),
    pd.DataFrame({"id": ["A0", "A1"], "name": ["Acme Inc.", "Acmee GmbH"],
                  "city": ["Utrecht", "Paris"], "country": ["NL", "France"]}),
))  # fmt: skip
def test_matching_by_name_in_arrays_answers_as_in_frames(
    tables: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    contacts, accounts = tables
    linker = LeadToAccount()
    prepared = linker.prepare(accounts)
    got = linker.match(contacts, prepared).to_pandas()
    with mock.patch.object(LeadToAccount, "_by_name", _by_name_in_frames):
        expected = linker.match(contacts, prepared).to_pandas()
    pd.testing.assert_frame_equal(got, expected)
