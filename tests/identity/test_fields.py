import pandas as pd
import pytest

from customer_understanding import UnknownNameError
from customer_understanding.identity import Field, normalise


def test_organisation_names_lose_legal_suffixes() -> None:
    names = pd.Series(["Quantum Robotics LLC", "PRISM MEDICAL, DAC.", "Jade Brands B.V.", "Acme"])
    cleaned = normalise(names, Field(column="name", kind="organisation"))
    assert cleaned.tolist() == ["quantum robotics", "prism medical", "jade brands", "acme"]


def test_phones_are_e164_or_their_digits_without_the_extension() -> None:
    phones = pd.Series(["+44 (0)131 441 9153", "919-555-3928 x641", "212 555 0100 ext. 12"])
    cleaned = normalise(phones, Field(column="phone", kind="phone"))
    assert cleaned.tolist() == ["+441314419153", "9195553928", "2125550100"]


def test_emails_the_validator_refuses_are_still_compared_cleaned() -> None:
    emails = pd.Series(["Ann..Lee@Acme.com", "mailto:ann..lee@acme.com", "ANN@xn--bcher-kva.de"])
    cleaned = normalise(emails, Field(column="email", kind="email"))
    assert cleaned.tolist() == ["ann..lee@acme.com", "ann..lee@acme.com", "ann@bücher.de"]


def test_warning_about_odd_values_masks_personal_ones() -> None:
    with pytest.warns(UserWarning, match=r"first '4\*\*\*'"):
        normalise(pd.Series(["+1 415 555 0100", 4155550199]), Field(column="p", kind="phone"))


def test_dates_become_yyyymmdd_and_bad_dates_missing() -> None:
    dates = pd.Series(["1980-04-12", "19800412", "12 April", None])
    cleaned = normalise(dates, Field(column="dob", kind="date"))
    assert cleaned.tolist() == ["19800412", "19800412", None, None]


def test_names_lose_accents_and_case() -> None:
    cleaned = normalise(pd.Series(["  Renée ", "O'Connor"]), Field(column="n", kind="given_name"))
    assert cleaned.tolist() == ["renee", "o connor"]


def test_non_string_names_warn_naming_the_column() -> None:
    with pytest.warns(UserWarning, match="column 'given' holds 1 non-string"):
        cleaned = normalise(pd.Series(["Ann", 42]), Field(column="given", kind="given_name"))
    assert cleaned.tolist() == ["ann", "42"]


def test_unknown_kind_is_refused_with_the_choices() -> None:
    with pytest.raises(UnknownNameError, match="kind='surname' is not a field kind"):
        Field(column="surname", kind="surname")


def test_term_frequency_defaults_follow_the_kind() -> None:
    assert Field(column="city", kind="city").term_frequency
    assert not Field(column="dob", kind="date").term_frequency
