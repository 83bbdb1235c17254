"""``ScoreTable``: scores with grades and columnar reason codes that add up to each score."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    Moment,
    TableExport,
    column,
    floats,
    html_table,
    int32s,
    int64s,
    labels,
    objects,
    one_of,
    parse_moment,
    same_array,
    summary,
    text_field,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError, NotFoundError
from customer_understanding.typing import Level

__all__ = ["Reasons", "ScoreTable"]

_SAME: Any = attrs.cmp_using(eq=same_array)
Floats = npt.NDArray[np.float64]

# Named converters (one per field), so errors name the field and mypy sees what each accepts.


def _row(value: Any) -> npt.NDArray[np.int64]:
    return column(int64s, value, name="row", what="entity rows")


def _signal(value: Any) -> npt.NDArray[np.int32]:
    return column(int32s, value, name="signal", what="signal codes")


def _signals(value: Any) -> tuple[str, ...]:
    return labels(value, name="signals")


def _value(value: Any) -> Floats:
    return column(floats, value, name="value")


def _weight(value: Any) -> Floats:
    return column(floats, value, name="weight")


def _decay(value: Any) -> Floats:
    return column(floats, value, name="decay")


def _contribution(value: Any) -> Floats:
    return column(floats, value, name="contribution")


def _ids(value: Any) -> npt.NDArray[np.object_]:
    return column(objects, value, name="ids", what="ids")


def _score(value: Any) -> Floats:
    return column(floats, value, name="score")


def _grade(value: Any) -> npt.NDArray[np.int32]:
    return column(int32s, value, name="grade", what="grade codes")


def _grades(value: Any) -> tuple[str, ...]:
    return labels(value, name="grades")


def _positive_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        msg = f"{name}={value!r} must be an integer >= 1"
        raise InvalidValueError(msg)
    return int(value)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class Reasons(TableExport):
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
    >>> reasons
    Reasons: 2 rows, signals=2
    >>> reasons.total(1).tolist()
    [-10.0]
    >>> reasons.to_pandas()["signal"].tolist()
    ['webinar', 'unsubscribe']
    """

    row: npt.NDArray[np.int64] = attrs.field(converter=_row, eq=_SAME)
    signal: npt.NDArray[np.int32] = attrs.field(converter=_signal, eq=_SAME)
    signals: tuple[str, ...] = attrs.field(converter=_signals)
    value: Floats = attrs.field(converter=_value, eq=_SAME)
    weight: Floats = attrs.field(converter=_weight, eq=_SAME)
    decay: Floats = attrs.field(converter=_decay, eq=_SAME)
    contribution: Floats = attrs.field(converter=_contribution, eq=_SAME)

    def __attrs_post_init__(self) -> None:
        names = ("row", "signal", "value", "weight", "decay", "contribution")
        lengths = {name: len(getattr(self, name)) for name in names}
        if len(set(lengths.values())) > 1:
            msg = f"reason columns differ in length: {lengths}"
            raise InvalidValueError(msg)
        if len(self.signal) and (self.signal.min() < 0 or self.signal.max() >= len(self.signals)):
            msg = f"signal codes must index signals={self.signals!r}"
            raise InvalidValueError(msg)
        if len(self.row) and self.row.min() < 0:
            msg = f"row={int(self.row.min())!r} must be a row of the score table (>= 0)"
            raise InvalidValueError(msg)

    def __len__(self) -> int:
        return len(self.row)

    def __repr__(self) -> str:
        return summary("Reasons", len(self), signals=len(self.signals))

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per reason: the entity ``row``, the ``signal`` name and its numbers."""
        return pd.DataFrame(
            {
                "row": self.row,
                "signal": np.array([*self.signals, ""], dtype=object)[self.signal],
                "value": self.value,
                "weight": self.weight,
                "decay": self.decay,
                "contribution": self.contribution,
            }
        )

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


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class ScoreTable(TableExport):
    """Scores of every contact or account as of a time, with grades and reason codes.

    Attributes
    ----------
    scorer
        Name of the scorer that produced it.
    level
        ``"contact"`` or ``"account"``.
    as_of
        The :class:`~customer_understanding.typing.Moment` the scores describe (any
        accepted form of a moment is converted on construction).
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
    >>> table = ScoreTable(scorer="example", level="contact", as_of="2026-06-01",
    ...                    ids=["c1", "c2"], score=[40, 20], grade=[0, 1],
    ...                    grades=("hot", "warm"), reasons=reasons)
    >>> table
    ScoreTable: 2 rows, as of 2026-06-01T00:00:00Z, scorer=example, level=contact
    >>> table.to_pandas().values.tolist()
    [['c1', 40.0, 'hot'], ['c2', 20.0, 'warm']]
    >>> table.top_reasons("c1", n=1)["signal"].tolist()
    ['demo']
    """

    scorer: str = attrs.field(validator=text_field)
    level: Level = attrs.field(validator=one_of("contact", "account"))
    as_of: Moment = attrs.field(converter=parse_moment)
    ids: npt.NDArray[np.object_] = attrs.field(converter=_ids, eq=_SAME)
    score: Floats = attrs.field(converter=_score, eq=_SAME)
    grade: npt.NDArray[np.int32] = attrs.field(converter=_grade, eq=_SAME)
    grades: tuple[str, ...] = attrs.field(converter=_grades)
    reasons: Reasons = attrs.field(factory=Reasons.empty)

    def __attrs_post_init__(self) -> None:
        if not len(self.ids) == len(self.score) == len(self.grade):
            msg = (
                f"ids, score and grade differ in length: "
                f"{len(self.ids)}, {len(self.score)}, {len(self.grade)}"
            )
            raise InvalidValueError(msg)
        if len(self.grade) and (self.grade.min() < -1 or self.grade.max() >= len(self.grades)):
            msg = f"grade codes must be -1 or index grades={self.grades!r}"
            raise InvalidValueError(msg)
        reasons: object = self.reasons  # checked: callers may pass anything
        if not isinstance(reasons, Reasons):
            msg = f"reasons={reasons!r} must be a Reasons table"
            raise InvalidValueError(msg)
        rows = self.reasons.row
        if len(rows) and rows.max() >= len(self.ids):
            msg = "reason rows must point at rows of the score table"
            raise InvalidValueError(msg)

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return summary(
            "ScoreTable", len(self), as_of=self.as_of, scorer=self.scorer, level=self.level
        )

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    @property
    def id_column(self) -> str:
        """The name of the id column in frames: ``contact_id`` or ``account_id``."""
        return f"{self.level}_id"

    def labels(self) -> npt.NDArray[np.object_]:
        """The grade of every entity as a string (``None`` when ungraded)."""
        lookup = np.array([*self.grades, None], dtype=object)
        return lookup[np.where(self.grade < 0, len(self.grades), self.grade)]

    def to_pandas(self) -> pd.DataFrame:
        """One row per entity: ``contact_id`` or ``account_id``, ``score`` and ``grade``."""
        return pd.DataFrame({self.id_column: self.ids, "score": self.score, "grade": self.labels()})

    def reasons_frame(self, rows: npt.NDArray[np.intp] | None = None) -> pd.DataFrame:
        """Reasons as rows: the entity's id, ``signal`` and the numbers behind it.

        ``rows`` picks reason positions (all reasons by default).

        Examples
        --------
        >>> ScoreTable(scorer="x", level="account", as_of=0, ids=[], score=[], grade=[],
        ...            grades=()).reasons_frame().columns.tolist()
        ['account_id', 'signal', 'value', 'weight', 'decay', 'contribution']
        """
        frame = self.reasons.to_pandas()
        if rows is not None:
            frame = frame.iloc[rows].reset_index(drop=True)
        frame.insert(0, self.id_column, self.ids[frame.pop("row").to_numpy(np.int64)])
        return frame

    def row_of(self, entity_id: str) -> int:
        """The row of an entity id.

        Raises
        ------
        NotFoundError
            If the table does not score that entity.

        Examples
        --------
        >>> ScoreTable(scorer="x", level="account", as_of=0, ids=["a", "b"], score=[1, 2],
        ...            grade=[-1, -1], grades=()).row_of("b")
        1
        """
        found = np.flatnonzero(self.ids == entity_id)
        if not len(found):
            msg = f"entity_id={entity_id!r} is not in this {self.level} score table"
            raise NotFoundError(msg)
        return int(found[0])

    def top_reasons(self, entity_id: str, n: int = 3) -> pd.DataFrame:
        """The ``n`` reasons that move one entity's score most (by absolute contribution)."""
        count = _positive_count("n", n)
        row = self.row_of(entity_id)
        mine = np.flatnonzero(self.reasons.row == row)
        order = np.argsort(-np.abs(self.reasons.contribution[mine]), kind="stable")[:count]
        return self.reasons_frame(mine[order]).drop(columns=self.id_column)

    def top(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` highest-scoring entities, best first.

        Examples
        --------
        >>> table = ScoreTable(scorer="x", level="account", as_of=0, ids=["a", "b"],
        ...                    score=[1.0, 3.0], grade=[-1, -1], grades=())
        >>> table.top(1)["account_id"].tolist()
        ['b']
        """
        order = np.argsort(-self.score, kind="stable")[: _positive_count("n", n)]
        return self.to_pandas().iloc[order].reset_index(drop=True)
