"""The sample world as a local base and as the Spark DataFrames the engine reads."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from customer_understanding import CustomerBase
from customer_understanding.datasets import generate_world

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: Two moments every equality test checks (the world's events run to mid 2026).
MOMENTS = ("2026-03-15", "2026-06-01T12:30:00Z")

_INTERACTIONS = (
    "contact_id string, account_id string, occurred_at timestamp, type string, "
    "discipline string, channel string, subject string, priority string, status string, "
    "satisfaction double, thread string, updated_at timestamp, system string, "
    "source_id string"
)


@cache
def base() -> CustomerBase:
    """A small world, resolved by the local engine."""
    world = generate_world(accounts=10, interactions=2_500, defects=False, seed=11)
    return CustomerBase.build(world.as_sources())


def _texts(frame: pd.DataFrame) -> pd.DataFrame:
    """Categoricals and strings as plain objects with ``None`` for missing."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_datetime64_any_dtype(out[column]) and out[column].dtype != float:
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


def _ids(rows: np.ndarray[Any, Any], ids: np.ndarray[Any, Any]) -> list[object]:
    padded = np.append(ids.astype(object), None)
    return list(padded[np.where(rows < 0, len(ids), rows)])


def frames(spark: SparkSession) -> dict[str, DataFrame]:
    """interactions, contacts, accounts, roles and consents of :func:`base` on Spark."""
    local = base()
    tables = local.tables
    names = [c.split()[0] for c in _INTERACTIONS.split(", ")]
    events = _texts(local.to_pandas("interactions")[names])
    contacts = _texts(local.to_pandas("contacts")[["contact_id", "account_id"]])
    accounts = _texts(local.to_pandas("accounts")[["account_id"]])
    contact_ids = tables.contacts.column("id")
    roles = tables.contact_roles
    opened = np.append(tables.opportunities.column("created_at"), np.iinfo(np.int64).min)
    role_rows = pd.DataFrame({
        "contact_id": _ids(roles.column("contact"), contact_ids),
        "role": list(roles.labels("role")),
        "created_at": pd.to_datetime(opened[roles.column("opportunity")], utc=True),
    })  # fmt: skip
    consents = tables.consents
    consent_rows = pd.DataFrame({
        "contact_id": _ids(consents.column("contact"), contact_ids),
        **{c: list(consents.labels(c)) for c in ("purpose", "channel", "status")},
        **{c: pd.to_datetime(consents.column(c), utc=True) for c in ("at", "known_at")},
    })  # fmt: skip
    return {
        "interactions": spark.createDataFrame(events, schema=_INTERACTIONS),
        "contacts": spark.createDataFrame(contacts, "contact_id string, account_id string"),
        "accounts": spark.createDataFrame(accounts, "account_id string"),
        "roles": spark.createDataFrame(
            _texts(role_rows), "contact_id string, role string, created_at timestamp"
        ),
        "consents": spark.createDataFrame(
            _texts(consent_rows),
            "contact_id string, purpose string, channel string, status string, "
            "at timestamp, known_at timestamp",
        ),
    }
