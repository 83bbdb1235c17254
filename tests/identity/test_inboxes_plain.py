"""Shared inboxes read in plain Python give what the column-at-a-time reading gave.

Each shortcut (addresses and roles one value at a time, names compared only where an
address carries two, a name relation that stops at its first answer, the carriers of
an update found without a column of every address) is checked against the plain path
it replaced, written out here.
"""

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from customer_understanding._core import object_values
from customer_understanding.identity import ProbabilisticResolver, SharedInboxes, normalise
from customer_understanding.identity._fields import clean_column
from customer_understanding.identity._inboxes import (
    _FAMILY,
    _GIVEN,
    _family_compatible,
    _given_compatible,
    _relation,
)
from customer_understanding.tables import ContactRecords

_EMAILS = st.sampled_from([
    "ann@x.com", " Ann@X.com", "info@x.com", "In-Fo+emea@x.com", "samanthat@x.com",
    "samanthat@x.com", "\u00c5sa@x.com", "\u2003ann@x.com", "", "plain", None, float("nan"),
])  # fmt: skip
_FIRST = st.sampled_from(["Ann", "Anne", "Kate", "Katherine", "Bob", "Carl", "Samantha",
                          "samanthat", "Samantha T", "P.", None, None])  # fmt: skip
_LAST = st.sampled_from(["Lee", "Lee-Moss", "Moss", "Ng", "samanthat", "sam.t", "Moss, Cy",
                         "Turner", None, None, float("nan")])  # fmt: skip
_SEPARATORS = r"[._\-]"  # as the column reading dropped them
_PEOPLE = st.lists(st.tuples(_EMAILS, _FIRST, _LAST), max_size=16)
# The column reading as it was: Python's own string methods and regular expressions (the
# "python" storage; pandas 3's pyarrow strings case-map and match some letters otherwise)
_STRINGS = pd.StringDtype("python")


def _columns(people: list[tuple[Any, Any, Any]]) -> tuple[list[Any], list[Any], list[Any]]:
    return [p[0] for p in people], [p[1] for p in people], [p[2] for p in people]


def _pandas_addresses(emails: list[Any]) -> pd.Series:
    return pd.Series(emails, dtype=_STRINGS).str.strip().str.lower()


def _pandas_roles(inboxes: SharedInboxes, emails: list[Any]) -> np.ndarray:
    text = _pandas_addresses(emails)
    local = text.str.extract(r"^([^@+]*)(?:\+[^@]*)?@", expand=False)
    local = local.str.replace(_SEPARATORS, "", regex=True)
    return local.isin(inboxes.local_parts).fillna(False).to_numpy(dtype=np.bool_, copy=True)


def _pandas_find(inboxes: SharedInboxes, emails: list[Any], first: list[Any],
                 last: list[Any]) -> tuple[list[bool], list[tuple[int, int]]]:  # fmt: skip
    """The reading before: every step a pandas column, every address's names compared."""
    text = _pandas_addresses(emails)
    shared = _pandas_roles(inboxes, emails)
    carried = np.flatnonzero((text.notna() & text.duplicated(keep=False)).to_numpy())
    if not len(carried):
        return shared.tolist(), []
    text = text.iloc[carried].reset_index(drop=True)
    names = pd.DataFrame({
        "email": text,
        "given": clean_column(pd.Series(first, dtype=object).iloc[carried], _GIVEN).texts,
        "family": clean_column(pd.Series(last, dtype=object).iloc[carried], _FAMILY).texts,
    })  # fmt: skip
    local = text.str.extract(r"^([^@+]*)", expand=False).str.replace(_SEPARATORS, "", regex=True)
    for column, other in (("given", "family"), ("family", "given")):
        typed = pd.Series(names[column], dtype=_STRINGS).str.replace(r"\W", "", regex=True)
        handle = (typed == local).fillna(False) & names[other].isna()
        names.loc[handle.to_numpy(), column] = None
    apart: list[tuple[int, int]] = []
    given_names, family = object_values(names["given"]), object_values(names["family"])
    for rows in names.groupby("email", sort=True).indices.values():
        positions = carried[rows]
        keys = list(zip(given_names[rows].tolist(), family[rows].tolist(), strict=True))
        found, pairs = inboxes._disagreeing(keys, positions)
        if found:
            shared[positions] = True
            apart.extend(pairs)
    return shared.tolist(), sorted(apart)


def _eager_relation(first: tuple[Any, Any], second: tuple[Any, Any]) -> int:
    """The name relation with every check made, as it was written before."""
    compared = [
        agree(a, b)
        for agree, a, b in ((_given_compatible, first[0], second[0]),
                            (_family_compatible, first[1], second[1]))
        if a is not None and b is not None
    ]  # fmt: skip
    crossed = [
        _given_compatible(a, b) or _family_compatible(a, b)
        for a, b in ((first[0], second[1]), (first[1], second[0]))
        if a is not None and b is not None
    ]
    if any(compared) or (crossed and all(crossed)):
        return 1
    return -1 if compared else 0


_NAMES = st.tuples(
    st.sampled_from(["ann", "anne", "kate", "katherine", "kathy", "bob", "robert", "p",
                     "powell", "michael", "ann marie", "jon", "john", None]),
    st.sampled_from(["lee", "lee moss", "moss", "mos", "powell", "michael", "richardson",
                     "richardson smith", "ng", None]),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(_NAMES, _NAMES)
def test_the_name_relation_stopping_at_its_first_answer_is_the_full_one(
    first: tuple[Any, Any], second: tuple[Any, Any]
) -> None:
    assert _relation(first, second) == _eager_relation(first, second)
    assert _relation(second, first) == _eager_relation(second, first)


# dotted and dotless i, sharp s and Unicode spaces case and trim differently from ASCII
_TEXT = st.text(alphabet="aA\u0130\u0131\u00df. \t\u2003\u00a0@+-_x", max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), _TEXT), max_size=20))
@example(["\u0130"])  # dotted capital I: pyarrow lower-cases it to "i", Python to "i\u0307"
def test_addresses_and_roles_read_one_at_a_time_are_the_columns(emails: list[Any]) -> None:
    inboxes = SharedInboxes(local_parts={"a", "ax", "info"})
    assert (SharedInboxes.addresses(emails).tolist()
            == _pandas_addresses(emails).tolist())  # fmt: skip
    assert inboxes.is_role(emails).tolist() == _pandas_roles(inboxes, emails).tolist()


@settings(max_examples=500, deadline=None)
@given(_PEOPLE)
@example([("samanthat@x.com", "samanthat", None), ("samanthat@x.com", "Bob", "Ng")])
@example([("samanthat@x.com", None, "sam.t"), ("samanthat@x.com", "Bob", "Ng")])
@example([("samanthat@x.com", "Samantha T", None), ("samanthat@x.com", "Bob", "Ng")])
@example([("sam.t@x.com", "Sam T", None), ("sam.t@x.com", "Bob", "Ng")])
def test_finding_shared_inboxes_in_plain_python_is_the_column_reading(
    people: list[tuple[Any, Any, Any]],
) -> None:
    emails, first, last = _columns(people)
    inboxes = SharedInboxes()
    shared, apart = inboxes.find(emails, first=first, last=last)
    assert (shared.tolist(), apart) == _pandas_find(inboxes, emails, first, last)


def _records(people: list[tuple[Any, Any, Any]]) -> ContactRecords:
    emails, first, last = _columns(people)
    return ContactRecords.from_columns({
        "system": ["crm"] * len(people), "source_id": [str(i) for i in range(len(people))],
        "email": emails, "first_name": first, "last_name": last,
    })  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(_PEOPLE, st.data())
def test_an_updates_carriers_are_those_a_column_of_every_address_finds(
    people: list[tuple[Any, Any, Any]], data: st.DataObject
) -> None:
    records = _records(people)
    rows = np.array(sorted(data.draw(st.sets(st.integers(0, max(len(people) - 1, 0)))
                                     if people else st.just(set()))), dtype=np.int64)  # fmt: skip
    # the plain path: every address trimmed and lower-cased as a column, names as the
    # resolver's comparison frame reads them
    address = _pandas_addresses(list(records.column("email")))
    linked = np.zeros(len(records), dtype=bool)
    linked[rows] = True
    on = address.isin(address[linked].dropna().unique()).to_numpy(dtype=bool, na_value=False)
    outside = np.flatnonzero(on & ~linked)
    found = SharedInboxes.carriers(records, rows)
    if not len(outside):
        assert found == {}
        return
    carrying = records.take(outside)
    frame = ProbabilisticResolver().comparison_frame(carrying)
    expected = {"email": np.asarray(carrying.column("email"), dtype=object),
                "first_name": frame["first_name"].to_numpy(dtype=object),
                "last_name": frame["last_name"].to_numpy(dtype=object)}  # fmt: skip
    assert found.keys() == expected.keys()
    for name, values in expected.items():
        assert pd.Series(found[name]).equals(pd.Series(values)), name


_ADDRESSES = st.lists(st.one_of(st.none(), _TEXT, _EMAILS), max_size=20)


@settings(max_examples=300, deadline=None)
@given(_ADDRESSES, st.lists(st.booleans(), min_size=1))
@example(["\u0130x@a", "i\u0307x@a", "\u212a@a", "k@a"], [True, False])  # case, compatibility
def test_carriers_narrowed_by_the_cleaned_addresses_are_the_same(
    emails: list[Any], chosen: list[bool]
) -> None:
    """The cleaned addresses' codes only narrow which records are read, never the answer."""
    records = _records([(email, "Ann", "Lee") for email in emails])
    rows = np.flatnonzero(np.resize(np.asarray(chosen, dtype=bool), len(emails)))
    resolver = ProbabilisticResolver()  # codes as an update keeps them (KeyIndex.of_frame)
    field = next(f for f in resolver.contact_linker.fields if f.column == "email")
    frame = resolver.comparison_frame(records).reset_index(drop=True)
    codes = pd.factorize(pd.Series(normalise(frame["email"], field), dtype=object))[0]
    plain = SharedInboxes.carriers(records, rows)
    narrowed = SharedInboxes.carriers(records, rows, codes=codes)
    assert plain.keys() == narrowed.keys()
    for name, values in plain.items():
        assert pd.Series(narrowed[name]).equals(pd.Series(values)), name
