"""What online matching answers: the stored entities one incoming record may belong to."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    Refused,
    TableExport,
    frozen_array,
    html_table,
    one_of,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError, NotFoundError
from customer_understanding.typing import Level

__all__ = ["CandidateMatches"]

_BANDS = ("link", "review", "reject")


def _texts(value: Any) -> npt.NDArray[np.object_] | Refused:
    array = np.asarray(value, dtype=object)
    if array.ndim != 1:
        return Refused(value, "must be a 1-d sequence of text")
    return frozen_array(array.copy(), object)


def _floats(value: Any) -> npt.NDArray[np.float64] | Refused:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return Refused(value, "must be a 1-d sequence of numbers")
    if array.ndim != 1:
        return Refused(value, "must be a 1-d sequence of numbers")
    return frozen_array(array.copy(), np.float64)


def _grid(value: Any) -> npt.NDArray[np.generic] | Refused:
    array = np.asarray(value, dtype=object)
    if array.ndim != 2:
        return Refused(value, "must be a 2-d table (candidates by comparisons)")
    return frozen_array(array.copy(), object)


def _names(value: Any) -> tuple[str, ...] | Refused:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        return Refused(value, "must be a sequence of comparison names")
    return tuple(str(name) for name in value)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class CandidateMatches(TableExport):
    """The stored entities an incoming record may belong to, best first, with evidence.

    Made by :meth:`CustomerBase.match <customer_understanding.base.CustomerBase.match>`.
    Each candidate is scored by its record closest to the incoming one, with the model
    fitted when the base was built; a pair agreeing exactly on the e-mail (contacts) or
    domain (accounts) is linked whatever its weight, as the build's first pass links it.

    Parameters
    ----------
    level
        ``"account"`` or ``"contact"``.
    entity_ids
        Each candidate entity's id.
    records
        The candidate's record closest to the incoming one (``system:source_id``).
    match_weight, match_probability
        The model's log2 odds that the record is that entity, and the probability.
    bands
        ``"link"``, ``"review"`` or ``"reject"`` per candidate.
    comparisons
        The compared columns.
    levels
        Per candidate and comparison, the level the values agree at (``"missing"``
        when either side lacks it).
    weights
        Per candidate and comparison, the level's log2 Bayes factor.
    incoming, stored
        The compared values (normalised): the incoming record's, and per candidate and
        comparison the stored record's.
    prior_weight
        The model's weight before any evidence.

    Examples
    --------
    >>> matches = CandidateMatches(level="contact", entity_ids=["con_1"],
    ...     records=["crm:1"], match_weight=[9.5], match_probability=[0.9986],
    ...     bands=["link"], comparisons=("email",), levels=[["exact"]], weights=[[14.0]],
    ...     incoming=["ann@acme.com"], stored=[["ann@acme.com"]], prior_weight=-4.5)
    >>> matches
    CandidateMatches: 1 row, level=contact, best=con_1
    >>> matches.evidence("con_1")[["comparison", "level", "weight"]]
      comparison  level  weight
    0      prior  prior    -4.5
    1      email  exact    14.0
    """

    level: Level = attrs.field(validator=one_of("account", "contact"))
    entity_ids: npt.NDArray[np.object_] = attrs.field(factory=tuple, converter=_texts)
    records: npt.NDArray[np.object_] = attrs.field(factory=tuple, converter=_texts)
    match_weight: npt.NDArray[np.float64] = attrs.field(factory=tuple, converter=_floats)
    match_probability: npt.NDArray[np.float64] = attrs.field(factory=tuple, converter=_floats)
    bands: npt.NDArray[np.object_] = attrs.field(factory=tuple, converter=_texts)
    comparisons: tuple[str, ...] = attrs.field(default=(), converter=_names)
    levels: npt.NDArray[np.generic] = attrs.field(factory=lambda: np.empty((0, 0)),
                                                   converter=_grid)  # fmt: skip
    weights: npt.NDArray[np.generic] = attrs.field(factory=lambda: np.empty((0, 0)),
                                                    converter=_grid)  # fmt: skip
    incoming: npt.NDArray[np.object_] = attrs.field(factory=tuple, converter=_texts)
    stored: npt.NDArray[np.generic] = attrs.field(factory=lambda: np.empty((0, 0)),
                                                   converter=_grid)  # fmt: skip
    prior_weight: float = 0.0

    def __attrs_post_init__(self) -> None:
        n = len(self.entity_ids)
        if {
            len(self.records),
            len(self.match_weight),
            len(self.match_probability),
            len(self.bands),
            len(self.levels),
            len(self.weights),
            len(self.stored),
        } - {n}:
            msg = f"CandidateMatches columns must all have {n} rows, one per candidate"
            raise InvalidValueError(msg)
        unknown = set(self.bands.tolist()) - set(_BANDS)
        if unknown:
            msg = f"bands={sorted(unknown)[0]!r} must be one of {', '.join(_BANDS)}"
            raise InvalidValueError(msg)

    def __len__(self) -> int:
        """The number of candidate entities."""
        return len(self.entity_ids)

    @property
    def best(self) -> str | None:
        """The id of the best candidate in the link band (``None``: a new entity)."""
        linked = np.flatnonzero(self.bands == "link")
        return None if not len(linked) else str(self.entity_ids[linked[0]])

    def __repr__(self) -> str:
        return summary("CandidateMatches", len(self), level=self.level, best=self.best or "-")

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per candidate, best first: its id, record, weight, probability and band.

        The id column is ``contact_id`` or ``account_id`` by level; then ``record``,
        ``match_weight``, ``match_probability``, ``band`` and one ``weight_<comparison>``
        column per comparison.
        """
        frame = pd.DataFrame({
            f"{self.level}_id": np.array(self.entity_ids, dtype=object),
            "record": np.array(self.records, dtype=object),
            "match_weight": np.array(self.match_weight),
            "match_probability": np.array(self.match_probability),
            "band": np.array(self.bands, dtype=object),
        })  # fmt: skip
        for k, name in enumerate(self.comparisons):
            frame[f"weight_{name}"] = np.asarray(self.weights[:, k], dtype=np.float64)
        return frame

    def evidence(self, entity_id: str) -> pd.DataFrame:
        """How one candidate's match weight builds up, comparison by comparison.

        Columns: ``comparison``, ``incoming``, ``stored`` (normalised values), ``level``,
        ``weight`` and ``cumulative``; the first row is the prior.

        Raises
        ------
        NotFoundError
            If the entity is not a candidate.
        """
        rows = np.flatnonzero(self.entity_ids == entity_id)
        if not len(rows):
            msg = f"entity_id={entity_id!r} is not a candidate"
            raise NotFoundError(msg)
        row = int(rows[0])
        frame = pd.DataFrame({
            "comparison": ["prior", *self.comparisons],
            "incoming": [None, *self.incoming.tolist()],
            "stored": [None, *self.stored[row].tolist()],
            "level": ["prior", *self.levels[row].tolist()],
            "weight": [self.prior_weight, *np.asarray(self.weights[row], dtype=float).tolist()],
        })  # fmt: skip
        frame["cumulative"] = frame["weight"].cumsum()
        return frame
