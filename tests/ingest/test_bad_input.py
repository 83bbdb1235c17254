"""Bad exports: strict mode lists every problem at once; lenient mode loads the rest."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer_understanding import IngestError, InvalidValueError, UnknownNameError
from customer_understanding.ingest import Source, SourceMapping, load, load_source
from customer_understanding.tables import NAT

HEADER = "Id,AccountId,Name,Amount,StageName,CreatedDate,CloseDate"
GOOD = "006A,001A,Renewal,12000,Closed Won,2026-01-05T10:00:00Z,2026-02-01"


def _csv(tmp_path: Path, *lines: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "opportunities.csv"
    path.write_bytes("\n".join(lines).encode(encoding))
    return path


def _deals(path: Path) -> Source:
    return Source(name="crm deals", data=path, mapping="salesforce.Opportunity")


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    return _csv(
        tmp_path,
        HEADER,
        GOOD,
        "006B,001A,Upsell,TBD,Proposal,2026-01-06,2026-03-01",  # non-numeric amount
        "006C,001B,New,5000,Prospecting,31/02/2026,2026-03-01",  # unparsable date
        "006A,001B,Copy,100,Prospecting,2026-01-07,2026-03-01",  # duplicate id
        "006D,001C,Fine,750.5,Negotiation,2026-01-08,2026-04-01",
    )


def test_strict_mode_lists_every_problem_with_row_line_column_and_value(messy: Path) -> None:
    with pytest.raises(IngestError) as caught:
        load_source(_deals(messy))
    error = caught.value
    assert error.source == "crm deals"
    found = {(p.row, p.line, p.column, p.value) for p in error.problems}
    assert found == {
        (1, 3, "Amount", "TBD"),
        (2, 4, "CreatedDate", "31/02/2026"),
        (3, 5, "Id", "006A"),
    }
    message = str(error)
    assert "source 'crm deals' has 3 problems" in message
    assert "line 3 (row 1), column 'Amount', value 'TBD': not a number" in message
    assert "duplicate id, the row kept is row 0" in message


def test_lenient_mode_loads_good_rows_and_accounts_for_all(messy: Path) -> None:
    loaded = load_source(_deals(messy), policy="lenient")
    report = loaded.report
    # Bad optional cells are loaded as missing; only the duplicate id rejects its row.
    assert (report.rows, report.loaded, report.rejected) == (5, 4, 1)
    assert report.balanced
    assert report.rejected_rows == (3,)
    assert [(p.row, p.nulled) for p in report.problems] == [(1, True), (2, True), (3, False)]
    assert loaded.table.column("source_id").tolist() == ["006A", "006B", "006C", "006D"]
    np.testing.assert_array_equal(loaded.table.column("amount"), [12000.0, np.nan, 5000.0, 750.5])
    assert loaded.table.column("created_at")[2] == NAT
    assert loaded.table.labels("outcome").tolist() == ["won", "open", "open", "open"]


def test_a_bad_required_cell_rejects_its_row_with_one_problem() -> None:
    rows = [{"Id": "1", "TaskSubtype": "Call", "CreatedDate": "2026-01-01"},
            {"Id": "2", "TaskSubtype": "Call", "CreatedDate": "soon"}]  # fmt: skip
    loaded = load_source(Source(name="tasks", data=rows, mapping="salesforce.Task"),
                         policy="lenient")  # fmt: skip
    assert loaded.report.rejected_rows == (1,)
    [problem] = loaded.report.problems
    assert (problem.column, problem.value, problem.nulled) == ("CreatedDate", "soon", False)


def test_invalid_email_is_reported_and_rejected() -> None:
    rows = [{"id": "1", "email": "ann@beta.io"}, {"id": "2", "email": "jane at acme.com"}]
    with pytest.raises(IngestError, match=r"row 1, column 'email', value 'j\*\*\*'"):
        load([Source(name="users", data=rows, mapping="zendesk.users")])


def test_missing_required_column_rejects_every_row(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Id,Subject", "00T1,Call back")
    with pytest.raises(IngestError, match=r"required column 'CreatedDate' .* is missing"):
        load_source(Source(name="tasks", data=path, mapping="salesforce.Task"))
    loaded = load_source(Source(name="tasks", data=path, mapping="salesforce.Task"),
                         policy="lenient")  # fmt: skip
    assert (loaded.report.loaded, loaded.report.rejected) == (0, 1)


def test_missing_optional_column_is_simply_empty(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Id,CreatedDate,TaskSubtype", "00T1,2026-01-01,Call")
    loaded = load_source(Source(name="tasks", data=path, mapping="salesforce.Task"))
    assert loaded.table.labels("type").tolist() == ["call"]
    assert loaded.table.column("subject").tolist() == [None]


def test_required_value_missing_in_a_row(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Id,CreatedDate,TaskSubtype", "00T1,,Call", "00T2,2026-01-01,Call")
    with pytest.raises(
        IngestError, match=r"line 2 \(row 0\), column 'CreatedDate', value None: a required value"
    ):
        load_source(Source(name="tasks", data=path, mapping="salesforce.Task"))


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    path = _csv(tmp_path, "")
    with pytest.raises(
        IngestError, match=r"source 'crm deals' has 1 problem:\n  table: file .* is empty"
    ):
        load_source(_deals(path))


def test_header_only_file_loads_nothing(tmp_path: Path) -> None:
    loaded = load_source(_deals(_csv(tmp_path, HEADER)))
    assert (loaded.report.rows, loaded.report.loaded) == (0, 0)


def test_wrong_encoding_names_the_line_and_suggests_a_fix(tmp_path: Path) -> None:
    path = _csv(tmp_path, HEADER, GOOD, "006B,001A,Müller GmbH,1,Proposal,2026-01-06,2026-03-01",
                encoding="cp1252")  # fmt: skip
    declared = Source(name="d", data=path, mapping="salesforce.Opportunity", encoding="utf-8")
    with pytest.raises(IngestError, match=r"not valid utf-8 at line 3; pass encoding="):
        load_source(declared)
    loaded = load_source(Source(name="d", data=path, mapping="salesforce.Opportunity",
                                encoding="cp1252"))  # fmt: skip
    assert loaded.table.column("name").tolist() == ["Renewal", "Müller GmbH"]


def test_undeclared_encoding_is_detected_and_reported(tmp_path: Path) -> None:
    rows = [f"{i:03d}B,001A,Müller & Söhne {i},1,Proposal,2026-01-06,2026-03-01" for i in range(30)]
    path = _csv(tmp_path, HEADER, *rows, encoding="cp1252")
    loaded = load_source(_deals(path))
    assert loaded.table.column("name")[0] == "Müller & Söhne 0"
    assert any("encoding" in note and "detected" in note for note in loaded.report.notes)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="does not exist"):
        load_source(_deals(tmp_path / "nope.csv"))


def test_iterable_items_must_be_mappings() -> None:
    with pytest.raises(IngestError, match=r"row 1, column .*: not a mapping|row 1: not a mapping"):
        load([Source(name="users", data=[{"id": "1"}, ["2"]], mapping="zendesk.users")])


def test_unreadable_data_type_is_a_clear_error() -> None:
    with pytest.raises(IngestError, match="cannot read data of type int"):
        load([Source(name="users", data=42, mapping="zendesk.users")])


def test_several_failing_sources_fail_together() -> None:
    bad = [{"id": "1", "email": "x@"}]
    with pytest.raises(ExceptionGroup) as caught:
        load([Source(name="a", data=bad, mapping="zendesk.users"),
              Source(name="b", data=bad, mapping="zendesk.users")])  # fmt: skip
    assert [e.source for e in caught.value.exceptions] == ["a", "b"]  # type: ignore[attr-defined]


def test_unknown_policy_and_preset_are_named() -> None:
    with pytest.raises(InvalidValueError, match="policy='sloppy'"):
        load([], policy="sloppy")  # type: ignore[arg-type]
    with pytest.raises(UnknownNameError, match=r"mapping='salesforce.Lizard' is not one of"):
        Source(name="x", data=[], mapping="salesforce.Lizard")


def test_mapping_with_unknown_field_is_rejected() -> None:
    with pytest.raises(UnknownNameError, match=r"unknown field\(s\) \['colour'\]"):
        SourceMapping(system="crm", target="contact", fields={"colour": "Colour"})
    with pytest.raises(UnknownNameError, match="target='lead'"):
        SourceMapping(system="crm", target="lead")  # type: ignore[arg-type]


def test_unknown_vocabulary_value_is_reported() -> None:
    frame = pd.DataFrame({"Id": ["r1"], "OpportunityId": ["o1"], "ContactId": ["c1"],
                          "Role": ["Janitor"]})  # fmt: skip
    with pytest.raises(IngestError, match="value 'Janitor': not one of: economic_buyer"):
        load_source(Source(name="roles", data=frame, mapping="salesforce.OpportunityContactRole"))


def test_bad_json_properties_are_reported() -> None:
    frame = pd.DataFrame({"event_id": ["e1", "e2"], "event": ["Login", "Login"],
                          "timestamp": ["2026-01-01", "2026-01-02"],
                          "properties": ['{"seats": 3}', "{not json"]})  # fmt: skip
    loaded = load_source(Source(name="events", data=frame, mapping="product.events"),
                         policy="lenient")  # fmt: skip
    assert loaded.report.problems[0].reason == "not a JSON object"
    assert loaded.table.column("quantity").tolist() == [3.0]


def test_unknown_interaction_type_without_discipline_is_reported() -> None:
    mapping = SourceMapping(system="x", target="interaction",
                            fields={"occurred_at": "at", "type": "what"})  # fmt: skip
    frame = pd.DataFrame({"at": ["2026-01-01", "2026-01-01"], "what": ["webinar", "karaoke"]})
    loaded = load_source(Source(name="x", data=frame, mapping=mapping), policy="lenient")
    assert loaded.report.rejected_rows == (1,)
    assert "no known discipline" in loaded.report.problems[0].reason
    assert loaded.table.labels("discipline").tolist() == ["marketing"]


def test_frames_of_other_libraries_load_through_to_pandas() -> None:
    class ArrowLikeTable:
        def to_pandas(self) -> pd.DataFrame:
            return pd.DataFrame({"id": ["1"], "email": ["ann@beta.io"]}, index=[7])

    loaded = load([Source(name="users", data=ArrowLikeTable(), mapping="zendesk.users")])
    assert loaded.report.loaded == 1
    assert loaded.sources[0].report.rejected_rows == ()


# -- a deal closing before it opened (Deliver 7) ---------------------------------------------

BACKWARDS = "006Z,001A,Backwards,900,Closed Won,2026-03-10T09:00:00Z,2026-03-01"
SAME_DAY = "006S,001A,Same day,400,Closed Won,2026-03-10T15:30:00Z,2026-03-10"


def test_a_deal_closing_before_it_opened_is_rejected_in_lenient_mode(tmp_path: Path) -> None:
    loaded = load_source(_deals(_csv(tmp_path, HEADER, GOOD, BACKWARDS)), policy="lenient")
    (problem,) = loaded.report.problems
    assert (problem.row, problem.column, problem.value) == (1, "CloseDate", "2026-03-01")
    assert "closes before it was created" in problem.reason
    assert "2026-03-10T09:00:00Z" in problem.reason
    assert loaded.report.rejected_rows == (1,)
    assert loaded.table.column("source_id").tolist() == ["006A"]


def test_a_deal_closing_before_it_opened_is_named_in_strict_mode(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"row 1.*CloseDate.*closes before it was created"):
        load_source(_deals(_csv(tmp_path, HEADER, GOOD, BACKWARDS)))


def test_a_date_only_close_on_the_opening_day_loads_and_materialises(tmp_path: Path) -> None:
    from customer_understanding import CustomerBase

    deals = _deals(_csv(tmp_path, HEADER, GOOD, SAME_DAY))
    accounts = Source(name="accounts", data=pd.DataFrame({"Id": ["001A"], "Name": ["Acme"]}),
                      mapping="salesforce.Account")  # fmt: skip
    base = CustomerBase.build(load([deals, accounts]))
    deal = base.opportunity("salesforce:006S")
    assert deal.closed_at is not None
    assert deal.created_at is not None
    assert deal.closed_at >= deal.created_at
    (account,) = base.accounts.column("id")
    assert [d.name for d in base.opportunities_of(account)] == ["Renewal", "Same day"]


def test_a_lenient_base_never_crashes_on_a_backwards_deal(tmp_path: Path) -> None:
    from customer_understanding import CustomerBase

    deals = _deals(_csv(tmp_path, HEADER, GOOD, BACKWARDS))
    accounts = Source(name="accounts", data=pd.DataFrame({"Id": ["001A"], "Name": ["Acme"]}),
                      mapping="salesforce.Account")  # fmt: skip
    base = CustomerBase.build(load([deals, accounts], policy="lenient"))
    (account,) = base.accounts.column("id")
    assert [d.name for d in base.opportunities_of(account)] == ["Renewal"]


def test_a_backwards_deal_in_tables_handed_in_directly_still_materialises(tmp_path: Path) -> None:
    import attrs

    from customer_understanding import CustomerBase
    from customer_understanding.base._materialise import opportunity_at

    base = CustomerBase.build(load([_deals(_csv(tmp_path, HEADER, GOOD))]))
    deals = base.tables.opportunities
    late = deals.column("closed_at") + 40 * 86_400 * 10**9  # opened 40 days after closing
    tables = attrs.evolve(base.tables, opportunities=deals.with_columns(created_at=late))
    deal = opportunity_at(tables, 0)
    assert deal.created_at is None
    assert deal.closed_at is not None
