"""The customer base's resolver: the probabilistic engine behind accounts and contacts."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import attrs
import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.identity._comparison_frame import _frame, _work_emails
from customer_understanding.identity._fields import Field
from customer_understanding.identity._inboxes import _FAMILY, _GIVEN, SharedInboxes
from customer_understanding.identity._linker import Linker
from customer_understanding.identity._overrides import Overrides, RecordPair, ReviewPairs
from customer_understanding.identity._resolution import Resolution
from customer_understanding.identity._result import LinkResult
from customer_understanding.tables import AccountRecords, ContactRecords

__all__ = ["ProbabilisticResolver"]

_CONTACT_FIELDS = (
    Field(column="email", kind="email"),
    Field(column="first_name", kind="given_name"),
    Field(column="last_name", kind="family_name"),
    Field(column="phone", kind="phone"),
    Field(column="employer", kind="text"),
)
_ACCOUNT_FIELDS = (
    Field(column="name", kind="organisation"),
    Field(column="domain", kind="identifier"),
    Field(column="city", kind="city"),
    Field(column="country", kind="category"),
)


def _exact_pairs(values: pd.Series[str]) -> list[tuple[int, int]]:
    """Chain the rows sharing a value: the deterministic first pass, as must-links."""
    frame = pd.DataFrame({"value": values.str.lower().str.strip(), "row": np.arange(len(values))})
    frame = frame.dropna().sort_values(["value", "row"])
    same = frame["value"].to_numpy()[1:] == frame["value"].to_numpy()[:-1]
    rows = frame["row"].to_numpy()
    return list(zip(rows[:-1][same].tolist(), rows[1:][same].tolist(), strict=False))


def _smallest(clusters: npt.NDArray[np.int64], keys: pd.Series[str]) -> npt.NDArray[np.object_]:
    # The smallest key per cluster, by one sort (groupby().min() on strings is slow).
    frame = pd.DataFrame({"cluster": clusters, "key": keys.to_numpy(dtype=object)})
    chosen = frame.sort_values(["cluster", "key"], kind="stable").drop_duplicates("cluster")
    return chosen["key"].to_numpy(dtype=object)


def _keys(
    clusters: npt.NDArray[np.int64],
    records: AccountRecords | ContactRecords,
    key_column: str,
    shared: npt.NDArray[np.bool_],
) -> npt.NDArray[np.object_]:
    system = pd.Series(records.labels("system"), dtype="string").fillna("")
    record_key = "record:" + system + ":" + pd.Series(records.column("source_id"), dtype="string")
    value = pd.Series(records.column(key_column), dtype=object).mask(shared).astype("string")
    keys = _smallest(clusters, (key_column + ":" + value).fillna(record_key))
    # Records kept apart on one address (a cannot-link) make two entities with one key:
    # those take their records' own key, so every entity keeps an id of its own.
    clash = pd.Series(keys).duplicated(keep=False).to_numpy()
    if clash.any():
        keys[clash] = _smallest(clusters, record_key)[clash]
    return keys


#: Up to this many records, the frame's text columns are made in plain Python: pandas
#: costs more than the work for one record matched online. Both give the same values.
def _positions(
    records: AccountRecords | ContactRecords, pairs: tuple[RecordPair, ...], name: str
) -> list[tuple[int, int]]:
    """Record pairs named ``(system, source_id)`` as row positions."""
    if not pairs:
        return []
    system = pd.Series(records.labels("system"), dtype=object).astype(str)
    ids = system + "\x1f" + pd.Series(records.column("source_id"), dtype=object).astype(str)
    rows = pd.Series(np.arange(len(ids)), index=ids)
    rows = rows[~rows.index.duplicated()]
    found = []
    for left, right in pairs:
        ends = [f"{ref[0]}\x1f{ref[1]}" for ref in (left, right)]
        missing = [ref for ref, end in zip((left, right), ends, strict=True)
                   if end not in rows.index]  # fmt: skip
        if missing:
            msg = f"overrides: {name} pair {(left, right)!r} names no record: {missing[0]!r}"
            raise InvalidValueError(msg)
        found.append((int(rows[ends[0]]), int(rows[ends[1]])))
    return found


def _join(
    clusters: npt.NDArray[np.int64],
    must: list[tuple[int, int]],
    cannot: tuple[list[tuple[int, int]], tuple[RecordPair, ...]],
) -> npt.NDArray[np.int64]:
    """Clusters with the must-linked pairs' clusters joined; a cannot-link they break is refused."""
    if must:
        graph = nx.Graph()
        graph.add_nodes_from(np.unique(clusters).tolist())
        graph.add_edges_from((int(clusters[a]), int(clusters[b])) for a, b in must)
        joined = {node: min(part) for part in nx.connected_components(graph) for node in part}
        clusters = np.array([joined[c] for c in clusters.tolist()], dtype=np.int64)
    for (a, b), named in zip(*cannot, strict=True):
        if clusters[a] == clusters[b]:
            msg = f"overrides: cannot-link pair {named!r} is joined by the must-links"
            raise InvalidValueError(msg)
    return np.unique(clusters, return_inverse=True)[1].ravel().astype(np.int64)


def _linker(instance: object, attribute: attrs.Attribute[Linker], value: object) -> None:
    if not isinstance(value, Linker):
        msg = f"{attribute.name}={value!r} must be a Linker"
        raise InvalidValueError(msg)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class ProbabilisticResolver:
    """A :class:`~customer_understanding.typing.Resolver` backed by the linkage engine.

    Exact e-mail (contacts) and domain (accounts) agreement is kept as a deterministic
    first pass and handed to the engine as must-links, except on shared inboxes
    (``info@``, ``sales@``, an address carried by records whose names clearly disagree;
    see :class:`SharedInboxes`): those are no evidence at all, and records on one whose
    names clearly disagree are kept apart. The engine then links records without a
    shared key on names, phone (the normalised number the records hold), company, city
    and country. A steward's :class:`Overrides` beat all of it; the pairs the model was
    unsure of come back in :attr:`Resolution.review <Resolution>`.

    Parameters
    ----------
    contact_linker, account_linker
        The engines for people and organisations (defaults declare the standard columns).
    shared_inboxes
        Which addresses several people share (``None``: every exact e-mail is a must-link,
        as before).
    overrides
        Must-link / cannot-link decisions on source records.

    Examples
    --------
    >>> from customer_understanding.tables import AccountRecords, ContactRecords
    >>> accounts = AccountRecords.from_columns({"system": ["crm", "helpdesk"],
    ...     "source_id": ["1", "9"], "name": ["Acme Inc.", "ACME Ltd"],
    ...     "domain": ["acme.com", "acme.com"]})
    >>> contacts = ContactRecords.from_columns({"system": ["crm", "helpdesk"],
    ...     "source_id": ["a", "b"], "email": ["ann@acme.com", "ann@acme.com"]})
    >>> resolution = ProbabilisticResolver()(accounts, contacts)
    >>> resolution.account_of_record.tolist(), resolution.contact_of_record.tolist()
    ([0, 0], [0, 0])
    >>> team = ContactRecords.from_columns({"system": ["crm", "crm"],
    ...     "source_id": ["a", "b"], "email": ["info@acme.com", "info@acme.com"],
    ...     "first_name": ["Ann", "Bob"], "last_name": ["Lee", "Ng"]})
    >>> ProbabilisticResolver()(accounts, team).contact_of_record.tolist()  # two people
    [0, 1]
    """

    contact_linker: Linker = attrs.field(
        validator=_linker,
        factory=lambda: Linker(
            fields=_CONTACT_FIELDS,
            link_threshold=0.5,
            review_threshold=0.2,
            exclusive=("work_email",),
        ),
    )
    account_linker: Linker = attrs.field(
        validator=_linker,
        factory=lambda: Linker(fields=_ACCOUNT_FIELDS, link_threshold=0.5, review_threshold=0.2),
    )
    shared_inboxes: SharedInboxes | None = attrs.field(factory=SharedInboxes)
    overrides: Overrides = attrs.field(factory=Overrides)

    def _shared(
        self, records: AccountRecords | ContactRecords, frame: pd.DataFrame,
        names: Mapping[str, npt.NDArray[np.object_]] | None = None,
        carriers: Mapping[str, npt.NDArray[np.object_]] | None = None,
    ) -> tuple[npt.NDArray[np.bool_], list[tuple[int, int]]]:  # fmt: skip
        """Shared inboxes, with the rows to keep apart.

        ``names`` gives the given and family names known cleaned, by column; ``carriers``
        other records on the same addresses (see :class:`LinkContext`).
        """
        if self.shared_inboxes is None or not isinstance(records, ContactRecords):
            return np.zeros(len(records), dtype=np.bool_), []
        names = names or {}
        return self.shared_inboxes.find(
            records.column("email"), first=frame["first_name"], last=frame["last_name"],
            cleaned=(names.get(_GIVEN.column), names.get(_FAMILY.column)), carriers=carriers,
        )  # fmt: skip

    def comparison_frame(self, records: AccountRecords | ContactRecords) -> pd.DataFrame:
        """The columns the engine compares, one row per record, as its linker reads them.

        Contacts get the employer, split names, the normalised phone and the work
        e-mail; shared inboxes are blanked (they tell nobody apart). Scoring one new
        record against stored ones (online matching) reads the same frame.

        Examples
        --------
        >>> from customer_understanding.tables import ContactRecords
        >>> records = ContactRecords.from_columns({"system": ["crm"], "source_id": ["a"],
        ...     "email": ["info@acme.com"], "last_name": ["Lee, Ann"]})
        >>> frame = ProbabilisticResolver().comparison_frame(records)
        >>> names = frame[["first_name", "last_name", "employer"]].values.tolist()
        >>> frame["email"].isna().tolist(), names
        ([True], [['Ann', 'Lee', 'acme']])
        """
        contacts = isinstance(records, ContactRecords)
        linker = self.contact_linker if contacts else self.account_linker
        frame = _frame(records, linker.fields)
        if len(records) == 1 and contacts and self.shared_inboxes is not None:
            shared = self.shared_inboxes.is_role(records.column("email"))  # all one row can show
        else:
            shared, _ = self._shared(records, frame)
        if shared.any():
            for column in ("email", "work_email"):
                if column in frame.columns:
                    frame.loc[shared, column] = None
        return frame

    def work_emails(
        self, records: ContactRecords, *, maybe_shared: npt.NDArray[np.bool_]
    ) -> npt.NDArray[np.object_]:
        """The ``work_email`` column of :meth:`comparison_frame`, when few records may be shared.

        ``maybe_shared`` flags the records that may carry a shared inbox (the others
        are known not to, say because their cleaned address was kept as evidence).
        Only the records on the addresses of those are looked at for sharing, all of
        each address's records, so the answer is the comparison frame's, without
        cleaning every record's names. ``None`` where there is no work address.

        Examples
        --------
        >>> import numpy as np
        >>> from customer_understanding.tables import ContactRecords
        >>> records = ContactRecords.from_columns({"system": ["crm"] * 3,
        ...     "source_id": ["a", "b", "c"], "last_name": ["Lee", "Ng", "Lee"],
        ...     "email": ["info@acme.com", "Ann@Acme.com", "ann@gmail.com"]})
        >>> ProbabilisticResolver().work_emails(
        ...     records, maybe_shared=np.array([True, False, False])).tolist()
        [None, 'ann@acme.com', None]
        """
        emails = records.column("email")
        work = _work_emails(emails)
        found: npt.NDArray[np.object_] = work.to_numpy(dtype=object)
        found[work.isna().to_numpy()] = None
        look = np.flatnonzero(np.asarray(maybe_shared, dtype=bool) & work.notna().to_numpy())
        if self.shared_inboxes is not None and len(look):  # a team mailbox is shared anyway
            role = self.shared_inboxes.is_role(emails[look])
            found[look[role]] = None
            look = look[~role]
        if not len(look):
            return found
        # shared inboxes are told apart by the address as SharedInboxes.find reads it
        address = SharedInboxes.addresses(emails)
        asked = address.iloc[look].dropna()
        rows = np.flatnonzero(address.isin(asked).to_numpy(dtype=bool, na_value=False))
        frame = self.comparison_frame(records.take(rows))
        found[rows] = [v if isinstance(v, str) else None for v in frame["work_email"].tolist()]
        return found

    def _link(
        self, records: AccountRecords | ContactRecords, linker: Linker, key_column: str
    ) -> tuple[LinkResult | None, npt.NDArray[np.bool_]]:
        """The engine's result, and which records' keys are shared (no evidence)."""
        must_named, cannot_named = self.overrides.pairs(
            "contact" if isinstance(records, ContactRecords) else "account"
        )
        must_given = _positions(records, must_named, "must-link")
        cannot_given = _positions(records, cannot_named, "cannot-link")
        if len(records) < 2:
            return None, np.zeros(len(records), dtype=np.bool_)
        # values the linker's context knows cleaned are not worked out again
        known = None if linker.context is None else linker.context.cleaned(len(records))
        frame = _frame(records, linker.fields, known=known)
        names = {field.column: known[field.column] for field in linker.fields
                 if known and field in (_GIVEN, _FAMILY) and field.column in known}  # fmt: skip
        carriers = None if linker.context is None else linker.context.carriers
        shared, apart = self._shared(records, frame, names, carriers)  # cleaned as they clean
        for column in ("email", "work_email"):  # a shared address tells nobody apart
            if column in frame.columns:
                frame.loc[shared, column] = None
        key = pd.Series(records.column(key_column), dtype=object).mask(shared).astype("string")
        decided = {row for pair in must_given for row in pair}  # a steward's word wins
        apart = [pair for pair in apart if not decided & set(pair)]
        with warnings.catch_warnings():  # a base may lack some columns altogether
            warnings.filterwarnings("ignore", message="column .* has no values")
            result = linker.deduplicate(
                frame,
                source_column="system",
                must_link=_exact_pairs(key) + must_given,
                cannot_link=apart + cannot_given,
            )
        return result, shared

    def _resolve(
        self,
        records: AccountRecords | ContactRecords,
        linked: tuple[LinkResult | None, npt.NDArray[np.bool_]],
        key_column: str,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
        result, shared = linked
        clusters = np.arange(len(records), dtype=np.int64) if result is None else result.clusters
        must_named, cannot_named = self.overrides.pairs(
            "contact" if isinstance(records, ContactRecords) else "account"
        )
        clusters = _join(
            clusters,
            _positions(records, must_named, "must-link"),
            (_positions(records, cannot_named, "cannot-link"), cannot_named),
        )
        keys = _keys(clusters, records, key_column, shared)
        # Number the entities in their keys' order, not in the order of their first record,
        # so that the tables built on them come out the same whatever the input order.
        order = np.argsort(keys.astype(str), kind="stable")
        place = np.empty(len(order), dtype=np.int64)
        place[order] = np.arange(len(order))
        return place[clusters], keys[order]

    def explain(
        self, accounts: AccountRecords, contacts: ContactRecords
    ) -> tuple[LinkResult | None, LinkResult | None]:
        """The engine's full results for accounts and contacts: pairs, weights, evidence.

        Record ids in the results are positions in ``accounts`` and ``contacts``; a table
        with fewer than two records gives ``None``. Clusters are the engine's, before
        must-link overrides the engine's guards refused are applied.

        Examples
        --------
        >>> from customer_understanding.tables import AccountRecords, ContactRecords
        >>> contacts = ContactRecords.from_columns({"system": ["crm", "desk"],
        ...     "source_id": ["a", "b"], "email": ["ann@acme.com", "ann@acme.com"],
        ...     "first_name": ["Ann", "Ann"], "last_name": ["Lee", "Lee"]})
        >>> _, people = ProbabilisticResolver().explain(AccountRecords.empty(), contacts)
        >>> people.clusters.tolist()  # one person: the shared e-mail is a must-link
        [0, 0]
        >>> list(people.pairs().columns)
        ['left_id', 'right_id', 'match_weight', 'match_probability', 'band']
        """
        return (
            self._link(accounts, self.account_linker, "domain")[0],
            self._link(contacts, self.contact_linker, "email")[0],
        )

    def __call__(self, accounts: AccountRecords, contacts: ContactRecords) -> Resolution:
        """Resolve account and contact records into entities."""
        account_linked = self._link(accounts, self.account_linker, "domain")
        contact_linked = self._link(contacts, self.contact_linker, "email")
        account_of_record, account_keys = self._resolve(accounts, account_linked, "domain")
        contact_of_record, contact_keys = self._resolve(contacts, contact_linked, "email")
        resolution = Resolution(
            account_of_record=account_of_record,
            contact_of_record=contact_of_record,
            account_keys=account_keys,
            contact_keys=contact_keys,
        )
        review = [
            _review(level, records, result, ids[of_record])
            for level, records, (result, _), of_record, ids in (
                ("account", accounts, account_linked, account_of_record, resolution.account_ids),
                ("contact", contacts, contact_linked, contact_of_record, resolution.contact_ids),
            )
        ]
        return attrs.evolve(resolution, review=ReviewPairs(**{
            name: np.concatenate([part[name] for part in review])
            for name in attrs.fields_dict(ReviewPairs)
        }))  # fmt: skip


def _review(
    level: str,
    records: AccountRecords | ContactRecords,
    result: LinkResult | None,
    entity: npt.NDArray[np.object_],
) -> dict[str, npt.NDArray[np.generic]]:
    """One level's review-band pairs, as :class:`ReviewPairs` columns."""
    if result is None:
        left = right = np.empty(0, dtype=np.int64)
        probability = weight = np.empty(0, dtype=np.float64)
    else:
        band = result.bands == "review"
        left = result.records.ids[result.left[band]].astype(np.int64)
        right = result.records.ids[result.right[band]].astype(np.int64)
        probability, weight = result.match_probability[band], result.match_weight[band]
    system = np.asarray(records.labels("system"), dtype=object)
    source_id = np.asarray(records.column("source_id"), dtype=object)
    return {
        "level": np.full(len(left), level, dtype=object),
        "left_system": system[left], "left_source_id": source_id[left],
        "right_system": system[right], "right_source_id": source_id[right],
        "left_entity_id": entity[left], "right_entity_id": entity[right],
        "match_probability": probability, "match_weight": weight,
    }  # fmt: skip
