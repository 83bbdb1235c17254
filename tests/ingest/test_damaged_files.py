"""Damaged files: every structural fault is reported on its line, nothing shifts or vanishes."""

from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pytest

from customer_understanding import IngestError, InvalidValueError, UnknownNameError
from customer_understanding.ingest import Source, SourceMapping, get_preset, load, load_source

HEADER = "Id,FirstName,LastName,Email"


def _file(tmp_path: Path, text: str, name: str = "contacts.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _contacts(path: Path, **options: object) -> Source:
    return Source(name="crm contacts", data=path, mapping="salesforce.Contact", **options)


def _rows(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


def test_a_trailing_delimiter_on_every_line_does_not_shift_columns(tmp_path: Path) -> None:
    text = "\n".join(
        line + "," for line in _rows("1,Ann,Lee,ann@a.io", "2,Bob,Ray,bob@b.io").split("\n") if line
    )
    loaded = load_source(_contacts(_file(tmp_path, text)))
    assert loaded.table.column("source_id").tolist() == ["1", "2"]
    assert loaded.table.column("first_name").tolist() == ["Ann", "Bob"]
    assert any("extra delimiter" in note for note in loaded.report.notes)


def test_a_trailing_delimiter_on_data_lines_only_is_also_dropped(tmp_path: Path) -> None:
    text = _rows("1,Ann,Lee,ann@a.io,", "2,Bob,Ray,bob@b.io,")
    loaded = load_source(_contacts(_file(tmp_path, text)))
    assert loaded.table.column("last_name").tolist() == ["Lee", "Ray"]


def test_a_stray_quote_that_swallows_lines_is_reported_not_loaded(tmp_path: Path) -> None:
    text = _rows(
        "1,Ann,Lee,ann@a.io",
        '2,"Bob,Ray,bob@b.io',  # the quote is never closed where it should be
        "3,Cid,Moe,cid@c.io",
        "4,Dee,Fox,dee@d.io",
        '5,Eve",Kim,eve@e.io',
        "6,Fay,Gul,fay@f.io",
    )
    with pytest.raises(IngestError) as caught:
        load_source(_contacts(_file(tmp_path, text)))
    [problem] = caught.value.problems
    assert problem.line == 3
    assert "quote opened on line 3 is closed only on line 6" in problem.reason
    loaded = load_source(_contacts(_file(tmp_path, text)), policy="lenient")
    report = loaded.report
    assert (report.rows, report.loaded, report.rejected) == (3, 2, 1)
    assert loaded.table.column("source_id").tolist() == ["1", "6"]


def test_repeated_header_names_are_refused_with_their_positions(tmp_path: Path) -> None:
    text = "Id,Email,LastName,Email\n1,a@a.io,Lee,b@b.io\n"
    with pytest.raises(IngestError, match=r"'Email' at columns 2, 4"):
        load_source(_contacts(_file(tmp_path, text)))


def test_repeated_labels_in_a_dataframe_are_refused() -> None:
    frame = pd.DataFrame([["1", "Lee", "x@a.io"]], columns=["Id", "LastName", "LastName"])
    with pytest.raises(IngestError, match="repeats column labels"):
        load_source(Source(name="crm", data=frame, mapping="salesforce.Contact"))


def test_a_nul_byte_damages_only_its_line(tmp_path: Path) -> None:
    text = _rows("1,Ann,Lee,ann@a.io", "2,Bob,Ra\x00y,bob@b.io", "3,Cid,Moe,cid@c.io")
    loaded = load_source(_contacts(_file(tmp_path, text)), policy="lenient")
    assert loaded.table.column("source_id").tolist() == ["1", "3"]
    [problem] = loaded.report.problems
    assert (problem.row, problem.line) == (1, 3)
    assert "NUL byte" in problem.reason


def test_too_few_or_too_many_fields_are_damaged_lines(tmp_path: Path) -> None:
    text = _rows("1,Ann,Lee,ann@a.io", "2,Bob,bob@b.io", "3,Cid,Moe,cid@c.io,extra")
    loaded = load_source(_contacts(_file(tmp_path, text)), policy="lenient")
    assert loaded.table.column("source_id").tolist() == ["1"]
    assert [(p.line, "3 fields" in p.reason or "5 fields" in p.reason)
            for p in loaded.report.problems] == [(3, True), (4, True)]  # fmt: skip


def test_line_numbers_count_blank_lines_and_line_breaks_inside_fields(tmp_path: Path) -> None:
    text = (HEADER + ",Description\n"
            '1,Ann,Lee,ann@a.io,"two\nlines"\n'
            "\n"
            "2,Bob,Ray,not-an-email,x\n")  # fmt: skip
    path = _file(tmp_path, text)
    source = Source(name="crm contacts", data=path, mapping="salesforce.Contact")
    loaded = load_source(source, policy="lenient")
    [problem] = loaded.report.problems
    assert (problem.row, problem.line, problem.column) == (1, 5, "Email")


def test_a_semicolon_file_is_read_and_its_delimiter_reported(tmp_path: Path) -> None:
    text = 'Id;FirstName;LastName;Email\n1;Ann;Lee;ann@a.io\n2;"Bo; Jr";Ray;bob@b.io\n'
    loaded = load_source(_contacts(_file(tmp_path, text)))
    assert loaded.table.column("first_name").tolist() == ["Ann", "Bo; Jr"]
    assert any("delimiter ';'" in note for note in loaded.report.notes)


def test_a_declared_delimiter_is_used_as_given(tmp_path: Path) -> None:
    text = "Id|FirstName|LastName|Email\n1|Ann|Lee|ann@a.io\n"
    loaded = load_source(_contacts(_file(tmp_path, text), delimiter="|"))
    assert loaded.table.column("last_name").tolist() == ["Lee"]
    assert not any("delimiter" in note for note in loaded.report.notes)


def test_json_lines_files_load_and_bad_lines_are_reported(tmp_path: Path) -> None:
    text = ('{"Id": "1", "LastName": "Lee", "Email": "ann@a.io"}\n'
            "not json\n"
            '{"Id": "3", "LastName": "Moe"}\n')  # fmt: skip
    path = _file(tmp_path, text, name="contacts.jsonl")
    loaded = load_source(_contacts(path), policy="lenient")
    assert loaded.table.column("source_id").tolist() == ["1", "3"]
    [problem] = loaded.report.problems
    assert (problem.row, problem.line) == (1, 2)


def test_parquet_files_load(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "contacts.parquet"
    pd.DataFrame({"Id": ["1", "2"], "LastName": ["Lee", "Ray"]}).to_parquet(path)
    loaded = load_source(_contacts(path))
    assert loaded.table.column("last_name").tolist() == ["Lee", "Ray"]


def test_a_damaged_parquet_file_is_a_clear_error(tmp_path: Path) -> None:
    path = _file(tmp_path, "Id,LastName\n1,Lee\n", name="contacts.parquet")
    with pytest.raises(IngestError, match=r"contacts\.parquet"):
        load_source(_contacts(path))


def test_a_mistyped_optional_column_is_named_with_the_likely_column() -> None:
    frame = pd.DataFrame({"Id": ["1"], "LastName": ["Lee"], "Email": ["ann@a.io"]})
    mapping = get_preset("salesforce.Contact")
    mapping = attrs.evolve(mapping, fields={**mapping.fields, "email": "Email "})
    with pytest.raises(
        IngestError, match=r"'Email ' \(for email\) is not in the data; did you mean 'Email'\?"
    ):
        load_source(Source(name="crm", data=frame, mapping=mapping))
    loaded = load_source(Source(name="crm", data=frame, mapping=mapping), policy="lenient")
    assert loaded.report.loaded == 1  # the field is empty, the row kept, the problem reported
    assert loaded.table.column("email").tolist() == [None]


def test_a_missing_required_column_suggests_the_likely_one() -> None:
    frame = pd.DataFrame({"ID": ["1"], "LastName": ["Lee"]})
    with pytest.raises(IngestError, match=r"required column 'Id' .* did you mean 'ID'\?"):
        load_source(Source(name="crm", data=frame, mapping="salesforce.Contact"))


def test_a_mapping_pointed_at_the_wrong_file_is_refused() -> None:
    accounts = pd.DataFrame({"Id": ["001A"], "Name": ["Acme"], "Website": ["acme.com"],
                             "Industry": ["Software"]})  # fmt: skip
    with pytest.raises(IngestError, match="is this the right file"):
        load_source(Source(name="crm", data=accounts, mapping="salesforce.Contact"))


def test_absent_and_empty_mapped_columns_are_noted() -> None:
    frame = pd.DataFrame({"Id": ["1", "2"], "LastName": ["Lee", "Ray"], "Email": [None, ""]})
    loaded = load_source(Source(name="crm", data=frame, mapping="salesforce.Contact"))
    notes = loaded.report.notes
    assert "column 'Email' (for email) is empty on every row" in notes
    assert any(note.startswith("mapped column 'Phone' (for phone) is not in the data")
               for note in notes)  # fmt: skip


def test_a_system_spelled_differently_across_sources_is_a_problem() -> None:
    accounts = pd.DataFrame({"Id": ["001A"], "Name": ["Acme"]})
    deals = pd.DataFrame({"Id": ["006A"], "AccountId": ["001A"], "Name": ["Deal"],
                          "StageName": ["Prospecting"], "CreatedDate": ["2026-01-01"]})  # fmt: skip
    mapping = attrs.evolve(get_preset("salesforce.Opportunity"), system="SalesForce")
    sources = [Source(name="accounts", data=accounts, mapping="salesforce.Account"),
               Source(name="deals", data=deals, mapping=mapping)]  # fmt: skip
    with pytest.raises(IngestError, match="accounts were loaded under 'salesforce'"):
        load(sources)
    loaded = load(sources, policy="lenient")
    assert any("spell the system the same" in p.reason for p in loaded.report.problems)


def test_references_to_a_system_never_loaded_are_noted() -> None:
    deals = pd.DataFrame({"Id": ["006A"], "AccountId": ["001A"], "Name": ["Deal"],
                          "StageName": ["Prospecting"], "CreatedDate": ["2026-01-01"]})  # fmt: skip
    loaded = load([Source(name="deals", data=deals, mapping="salesforce.Opportunity")])
    assert any("accounts of system 'salesforce' by id" in note for note in loaded.report.notes)


def _tasks(created: list[object], **mapping_options: object) -> Source:
    ids = [str(i) for i in range(len(created))]
    frame = pd.DataFrame({"Id": ids, "TaskSubtype": "Call", "CreatedDate": created})
    mapping = attrs.evolve(get_preset("salesforce.Task"), **mapping_options)
    return Source(name="tasks", data=frame, mapping=mapping)


def test_declared_time_formats_are_used_per_column() -> None:
    day_first = _tasks(["31/12/2025", "01/02/2026"], time_formats={"CreatedDate": "%d/%m/%Y"})
    times = load_source(day_first).table.column("occurred_at")
    days = pd.to_datetime(times, utc=True).strftime("%Y-%m-%d").tolist()
    assert days == ["2025-12-31", "2026-02-01"]
    epoch = _tasks(["1767139200", "1767139200.5"], time_formats={"CreatedDate": "epoch_s"})
    assert load_source(epoch).table.column("occurred_at").tolist() == [
        1_767_139_200_000_000_000,
        1_767_139_200_500_000_000,
    ]


def test_a_bad_time_format_or_column_is_refused_at_once() -> None:
    with pytest.raises(InvalidValueError, match=r"time_formats\['CreatedDate'\]='dd/mm'"):
        _tasks(["x"], time_formats={"CreatedDate": "dd/mm"})
    with pytest.raises(UnknownNameError, match="time_formats names column 'Created'"):
        _tasks(["x"], time_formats={"Created": "%d/%m/%Y"})


def test_times_out_of_range_say_so() -> None:
    text = load_source(_tasks(["2026-01-01", "9999-12-31"]), policy="lenient")
    assert text.report.rejected_rows == (1,)
    assert "outside the supported range" in text.report.problems[0].reason
    seconds = pd.Series(np.array(["0001-01-01", "2026-01-01"], dtype="datetime64[s]"))
    typed = load_source(_tasks(list(seconds)), policy="lenient")
    assert typed.report.rejected_rows == (0,)
    assert "outside the supported range" in typed.report.problems[0].reason
    column = load_source(_tasks(seconds), policy="lenient")  # a datetime64[s] column
    assert column.report.rejected_rows == (0,)


def test_ids_have_one_spelling_whatever_the_column_type() -> None:
    accounts = pd.DataFrame({"Id": [1.0, 2.0], "Name": ["Acme", "Beta"]})
    contacts = [{"Id": "c1", "LastName": "Lee", "AccountId": "1"},
                {"Id": "c2", "LastName": "Ray", "AccountId": 2.0}]  # fmt: skip
    loaded = load([Source(name="a", data=accounts, mapping="salesforce.Account"),
                   Source(name="c", data=contacts, mapping="salesforce.Contact")])  # fmt: skip
    assert loaded.sources[0].table.column("source_id").tolist() == ["1", "2"]
    assert loaded.sources[1].table.column("account_ref").tolist() == ["1", "2"]


def test_nested_cells_are_text_not_a_crash() -> None:
    rows = [{"Id": "1", "LastName": ["Lee"], "Email": {"work": "a@b.io"}}]
    loaded = load_source(Source(name="c", data=rows, mapping="salesforce.Contact"),
                         policy="lenient")  # fmt: skip
    assert loaded.table.column("last_name").tolist() == ['["Lee"]']
    assert loaded.report.problems[0].column == "Email"


def test_boolean_like_consent_answers_are_accepted() -> None:
    mapping = SourceMapping(system="forms", target="contact",
                            fields={"source_id": "id", "marketing_consent": "agreed"})  # fmt: skip
    rows = [{"id": str(i), "agreed": answer} for i, answer in enumerate(["1", "no", "Yes", "?"])]
    loaded = load_source(Source(name="forms", data=rows, mapping=mapping), policy="lenient")
    assert loaded.table.labels("marketing_consent").tolist() == ["granted", "denied",
                                                                 "granted", None]  # fmt: skip
    assert "not a consent answer" in loaded.report.problems[0].reason


def test_non_finite_amounts_are_refused() -> None:
    deals = pd.DataFrame({"Id": ["1", "2"], "Name": ["a", "b"], "StageName": ["Prospecting"] * 2,
                          "CreatedDate": ["2026-01-01"] * 2, "Amount": ["inf", "100"]})  # fmt: skip
    loaded = load_source(Source(name="d", data=deals, mapping="salesforce.Opportunity"),
                         policy="lenient")  # fmt: skip
    assert np.isnan(loaded.table.column("amount")[0])
    assert loaded.report.problems[0].reason == "not a finite number"


def test_repeated_interaction_ids_are_reported_and_counted_once() -> None:
    rows = [{"Id": "t1", "TaskSubtype": "Call", "CreatedDate": "2026-01-01"}] * 2
    loaded = load_source(Source(name="tasks", data=rows, mapping="salesforce.Task"),
                         policy="lenient")  # fmt: skip
    assert (loaded.report.loaded, loaded.report.rejected) == (1, 1)
    assert "duplicate id" in loaded.report.problems[0].reason


def test_epoch_numbers_far_outside_the_range_of_times_are_problem_rows() -> None:
    # pandas itself overflows on such numbers; the row must be named, never crash the load
    created = ["1e300", "1767139200", "-1e19", "inf", "9.3e9"]
    loaded = load_source(_tasks(created, time_formats={"CreatedDate": "epoch_s"}), policy="lenient")
    assert loaded.report.rejected_rows == (0, 2, 3, 4)
    assert [p.value for p in loaded.report.problems] == ["1e300", "-1e19", "inf", "9.3e9"]
    assert loaded.table.column("occurred_at").tolist() == [1_767_139_200_000_000_000]
