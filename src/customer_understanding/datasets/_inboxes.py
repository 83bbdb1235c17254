"""Shared inboxes: several people of one company writing from ``info@`` or a team address.

Marketing forms and help desks are full of them: a colleague signs up from ``sales@``, a
team files tickets from ``support@``. Each person keeps their name on the record; only the
address is shared. The world rewrites the address of one such record per chosen person,
so the record still describes that person (``truth.records`` is unchanged) and
``truth.shared_inboxes`` lists who shares which address.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SHARED_COLUMNS", "no_shared_inboxes", "share_inboxes"]

#: Exports whose person records may carry a shared address, and their e-mail column.
_EMAIL_COLUMN = {"hubspot.contacts": "email", "zendesk.users": "email"}
#: Team mailboxes; the last stands for a company-wide address named after the company.
_MAILBOXES = ("info", "sales", "support", "contact", "office", "team", "company")
_RATE = 0.12  # share of companies with people on one shared address
SHARED_COLUMNS = ("address", "person_id", "source", "source_id")


def no_shared_inboxes() -> pd.DataFrame:
    """An empty ``truth.shared_inboxes`` table."""
    return pd.DataFrame({name: pd.Series([], dtype=object) for name in SHARED_COLUMNS})


def _candidates(
    records: pd.DataFrame, people: pd.DataFrame, defects: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Record rows that may take a shared address: one per person, drawn among theirs."""
    rows = records.assign(row=records.groupby("source").cumcount())
    rows = rows[rows["source"].isin(list(_EMAIL_COLUMN)) & (rows["kind"] == "person")]
    broken = set(zip(defects["source"], defects["row"], strict=True))
    rows = rows[[(s, r) not in broken for s, r in zip(rows["source"], rows["row"], strict=True)]]
    rows = rows.merge(people[["person_id", "company_id"]], left_on="entity_id",
                      right_on="person_id")  # fmt: skip
    rows = rows.iloc[rng.permutation(len(rows))]
    return rows.drop_duplicates("person_id").sort_values(["company_id", "person_id"])


def _address(mailbox: str, domain: str) -> str:
    if mailbox == "company":
        return f"{domain.split('.', maxsplit=1)[0].replace('-', '')}@{domain}"
    return f"{mailbox}@{domain}"


def share_inboxes(
    frames: dict[str, pd.DataFrame],
    *,
    records: pd.DataFrame,
    people: pd.DataFrame,
    companies: pd.DataFrame,
    defects: pd.DataFrame,
    seed: int,
) -> pd.DataFrame:
    """Give a few people per chosen company one shared address, in place; list them.

    Draws from a generator of its own (``[seed, 11_02]``), so the rest of the world is
    the same with or without shared inboxes.
    """
    rng = np.random.default_rng([seed, 11_02])
    candidates = _candidates(records, people, defects, rng)
    domains = dict(zip(companies["company_id"], companies["domain"], strict=True))
    found = []
    for company, group in candidates.groupby("company_id", sort=True):
        chose = rng.random() < _RATE
        size = int(rng.integers(2, 5))
        mailbox = _MAILBOXES[int(rng.integers(len(_MAILBOXES)))]
        if not chose or len(group) < 2 or not isinstance(domains.get(company), str):
            continue
        picked = group.iloc[np.sort(rng.choice(len(group), min(size, len(group)), replace=False))]
        address = _address(mailbox, str(domains[company]))
        for source, row, person, source_id in picked[
            ["source", "row", "person_id", "source_id"]
        ].itertuples(index=False):
            frame = frames[str(source)]
            frame.loc[frame.index[int(row)], _EMAIL_COLUMN[str(source)]] = address
            found.append((address, person, source, source_id))
    if not found:
        return no_shared_inboxes()
    return pd.DataFrame(found, columns=list(SHARED_COLUMNS))
