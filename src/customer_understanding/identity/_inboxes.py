"""Shared inboxes: e-mail addresses that several people use, so that sharing one proves nothing.

An exact e-mail match is the strongest evidence two person records are one person, unless
the address belongs to a team (``info@``, ``sales@``, ``noreply@`` …) or is otherwise used
by several people. :class:`SharedInboxes` says which addresses are shared: role mailboxes
by their local part, and any address whose records carry names that clearly disagree. The
resolver then neither must-links records on a shared address nor counts the address as
evidence, and keeps records with clearly different names on one address apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz.distance import JaroWinkler

from customer_understanding._core import Refused, check_positive, typed_fields
from customer_understanding.identity._comparisons import _NICKNAMES
from customer_understanding.identity._fields import Field, normalise

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

_SEPARATORS = re.compile(r"[._\-]")
_GIVEN = Field(column="first_name", kind="given_name")
_FAMILY = Field(column="last_name", kind="family_name")
_SIMILAR = 0.8  # Jaro-Winkler from which two spellings may be one name (typos, variants)


def _local_parts(value: object) -> frozenset[str] | Refused:
    if isinstance(value, str) or not isinstance(value, Iterable):
        return Refused(value, "must be a collection of mailbox names such as {'info', 'sales'}")
    parts = list(value)
    if not all(isinstance(part, str) and part.strip() for part in parts):
        return Refused(value, "must hold non-empty mailbox names (text)")
    return frozenset(_SEPARATORS.sub("", part.strip().lower()) for part in parts)


_Name = tuple[str | None, str | None]


def _names_compatible(first: _Name, second: _Name) -> bool:
    """Whether two (given, family) names could be one person's, typed two ways."""
    given = _given_compatible(first[0], second[0])
    family = _family_compatible(first[1], second[1])
    # Exports swap the two ("Powell, Michael" read as given "Powell"): either half agreeing
    # across is enough.
    swapped = _given_compatible(first[0], second[1]) or _family_compatible(first[1], second[0])
    return given or family or swapped


def _given_compatible(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    a, b = _NICKNAMES.get(a, a), _NICKNAMES.get(b, b)
    return a.startswith(b) or b.startswith(a) or JaroWinkler.similarity(a, b) >= _SIMILAR


def _family_compatible(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    if set(a.split()) & set(b.split()):  # double-barrelled and partial names
        return True
    return JaroWinkler.similarity(a, b) >= _SIMILAR


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class SharedInboxes:
    """Which e-mail addresses several people share, and what that changes.

    An address is *shared* when its local part is a role mailbox (``info@``, ``sales@``,
    ``support@``, ``noreply@`` … see :data:`ROLE_MAILBOXES`; dots, dashes, underscores
    and a ``+tag`` are ignored) or, with ``names_disagree``, when two records carrying
    it have names that clearly disagree: both have a family name, and neither their given
    names nor their family names could be one spelling of the other (typos, nicknames,
    initials, double-barrelled and swapped names are allowed for; a "name" that is the
    address's local part, as help desks fill it in, is no name). A shared address is
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
        text = pd.Series(list(emails), dtype="string").str.strip().str.lower()
        local = text.str.extract(r"^([^@+]*)(?:\+[^@]*)?@", expand=False)
        local = local.str.replace(_SEPARATORS, "", regex=True)
        return local.isin(self.local_parts).fillna(False).to_numpy(dtype=np.bool_)

    def find(
        self, emails: Iterable[object], *, first: Iterable[object], last: Iterable[object]
    ) -> tuple[npt.NDArray[np.bool_], list[tuple[int, int]]]:
        """Which records carry a shared address, and the record pairs to keep apart.

        Returns a flag per record and the pairs of positions (lower first) of records on
        one address whose names clearly disagree.
        """
        text = pd.Series(list(emails), dtype="string").str.strip().str.lower()
        shared = self.is_role(text)
        if not self.names_disagree:
            return shared, []
        names = pd.DataFrame({
            "email": text,
            "given": normalise(pd.Series(list(first), dtype=object), _GIVEN),
            "family": normalise(pd.Series(list(last), dtype=object), _FAMILY),
        })  # fmt: skip
        # A name that is the address's own local part ("samanthat") is a handle, not a name.
        local = text.str.extract(r"^([^@+]*)", expand=False).str.replace(_SEPARATORS, "", regex=True)
        for column in ("given", "family"):
            typed = pd.Series(names[column], dtype="string").str.replace(r"\W", "", regex=True)
            names.loc[(typed == local).fillna(False).to_numpy(), column] = None
        repeated = names["email"].notna() & names["email"].duplicated(keep=False)
        apart: list[tuple[int, int]] = []
        for rows in names[repeated].groupby("email", sort=True).indices.values():
            positions = np.flatnonzero(repeated.to_numpy())[rows]
            found, pairs = self._disagreeing(names.iloc[positions], positions)
            if found:
                shared[positions] = True
                apart.extend(pairs)
        return shared, sorted(apart)

    def _disagreeing(
        self, group: pd.DataFrame, positions: npt.NDArray[np.intp]
    ) -> tuple[bool, list[tuple[int, int]]]:
        """Whether names on one address clearly disagree, and the record pairs that do."""
        keys = list(zip(group["given"].tolist(), group["family"].tolist(), strict=True))
        distinct = sorted({key for key in keys if key[1] is not None}, key=str)
        if len(distinct) > self.max_names:
            return True, []  # plainly many people: no pair needs naming to keep the address out

        clash = {
            (a, b)
            for i, a in enumerate(distinct)
            for b in distinct[i + 1 :]
            if not _names_compatible(a, b)
        }
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
