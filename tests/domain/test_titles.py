"""Reading job titles: seniority, department and role from one set of ordered rules."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_understanding import InvalidValueError, UnknownNameError
from customer_understanding.domain import (
    DEFAULT_TITLE_RULES,
    Role,
    Seniority,
    TitleRule,
    fold_title,
    read_title,
    read_titles,
)


@pytest.mark.parametrize(
    ("title", "seniority"),
    [
        ("Chief Revenue Officer", "c_level"), ("CFO", "c_level"), ("C.E.O.", "c_level"),
        ("CEO & Founder", "c_level"), ("Managing Director", "c_level"),
        ("VP Sales", "vp"), ("V.P. Finance", "vp"), ("SVP, Sales", "vp"),
        ("Vice President of Marketing", "vp"), ("General Manager", "vp"),
        ("Head of Growth", "director"), ("Sr. Director, Customer Success", "director"),
        ("Dir. Marketing Ops", "director"), ("IT Head", "director"),
        ("Marketing Manager", "manager"), ("Sales Ops Mgr", "manager"),
        ("Sourcing Lead", "manager"),
        ("Senior Software Engineer", "individual"), ("Sr SWE", "individual"),
        ("Account Executive", "individual"), ("Customer Success Manager", "individual"),
        ("Executive Assistant", "individual"), ("SDR", "individual"),
    ],
)  # fmt: skip
def test_english_titles_and_abbreviations(title: str, seniority: str) -> None:
    assert read_title(title).seniority == Seniority(seniority)


@pytest.mark.parametrize(
    ("title", "seniority", "department"),
    [
        ("Geschäftsführerin", "c_level", "Executive"), ("Finanzvorstand", "c_level", "Finance"),
        ("Leiter Einkauf", "director", "Procurement"), ("Vertriebsleiterin", "director", "Sales"),
        ("IT-Teamleiter", "manager", "IT"), ("Sachbearbeiter Einkauf", "individual", "Procurement"),
        ("Président-Directeur Général", "c_level", "Executive"),
        ("Vice-Président Commercial", "vp", "Sales"), ("Directrice Juridique", "director", "Legal"),
        ("Responsable Achats", "manager", "Procurement"), ("Chef de Produit", "manager", "Product"),
        ("Chargé de Recrutement", "individual", "Human Resources"),
        ("Directora General", "c_level", "Executive"), ("Vicepresidente de Ventas", "vp", "Sales"),
        ("Jefa de Compras", "manager", "Procurement"),
        ("Ingeniero de Datos", "individual", "Engineering"),
        ("Algemeen Directeur", "c_level", "Executive"), ("Hoofd IT", "director", "IT"),
        ("Medewerker Klantenservice", "individual", "Customer Success"),
    ],
)  # fmt: skip
def test_titles_in_other_languages(title: str, seniority: str, department: str) -> None:
    reading = read_title(title)
    assert (reading.seniority, reading.department) == (Seniority(seniority), department)


def test_each_fact_comes_with_its_rules_confidence() -> None:
    reading = read_title("Chief Financial Officer")
    assert reading.role is Role.ECONOMIC_BUYER
    assert (reading.seniority_confidence, reading.department_confidence) == (0.95, 0.85)


def test_an_unknown_title_is_a_weak_individual_contributor() -> None:
    reading = read_title("Gardener")
    assert (reading.seniority, reading.seniority_confidence) == (Seniority.INDIVIDUAL, 0.3)
    assert (reading.role, reading.department) == (None, None)


def test_a_missing_title_says_nothing() -> None:
    assert read_title(None) == read_title("  ") == read_title("", rules=DEFAULT_TITLE_RULES)
    assert read_title(None).seniority is None


def test_first_rule_giving_a_fact_wins_and_others_fill_the_rest() -> None:
    rules = [
        TitleRule(pattern=r"\bboss\b", seniority="c_level", confidence=0.9),
        TitleRule(pattern=r"\bboss\b", seniority="manager", department="Ops", confidence=0.5),
    ]
    reading = read_title("Big Boss", rules=rules)
    assert (reading.seniority, reading.department) == (Seniority.C_LEVEL, "Ops")
    assert (reading.seniority_confidence, reading.department_confidence) == (0.9, 0.5)


def test_rules_read_the_title_as_written_and_folded() -> None:
    assert fold_title("Sr. V.P., Sales & Marketing") == "sr vp sales marketing"
    assert TitleRule(pattern="Geschäftsführer", seniority="c_level").matches("Geschäftsführer")
    assert TitleRule(pattern=r"\bvp\b", seniority="vp").matches("V.P. Sales")


def test_read_titles_reads_each_distinct_title_once_in_order() -> None:
    table = read_titles(np.array(["CFO", None, "CFO", float("nan")], dtype=object))
    assert table["seniority"].tolist() == ["c_level", None, "c_level", None]
    assert table["seniority_confidence"].tolist() == [0.9, 0.0, 0.9, 0.0]
    assert table.columns.tolist() == ["title", "role", "role_confidence", "seniority",
                                      "seniority_confidence", "department",
                                      "department_confidence"]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: TitleRule(pattern="cfo"), "must name a role, seniority or department"),
        (lambda: TitleRule(pattern="(", seniority="vp"), "pattern='\\('"),
        (lambda: TitleRule(pattern="x", department=""), "department=''"),
        (lambda: TitleRule(pattern="x", seniority="vp", confidence=0), "confidence=0"),
        (lambda: read_title(5), "title=5"),
        (lambda: read_title("CFO", rules="cfo"), "rules='cfo'"),
        (lambda: read_title("CFO", rules=["cfo"]), "rules holds 'cfo'"),
        (lambda: read_titles("CFO"), "titles='CFO'"),
        (lambda: read_titles(["CFO", 7]), "titles holds 7"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_naming_the_argument(make, message) -> None:
    with pytest.raises(InvalidValueError, match=message):
        make()


def test_an_unknown_seniority_is_refused() -> None:
    with pytest.raises(UnknownNameError, match="seniority='boss'"):
        TitleRule(pattern="x", seniority="boss")


@given(st.lists(st.one_of(st.none(), st.text(max_size=40)), max_size=20))
def test_bulk_reading_equals_one_by_one_for_any_text(titles: list[str | None]) -> None:
    table = read_titles(titles)
    for title, row in zip(titles, table.itertuples(index=False), strict=True):
        reading = read_title(title)
        assert row.seniority == (reading.seniority and reading.seniority.value)
        assert row.department == reading.department
        assert 0.0 <= row.seniority_confidence <= 1.0
