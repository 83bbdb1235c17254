import math

import pytest

from customer_understanding import InvalidValueError
from customer_understanding.domain import (
    ACCOUNT_VOCABULARY,
    EMPLOYEE_BANDS,
    AccountVocabulary,
    fold_spelling,
)


@pytest.mark.parametrize(
    ("spelling", "term"),
    [
        ("COMPUTER_SOFTWARE", "Technology"),
        ("Technology", "Technology"),
        ("computer software", "Technology"),
        ("MACHINERY", "Manufacturing"),
        ("Manufacturing", "Manufacturing"),
        ("FINANCIAL_SERVICES", "Financial Services"),
        ("Banking", "Financial Services"),
        ("food & beverage", "Food & Beverage"),
        ("FOOD_BEVERAGES", "Food & Beverage"),
        ("HOSPITAL_HEALTH_CARE", "Healthcare"),
    ],
)
def test_each_systems_industry_spelling_is_one_term(spelling: str, term: str) -> None:
    assert ACCOUNT_VOCABULARY.industry(spelling) == term


@pytest.mark.parametrize(
    ("spelling", "term"),
    [
        ("DE", "Germany"),
        ("DEU", "Germany"),
        ("Deutschland", "Germany"),
        ("germany", "Germany"),
        ("USA", "United States"),
        ("U.S.", "United States"),
        ("United States of America", "United States"),
        ("UK", "United Kingdom"),
        ("GB", "United Kingdom"),
        ("Österreich", "Austria"),
        ("España", "Spain"),
    ],
)
def test_country_codes_and_local_names_are_one_term(spelling: str, term: str) -> None:
    assert ACCOUNT_VOCABULARY.country(spelling) == term


def test_an_unknown_spelling_is_kept_as_written_without_stray_spaces() -> None:
    assert ACCOUNT_VOCABULARY.industry("  Space   Mining ") == "Space Mining"
    assert ACCOUNT_VOCABULARY.country("Atlantis") == "Atlantis"


@pytest.mark.parametrize("blank", [None, "", "   ", math.nan])
def test_a_blank_has_no_term(blank: object) -> None:
    assert ACCOUNT_VOCABULARY.industry(blank) is None
    assert ACCOUNT_VOCABULARY.country(blank) is None


@pytest.mark.parametrize(
    ("count", "band"),
    [(1, "1-10"), (10, "1-10"), (11, "11-50"), (200, "51-200"), (201, "201-500"),
     (1000, "501-1000"), (1001, "1001-5000"), (10_000, "5001-10000"), (10_001, "10001+"),
     ("180", "51-200")],
)  # fmt: skip
def test_head_counts_fall_into_bands(count: object, band: str) -> None:
    assert AccountVocabulary.employee_band(count) == band


@pytest.mark.parametrize("count", [None, 0, -5, math.nan, "many"])
def test_no_band_without_a_positive_head_count(count: object) -> None:
    assert AccountVocabulary.employee_band(count) is None


def test_bands_are_in_order() -> None:
    lows = [low for low, _ in EMPLOYEE_BANDS]
    assert lows == sorted(lows)


def test_extended_vocabulary_knows_new_spellings_and_terms() -> None:
    ours = ACCOUNT_VOCABULARY.extended(
        industries={"Fintech Lending": "Lending", "Software": "Software"},
        countries={"Schweizerische Eidgenossenschaft": "Switzerland"},
    )
    assert ours.industry("fintech-lending") == "Lending"
    assert ours.industry("LENDING") == "Lending"
    assert ours.industry("software") == "Software"  # re-mapped by the user
    assert ours.country("schweizerische eidgenossenschaft") == "Switzerland"
    assert "Lending" in ours.industry_terms
    assert ACCOUNT_VOCABULARY.industry("Software") == "Technology"  # the original is unchanged


@pytest.mark.parametrize(
    "spellings", [{"Fintech": 3}, {"": "Lending"}, {"...": "Lending"}, {"Fintech": "  "}, ["x"]]
)
def test_bad_spellings_are_refused(spellings: object) -> None:
    with pytest.raises(InvalidValueError, match="spelling"):
        ACCOUNT_VOCABULARY.extended(industries=spellings)  # type: ignore[arg-type]


def test_fold_spelling_ignores_case_accents_and_punctuation() -> None:
    assert fold_spelling("Food & Beverage") == fold_spelling("FOOD_BEVERAGE")
    assert fold_spelling("Émile") == "emile"


def test_the_vocabulary_is_read_only() -> None:
    with pytest.raises(TypeError):
        ACCOUNT_VOCABULARY.industries["x"] = "y"  # type: ignore[index]
