"""Looking values up in a table of keys: first match, and shared keys finding nobody."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_understanding.base._links import lookup_values

_KEY = st.sampled_from([None, "ann@beta.io", "info@beta.io", "bo@gamma.org"])


def _reference(
    keys: list[object], table: list[object], targets: list[int], agreed: bool
) -> list[int]:
    first: dict[object, int] = {}
    seen: dict[object, set[int]] = {}
    for key, target in zip(table, targets, strict=True):
        if key is None:
            continue
        first.setdefault(key, target)
        seen.setdefault(key, set()).add(target)
    return [-1 if key not in first or (agreed and len(seen[key]) > 1) else first[key]
            for key in keys]  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_KEY, st.integers(-1, 3)), max_size=12), st.lists(_KEY, max_size=6),
       st.booleans())  # fmt: skip
def test_lookup_finds_the_first_match_and_no_shared_key(table, keys, agreed) -> None:  # type: ignore[no-untyped-def]
    table_keys = np.array([*(k for k, _ in table), None], dtype=object)[:-1]
    targets = np.array([t for _, t in table], dtype=np.int64)
    found = lookup_values(np.array([*keys, None], dtype=object)[:-1], table_keys, targets,
                          agreed=agreed)  # fmt: skip
    assert found.tolist() == _reference(keys, [k for k, _ in table], targets.tolist(), agreed)


def test_an_address_two_people_share_names_neither() -> None:
    table = np.array(["info@beta.io", "ann@beta.io", "info@beta.io"], dtype=object)
    found = lookup_values(np.array(["info@beta.io", "ann@beta.io"], dtype=object), table,
                          np.array([0, 1, 2]), agreed=True)  # fmt: skip
    assert found.tolist() == [-1, 1]


_ID = st.sampled_from([None, "1", "2", "10", "x"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["crm", "desk"]), _ID, st.integers(-1, 3)),
                max_size=12),
       st.lists(st.tuples(st.sampled_from(["crm", "desk", "web"]), _ID), max_size=6))  # fmt: skip
def test_a_record_index_mapped_to_entities_finds_what_an_entity_index_finds(records, asked) -> None:  # type: ignore[no-untyped-def]
    from customer_understanding.base._links import RefIndex
    from customer_understanding.tables import ContactRecords, InteractionTable

    table = ContactRecords.from_columns({"system": [s for s, _, _ in records],
                                         "source_id": [i for _, i, _ in records]})  # fmt: skip
    entity = np.array([e for _, _, e in records], dtype=np.int64)
    rows = InteractionTable.from_columns({"system": [s for s, _ in asked],
                                          "contact_ref": [i for _, i in asked]})  # fmt: skip
    direct = RefIndex(table, entity).find(rows, "contact_ref")
    mapped = RefIndex(table, np.arange(len(table), dtype=np.int64)).mapped(entity)
    assert mapped.find(rows, "contact_ref").tolist() == direct.tolist()
