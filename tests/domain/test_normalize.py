import re
from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import customer_understanding as cu
from customer_understanding import InvalidValueError
from customer_understanding.domain import (
    fold_spelling,
    fold_spellings,
    normalize_domain,
    normalize_email,
    normalize_name,
    normalize_names,
    normalize_organisation,
    normalize_organisations,
    normalize_phone,
    to_utc,
)
from customer_understanding.ingest._parse import normalize_phones, parse_domain, parse_email


def test_email_is_stripped_and_lower_cased() -> None:
    assert normalize_email("  Jane.Doe@ACME.Com\t") == "jane.doe@acme.com"


_MALFORMED = ["jane.doe@", "jane at acme.com", "@acme.com", "a@b", "a b@c.io", "ann..lee@acme.com",
              "ann@acme.local", "ann@ab--cd.com", "ann@@acme.com"]  # fmt: skip


@pytest.mark.parametrize("bad", _MALFORMED)
def test_malformed_emails_are_rejected_without_showing_the_value(bad: str) -> None:
    with pytest.raises(InvalidValueError, match="not a valid e-mail address") as error:
        normalize_email(bad)
    assert bad not in str(error.value)
    assert str(error.value).startswith("email='")
    assert "***" in str(error.value)


@pytest.mark.parametrize("bad", _MALFORMED)
def test_malformed_emails_show_the_value_when_asked(bad: str) -> None:
    with cu.show_personal_values(), pytest.raises(InvalidValueError) as error:
        normalize_email(bad)
    assert repr(bad) in str(error.value)


@pytest.mark.parametrize(
    ("raw", "email"),
    [("mailto:Ann@Acme.com", "ann@acme.com"), ("MAILTO:ann@acme.com?subject=Hi", "ann@acme.com"),
     ("ann\u200b@acme.com", "ann@acme.com"), ("\ufeffann@acme.com\u200e", "ann@acme.com"),
     ("Ann@Bücher.de", "ann@bücher.de"), ("ann@xn--bcher-kva.de", "ann@bücher.de"),
     ("Jörg@BÜCHER.de", "jörg@bücher.de")],
)  # fmt: skip
def test_emails_lose_prefixes_and_invisible_characters_and_idn_is_one_spelling(
    raw: str, email: str
) -> None:
    assert normalize_email(raw) == email


def test_an_email_the_validator_refuses_is_kept_cleaned_when_not_strict() -> None:
    assert normalize_email(" mailto:Ann..Lee@Acme ", strict=False) == "ann..lee@acme"
    assert normalize_email("a b@c.io", strict=False) == "ab@c.io"


_plain_emails = st.from_regex(
    r"[a-z0-9_%+-]{1,8}(\.[a-z0-9_%+-]{1,8}){0,2}@([a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?\.){1,3}"
    r"(com|io|de|co|test|local|invalid|xn|zz)",
    fullmatch=True,
)


@given(_plain_emails)
def test_fast_path_agrees_with_the_validator(email: str) -> None:
    from email_validator import EmailNotValidError, validate_email

    try:
        expected: str | None = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        expected = None
    try:
        found: str | None = normalize_email(email)
    except InvalidValueError:
        found = None
    assert found == (expected.lower() if expected else None)


@pytest.mark.parametrize(
    ("raw", "domain"),
    [("https://www.Acme.com/about", "acme.com"), ("acme.co.uk.", "acme.co.uk"),
     ("http://shop.acme.io:8080/x?y", "shop.acme.io"), ("WWW.BETA.DE", "beta.de")],
)  # fmt: skip
def test_domains_are_reduced_to_the_host(raw: str, domain: str) -> None:
    assert normalize_domain(raw) == domain


@pytest.mark.parametrize(
    "raw", ["bücher.de", "xn--bcher-kva.de", "https://www.BÜCHER.de/shop", "BÜCHER.DE.",
            "bu\u0308cher.de", "\u200bbücher.de"],
)  # fmt: skip
def test_internationalised_domains_have_one_unicode_spelling(raw: str) -> None:
    assert normalize_domain(raw) == "bücher.de"


def test_an_email_domain_and_a_website_agree() -> None:
    assert normalize_email("ann@xn--bcher-kva.de").partition("@")[2] == normalize_domain(
        "www.Bücher.de"
    )


def test_invalid_domain_is_rejected() -> None:
    with pytest.raises(InvalidValueError, match="domain='not a domain'"):
        normalize_domain("not a domain")


@pytest.mark.parametrize(
    ("raw", "digits"),
    [("+1 (415) 555-0100", "+14155550100"), ("(415) 555 0100", "4155550100"),
     ("0044 20 7946 0018", "+442079460018"), ("+1 415 555 0100 x12", "+14155550100"),
     ("n/a", ""), ("+49 (0)30 1234567", "+49301234567"), ("+44 (0)20 7946 0018", "+442079460018"),
     ("+٤٩ ٣٠ ١٢٣٤٥٦٧", "+49301234567"), ("٠٠٤٩ ٣٠ ١٢٣٤٥٦٧", "+49301234567"),
     ("\u202a+1 415 555 0100\u202c", "+14155550100"),
     ("\uff11\uff12\uff13\uff14\uff15\uff16\uff17", "1234567"),
     ("1-800-FLOWERS", "18003569377"), ("+1-800-FLOWERS", "+18003569377")],
)  # fmt: skip
def test_phone_without_region_is_e164_when_international_else_digits(raw: str, digits: str) -> None:
    assert normalize_phone(raw) == digits


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [("030 1234567", "DE", "+49301234567"), ("+49 (0)30 1234567", "US", "+49301234567"),
     ("1-800-FLOWERS", "US", "+18003569377"), ("(415) 555-0100", "us", "+14155550100"),
     ("011 49 30 1234567", "US", "+49301234567"), ("0049 30 1234567", "DE", "+49301234567"),
     ("٠٣٠ ١٢٣٤٥٦٧", "DE", "+49301234567"), ("020 7946 0018 ext. 4", "GB", "+442079460018")],
)  # fmt: skip
def test_phone_with_a_default_region_is_e164(raw: str, region: str, e164: str) -> None:
    assert normalize_phone(raw, region=region) == e164


def test_unknown_phone_region_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="region='XX'"):
        normalize_phone("030 1234567", region="XX")


@given(
    st.from_regex(r"\+?[1-9][0-9 ().-]{4,16}", fullmatch=True),
    st.sampled_from([None, "US", "DE", "GB", "IT", "FR"]),
)
def test_phone_agrees_with_the_library_on_the_raw_text(raw: str, region: str | None) -> None:
    import phonenumbers

    try:
        number = phonenumbers.parse(raw, region)
        possible = phonenumbers.is_possible_number(number)
    except phonenumbers.NumberParseException:
        possible = False
    if possible:
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        assert normalize_phone(raw, region=region) == e164
    else:
        assert not normalize_phone(raw, region=region).startswith("+") or raw.startswith("+")


@given(st.text(alphabet="+0123456789 ()-.xABC", max_size=20))
def test_phone_normalisation_is_idempotent(raw: str) -> None:
    once = normalize_phone(raw)
    assert normalize_phone(once) == once


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
_emails = st.from_regex(r"[A-Za-z0-9_%+-]{1,10}@[A-Za-z0-9]{1,10}\.(com|io|DE)", fullmatch=True)
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


@pytest.mark.parametrize("raw", ["1...0", "1.0..", "1 - 0"])
def test_two_digits_split_by_punctuation_are_no_phone_number(raw: str) -> None:
    # found by the property test above: the library refuses them, so must the shortcut
    assert normalize_phone(raw, region="DE") == "10"


_NAME_PARTS = st.sampled_from([
    "Acme", "A.C.M.E.", " Inc", " inc.", " GmbH", " & Co. KG", " Holdings", " group", "-", ",",
    "  ", "\n", "\t", "\r", "Société", "Générale", " S.A.", "株式会社", "é", "0", "co", " co",
])  # fmt: skip


@given(st.lists(st.one_of(st.lists(_NAME_PARTS, max_size=6).map("".join), st.text(max_size=12)),
                max_size=20))  # fmt: skip
def test_organisations_folded_at_once_are_folded_one_by_one(names: list[str]) -> None:
    assert normalize_organisations(names) == [normalize_organisation(name) for name in names]
    assert normalize_names(names) == [normalize_name(name) for name in names]
    assert fold_spellings(names) == [fold_spelling(name) for name in names]


_LEGAL_FORMS = re.compile(
    r"(?:\s+(?:inc|incorporated|ltd|limited|llc|llp|lp|plc|corp|corporation|co|company|gmbh|"
    r"ag|kg|sa|sas|sarl|srl|spa|sl|bv|nv|ab|as|asa|oy|aps|dac|pty|pte|kk|se|group|holdings))+$"
)


@given(st.one_of(st.lists(_NAME_PARTS, max_size=6).map("".join), st.text(max_size=12)))
def test_legal_forms_are_dropped_as_a_pattern_at_the_end_drops_them(name: str) -> None:
    folded = normalize_name(name.replace(".", ""))
    assert normalize_organisation(name) == _LEGAL_FORMS.sub("", folded).strip()


@pytest.mark.parametrize("fold", ["normalize_names", "normalize_organisations", "fold_spellings"])
def test_folding_many_refuses_what_is_not_a_list_of_texts_by_place(fold: str) -> None:
    from customer_understanding import domain

    many = getattr(domain, fold)
    with pytest.raises(InvalidValueError, match=r"values\[1\]=None must be text"):
        many(["Ann", None])
    with pytest.raises(InvalidValueError, match=r"values\[0\]=3 must be text"):
        many([3])
    for whole in (5, "Ann Lee"):  # one value, not a list of them
        with pytest.raises(InvalidValueError, match=r"values=.* must be a list of texts"):
            many(whole)
    assert many(iter(["Ann"])) == many(["Ann"])  # any iterable of texts
