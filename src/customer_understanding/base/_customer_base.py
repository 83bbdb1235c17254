"""The customer base: resolved accounts and contacts with everything that happened to them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from customer_understanding._core import fewer_collections, html_table
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.base._base_state import text_or_none
from customer_understanding.base._build import GOLDEN_FIELDS, build_tables
from customer_understanding.base._contact_accounts import Seen
from customer_understanding.base._customer_corrections import CorrectionMethods
from customer_understanding.base._customer_online import OnlineMethods
from customer_understanding.base._customer_privacy import PrivacyMethods
from customer_understanding.base._customer_reads import ReadMethods
from customer_understanding.base._customer_store import StoreMethods
from customer_understanding.base._growing import RowLookup
from customer_understanding.base._lifecycle import CustomerStageRules
from customer_understanding.base._links import with_none
from customer_understanding.base._objects import ObjectTables
from customer_understanding.base._resolving import resolver_for
from customer_understanding.base._slice import account_rows, account_slice
from customer_understanding.base._store import StorePath
from customer_understanding.base._summary import BaseSummary
from customer_understanding.base._tables import Tables
from customer_understanding.domain import (
    DEFAULT_TITLE_RULES,
    Account,
    Contact,
    Interaction,
    Journey,
    Opportunity,
    TitleRule,
    tuple_of,
)
from customer_understanding.identity import (
    ID_KEY_VARIABLE,
    IdKey,
    Overrides,
    ReviewPairs,
    Rule,
    Survivorship,
    keyed_ids,
    resolve_as_given,
)
from customer_understanding.ingest import ErrorPolicy, Loaded, LoadReport, Source, load
from customer_understanding.tables import AccountRecords, ContactRecords
from customer_understanding.typing import Resolver

__all__ = ["CustomerBase"]


class CustomerBase(ReadMethods, StoreMethods, PrivacyMethods, OnlineMethods, CorrectionMethods):
    """Resolved accounts and contacts across systems, with their activity and deals.

    Build one with :meth:`build` from :class:`~customer_understanding.ingest.Source`
    objects (or an earlier :func:`~customer_understanding.ingest.load` result). Bulk data
    lives in columnar tables (:attr:`accounts`, :attr:`contacts`, :attr:`interactions` …);
    single objects are materialised on demand (:meth:`account`, :meth:`contact` …).

    Examples
    --------
    >>> import customer_understanding as cu
    >>> from customer_understanding.datasets import generate_world
    >>> world = generate_world(accounts=20, interactions=2_000, defects=False)
    >>> base = cu.CustomerBase.build(world.as_sources())
    >>> summary = base.summary()
    >>> summary.accounts <= summary.account_records
    True
    >>> account = base.account(base.accounts.column("id")[0])
    >>> isinstance(account, cu.Account)
    True
    """

    def __init__(
        self,
        tables: Tables,
        *,
        report: LoadReport | None = None,
        aliases: Mapping[str, Mapping[str, str]] | None = None,
        store: StorePath | None = None,
    ) -> None:
        self._tables = tables
        self._store = store
        self._online = None
        self.report = report
        # Ids merged away in a store, each with the id that survived, by level.
        self._aliases = {level: dict(found) for level, found in (aliases or {}).items()}
        self._account_rows = RowLookup(tables.accounts.column("id"))
        self._contact_rows = RowLookup(tables.contacts.column("id"))
        deals = tables.opportunities
        systems = pd.Series(deals.labels("system"), dtype=object)
        opportunity_ids = systems + ":" + pd.Series(deals.column("source_id"), dtype=object)
        self._opportunity_rows = pd.Index(opportunity_ids, dtype=object)

    def __getstate__(self) -> dict[str, Any]:
        # Online matching's indexes and store connection are a cache made again on first use.
        state = dict(self.__dict__)
        state["_online"] = None
        return state

    # -- building ---------------------------------------------------------------------

    @classmethod
    @fewer_collections()  # a bulk step: see _core._collector
    def build(  # noqa: PLR0913 - every option is keyword-only and documented
        cls,
        sources: Loaded | Iterable[Source],
        *,
        policy: ErrorPolicy = "strict",
        resolver: Resolver | None = None,
        survivorship: Survivorship | Mapping[str, Rule] | None = None,
        id_key: IdKey | None = None,
        title_rules: Sequence[TitleRule] = DEFAULT_TITLE_RULES,
        overrides: Overrides | pd.DataFrame | None = None,
        stage_rules: CustomerStageRules | None = None,
        store: StorePath | None = None,
        actor: str | None = None,
        reason: str | None = None,
    ) -> CustomerBase:
        """Load sources (unless already loaded), resolve identities and link everything.

        Parameters
        ----------
        sources
            Sources to load, or the result of :func:`~customer_understanding.ingest.load`.
        policy
            How to treat bad rows when loading: ``"strict"`` or ``"lenient"``.
        resolver
            Assigns source records to entities. By default the probabilistic
            :class:`~customer_understanding.identity.ProbabilisticResolver`, which keeps
            exact e-mail / domain agreement as its deterministic first pass; pass
            :func:`~customer_understanding.identity.resolve_exact` for exact keys alone.
        survivorship
            How each golden field is chosen among an entity's records: a
            :class:`~customer_understanding.identity.Survivorship`, or a mapping of field
            name to rule (``{"last_name": MostFrequent()}``) put over the default
            rules. By default golden records are chosen by evidence
            (:meth:`Survivorship.by_evidence
            <customer_understanding.identity.Survivorship.by_evidence>`): names, e-mail
            and company fields are voted on across records and systems, work e-mail
            first; the newest phone and title win; industry and country are written in
            one vocabulary; other fields trust the systems in the order of
            :data:`~customer_understanding.identity.DEFAULT_PRIORITY`. Which record won
            each field is kept in ``tables.account_winners`` and
            ``tables.contact_winners``; :meth:`provenance` explains one entity's values.
        id_key
            The secret entity ids are keyed with (text or bytes, at least 16 bytes):
            the same data gives the same ids under the same secret, and nobody without
            it can tell whose e-mail address or domain an id stands for. Without one,
            the environment variable ``CUSTOMER_UNDERSTANDING_ID_KEY`` is used if set,
            else a random secret made once per process: ids then agree within one
            process only, so pass a secret for ids that last (see
            :func:`~customer_understanding.identity.entity_ids`).
        title_rules
            The ordered rules that read a contact's seniority and department from its
            title where no export states them (see
            :func:`~customer_understanding.domain.read_title`); add rules for titles in
            other languages before the defaults:
            ``[TitleRule(pattern="responsabile", seniority="manager"),
            *DEFAULT_TITLE_RULES]``.
        overrides
            A data steward's decisions on source records, which beat the model:
            :class:`~customer_understanding.identity.Overrides`, or a review table from
            :meth:`review_pairs` with a ``decision`` column filled in (``"same"`` /
            ``"different"``). Needs the default resolver.
        stage_rules
            How the accounts' customer-side stages (onboarding, adopting, at risk,
            dormant, advocate, churned) are derived into the stage history: a
            :class:`~customer_understanding.base.CustomerStageRules` (its defaults
            when ``None``).
        store
            A store file to build into (made if missing; see :meth:`open` and the
            how-to "Keep a customer base in a store"). The whole build is one write:
            the tables, the id secret (``id_key``, else the environment's, else a new
            random one kept in the store) and the id lineage. Building into a store
            that holds a base keeps every entity's stored id for as long as the entity
            exists: merged ids stay as aliases of the older id, a split keeps the id
            on the larger part.
        actor, reason
            Who builds and why, written with this build's rows of the store's event
            log (see :meth:`events`); ignored without ``store``.

        Raises
        ------
        InvalidValueError
            If ``stage_rules`` is not a ``CustomerStageRules``.
        StoreError
            If ``store`` is not a usable store file or another process is writing it.
        UnknownNameError
            If ``survivorship`` names a field that golden records do not have.
        InvalidValueError
            If ``overrides`` name a record the sources do not hold, or contradict
            themselves.

        Examples
        --------
        >>> import customer_understanding as cu
        >>> from customer_understanding.identity import MostComplete
        >>> rows = [{"Id": "1", "Email": "ann@acme.com", "LastName": "Lee"},
        ...         {"Id": "2", "Email": "ann@acme.com", "LastName": "Lee-Smith"}]
        >>> source = cu.Source(name="crm", data=rows, mapping="salesforce.Contact")
        >>> base = cu.CustomerBase.build([source], survivorship={"last_name": MostComplete()})
        >>> base.contacts.column("last_name").tolist()
        ['Lee-Smith']
        >>> keyed = cu.CustomerBase.build([source], id_key="our-crm-id-secret-2026")
        >>> keyed.contacts.column("id").tolist()
        ['con_d4208e43bec251c1']
        >>> rules = cu.base.CustomerStageRules(dormant_days=90)
        >>> len(cu.CustomerBase.build([source], stage_rules=rules).contacts)
        1
        """
        given_rules: object = stage_rules
        if given_rules is not None and not isinstance(given_rules, CustomerStageRules):
            msg = f"stage_rules={stage_rules!r} must be a CustomerStageRules"
            raise InvalidValueError(msg)
        loaded = sources if isinstance(sources, Loaded) else load(sources, policy=policy)
        chosen = resolver_for(resolver, overrides)
        if store is not None:  # records added online and a steward's decisions stay
            from customer_understanding.base._adding import with_added
            from customer_understanding.base._corrections import honoured

            loaded = with_added(loaded, store)
            kept = honoured(store, (loaded.combined(AccountRecords),
                                    loaded.combined(ContactRecords)))  # fmt: skip
            chosen = chosen if not len(kept) else resolver_for(chosen, kept)
        policy_ = _survivorship(survivorship)
        rules = tuple_of(TitleRule, title_rules, field="title_rules")

        def run(resolver: Resolver, screen: Callable[[Loaded], Loaded] | None = None,
                seen: Seen | None = None) -> Tables:  # fmt: skip
            # ``screen`` takes out people erased from the store being built into; ``seen``
            # gets the texts lead-to-account matching read, for the store to keep.
            source = loaded if screen is None else screen(loaded)
            return build_tables(source, resolver=resolver, survivorship=policy_,
                                title_rules=rules, stage_rules=stage_rules,
                                known=None if seen is None else {"seen": seen})  # fmt: skip

        if store is not None:
            from customer_understanding.base._stored import build_stored

            tables, stored = build_stored(
                store, id_key=id_key, configured=os.environ.get(ID_KEY_VARIABLE) or None,
                resolver=chosen, run=run, report=loaded.report,
                actor=text_or_none(actor, "actor"), reason=text_or_none(reason, "reason"),
            )  # fmt: skip
            return cls(tables, report=loaded.report, aliases=stored.aliases, store=store)
        with keyed_ids(id_key):  # resolvers derive their entity ids under this secret
            tables = run(chosen)
        return cls(tables, report=loaded.report)

    @classmethod
    def open(cls, store: StorePath) -> CustomerBase:
        """Reopen a base built into a store, without recomputing anything.

        The tables, resolution, golden winners, consents and stage history come back as
        they were built, with the same ids, and ids merged away still resolve (see
        :meth:`survivor`). Reading does not block a process writing the store: it
        sees the last completed build.

        Raises
        ------
        StoreError
            If the file is missing, damaged, not a store, written by a newer version of
            the library, or holds no base yet.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import customer_understanding as cu
        >>> rows = [{"Id": "1", "Email": "ann@acme.com", "LastName": "Lee"}]
        >>> source = cu.Source(name="crm", data=rows, mapping="salesforce.Contact")
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "customers.db"
        >>> built = cu.CustomerBase.build([source], store=path)
        >>> again = cu.CustomerBase.open(path)
        >>> again.contacts.column("id").tolist() == built.contacts.column("id").tolist()
        True
        """
        from customer_understanding.base._adding import Online, with_online
        from customer_understanding.base._stored import open_stored

        stored = open_stored(store)
        report = stored.roots.get("report")
        # records added online since the last build are put back as adds put them, in
        # the growing tables the base's own adds then write into
        online = Online(stored.roots["tables"], Path(store))
        base = cls(
            with_online(stored.roots["tables"], Path(store), stored.aliases, online=online),
            report=report if isinstance(report, LoadReport) else None,
            aliases=stored.aliases,
            store=store,
        )
        base._online = online
        return base

    @classmethod
    def from_objects(
        cls,
        *,
        accounts: Iterable[Account] = (),
        contacts: Iterable[Contact] = (),
        interactions: Iterable[Interaction] = (),
        opportunities: Iterable[Opportunity] = (),
        journeys: Iterable[Journey] = (),
    ) -> CustomerBase:
        """Build a base from domain objects, keeping their ids (no resolution across them).

        References between the objects (``account_id``, ``contact_id``, ``parent_id``)
        are linked; a journey belongs to the contact or account whose id it carries.

        Raises
        ------
        InvalidValueError
            If two accounts or two contacts share an id.

        Examples
        --------
        >>> import customer_understanding as cu
        >>> base = cu.CustomerBase.from_objects(
        ...     accounts=[cu.Account(id="a1", name="Acme", domain="acme.com")],
        ...     contacts=[cu.Contact(id="c1", email="ann@acme.com", account_id="a1")],
        ...     interactions=[cu.Interaction(id="i1", occurred_at="2026-03-01",
        ...                                  type="webinar", contact_id="c1")])
        >>> [c.id for c in base.contacts_of("a1")], base.timeline("a1")["type"].tolist()
        (['c1'], ['webinar'])
        """
        tables = ObjectTables.build(
            accounts=accounts,
            contacts=contacts,
            interactions=interactions,
            opportunities=opportunities,
            journeys=journeys,
        )
        return cls(build_tables(tables, resolver=resolve_as_given, survivorship=Survivorship()))

    def for_accounts(self, account_ids: Iterable[str]) -> CustomerBase:
        """A base of these accounts only, for calls that concern a few customers.

        It holds the accounts, their contacts, their interactions, deals, roles, stages
        and source records (see :meth:`Tables.for_accounts`), and resolves moments as
        this base does, so a trait, signal or committee of one of these accounts is the
        same in both, at the cost of one customer.

        Raises
        ------
        NotFoundError
            If an account is not in the base.

        Examples
        --------
        >>> import customer_understanding as cu
        >>> base = cu.CustomerBase.from_objects(
        ...     accounts=[cu.Account(id="a1"), cu.Account(id="a2")],
        ...     contacts=[cu.Contact(id="c1", account_id="a1")])
        >>> own = base.for_accounts(["a1"])
        >>> own
        <CustomerBase: 1 accounts, 1 contacts, 0 interactions, 0 opportunities>
        """
        rows = account_rows(self._account_rows, account_ids)
        return CustomerBase(account_slice(self._tables, rows), report=self.report)

    def review_pairs(self, level: Literal["account", "contact"] | None = None) -> ReviewPairs:
        """The pairs of records the resolver was unsure of, for a data steward to decide.

        Fill in a ``decision`` column (``"same"`` / ``"different"``) on its
        ``to_pandas()`` and pass the table back as ``overrides=`` to :meth:`build`.

        Examples
        --------
        >>> import customer_understanding as cu
        >>> base = cu.CustomerBase.build([])
        >>> base.review_pairs(level="contact")
        ReviewPairs: 0 rows, accounts=0, contacts=0
        """
        review = self._tables.resolution.review
        if level is None:
            return review
        if level not in ("account", "contact"):
            msg = f"level={level!r} must be 'account', 'contact' or None"
            raise InvalidValueError(msg)
        return review.of_level(level)

    # -- views ------------------------------------------------------------------------

    def summary(self) -> BaseSummary:
        """Counts of records, entities, cross-system people and interactions."""
        tables = self._tables
        systems = pd.DataFrame(
            {
                "entity": tables.resolution.contact_of_record,
                "system": tables.contact_records.column("system"),
            }
        )
        per_person = systems.drop_duplicates().groupby("entity").size()
        interactions = tables.interactions
        unattributed = (interactions.column("contact") < 0) & (interactions.column("account") < 0)
        disciplines = pd.Series(interactions.labels("discipline")).value_counts()
        return BaseSummary(
            account_records=len(tables.account_records),
            contact_records=len(tables.contact_records),
            accounts=len(tables.accounts),
            contacts=len(tables.contacts),
            contacts_in_several_systems=int((per_person >= 2).sum()),
            interactions=len(interactions),
            unattributed_interactions=int(unattributed.sum()),
            interactions_by_discipline={str(k): int(v) for k, v in disciplines.items()},
            opportunities=len(tables.opportunities),
        )

    def to_pandas(self, table: str = "accounts") -> pd.DataFrame:
        """A table as a new DataFrame, with entity ids in place of row numbers.

        Id columns are named by what they identify: ``account_id``, ``contact_id`` and
        ``opportunity_id`` (``"system:source id"``); ``parent_id`` is the parent account.

        Parameters
        ----------
        table
            ``"accounts"``, ``"contacts"``, ``"interactions"`` or ``"opportunities"``.

        Examples
        --------
        >>> import customer_understanding as cu
        >>> base = cu.CustomerBase.from_objects(
        ...     accounts=[cu.Account(id="a1", name="Acme", domain="acme.com")],
        ...     contacts=[cu.Contact(id="c1", email="ann@acme.com", account_id="a1")])
        >>> base.to_pandas("contacts")[["contact_id", "account_id", "email"]]
          contact_id account_id         email
        0         c1         a1  ann@acme.com
        """
        views = {
            "accounts": (self.accounts, {"id": "account_id", "parent": "parent_id"}),
            "contacts": (self.contacts, {"id": "contact_id", "account": "account_id"}),
            "interactions": (self.interactions, {"contact": "contact_id", "account": "account_id"}),
            "opportunities": (self.opportunities, {"account": "account_id"}),
        }
        if table not in views:
            msg = f"table={table!r} is not one of: {', '.join(views)}"
            raise InvalidValueError(msg)
        source, renames = views[table]
        frame = source.to_pandas()
        targets = {"parent": self.accounts, "account": self.accounts, "contact": self.contacts}
        for column in renames:
            if column in targets:
                frame[column] = with_none(targets[column].column("id"))[frame[column].to_numpy()]
        frame = frame.rename(columns=renames)
        if table == "opportunities":
            frame.insert(0, "opportunity_id", self._opportunity_rows.to_numpy(dtype=object))
        first = [name for name in ("opportunity_id", *renames.values()) if name in frame]
        return frame[first + [c for c in frame.columns if c not in first]]

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas("accounts"))

    def __repr__(self) -> str:
        return (
            f"<CustomerBase: {len(self.accounts)} accounts, {len(self.contacts)} contacts, "
            f"{len(self.interactions)} interactions, {len(self.opportunities)} opportunities>"
        )


def _survivorship(value: Survivorship | Mapping[str, Rule] | None) -> Survivorship:
    policy = value if isinstance(value, Survivorship) else Survivorship.by_evidence(value)
    unknown = sorted(set(policy.rules) - GOLDEN_FIELDS)
    if unknown:
        msg = (
            f"survivorship names field {unknown[0]!r}, which golden records do not have; "
            f"they have: {', '.join(sorted(GOLDEN_FIELDS))}"
        )
        raise UnknownNameError(msg)
    return policy
