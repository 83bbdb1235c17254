"""Building the customer base's tables from loaded sources and a resolution."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from customer_understanding.base._consent import (
    consent_rows,
    consent_statements,
    detach_tracked,
    status_labels,
)
from customer_understanding.base._contact_accounts import (
    Seen,
    contact_accounts,
)
from customer_understanding.base._lifecycle import CustomerStageRules, derive_customer_stages
from customer_understanding.base._links import RefIndex, ValueIndex, fill_missing, lookup_values
from customer_understanding.base._order import merged_order
from customer_understanding.base._survive import golden_values
from customer_understanding.base._tables import Tables
from customer_understanding.base._titles import fill_from_titles
from customer_understanding.domain import (
    DEFAULT_TITLE_RULES,
    TitleRule,
)
from customer_understanding.identity import (
    Resolution,
    Survivorship,
)
from customer_understanding.tables import (
    AccountRecords,
    AccountTable,
    ConsentTable,
    ContactRecords,
    ContactRoleTable,
    ContactTable,
    InteractionTable,
    OpportunityTable,
    StageHistoryTable,
    Table,
)
from customer_understanding.typing import Resolver, TableSource

__all__ = [
    "ACCOUNT_FIELDS",
    "CONTACT_FIELDS",
    "GOLDEN_FIELDS",
    "build_tables",
    "contact_facts",
]

ACCOUNT_FIELDS = tuple(n for n in AccountTable.SCHEMA.names if n not in ("id", "parent"))
CONTACT_FIELDS = tuple(
    n
    for n in ContactTable.SCHEMA.names
    if n not in ("id", "account", "account_confidence", "account_method")
    and not n.endswith("_confidence")
)
#: The fields a golden account or contact is made of, each decided by a survivorship rule.
GOLDEN_FIELDS = frozenset(ACCOUNT_FIELDS) | frozenset(CONTACT_FIELDS)


def _accounts(
    records: AccountRecords, resolution: Resolution, policy: Survivorship, known: Any = None,
    seen: Seen | None = None, before: Any = None,
) -> tuple[AccountTable, dict[str, npt.NDArray[np.int64]]]:  # fmt: skip
    entity = resolution.account_of_record
    n = resolution.n_accounts
    values, winners, categories = golden_values(
        records, entity, n, ACCOUNT_FIELDS, policy, known=known, before=before, seen=seen
    )
    values["id"] = resolution.account_ids
    values["parent"] = account_parents(
        records, entity, rows=None, owner=entity, entities=np.arange(n, dtype=np.int64)
    )
    return AccountTable.from_columns(values, length=n, categories=categories), winners


def account_parents(
    records: AccountRecords,
    entity: npt.NDArray[np.int64],
    *,
    rows: npt.NDArray[np.int64] | None,
    owner: npt.NDArray[np.int64],
    entities: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """The parent entity of some account entities (-1 when none), from their records.

    ``records[rows]`` (every record when ``rows`` is None) are the records of
    ``entities`` (entity rows, in the order of the answer), ``owner`` says which of them
    each belongs to; a parent reference is looked up among all ``records`` (``entity``
    gives each one's entity). The last record naming a parent decides; a record may not
    make its own entity its parent. The build asks for every entity, adding one record
    online for the entity it joined.
    """
    asking = records if rows is None else records.take(rows)
    parent_record = RefIndex(records, np.arange(len(records), dtype=np.int64)).find(
        asking.with_columns(source_id=asking.column("parent_ref")), "source_id"
    )
    parent_of_record = np.where(parent_record < 0, -1, entity[np.maximum(parent_record, 0)])
    parent = np.full(len(entities), -1, dtype=np.int64)
    has_parent = parent_of_record >= 0
    parent[owner[has_parent]] = parent_of_record[has_parent]
    parent[parent == entities] = -1
    return parent


def _contacts(
    records: ContactRecords,
    resolution: Resolution,
    *,
    account_records: AccountRecords,
    policy: Survivorship,
    title_rules: Sequence[TitleRule],
    consents: ConsentTable,
    known: Mapping[str, Any],
) -> tuple[ContactTable, dict[str, npt.NDArray[np.int64]]]:
    """The contacts, and their golden winners (``known``: see :func:`build_tables`)."""
    entity = resolution.contact_of_record
    n = resolution.n_contacts
    values, winners, categories = golden_values(
        records, entity, n, CONTACT_FIELDS, policy, known=known.get("contact"),
        before=known.get("contact_before"), seen=known.get("seen"),
    )  # fmt: skip
    values, categories = contact_facts(
        values, categories, title_rules=title_rules, consents=consents,
        known=known.get("contact_facts"),
    )  # fmt: skip
    values["id"] = resolution.contact_ids
    account, confidence, method = contact_accounts(
        records, resolution, account_records, known.get("contact_account"),
        names=known.get("account_names"), seen=known.get("seen"),
    )  # fmt: skip
    values["account"] = account
    values["account_confidence"] = confidence
    values["account_method"] = method
    return ContactTable.from_columns(values, length=n, categories=categories), winners


def _interactions(
    table: InteractionTable,
    indexes: tuple[RefIndex, RefIndex],
    account_records: AccountRecords,
    resolution: Resolution,
    contacts: ContactTable,
    emails: ValueIndex,
) -> InteractionTable:
    """Each interaction's person and account (``indexes``: the contact and account refs)."""
    contact = indexes[0].find(table, "contact_ref")
    # Any e-mail address a person's records hold finds the person, not only the golden one;
    # one held by several people's records (info@ …) finds none of them.
    by_email = emails.find(table.column("email"), resolution.contact_of_record, agreed=True)
    contact = fill_missing(contact, by_email)
    account = indexes[1].find(table, "account_ref")
    contact_account = np.append(contacts.column("account"), -1)[np.where(contact < 0, -1, contact)]
    account = fill_missing(account, contact_account)
    # A shared address still names the company when all the people using it work there.
    team_account = emails.find(
        table.column("email"), contacts.column("account")[resolution.contact_of_record],
        agreed=True,
    )  # fmt: skip
    account = fill_missing(account, team_account)
    by_domain = lookup_values(
        table.column("domain"), account_records.column("domain"), resolution.account_of_record
    )
    account = fill_missing(account, by_domain)
    return table.with_columns(contact=contact, account=account)


def build_tables(
    loaded: TableSource,
    *,
    resolver: Resolver,
    survivorship: Survivorship,
    title_rules: Sequence[TitleRule] = DEFAULT_TITLE_RULES,
    stage_rules: CustomerStageRules | None = None,
    known: Mapping[str, Any] | None = None,
    ordered: Mapping[type[Table], int] | None = None,
    placed: dict[type[Table], npt.NDArray[np.int64]] | None = None,
) -> Tables:
    """Resolve the loaded records into entities and point every table at them.

    The accounts' customer-side stages are derived by ``stage_rules`` (the defaults of
    :class:`CustomerStageRules` when ``None``). ``known`` is what an update keeps of the
    first entities of each level, those it left alone: golden winners by field
    (``"account"``, ``"contact"``) with the records of the others as they were, and their
    entities (``"account_before"``, ``"contact_before"``: see :func:`golden_values`),
    the contacts' account links (``"contact_account"``)
    and the facts their titles gave (``"contact_facts"``); and the account records' names
    as the account linker cleaned them (``"account_names"``, not cleaned again for
    lead-to-account matching). ``known["seen"]``, a build's too, holds the texts
    lead-to-account matching and the golden votes read before; it gets those read now
    (see :meth:`LeadToAccount.prepare` and :func:`survivors`), for the store to keep.

    Event tables are put in an order of their own values first, so the exports' row order
    changes no sum and no tie anywhere after. ``ordered`` says how many first rows of an
    event table are in that order already (an update's stored rows): the others are merged
    in (see :func:`merged_order`). An update also gives, as ``known["stage_subjects"]``,
    where each stored account and contact row went (``-1``: resolved again) and which
    stored opportunities a new row replaced (``"opportunity_replaced"``): a stored stage
    row whose subject is still there keeps it, the others are looked up again.

    ``placed``, when given, is filled per event table with each row's source: its row
    among the ``ordered`` first rows (for consent statements, among the stored ones
    ``known["consents"]`` carries), or ``-1`` for a row made now.
    """
    account_records = loaded.combined(AccountRecords)
    contact_records = loaded.combined(ContactRecords)
    resolution = resolver(account_records, contact_records)
    heads = ordered or {}

    sources: dict[type[Table], npt.NDArray[np.int64]] = {} if placed is None else placed

    def arranged(kind: type[Table], keys: tuple[str, ...]) -> tuple[Any, npt.NDArray[np.intp]]:
        table, head = loaded.combined(kind), heads.get(kind, 0)
        order = merged_order(table, head, keys)
        sources[kind] = np.where(order < head, order, -1).astype(np.int64)
        return table.take(order), order

    opportunities, opportunity_order = arranged(OpportunityTable, ("created_at", "system"))
    contact_roles = arranged(ContactRoleTable, ("system", "role"))[0]
    known = known or {}
    accounts, account_winners = _accounts(
        account_records, resolution, survivorship, known.get("account"), known.get("seen"),
        known.get("account_before"),
    )  # fmt: skip
    emails = ValueIndex(contact_records.column("email"))  # looked up three times
    # Each record's row by its id in its system, hashed once: entities are found through it.
    records = RefIndex(contact_records, np.arange(len(contact_records), dtype=np.int64))
    contact_index = records.mapped(resolution.contact_of_record)
    account_index = RefIndex(account_records, resolution.account_of_record)
    consents = consent_statements(loaded.combined(ConsentTable), contact_records, resolution,
                                  held=emails, carried=known.get("consents"), placed=sources,
                                  refs=records)  # fmt: skip
    contacts, contact_winners = _contacts(
        contact_records, resolution, account_records=account_records, policy=survivorship,
        title_rules=title_rules, consents=consents, known=known,
    )  # fmt: skip
    interactions = _interactions(
        arranged(InteractionTable, ("occurred_at", "system", "type"))[0],
        (contact_index, account_index),
        account_records,
        resolution,
        contacts,
        emails,
    )
    interactions = detach_tracked(interactions, consents, len(contacts))
    opportunities = opportunities.with_columns(
        account=account_index.find(opportunities, "account_ref")
    )
    opportunity_index = RefIndex(opportunities, np.arange(len(opportunities), dtype=np.int64))
    contact_roles = contact_roles.with_columns(
        opportunity=opportunity_index.find(contact_roles, "opportunity_ref"),
        contact=contact_index.find(contact_roles, "contact_ref"),
    )
    stages, stage_order = arranged(StageHistoryTable, ("at", "system", "subject_kind", "stage"))
    carried = known.get("stage_subjects")
    if carried is not None:  # the stored rows, and where their subjects went
        carried = (stage_order < heads.get(StageHistoryTable, 0),
                   {**carried, "opportunity": _moved(opportunity_order, carried)})  # fmt: skip
    stages = _stage_subjects(stages, account_index, contact_index, opportunity_index, carried)
    derived = derive_customer_stages(
        (interactions, opportunities, stages, contacts.column("account")),
        accounts=len(accounts),
        rules=CustomerStageRules() if stage_rules is None else stage_rules,
    )
    stages = StageHistoryTable.concat([stages, derived])
    sources[StageHistoryTable] = np.append(sources[StageHistoryTable], np.full(len(derived), -1))
    return Tables(
        accounts=accounts,
        contacts=contacts,
        account_records=account_records,
        contact_records=contact_records,
        interactions=interactions,
        opportunities=opportunities,
        contact_roles=contact_roles,
        stages=stages,
        resolution=resolution,
        account_winners=account_winners,
        contact_winners=contact_winners,
        survivorship=survivorship,
        consents=consents,
        title_rules=tuple(title_rules),
    )


def contact_facts(
    values: dict[str, Any],
    categories: dict[str, Any],
    *,
    title_rules: Sequence[TitleRule],
    consents: ConsentTable,
    moment: int | None = None,
    known: Mapping[str, npt.NDArray[Any]] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Golden contact values completed the one way: titles read, consent in force.

    Seniority and department are read from titles where no record states them, and the
    marketing consent is the statement in force (at ``moment`` when given) rather than a
    survivorship vote. The build and golden profiles as of a moment both come through
    here, so they cannot disagree. ``known``: the first contacts' facts read before
    (see :func:`~customer_understanding.base._titles.fill_from_titles`).
    """
    n = len(values["title"])
    values, categories = fill_from_titles(values, categories, n=n, rules=title_rules,
                                          known=known)  # fmt: skip
    rows = consent_rows(consents, n, purpose="marketing", channel="email", moment=moment)
    values["marketing_consent"] = status_labels(consents, rows)
    categories.pop("marketing_consent", None)
    return values, categories


def _moved(order: npt.NDArray[np.intp], carried: Mapping[str, Any]) -> npt.NDArray[np.int64]:
    """Where each stored opportunity row went (``-1``: replaced by a new row)."""
    replaced = np.asarray(carried["opportunity_replaced"], dtype=bool)
    place = np.empty(len(order), dtype=np.int64)
    place[order] = np.arange(len(order))  # the stored rows a new one did not replace lead
    moved = np.full(len(replaced), -1, dtype=np.int64)
    moved[~replaced] = place[: int((~replaced).sum())]
    return moved


def _stage_subjects(
    stages: StageHistoryTable,
    accounts: RefIndex,
    contacts: RefIndex,
    opportunities: RefIndex,
    carried: tuple[npt.NDArray[np.bool_], Mapping[str, Any]] | None = None,
) -> StageHistoryTable:
    """Each stage row's subject: the entity or deal its reference names.

    ``carried`` marks the stored rows of an update, with per kind where each stored
    subject row went (``-1``: resolved again or replaced): those rows keep their subject,
    moved; the rest are looked up (a stored row naming nothing may name a new record).
    """
    kinds = stages.column("subject_kind")
    subject = np.full(len(stages), -1, dtype=np.int64)
    for kind, index in (
        ("account", accounts),
        ("contact", contacts),
        ("opportunity", opportunities),
    ):
        code = stages.code_of("subject_kind", kind)
        if code < 0:
            continue
        rows = kinds == code
        if carried is not None and kind in carried[1]:
            moved = np.append(np.asarray(carried[1][kind], dtype=np.int64), -1)
            old = stages.column("subject")
            kept = np.flatnonzero(rows & carried[0] & (old >= 0))
            subject[kept] = moved[np.minimum(old[kept], len(moved) - 1)]
            rows &= subject < 0
        subject[rows] = index.find(stages, "subject_ref", rows)
    return stages.with_columns(subject=subject)
