"""What a linker's run over a few records takes from the many records they belong to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._core import int64s, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.identity._blocking import BlockingRule
from customer_understanding.identity._checks import base_column
from customer_understanding.identity._frequencies import Frequencies
from customer_understanding.identity._model import FellegiSunter
from customer_understanding.identity._records import Prepared

__all__ = ["LinkContext"]

Ints = npt.NDArray[np.int64]


def _ints_or_none(values: Any) -> Ints | None:
    return None if values is None else int64s(values)


def _columns(values: Any) -> Mapping[str, Ints]:
    """Arrays of codes by name (read-only int64)."""
    if not isinstance(values, Mapping):
        msg = f"{values!r} must be a mapping of names to arrays of codes"
        raise InvalidValueError(msg)
    return {str(name): int64s(codes) for name, codes in values.items()}


def _values(values: Any) -> Mapping[str, npt.NDArray[np.object_]]:
    """Arrays of distinct values by name."""
    if not isinstance(values, Mapping):
        msg = f"{values!r} must be a mapping of names to arrays of distinct values"
        raise InvalidValueError(msg)
    return {str(name): np.asarray(found, dtype=object) for name, found in values.items()}


def _keyed(rule: BlockingRule, place: int, columns: list[str]) -> str:
    """The code column a rule's given keys stand in (read as a key of its first field)."""
    return f"{base_column(rule.on[0], columns)} (given: rule {place})"


@attrs.frozen(field_transformer=typed_fields, kw_only=True, eq=False)
class LinkContext:
    """What a :class:`Linker`'s run takes from a larger set of records than it links.

    An incremental update links a few records (new ones and those they can reach) out of
    many already resolved. For a pair to weigh there what it weighs in a run over every
    record, the run is given (all optional):

    Parameters
    ----------
    model
        The fitted model to score with instead of fitting one.
    frequencies
        The term frequencies counted with that model (see :class:`Frequencies`), their
        value codes those of ``codes``: a share is read by the code a linked record has
        there. Without them, they are counted over the records linked.
    codes
        Per compared column, a value code (``-1``: missing) for *every* record of the
        larger set.
    rows
        Which of those records the run links, in the order it is given them.
    uniques
        Per column of ``codes``, the cleaned values its codes stand for: a record
        linked whose code is known takes its value from them instead of being cleaned
        again (it must be what cleaning the record gives; missing ones are cleaned).
    keys
        Per blocking rule name, the rule's key for each record linked (``-1``: none),
        as counted over every record: a value held by more records than the rule's
        ``max_block`` pairs nobody, however few of them are linked now.
    budgeted
        Whether ``keys`` (given for every rule) are already within each record's
        budget of candidates counted over every record; the run then applies no
        budget of its own (its blocks are smaller than the records' real ones).
    carriers
        The records of the larger set, outside those linked, that carry an e-mail
        address a linked record carries: their ``"email"``, ``"first_name"`` and
        ``"last_name"`` as a resolver's comparison frame reads them. Whether an address
        is a shared inbox is told over them too, as a run over every record tells it
        (see :meth:`SharedInboxes.find`).

    After each run, ``kept`` holds its fitted (or given) ``"model"``, the
    ``"frequencies"`` it weighed with and its prepared ``"records"``, so a caller can
    keep them.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from customer_understanding.identity import Field, Linker
    >>> context = LinkContext()
    >>> linker = Linker(fields=[Field(column="email", kind="email")], link_threshold=0.5,
    ...                 context=context)
    >>> frame = pd.DataFrame({"email": ["a@x.com", "a@x.com", "b@y.com"]})
    >>> linker.deduplicate(frame).clusters.tolist(), sorted(context.kept)
    ([0, 0, 1], ['frequencies', 'model', 'records'])
    """

    model: FellegiSunter | None = None
    frequencies: Frequencies | None = None
    codes: Mapping[str, Ints] = attrs.field(factory=dict, converter=_columns)
    rows: Ints | None = attrs.field(default=None, converter=_ints_or_none)
    uniques: Mapping[str, npt.NDArray[np.object_]] = attrs.field(factory=dict, converter=_values)
    keys: Mapping[str, Ints] = attrs.field(factory=dict, converter=_columns)
    budgeted: bool = False
    carriers: Mapping[str, npt.NDArray[np.object_]] = attrs.field(factory=dict, converter=_values)
    kept: dict[str, Any] = attrs.field(factory=dict, init=False)

    def __attrs_post_init__(self) -> None:
        if self.codes and self.rows is None:
            msg = "LinkContext(codes=...) needs rows= with them"
            raise InvalidValueError(msg)
        if self.frequencies is not None and not set(self.frequencies.counts) <= set(self.codes):
            msg = "LinkContext(frequencies=...) needs codes= of every column they count"
            raise InvalidValueError(msg)

    def cleaned(self, linked: int) -> dict[str, npt.NDArray[np.object_]] | None:
        """Per column given ``uniques``, each record linked's cleaned value (``None``: not known).

        ``None`` unless the run links ``linked`` records, those of ``rows``.
        """
        if not self.uniques or self.rows is None or len(self.rows) != linked:
            return None
        found = {}
        for column, uniques in self.uniques.items():
            codes = self.codes.get(column)
            if codes is None:
                continue
            mine = codes[self.rows]
            values = np.full(len(mine), None, dtype=object)
            present = mine >= 0
            values[present] = np.asarray(uniques, dtype=object)[mine[present]]
            found[column] = values
        return found

    def blocking(self, rules: tuple[BlockingRule, ...],
                 prepared: Prepared) -> tuple[tuple[BlockingRule, ...], Prepared]:  # fmt: skip
        """The rules in force and the records, rules with given keys standing on them."""
        if not self.keys:
            return rules, prepared
        known = {rule.name for rule in rules}
        for name, keys in self.keys.items():
            if name not in known or len(keys) != len(prepared):
                msg = f"keys[{name!r}] must name a rule and hold one key per record linked"
                raise InvalidValueError(msg)
        columns = [field.column for field in prepared.fields]
        named = [_keyed(rule, place, columns) for place, rule in enumerate(rules)]
        pairs = list(zip(named, rules, strict=True))
        given = {name: np.asarray(self.keys[rule.name], dtype=np.int64)
                 for name, rule in pairs if rule.name in self.keys}  # fmt: skip
        rules = tuple(BlockingRule(on=name, name=rule.name) if rule.name in self.keys else rule
                      for name, rule in zip(named, rules, strict=True))  # fmt: skip
        return rules, attrs.evolve(prepared, codes={**prepared.codes, **given})

    def counted(self, column: str) -> bool:
        """Whether shares of ``column`` are read from the given frequencies by ``codes``."""
        return self.frequencies is not None and column in self.frequencies
