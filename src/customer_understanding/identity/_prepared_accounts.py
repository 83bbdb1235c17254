"""The account side of lead-to-account matching, prepared once for many batches of contacts.

Preparing an account means reading its domain (a bare domain or a URL) on one scale,
stripping legal suffixes from its name, and putting the country on one scale; the
prepared accounts are then indexed by domain and by the blocking keys of their names
(see ``_name_blocks``). A service matching one lead at a time pays for this once, and
each lead costs only its own preparation and a few look-ups.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import is_missing, summary, typed_fields
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.domain import normalize_domain
from customer_understanding.identity._comparison_frame import _country
from customer_understanding.identity._fields import Field, normalise
from customer_understanding.identity._name_blocks import NameIndex

__all__ = ["NAME_KEYS", "Groups", "Objects", "PreparedAccounts", "Seen", "check_table",
           "compact", "domains", "objects", "organisations", "per_distinct", "prepare_accounts",
           "remembered", "seen_kind", "text"]  # fmt: skip

_ORGANISATION = Field(column="company", kind="organisation")
Ints = npt.NDArray[np.int64]


Objects = npt.NDArray[np.object_]
#: Texts read before, per kind of reading (``"domain"``, ``"organisation"``): each
#: distinct text and what it read as (see :func:`remembered`); and under
#: :data:`NAME_KEYS`, the account names indexed before (see ``NameIndex.held``).
Seen = dict[str, dict[str, Any]]
#: Where :data:`Seen` holds the names indexed before (the keys of this library's index).
NAME_KEYS = "name_keys"


def text(frame: pd.DataFrame, column: str) -> Objects:
    """A column as trimmed lower-case text, ``None`` where absent, missing or empty."""
    if column not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    values = frame[column].to_numpy(dtype=object)
    if _texts(values):
        return per_distinct(values, lambda distinct: objects([_text(v) for v in distinct]))
    return objects([_text(value) for value in values.tolist()])


def _texts(values: Objects) -> bool:
    """Whether ``values`` hold only texts and missing values."""
    return pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")


def per_distinct(values: Objects, read: Callable[[list[Any]], Objects]) -> Objects:
    """``read`` applied to texts, each distinct text read once; a missing value reads ``None``.

    ``read`` takes a list of distinct texts and gives one result per text.

    Examples
    --------
    >>> per_distinct(objects(["a", None, "a"]), lambda texts: objects([t * 2 for t in texts]))
    array(['aa', None, 'aa'], dtype=object)
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    read_once = objects([None, *read(distinct.tolist()).tolist()])
    return np.asarray(read_once[codes + 1], dtype=object)


def remembered(values: Objects, read: Callable[[Objects], Objects],
               seen: dict[str, Any] | None) -> Objects:  # fmt: skip
    """``read(values)``, each distinct text looked up in ``seen`` first; ``seen`` gets the rest.

    ``read`` reads each value on its own (a missing value reads ``None``), so a text
    reads the same in any batch: what ``seen`` holds from an earlier batch, or an
    earlier run, is what reading it again would give. Only texts are remembered.

    Examples
    --------
    >>> seen = {"a": "kept"}
    >>> double = lambda texts: objects([t * 2 for t in texts.tolist()])
    >>> remembered(objects(["a", None, "b", "b"]), double, seen), seen
    (array(['kept', None, 'bb', 'bb'], dtype=object), {'a': 'kept', 'b': 'bb'})
    """
    if seen is None:
        return read(values)
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    listed = distinct.tolist()
    new = [k for k, value in enumerate(listed) if not (isinstance(value, str) and value in seen)]
    found = [None, *(seen.get(value) if isinstance(value, str) else None for value in listed)]
    if new:
        for k, value in zip(new, read(objects([listed[k] for k in new])).tolist(), strict=True):
            found[k + 1] = value
            if isinstance(listed[k], str):
                seen[listed[k]] = value
    return np.asarray(objects(found)[codes + 1], dtype=object)


def _text(value: object) -> str | None:
    if is_missing(value):
        return None
    return str(value).strip().lower() or None  # empty text is missing


def objects(values: list[Any]) -> Objects:
    """``values`` as a one-dimensional object array (lists stay items)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _host(value: str) -> str | None:
    try:
        return normalize_domain(value)
    except InvalidValueError:
        return None


def domains(values: Objects, *, seen: dict[str, Any] | None = None) -> Objects:
    """``https://www.Acme.com/about`` and ``acme.com`` on one scale (the domain's rule).

    ``seen``: domains read before (see :func:`remembered`).
    """
    return remembered(values, _hosts, seen)


def _hosts(values: Objects) -> Objects:
    codes, distinct = pd.factorize(values)
    hosts = np.array([None, *(_host(str(value)) for value in distinct)], dtype=object)
    return hosts[codes + 1]


def organisations(values: Objects, *, seen: dict[str, Any] | None = None) -> Objects:
    """Organisation names without legal suffixes or punctuation, words split by one space.

    ``seen``: names read before (see :func:`remembered`).
    """
    return remembered(values, _organisations, seen)


def _organisations(values: Objects) -> Objects:
    return _trimmed(normalise(pd.Series(values, dtype=object), _ORGANISATION))


def _trimmed(cleaned: Objects) -> Objects:
    """Names cleaned as organisations, trimmed (``None`` where nothing is left)."""
    if _texts(cleaned):
        return per_distinct(cleaned, lambda names: objects([name.strip() or None
                                                            for name in names]))  # fmt: skip
    return objects([None if is_missing(name) else (str(name).strip() or None)
                    for name in cleaned.tolist()])  # fmt: skip


def compact(words: Objects) -> Objects:
    """The name as names are compared: without its spaces."""
    return objects([None if name is None else name.replace(" ", "") for name in words.tolist()])


def check_table(frame: pd.DataFrame, required: tuple[str, ...], argument: str) -> None:
    """Refuse a table without the ``required`` columns or with repeated ids."""
    for column in required:
        if column not in frame.columns:
            msg = f"{argument} has no column {column!r}; it has {list(frame.columns)!r}"
            raise UnknownNameError(msg)
    if frame["id"].duplicated().any():
        repeated = frame["id"][frame["id"].duplicated()].iloc[0]
        msg = f"{argument} column 'id' repeats {repeated!r}"
        raise InvalidValueError(msg)


class Groups:
    """The rows holding each code (codes ``0 … n-1``; a row with code -1 is in none)."""

    def __init__(self, codes: Ints, size: int) -> None:
        held = np.flatnonzero(codes >= 0)
        order = np.argsort(codes[held], kind="stable")
        self._rows = held[order].astype(np.int64)
        counts = np.bincount(codes[held], minlength=size)
        self._starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def expand(self, codes: Ints) -> tuple[Ints, Ints]:
        """For each row of each code: the code's position in ``codes``, and the row."""
        known = np.flatnonzero(codes >= 0)
        first = self._starts[codes[known]]
        count = self._starts[codes[known] + 1] - first
        at = np.repeat(known, count).astype(np.int64)
        # the positions first[i], first[i] + 1, … for each code i, all in one array
        shift = np.repeat(first - np.cumsum(count) + count, count)
        return at, self._rows[shift + np.arange(len(at), dtype=np.int64)]


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False, eq=False)
class PreparedAccounts:
    """Accounts made ready for lead-to-account matching, to match many batches of contacts.

    Made by :meth:`LeadToAccount.prepare`; pass it to :meth:`LeadToAccount.match` in place
    of the accounts table. Each account's domain, suffix-free name and country are read
    once, and the accounts are indexed by domain and by the blocking keys of their names,
    so matching a few contacts costs a few look-ups, not a pass over every account.
    Read-only: accounts that change need preparing again.

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding.identity import LeadToAccount
    >>> accounts = pd.DataFrame({"id": ["A1", "A2"], "name": ["Acme Inc.", "Globex GmbH"],
    ...                          "domain": ["acme.com", None]})
    >>> prepared = LeadToAccount().prepare(accounts)
    >>> prepared
    PreparedAccounts: 2 rows, domains=1, names=2
    """

    _firms: pd.DataFrame = attrs.field(alias="firms")
    _domains: pd.Index[Any] = attrs.field(alias="domains")
    _by_domain: Groups = attrs.field(alias="by_domain")
    _names: NameIndex = attrs.field(alias="names")
    _by_name: Groups = attrs.field(alias="by_name")

    def __len__(self) -> int:
        return len(self._firms)

    def __repr__(self) -> str:
        return summary("PreparedAccounts", len(self), domains=len(self._domains),
                       names=len(self._names.choices))  # fmt: skip

    def take(self, rows: Ints) -> pd.DataFrame:
        """The prepared accounts at ``rows``, as a new frame.

        Columns ``account``, ``name``, ``words``, ``key``, ``domain``, ``city``,
        ``country`` and ``rank`` (their order on ties).
        """
        return self._firms.iloc[np.asarray(rows, dtype=np.int64)].reset_index(drop=True)

    @property
    def names(self) -> NameIndex:
        """The distinct suffix-free account names (``names.choices``), indexed by their keys."""
        return self._names

    def with_domains(self, found: npt.NDArray[np.object_]) -> tuple[Ints, Ints]:
        """For each account holding each domain of ``found``: the domain's position, the row."""
        return self._by_domain.expand(self._domains.get_indexer(pd.Index(found, dtype=object)))

    def with_names(self, choices: Ints) -> tuple[Ints, Ints]:
        """For each account holding each name of ``choices``: the name's position, the row."""
        return self._by_name.expand(np.asarray(choices, dtype=np.int64))


def _sortable(values: pd.Series[Any]) -> npt.NDArray[np.str_]:
    """Values as text to sort by; a missing one reads ``"None"`` with pandas 2 and 3 alike."""
    array = values.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(array, skipna=True) in ("string", "empty", "integer"):
        # Texts, integers and missing values: numpy writes each as str() does, at once.
        missing = np.asarray(pd.isna(array), dtype=bool)
        if all(map(is_missing, array[missing].tolist())):
            return np.asarray(np.where(missing, "None", array).astype(str))
    return np.array(["None" if is_missing(value) else str(value)
                     for value in array.tolist()], dtype=str)  # fmt: skip


def prepare_accounts(accounts: pd.DataFrame, *, cleaned: Objects | None = None,
                     seen: Seen | None = None) -> PreparedAccounts:  # fmt: skip
    """Accounts (``id``, ``name``, optionally ``domain``, ``city``, ``country``) prepared.

    ``cleaned`` holds the names already cleaned as organisations (see
    :meth:`LeadToAccount.prepare`), row by row; without it they are cleaned here.
    ``seen``: texts read and names indexed before, by kind (see :data:`Seen`); it gets
    those read now and the names indexed now.
    """
    check_table(accounts, ("id", "name"), "accounts")
    if cleaned is None:
        words = organisations(accounts["name"].to_numpy(dtype=object),
                              seen=seen_kind(seen, "organisation"))  # fmt: skip
    elif len(cleaned) != len(accounts):
        msg = f"cleaned_names holds {len(cleaned)} names for {len(accounts)} accounts"
        raise InvalidValueError(msg)
    else:
        words = _trimmed(np.asarray(cleaned, dtype=object))
    firms = pd.DataFrame(
        {
            "account": accounts["id"].to_numpy(dtype=object),
            "name": accounts["name"].to_numpy(dtype=object),
            "words": words,
            "key": compact(words),
            "domain": domains(text(accounts, "domain"), seen=seen_kind(seen, "domain")),
            "city": text(accounts, "city"),
            "country": per_distinct(
                text(accounts, "country"), lambda names: _country(objects(names))
            ),
        }
    )
    # Equally good accounts are told apart by name, then id, as text: never by row order.
    order = np.lexsort(tuple(_sortable(firms[column]) for column in ("account", "name")))
    firms["rank"] = np.argsort(order, kind="stable")
    domain_codes, distinct = pd.factorize(firms["domain"])
    choice_codes, choices = pd.factorize(firms["words"], sort=True)
    choice_array = np.asarray(choices, dtype=object)
    names = NameIndex(choice_array, before=None if seen is None else seen.get(NAME_KEYS))
    if seen is not None:  # the names indexed now, for the next accounts prepared
        seen[NAME_KEYS] = names.held
    return PreparedAccounts(
        firms=firms,
        domains=pd.Index(np.asarray(distinct, dtype=object), dtype=object),
        by_domain=Groups(domain_codes.astype(np.int64), len(distinct)),
        names=names,
        by_name=Groups(choice_codes.astype(np.int64), len(choice_array)),
    )


def seen_kind(seen: Seen | None, kind: str) -> dict[str, Any] | None:
    """The texts of one kind ``seen`` holds (made empty when it holds none yet)."""
    return None if seen is None else seen.setdefault(kind, {})
