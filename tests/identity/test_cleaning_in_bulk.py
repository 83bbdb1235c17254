"""Columns cleaned in bulk equal the same values cleaned one at a time."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from customer_understanding.identity._organisations import (
    _STREET_TYPES,
    address,
    address_parts,
    addresses,
)
from customer_understanding.identity._placeholders import (
    PLACEHOLDERS,
    _junk_digits,
    _junk_email,
    placeholder_mask,
)
from customer_understanding.identity._scripts import fold, fold_all

# Mostly ASCII with the characters cleaning cares about, and some of other scripts.
_CHARS = st.sampled_from(list("aZ9 _-.,'\n\t/@+0123Straßeéи王 ")) | st.characters()
_TEXT = st.text(alphabet=_CHARS, max_size=12)
_WORDS = st.lists(
    st.sampled_from(["12", "High", "street", "Strasse", "Hauptstr", "ROAD", "rue", "x", "north",
                     "avenue", "Unit", "5b", "straße", "  ", "\n", "-"]), max_size=6,
).map(" ".join)  # fmt: skip


@given(st.lists(_TEXT, max_size=30))
def test_fold_all_is_fold_of_each(texts: list[str]) -> None:
    assert fold_all(texts) == [fold(text) for text in texts]


@given(st.lists(_WORDS | _TEXT, max_size=30))
def test_addresses_is_address_of_each(values: list[str]) -> None:
    assert addresses(values) == [address(value) for value in values]


def _one_at_a_time(raw: list[object], cleaned: list[str | None], kind: str) -> list[bool]:
    shapes = [_junk_email] if kind == "email" else []
    shapes += [_junk_digits] if kind in ("phone", "identifier", "email") else []
    found = []
    for value, text in zip(raw, cleaned, strict=True):
        if text is not None and (text in PLACEHOLDERS or text.replace(" ", "") in PLACEHOLDERS
                                 or any(shape(text) for shape in shapes)):  # fmt: skip
            found.append(True)
        else:
            found.append(isinstance(value, str) and len(value) <= 40
                         and " ".join(value.lower().split()) in PLACEHOLDERS)  # fmt: skip
    return found


_VALUES = st.sampled_from(["N/A", " none ", "1234567", "+1 555 0000000", "0000000", "12-34567",
                           "test@test.com", "a@b.org", "x", "n a", "987654321",
                           "١٢٣٤٥٦٧"])  # fmt: skip


@given(st.lists(_VALUES | _TEXT, max_size=25),
       st.sampled_from(["identifier", "phone", "email", "family_name"]))  # fmt: skip
def test_placeholder_mask_equals_the_rule_applied_to_each_value(raw: list[str], kind: str) -> None:
    cleaned = [fold(value) or None for value in raw]
    mask = placeholder_mask(pd.Series(raw, dtype=object), pd.Series(cleaned, dtype=object),
                            kind=kind)  # fmt: skip
    assert mask.tolist() == _one_at_a_time(raw, cleaned, kind)


def _parts_in_full(value: str) -> tuple[str, str]:
    words = [_STREET_TYPES.get(word, word) for word in value.split()]
    numbers = [word for word in words if re.match(r"^\d+[a-z]?$", word)]
    street = " ".join(word for word in words if not re.match(r"^\d+[a-z]?$", word))
    return (numbers[0] if numbers else "", street)


@given(_WORDS | _TEXT)
def test_address_parts_without_a_number_take_the_short_way_to_the_same_answer(value: str) -> None:
    assert address_parts(value) == _parts_in_full(value)
    assert address_parts(address(value)) == _parts_in_full(address(value))
