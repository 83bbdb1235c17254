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
from customer_understanding.identity._comparison_frame import _country
from customer_understanding.identity._lead_evidence import (
    People,
    _agreement,
    _email_domain,
    _Found,
    _name_evidence,
    _not_free,
    _note,
    _pair_similarity,
    _pairs,
    _profiles,
    _said,
)
from customer_understanding.identity._name_blocks import similar_names
from customer_understanding.identity._prepared_accounts import (
    PreparedAccounts,
    Seen,
    check_table,
    compact,
    domains,
    objects,
    organisations,
    prepare_accounts,
    seen_kind,
    text,
)

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


#: The confidence of a match by an equal company name, before city and country move it.
_NAME_TOP = 0.9


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

    def prepare(
        self,
        accounts: TableLike,
        *,
        cleaned_names: Collection[str | None] | None = None,
        seen: Seen | None = None,
    ) -> PreparedAccounts:
        """The accounts read and indexed once, to match many batches of contacts against.

        :meth:`match` prepares the accounts it is given the same way on every call; a
        service assigning leads one at a time prepares them once and passes the result
        instead, with the same answers.

        Parameters
        ----------
        accounts
            The accounts: columns ``id`` and ``name``, optionally ``domain``, ``city``
            and ``country``.
        cleaned_names
            Each account's name as :func:`normalise` cleans a ``Field`` of kind
            ``"organisation"`` (``None`` where it gives none), row by row, when the
            caller has them already (a linker cleaned the same names): they are not
            cleaned again. Other names give other answers.
        seen
            Texts read before, by kind (``"domain"``: a domain or website and its host,
            ``"organisation"``: a company name without its legal suffixes): a text
            found there is not read again, and each text read now is added. The account
            names indexed before are there too (``"name_keys"``): only names they lack
            are indexed, and the names indexed now replace them. Give the same dict to
            every call (or one kept from an earlier run of this library) to read each
            text once; the answers are the same with it as without.

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
        cleaned = None if cleaned_names is None else objects(list(cleaned_names))
        return prepare_accounts(as_frame(accounts, name="accounts"), cleaned=cleaned, seen=seen)

    def match(self, contacts: TableLike, accounts: TableLike | PreparedAccounts, *,
              seen: Seen | None = None) -> AccountMatches:  # fmt: skip
        """Assign every contact to at most one account.

        ``contacts`` and ``accounts`` may be pandas or polars DataFrames, or pyarrow Tables;
        ``accounts`` may also be what :meth:`prepare` made of them (the same answers).
        ``seen`` holds texts read before (see :meth:`prepare`; the same answers).

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
        firms = (accounts if isinstance(accounts, PreparedAccounts)
                 else self.prepare(accounts, seen=seen))  # fmt: skip
        people = self._people(contacts, seen)
        n = len(contacts)
        account = np.full(n, None, dtype=object)
        confidence = np.zeros(n, dtype=np.float64)
        method = np.full(n, "none", dtype=object)
        evidence = np.full(n, "no work domain or company name matches an account", dtype=object)
        by_domain = self._by_domain(people, firms)
        rest = np.setdiff1d(np.arange(n, dtype=np.int64), by_domain.person)
        for found in (by_domain, self._by_name(people, rest, firms)):
            account[found.person] = found.account
            confidence[found.person] = found.confidence
            method[found.person] = found.method
            evidence[found.person] = found.evidence
        table = pd.DataFrame({"contact_id": contacts["id"].to_numpy(), "account_id": account,
                              "confidence": confidence, "method": method,
                              "evidence": evidence})  # fmt: skip
        return AccountMatches(table=table)

    def _people(self, contacts: pd.DataFrame, seen: Seen | None) -> People:
        """Each contact's clues, one object array per clue (``None`` where missing)."""
        email_domain = [_email_domain(email) for email in text(contacts, "email").tolist()]
        work = objects([_not_free(domain, self.free_mail) for domain in email_domain])
        website = domains(text(contacts, "website"), seen=seen_kind(seen, "domain")).tolist()
        if "company" in contacts.columns:
            company = contacts["company"].to_numpy(dtype=object)
        else:
            company = np.full(len(contacts), None, dtype=object)
        words = organisations(company, seen=seen_kind(seen, "organisation"))
        return {
            "email_domain": work,
            "website": objects([_not_free(domain, self.free_mail) for domain in website]),
            "key": compact(words),
            # without a typed company, the work domain's first label stands in for the name
            "words": objects([w if w is not None else (d if d is None else d.split(".")[0])
                               for w, d in zip(words.tolist(), work.tolist(), strict=True)]),
            "said": objects([_said(c, d) for c, d in zip(company.tolist(), work.tolist(),
                                                         strict=True)]),
            "city": text(contacts, "city"),
            "country": _country(text(contacts, "country")),
        }  # fmt: skip

    def _by_domain(self, people: People, firms: PreparedAccounts) -> _Found:
        """Contacts whose work e-mail domain or website equals an account's domain."""
        ways = [("email_domain", "e-mail domain"), ("website", "website")]
        held = [np.flatnonzero(pd.notna(people[column])) for column, _ in ways]
        person = np.concatenate(held).astype(np.int64)
        order = np.repeat(np.arange(len(ways), dtype=np.int64), [len(part) for part in held])
        domain = np.concatenate([people[column][part] for (column, _), part
                                 in zip(ways, held, strict=True)])  # fmt: skip
        at, rows = firms.with_domains(domain)
        if not len(at):
            return _Found.empty()
        person, order, domain = person[at], order[at], domain[at]
        chosen = firms.take(rows)
        key = people["key"][person]
        sim = _pair_similarity(key, chosen["key"].to_numpy(dtype=object))
        typed = pd.notna(key)
        base = self.domain_confidence - 0.05 * order
        bonus = np.where(typed & (sim >= self.name_threshold), 0.02, 0.0)
        penalty = np.where(typed & (sim < 0.7), 0.2, 0.0)
        confidence = np.clip(base + bonus - penalty, 0.0, 1.0)
        sim = np.where(typed, sim, np.nan)
        # each person's best: e-mail before website, then confidence, then the account's rank
        ranked = np.lexsort((chosen["rank"].to_numpy(), -confidence, order, person))
        _, first = np.unique(person[ranked], return_index=True)
        best = ranked[first]
        evidence = [
            f"{ways[way][1]} {name} equals the account's domain{_note(agree, self.name_threshold)}"
            for way, name, agree in zip(order[best].tolist(), domain[best].tolist(),
                                        sim[best].tolist(), strict=True)
        ]  # fmt: skip
        return _Found(person=person[best], account=chosen["account"].to_numpy(dtype=object)[best],
                      confidence=confidence[best], method="domain",
                      evidence=objects(evidence))  # fmt: skip

    def _by_name(self, people: People, rest: npt.NDArray[np.int64],
                 firms: PreparedAccounts) -> _Found:  # fmt: skip
        """Contacts whose typed company name is close to an account's name.

        People who typed the same name in the same place (a profile) get the same
        account, so each profile is matched once; close names come from
        :func:`similar_names`. Arrays throughout: a few contacts cost a few look-ups.
        """
        named = rest[pd.notna(people["words"][rest])]
        if not len(named):
            return _Found.empty()
        name_codes, names = pd.factorize(people["words"][named], sort=True)
        close = similar_names(np.asarray(names, dtype=object), firms.names,
                              threshold=self.name_threshold)  # fmt: skip
        if close.empty:
            return _Found.empty()
        city, country = people["city"][named], people["country"][named]
        profile_of, firsts = _profiles(name_codes, city, country)
        found = self._candidates((name_codes[firsts], city[firsts], country[firsts]), close,
                                 firms)  # fmt: skip
        if not len(found["profile"]):
            return _Found.empty()
        # each profile's best: confidence, then similarity, then the account's rank
        order = np.lexsort((found["rank"], -found["sim"], -found["confidence"], found["profile"]))
        profiles, first = np.unique(found["profile"][order], return_index=True)
        best = np.full(len(firsts), -1, dtype=np.int64)
        best[profiles] = order[first]
        kept = best[profile_of] >= 0
        person, pick = named[kept], best[profile_of[kept]]
        chosen = {column: values[pick] for column, values in found.items()}
        chosen.update(said=people["said"][person], city=people["city"][person],
                      country=people["country"][person])  # fmt: skip
        return _Found(person=person, account=chosen["account"], method="name",
                      confidence=chosen["confidence"].astype(np.float64),
                      evidence=_name_evidence(chosen))  # fmt: skip

    def _candidates(
        self, profiles: tuple[npt.NDArray[Any], ...], close: pd.DataFrame, firms: PreparedAccounts
    ) -> dict[str, npt.NDArray[Any]]:
        """Every account a profile's name is close to, with the confidence of each.

        ``profiles`` holds each profile's name code, city and country. Without a city or
        country only similarity can decide, so such profiles keep only their closest
        names: the pairs stay as many as the profiles.
        """
        codes, city, country = profiles
        name, sim = close["name"].to_numpy(), close["similarity"].to_numpy()
        top = np.full(int(name.max()) + 1, -np.inf, dtype=sim.dtype)
        np.maximum.at(top, name, sim)
        placeless = pd.isna(city) & pd.isna(country)
        # placeless profiles with their closest names first, then the others with all
        parts = [
            _pairs(np.flatnonzero(placeless), codes, name, sim == top[name]),
            _pairs(np.flatnonzero(~placeless), codes, name, np.ones(len(name), bool)),
        ]
        profile = np.concatenate([part[0] for part in parts])
        pair = np.concatenate([part[1] for part in parts])
        at, held = firms.with_names(close["choice"].to_numpy(dtype=np.int64)[pair])
        profile, pair = profile[at], pair[at]
        chosen = firms.take(held)
        found = {
            "profile": profile, "sim": sim[pair], "city": city[profile],
            "country": country[profile],
            **{column: chosen[column].to_numpy(dtype=object) for column in ("account", "name")},
            "city_a": chosen["city"].to_numpy(dtype=object),
            "country_a": chosen["country"].to_numpy(dtype=object),
            "rank": chosen["rank"].to_numpy(),
        }  # fmt: skip
        found["confidence"] = self._name_confidence(found)
        return found

    @staticmethod
    def best_by_name(*, places: bool) -> float:
        """The highest confidence a match by company name gives.

        ``places``: the contact has a city or country, which can raise it.

        Examples
        --------
        >>> LeadToAccount.best_by_name(places=False)
        0.9
        """
        return 1.0 if places else _NAME_TOP

    def _name_confidence(self, found: dict[str, npt.NDArray[Any]]) -> npt.NDArray[np.float64]:
        """0.5 at the threshold to :data:`_NAME_TOP` for equal names, moved by city and country."""
        sim = found["sim"].astype(np.float64)
        span = max(1.0 - self.name_threshold, 1e-9)
        confidence = 0.5 + (_NAME_TOP - 0.5) * np.clip((sim - self.name_threshold) / span, 0.0, 1.0)
        for place, gain, loss in (("city", 0.05, 0.05), ("country", 0.05, 0.25)):
            agree, differ = _agreement(found[place], found[place + "_a"])
            confidence += gain * agree - loss * differ
        return np.clip(confidence, 0.0, 1.0)
