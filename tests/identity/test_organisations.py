"""Organisation matching: legal forms, containment, initials, addresses, common values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from customer_understanding.identity import BlockingRule, Field, Linker, default_rules, normalise
from customer_understanding.identity._comparisons import compare_codes, levels_of


def _level(kind: str, first: str, second: str) -> str:
    uniques = np.array([first, second], dtype=object)
    level = compare_codes(np.array([0]), np.array([1]), uniques=uniques, kind=kind)[0]
    return levels_of(kind)[level]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("Müller GmbH & Co. KG", "muller"), ("Société Générale S.A.", "societe generale"),
     ("Rossi S.r.l.", "rossi"), ("Nowak Sp. z o.o.", "nowak"), ("Jansen B.V.", "jansen"),
     ("Volvo Aktiebolag", "volvo"), ("ООО Ромашка", "ромашка"), ("株式会社トヨタ", "トヨタ"),
     ("The Northwind Company", "northwind"), ("Grupo Bimbo, S.A.B. de C.V.", "grupo bimbo"),
     ("Tata Consultancy Services Pvt. Ltd.", "tata consultancy services")],
)  # fmt: skip
def test_legal_forms_and_stop_words_in_many_languages_go(raw: str, clean: str) -> None:
    assert normalise(pd.Series([raw]), Field(column="n", kind="organisation")).tolist() == [clean]


@pytest.mark.parametrize(
    ("first", "second", "level"),
    [("northwind", "northwind boston", "one contains the other"),
     ("ibm", "international business machines", "initials of the other"),
     ("stone", "blue river stone", "one contains the other"),
     ("acme blue works", "acme blue labs", "token overlap >= 0.5"),
     ("acme", "zenith", "different")],
)  # fmt: skip
def test_organisation_levels(first: str, second: str, level: str) -> None:
    assert _level("organisation", first, second) == level


@pytest.mark.parametrize(
    ("first", "second", "level"),
    [("12 high st", "12 hihg st", "same number, street jaro-winkler >= 0.92"),
     ("12 high st", "14 high st", "same street, other number"),
     ("12 high st", "5 low rd", "different")],
)  # fmt: skip
def test_address_levels_read_number_and_street(first: str, second: str, level: str) -> None:
    assert _level("address", first, second) == level


def test_street_types_are_written_one_way() -> None:
    values = pd.Series(["12 High Street", "12 high st.", "Hauptstraße 5", "Hauptstr. 5"])
    cleaned = normalise(values, Field(column="a", kind="address")).tolist()
    assert cleaned == ["12 high st", "12 high st", "hauptstr 5", "hauptstr 5"]


def test_exact_levels_weigh_by_term_frequency_by_default() -> None:
    kinds = ("phone", "address", "postcode", "email", "identifier", "organisation")
    assert all(Field(column="c", kind=kind).term_frequency for kind in kinds)


def test_a_shared_switchboard_counts_less_than_an_own_phone() -> None:
    rng = np.random.default_rng(0)
    own = [f"+4420794{n:05d}" for n in rng.choice(100_000, size=200, replace=False)]
    phones = own + own[:100] + ["+442079460000"] * 6  # six tenants share one switchboard
    names = [f"firm {i}" for i in range(200)] + [f"firm {i}" for i in range(100)]
    names += [f"tenant {i}" for i in range(6)]
    frame = pd.DataFrame({"name": names, "phone": phones})
    fields = [Field(column="name", kind="organisation"), Field(column="phone", kind="phone")]
    result = Linker(fields=fields).deduplicate(frame)
    pairs = result.pairs()
    phone = result.partials[:, 1]
    shared = pairs["left_id"].ge(300).to_numpy()
    # six holders instead of two: log2(3) bits less
    assert phone[shared].max() < phone[~shared & (result.levels[:, 1] == 0)].min() - 1.5


def test_default_rules_block_on_single_identifying_columns_with_a_cap() -> None:
    fields = [Field(column="name", kind="organisation"), Field(column="phone", kind="phone"),
              Field(column="city", kind="city")]  # fmt: skip
    rules = {rule.name: rule for rule in default_rules(fields, max_block=30)}
    assert {"name", "phone", "name (first word)", "name (initials)"} <= set(rules)
    assert "city" not in rules
    assert all(rule.max_block == 30 for rule in rules.values())


def test_an_acronym_finds_the_full_name_and_a_branch_its_firm() -> None:
    frame = pd.DataFrame({
        "name": ["IBM", "International Business Machines Corp.", "Northwind Traders",
                 "Northwind Traders (Boston)", "Zeta Labs"],
        "city": ["Armonk", "Armonk", "Boston", "Boston", "Leeds"],
    })  # fmt: skip
    fields = [Field(column="name", kind="organisation"), Field(column="city", kind="city")]
    report = Linker(fields=fields).report(frame).to_pandas().set_index("rule")
    assert report.loc["name (initials)", "pairs"] == 1
    assert report.loc["name (first word)", "pairs"] == 1


def test_a_value_over_the_cap_pairs_nobody_and_is_reported() -> None:
    frame = pd.DataFrame({"phone": ["+442079460000"] * 8 + ["+442079461111"] * 2})
    rule = BlockingRule(on="phone", max_block=5)
    fields = [Field(column="phone", kind="phone")]
    report = Linker(fields=fields, blocking=[rule]).report(frame).to_pandas()
    assert report[["pairs", "capped_values", "capped_records"]].iloc[0].tolist() == [1, 1, 8]


def _directory(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Firms with their own address and phone, and tenants of buildings sharing both."""
    words = [
        f"{a}{b}"
        for a in ("nor", "sil", "cal", "ver", "ost", "pen", "mar", "qua")
        for b in ("wind", "stone", "field", "brook", "gate", "wood", "vale", "crest")
    ]
    rows = []
    for firm in range(300):
        building = firm // 5 if firm < 100 else None  # 20 buildings of five tenants
        rows.append({
            "name": f"{words[firm % 64].title()} {words[(firm * 7 + 3) % 64].title()} {firm}",
            "address": f"{(building if building is not None else firm) + 1} main street",
            "phone": f"+44207946{(building if building is not None else 1000 + firm):04d}",
            "city": "leeds", "entity": firm,
        })  # fmt: skip
    firms = pd.DataFrame(rows)
    listed = firms.sample(frac=0.9, random_state=int(rng.integers(1000)))
    return firms, listed.assign(name=listed["name"].str.upper() + " LTD")


def test_tenants_of_one_building_are_not_one_firm() -> None:
    left, right = _directory(np.random.default_rng(0))
    fields = [Field(column="name", kind="organisation"), Field(column="address", kind="address"),
              Field(column="phone", kind="phone"), Field(column="city", kind="city")]  # fmt: skip
    columns = ["name", "address", "phone", "city"]
    result = Linker(fields=fields).link({"a": left[columns], "b": right[columns]})
    pairs = result.pairs()
    linked = pairs[pairs["band"] == "link"]
    entity = {("a", i): e for i, e in left["entity"].items()}
    entity |= {("b", i): e for i, e in right["entity"].items()}
    wrong = sum(entity[a] != entity[b] for a, b in zip(linked["left_id"], linked["right_id"],
                                                       strict=True))  # fmt: skip
    assert wrong == 0
    assert len(linked) >= 0.95 * len(right)
