"""Names in any script and dates in any common format."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from customer_understanding.identity import Field, Linker, normalise
from customer_understanding.identity._comparisons import compare_codes


@pytest.mark.parametrize(
    ("name", "city"),
    [("王伟", "北京"), ("Иван Петров", "Москва"), ("Γιώργος Παπαδόπουλος", "Αθήνα"),
     ("محمد علي", "القاهرة"), ("김민준", "서울"), ("राम कुमार", "दिल्ली")],
)  # fmt: skip
def test_identical_records_in_any_script_are_linked(name: str, city: str) -> None:
    frame = pd.DataFrame({"name": [name, name, "Ann Lee"], "city": [city, city, "Leeds"]})
    linker = Linker(fields=[Field(column="name", kind="person_name"),
                            Field(column="city", kind="city")], link_threshold=0.5)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = linker.deduplicate(frame)
    assert result.clusters.tolist() == [0, 0, 1]


def test_names_keep_their_script_and_lose_only_case_and_accents() -> None:
    values = pd.Series(["王伟", "ИВА́НОВ", "Παπαδόπουλος", "José", "Søren"])
    cleaned = normalise(values, Field(column="n", kind="family_name")).tolist()
    assert cleaned == ["王伟", "иванов", "παπαδοπουλοσ", "jose", "soren"]


def test_a_name_and_its_transliteration_are_close_but_not_exact() -> None:
    uniques = np.array(["ivanov", "smith", "иванов"], dtype=object)
    levels = compare_codes(np.array([2, 2]), np.array([0, 1]), uniques=uniques,
                           kind="family_name")  # fmt: skip
    assert levels.tolist() == [1, 3]  # jaro-winkler >= 0.92 through anyascii; different


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1990-1-2", "19900102"), ("1990/01/02", "19900102"), ("19900102", "19900102"),
     ("2 January 1990", "19900102"), ("1990-01-02T00:00:00", "19900102")],
)  # fmt: skip
def test_dates_in_common_formats(text: str, expected: str) -> None:
    assert normalise(pd.Series([text]), Field(column="d", kind="date")).tolist() == [expected]


def test_day_or_month_first_is_decided_from_the_column() -> None:
    month_first = pd.Series(["12/31/1990", "01/02/1991"])
    day_first = pd.Series(["31/12/1990", "01/02/1991"])
    field = Field(column="d", kind="date")
    assert normalise(month_first, field).tolist() == ["19901231", "19910102"]
    assert normalise(day_first, field).tolist() == ["19901231", "19910201"]


def test_an_ambiguous_column_warns_and_a_declared_format_settles_it() -> None:
    values = pd.Series(["01/02/1991", "03/04/1992"])
    with pytest.warns(UserWarning, match="day-first or month-first and none decides"):
        assert normalise(values, Field(column="d", kind="date")).tolist() == [
            "19910201", "19920403"]  # fmt: skip
    declared = Field(column="d", kind="date", date_format="%m/%d/%Y")
    assert normalise(values, declared).tolist() == ["19910102", "19920304"]


def test_datetime_columns_are_read_as_dates() -> None:
    values = pd.Series(pd.to_datetime(["1990-01-02", None]))
    assert normalise(values, Field(column="d", kind="date")).tolist() == ["19900102", None]
