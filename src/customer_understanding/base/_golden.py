"""Golden profiles as of a moment, with the evidence behind every value.

The customer base's golden accounts and contacts are chosen from all records it holds.
:func:`golden_profiles` runs the same survivorship over the records that existed at a
moment (``created_at <= as_of``), so a profile reads as it would have then, and lists
for every field each candidate spelling with the records and systems carrying it: the
winner and its runners-up.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    NAT,
    Moment,
    TableExport,
    html_table,
    known_by,
    one_of,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError, NotFoundError
from customer_understanding.base._build import (
    ACCOUNT_FIELDS,
    CONTACT_FIELDS,
    Tables,
    contact_facts,
)
from customer_understanding.base._survive import golden_inputs, golden_values, record_keys
from customer_understanding.domain import AccountVocabulary
from customer_understanding.identity import Survivorship, Vote, ballots
from customer_understanding.tables import AccountTable, ContactTable, Table
from customer_understanding.typing import AsOf, Level

__all__ = ["GoldenProfiles", "golden_profiles", "latest_record"]

_EVIDENCE = ("field", "value", "won", "rule", "record", "system", "records", "systems")


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class GoldenProfiles(TableExport):
    """Golden accounts or contacts as of a moment, and the evidence for each value.

    Parameters
    ----------
    level
        ``"account"`` or ``"contact"``.
    as_of
        The moment: only records created by then (or that do not say when) took part.
    golden
        One row per entity known by ``as_of``: its id (``account_id`` or
        ``contact_id``) and its golden fields; accounts also have their
        ``employee_band`` (:data:`~customer_understanding.domain.EMPLOYEE_BANDS`).
    evidence
        One row per entity, field and candidate spelling: the id, ``field``, ``value``
        (the winning writing, or the commonest writing of a runner-up), ``won``,
        ``rule``, ``record`` (``"system:source id"`` of the winning record, or the
        candidate's most trusted one), ``system``, and how many ``records`` and
        ``systems`` carry the spelling. Both frames are kept private:
        :meth:`to_pandas` and :meth:`provenance` hand out copies.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> rows = [{"Id": "1", "Email": "ann@acme.com", "LastName": "Nilssno"},
    ...         {"Id": "2", "Email": "ann@acme.com", "LastName": "Nilsson"}]
    >>> crm = cu.Source(name="crm", data=rows, mapping="salesforce.Contact")
    >>> hubspot = cu.Source(name="hs", mapping="hubspot.contacts",
    ...     data=[{"hs_object_id": "7", "email": "ann@acme.com", "lastname": "Nilsson"}])
    >>> profiles = cu.CustomerBase.build([crm, hubspot]).golden("contact")
    >>> profiles.to_pandas()["last_name"].tolist()
    ['Nilsson']
    >>> profiles.provenance(profiles.to_pandas()["contact_id"][0]).query(
    ...     "field == 'last_name'")[["value", "won", "records", "systems"]].values.tolist()
    [['Nilsson', True, 2, 2], ['Nilssno', False, 1, 1]]
    """

    level: Level = attrs.field(validator=one_of("account", "contact"))
    as_of: Moment
    _golden: pd.DataFrame = attrs.field(alias="golden")
    _evidence: pd.DataFrame = attrs.field(alias="evidence")

    def __len__(self) -> int:
        return len(self._golden)

    def __repr__(self) -> str:
        return summary("GoldenProfiles", len(self), as_of=self.as_of.isoformat(), level=self.level)

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per entity: its id and golden fields (a new DataFrame)."""
        return self._golden.copy()

    def provenance(self, entity_id: str) -> pd.DataFrame:
        """Every field's winner and runners-up for one entity (a new DataFrame).

        Raises
        ------
        NotFoundError
            When no entity of this level has that id as of the moment.
        """
        column = f"{self.level}_id"
        if entity_id not in set(self._golden[column]):
            msg = f"{column}={entity_id!r} is not a {self.level} known as of {self.as_of}"
            raise NotFoundError(msg)
        rows = self._evidence[self._evidence[column] == entity_id]
        return rows.reset_index(drop=True)


def latest_record(tables: Tables) -> Moment:
    """The newest record's creation time (the epoch when no record says)."""
    times = np.concatenate(
        [tables.account_records.column("created_at"), tables.contact_records.column("created_at")]
    )
    return Moment(max(int(times.max(initial=NAT)), 0))


def _frame(table: Table, fields: tuple[str, ...], id_column: str) -> pd.DataFrame:
    frame = table.to_pandas()[["id", *fields]].rename(columns={"id": id_column})
    if "employees" in frame.columns:  # head counts also in the vocabulary's bands
        bands = [AccountVocabulary.employee_band(count) for count in frame["employees"]]
        frame.insert(list(frame.columns).index("employees") + 1, "employee_band", bands)
    return frame


def golden_profiles(tables: Tables, level: object, *, as_of: AsOf) -> GoldenProfiles:
    """The golden profiles of ``level`` from the records known by ``as_of``.

    Without ``as_of``, these are the base's own golden records (every record took part,
    whatever its creation time). Otherwise the rules run again over the records created
    by ``as_of``; records that do not say when they were created always take part.
    """
    if level not in ("account", "contact"):
        msg = f"level={level!r} is not one of: 'account', 'contact'"
        raise InvalidValueError(msg)
    latest = as_of is None
    if latest and tables.event_span()[1] is None:
        moment = latest_record(tables)  # a base of records without events
    else:
        moment = tables.moment(as_of)
    account = level == "account"
    records: Table = tables.account_records if account else tables.contact_records
    resolution = tables.resolution
    entity = resolution.account_of_record if account else resolution.contact_of_record
    fields = ACCOUNT_FIELDS if account else CONTACT_FIELDS
    table: Table
    if latest:
        table = tables.accounts if account else tables.contacts
        winners = dict(tables.account_winners if account else tables.contact_winners)
    else:
        created = records.column("created_at")
        taken = np.flatnonzero(known_by(created, moment) | (created == NAT))
        records, entity = records.take(taken), entity[taken]
        ids = resolution.account_ids if account else resolution.contact_ids
        kind: type[AccountTable] | type[ContactTable] = AccountTable if account else ContactTable
        n = len(ids)
        values, winners, categories = golden_values(records, entity, n, fields,
                                                    tables.survivorship)  # fmt: skip
        if not account:
            values, categories = contact_facts(
                values, categories, title_rules=tables.title_rules, consents=tables.consents,
                moment=moment,
            )  # fmt: skip
        table = kind.from_columns(
            {**values, "id": np.asarray(ids, dtype=object)}, length=n, categories=categories
        )
    id_column = "account_id" if account else "contact_id"
    golden = _frame(table, fields, id_column).iloc[np.unique(entity)].reset_index(drop=True)
    evidence = _evidence(records, entity, winners, tables.survivorship, fields)
    evidence.insert(0, id_column, table.column("id")[evidence.pop("entity").to_numpy()])
    return GoldenProfiles(level=level, as_of=moment, golden=golden, evidence=evidence)


def _evidence(
    records: Table,
    entity: npt.NDArray[np.int64],
    winners: dict[str, npt.NDArray[np.int64]],
    policy: Survivorship,
    fields: tuple[str, ...],
) -> pd.DataFrame:
    readable, _ = golden_inputs(records, fields, policy)
    keys = record_keys(records)
    systems = records.labels("system")
    parts = [
        _field_evidence(field, readable[field], entity, winners[field], policy, keys, systems)
        for field in fields
    ]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    order = ["entity", "field", "won", "systems", "records"]
    frame = frame.sort_values(order, ascending=[True, True, False, False, False], kind="stable")
    return frame.reset_index(drop=True)


def _field_evidence(
    field: str,
    values: npt.NDArray[Any],
    entity: npt.NDArray[np.int64],
    winners: npt.NDArray[np.int64],
    policy: Survivorship,
    keys: npt.NDArray[np.object_],
    systems: npt.NDArray[Any],
) -> pd.DataFrame:
    """One row per entity and spelling of ``field`` among the records that have a value."""
    rule = policy.rule_of(field)
    text = pd.Series(values, dtype=object)
    rows = np.flatnonzero(text.notna().to_numpy() & (text.astype(str).str.strip() != ""))
    vote = rule if isinstance(rule, Vote) else Vote(spelling="exact")
    spelled = ballots(vote, values[rows], clusters=entity[rows], sources=systems[rows])
    won_rows = winners[entity[rows]]
    candidates = pd.DataFrame({
        "entity": entity[rows], "key": spelled["key"].to_numpy(),
        "value": text.to_numpy()[rows], "record": keys[rows], "system": systems[rows],
        "records": spelled["records"].to_numpy(), "systems": spelled["systems"].to_numpy(),
        "is_winner": won_rows == rows, "alike": spelled["alike"].to_numpy(),
    })  # fmt: skip
    # Each spelling is shown by its winning record, else by its commonest writing.
    candidates = candidates.sort_values(["is_winner", "alike"], ascending=False, kind="stable")
    best = candidates.drop_duplicates(["entity", "key"]).copy()
    best["won"] = best["is_winner"]
    best["field"] = field
    best["rule"] = rule.label
    return best[["entity", *_EVIDENCE]]
