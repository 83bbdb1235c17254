"""Tables in any form: polars and pyarrow inputs at every entry point, Arrow and polars out.

Every public entry point that takes a table converts it with one helper
(``_core.as_frame``); every result exports through one mixin (``_core.TableExport``).
"""

import sys

import numpy as np
import pandas as pd
import pytest

from customer_understanding import InvalidValueError, MissingDependencyError, identity
from customer_understanding.ingest import Source, load
from tests.test_results import RECIPES, _made

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")

PEOPLE = pd.DataFrame({
    "id": ["r1", "r2", "r3", "r4"],
    "email": ["ann@acme.com", "ann@acme.com", "bo@beta.io", None],
    "last_name": ["Lee", "Lee", "Ng", "Ng"],
    "system": ["crm", "shop", "crm", "shop"],
})  # fmt: skip
FIELDS = [identity.Field(column="email", kind="email"),
          identity.Field(column="last_name", kind="family_name")]  # fmt: skip
ACCOUNTS = pd.DataFrame({"id": ["A1", "A2"], "name": ["Acme Inc.", "Globex GmbH"],
                         "domain": ["acme.com", "globex.de"]})  # fmt: skip
CONTACTS = pd.DataFrame({"id": ["c1", "c2"], "email": ["ann@acme.com", "bo@gmail.com"],
                         "company": [None, "Initech"]})  # fmt: skip


def _forms(frame: pd.DataFrame) -> dict[str, object]:
    return {
        "polars": pl.from_pandas(frame),
        "arrow": pa.Table.from_pandas(frame, preserve_index=False),
    }


@pytest.mark.parametrize("form", ["polars", "arrow"])
def test_linker_takes_polars_and_arrow(form: str) -> None:
    linker = identity.Linker(fields=FIELDS, link_threshold=0.5)
    expected = linker.deduplicate(PEOPLE, id_column="id", source_column="system")
    table = _forms(PEOPLE)[form]
    result = linker.deduplicate(table, id_column="id", source_column="system")
    assert result.clusters.tolist() == expected.clusters.tolist()
    assert linker.report(table).to_pandas().equals(linker.report(PEOPLE).to_pandas())
    halves = {"crm": _forms(PEOPLE.iloc[:2])[form], "shop": _forms(PEOPLE.iloc[2:])[form]}
    assert len(linker.link(halves, id_column="id").clusters) == len(PEOPLE)


@pytest.mark.parametrize("form", ["polars", "arrow"])
def test_lead_to_account_takes_polars_and_arrow(form: str) -> None:
    expected = identity.LeadToAccount().match(CONTACTS, ACCOUNTS).to_pandas()
    found = identity.LeadToAccount().match(_forms(CONTACTS)[form], _forms(ACCOUNTS)[form])
    pd.testing.assert_frame_equal(found.to_pandas(), expected, check_dtype=False)


@pytest.mark.parametrize("form", ["polars", "arrow"])
def test_golden_records_take_polars_and_arrow(form: str) -> None:
    clusters = [0, 0, 1, 1]
    expected = identity.golden_records(PEOPLE, clusters, source_column="system", id_column="id")
    found = identity.golden_records(
        _forms(PEOPLE)[form], clusters, source_column="system", id_column="id"
    )
    assert found.to_pandas().fillna("-").equals(expected.to_pandas().fillna("-"))


@pytest.mark.parametrize("form", ["polars", "arrow"])
def test_a_source_takes_polars_and_arrow(form: str) -> None:
    accounts = pd.DataFrame({"Id": ["001A"], "Name": ["Acme"]})
    source = Source(name="crm", data=_forms(accounts)[form], mapping="salesforce.Account")
    assert len(load([source]).sources[0].table) == 1


@pytest.mark.parametrize("form", ["polars", "arrow"])
def test_transaction_summary_takes_polars_and_arrow(form: str) -> None:
    from customer_understanding.segmentation import transaction_summary

    frame = pd.DataFrame({"customer_id": ["a", "a", "b"],
                          "date": ["2026-01-01", "2026-01-11", "2026-01-05"]})  # fmt: skip
    expected = transaction_summary(frame, observation_end="2026-01-31")
    found = transaction_summary(_forms(frame)[form], observation_end="2026-01-31")
    pd.testing.assert_frame_equal(found, expected)


def test_a_table_in_no_known_form_is_refused_by_name() -> None:
    with pytest.raises(InvalidValueError, match=r"^records=\[1, 2\] must be a table"):
        identity.Linker(fields=FIELDS).deduplicate([1, 2])  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"^accounts=.* must be a table"):
        identity.LeadToAccount().match(CONTACTS, "accounts.csv")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_every_result_exports_to_arrow_and_polars(name: str) -> None:
    result = _made(name)
    frame = result.to_pandas()  # type: ignore[attr-defined]
    table = result.to_arrow()  # type: ignore[attr-defined]
    assert isinstance(table, pa.Table)
    assert table.column_names == [str(label) for label in frame.columns]
    assert table.num_rows == len(frame)
    polars_frame = result.to_polars()  # type: ignore[attr-defined]
    assert isinstance(polars_frame, pl.DataFrame)
    assert polars_frame.columns == table.column_names
    assert polars_frame.height == len(frame)


def test_exports_keep_values_and_types() -> None:
    result = identity.LeadToAccount().match(CONTACTS, ACCOUNTS)
    table = result.to_arrow()
    assert table.column("account_id").to_pylist() == ["A1", None]
    assert pa.types.is_floating(table.schema.field("confidence").type)
    assert result.to_polars()["method"].to_list() == ["domain", "none"]


def test_a_column_arrow_cannot_type_is_exported_as_text() -> None:
    from customer_understanding._core import TableExport

    class Mixed(TableExport):
        def to_pandas(self) -> pd.DataFrame:
            return pd.DataFrame({"value": pd.Series([1, "a", None], dtype=object),
                                 "n": np.arange(3)})  # fmt: skip

    table = Mixed().to_arrow()
    assert table.column("value").to_pylist() == ["1", "a", None]
    assert table.column("n").to_pylist() == [0, 1, 2]


def test_a_missing_pyarrow_names_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    result = identity.LeadToAccount().match(CONTACTS, ACCOUNTS)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # makes its import fail
    with pytest.raises(MissingDependencyError, match=r"customer-understanding\[arrow\]"):
        result.to_arrow()
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(ImportError, match=r"to_polars\(\) needs polars"):
        result.to_polars()
