"""Lead-to-account matching: which organisation each person works for, and how sure we are.

A contact's work e-mail domain (or the website typed on a lead) that equals an account's
domain settles the question; free-mail domains say nothing about the employer and are
left out. Otherwise the company name typed on the record is compared with the account
names after legal suffixes are stripped, and agreement on city and country raises the
confidence while a different country lowers it.

Names are not all compared with all: only those sharing a blocking key are (see
``_name_blocks``), and people who typed the same name in the same place are matched
once, so time and memory grow with the number of contacts and accounts. Between equally
good accounts the name, then the id, as text, decides: never the order of the rows.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

from customer_understanding._core import (
    TableExport,
    as_frame,
    html_table,
    positive,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.domain import FREE_MAIL_DOMAINS
from customer_understanding.identity._name_blocks import similar_names
from customer_understanding.identity._prepared_accounts import (
    PreparedAccounts,
    check_table,
    compact,
    domains,
    organisations,
    prepare_accounts,
    text,
)
from customer_understanding.identity._resolver import _country

if TYPE_CHECKING:
    from customer_understanding.typing import TableLike

__all__ = ["AccountMatches", "LeadToAccount"]


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class AccountMatches(TableExport):
    """Each contact's account, the method that found it, a confidence and the evidence.

    Parameters
    ----------
    table
        One row per contact: ``contact_id``, ``account_id`` (``None`` when unmatched),
        ``confidence`` in [0, 1], ``method`` (``"domain"``, ``"name"`` or ``"none"``)
        and ``evidence``.

    Examples
    --------
    >>> import pandas as pd
    >>> accounts = pd.DataFrame({"id": ["A1"], "name": ["Acme Inc."], "domain": ["acme.com"]})
    >>> contacts = pd.DataFrame({"id": ["c1"], "email": ["ann@acme.com"]})
    >>> matches = LeadToAccount().match(contacts, accounts)
    >>> matches, matches.coverage
    (AccountMatches: 1 row, coverage=1.00, 1.0)
    """

    _table: pd.DataFrame = attrs.field(alias="table")

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        return summary("AccountMatches", len(self), coverage=f"{self.coverage:.2f}")

    def _repr_html_(self) -> str:
        return html_table(repr(self), self._table)

    def to_pandas(self) -> pd.DataFrame:
        """The matches, one row per contact (a new DataFrame)."""
        return self._table.copy()

    @property
    def coverage(self) -> float:
        """The share of contacts assigned to an account."""
        return float(self._table["account_id"].notna().mean()) if len(self._table) else 0.0


def _share(instance: object, attribute: Any, value: float) -> None:
    """A share in (0, 1]; anything else, a string included, is refused by name."""
    positive(attribute.name, value)
    if value > 1.0:
        msg = f"{attribute.name}={value!r} must be in (0, 1]"
        raise InvalidValueError(msg)


def _domains(value: object) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, Collection):
        msg = f"free_mail={value!r} must be a collection of domain names"
        raise InvalidValueError(msg)
    return frozenset(str(domain) for domain in value)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class LeadToAccount:
    """Assign contacts and leads to accounts from e-mail domain, company name and place.

    ``contacts`` need the columns ``id`` and ``email`` and may have ``company``,
    ``website``, ``city`` and ``country``; ``accounts`` need ``id`` and ``name`` and may
    have ``domain`` (a bare domain or a URL), ``city`` and ``country``.

    Parameters
    ----------
    name_threshold
        The least name similarity (Jaro-Winkler on suffix-free names, 0-1) that assigns
        a contact by name.
    domain_confidence
        The confidence of a work e-mail domain match (a website match scores a little
        less, a domain match whose typed company name disagrees much less).
    free_mail
        Consumer mailbox domains, which never identify an employer.

    Examples
    --------
    >>> import pandas as pd
    >>> accounts = pd.DataFrame({"id": ["A1", "A2"], "name": ["Acme Inc.", "Globex GmbH"],
    ...     "domain": ["https://www.acme.com", "globex.de"], "country": ["US", "Germany"]})
    >>> contacts = pd.DataFrame({"id": ["c1", "c2", "c3"],
    ...     "email": ["ann@acme.com", "bo@gmail.com", "cy@yahoo.com"],
    ...     "company": [None, "Globex", "Initech"], "country": [None, "DE", None]})
    >>> matches = LeadToAccount().match(contacts, accounts).to_pandas()
    >>> matches[["account_id", "method"]].fillna("-")
      account_id  method
    0         A1  domain
    1         A2    name
    2          -    none
    """

    name_threshold: float = attrs.field(default=0.9, validator=_share)
    domain_confidence: float = attrs.field(default=0.97, validator=_share)
    free_mail: Collection[str] = attrs.field(default=FREE_MAIL_DOMAINS, converter=_domains)

    def prepare(self, accounts: TableLike) -> PreparedAccounts:
        """The accounts read and indexed once, to match many batches of contacts against.

        :meth:`match` prepares the accounts it is given the same way on every call; a
        service assigning leads one at a time prepares them once and passes the result
        instead, with the same answers.

        Raises
        ------
        UnknownNameError
            When ``accounts`` lacks the column ``id`` or ``name``.
        InvalidValueError
            When ids repeat, or ``accounts`` is no table.

        Examples
        --------
        >>> import pandas as pd
        >>> accounts = pd.DataFrame({"id": ["A1", "A2"], "name": ["Acme Inc.", "Globex GmbH"],
        ...                          "domain": ["acme.com", "globex.de"]})
        >>> linker = LeadToAccount()
        >>> prepared = linker.prepare(accounts)
        >>> for lead in ({"id": ["L1"], "email": ["ann@acme.com"]},
        ...              {"id": ["L2"], "email": ["bo@gmail.com"], "company": ["Globex"]}):
        ...     print(linker.match(pd.DataFrame(lead), prepared).to_pandas().loc[0, "account_id"])
        A1
        A2
        """
        return prepare_accounts(as_frame(accounts, name="accounts"))

    def match(self, contacts: TableLike, accounts: TableLike | PreparedAccounts) -> AccountMatches:
        """Assign every contact to at most one account.

        ``contacts`` and ``accounts`` may be pandas or polars DataFrames, or pyarrow Tables;
        ``accounts`` may also be what :meth:`prepare` made of them (the same answers).

        Raises
        ------
        UnknownNameError
            When a required column is missing.
        InvalidValueError
            When ids repeat in either table.

        Examples
        --------
        >>> import pandas as pd
        >>> accounts = pd.DataFrame({"id": [1], "name": ["Ember Energy B.V."],
        ...                          "city": ["Utrecht"]})
        >>> contacts = pd.DataFrame({"id": [7], "email": ["nick@icloud.com"],
        ...     "company": ["ember energy"], "city": ["Utrecht"]})
        >>> LeadToAccount().match(contacts, accounts).to_pandas().loc[0, "evidence"]
        "company 'ember energy' ~ account name 'Ember Energy B.V.' (similarity 1.00); city agrees"
        """
        contacts = as_frame(contacts, name="contacts")
        check_table(contacts, ("id", "email"), "contacts")
        # One path: a table of accounts is prepared here as prepare() prepares it.
        firms = accounts if isinstance(accounts, PreparedAccounts) else self.prepare(accounts)
        people = self._people(contacts)
        by_domain = self._by_domain(people, firms)
        rest = people.loc[~people.index.isin(by_domain.index)]
        by_name = self._by_name(rest, firms)
        found = [part for part in (by_domain, by_name) if len(part)]
        table = (pd.concat(found) if found else _empty()).reindex(people.index)
        unmatched = table["account"].isna()
        table.loc[unmatched, "confidence"] = 0.0
        table.loc[unmatched, "method"] = "none"
        table.loc[unmatched, "evidence"] = "no work domain or company name matches an account"
        table.insert(0, "contact", contacts["id"].to_numpy())
        # A copy: pandas 3 hands out read-only views of a frame's data.
        account = table["account"].to_numpy(dtype=object, copy=True)
        account[unmatched.to_numpy()] = None
        table["account"] = account
        table = table.rename(columns={"contact": "contact_id", "account": "account_id"})
        return AccountMatches(table=table.reset_index(drop=True))

    def _people(self, contacts: pd.DataFrame) -> pd.DataFrame:
        email_domain = text(contacts, "email").str.extract(r"@([^@]+)$", expand=False)
        work = email_domain.where(~email_domain.isin(self.free_mail))
        website = domains(text(contacts, "website"))
        company = contacts.get("company", pd.Series(None, index=contacts.index))
        words = organisations(company)
        # without a typed company, the work domain's first label stands in for the name
        said = ("company '" + company.astype("string") + "'").fillna("e-mail domain '" + work + "'")
        people = pd.DataFrame(
            {
                "email_domain": work,
                "website": website.where(~website.isin(self.free_mail)),
                "key": compact(words),
                "words": words.fillna(work.str.split(".").str[0]),
                "said": said,
                "city": text(contacts, "city"),
                "country": _country(text(contacts, "country").to_numpy(dtype=object)),
            }
        )
        return people.reset_index(drop=True)

    def _by_domain(self, people: pd.DataFrame, firms: PreparedAccounts) -> pd.DataFrame:
        """Contacts whose work e-mail domain or website equals an account's domain."""
        ways = [("email_domain", "e-mail domain", 0), ("website", "website", 1)]
        stacked = [
            pd.DataFrame({"person": people.index, "domain": people[column], "via": label,
                          "order": order}).dropna(subset=["domain"])
            for column, label, order in ways
        ]  # fmt: skip
        stacked = [part for part in stacked if len(part)]
        if not stacked:
            return _empty()
        asked = pd.concat(stacked, ignore_index=True)
        at, rows = firms.with_domains(asked["domain"].to_numpy(dtype=object))
        if not len(at):
            return _empty()
        found = pd.concat([asked.iloc[at].reset_index(drop=True).drop(columns="domain"),
                           firms.take(rows)], axis=1)  # fmt: skip
        key = people["key"].to_numpy(dtype=object)[found["person"].to_numpy()]
        sim = _pair_similarity(key, found["key"].to_numpy(dtype=object))
        typed = pd.notna(key)
        base = self.domain_confidence - 0.05 * found["order"].to_numpy()
        bonus = np.where(typed & (sim >= self.name_threshold), 0.02, 0.0)
        penalty = np.where(typed & (sim < 0.7), 0.2, 0.0)
        found["confidence"] = np.clip(base + bonus - penalty, 0.0, 1.0)
        found["sim"] = np.where(typed, sim, np.nan)
        found = found.sort_values(["person", "order", "confidence", "rank"],
                                  ascending=[True, True, False, True], kind="stable")  # fmt: skip
        best = found.drop_duplicates("person").set_index("person")
        sim_best = best["sim"].to_numpy()
        note = np.where(sim_best >= self.name_threshold, "; typed company name agrees", "")
        note = np.where(sim_best < 0.7, "; typed company name differs", note)
        evidence: pd.Series[str] = (
            best["via"] + " " + best["domain"] + " equals the account's domain" + note
        )
        return pd.DataFrame(
            {"account": best["account"], "confidence": best["confidence"], "method": "domain",
             "evidence": evidence}
        )  # fmt: skip

    def _by_name(self, people: pd.DataFrame, firms: PreparedAccounts) -> pd.DataFrame:
        """Contacts whose typed company name is close to an account's name.

        People who typed the same name in the same place get the same account, so each
        such profile is matched once; close names come from :func:`similar_names`.
        """
        named = people[people["words"].notna()]
        name_codes, names = pd.factorize(named["words"], sort=True)
        close = similar_names(np.asarray(names, dtype=object), firms.names,
                              threshold=self.name_threshold)  # fmt: skip
        if close.empty:
            return _empty()
        profile = pd.DataFrame({"name": name_codes, "city": named["city"].to_numpy(dtype=object),
                                "country": named["country"].to_numpy(dtype=object)})  # fmt: skip
        profile_of = profile.groupby(["name", "city", "country"], dropna=False).ngroup().to_numpy()
        profiles = profile.assign(profile=profile_of).drop_duplicates("profile")
        found = self._candidates(profiles, close, firms)
        if found.empty:
            return _empty()
        found = found.sort_values(["profile", "confidence", "sim", "rank"],
                                  ascending=[True, False, False, True], kind="stable")  # fmt: skip
        best = found.drop_duplicates("profile").set_index("profile")
        kept = np.isin(profile_of, best.index)
        person = named.iloc[kept]
        chosen = best.drop(columns=["city", "country"]).loc[profile_of[kept]]
        best = pd.concat([person[["said", "city", "country"]],
                          chosen.set_axis(person.index)], axis=1)  # fmt: skip
        return pd.DataFrame(
            {"account": best["account"], "confidence": best["confidence"], "method": "name",
             "evidence": _name_evidence(best)}
        )  # fmt: skip

    def _candidates(
        self, profiles: pd.DataFrame, close: pd.DataFrame, firms: PreparedAccounts
    ) -> pd.DataFrame:
        """Every account a profile's name is close to, with the confidence of each.

        Without a city or country only similarity can decide, so such profiles keep
        only their closest names: the pairs stay as many as the profiles.
        """
        close = close.rename(columns={"similarity": "sim"})
        closest = close[close["sim"] == close.groupby("name")["sim"].transform("max")]
        placeless = (profiles["city"].isna() & profiles["country"].isna()).to_numpy()
        pairs = pd.concat([profiles[placeless].merge(closest, on="name"),
                           profiles[~placeless].merge(close, on="name")])  # fmt: skip
        at, held = firms.with_names(pairs["choice"].to_numpy(dtype=np.int64))
        pairs = pairs.iloc[at]
        chosen = firms.take(held)
        found = pd.DataFrame({
            "profile": pairs["profile"].to_numpy(), "sim": pairs["sim"].to_numpy(),
            "city": pairs["city"].to_numpy(dtype=object),
            "country": pairs["country"].to_numpy(dtype=object),
            **{column: chosen[column].to_numpy(dtype=object) for column in ("account", "name")},
            "city_a": chosen["city"].to_numpy(dtype=object),
            "country_a": chosen["country"].to_numpy(dtype=object),
            "rank": chosen["rank"].to_numpy(),
        })  # fmt: skip
        found["confidence"] = self._name_confidence(found)
        return found

    def _name_confidence(self, found: pd.DataFrame) -> npt.NDArray[np.float64]:
        """0.5 at the threshold to 0.9 for equal names, moved by city and country."""
        sim = found["sim"].to_numpy(dtype=np.float64)
        span = max(1.0 - self.name_threshold, 1e-9)
        confidence = 0.5 + 0.4 * np.clip((sim - self.name_threshold) / span, 0.0, 1.0)
        for place, gain, loss in (("city", 0.05, 0.05), ("country", 0.05, 0.25)):
            agree, differ = _agreement(found[place], found[place + "_a"])
            confidence += gain * agree - loss * differ
        return np.clip(confidence, 0.0, 1.0)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {"account": pd.Series(dtype=object), "confidence": pd.Series(dtype=np.float64),
         "method": pd.Series(dtype=object), "evidence": pd.Series(dtype=object)}
    )  # fmt: skip


def _pair_similarity(
    firsts: npt.NDArray[np.object_], seconds: npt.NDArray[np.object_]
) -> npt.NDArray[np.float64]:
    """Jaro-Winkler similarity of each pair of names; 0 where either is missing."""
    present = pd.notna(firsts) & pd.notna(seconds)
    scores = np.zeros(len(firsts), dtype=np.float64)
    if present.any():
        scores[present] = cpdist(
            firsts[present].tolist(), seconds[present].tolist(),
            scorer=JaroWinkler.normalized_similarity, dtype=np.float64,
        )  # fmt: skip
    return scores


def _agreement(
    mine: pd.Series[Any], theirs: pd.Series[Any]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    known = (mine.notna() & theirs.notna()).to_numpy()
    same = (mine.astype(object) == theirs.astype(object)).to_numpy(dtype=bool)
    return known & same, known & ~same


def _name_evidence(best: pd.DataFrame) -> pd.Series[str]:
    similarity = pd.Series(np.char.mod("%.2f", best["sim"].to_numpy(dtype=np.float64)),
                           index=best.index)  # fmt: skip
    text = (best["said"].astype("string") + " ~ account name '"
            + best["name"].astype("string") + "' (similarity " + similarity + ")")  # fmt: skip
    for place in ("city", "country"):
        agree, differ = _agreement(best[place], best[place + "_a"])
        text = text + np.where(
            agree, f"; {place} agrees", np.where(differ, f"; {place} differs", "")
        )
    return text
