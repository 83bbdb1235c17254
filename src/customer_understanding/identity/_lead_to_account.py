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
    is_missing,
    positive,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.domain import FREE_MAIL_DOMAINS
from customer_understanding.identity._comparison_frame import _country
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

    def _name_confidence(self, found: dict[str, npt.NDArray[Any]]) -> npt.NDArray[np.float64]:
        """0.5 at the threshold to 0.9 for equal names, moved by city and country."""
        sim = found["sim"].astype(np.float64)
        span = max(1.0 - self.name_threshold, 1e-9)
        confidence = 0.5 + 0.4 * np.clip((sim - self.name_threshold) / span, 0.0, 1.0)
        for place, gain, loss in (("city", 0.05, 0.05), ("country", 0.05, 0.25)):
            agree, differ = _agreement(found[place], found[place + "_a"])
            confidence += gain * agree - loss * differ
        return np.clip(confidence, 0.0, 1.0)


def _profiles(
    codes: npt.NDArray[np.int64], city: npt.NDArray[Any], country: npt.NDArray[Any]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each person's profile and each profile's first person.

    A profile is a name typed in a place (city and country; missing values alike),
    numbered in the order profiles first occur.
    """
    seen: dict[tuple[int, Any, Any], int] = {}
    profile = np.empty(len(codes), dtype=np.int64)
    for row, key in enumerate(zip(codes.tolist(), city.tolist(), country.tolist(), strict=True)):
        known = (key[0], None if is_missing(key[1]) else key[1],
                 None if is_missing(key[2]) else key[2])  # fmt: skip
        profile[row] = seen.setdefault(known, len(seen))
    return profile, np.unique(profile, return_index=True)[1].astype(np.int64)


def _pairs(
    profiles: npt.NDArray[np.int64],
    codes: npt.NDArray[np.int64],
    name: npt.NDArray[np.int64],
    usable: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each of ``profiles`` with each usable close pair of its name (pairs sorted by name)."""
    rows = np.flatnonzero(usable)
    wanted = codes[profiles]
    low = np.searchsorted(name[rows], wanted, side="left")
    count = np.searchsorted(name[rows], wanted, side="right") - low
    at = np.repeat(profiles, count)
    shift = np.repeat(low - np.cumsum(count) + count, count)
    return at.astype(np.int64), rows[shift + np.arange(len(at), dtype=np.int64)]


People = dict[str, npt.NDArray[np.object_]]


@attrs.frozen(kw_only=True)
class _Found:
    """The contacts one way assigned (positions), with their account and its evidence."""

    person: npt.NDArray[np.int64]
    account: npt.NDArray[np.object_]
    confidence: npt.NDArray[np.float64]
    method: str
    evidence: npt.NDArray[np.object_]

    @classmethod
    def empty(cls) -> _Found:
        nothing = np.empty(0, dtype=object)
        return cls(person=np.empty(0, dtype=np.int64), account=nothing, method="none",
                   confidence=np.empty(0, dtype=np.float64), evidence=nothing)  # fmt: skip


def _email_domain(email: str | None) -> str | None:
    """What follows an address's last ``@`` (``None`` without one, or with nothing after it)."""
    if email is None or "@" not in email:
        return None
    return email.rsplit("@", 1)[1] or None


def _not_free(domain: str | None, free_mail: Collection[str]) -> str | None:
    return None if domain is None or domain in free_mail else domain


def _said(company: object, work: str | None) -> str | None:
    """How the contact named its employer, for the evidence."""
    if not is_missing(company):
        return f"company '{company}'"
    return None if work is None else f"e-mail domain '{work}'"


def _note(similarity: float, threshold: float) -> str:
    """What the typed company name says about a domain match (nothing when untyped)."""
    if similarity >= threshold:
        return "; typed company name agrees"
    if similarity < 0.7:
        return "; typed company name differs"
    return ""


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
    mine: npt.NDArray[Any], theirs: npt.NDArray[Any]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    known = pd.notna(mine) & pd.notna(theirs)
    same = np.array([a == b for a, b in zip(mine.tolist(), theirs.tolist(), strict=True)],
                    dtype=bool)  # fmt: skip
    return known & same, known & ~same


def _name_evidence(best: dict[str, npt.NDArray[Any]]) -> npt.NDArray[np.object_]:
    """``company '…' ~ account name '…' (similarity 0.93); city agrees`` for each match."""
    notes = [np.where(agree, f"; {place} agrees", np.where(differ, f"; {place} differs", ""))
             for place in ("city", "country")
             for agree, differ in [_agreement(best[place], best[place + "_a"])]]  # fmt: skip
    said, name = best["said"].tolist(), best["name"].tolist()
    sim = best["sim"].astype(np.float64).tolist()
    return objects([
        pd.NA if is_missing(said[k]) or is_missing(name[k])  # missing text reads missing
        else f"{said[k]} ~ account name '{name[k]}' (similarity {sim[k]:.2f}){notes[0][k]}"
             f"{notes[1][k]}"
        for k in range(len(said))
    ])  # fmt: skip
