"""The customer base's store methods: its event log and the ids merged away."""

from __future__ import annotations

import pandas as pd

from customer_understanding.base._base_state import BaseState

__all__ = ["StoreMethods"]


class StoreMethods(BaseState):
    """What a base built into, or opened from, a store adds: its history."""

    def events(self) -> pd.DataFrame:
        """The store's append-only event log as a new DataFrame, oldest first.

        One row per event: ``seq``, ``at`` (UTC), ``actor``, ``action``, ``reason``,
        ``build`` (its number), ``level``, ``entity_id``, ``other_id`` and ``detail`` (a
        dict). Each build writes a ``build`` row per level (``detail``: entities, new
        ids, merges, splits), a ``merge`` row per id merged away (``entity_id`` the
        survivor, ``other_id`` the alias) and a ``split`` row per part split off
        (``entity_id`` the id kept, ``other_id`` the new part's id). :meth:`erase`
        writes an ``erase`` row (``entity_id`` the person's former id), and a build
        that dropped erased people's rows a ``suppress`` row per source saying how
        many. Empty for a base that was not built into or opened from a store.

        Raises
        ------
        StoreError
            If the store file can no longer be read.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import customer_understanding as cu
        >>> rows = [{"Id": "1", "Email": "ann@acme.com", "LastName": "Lee"}]
        >>> source = cu.Source(name="crm", data=rows, mapping="salesforce.Contact")
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "customers.db"
        >>> base = cu.CustomerBase.build([source], store=path, actor="etl",
        ...                              reason="nightly load")
        >>> base.events()[["action", "actor", "reason", "level"]]
          action actor        reason    level
        0  build   etl  nightly load  account
        1  build   etl  nightly load  contact
        """
        from customer_understanding.base._stored import stored_events

        return stored_events(self._store)

    def survivor(self, entity_id: str) -> str:
        """The id an entity has now: ``entity_id`` itself, or the id it was merged into.

        In a base built into a store (:meth:`build` with ``store=``), an id merged into
        an older one stays an alias of it; :meth:`account`, :meth:`contact` and the
        other lookups accept it too, returning the survivor with a
        :class:`~customer_understanding.base.MergedIdWarning`.

        Examples
        --------
        >>> import customer_understanding as cu
        >>> base = cu.CustomerBase.from_objects(contacts=[cu.Contact(id="c1")])
        >>> base.survivor("c1")
        'c1'
        """
        from customer_understanding.base._stored import survivor_of

        for found in self._aliases.values():
            entity_id = str(survivor_of(found, entity_id, warn=False))
        return entity_id
