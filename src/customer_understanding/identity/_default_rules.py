"""The blocking rules a linker uses when none are declared, and what each rule's EM reads."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from customer_understanding.identity._blocking import BlockingRule
from customer_understanding.identity._checks import base_column
from customer_understanding.identity._fields import Field

__all__ = ["blind_to", "default_rules"]

# Kinds whose value alone makes two records worth comparing.
_SINGLE_KEY_KINDS = ("email", "phone", "identifier", "organisation", "address", "person_name")


def default_rules(fields: Sequence[Field], *, max_block: int | None = 50) -> list[BlockingRule]:
    """The blocking rules derived from the fields: every pair of blocking columns.

    Columns of kind e-mail, phone, identifier, organisation, address and person name also
    block on their own; organisation names also on their first word and their initials.
    A true match is found as long as it agrees exactly on any two
    blocking columns (or one such key). Every default rule skips a value held by more
    than ``max_block`` records (a switchboard phone, a placeholder nobody listed): such
    a value tells little, and its pairs would grow with the square of its records.

    Examples
    --------
    >>> fields = [Field(column="first", kind="given_name"), Field(column="last",
    ...     kind="family_name"), Field(column="email", kind="email")]
    >>> [rule.name for rule in default_rules(fields)]
    ['email', 'first & last', 'first & email', 'last & email']
    """
    blocking = [field.column for field in fields if field.block]
    singles = [BlockingRule(on=(field.column,), max_block=max_block) for field in fields
               if field.block and field.kind in _SINGLE_KEY_KINDS]  # fmt: skip
    doubles = [BlockingRule(on=pair, max_block=max_block)
               for pair in itertools.combinations(blocking, 2)]  # fmt: skip
    # Organisation names also block on their first word and their initials, so that
    # "Northwind" finds "Northwind (Boston)" and "IBM" finds "International Business …"
    singles += [BlockingRule(on=f"{field.column} ({key})", max_block=max_block)
                for field in fields if field.block and field.kind == "organisation"
                for key in ("first word", "initials")]  # fmt: skip
    if len(blocking) > 1:
        return singles + doubles
    return singles or [BlockingRule(on=tuple(blocking), max_block=max_block)]


# Kinds that say where an entity is: records that share one of them (a building's
# address or switchboard) often share the others without being one entity.
_PLACE_KINDS = frozenset({"address", "phone", "postcode", "city"})


def blind_to(rule: BlockingRule, fields: Sequence[Field]) -> list[int]:
    """The columns a rule's EM must not read: its own, and every place if it blocks on one.

    Pairs found through a shared address also share the city and often the phone and
    postcode, whether or not they are one entity; counting those as evidence would teach
    EM that two businesses in one building are a match.
    """
    columns = [field.column for field in fields]
    own = {columns.index(base_column(column, columns)) for column in rule.on}
    if any(fields[k].kind in _PLACE_KINDS for k in own):
        own |= {k for k, field in enumerate(fields) if field.kind in _PLACE_KINDS}
    return sorted(own)
