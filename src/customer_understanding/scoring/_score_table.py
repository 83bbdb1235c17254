"""``ScoreTable``: scores with grades and columnar reason codes that add up to each score."""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import floats, int32s, int64s, names, objects
from customer_understanding._errors import InvalidValueError, NotFoundError
from customer_understanding.typing import Level

__all__ = ["Reasons", "ScoreTable"]


@attrs.frozen(kw_only=True)
class Reasons:
    """Reason codes, one row per (entity, signal): why a score is what it is.

    Attributes
    ----------
    row
        Position of the entity in its :class:`ScoreTable`.
    signal
        Codes into ``signals``, the names of the signals (an interaction type, a rule …).
    value
        The signal's value for the entity (a count, a measured share, 1 for a matched rule).
    weight
        Points per unit of the signal.
    decay
        The factor time applied (1 when nothing decays).
    contribution
        Points the signal adds to the score; an entity's contributions sum to its score.

    Examples
    --------
    >>> reasons = Reasons(row=[0, 0], signal=[0, 1], signals=("webinar", "unsubscribe"),
    ...                   value=[2, 1], weight=[10, -20], decay=[0.5, 1], contribution=[10, -20])
    >>> reasons.total(1).tolist()
    [-10.0]
    """

    row: npt.NDArray[np.int64] = attrs.field(converter=int64s)
    signal: npt.NDArray[np.int32] = attrs.field(converter=int32s)
    signals: tuple[str, ...] = attrs.field(converter=names)
    value: npt.NDArray[np.float64] = attrs.field(converter=floats)
    weight: npt.NDArray[np.float64] = attrs.field(converter=floats)
    decay: npt.NDArray[np.float64] = attrs.field(converter=floats)
    contribution: npt.NDArray[np.float64] = attrs.field(converter=floats)

    def __attrs_post_init__(self) -> None:
        names = ("row", "signal", "value", "weight", "decay", "contribution")
        lengths = {name: len(getattr(self, name)) for name in names}
        if len(set(lengths.values())) > 1:
            msg = f"reason columns differ in length: {lengths}"
            raise InvalidValueError(msg)
        if len(self.signal) and (self.signal.min() < 0 or self.signal.max() >= len(self.signals)):
            msg = f"signal codes must index signals={self.signals!r}"
            raise InvalidValueError(msg)

    def __len__(self) -> int:
        return len(self.row)

    @classmethod
    def empty(cls) -> Reasons:
        """No reasons at all.

        Examples
        --------
        >>> len(Reasons.empty())
        0
        """
        return cls(row=[], signal=[], signals=(), value=[], weight=[], decay=[], contribution=[])

    @classmethod
    def concat(cls, parts: list[Reasons]) -> Reasons:
        """Stack reason tables, merging their signal names.

        Examples
        --------
        >>> a = Reasons(row=[0], signal=[0], signals=("x",), value=[1], weight=[1], decay=[1],
        ...             contribution=[1])
        >>> Reasons.concat([a, a]).signals
        ('x',)
        """
        labels = tuple(dict.fromkeys(name for part in parts for name in part.signals))
        position = {name: code for code, name in enumerate(labels)}
        codes = [
            np.array([position[s] for s in part.signals], dtype=np.int32)[part.signal]
            if len(part)
            else np.zeros(0, np.int32)
            for part in parts
        ]
        columns = ("row", "value", "weight", "decay", "contribution")
        stacked = {
            c: np.concatenate([np.zeros(0), *(getattr(p, c) for p in parts)]) for c in columns
        }
        return cls(
            signal=np.concatenate([np.zeros(0, np.int32), *codes]), signals=labels, **stacked
        )

    def total(self, rows: int) -> npt.NDArray[np.float64]:
        """The sum of contributions per entity row, for ``rows`` entities.

        Examples
        --------
        >>> Reasons.empty().total(2).tolist()
        [0.0, 0.0]
        """
        return np.bincount(self.row, weights=self.contribution, minlength=rows).astype(np.float64)


@attrs.frozen(kw_only=True)
class ScoreTable:
    """Scores of every contact or account as of a time, with grades and reason codes.

    Attributes
    ----------
    scorer
        Name of the scorer that produced it.
    level
        ``"contact"`` or ``"account"``.
    as_of
        The point in time (int64 UTC nanoseconds) the scores describe.
    ids
        Entity ids, one per row.
    score
        The scores.
    grade, grades
        Codes into ``grades`` (-1 when ungraded), e.g. ``("A", "B", "C", "D")``.
    reasons
        Columnar :class:`Reasons` whose contributions add up to each score.

    Examples
    --------
    >>> reasons = Reasons(row=[0, 0, 1], signal=[0, 1, 0], signals=("webinar", "demo"),
    ...                   value=[1, 1, 2], weight=[10, 30, 10], decay=[1, 1, 1],
    ...                   contribution=[10, 30, 20])
    >>> table = ScoreTable(scorer="example", level="contact", as_of=0, ids=["c1", "c2"],
    ...                    score=[40, 20], grade=[0, 1], grades=("hot", "warm"), reasons=reasons)
    >>> table.to_pandas()[["id", "score", "grade"]].values.tolist()
    [['c1', 40.0, 'hot'], ['c2', 20.0, 'warm']]
    >>> table.top_reasons("c1", n=1)["signal"].tolist()
    ['demo']
    """

    scorer: str
    level: Level
    as_of: int
    ids: npt.NDArray[np.object_] = attrs.field(converter=objects)
    score: npt.NDArray[np.float64] = attrs.field(converter=floats)
    grade: npt.NDArray[np.int32] = attrs.field(converter=int32s)
    grades: tuple[str, ...] = attrs.field(converter=names)
    reasons: Reasons = attrs.field(factory=Reasons.empty)

    def __attrs_post_init__(self) -> None:
        if not len(self.ids) == len(self.score) == len(self.grade):
            msg = (
                f"ids, score and grade differ in length: "
                f"{len(self.ids)}, {len(self.score)}, {len(self.grade)}"
            )
            raise InvalidValueError(msg)
        rows = self.reasons.row
        if len(rows) and (rows.min() < 0 or rows.max() >= len(self.ids)):
            msg = "reason rows must point at rows of the score table"
            raise InvalidValueError(msg)

    def __len__(self) -> int:
        return len(self.ids)

    def labels(self) -> npt.NDArray[np.object_]:
        """The grade of every entity as a string (``None`` when ungraded)."""
        lookup = np.array([*self.grades, None], dtype=object)
        return lookup[np.where(self.grade < 0, len(self.grades), self.grade)]

    def to_pandas(self) -> pd.DataFrame:
        """One row per entity: ``id``, ``score`` and ``grade``."""
        return pd.DataFrame({"id": self.ids, "score": self.score, "grade": self.labels()})

    def reasons_frame(self, rows: npt.NDArray[np.intp] | None = None) -> pd.DataFrame:
        """Reasons as rows: entity ``id``, ``signal`` and the numbers behind it.

        ``rows`` picks reason positions (all reasons by default).

        Examples
        --------
        >>> ScoreTable(scorer="x", level="account", as_of=0, ids=[], score=[], grade=[],
        ...            grades=()).reasons_frame().columns.tolist()
        ['id', 'signal', 'value', 'weight', 'decay', 'contribution']
        """
        reasons = self.reasons
        pick = slice(None) if rows is None else rows
        signals = np.array([*reasons.signals, ""], dtype=object)
        return pd.DataFrame(
            {
                "id": self.ids[reasons.row[pick]],
                "signal": signals[reasons.signal[pick]],
                "value": reasons.value[pick],
                "weight": reasons.weight[pick],
                "decay": reasons.decay[pick],
                "contribution": reasons.contribution[pick],
            }
        )

    def row_of(self, entity_id: str) -> int:
        """The row of an entity id.

        Raises
        ------
        NotFoundError
            If the table does not score that entity.
        """
        found = np.flatnonzero(self.ids == entity_id)
        if not len(found):
            msg = f"entity_id={entity_id!r} is not in this {self.level} score table"
            raise NotFoundError(msg)
        return int(found[0])

    def top_reasons(self, entity_id: str, n: int = 3) -> pd.DataFrame:
        """The ``n`` reasons that move one entity's score most (by absolute contribution)."""
        if n < 1:
            msg = f"n={n!r} must be >= 1"
            raise InvalidValueError(msg)
        row = self.row_of(entity_id)
        mine = np.flatnonzero(self.reasons.row == row)
        order = np.argsort(-np.abs(self.reasons.contribution[mine]), kind="stable")[:n]
        return self.reasons_frame(mine[order]).drop(columns="id")

    def top(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` highest-scoring entities, best first.

        Examples
        --------
        >>> table = ScoreTable(scorer="x", level="account", as_of=0, ids=["a", "b"],
        ...                    score=[1.0, 3.0], grade=[-1, -1], grades=())
        >>> table.top(1)["id"].tolist()
        ['b']
        """
        order = np.argsort(-self.score, kind="stable")[:n]
        return self.to_pandas().iloc[order].reset_index(drop=True)
