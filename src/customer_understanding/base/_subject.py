"""Everything a base holds about one person, as one JSON document (a subject-access answer)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.base._links import with_none
from customer_understanding.base._survive import record_keys

if TYPE_CHECKING:
    from customer_understanding.base._customer_base import CustomerBase

__all__ = ["subject_document"]


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as JSON-ready dicts (times in ISO 8601, missing values as null)."""
    text = frame.reset_index(drop=True).to_json(
        orient="records", date_format="iso", default_handler=str
    )
    rows: list[dict[str, Any]] = json.loads(text)
    return rows


def _with_ids(frame: pd.DataFrame, base: CustomerBase, columns: Mapping[str, str]) -> pd.DataFrame:
    """Row-number columns replaced by the ids they point to (``contact`` → ``contact_id`` …)."""
    tables = {"contact": base.contacts, "account": base.accounts}
    for column, name in columns.items():
        ids = with_none(tables[column].column("id"))
        frame[name] = ids[frame.pop(column).to_numpy()]
    return frame


def _records(base: CustomerBase, row: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The person's source records (each with its ``record`` key) and the golden provenance."""
    tables = base.tables
    records = np.flatnonzero(tables.resolution.contact_of_record == row)
    keys = with_none(record_keys(tables.contact_records))
    frame = tables.contact_records.take(records).to_pandas()
    frame.insert(0, "record", keys[records])
    provenance = {
        field: keys[int(winners[row])] for field, winners in sorted(tables.contact_winners.items())
    }
    return _rows(frame), provenance


def _results(results: Mapping[str, Any], contact_id: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for name, result in results.items():
        to_pandas = getattr(result, "to_pandas", None)
        if not isinstance(name, str) or not callable(to_pandas):
            msg = f"results[{name!r}]={result!r:.80} must be a result with to_pandas(), by name"
            raise InvalidValueError(msg)
        frame = to_pandas()
        if not isinstance(frame, pd.DataFrame):
            msg = f"results[{name!r}].to_pandas() gave {type(frame).__name__}, not a DataFrame"
            raise InvalidValueError(msg)
        mine = frame[frame["contact_id"] == contact_id] if "contact_id" in frame else frame[:0]
        found[name] = _rows(mine)
        explained = getattr(result, "reasons_frame", None)  # a score table's reasons
        if found[name] and callable(explained):
            reasons = explained()
            reasons = _rows(reasons[reasons["contact_id"] == contact_id])
            for row in found[name]:
                row["reasons"] = reasons
    return found


def subject_document(
    base: CustomerBase, row: int, *, results: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Everything held about the contact at ``row`` (see :meth:`CustomerBase.subject_export`)."""
    tables = base.tables
    contact_id = str(base.contacts.column("id")[row])
    golden = base.contacts.take([row]).to_pandas().rename(columns={"id": "contact_id"})
    golden = _with_ids(golden, base, {"account": "account_id"})
    records, provenance = _records(base, row)
    interactions = base.interactions
    mine = np.flatnonzero(interactions.column("contact") == row)
    touches = interactions.take(mine).to_pandas()
    touches = _with_ids(touches, base, {"contact": "contact_id", "account": "account_id"})
    consents = tables.consents
    statements = consents.take(np.flatnonzero(consents.column("contact") == row)).to_pandas()
    try:
        in_force = base.consents().to_pandas()
    except InvalidValueError:  # a base with no dated event has no moment to read them at
        in_force = pd.DataFrame({"contact_id": []})
    roles = tables.contact_roles
    role_rows = roles.take(np.flatnonzero(roles.column("contact") == row)).to_pandas()
    opportunity_ids = base.to_pandas("opportunities")["opportunity_id"].to_numpy(dtype=object)
    role_rows["opportunity_id"] = with_none(opportunity_ids)[role_rows.pop("opportunity")]
    stages = tables.stages
    stage_rows = np.flatnonzero(
        (stages.column("subject_kind") == stages.code_of("subject_kind", "contact"))
        & (stages.column("subject") == row)
    )
    review = base.review_pairs("contact").to_pandas()
    review = review[(review["left_entity_id"] == contact_id)
                    | (review["right_entity_id"] == contact_id)]  # fmt: skip
    return {
        "contact_id": contact_id,
        "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "golden": _rows(golden)[0],
        "provenance": provenance,
        "records": records,
        "consents": _rows(statements.drop(columns="contact")),
        "consents_in_force": _rows(in_force[in_force["contact_id"] == contact_id]),
        "interactions": _rows(touches),
        "deal_roles": _rows(role_rows.drop(columns="contact")),
        "stages": _rows(stages.take(stage_rows).to_pandas().drop(columns="subject")),
        "review_pairs": _rows(review),
        "results": _results(results or {}, contact_id),
    }
