"""The customer base's store methods: its event log, updates, Parquet files for analysts."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pandas as pd

from customer_understanding.base._base_state import BaseState, text_or_none
from customer_understanding.base._store import StorePath
from customer_understanding.ingest import ErrorPolicy, Loaded, Source

if TYPE_CHECKING:
    from customer_understanding.base._customer_base import CustomerBase

__all__ = ["StoreMethods"]


class StoreMethods(BaseState):
    """What a base built into, or opened from, a store adds: its history and updates."""

    def to_parquet(self, directory: StorePath) -> list[Path]:
        """Write the accounts, contacts, interactions and opportunities as Parquet files.

        One file per table (``accounts.parquet`` …) in ``directory`` (made if missing),
        each as :meth:`to_pandas` gives it, for analysts' tools. Needs pyarrow (the
        ``arrow`` extra).

        Raises
        ------
        MissingDependencyError
            If pyarrow is not installed.

        Examples
        --------
        >>> import tempfile
        >>> import customer_understanding as cu
        >>> base = cu.CustomerBase.from_objects(accounts=[cu.Account(id="a1", name="Acme")])
        >>> [path.name for path in base.to_parquet(tempfile.mkdtemp())]
        ['accounts.parquet', 'contacts.parquet', 'interactions.parquet', 'opportunities.parquet']
        """
        from customer_understanding.base._stored import export_parquet

        names = ("accounts", "contacts", "interactions", "opportunities")
        frame = cast("CustomerBase", self).to_pandas
        return export_parquet({name: partial(frame, name) for name in names}, directory)

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

    def update(
        self, sources: Loaded | Iterable[Source], *, policy: ErrorPolicy = "strict",
        actor: str | None = None, reason: str | None = None, refit: bool = False,
    ) -> CustomerBase:  # fmt: skip
        """A new base with new and changed export rows merged in, resolving only what they reach.

        ``sources`` are :class:`~customer_understanding.ingest.Source` objects as
        :meth:`build` takes, holding new rows and changed ones: a row with the
        ``system:source_id`` of a stored record (or interaction, or deal) replaces it;
        stage history, deal roles and consent logs are appended (``policy`` treats bad
        rows as :meth:`build` does). The new records are
        compared with the stored records sharing a blocking key with them, and only the
        entities they reach (and those that lost a changed record) are resolved again,
        with the model the base was built with (``refit=True`` fits the model again over
        every record and resolves everything, as a build does). A record may join an
        entity, make a new one, or bridge two: the older id survives and the other stays
        as an alias. Every other entity keeps its id. The answer is the one a full
        build on the same rows gives, up to pairs a refitted model would weigh
        differently.

        Without a store nothing is written and ``self`` is unchanged. In a base built
        into or opened from a store the update is one write on the store's last
        commit: the tables, memberships, new ids and aliases, the store's suppressions
        and the steward's decisions honoured, and an ``update`` row in the event log
        (with ``actor``, ``reason`` and the counts), plus a ``merge`` or ``split`` row
        per id merged away or part split off. A failure or a kill leaves the store as
        it was.

        Raises
        ------
        InvalidValueError
            If a source holds no rows, or is named as a source the base loaded with
            another mapping (the error names the source), or ``sources`` is empty.
        StoreError
            If the store is missing, damaged, read-only, or another process is writing it.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import customer_understanding as cu
        >>> rows = [{"Id": "1", "Email": "ann@acme.com", "LastName": "Lee"}]
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "customers.db"
        >>> base = cu.CustomerBase.build(
        ...     [cu.Source(name="crm", data=rows, mapping="salesforce.Contact")], store=path)
        >>> more = [{"Id": "2", "Email": "ANN@acme.com", "LastName": "Lee"},
        ...         {"Id": "3", "Email": "bo@beta.io", "LastName": "Ng"}]
        >>> updated = base.update(
        ...     [cu.Source(name="crm", data=more, mapping="salesforce.Contact")],
        ...     actor="etl", reason="hourly")
        >>> len(updated.contacts), updated.contact_row(base.contacts.column("id")[0])
        (2, 0)
        >>> updated.events()["action"].tolist()[-1]
        'update'
        """
        from customer_understanding.base._updating import update_base

        done = update_base(cast("CustomerBase", self), sources, actor=text_or_none(actor, "actor"),
                           reason=text_or_none(reason, "reason"), refit=refit,
                           policy=policy)  # fmt: skip
        made = type(self)(done.tables, report=done.report,  # type: ignore[call-arg]
                          aliases=done.aliases, store=self._store)  # fmt: skip
        return cast("CustomerBase", made)
