from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_understanding import InvalidValueError
from customer_understanding.domain import (
    normalize_domain,
    normalize_email,
    normalize_phone,
    to_utc,
)
from customer_understanding.ingest._parse import normalize_phones, parse_domain, parse_email


def test_email_is_stripped_and_lower_cased() -> None:
    assert normalize_email("  Jane.Doe@ACME.Com\t") == "jane.doe@acme.com"


@pytest.mark.parametrize("bad", ["jane.doe@", "jane at acme.com", "@acme.com", "a@b", "a b@c.io"])
def test_malformed_emails_are_rejected_with_the_value(bad: str) -> None:
    with pytest.raises(InvalidValueError, match="not a valid e-mail address") as error:
        normalize_email(bad)
    assert repr(bad) in str(error.value)


@pytest.mark.parametrize(
    ("raw", "domain"),
    [("https://www.Acme.com/about", "acme.com"), ("acme.co.uk.", "acme.co.uk"),
     ("http://shop.acme.io:8080/x?y", "shop.acme.io"), ("WWW.BETA.DE", "beta.de")],
)  # fmt: skip
def test_domains_are_reduced_to_the_host(raw: str, domain: str) -> None:
    assert normalize_domain(raw) == domain


def test_invalid_domain_is_rejected() -> None:
    with pytest.raises(InvalidValueError, match="domain='not a domain'"):
        normalize_domain("not a domain")


@pytest.mark.parametrize(
    ("raw", "digits"),
    [("+1 (415) 555-0100", "+14155550100"), ("(415) 555 0100", "4155550100"),
     ("0044 20 7946 0018", "+442079460018"), ("+1 415 555 0100 x12", "+14155550100"),
     ("n/a", "")],
)  # fmt: skip
def test_phone_keeps_digits_and_international_prefix(raw: str, digits: str) -> None:
    assert normalize_phone(raw) == digits


def test_naive_datetimes_are_taken_as_utc_and_aware_ones_converted() -> None:
    assert to_utc(datetime(2026, 1, 1, 12)) == datetime(2026, 1, 1, 12, tzinfo=UTC)
    plus_two = timezone(timedelta(hours=2))
    assert to_utc(datetime(2026, 1, 1, 12, tzinfo=plus_two)).hour == 10
    assert to_utc(date(2026, 1, 1)).tzinfo is UTC


def test_bad_datetime_string_names_the_value() -> None:
    with pytest.raises(InvalidValueError, match="'31/02/2026' is not an ISO 8601"):
        to_utc("31/02/2026")


def test_wrong_datetime_type_is_rejected() -> None:
    with pytest.raises(InvalidValueError, match="must be a datetime"):
        to_utc(12)


_phones = st.text(alphabet="+0123456789 ()-.x", max_size=20)
_emails = st.from_regex(r"[A-Za-z0-9._%+-]{1,10}@[A-Za-z0-9-]{1,10}\.[A-Za-z]{2,4}", fullmatch=True)
_hosts = st.from_regex(r"(https?://)?(www\.)?[a-z0-9]{1,10}\.(com|io|co\.uk)(/[a-z]{0,5})?",
                       fullmatch=True)  # fmt: skip


@given(st.lists(_phones, max_size=20))
def test_vectorised_phone_normalisation_agrees_with_scalar(raw: list[str]) -> None:
    vectorised = normalize_phones(np.array(raw, dtype=object)).tolist()
    assert vectorised == [normalize_phone(value) or None for value in raw]


@given(st.lists(_emails, max_size=20))
def test_vectorised_email_parsing_agrees_with_scalar(raw: list[str]) -> None:
    parsed = parse_email(pd.Series(raw, dtype=object))
    assert not parsed.bad.any()
    assert parsed.array.tolist() == [normalize_email(value) for value in raw]


@given(st.lists(_hosts, max_size=20))
def test_vectorised_domain_parsing_agrees_with_scalar(raw: list[str]) -> None:
    parsed = parse_domain(pd.Series(raw, dtype=object))
    assert not parsed.bad.any()
    assert parsed.array.tolist() == [normalize_domain(value) for value in raw]
