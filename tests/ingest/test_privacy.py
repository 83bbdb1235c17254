"""Personal values stay out of messages unless asked for; phone regions per source."""

import pytest

import customer_understanding as cu
from customer_understanding import IngestError, InvalidValueError
from customer_understanding.ingest import Problem, Source, load, load_source

_ROWS = [
    {"Id": "1", "Email": "ann.lee@acme.com", "FirstName": "Ann", "Phone": "+1 415 555 0100",
     "CreatedDate": "2026-01-01"},
    {"Id": "2", "Email": "bob.ray@@beta.io", "FirstName": "Bob", "Phone": "030 1234567",
     "CreatedDate": "2026-01-02"},
]  # fmt: skip


def _source(rows: list[dict[str, str]] = _ROWS, **options: str) -> Source:
    return Source(name="crm", data=rows, mapping="salesforce.Contact", **options)


def test_an_address_never_appears_in_an_ingest_error() -> None:
    with pytest.raises(IngestError) as error:
        load([_source()])
    message = str(error.value)
    assert "bob.ray" not in message
    assert "beta.io" not in message
    assert "value 'b***@b***.io'" in message
    assert error.value.problems[0].value == "bob.ray@@beta.io"  # the data keeps the value


def test_the_address_is_shown_when_asked() -> None:
    with cu.show_personal_values(), pytest.raises(IngestError, match=r"'bob\.ray@@beta\.io'"):
        load([_source()])
    problem = load([_source()], policy="lenient").report.problems[0]
    assert "bob.ray@@beta.io" in problem.describe(show_values=True)
    assert "bob.ray@@beta.io" not in problem.describe()


def test_the_setting_ends_with_its_block() -> None:
    with cu.show_personal_values():
        pass
    problem = load([_source()], policy="lenient").report.problems[0]
    assert "bob.ray" not in problem.describe()


def test_names_and_phones_are_masked_but_other_values_are_not() -> None:
    personal = Problem(source="crm", row=1, column="FirstName", value="Bob", reason="odd",
                       personal=True)  # fmt: skip
    plain = Problem(source="crm", row=1, column="Amount", value="TBD", reason="not a number")
    assert personal.describe() == "row 1, column 'FirstName', value 'B***': odd"
    assert plain.describe() == "row 1, column 'Amount', value 'TBD': not a number"


def test_an_address_in_any_problem_text_is_masked() -> None:
    problem = Problem(source="crm", row=3, column="Id", value="ann@acme.com",
                      reason="id ann@acme.com is used twice")  # fmt: skip
    assert "ann@acme.com" not in problem.describe()
    assert "a***@a***.com" in problem.describe()


def test_a_bad_email_in_an_interaction_source_is_personal() -> None:
    rows = [{"event_id": "e1", "email": "x@@y.com", "event": "Login", "timestamp": "2026-01-01"}]
    report = load_source(Source(name="events", data=rows, mapping="product.events"),
                         policy="lenient").report  # fmt: skip
    assert [p.personal for p in report.problems] == [True]
    assert "x@@y.com" not in report.problems[0].describe()


def test_a_default_region_reads_national_numbers() -> None:
    loaded = load_source(_source([*_ROWS[:1], {**_ROWS[1], "Email": "bob@beta.io"}],
                                 default_region="DE"))  # fmt: skip
    assert loaded.table.column("phone_normalized").tolist() == ["+14155550100", "+49301234567"]
    assert loaded.table.column("phone").tolist() == ["+1 415 555 0100", "030 1234567"]


def test_without_a_region_national_numbers_keep_their_digits() -> None:
    rows = [{"Id": "1", "Phone": "030 1234567"}, {"Id": "2", "Phone": "+49 (0)30 1234567"}]
    loaded = load_source(_source(rows))
    assert loaded.table.column("phone_normalized").tolist() == ["0301234567", "+49301234567"]


def test_an_unknown_default_region_is_refused_naming_the_option() -> None:
    with pytest.raises(InvalidValueError, match="default_region='Germany'"):
        _source(default_region="Germany")


def test_the_region_is_upper_cased() -> None:
    assert _source(default_region=" gb ").default_region == "GB"


def test_vanity_and_arabic_indic_numbers_are_read() -> None:
    rows = [{"Id": "1", "Phone": "1-800-FLOWERS"}, {"Id": "2", "Phone": "٠٣٠ ١٢٣٤٥٦٧"}]
    us = load_source(_source(rows, default_region="US")).table.column("phone_normalized")
    de = load_source(_source(rows, default_region="DE")).table.column("phone_normalized")
    assert us.tolist()[0] == "+18003569377"
    assert de.tolist()[1] == "+49301234567"


def test_mailto_and_invisible_characters_are_not_new_people() -> None:
    rows = [{"Id": "1", "Email": "ann@bücher.de"},
            {"Id": "2", "Email": "mailto:Ann@xn--bcher-kva.de"},
            {"Id": "3", "Email": "ann\u200b@bücher.de"}]  # fmt: skip
    base = cu.CustomerBase.build([_source(rows)])
    assert base.contacts.column("email").tolist() == ["ann@bücher.de"]
    assert set(base.tables.resolution.contact_of_record.tolist()) == {0}
