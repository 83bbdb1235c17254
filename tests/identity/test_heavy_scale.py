"""Work per record that must not grow with the table (issue 12, heavy scale)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from customer_understanding.identity import Field
from customer_understanding.identity import _comparisons as comparisons
from customer_understanding.identity._comparisons import compare_codes
from customer_understanding.identity._dates import _other, parse_dates
from customer_understanding.identity._records import prepare

_STREETS = ["high st", "low rd", "rue de rivoli", "hauptstr", "ulitsa lenina", "улица ленина",
            "mill lane", "station rd", "church st", "park ave"]  # fmt: skip


def _addresses(rng: np.random.Generator, n: int) -> np.ndarray:
    streets = rng.choice(_STREETS, size=n)
    numbers = rng.integers(0, 30, size=n)
    # about a third without a house number, as in files with the number in its own column
    texts = [f"{num} {street}" if num > 9 else (f"{street} {num}" if num else street)
             for num, street in zip(numbers, streets, strict=True)]  # fmt: skip
    return np.array(texts, dtype=object)


def test_address_levels_are_the_same_with_a_memo_across_chunks() -> None:
    rng = np.random.default_rng(3)
    uniques = np.unique(_addresses(rng, 400))
    left = rng.integers(-1, len(uniques), size=3_000)
    right = rng.integers(-1, len(uniques), size=3_000)
    alone = compare_codes(left, right, uniques=uniques, kind="address")
    memo: dict[str, np.ndarray] = {}
    chunked = np.concatenate([
        compare_codes(left[start : start + 700], right[start : start + 700], uniques=uniques,
                      kind="address", memo=memo)
        for start in range(0, len(left), 700)
    ])  # fmt: skip
    assert chunked.tolist() == alone.tolist()
    assert set(alone.tolist()) >= {-1, 0, 1, 2, 4}  # the levels the data exercise


def test_an_address_is_parsed_once_per_run_whatever_the_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    parse = comparisons.address_parts

    def counted(value: str) -> tuple[str, str]:
        calls.append(value)
        return parse(value)

    monkeypatch.setattr(comparisons, "address_parts", counted)
    uniques = np.array(["1 high st", "2 high st", "low rd", "3 low rd"], dtype=object)
    left, right = np.array([0, 1, 2, 0, 2, 3]), np.array([1, 2, 3, 3, 0, 1])
    memo: dict[str, np.ndarray] = {}
    for start in range(0, 6, 2):  # three chunks, each value met in two of them
        compare_codes(left[start : start + 2], right[start : start + 2], uniques=uniques,
                      kind="address", memo=memo)  # fmt: skip
    assert sorted(calls) == sorted(uniques.tolist())


def test_prepared_compare_shares_one_memo_across_its_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from customer_understanding.identity import _records

    monkeypatch.setattr(_records, "_COMPARE_CHUNK", 4)
    frame = pd.DataFrame({"street": ["1 high st", "2 high st", "low rd", "3 low rd", "x rd"]})
    prepared = prepare(frame, [Field(column="street", kind="address")])
    left = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 3], dtype=np.int64)
    right = np.array([1, 2, 3, 4, 2, 3, 4, 3, 4, 4], dtype=np.int64)
    calls: list[str] = []
    parse = comparisons.address_parts
    monkeypatch.setattr(comparisons, "address_parts", lambda v: calls.append(v) or parse(v))
    levels = prepared.compare(left, right)
    assert len(calls) == len(set(calls)) == 5
    monkeypatch.setattr(_records, "_COMPARE_CHUNK", 1 << 21)
    assert prepared.compare(left, right).tolist() == levels.tolist()


def test_dates_with_a_month_name_read_as_the_general_parser_reads_them() -> None:
    rng = np.random.default_rng(5)
    days = np.datetime64("1900-01-01") + rng.integers(0, 60_000, size=300)
    months = ["Jan", "FEB", "mar", "Apr", "May", "JUN", "Jul", "aug", "Sep", "Oct", "Nov", "Dec"]
    texts = [f"{d.astype(object).day} {months[d.astype(object).month - 1]} "
             f"{d.astype(object).year}" for d in days.astype("datetime64[D]")]  # fmt: skip
    texts += ["31 Feb 1990", "3 March 1990", "3 Mar 0990", "03 mar 1990", "3 Mär 1990"]
    parsed = parse_dates(pd.Series(texts), column="born").tolist()
    assert parsed == [_other(text, day_first=True) for text in texts]
    assert parsed[:3] == [str(d).replace("-", "") for d in days[:3].astype("datetime64[D]")]
