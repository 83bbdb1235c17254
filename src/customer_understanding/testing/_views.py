"""Altered views of a customer base that a conforming strategy must not notice.

- :func:`past_view`: the base as it stood at ``as_of``. Every time column of every table
  is cut there, so nothing that happened later is left to read.
- :func:`shuffled_view`: the same facts with the event tables' rows in another order.
- :func:`private_copy` and :func:`fingerprint`: a copy a strategy may damage, and a digest of
  every array in it, to tell whether a strategy changed its input.

Each view is a :class:`BaseView`: it holds only ``tables``, which is all the
:class:`~customer_understanding.typing.BaseLike` contract promises a strategy.
"""

from __future__ import annotations

import copy
import hashlib
import pickle
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import NAT, known_by, typed_fields
from customer_understanding.base import Tables
from customer_understanding.tables import Table
from customer_understanding.typing import AsOf, BaseLike

__all__ = ["BaseView", "fingerprint", "past_view", "private_copy", "shuffled_view"]

Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]


@attrs.frozen(field_transformer=typed_fields)
class BaseView:
    """A base-like holder of tables, as the conformance checks hand it to a strategy.

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> view = BaseView(CustomerBase.build([]).tables)
    >>> len(view.tables.accounts)
    0
    """

    tables: Tables = attrs.field(repr=False)


def _evolve(tables: Tables, **changes: Any) -> Tables:
    # Only fields the tables have: the view keeps working when a field moves or goes.
    names = {field.name for field in attrs.fields(type(tables))}
    return attrs.evolve(tables, **{k: v for k, v in changes.items() if k in names})


def _new_rows(keep: Mask) -> Ints:
    """Old row → new row after keeping ``keep`` (-1 for dropped rows and for -1 itself)."""
    new = np.cumsum(keep, dtype=np.int64) - 1
    return np.append(np.where(keep, new, -1), -1)


def _moved(codes: Ints, lookup: Ints) -> Ints:
    return np.asarray(lookup[codes], dtype=np.int64)


def _subject_kind(tables: Tables, kind: str) -> Mask:
    stages = tables.stages
    return np.asarray(stages.column("subject_kind") == stages.code_of("subject_kind", kind))


# -- the past ------------------------------------------------------------------------------


def _cut_deals(tables: Tables, as_of: int) -> Table:
    """Deals opened by ``as_of``, with what was decided later (close, outcome, stage) unknown."""
    deals = tables.opportunities
    closed = deals.column("closed_at")
    later = ~known_by(closed, as_of)
    open_code = deals.code_of("outcome", "open")
    cut = deals.with_columns(
        closed_at=np.where(later, NAT, closed),
        outcome=np.where(later, open_code, deals.column("outcome")),
        sales_stage=np.where(later, -1, deals.column("sales_stage")),
    )
    return cut.take(known_by(deals.column("created_at"), as_of))


def _known_entities(tables: Tables, as_of: int, events: Mapping[str, Table]) -> tuple[Mask, Mask]:
    """Contacts and accounts known by ``as_of``: created by then, or with an earlier event."""
    contacts, accounts = tables.contacts, tables.accounts
    created = contacts.column("created_at")
    contact = known_by(created, as_of) | (created == NAT)
    touched = [events["interactions"].column("contact"), events["contact_roles"].column("contact")]
    stages = events["stages"]
    kind = stages.column("subject_kind")
    touched.append(stages.column("subject")[kind == stages.code_of("subject_kind", "contact")])
    for rows in touched:
        contact[rows[rows >= 0]] = True
    created = accounts.column("created_at")
    account = known_by(created, as_of) | (created == NAT)
    touched = [
        events["interactions"].column("account"),
        events["opportunities"].column("account"),
        contacts.column("account")[contact],
        stages.column("subject")[kind == stages.code_of("subject_kind", "account")],
    ]
    for rows in touched:
        account[rows[rows >= 0]] = True
    parent = accounts.column("parent")
    while True:  # the parents of known accounts are known
        parents = parent[account & (parent >= 0)]
        if account[parents].all():
            return contact, account
        account[parents] = True


def past_view(base: BaseLike, /, *, as_of: AsOf) -> BaseView:
    """The base as it stood at ``as_of``: every time column of every table cut there.

    Interactions and stage changes after ``as_of`` (or without a time) are dropped; deals
    opened later are dropped with their buying roles; deals closed later are open again
    (no close time, outcome ``open``, no sales stage); contacts and accounts created later
    that have no earlier event are dropped, and every row index is renumbered to match.
    Entity attributes without a time (firmographics, titles, the ticket status a source
    exports) are taken as known; the source records, consent statements, resolution and
    golden winners follow the entities kept.

    Examples
    --------
    >>> from customer_understanding.testing import sample_base
    >>> base = sample_base()
    >>> as_of = int(np.median(base.tables.interactions.column("occurred_at")))
    >>> view = past_view(base, as_of=as_of)
    >>> bool((view.tables.interactions.column("occurred_at") <= as_of).all())
    True
    """
    tables = base.tables
    as_of = tables.moment(as_of)
    deals = tables.opportunities
    kept_deals = known_by(deals.column("created_at"), as_of)
    deal_rows = _new_rows(kept_deals)
    roles = tables.contact_roles
    role_deal = roles.column("opportunity")
    roles = roles.take((role_deal < 0) | np.append(kept_deals, False)[role_deal])
    stages = tables.stages.take(known_by(tables.stages.column("at"), as_of))
    events = {
        "interactions": tables.interactions.take(
            known_by(tables.interactions.column("occurred_at"), as_of)
        ),
        "opportunities": _cut_deals(tables, as_of),
        "contact_roles": roles.with_columns(
            opportunity=_moved(roles.column("opportunity"), deal_rows)
        ),
        "stages": stages,
    }
    contact, account = _known_entities(tables, as_of, events)
    return BaseView(_renumber(tables, events, contact=contact, account=account, deals=deal_rows))


def _renumber(
    tables: Tables, events: dict[str, Table], *, contact: Mask, account: Mask, deals: Ints
) -> Tables:
    people, firms = _new_rows(contact), _new_rows(account)
    stages = events["stages"]
    subject = np.array(stages.column("subject"), copy=True)
    kinds = stages.column("subject_kind")
    for kind, lookup in (("contact", people), ("account", firms), ("opportunity", deals)):
        mine = kinds == stages.code_of("subject_kind", kind)
        subject[mine] = _moved(subject[mine], lookup)
    interactions = events["interactions"]
    return _evolve(
        tables,
        accounts=tables.accounts.take(account).with_columns(
            parent=_moved(tables.accounts.column("parent")[account], firms)
        ),
        contacts=tables.contacts.take(contact).with_columns(
            account=_moved(tables.contacts.column("account")[contact], firms)
        ),
        interactions=interactions.with_columns(
            contact=_moved(interactions.column("contact"), people),
            account=_moved(interactions.column("account"), firms),
        ),
        opportunities=events["opportunities"].with_columns(
            account=_moved(events["opportunities"].column("account"), firms)
        ),
        contact_roles=events["contact_roles"].with_columns(
            contact=_moved(events["contact_roles"].column("contact"), people)
        ),
        stages=stages.with_columns(subject=subject),
        **_records(tables, contact=contact, account=account),
    )


def _records(tables: Tables, *, contact: Mask, account: Mask) -> dict[str, Any]:
    """The kept entities' source records, consent statements, resolution and golden winners."""
    found = getattr(tables, "resolution", None)
    if found is None:
        return {}
    firms, people = _new_rows(account), _new_rows(contact)
    of_firm = _moved(found.account_of_record, firms)
    of_person = _moved(found.contact_of_record, people)
    firm_records, person_records = of_firm >= 0, of_person >= 0
    consents = tables.consents
    of_statement = _moved(consents.column("contact"), people)
    return {
        "consents": consents.take(of_statement >= 0).with_columns(
            contact=of_statement[of_statement >= 0]
        ),
        "account_records": tables.account_records.take(firm_records),
        "contact_records": tables.contact_records.take(person_records),
        "resolution": attrs.evolve(
            found,
            account_of_record=of_firm[firm_records],
            contact_of_record=of_person[person_records],
            account_keys=found.account_keys[account],
            contact_keys=found.contact_keys[contact],
            account_ids=found.account_ids[account],
            contact_ids=found.contact_ids[contact],
        ),
        "account_winners": _winners(tables.account_winners, account, _new_rows(firm_records)),
        "contact_winners": _winners(tables.contact_winners, contact, _new_rows(person_records)),
    }


def _winners(winners: Mapping[str, Any], keep: Mask, records: Ints) -> dict[str, Any]:
    return {field: _moved(np.asarray(rows)[keep], records) for field, rows in winners.items()}


# -- another order -------------------------------------------------------------------------


def shuffled_view(base: BaseLike, seed: int) -> BaseView:
    """The same facts with the rows of every event table in another order.

    Interactions, opportunities, buying roles and stage changes are permuted; the index
    columns that point at opportunities (a role's deal, a deal's stage change) follow
    them. Accounts and contacts keep their order: results list entities in table order.

    Examples
    --------
    >>> from customer_understanding.testing import sample_base
    >>> view = shuffled_view(sample_base(), seed=1)
    >>> sorted(view.tables.interactions.column("occurred_at").tolist()) == sorted(
    ...     sample_base().tables.interactions.column("occurred_at").tolist())
    True
    """
    tables = base.tables
    rng = np.random.default_rng(seed)
    deals = tables.opportunities
    order = rng.permutation(len(deals))
    new_row = np.empty(len(deals) + 1, dtype=np.int64)
    new_row[order] = np.arange(len(deals))
    new_row[-1] = -1
    roles = tables.contact_roles
    roles = roles.with_columns(opportunity=_moved(roles.column("opportunity"), new_row))
    stages = tables.stages
    deal_stage = _subject_kind(tables, "opportunity")
    subject = np.array(stages.column("subject"), copy=True)
    subject[deal_stage] = _moved(subject[deal_stage], new_row)
    stages = stages.with_columns(subject=subject)
    return BaseView(
        _evolve(
            tables,
            interactions=tables.interactions.take(rng.permutation(len(tables.interactions))),
            opportunities=deals.take(order),
            contact_roles=roles.take(rng.permutation(len(roles))),
            stages=stages.take(rng.permutation(len(stages))),
        )
    )


# -- mutation ------------------------------------------------------------------------------


def _copied(value: Any) -> Any:
    if isinstance(value, Table):
        arrays = {name: np.array(array, copy=True) for name, array in value.arrays.items()}
        return type(value)(arrays, dict(value.categories))
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    return copy.deepcopy(value)


def private_copy(base: BaseLike) -> BaseView:
    """A deep copy of the base's tables (read-only as the originals), free to damage.

    Examples
    --------
    >>> from customer_understanding.testing import sample_base
    >>> copied = private_copy(sample_base())
    >>> fingerprint(copied) == fingerprint(sample_base())
    True
    """
    tables = base.tables
    fields = {
        field.name: _copied(getattr(tables, field.name)) for field in attrs.fields(type(tables))
    }
    return BaseView(type(tables)(**fields))


def _digest(value: Any, into: dict[str, str], path: str) -> None:
    if isinstance(value, Table):
        for name, array in value.arrays.items():
            _digest(array, into, f"{path}.{name}")
        into[f"{path}.categories"] = repr(sorted(value.categories.items()))
    elif isinstance(value, np.ndarray):
        data = pickle.dumps(value.tolist()) if value.dtype == object else value.tobytes()
        into[path] = f"{value.dtype}{value.shape}:" + hashlib.blake2b(data).hexdigest()
    elif isinstance(value, Mapping):
        into[f"{path}.keys"] = repr(sorted(map(str, value)))
        for key, item in value.items():
            _digest(item, into, f"{path}[{key!r}]")
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            _digest(getattr(value, field.name), into, f"{path}.{field.name}")
    else:
        into[path] = repr(value)


def fingerprint(base: BaseLike) -> dict[str, str]:
    """A digest of every array, label and setting in the base's tables, by path.

    Examples
    --------
    >>> from customer_understanding.testing import sample_base
    >>> "tables.interactions.occurred_at" in fingerprint(sample_base())
    True
    """
    found: dict[str, str] = {}
    _digest(base.tables, found, "tables")
    return found
