"""Survivorship rules: which record's value of a field survives into the golden record.

Each rule is a small frozen setting; the engine (:mod:`._survive`) applies it to every
cluster at once. Built-in rules break ties by recency (newest first), then by record order.
:class:`Vote` decides by evidence (how many systems and records carry a spelling);
:data:`EVIDENCE_RULES` are the customer base's defaults built on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Literal, TypeAlias

import attrs
import pandas as pd

from customer_understanding._core import frozen_mapping, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.domain import ACCOUNT_VOCABULARY, AccountVocabulary

__all__ = [
    "DEFAULT_PRIORITY",
    "EVIDENCE_RULES",
    "Custom",
    "Earliest",
    "MostComplete",
    "MostFrequent",
    "MostRecent",
    "Rule",
    "SourcePriority",
    "Spelling",
    "Survivorship",
    "Vote",
]

#: Systems in the order the customer base trusts their values, CRM first.
DEFAULT_PRIORITY = ("salesforce", "hubspot", "zendesk", "product", "web")


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class MostRecent:
    """The value of the newest record (needs a time for each record).

    Examples
    --------
    >>> MostRecent().label
    'most_recent'
    """

    label: ClassVar[str] = "most_recent"


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Earliest:
    """The value of the oldest record (needs a time for each record; undated ones last).

    Made for when an entity came to be: a person or an organisation is known from the
    creation of its first record, whichever system holds it.

    Examples
    --------
    >>> Earliest().label
    'earliest'
    """

    label: ClassVar[str] = "earliest"


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class MostFrequent:
    """The value most records agree on; ties go to the newest record, then the first.

    Examples
    --------
    >>> MostFrequent().label
    'most_frequent'
    """

    label: ClassVar[str] = "most_frequent"


def _order_tuple(order: object) -> tuple[str, ...]:
    if isinstance(order, str):
        return (order,)
    if not isinstance(order, Iterable) or not all(isinstance(s, str) for s in order):
        msg = f"order={order!r} must be a sequence of source names"
        raise InvalidValueError(msg)
    return tuple(order)


def _check_order(instance: object, attribute: Any, value: tuple[str, ...]) -> None:
    if not value:
        msg = "order=() must name at least one source"
        raise InvalidValueError(msg)
    if len(set(value)) != len(value):
        msg = f"order={value!r} names a source twice"
        raise InvalidValueError(msg)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class SourcePriority:
    """The value from the most trusted source; among equals the newest, then the first.

    Parameters
    ----------
    order
        Sources from most to least trusted; sources not listed come last.

    Examples
    --------
    >>> SourcePriority(order=["salesforce", "hubspot"]).label
    'source_priority(salesforce>hubspot)'
    """

    order: tuple[str, ...] = attrs.field(converter=_order_tuple, validator=_check_order)

    @property
    def label(self) -> str:
        """The rule as it is written in the provenance table."""
        return f"source_priority({'>'.join(self.order)})"


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class MostComplete:
    """The longest value (as text); ties go to the newest record, then the first.

    Examples
    --------
    >>> MostComplete().label
    'most_complete'
    """

    label: ClassVar[str] = "most_complete"


def _check_callable(instance: object, attribute: Any, value: Any) -> None:
    if not callable(value):
        msg = f"{attribute.name}={value!r} must be callable"
        raise InvalidValueError(msg)


def _check_name(instance: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        msg = f"{attribute.name}={value!r} must be a non-empty string"
        raise InvalidValueError(msg)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Custom:
    """A rule of your own, called once per cluster with the cluster's candidates.

    Parameters
    ----------
    function
        Takes a DataFrame of the cluster's candidate records (only those with a value),
        indexed by record id and sorted by it (so that the row order of the input never
        matters), with the columns ``value``, ``source`` and ``time``; returns the chosen
        row (a row of that frame or its index label).
    name
        How the rule is named in the provenance table.

    Examples
    --------
    >>> shortest = Custom(function=lambda c: c["value"].str.len().idxmin(), name="shortest")
    >>> shortest.label
    'custom(shortest)'
    """

    function: Callable[[pd.DataFrame], Any] = attrs.field(validator=_check_callable)
    name: str = attrs.field(default="function", validator=_check_name)

    @property
    def label(self) -> str:
        """The rule as it is written in the provenance table."""
        return f"custom({self.name})"


#: How :class:`Vote` tells two spellings of one value apart (see :class:`Vote`).
Spelling: TypeAlias = Literal[
    "exact", "text", "name", "organisation", "email", "phone", "employee_band"
]


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Vote:
    """The value with the most evidence: the spelling most systems, then most records, carry.

    Records are grouped by their value's spelling (``spelling`` says which differences
    do not count: case, accents, punctuation, legal suffixes …). The spelling carried by
    the most systems wins, then the one carried by the most records, so a one-off typo
    loses to a name two other records agree on, and three copies of a record in one
    system do not outvote two independent systems. Among the records of the winning
    spelling, the most common exact writing is taken, then the most trusted system's
    (``order``), then the newest record's, then the first record id's.

    Parameters
    ----------
    spelling
        ``"exact"`` (the text as written), ``"text"`` (case, accents, spaces and
        punctuation do not count), ``"name"`` (as
        :func:`~customer_understanding.domain.normalize_name`), ``"organisation"``
        (legal suffixes do not count either), ``"email"``, ``"phone"`` (digits only) or
        ``"employee_band"`` (head counts in one band agree).
    work_email_first
        Addresses at consumer mailbox domains
        (:data:`~customer_understanding.domain.FREE_MAIL_DOMAINS`) win only when no record
        has another address, and team inboxes (``info@``, ``sales@`` … see
        :data:`~customer_understanding.identity.ROLE_MAILBOXES`), nobody's own address,
        only when no record has any other.
    witness
        A field whose values in the same cluster corroborate a spelling, counted as one
        more system carrying it: for names, ``"email"``, since ``ann.walker@acme.com``
        speaks for *Walker* over *Walekr*. A spelling is corroborated when it is a word
        of an address's local part, or one with an initial or a last letter more, or
        its beginning or end; an exact word ranks above a partial one when both are.
    order
        Sources from most to least trusted, for ties.

    Examples
    --------
    >>> Vote(spelling="name").label
    'vote(name)'
    >>> Vote(spelling="name", witness="email").label
    'vote(name, witness email)'
    >>> Vote(spelling="email", work_email_first=True).label
    'vote(email, work first)'
    """

    spelling: Spelling = "text"
    work_email_first: bool = False
    witness: str | None = None
    order: tuple[str, ...] = attrs.field(
        default=DEFAULT_PRIORITY, converter=_order_tuple, validator=_check_order
    )

    @property
    def label(self) -> str:
        """The rule as it is written in the provenance table."""
        work = ", work first" if self.work_email_first else ""
        witness = f", witness {self.witness}" if self.witness else ""
        return f"vote({self.spelling}{work}{witness})"


#: A survivorship rule, as :func:`golden_records` and :class:`Survivorship` take them.
Rule: TypeAlias = (
    MostRecent | Earliest | MostFrequent | SourcePriority | MostComplete | Custom | Vote
)

#: The customer base's default rules: golden records by evidence. Names, e-mail and
#: company fields are voted on (work e-mail first); the newest phone and title win
#: (people move; the base only offers a phone that parses when one does); industry and
#: country are voted on in the vocabulary's terms; an entity was created when its first
#: record was (so a later record never moves it). Other fields trust systems in the
#: order of :data:`DEFAULT_PRIORITY`.
EVIDENCE_RULES: Mapping[str, Rule] = frozen_mapping({
    "first_name": Vote(spelling="name", witness="email"),
    "last_name": Vote(spelling="name", witness="email"),
    "email": Vote(spelling="email", work_email_first=True),
    "phone": MostRecent(),
    "phone_normalized": MostRecent(),
    "title": MostRecent(),
    "department": Vote(),
    "seniority": Vote(),
    "name": Vote(spelling="organisation"),
    "domain": Vote(),
    "industry": Vote(),
    "country": Vote(),
    "city": Vote(spelling="name"),
    "employees": Vote(spelling="employee_band"),
    "created_at": Earliest(),
})  # fmt: skip


def _check_rule(name: str, rule: object) -> None:
    if not isinstance(rule, Rule):
        msg = f"{name}={rule!r} is not a survivorship rule"
        raise InvalidValueError(msg)


def _rules_mapping(value: object) -> Mapping[str, Rule]:
    if not isinstance(value, Mapping):
        msg = f"rules={value!r} must be a mapping of field name to rule"
        raise InvalidValueError(msg)
    for field, rule in value.items():
        if not isinstance(field, str):
            msg = f"rules has key {field!r}, which is not a field name"
            raise InvalidValueError(msg)
        _check_rule(f"rules[{field!r}]", rule)
    return frozen_mapping(value)


def _check_default(instance: object, attribute: Any, value: Any) -> None:
    _check_rule("default", value)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Survivorship:
    """The survivorship rule of every field: the ones named, and a default for the rest.

    :meth:`CustomerBase.build <customer_understanding.base.CustomerBase.build>` takes one
    (or just the mapping of ``rules``). The default trusts systems in the order of
    :data:`DEFAULT_PRIORITY`, then prefers the newest record, as the customer base always
    has.

    Parameters
    ----------
    rules
        The rule of each field that should not follow ``default``.
    default
        The rule of every other field.
    vocabulary
        The terms golden accounts are written in: the customer base folds each account
        record's industry and country to this vocabulary's terms before the rules
        run, so that every system's spelling votes for one term. ``None`` keeps them
        as written (:meth:`by_evidence` gives the built-in vocabulary).

    Examples
    --------
    >>> policy = Survivorship(rules={"last_name": MostFrequent()})
    >>> policy.rule_of("last_name").label, policy.rule_of("title").label
    ('most_frequent', 'source_priority(salesforce>hubspot>zendesk>product>web)')
    """

    rules: Mapping[str, Rule] = attrs.field(factory=dict, converter=_rules_mapping, hash=False)
    default: Rule = attrs.field(
        factory=lambda: SourcePriority(order=DEFAULT_PRIORITY), validator=_check_default
    )
    vocabulary: AccountVocabulary | None = None

    @classmethod
    def by_evidence(
        cls,
        rules: Mapping[str, Rule] | None = None,
        *,
        vocabulary: AccountVocabulary = ACCOUNT_VOCABULARY,
    ) -> Survivorship:
        """The customer base's default: :data:`EVIDENCE_RULES`, with ``rules`` over them.

        Examples
        --------
        >>> policy = Survivorship.by_evidence({"title": MostFrequent()})
        >>> policy.rule_of("last_name").label, policy.rule_of("title").label
        ('vote(name, witness email)', 'most_frequent')
        """
        return cls(rules={**EVIDENCE_RULES, **(rules or {})}, vocabulary=vocabulary)

    def rule_of(self, field: str) -> Rule:
        """The rule that decides ``field``."""
        return self.rules.get(field, self.default)
