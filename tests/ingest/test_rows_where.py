"""Exports that mix kinds of rows: the rows a mapping does not read are skipped and counted."""

from __future__ import annotations

import pandas as pd
import pytest

import customer_understanding as cu
from customer_understanding import IngestError, InvalidValueError
from customer_understanding.ingest import SourceMapping, load

# A real field-history export holds one row per changed field, not only the status.
HISTORY = pd.DataFrame(
    {
        "Id": ["H1", "H2", "H3", "H4", "H5"],
        "LeadId": ["L1", "L1", "L1", "L2", "L2"],
        "Field": ["Status", "Owner", "Rating", " status ", "leadConverted"],
        "NewValue": ["Working - Contacted", "005xx0001", "Hot", "Sales Accepted", "true"],
        "CreatedDate": ["2025-01-05", "2025-01-06", "not a date", "2025-01-09", "2025-01-10"],
    }
)


def test_the_lead_history_preset_reads_the_status_rows_and_skips_the_others() -> None:
    loaded = load([cu.Source(name="history", data=HISTORY, mapping="salesforce.LeadHistory")])
    report = loaded.report.sources[0]
    assert (report.loaded, report.rejected, report.skipped) == (2, 0, 3)
    assert report.skipped_rows == (1, 2, 4)
    assert report.balanced
    assert report.problems == ()  # the skipped row's bad date is no problem of ours
    assert loaded.report.to_pandas()["skipped"].tolist() == [3]
    assert "skipped=3" in repr(loaded.report)


def test_a_skipped_row_is_not_rejected_under_the_lenient_policy_either() -> None:
    frame = HISTORY.assign(CreatedDate=["2025-01-05", "x", "y", "bad", "z"])
    loaded = load([cu.Source(name="history", data=frame, mapping="salesforce.LeadHistory")],
                  policy="lenient")  # fmt: skip
    report = loaded.report.sources[0]
    assert (report.loaded, report.rejected, report.skipped) == (1, 1, 3)
    assert [problem.row for problem in report.problems] == [3]


def test_a_missing_filter_column_rejects_every_row_naming_it() -> None:
    frame = HISTORY.drop(columns=["Field"])
    with pytest.raises(IngestError, match="rows_where reads is missing") as caught:
        load([cu.Source(name="history", data=frame, mapping="salesforce.LeadHistory")])
    assert "Field" in str(caught.value)


def test_rows_where_refuses_an_empty_list_naming_the_column() -> None:
    with pytest.raises(InvalidValueError, match=r"rows_where\['Field'\]"):
        SourceMapping(system="crm", target="stage_change", fields={"subject_ref": "LeadId"},
                      rows_where={"Field": []})  # fmt: skip


def test_rows_where_takes_several_values_in_any_case() -> None:
    mapping = SourceMapping(system="crm", target="stage_change",
                            fields={"source_id": "Id", "subject_ref": "LeadId", "stage": "NewValue",
                                    "at": "CreatedDate"},
                            constants={"subject_kind": "contact"},
                            value_maps={"stage": {"working - contacted": "engaged",
                                                  "sales accepted": "sal", "hot": "mql"}},
                            rows_where={"Field": ["STATUS", "rating"]})  # fmt: skip
    frame = HISTORY.assign(CreatedDate="2025-01-05")
    report = load([cu.Source(name="h", data=frame, mapping=mapping)]).report.sources[0]
    assert (report.loaded, report.skipped) == (3, 2)
    assert "Field" in mapping.columns()
