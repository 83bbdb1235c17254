"""Domain objects to JSON and back: exact round trips over generated objects."""

import json
from datetime import UTC, datetime

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from customer_understanding import InvalidValueError
from customer_understanding.domain import (
    INTERACTION_TYPES,
    Account,
    Consent,
    ConsentPurpose,
    ConsentStatus,
    Contact,
    ContactRole,
    Interaction,
    Journey,
    Opportunity,
    OpportunityKind,
    Outcome,
    Role,
    Seniority,
    SourceRef,
    Stage,
    StageChange,
)

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
_NAME = st.none() | _TEXT
_ID = st.text("abcdefghij0123456789-_", min_size=1, max_size=10)
_WHEN = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)
_AMOUNT = st.none() | st.floats(min_value=0, max_value=1e12, allow_nan=False)
_SOURCES = st.lists(st.builds(SourceRef, system=_ID, id=_ID), max_size=3)
_SOURCE = st.none() | st.builds(SourceRef, system=_ID, id=_ID)
_CONSENT = st.builds(Consent, purpose=st.sampled_from(ConsentPurpose),
                     status=st.sampled_from(ConsentStatus), updated_at=st.none() | _WHEN,
                     source=_SOURCE)  # fmt: skip
_TYPES = st.sampled_from(sorted(INTERACTION_TYPES))
_EMAIL = st.none() | st.from_regex(
    r"[a-z]{1,8}\.[a-z]{1,8}@[a-z]{2,8}\.(com|de|io)", fullmatch=True
)

OBJECTS = st.one_of(
    _SOURCE.filter(lambda ref: ref is not None),
    _CONSENT,
    st.builds(Account, id=_ID, name=_NAME, domain=st.none() | st.just("acme.com"),
              industry=_NAME, employees=st.none() | st.integers(0, 10**6),
              annual_revenue=_AMOUNT, country=_NAME, city=_NAME, owner=_NAME,
              created_at=st.none() | _WHEN, sources=_SOURCES,
              parent_id=st.none() | _ID.map("p-{}".format)),  # never the account's own id
    st.builds(Contact, id=_ID, email=_EMAIL, first_name=_NAME, last_name=_NAME, title=_NAME,
              seniority=st.none() | st.sampled_from(Seniority), account_id=st.none() | _ID,
              consents=st.lists(_CONSENT, max_size=2), created_at=st.none() | _WHEN,
              sources=_SOURCES, phone=st.none() | st.just("+1 (415) 555-0100")),
    st.builds(Interaction, id=_ID, occurred_at=_WHEN, type=_TYPES,
              contact_id=st.none() | _ID, account_id=st.none() | _ID, subject=_NAME,
              satisfaction=st.none() | st.floats(0, 1), quantity=_AMOUNT, source=_SOURCE),
    st.builds(Opportunity, id=_ID, account_id=st.none() | _ID, amount=_AMOUNT,
              outcome=st.sampled_from(Outcome), created_at=st.none() | _WHEN,
              kind=st.none() | st.sampled_from(OpportunityKind),
              contact_roles=st.lists(st.builds(ContactRole, contact_id=_ID,
                                               role=st.none() | st.sampled_from(Role),
                                               is_primary=st.booleans()), max_size=2),
              sources=_SOURCES),
    st.builds(Journey, subject_id=_ID, changes=st.lists(st.builds(
        StageChange, stage=st.sampled_from(Stage), at=_WHEN, source=_SOURCE,
        reason=_NAME), max_size=3)),
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(OBJECTS)
def test_json_round_trip_is_exact(value: object) -> None:
    kind = type(value)
    assert kind.from_dict(value.to_dict()) == value  # type: ignore[attr-defined]
    assert kind.from_json(value.to_json()) == value  # type: ignore[attr-defined]


@settings(max_examples=100, deadline=None)
@given(OBJECTS)
def test_to_dict_holds_only_json_types(value: object) -> None:
    data = value.to_dict()  # type: ignore[attr-defined]
    assert json.loads(json.dumps(data)) == data


def test_times_are_iso_and_vocabularies_are_values() -> None:
    contact = Contact(id="c1", seniority="vp", created_at="2026-01-05T10:00:00Z",
                      consents=[Consent(purpose="marketing", status="granted")])  # fmt: skip
    data = contact.to_dict()
    assert data["created_at"] == "2026-01-05T10:00:00+00:00"
    assert data["seniority"] == "vp"
    assert data["consents"][0]["status"] == "granted"
    assert "phone_normalized" not in data  # derived, not given


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"id": "a1", "colour": "red"}, "colour"),
        ({"name": "Acme"}, "Account"),
        (["id", "a1"], "mapping"),
    ],
)
def test_bad_dicts_are_refused(data: object, match: str) -> None:
    with pytest.raises(InvalidValueError, match=match):
        Account.from_dict(data)  # type: ignore[arg-type]


def test_bad_json_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="JSON"):
        Account.from_json("{not json")
