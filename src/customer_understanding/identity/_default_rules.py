"""The blocking rules a linker uses when none are declared, and what each rule's EM reads."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from customer_understanding.identity._blocking import BlockingRule
from customer_understanding.identity._checks import base_column
from customer_understanding.identity._fields import Field

__all__ = ["COARSE_KINDS", "blind_to", "default_rules"]

# Kinds whose value alone makes two records worth comparing.
_SINGLE_KEY_KINDS = ("email", "phone", "identifier", "organisation", "address", "person_name")
# Kinds with a bounded set of values (a few thousand given names, cities or postcodes,
# whatever the table's size): a pair of two of them has blocks that grow with the table,
# so its per-value cap is a tenth of the others'.
COARSE_KINDS = frozenset({"given_name", "city", "postcode", "category", "state"})
_COARSE_SHARE = 10


def _cap(first: Field, second: Field, max_block: int | None) -> int | None:
    if max_block is None or first.kind not in COARSE_KINDS or second.kind not in COARSE_KINDS:
        return max_block
    return max(2, max_block // _COARSE_SHARE)


def default_rules(fields: Sequence[Field], *, max_block: int | None = 50) -> list[BlockingRule]:
    """The blocking rules derived from the fields: pairs of blocking columns.

    Columns of kind e-mail, phone, identifier, organisation, address and person name also
    block on their own; organisation names also on their first word and their initials.
    Every two blocking columns make a rule. A true match is found as long as it agrees
    exactly on two blocking columns (or one single key). Every default rule skips a value
    held by more than ``max_block`` records (a switchboard phone, a placeholder nobody
    listed): such a value tells little, and its pairs would grow with the square of its
    records. A rule of two columns of a kind with a bounded set of values (given name,
    city, postcode, category, state; ``COARSE_KINDS``), whose blocks grow with the table,
    is capped at a tenth of that. So the rules depend only on the declarations, never on
    the table's size, and each pairs a record with at most ``max_block - 1`` others.

    Examples
    --------
    >>> fields = [Field(column="first", kind="given_name"), Field(column="city",
    ...     kind="city"), Field(column="email", kind="email")]
    >>> [(rule.name, rule.max_block) for rule in default_rules(fields)]
    [('email', 50), ('first & city', 5), ('first & email', 50), ('city & email', 50)]
    """
    blocking = [field for field in fields if field.block]
    singles = [BlockingRule(on=(field.column,), max_block=max_block) for field in blocking
               if field.kind in _SINGLE_KEY_KINDS]  # fmt: skip
    doubles = [BlockingRule(on=(a.column, b.column), max_block=_cap(a, b, max_block))
               for a, b in itertools.combinations(blocking, 2)]  # fmt: skip
    # Organisation names also block on their first word and their initials, so that
    # "Northwind" finds "Northwind (Boston)" and "IBM" finds "International Business …"
    singles += [BlockingRule(on=f"{field.column} ({key})", max_block=max_block)
                for field in blocking if field.kind == "organisation"
                for key in ("first word", "initials")]  # fmt: skip
    if len(blocking) > 1:
        return singles + doubles
    return singles or [BlockingRule(on=tuple(f.column for f in blocking), max_block=max_block)]


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
