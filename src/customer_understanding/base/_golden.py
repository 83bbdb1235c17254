"""Golden profiles as of a moment, with the evidence behind every value.

The customer base's golden accounts and contacts are chosen from all records it holds.
:func:`golden_profiles` runs the same survivorship over the records that existed at a
moment (``created_at <= as_of``), so a profile reads as it would have then, and lists
for every field each candidate spelling with the records and systems carrying it: the
winner and its runners-up.
"""

from __future__ import annotations

import threading
import weakref
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
    contact_facts,
)
from customer_understanding.base._survive import golden_inputs, golden_values, record_keys
from customer_understanding.base._tables import Tables
from customer_understanding.domain import AccountVocabulary
from customer_understanding.identity import Survivorship, Vote, ballots
from customer_understanding.tables import AccountTable, ConsentTable, ContactTable, Table
from customer_understanding.typing import AsOf, Level

__all__ = ["GoldenProfiles", "golden_as_of", "golden_profiles", "latest_record"]

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
        taken = np.flatnonzero(_known(records, moment))
        records, entity = records.take(taken), entity[taken]
        ids = resolution.account_ids if account else resolution.contact_ids
        values, winners, categories = golden_values(records, entity, len(ids), fields,
                                                    tables.survivorship)  # fmt: skip
        table = _completed(tables, level, values, categories, ids=ids,
                           consents=tables.consents, moment=moment)  # fmt: skip
    id_column = "account_id" if account else "contact_id"
    golden = _frame(table, fields, id_column).iloc[np.unique(entity)].reset_index(drop=True)
    evidence = _evidence(records, entity, winners, tables.survivorship, fields)
    evidence.insert(0, id_column, table.column("id")[evidence.pop("entity").to_numpy()])
    return GoldenProfiles(level=level, as_of=moment, golden=golden, evidence=evidence)


def golden_as_of(tables: Tables, level: Level, *, moment: int) -> AccountTable | ContactTable:
    """The base's golden accounts or contacts as they read at ``moment``.

    The same rows in the same order as ``tables.accounts`` / ``tables.contacts``, with
    their ids and links (account parents, contacts' accounts); the golden fields are
    those :func:`golden_profiles` gives as of the moment, chosen the same way. When no
    record was created after ``moment`` (and, for contacts, no consent statement made
    after it), that is the base's own table, returned as it is at no cost. Otherwise the
    survivorship rules vote again over the records known then, and only the entities
    whose winning record changed in some field (or whose consent did) get new rows:
    contacts are completed (titles read, consent in force) for those alone. An entity
    none of whose records existed yet has no golden values. The last few tables of a
    past moment are kept, so the record-field traits of one evaluation share one.

    Raises
    ------
    InvalidValueError
        If ``level`` is not ``"account"`` or ``"contact"``.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> crm = cu.Source(name="crm", mapping="salesforce.Account", data=[
    ...     {"Id": "1", "Name": "Acme", "Website": "acme.com", "Industry": "Banking",
    ...      "CreatedDate": "2026-01-01"},
    ...     {"Id": "2", "Name": "Acme", "Website": "acme.com", "Industry": "Software",
    ...      "CreatedDate": "2026-06-01"},
    ...     {"Id": "3", "Name": "Acme", "Website": "acme.com", "Industry": "Software",
    ...      "CreatedDate": "2026-06-02"}])
    >>> tables = cu.CustomerBase.build([crm]).tables
    >>> tables.accounts.labels("industry").tolist()
    ['Technology']
    >>> golden_as_of(tables, "account", moment=tables.moment("2026-03-01")).labels(
    ...     "industry").tolist()
    ['Financial Services']
    """
    if level not in ("account", "contact"):
        msg = f"level={level!r} is not one of: 'account', 'contact'"
        raise InvalidValueError(msg)
    key = (id(tables), level, int(moment))
    with _RECENT_LOCK:
        found = _RECENT.get(key)
    if found is not None and found[0]() is tables:
        return found[1]
    table = _as_of(tables, level, moment)
    if table is not tables.accounts and table is not tables.contacts:
        with _RECENT_LOCK:
            if len(_RECENT) >= _RECENT_SIZE:
                del _RECENT[next(iter(_RECENT))]
            _RECENT[key] = (weakref.ref(tables), table)
    return table


# The last few golden tables of a past moment: the record-field traits of one evaluation
# (name, industry, employees …) all read the same one. Keyed by the tables' identity,
# checked through a weak reference, so a cached table never outlives a doubt.
_RECENT: dict[tuple[int, str, int], tuple[weakref.ref[Tables], AccountTable | ContactTable]] = {}
_RECENT_SIZE = 8
_RECENT_LOCK = threading.Lock()


def _as_of(tables: Tables, level: Level, moment: int) -> AccountTable | ContactTable:
    account = level == "account"
    table: AccountTable | ContactTable = tables.accounts if account else tables.contacts
    records: Table = tables.account_records if account else tables.contact_records
    known = _known(records, moment)
    restated = np.empty(0, dtype=np.int64)
    if not account:  # the marketing consent in force is part of a golden contact
        statements = tables.consents
        restated = statements.column("contact")[statements.column("at") > moment]
    if known.all() and not len(restated):
        return table
    changed = _changed(tables, level, known, restated)
    if not len(changed[0]):
        return table
    rows, values, categories = changed
    local = np.full(len(table) + 1, -1, dtype=np.int64)  # entity row -> place in ``rows``
    local[rows] = np.arange(len(rows))
    consents = tables.consents if account else _consents_of(tables.consents, local)
    fresh = _completed(tables, level, values, categories, ids=table.column("id")[rows],
                       consents=consents, moment=moment)  # fmt: skip
    links = {name: table.column(name)[rows] for name in _LINKS if name in table.arrays}
    order = np.arange(len(table))
    order[rows] = len(table) + np.arange(len(rows))
    return type(table).concat([table, fresh.with_columns(**links)]).take(order)  # type: ignore[list-item]


#: Columns of a golden entity that are not golden fields: they are kept as built.
_LINKS = ("parent", "account", "account_confidence", "account_method")


def _changed(
    tables: Tables, level: Level, known: npt.NDArray[np.bool_], restated: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], dict[str, Any], dict[str, tuple[str, ...]]]:
    """The entities whose golden row differs at the moment, and their golden values then.

    The vote runs over every record known then, not only the changed entities' ones:
    a spelling's support in other clusters breaks ties, so a later record elsewhere
    can tip an even vote. An entity differs when some field's winning record does.
    """
    account = level == "account"
    records: Table = tables.account_records if account else tables.contact_records
    resolution = tables.resolution
    entity = resolution.account_of_record if account else resolution.contact_of_record
    built = tables.account_winners if account else tables.contact_winners
    taken = np.flatnonzero(known)
    n = len(tables.accounts) if account else len(tables.contacts)
    values, winners, categories = golden_values(records.take(taken), entity[taken], n,
                                                ACCOUNT_FIELDS if account else CONTACT_FIELDS,
                                                tables.survivorship)  # fmt: skip
    differs = np.zeros(n, dtype=bool)
    differs[restated[restated >= 0]] = True
    record = np.append(taken, -1)  # a winner's row among all records; -1 (none) stays -1
    for field, won in winners.items():
        differs |= record[won] != built[field]
    rows = np.flatnonzero(differs)
    return rows, {field: column[rows] for field, column in values.items()}, categories


def _consents_of(statements: ConsentTable, local: npt.NDArray[np.int64]) -> ConsentTable:
    """The statements on the contacts ``local`` places, their contact re-based to it."""
    contact = local[statements.column("contact")]  # -1 reads the last (-1) place
    keep = contact >= 0
    return statements.take(keep).with_columns(contact=contact[keep])


def _known(records: Table, moment: int) -> npt.NDArray[np.bool_]:
    """Records created by ``moment``, and those that do not say when (they always count)."""
    created = records.column("created_at")
    return np.asarray(known_by(created, moment) | (created == NAT))


def _completed(
    tables: Tables,
    level: Level,
    values: dict[str, Any],
    categories: dict[str, tuple[str, ...]],
    *,
    ids: Any,
    consents: ConsentTable,
    moment: int,
) -> Table:
    """Golden rows of the entities ``ids`` from their golden ``values``, as at ``moment``.

    Contacts are completed the one way (:func:`contact_facts`: titles read, the consent
    in force then), with ``consents`` naming contacts by their place in ``ids``.
    """
    if level == "contact":
        values, categories = contact_facts(values, categories, title_rules=tables.title_rules,
                                           consents=consents, moment=moment)  # fmt: skip
    kind: type[AccountTable] | type[ContactTable] = (
        AccountTable if level == "account" else ContactTable
    )
    columns = {**values, "id": np.asarray(ids, dtype=object)}
    return kind.from_columns(columns, length=len(ids), categories=categories)


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
