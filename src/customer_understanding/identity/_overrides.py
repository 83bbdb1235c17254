"""A data steward's word on identity: must-link / cannot-link overrides, and the review band.

Records are named the way the exports name them: ``(system, source_id)``. The review band
(:class:`ReviewPairs`) lists the pairs the model was unsure of in those terms, so a steward
can add a ``decision`` column (``"same"`` or ``"different"``) and hand the table back as
:meth:`Overrides.from_pandas`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    Refused,
    TableExport,
    frozen_array,
    html_table,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError, scrub

__all__ = ["Overrides", "RecordPair", "RecordRef", "ReviewPairs"]

#: A source record as the exports name it: ``(system, source_id)``.
RecordRef = tuple[str, str]
#: Two source records.
RecordPair = tuple[RecordRef, RecordRef]
Level = Literal["account", "contact"]

_PAIR_COLUMNS = ("level", "left_system", "left_source_id", "right_system", "right_source_id")
_DECISIONS = {"same": "must_link", "different": "cannot_link"}


def _ref(value: object) -> RecordRef | None:
    if isinstance(value, tuple | list) and len(value) == 2:
        system, source_id = value
        if isinstance(system, str) and system and isinstance(source_id, str | int):
            return system, str(source_id)
    return None


def _pairs(value: object) -> tuple[RecordPair, ...] | Refused:
    rule = "must be pairs of records, each (system, source_id): [(('crm', '1'), ('desk', '9'))]"
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return Refused(value, rule)
    pairs = []
    for pair in value:
        ends = tuple(pair) if isinstance(pair, tuple | list) else ()
        refs = [_ref(end) for end in ends]
        if len(refs) != 2 or refs[0] is None or refs[1] is None:
            return Refused(pair, rule)
        pairs.append((refs[0], refs[1]))
    return tuple(pairs)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class Overrides(TableExport):
    """Pairs of source records that are, or are not, one entity, whatever the model says.

    A must-link joins the two records' entities (and everything linked to them); a
    cannot-link keeps the two records in different entities, even when they share an
    e-mail address or a domain. Overrides win over the model, the exact first pass and the
    shared-inbox guard. A pair both linked and kept apart, directly or through other
    must-links, is refused when the resolver runs.

    Parameters
    ----------
    must_link_contacts, cannot_link_contacts, must_link_accounts, cannot_link_accounts
        Pairs of records, each record ``(system, source_id)`` as in the exports.

    Examples
    --------
    >>> overrides = Overrides(cannot_link_contacts=[(("hubspot", "7"), ("zendesk", "31"))])
    >>> overrides
    Overrides: 1 row, must_link=0, cannot_link=1
    >>> overrides.to_pandas().iloc[0].tolist()
    ['contact', 'hubspot', '7', 'zendesk', '31', 'different']
    """

    must_link_contacts: tuple[RecordPair, ...] = attrs.field(default=(), converter=_pairs)
    cannot_link_contacts: tuple[RecordPair, ...] = attrs.field(default=(), converter=_pairs)
    must_link_accounts: tuple[RecordPair, ...] = attrs.field(default=(), converter=_pairs)
    cannot_link_accounts: tuple[RecordPair, ...] = attrs.field(default=(), converter=_pairs)

    @classmethod
    def from_pandas(cls, frame: pd.DataFrame) -> Overrides:
        """Overrides from a decided review table (or any table with the same columns).

        Reads ``level`` (``"account"`` or ``"contact"``), ``left_system``,
        ``left_source_id``, ``right_system``, ``right_source_id`` and ``decision``
        (``"same"`` or ``"different"``); rows without a decision are left out.

        Raises
        ------
        InvalidValueError
            If a column is missing, or a row holds an unknown level or decision (named
            by its position).

        Examples
        --------
        >>> import pandas as pd
        >>> decided = pd.DataFrame({"level": ["contact", "contact"],
        ...     "left_system": ["crm", "crm"], "left_source_id": ["1", "2"],
        ...     "right_system": ["desk", "desk"], "right_source_id": ["9", "8"],
        ...     "decision": ["same", None]})
        >>> Overrides.from_pandas(decided).must_link_contacts
        ((('crm', '1'), ('desk', '9')),)
        """
        given: object = frame
        if not isinstance(given, pd.DataFrame):
            msg = f"frame={scrub(repr(given))[:80]} must be a pandas DataFrame"
            raise InvalidValueError(msg)
        missing = [c for c in (*_PAIR_COLUMNS, "decision") if c not in frame.columns]
        if missing:
            msg = f"frame lacks the column(s) {missing} an override needs"
            raise InvalidValueError(msg)
        found: dict[str, list[object]] = {}
        rows = frame[[*_PAIR_COLUMNS, "decision"]].to_dict("records")
        for position, row in enumerate(rows):
            level, decision = row["level"], row["decision"]
            if not isinstance(decision, str) and pd.isna(decision):
                continue
            if level not in ("account", "contact") or decision not in _DECISIONS:
                msg = (
                    f"row {position}: level={level!r} and decision={decision!r} must "
                    "be 'account'/'contact' and 'same'/'different'"
                )
                raise InvalidValueError(msg)
            ends = ((row["left_system"], row["left_source_id"]),
                    (row["right_system"], row["right_source_id"]))  # fmt: skip
            found.setdefault(f"{_DECISIONS[str(decision)]}_{level}s", []).append(ends)
        return cls(**found)

    def pairs(self, level: Level) -> tuple[tuple[RecordPair, ...], tuple[RecordPair, ...]]:
        """The must-link and the cannot-link pairs of one level."""
        if level == "contact":
            return self.must_link_contacts, self.cannot_link_contacts
        return self.must_link_accounts, self.cannot_link_accounts

    def __or__(self, other: Overrides) -> Overrides:
        """Both sets of decisions together."""
        return Overrides(**{
            name: getattr(self, name) + getattr(other, name)
            for name in attrs.fields_dict(Overrides)
        })  # fmt: skip

    def __len__(self) -> int:
        """The number of decisions."""
        return sum(len(getattr(self, name)) for name in attrs.fields_dict(Overrides))

    def __repr__(self) -> str:
        must = len(self.must_link_contacts) + len(self.must_link_accounts)
        return summary("Overrides", len(self), must_link=must, cannot_link=len(self) - must)

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per decision, in the columns :meth:`from_pandas` reads."""
        rows = [
            (level, left[0], left[1], right[0], right[1], decision)
            for level in ("contact", "account")
            for decision, pairs in zip(("same", "different"), self.pairs(level), strict=True)
            for left, right in pairs
        ]
        return pd.DataFrame(rows, columns=[*_PAIR_COLUMNS, "decision"])


def _strings(value: Any) -> npt.NDArray[np.object_] | Refused:
    array = np.asarray(value, dtype=object)
    if array.ndim != 1:
        return Refused(value, "must be a 1-d sequence of text")
    if pd.api.types.infer_dtype(array, skipna=False) not in ("string", "empty"):
        array = array.astype(str).astype(object)  # texts already (a stored table's) stay
    return frozen_array(array, object)


def _floats(value: Any) -> npt.NDArray[np.float64] | Refused:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 1:
        return Refused(value, "must be a 1-d sequence of numbers")
    return frozen_array(array, np.float64)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class ReviewPairs(TableExport):
    """Pairs of records the model was unsure of: the review band, for a steward to decide.

    A pair is in the band when its match probability lies between the resolver's review
    and link thresholds. ``same_entity`` says whether the pair ended up in one entity
    anyway (through other links). Add a ``decision`` column (``"same"`` or
    ``"different"``) to :meth:`to_pandas` and pass the table to
    :meth:`Overrides.from_pandas` to make the decisions stick.

    Parameters
    ----------
    level
        ``"account"`` or ``"contact"`` per pair.
    left_system, left_source_id, right_system, right_source_id
        The two records, as the exports name them.
    left_entity_id, right_entity_id
        The entity each record belongs to (an ``acc_…`` or ``con_…`` id).
    match_probability, match_weight
        The model's probability that both are one entity, and its log2 odds.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> rows = [{"Id": "1", "FirstName": "Ann", "LastName": "Lee", "Email": "ann@acme.com"},
    ...         {"Id": "2", "FirstName": "Ann", "LastName": "Lee", "Email": "a.lee@gmail.com"}]
    >>> base = cu.CustomerBase.build([cu.Source(name="crm", data=rows,
    ...                                         mapping="salesforce.Contact")])
    >>> review = base.review_pairs()
    >>> list(review.to_pandas().columns[:5])
    ['level', 'left_system', 'left_source_id', 'right_system', 'right_source_id']
    """

    level: npt.NDArray[np.object_] = attrs.field(factory=tuple, converter=_strings)
    left_system: npt.NDArray[np.object_] = attrs.field(factory=tuple, converter=_strings)
    left_source_id: npt.NDArray[np.object_] = attrs.field(factory=tuple, converter=_strings)
    right_system: npt.NDArray[np.object_] = attrs.field(factory=tuple, converter=_strings)
    right_source_id: npt.NDArray[np.object_] = attrs.field(factory=tuple, converter=_strings)
    left_entity_id: npt.NDArray[np.object_] = attrs.field(factory=tuple, converter=_strings)
    right_entity_id: npt.NDArray[np.object_] = attrs.field(factory=tuple, converter=_strings)
    match_probability: npt.NDArray[np.float64] = attrs.field(factory=tuple, converter=_floats)
    match_weight: npt.NDArray[np.float64] = attrs.field(factory=tuple, converter=_floats)

    def __attrs_post_init__(self) -> None:
        lengths = {name: len(getattr(self, name)) for name in attrs.fields_dict(ReviewPairs)}
        if len(set(lengths.values())) > 1:
            msg = f"ReviewPairs columns must be equally long, got {lengths}"
            raise InvalidValueError(msg)
        unknown = set(self.level.tolist()) - {"account", "contact"}
        if unknown:
            msg = f"level={sorted(unknown)[0]!r} must be 'account' or 'contact'"
            raise InvalidValueError(msg)

    def __len__(self) -> int:
        """The number of pairs."""
        return len(self.level)

    def __repr__(self) -> str:
        contacts = int((self.level == "contact").sum())
        return summary("ReviewPairs", len(self), accounts=len(self) - contacts, contacts=contacts)

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def of_level(self, level: Level) -> ReviewPairs:
        """The pairs of one level only."""
        keep = self.level == level
        return ReviewPairs(**{name: getattr(self, name)[keep]
                              for name in attrs.fields_dict(ReviewPairs)})  # fmt: skip

    def to_pandas(self) -> pd.DataFrame:
        """One row per pair, surest first: the records, their entities, the model's view.

        Columns: ``level``, ``left_system``, ``left_source_id``, ``right_system``,
        ``right_source_id``, ``left_entity_id``, ``right_entity_id``,
        ``match_probability``, ``match_weight`` and ``same_entity``.
        """
        frame = pd.DataFrame({
            name: np.array(getattr(self, name), copy=True)
            for name in attrs.fields_dict(ReviewPairs)
        })  # fmt: skip
        frame["same_entity"] = frame["left_entity_id"] == frame["right_entity_id"]
        return frame.sort_values(
            ["match_probability", "level", "left_system", "left_source_id"],
            ascending=[False, True, True, True], kind="stable", ignore_index=True,
        )  # fmt: skip
