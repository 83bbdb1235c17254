import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest

from customer_understanding import InvalidValueError
from customer_understanding.identity import (
    ID_KEY_VARIABLE,
    entity_ids,
    keyed_ids,
    resolve_exact,
)
from customer_understanding.tables import AccountRecords, ContactRecords

SECRET = "a-secret-of-twenty-bytes"
KEYS = np.array(["email:ann@acme.com", "email:bob@beta.io"], dtype=object)


def test_ids_are_an_hmac_of_the_key_under_the_secret() -> None:
    expected = hmac.new(SECRET.encode(), b"email:ann@acme.com", hashlib.sha256).hexdigest()[:16]
    assert entity_ids("con", KEYS, id_key=SECRET)[0] == f"con_{expected}"


def test_the_same_secret_gives_the_same_ids_and_another_secret_other_ids() -> None:
    first = entity_ids("con", KEYS, id_key=SECRET).tolist()
    assert entity_ids("con", KEYS, id_key=SECRET.encode()).tolist() == first
    assert set(entity_ids("con", KEYS, id_key="another-secret-of-20-b")).isdisjoint(first)


def test_ids_without_a_secret_are_not_the_unkeyed_hash_of_the_key() -> None:
    # Anyone holding the address list could compute an unkeyed (or publicly keyed) hash.
    unkeyed = pd.util.hash_array(KEYS, hash_key="cu-entity-ids-01", categorize=False)
    public = {f"con_{value:016x}" for value in unkeyed.tolist()}
    plain = {f"con_{hashlib.sha256(str(k).encode()).hexdigest()[:16]}" for k in KEYS}
    ids = set(entity_ids("con", KEYS))
    assert ids.isdisjoint(public)
    assert ids.isdisjoint(plain)
    assert ids == set(entity_ids("con", KEYS))  # stable within the process


def test_the_context_keys_resolvers_called_by_hand() -> None:
    accounts = AccountRecords.from_columns({"source_id": ["1"], "domain": ["acme.com"]})
    contacts = ContactRecords.from_columns({"source_id": ["a"], "email": ["ann@acme.com"]})
    with keyed_ids(SECRET):
        resolution = resolve_exact(accounts, contacts)
    assert (
        resolution.contact_ids.tolist()
        == entity_ids("con", np.array(["email:ann@acme.com"], dtype=object), id_key=SECRET).tolist()
    )
    assert resolve_exact(accounts, contacts).contact_ids[0] != resolution.contact_ids[0]


def test_the_environment_variable_is_the_fallback_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ID_KEY_VARIABLE, SECRET)
    assert entity_ids("con", KEYS).tolist() == entity_ids("con", KEYS, id_key=SECRET).tolist()


@pytest.mark.parametrize("bad", ["short", b"", 12345, ["a-secret-of-twenty-bytes"]])
def test_a_weak_or_odd_secret_is_refused(bad: object) -> None:
    with pytest.raises(InvalidValueError, match="id_key must be a secret of at least 16 bytes"):
        entity_ids("con", KEYS, id_key=bad)  # type: ignore[arg-type]


def test_the_secret_is_not_shown_in_the_refusal() -> None:
    with pytest.raises(InvalidValueError) as error:
        entity_ids("con", KEYS, id_key="hunter2")
    assert "hunter2" not in str(error.value)
