"""Linking contacts to accounts: the CRM's own link, else work e-mail domain or company name."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import NAT, sorted_codes, value_codes
from customer_understanding.base._links import RefIndex
from customer_understanding.base._survive import record_keys
from customer_understanding.domain import FREE_MAIL_DOMAINS
from customer_understanding.identity import LeadToAccount, PreparedAccounts, Resolution
from customer_understanding.tables import AccountRecords, ContactRecords, Table

__all__ = ["RELINK", "AccountSide", "Seen", "account_side", "contact_accounts", "could_match"]

# Systems whose contact-to-account links are trusted first, when two are equally confident.
_LINK_TRUST = ("salesforce", "hubspot", "zendesk")


def _record_rank(records: Table, entity: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Each record's place among its entity's records: trusted systems, then newest, first.

    The last tie-break is the record's key, so the place never depends on the row order.
    """
    trust = {system: place for place, system in enumerate(_LINK_TRUST)}
    systems = pd.Series(records.labels("system"), dtype=object)
    rank = systems.map(trust).fillna(len(trust)).to_numpy(dtype=np.int64)
    created = records.column("created_at")
    newest_first = np.where(created == NAT, np.iinfo(np.int64).max, -created)
    key = sorted_codes(record_keys(records))[0]
    order = np.lexsort((key, newest_first, rank, entity))
    place = np.empty(len(order), dtype=np.int64)
    place[order] = np.arange(len(order))
    return place


#: Texts read before, by kind: by lead-to-account matching (see :meth:`LeadToAccount.prepare`)
#: and by the golden votes (see :func:`survivors`).
Seen = dict[str, dict[str, Any]]


@attrs.frozen(kw_only=True)
class AccountSide:
    """What linking contacts to accounts reads of the account records, made once.

    ``refs`` finds a record's account by the CRM id it names, ``prepared`` holds the
    records prepared for lead-to-account matching (each one's row as its id).
    """

    refs: RefIndex
    prepared: PreparedAccounts


def _firms(account_records: AccountRecords) -> pd.DataFrame:
    """The account records as lead-to-account matching reads them (each row its id)."""
    return pd.DataFrame({
        "id": np.arange(len(account_records)), "name": account_records.column("name"),
        "domain": account_records.column("domain"), "city": account_records.column("city"),
        "country": account_records.labels("country"),
    })  # fmt: skip


def account_side(account_records: AccountRecords, account_of_record: npt.NDArray[np.int64], *,
                 names: npt.NDArray[np.object_] | None = None,
                 seen: Seen | None = None) -> AccountSide:  # fmt: skip
    """The account records (in the accounts ``account_of_record`` names) read for linking.

    ``names`` are the records' names as the account linker cleaned them, when known;
    ``seen`` holds texts read before, and gets those read now (see
    :meth:`LeadToAccount.prepare`).
    """
    return AccountSide(refs=RefIndex(account_records, account_of_record),
                       prepared=LeadToAccount().prepare(_firms(account_records),
                                                        cleaned_names=names,
                                                        seen=seen))  # fmt: skip


def could_match(records: ContactRecords, rows: npt.NDArray[np.int64],
                account_records: AccountRecords, *, above: npt.NDArray[np.float64],
                names: npt.NDArray[np.object_] | None = None,
                seen: Seen | None = None) -> npt.NDArray[np.int64]:  # fmt: skip
    """Those of the contact records ``rows`` that one of ``account_records`` could take.

    As :func:`contact_accounts` matches them: a record whose work e-mail domain one of
    them has, or (when a match by company name could beat ``above``, each record's
    contact's confidence now) whose company or domain name one of them is close to.
    Records alike in the text after their address's ``@`` and in their company are asked
    once. ``names``: the account records' names as the account linker cleaned them, if
    known; ``seen``: the contacts' texts read before (see :meth:`LeadToAccount.prepare`).
    """
    rows = np.asarray(rows, dtype=np.int64)
    if not len(rows) or not len(account_records):
        return rows[:0]
    emails, company = records.column("email")[rows], records.column("company")[rows]
    clue = _work_email(emails) | pd.notna(company)
    rows, emails, company, above = rows[clue], emails[clue], company[clue], above[clue]
    after = np.array([e.strip().lower().rsplit("@", 1)[1] if isinstance(e, str) and "@" in e
                      else None for e in emails.tolist()], dtype=object)  # fmt: skip
    prepared = LeadToAccount().prepare(_firms(account_records), cleaned_names=names)
    # the matcher's domains are the trimmed, lower-cased address's end, equal to a host
    taken = np.zeros(len(rows), dtype=bool)
    taken[prepared.with_domains(after)[0]] = True
    named = np.flatnonzero(~taken & (above <= LeadToAccount.best_by_name(places=False)))
    if len(named):
        domain_codes, _ = value_codes(after[named])
        company_codes, companies = value_codes(company[named])
        alike = (domain_codes + 1) * (len(companies) + 1) + company_codes + 1
        _, first, profile = np.unique(alike, return_index=True, return_inverse=True)
        asked = _lead_to_account(records, rows[named[first]], prepared, seen)
        taken[named] = asked["account_id"].notna().to_numpy()[profile.reshape(-1)]
    matched: npt.NDArray[np.int64] = rows[taken]
    return matched


def _lead_to_account(
    records: ContactRecords, rows: npt.NDArray[np.intp], accounts: PreparedAccounts,
    seen: Seen | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Match contact records without a CRM link to account records: work domain, then name."""
    people = pd.DataFrame({"id": rows, "email": records.column("email")[rows],
                           "company": records.column("company")[rows]})  # fmt: skip
    return LeadToAccount().match(people, accounts, seen=seen).to_pandas()


def _work_email(emails: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    """Whether each address is at a domain other than a free mailbox's (each read once)."""
    codes, distinct = pd.factorize(emails)
    free = [str(email).rsplit("@", 1)[-1] in FREE_MAIL_DOMAINS for email in distinct.tolist()]
    work: npt.NDArray[np.bool_] = ~np.asarray([*free, True], dtype=bool)[codes]  # -1: none
    return work


#: In the account links an update keeps (see :func:`build_tables`): link this one again.
RELINK = -2


def contact_accounts(
    records: ContactRecords,
    resolution: Resolution,
    account_records: AccountRecords,
    known: tuple[Any, Any, Any] | None = None,
    *,
    side: AccountSide | None = None,
    names: npt.NDArray[np.object_] | None = None,
    seen: Seen | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.object_]]:
    """Each contact's account, with a confidence and how it was found.

    The CRM's own link (the record's account id) is certain; other records are matched by
    work e-mail domain or company name. A person takes the most confident link of any of
    their records, preferring more trusted systems on ties. ``known`` holds the links
    (account, confidence, method) of the first contacts, kept by an update; those whose
    account is :data:`RELINK` are linked again with the rest. ``side`` is
    :func:`account_side` of the account records, when the caller keeps it; else it is
    made here, with the account records' cleaned ``names`` when given. ``seen``: texts
    read before, filled with those read now (see :meth:`LeadToAccount.prepare`).
    """
    kept = np.zeros(resolution.n_contacts, dtype=bool)
    if known is not None:
        kept[: len(known[0])] = known[0] != RELINK
    # Only the records of contacts not kept are read (all of them in a build).
    entity = resolution.contact_of_record
    active = ~kept[entity]
    if not active.all():
        records, entity = records.take(active), entity[active]
    account_of = np.append(resolution.account_of_record, -1)
    refs = RefIndex(account_records, resolution.account_of_record) if side is None else side.refs
    record_account = refs.find(records, "account_ref")
    confidence = np.where(record_account >= 0, 1.0, 0.0)
    method = np.full(len(records), None, dtype=object)
    method[record_account >= 0] = "reference"
    # Only records with a clue (a work e-mail domain or a typed company) can be matched.
    clue = _work_email(records.column("email")) | pd.notna(records.column("company"))
    rest = np.flatnonzero((record_account < 0) & clue)
    if len(rest) and len(account_records):
        if side is None:
            side = account_side(account_records, resolution.account_of_record, names=names,
                                seen=seen)  # fmt: skip
        matches = _lead_to_account(records, rest, side.prepared, seen)
        found = matches["account_id"].notna().to_numpy()
        rows = rest[found]
        matched = matches["account_id"].to_numpy(dtype=object)[found].astype(np.int64)
        record_account[rows] = account_of[matched]
        confidence[rows] = matches["confidence"].to_numpy(dtype=np.float64)[found]
        method[rows] = matches["method"].to_numpy(dtype=object)[found]
    best = np.lexsort((_record_rank(records, entity), -confidence, entity))
    best = best[record_account[best] >= 0]
    account = np.full(resolution.n_contacts, -1, dtype=np.int64)
    chosen_confidence = np.zeros(resolution.n_contacts)
    chosen_method = np.full(resolution.n_contacts, None, dtype=object)
    found_entities, first = np.unique(entity[best], return_index=True)
    account[found_entities] = record_account[best[first]]
    chosen_confidence[found_entities] = confidence[best[first]]
    chosen_method[found_entities] = method[best[first]]
    if known is not None:
        same = np.flatnonzero(kept)
        account[same], chosen_confidence[same] = known[0][same], known[1][same]
        chosen_method[same] = known[2][same]
    return account, chosen_confidence, chosen_method
