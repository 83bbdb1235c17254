"""The customer base's corrections: a steward's decisions that every later build honours."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.base._base_state import BaseState, text_or_none
from customer_understanding.identity import Overrides

__all__ = ["CorrectionMethods"]


class CorrectionMethods(BaseState):
    """Must-link, cannot-link, unmerge and review decisions, kept in the base's store."""

    def _correct(self, decisions: list[Any], action: str, actor: str | None,
                 reason: str | None, **detail: Any) -> Overrides:  # fmt: skip
        from customer_understanding.base._corrections import write

        if self._store is None:
            msg = f"{action} needs a base built into a store (build(..., store=path)) to stay"
            raise InvalidValueError(msg)
        return write(Path(self._store), decisions, action=action,
                     actor=text_or_none(actor, "actor"), reason=text_or_none(reason, "reason"),
                     detail=detail)  # fmt: skip

    def _pairs(self, left: object, right: object, level: str, decision: str) -> list[Any]:
        from customer_understanding.base._corrections import refs

        ends = [refs(self._tables, level, self._current(end, level), name=name)
                for end, name in ((left, "left"), (right, "right"))]  # fmt: skip
        return [(level, decision, a, b) for a in ends[0] for b in ends[1] if a != b]

    def _current(self, value: object, level: str) -> object:
        found = self._aliases.get(level, {})
        return found.get(value, value) if isinstance(value, str) else value

    def must_link(self, left: object, right: object, *, level: str = "contact",
                  actor: str | None = None, reason: str | None = None) -> Overrides:  # fmt: skip
        """Keep two records, or two entities, together in every later build into the store.

        ``left`` and ``right`` are each a record ``(system, source_id)`` or an entity id
        (standing for all its records). The decision is kept in the store, logged as a
        ``must_link`` event with ``actor`` and ``reason``, and honoured by every later
        :meth:`build` into the store, over the model and the exact first pass. Returns
        the decisions in force. The same holds for :meth:`cannot_link`,
        :meth:`unmerge` and :meth:`decide`; the latest decision on a pair wins.

        Raises
        ------
        InvalidValueError
            If the base has no store, an end names nothing, or the decision contradicts
            those in force (two records both joined and kept apart).
        NotFoundError
            If an entity id is not in the base.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import customer_understanding as cu
        >>> rows = [{"Id": "1", "Email": "ann@acme.com", "LastName": "Lee"},
        ...         {"Id": "2", "Email": "ann.lee@gmail.com", "LastName": "Lee"}]
        >>> crm = cu.Source(name="crm", data=rows, mapping="salesforce.Contact")
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "customers.db"
        >>> base = cu.CustomerBase.build([crm], store=path)
        >>> base.must_link(("salesforce", "1"), ("salesforce", "2"), reason="same person")
        Overrides: 1 row, must_link=1, cannot_link=0
        >>> len(cu.CustomerBase.build([crm], store=path).contacts)
        1
        """
        pairs = self._pairs(left, right, level, "same")
        return self._correct(pairs, "must_link", actor, reason, level=level)

    def cannot_link(self, left: object, right: object, *, level: str = "contact",
                    actor: str | None = None, reason: str | None = None) -> Overrides:  # fmt: skip
        """Keep two records, or two entities, apart in every later build into the store.

        Takes what :meth:`must_link` takes; two entities are kept apart record by record.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import customer_understanding as cu
        >>> rows = [{"Id": "1", "Email": "ann@acme.com", "LastName": "Lee"},
        ...         {"Id": "2", "Email": "ann@acme.com", "LastName": "Lee"}]
        >>> crm = cu.Source(name="crm", data=rows, mapping="salesforce.Contact")
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "customers.db"
        >>> base = cu.CustomerBase.build([crm], store=path)
        >>> base.cannot_link(("salesforce", "1"), ("salesforce", "2"), actor="ops")
        Overrides: 1 row, must_link=0, cannot_link=1
        >>> len(cu.CustomerBase.build([crm], store=path).contacts)
        2
        """
        pairs = self._pairs(left, right, level, "different")
        return self._correct(pairs, "cannot_link", actor, reason, level=level)

    def unmerge(self, entity_id: str, groups: Sequence[Sequence[tuple[str, str]]], *,
                level: str = "contact", actor: str | None = None,
                reason: str | None = None) -> Overrides:  # fmt: skip
        """Split an entity into the given groups of its records, in every later build.

        Each group is a list of the entity's records ``(system, source_id)``: records
        of one group are kept together, groups are kept apart; records in no group are
        left to the model. In the next build into the store the largest part keeps the
        entity's id and the others get new ones (a ``split`` event each).

        Raises
        ------
        InvalidValueError
            If a group is empty, a record is not the entity's or in two groups, or
            fewer than two groups are given.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import customer_understanding as cu
        >>> rows = [{"Id": "1", "Email": "ann@acme.com", "LastName": "Lee"},
        ...         {"Id": "2", "Email": "ann@acme.com", "LastName": "Lee"}]
        >>> crm = cu.Source(name="crm", data=rows, mapping="salesforce.Contact")
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "customers.db"
        >>> base = cu.CustomerBase.build([crm], store=path)
        >>> person = base.contacts.column("id")[0]
        >>> _ = base.unmerge(person, [[("salesforce", "1")], [("salesforce", "2")]])
        >>> len(cu.CustomerBase.build([crm], store=path).contacts)
        2
        """
        from customer_understanding.base._corrections import unmerge_pairs

        current = str(self._current(entity_id, level))
        pairs = unmerge_pairs(self._tables, level, current, groups)
        return self._correct(pairs, "unmerge", actor, reason, level=level, id=current)

    def decide(self, review: pd.DataFrame, *, actor: str | None = None,
               reason: str | None = None) -> Overrides:  # fmt: skip
        """Accept or reject review-band pairs, for every later build into the store.

        ``review`` is :meth:`review_pairs`' ``to_pandas()`` with a ``decision`` column
        filled in: ``"same"`` accepts a pair, ``"different"`` rejects it; rows without a
        decision are left open.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import pandas as pd
        >>> import customer_understanding as cu
        >>> rows = [{"Id": "1", "Email": "ann@acme.com", "LastName": "Lee"}]
        >>> crm = cu.Source(name="crm", data=rows, mapping="salesforce.Contact")
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "customers.db"
        >>> base = cu.CustomerBase.build([crm], store=path)
        >>> review = base.review_pairs().to_pandas().assign(decision=pd.Series(dtype=object))
        >>> base.decide(review, actor="steward")
        Overrides: 0 rows, must_link=0, cannot_link=0
        """
        from customer_understanding.base._corrections import review_decisions

        return self._correct(review_decisions(review), "review", actor, reason)

    def overrides(self) -> Overrides:
        """The steward's decisions kept in the base's store and in force (latest per pair).

        Examples
        --------
        >>> import customer_understanding as cu
        >>> cu.CustomerBase.from_objects(contacts=[cu.Contact(id="c1")]).overrides()
        Overrides: 0 rows, must_link=0, cannot_link=0
        """
        from customer_understanding.base._kept import read_kept

        return read_kept(None if self._store is None else Path(self._store)).overrides
