"""The resolver contract's result, and the exact-key resolvers.

A resolver (:class:`customer_understanding.typing.Resolver`) takes the stacked account and
contact records and returns a :class:`Resolution`: which entity each record belongs to.
:func:`resolve_exact` is the exact-key pass: people share an entity when their normalised
e-mail is equal (and not a shared inbox), organisations when their normalised domain is
equal; a record without a key is an entity of its own. :class:`ProbabilisticResolver`
keeps that pass and links the rest with the linkage engine.

Entity ids are keyed hashes (HMAC-SHA-256) of the entity keys under a secret, so that
nobody holding a list of e-mail addresses can tell whose id is whose; see
:func:`entity_ids` for where the secret comes from.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    TableExport,
    frozen_array,
    html_table,
    sorted_codes,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError, scrub
from customer_understanding.identity._inboxes import SharedInboxes
from customer_understanding.identity._overrides import ReviewPairs
from customer_understanding.tables import AccountRecords, ContactRecords

__all__ = [
    "ID_KEY_VARIABLE",
    "IdKey",
    "Resolution",
    "entity_ids",
    "keyed_ids",
    "resolve_as_given",
    "resolve_exact",
]

#: A secret for entity ids: text (encoded as UTF-8) or bytes, at least 16 bytes long.
IdKey = str | bytes
#: The environment variable read for the id secret when none is passed.
ID_KEY_VARIABLE = "CUSTOMER_UNDERSTANDING_ID_KEY"

_MIN_KEY_BYTES = 16
_ID_KEY: ContextVar[bytes | None] = ContextVar("customer_understanding_id_key", default=None)
# Made once per process when no secret is given: ids agree within the process only.
_PROCESS_KEY = secrets.token_bytes(32)


def _key_bytes(value: object, name: str = "id_key") -> bytes:
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not isinstance(value, bytes) or len(value) < _MIN_KEY_BYTES:
        # The secret itself never goes into the message.
        got = f"{len(value)} bytes" if isinstance(value, bytes) else type(value).__name__
        msg = (
            f"{name} must be a secret of at least {_MIN_KEY_BYTES} bytes (text or bytes), got {got}"
        )
        raise InvalidValueError(msg)
    return value


@contextmanager
def keyed_ids(secret: IdKey | None) -> Iterator[None]:
    """Derive entity ids from ``secret`` within a ``with`` block (``None`` changes nothing).

    :meth:`CustomerBase.build <customer_understanding.base.CustomerBase.build>` takes
    ``id_key=`` and uses this around its resolver; use it directly to key the ids of a
    resolver called by hand. The setting is a context variable: it holds for the
    current thread or task only.

    Raises
    ------
    InvalidValueError
        If the secret is shorter than 16 bytes or neither text nor bytes.

    Examples
    --------
    >>> import numpy as np
    >>> keys = np.array(["domain:acme.com"], dtype=object)
    >>> with keyed_ids("our-crm-id-secret-2026"):
    ...     first = entity_ids("acc", keys)
    >>> first.tolist() == entity_ids("acc", keys, id_key="our-crm-id-secret-2026").tolist()
    True
    """
    token = _ID_KEY.set(None if secret is None else _key_bytes(secret))
    try:
        yield
    finally:
        _ID_KEY.reset(token)


def _current_key(given: IdKey | None) -> bytes:
    if given is not None:
        return _key_bytes(given)
    scoped = _ID_KEY.get()
    if scoped is not None:
        return scoped
    configured = os.environ.get(ID_KEY_VARIABLE)
    if configured:
        return _key_bytes(configured, name=ID_KEY_VARIABLE)
    return _PROCESS_KEY


def _assignment(value: Any) -> npt.NDArray[np.int64]:
    array = np.asarray(value)
    if array.ndim != 1 or not (array.size == 0 or np.issubdtype(array.dtype, np.integer)):
        msg = f"an assignment must be a 1-d array of entity rows, got {value!r:.80}"
        raise InvalidValueError(msg)
    return frozen_array(array, np.int64)


def _labels(value: Any) -> npt.NDArray[np.object_]:
    array = np.asarray(value, dtype=object)
    if array.ndim != 1:
        msg = f"keys and ids must be 1-d arrays, got {value!r:.80}"
        raise InvalidValueError(msg)
    return frozen_array(array, object)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class Resolution(TableExport):
    """Record → entity assignments for account and contact records.

    Parameters
    ----------
    account_of_record
        For each account record, the row of its account entity (0 … n_accounts - 1).
    contact_of_record
        For each contact record, the row of its contact entity.
    account_keys, contact_keys
        One key per entity, saying what made its records one (``"email:ann@acme.com"``).
    account_ids, contact_ids
        The entities' ids; by default keyed hashes of the keys (:func:`entity_ids`), so
        the same key gets the same id under the same secret.
    review
        The pairs of records the resolver was unsure of (:class:`ReviewPairs`; empty for
        the exact-key resolvers).

    Every array is a read-only copy.

    Examples
    --------
    >>> import numpy as np
    >>> resolution = Resolution(account_of_record=np.array([0, 0]),
    ...     contact_of_record=np.array([0]), account_keys=np.array(["acme.com"], dtype=object),
    ...     contact_keys=np.array(["ann@acme.com"], dtype=object))
    >>> resolution.n_accounts, resolution.n_contacts
    (1, 1)
    >>> resolution
    Resolution: 3 rows, accounts=1, contacts=1
    >>> resolution.to_pandas().columns.tolist()
    ['level', 'record', 'account_id', 'contact_id', 'key']
    """

    account_of_record: npt.NDArray[np.int64] = attrs.field(converter=_assignment)
    contact_of_record: npt.NDArray[np.int64] = attrs.field(converter=_assignment)
    account_keys: npt.NDArray[np.object_] = attrs.field(converter=_labels)
    contact_keys: npt.NDArray[np.object_] = attrs.field(converter=_labels)
    account_ids: npt.NDArray[np.object_] = attrs.field(
        default=attrs.Factory(lambda self: entity_ids("acc", self.account_keys), takes_self=True),
        converter=_labels,
    )
    contact_ids: npt.NDArray[np.object_] = attrs.field(
        default=attrs.Factory(lambda self: entity_ids("con", self.contact_keys), takes_self=True),
        converter=_labels,
    )
    review: ReviewPairs = attrs.field(factory=ReviewPairs)

    def __attrs_post_init__(self) -> None:
        checks = (
            ("account_of_record", self.account_of_record, len(self.account_keys)),
            ("contact_of_record", self.contact_of_record, len(self.contact_keys)),
        )
        for name, assignment, entities in checks:
            if len(assignment) and (assignment.min() < 0 or assignment.max() >= entities):
                low, high = assignment.min(), assignment.max()
                msg = f"{name} must hold entity rows in [0, {entities}), got {low}…{high}"
                raise InvalidValueError(msg)
        for name, ids, keys in (("account_ids", self.account_ids, self.account_keys),
                                ("contact_ids", self.contact_ids, self.contact_keys)):  # fmt: skip
            if len(ids) != len(keys):
                msg = f"{name} has {len(ids)} ids for {len(keys)} entities"
                raise InvalidValueError(msg)

    @property
    def n_accounts(self) -> int:
        """Number of account entities."""
        return len(self.account_keys)

    @property
    def n_contacts(self) -> int:
        """Number of contact entities."""
        return len(self.contact_keys)

    def __len__(self) -> int:
        """The number of records assigned (account and contact records together)."""
        return len(self.account_of_record) + len(self.contact_of_record)

    def __repr__(self) -> str:
        return summary("Resolution", len(self), accounts=self.n_accounts, contacts=self.n_contacts)

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per record: its level, position, entity id and the entity's key.

        The entity id is in ``account_id`` for account records and in ``contact_id`` for
        contact records (the other is missing).
        """
        frames = []
        for level, of_record, ids, keys in (
            ("account", self.account_of_record, self.account_ids, self.account_keys),
            ("contact", self.contact_of_record, self.contact_ids, self.contact_keys),
        ):
            entity = ids[of_record] if len(ids) else np.empty(0, dtype=object)
            frames.append(pd.DataFrame({
                "level": level,
                "record": np.arange(len(of_record)),
                "account_id": entity if level == "account" else None,
                "contact_id": entity if level == "contact" else None,
                "key": keys[of_record] if len(keys) else np.empty(0, dtype=object),
            }))  # fmt: skip
        return pd.concat(frames, ignore_index=True)


def _provenance_keys(records: AccountRecords | ContactRecords) -> pd.Series[str]:
    system = pd.Series(records.labels("system"), dtype="string")
    return "record:" + system + ":" + pd.Series(records.column("source_id"), dtype="string")


def _group(keys: pd.Series[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
    codes, uniques = sorted_codes(keys)
    return codes.astype(np.int64), uniques


def resolve_exact(accounts: AccountRecords, contacts: ContactRecords) -> Resolution:
    """Group records by exact normalised e-mail (people) and domain (organisations).

    A shared inbox (see :class:`SharedInboxes`) groups nobody: each of its records is a
    person of its own.

    Examples
    --------
    >>> from customer_understanding.tables import AccountRecords, ContactRecords
    >>> accounts = AccountRecords.from_columns({"system": ["crm", "helpdesk"],
    ...     "source_id": ["1", "9"], "domain": ["acme.com", "acme.com"]})
    >>> contacts = ContactRecords.from_columns({"system": ["crm", "crm"],
    ...     "source_id": ["a", "b"], "email": ["ann@acme.com", None]})
    >>> resolution = resolve_exact(accounts, contacts)
    >>> resolution.account_of_record.tolist(), resolution.n_contacts
    ([0, 0], 2)
    """
    domain = pd.Series(accounts.column("domain"), dtype="string")
    account_keys = ("domain:" + domain).fillna(_provenance_keys(accounts))
    email = pd.Series(contacts.column("email"), dtype=object)
    # A shared inbox (info@, or one carried by clearly different names) is nobody's key.
    shared, _ = SharedInboxes().find(
        email, first=contacts.column("first_name"), last=contacts.column("last_name")
    )
    contact_keys = ("email:" + email.mask(shared).astype("string")).fillna(
        _provenance_keys(contacts)
    )
    account_of_record, account_uniques = _group(account_keys)
    contact_of_record, contact_uniques = _group(contact_keys)
    return Resolution(
        account_of_record=account_of_record,
        contact_of_record=contact_of_record,
        account_keys=account_uniques,
        contact_keys=contact_uniques,
    )


def resolve_as_given(accounts: AccountRecords, contacts: ContactRecords) -> Resolution:
    """Keep every record as its own entity, with its source id as the entity id.

    For data that is already mastered (objects built by hand, a cleaned warehouse table).

    Raises
    ------
    InvalidValueError
        If two records share an id, naming it.

    Examples
    --------
    >>> from customer_understanding.tables import AccountRecords, ContactRecords
    >>> accounts = AccountRecords.from_columns({"source_id": ["a1", "a2"]})
    >>> resolve_as_given(accounts, ContactRecords.empty()).account_ids.tolist()
    ['a1', 'a2']
    """
    ids = []
    for kind, records in (("account", accounts), ("contact", contacts)):
        values = pd.Series(records.column("source_id"), dtype=object)
        repeated = values[values.duplicated()].tolist()
        if repeated:
            msg = scrub(f"{kind} id {repeated[0]!r} is used by more than one record")
            raise InvalidValueError(msg)
        ids.append(values.to_numpy(dtype=object))
    return Resolution(
        account_of_record=np.arange(len(accounts), dtype=np.int64),
        contact_of_record=np.arange(len(contacts), dtype=np.int64),
        account_keys=np.array([f"id:{i}" for i in ids[0]], dtype=object),
        contact_keys=np.array([f"id:{i}" for i in ids[1]], dtype=object),
        account_ids=ids[0],
        contact_ids=ids[1],
    )


def entity_ids(
    prefix: str, keys: npt.NDArray[np.object_], *, id_key: IdKey | None = None
) -> npt.NDArray[np.object_]:
    """Opaque ids for entities: the prefix and 64 bits of an HMAC-SHA-256 of each key.

    The secret is, in order: ``id_key`` if given; the one set by the :func:`id_key`
    context (which :meth:`CustomerBase.build
    <customer_understanding.base.CustomerBase.build>` sets from its ``id_key=``); the
    environment variable ``CUSTOMER_UNDERSTANDING_ID_KEY``; else a random secret made
    once per process. The same keys give the same ids under the same secret, so pass
    one (and keep it as you keep a password) for ids that last across runs; without one,
    ids agree within a process only. Without the secret, a list of e-mail addresses or
    domains does not reveal which id is whose.

    Raises
    ------
    InvalidValueError
        If the secret is shorter than 16 bytes or neither text nor bytes.

    Examples
    --------
    >>> import numpy as np
    >>> keys = np.array(["domain:acme.com", "domain:beta.io"], dtype=object)
    >>> entity_ids("acc", keys, id_key="our-crm-id-secret-2026").tolist()
    ['acc_17311579525676b1', 'acc_78bc9a0ab01a35b9']
    """
    keyed = hmac.new(_current_key(id_key), digestmod=hashlib.sha256)
    ids = np.empty(len(keys), dtype=object)
    ids[:] = [f"{prefix}_{_mac(keyed, key)}" for key in keys.tolist()]
    return ids


def _mac(keyed: hmac.HMAC, key: object) -> str:
    mac = keyed.copy()  # the secret's inner and outer pads are hashed once, not per key
    mac.update(str(key).encode("utf-8"))
    return mac.hexdigest()[:16]
