"""A consent log's statements and records' own flags stay apart through updates and files."""

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from customer_understanding import CustomerBase, Source
from customer_understanding.base import _update_plan

_KEY = "origin-test-secret-2026"
_COLUMNS = ["system", "source_id", "contact_ref", "purpose", "channel", "status", "at"]


def _people(opted_out: str = "false") -> Source:
    rows = [{"Id": "7", "Email": "ann@acme.com", "FirstName": "Ann", "LastName": "Lee",
             "HasOptedOutOfEmail": opted_out},
            {"Id": "8", "Email": "bob@beta.io", "FirstName": "Bob", "LastName": "Roe",
             "HasOptedOutOfEmail": "true"}]  # fmt: skip
    return Source(name="crm", data=rows, mapping="salesforce.Contact")


def _log() -> Source:
    # A log keyed by the person (its row id is the contact's id), undated, on marketing by
    # e-mail: shaped exactly like the flag the base derives from record 7.
    rows = [{"Id": "7", "PartyId": "7", "ContactPointType": "email",
             "DataUsePurpose": "marketing", "PrivacyConsentStatus": "OptOut",
             "EffectiveFrom": ""}]  # fmt: skip
    return Source(name="consents", data=rows, mapping="salesforce.ContactPointTypeConsent")


def _statements(base: CustomerBase) -> pd.DataFrame:
    frame = base.tables.consents.to_pandas()[_COLUMNS]
    return frame.sort_values(_COLUMNS, key=lambda c: c.astype(str)).reset_index(drop=True)


def test_a_log_statement_shaped_like_a_flag_survives_an_update_of_its_record(
    tmp_path: Path,
) -> None:
    base = CustomerBase.build([_people(), _log()], store=tmp_path / "s.db", id_key=_KEY)
    origins = base.tables.consents.labels("origin").tolist()
    assert sorted(origins) == ["log", "record", "record"]
    changed = _people(opted_out="false")  # record 7 sent again: resolved again
    updated = base.update([changed])
    rebuilt = CustomerBase.build([changed, _log()], id_key=_KEY)  # the same rows, once
    assert len(updated.tables.consents) == 3  # the log's denial was not taken for a flag
    pd.testing.assert_frame_equal(_statements(updated), _statements(rebuilt))
    assert updated.contacts.to_pandas().set_index("id")["marketing_consent"].to_dict() == (
        rebuilt.contacts.to_pandas().set_index("id")["marketing_consent"].to_dict()
    )


def _without_origin(path: Path) -> None:
    """The store as a version 4 library wrote it: no consent origin column."""
    with closing(sqlite3.connect(path)) as connection, connection:
        manifest = json.loads(connection.execute(
            "SELECT value FROM meta WHERE key = 'manifest'").fetchone()[0])  # fmt: skip
        consents = manifest["tables"]["fields"]["consents"]["fields"]
        arrays = consents["arrays"]["mapping"]
        (gone,) = [entry for entry in arrays if entry[0] == "origin"]
        arrays.remove(gone)
        labels = consents["categories"]["mapping"]
        labels[:] = [entry for entry in labels if entry[0] != "origin"]
        connection.execute("DELETE FROM arrays WHERE path = ?", (gone[1]["array"],))
        connection.execute("UPDATE meta SET value = ? WHERE key = 'manifest'",
                           (json.dumps(manifest),))  # fmt: skip
        connection.execute("UPDATE meta SET value = 4 WHERE key = 'schema_version'")


def test_statements_stored_before_origin_are_told_apart_by_their_shape(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    CustomerBase.build([_people()], store=path, id_key=_KEY)
    _without_origin(path)
    opened = CustomerBase.open(path)
    assert (opened.tables.consents.column("origin") == -1).all()  # not known, not guessed
    assert _update_plan.own_flags(opened.tables).tolist() == [True, True]
    more = Source(name="crm", data=[{"Id": "9", "Email": "cy@gamma.org", "FirstName": "Cy",
                                     "LastName": "Dee", "HasOptedOutOfEmail": "false"}],
                  mapping="salesforce.Contact")  # fmt: skip
    updated = opened.update([more, _people(opted_out="true")])
    rebuilt = CustomerBase.build([_people(opted_out="true"), more], id_key=_KEY)
    pd.testing.assert_frame_equal(_statements(updated), _statements(rebuilt))
    again = CustomerBase.open(path)
    with closing(sqlite3.connect(path)) as connection:
        version = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'")
        assert version.fetchone()[0] == 5
    pd.testing.assert_frame_equal(_statements(again), _statements(updated))
    origin = again.tables.consents.labels("origin")
    assert set(origin.tolist()) <= {None, "record"}
    assert (origin == "record").sum() == 3 - (origin == None).sum()  # noqa: E711


def test_a_flag_is_known_by_its_origin_not_its_shape() -> None:
    base = CustomerBase.build([_people(), _log()], id_key=_KEY)
    flags = _update_plan.own_flags(base.tables)
    origins = base.tables.consents.labels("origin")
    np.testing.assert_array_equal(flags, origins == "record")


@pytest.mark.parametrize("origin", ["log", "record"])
def test_a_category_column_a_file_lacks_reads_as_not_known(origin: str) -> None:
    from customer_understanding.base._codec import decode
    from customer_understanding.tables import ConsentTable

    table = ConsentTable.from_columns({"purpose": ["marketing"], "origin": [origin]})
    stored = {"attrs": "customer_understanding.tables._consent:ConsentTable", "fields": {
        "arrays": {"mapping": [[name, {"array": name}] for name in table.arrays
                               if name != "origin"]},
        "categories": {"mapping": [[name, {"tuple": list(labels)}]
                                   for name, labels in table.categories.items()
                                   if name != "origin"]},
    }}  # fmt: skip
    arrays = {name: (1, lambda name=name: table.column(name)) for name in table.arrays}
    read = decode(stored, arrays)
    assert read.labels("origin").tolist() == [None]
    assert read.labels("purpose").tolist() == ["marketing"]
