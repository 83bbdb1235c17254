"""Shared inboxes: e-mail addresses that several people use, so that sharing one proves nothing.

An exact e-mail match is the strongest evidence two person records are one person, unless
the address belongs to a team (``info@``, ``sales@``, ``noreply@`` …) or is otherwise used
by several people. :class:`SharedInboxes` says which addresses are shared: role mailboxes
by their local part, and any address whose records carry names that clearly disagree. The
resolver then neither must-links records on a shared address nor counts the address as
evidence, and keeps records with clearly different names on one address apart.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, cast

import attrs
import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz.distance import JaroWinkler

from customer_understanding._core import Refused, check_positive, object_values, typed_fields
from customer_understanding.identity._comparison_frame import _split_names
from customer_understanding.identity._fields import Field, clean_column
from customer_understanding.identity._nicknames import NICKNAMES as _NICKNAMES
from customer_understanding.tables import ContactRecords

__all__ = ["ROLE_MAILBOXES", "SharedInboxes"]

#: Local parts of team and system mailboxes, written without separators (``no-reply`` and
#: ``no_reply`` are ``noreply``); an address with one of them never identifies a person.
ROLE_MAILBOXES: frozenset[str] = frozenset({
    "info", "information", "sales", "support", "noreply", "donotreply", "contact",
    "contactus", "hello", "hi", "admin", "administrator", "office", "team", "billing",
    "accounts", "accounting", "finance", "invoices", "invoice", "marketing", "hr", "jobs",
    "careers", "recruiting", "help", "helpdesk", "service", "customerservice",
    "customersupport", "enquiries", "inquiries", "enquiry", "inquiry", "general", "mail",
    "postmaster", "webmaster", "hostmaster", "abuse", "security", "privacy", "legal",
    "press", "media", "news", "newsletter", "partners", "purchasing", "procurement",
    "orders", "reception", "it", "ops", "operations", "feedback", "notifications", "bounce",
    "mailerdaemon", "all", "everyone", "staff", "sysadmin", "root", "webinar", "events",
})  # fmt: skip

_SEPARATORS = str.maketrans("", "", "._-")  # dropped from local parts: no-reply is noreply
_NOT_WORD = re.compile(r"\W")
_GIVEN = Field(column="first_name", kind="given_name")
_FAMILY = Field(column="last_name", kind="family_name")
_SIMILAR = 0.8  # Jaro-Winkler from which two spellings may be one name (typos, variants)


def _local_parts(value: object) -> frozenset[str] | Refused:
    if isinstance(value, str) or not isinstance(value, Iterable):
        return Refused(value, "must be a collection of mailbox names such as {'info', 'sales'}")
    parts = list(value)
    if not all(isinstance(part, str) and part.strip() for part in parts):
        return Refused(value, "must hold non-empty mailbox names (text)")
    return frozenset(part.strip().lower().translate(_SEPARATORS) for part in parts)


_Name = tuple[str | None, str | None]


def _relation(first: _Name, second: _Name) -> int:
    """Whether two (given, family) names agree (1), clearly differ (-1) or cannot tell (0).

    They agree when a part both records hold agrees (given names, family names, or the
    two swapped: ``"Powell, Michael"`` read as given name ``"Powell"``), and clearly differ
    when some part is on both records and none agrees. Checks stop at the first answer.
    """
    compared = [
        (agree, a, b)
        for agree, a, b in ((_family_compatible, first[1], second[1]),
                            (_given_compatible, first[0], second[0]))
        if a is not None and b is not None
    ]  # fmt: skip
    if any(agree(a, b) for agree, a, b in compared):
        return 1
    crossed = [(a, b) for a, b in ((first[0], second[1]), (first[1], second[0]))
               if a is not None and b is not None]  # fmt: skip
    if crossed and all(_given_compatible(a, b) or _family_compatible(a, b) for a, b in crossed):
        return 1
    return -1 if compared else 0


@functools.lru_cache(maxsize=1 << 16)
def _given_compatible(a: str | None, b: str | None) -> bool:
    """Given names: equal, an initial or prefix, a nickname, or close (each word)."""
    if a is None or b is None:
        return False
    for one in {a, *a.split()}:
        for other in {b, *b.split()}:
            forms = {(x, y) for x in _forms(one) for y in _forms(other)}
            if any(x.startswith(y) or y.startswith(x) or _close(x, y) for x, y in forms):
                return True
    return False


# Nicknames the matching engine's one-to-one table lacks, or maps to one name only.
# TODO(integrator): fold into identity._comparisons' table once it takes several names.
_MORE_NICKNAMES: dict[str, tuple[str, ...]] = {
    "sasha": ("alexandra", "alexander"), "tina": ("christina", "christine"),
    "trish": ("patricia",), "tori": ("victoria",), "ted": ("theodore", "edward"),
    "jackie": ("jacqueline", "jack"), "maddie": ("madeline", "madeleine"),
    "chris": ("christopher", "christine", "christina"), "alex": ("alexander", "alexandra"),
    "sam": ("samuel", "samantha"), "nate": ("nathan", "nathaniel"),
}  # fmt: skip


@functools.lru_cache(maxsize=4096)
def _forms(name: str) -> frozenset[str]:
    """A given name and the formal names it may stand for, its nickname mistyped too."""
    formal = {full for nick, full in _NICKNAMES.items() if _close(name, nick)}
    more = {full for nick, fulls in _MORE_NICKNAMES.items() if _close(name, nick)
            for full in fulls}  # fmt: skip
    return frozenset({name, _NICKNAMES.get(name, name), *formal, *more})


def _family_compatible(a: str | None, b: str | None) -> bool:
    """Family names: close as a whole, or in a word of four letters or more."""
    if a is None or b is None:
        return False
    if _close(a, b) or _close(a.replace(" ", ""), b.replace(" ", "")):
        return True
    words = [w for w in a.split() if len(w) > 3], [w for w in b.split() if len(w) > 3]
    return any(_close(x, y) for x in words[0] for y in words[1])


def _close(a: str, b: str) -> bool:
    return a == b or JaroWinkler.similarity(a, b) >= _SIMILAR


def _address(value: object) -> str | None:
    """An e-mail address trimmed and lower-cased, as text (``None``: missing).

    Plain Python, one value at a time: what pandas' ``string`` methods give, without
    making a column of every address first.
    """
    if isinstance(value, str):
        return value.strip().lower()
    if pd.api.types.is_scalar(value) and pd.isna(cast("Any", value)):
        return None
    return str(value).strip().lower()


def _names(values: list[object], field: Field, rows: npt.NDArray[np.intp],
           known: npt.NDArray[np.object_] | None) -> list[str | None]:  # fmt: skip
    """The names of ``rows`` cleaned as the linker's field cleans them (``known``: before)."""
    texts = clean_column(pd.Series(values, dtype=object).iloc[rows], field,
                         known=_rows(known, rows)).texts  # fmt: skip
    # missing names read as None (pandas 3 holds them as NaN)
    return object_values(pd.Series(texts, dtype=object)).tolist()  # type: ignore[no-any-return]


def _local_part(address: str) -> str:
    """What comes before the ``@``, a ``+tag`` dropped."""
    return address.partition("@")[0].partition("+")[0]


def _drop_handles(given: list[str | None], family: list[str | None],
                  addresses: list[str]) -> None:  # fmt: skip
    """Blank a name that is its address's own local part ("samanthat"): a handle, not a name.

    Only a name typed alone (the other part missing) is read so.
    """
    for name, other in ((given, family), (family, given)):
        for k in [k for k, value in enumerate(name) if value is not None and other[k] is None]:
            local = _local_part(addresses[k]).translate(_SEPARATORS)
            if _NOT_WORD.sub("", str(name[k])) == local:
                name[k] = None


def _rows(values: npt.NDArray[np.object_] | None, rows: npt.NDArray[np.intp],
          ) -> npt.NDArray[np.object_] | None:  # fmt: skip
    return None if values is None else np.asarray(values, dtype=object)[rows]


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class SharedInboxes:
    """Which e-mail addresses several people share, and what that changes.

    An address is *shared* when its local part is a role mailbox (``info@``, ``sales@``,
    ``support@``, ``noreply@`` … see :data:`ROLE_MAILBOXES`; dots, dashes, underscores
    and a ``+tag`` are ignored) or, with ``names_disagree``, when two records carrying
    it have names that clearly disagree: of the given and family names that both records
    hold, none could be one spelling of the other (typos, nicknames, initials,
    double-barrelled and swapped names are allowed for; a "name" that is the address's
    local part and nothing else, as help desks fill it in, is no name). A shared address is
    never a must-link and is no evidence for a match; two records on it whose names
    clearly disagree are never merged.

    Parameters
    ----------
    local_parts
        Role mailbox names; extend the default with
        ``SharedInboxes(local_parts=ROLE_MAILBOXES | {"vertrieb"})``.
    names_disagree
        Whether an address carried by records with clearly different names is shared too.
    max_names
        An address carried by more distinct names than this is shared without comparing
        them (no person is typed this many ways); it bounds the pairwise name checks.

    Examples
    --------
    >>> inboxes = SharedInboxes()
    >>> inboxes.is_role(["info@acme.com", "No-Reply+x@acme.com", "ann.lee@acme.com"]).tolist()
    [True, True, False]
    >>> shared, apart = inboxes.find(
    ...     ["ann@acme.com", "ann@acme.com", "ann@acme.com", "bob@acme.com"],
    ...     first=["Ann", "Anne", "Carl", "Bob"], last=["Lee", "Lee", "Moss", "Ng"])
    >>> shared.tolist(), apart
    ([True, True, True, False], [(0, 2), (1, 2)])
    """

    local_parts: frozenset[str] = attrs.field(default=ROLE_MAILBOXES, converter=_local_parts)
    names_disagree: bool = True
    max_names: int = attrs.field(default=100, validator=check_positive)

    def is_role(self, emails: Iterable[object]) -> npt.NDArray[np.bool_]:
        """Per address, whether its local part is a role mailbox (missing: ``False``)."""
        given = list(emails)
        return np.fromiter(map(self._role, given), dtype=np.bool_, count=len(given))

    def _role(self, value: object) -> bool:
        address = value.strip().lower() if isinstance(value, str) else _address(value)
        if address is None or "@" not in address:
            return False
        return _local_part(address).translate(_SEPARATORS) in self.local_parts

    @staticmethod
    def addresses(emails: Iterable[object]) -> pd.Series[Any]:
        """Each e-mail address as :meth:`find` compares it: trimmed, lower-cased (missing: NA).

        Examples
        --------
        >>> SharedInboxes.addresses([" Ann@Acme.com", None]).tolist()
        ['ann@acme.com', <NA>]
        """
        return pd.Series([_address(value) for value in emails], dtype="string")

    @staticmethod
    def carriers(
        records: ContactRecords, rows: npt.NDArray[np.integer[Any]], *,
        codes: npt.NDArray[np.int64] | None = None,
    ) -> dict[str, npt.NDArray[np.object_]]:  # fmt: skip
        """The records outside ``rows`` on an address one of ``rows`` carries, for :meth:`find`.

        Their ``"email"``, ``"first_name"`` and ``"last_name"``, the names as a resolver's
        comparison frame reads them (a whole name typed as the family name split); empty
        when there are none. Each address is trimmed and lower-cased once, in plain Python:
        no column of the other records' addresses is made. ``codes``, when known, number
        every record's address as the comparison cleans it (``-1``: none); then only the
        records with a number one of ``rows`` has, or with none, are read (addresses alike
        once trimmed and lower-cased are alike cleaned).

        Examples
        --------
        >>> import numpy as np
        >>> from customer_understanding.tables import ContactRecords
        >>> records = ContactRecords.from_columns({"system": ["crm"] * 3,
        ...     "source_id": ["a", "b", "c"], "email": ["ann@x.com", "Ann@X.com ", "bo@x.com"],
        ...     "last_name": ["Lee", "Moss, Cy", "Ng"]})
        >>> found = SharedInboxes.carriers(records, np.array([0]))
        >>> found["email"].tolist(), found["first_name"].tolist(), found["last_name"].tolist()
        (['Ann@X.com '], ['Cy'], ['Moss'])
        """
        emails = np.asarray(records.column("email"), dtype=object)
        wanted = {address for address in map(_address, emails[rows].tolist())
                  if address is not None}  # fmt: skip
        if codes is None:
            read = np.arange(len(emails))
        else:
            asked = np.unique(codes[rows])
            read = np.flatnonzero(np.isin(codes, asked[asked >= 0])
                                  | ((codes < 0) & pd.notna(emails)))  # fmt: skip
        on = np.zeros(len(emails), dtype=np.bool_)
        on[read] = np.fromiter(
            ((value.strip().lower() if isinstance(value, str) else _address(value)) in wanted
             for value in emails[read].tolist()),
            dtype=np.bool_, count=len(read),
        )  # fmt: skip
        on[rows] = False
        outside = np.flatnonzero(on)
        if not len(outside):
            return {}
        carrying = records.take(outside)
        names = pd.DataFrame({column: np.asarray(carrying.column(column), dtype=object)
                              for column in ("first_name", "last_name")})  # fmt: skip
        _split_names(names)  # as the comparison frame reads them
        return {"email": emails[outside],
                "first_name": names["first_name"].to_numpy(dtype=object),
                "last_name": names["last_name"].to_numpy(dtype=object)}  # fmt: skip

    def find(
        self, emails: Iterable[object], *, first: Iterable[object], last: Iterable[object],
        cleaned: tuple[npt.NDArray[np.object_] | None, npt.NDArray[np.object_] | None] = (
            None, None),
        carriers: Mapping[str, npt.NDArray[np.object_]] | None = None,
    ) -> tuple[npt.NDArray[np.bool_], list[tuple[int, int]]]:  # fmt: skip
        """Which records carry a shared address, and the record pairs to keep apart.

        Returns a flag per record and the pairs of positions (lower first) of records on
        one address whose names clearly disagree. ``cleaned`` may give each record's
        given and family name as cleaned before (``None``: not known), as a linker's
        given-name and family-name fields clean them; those are not cleaned again.
        ``carriers`` are other records (``"email"``, ``"first_name"``, ``"last_name"``)
        read with these to tell whether an address is shared, as when every record is
        given at once; the answer covers the given records only.
        """
        emails, first, last = list(emails), list(first), list(last)
        given = len(emails)
        if carriers:  # read after the given ones; only pairs among the given are kept
            emails += list(carriers["email"])
            first += list(carriers["first_name"])
            last += list(carriers["last_name"])
            unknown = np.full(len(emails) - given, None, dtype=object)
            cleaned = tuple(None if known is None else np.concatenate([known, unknown])
                            for known in cleaned)  # type: ignore[assignment]  # fmt: skip
        shared, apart = self._find(emails, first, last, cleaned)
        return shared[:given], [pair for pair in apart if pair[1] < given]

    def _find(
        self, emails: list[object], first: list[object], last: list[object],
        cleaned: tuple[npt.NDArray[np.object_] | None, npt.NDArray[np.object_] | None],
    ) -> tuple[npt.NDArray[np.bool_], list[tuple[int, int]]]:  # fmt: skip
        text = [_address(value) for value in emails]
        shared = self.is_role(text)
        if not self.names_disagree:
            return shared, []
        # Only the names on an address carried more than once are ever compared: those
        # records' names alone are read (each name is cleaned on its own).
        held = Counter(address for address in text if address is not None)
        carried = np.array([row for row, address in enumerate(text)
                            if address is not None and held[address] > 1],
                           dtype=np.intp)  # fmt: skip
        if not len(carried):
            return shared, []
        addresses = [str(text[row]) for row in carried.tolist()]
        given = _names(first, _GIVEN, carried, cleaned[0])
        family = _names(last, _FAMILY, carried, cleaned[1])
        _drop_handles(given, family, addresses)
        by_address: dict[str, list[int]] = {}
        for k, address in enumerate(addresses):
            by_address.setdefault(address, []).append(k)
        apart: list[tuple[int, int]] = []
        for ks in by_address.values():
            keys = [(given[k], family[k]) for k in ks]
            if len({key for key in keys if key != (None, None)}) < 2:
                continue  # one name (most addresses: one person's records): no clash
            positions = carried[ks]
            found, pairs = self._disagreeing(keys, positions)
            if found:
                shared[positions] = True
                apart.extend(pairs)
        return shared, sorted(apart)

    def _disagreeing(
        self, keys: list[tuple[Any, Any]], positions: npt.NDArray[np.intp]
    ) -> tuple[bool, list[tuple[int, int]]]:
        """Whether names on one address clearly disagree, and the record pairs that do.

        Names that agree, directly or through other names on the address ("Lary Carter",
        "Lawrence Carter", "Lawrence"), are taken as one person's; two names of different
        such groups that clearly differ are two people.
        """
        distinct = sorted({key for key in keys if key != (None, None)}, key=str)
        if len(distinct) < 2:  # one name (most addresses: one person's records): no clash
            return False, []
        if len(distinct) > self.max_names:
            return True, []  # plainly many people: no pair needs naming to keep the address out
        relation = {(a, b): _relation(a, b) for i, a in enumerate(distinct)
                    for b in distinct[i + 1 :]}  # fmt: skip
        if min(relation.values()) >= 0:  # no two names clearly differ: nothing to group
            return False, []
        graph = nx.Graph()
        graph.add_nodes_from(distinct)
        graph.add_edges_from(pair for pair, value in relation.items() if value > 0)
        person = {name: n for n, part in enumerate(nx.connected_components(graph)) for name in part}
        clash = {pair for pair, value in relation.items()
                 if value < 0 and person[pair[0]] != person[pair[1]]}  # fmt: skip
        if not clash or len(keys) > 4 * self.max_names:
            return bool(clash), []
        clash |= {(b, a) for a, b in clash}
        pairs = [
            (int(positions[i]), int(positions[j]))
            for i in range(len(keys))
            for j in range(i + 1, len(keys))
            if (keys[i], keys[j]) in clash
        ]
        return True, pairs
