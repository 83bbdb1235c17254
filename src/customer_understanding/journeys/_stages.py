"""The lifecycle stage model and columnar stage histories.

A :class:`StageModel` names the stages and sorts them into roles:

- ``waterfall``: stages a subject moves *forward* through (known … opportunity); entering
  an earlier waterfall stage than one already reached is going *backwards*;
- ``recycle``: stages that send a subject back to the start (``recycled``): after one,
  the waterfall may be walked again;
- every other stage (won, lost, the customer side) may be entered in any order.

A history that goes backwards without passing a recycle stage is an error by default
(``on_backwards="error"``); with ``on_backwards="drop"`` the backward events are dropped
and counted in :attr:`StageHistory.dropped`. Entering a stage the subject is already in
(a waterfall stage reached again before a recycle, or the stage it is in now) is no new
entry: such repeats, typically one move logged by two systems, are always merged into
the first (and not counted as dropped).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    NAT,
    Moment,
    TableExport,
    from_nanos,
    html_table,
    one_of,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.domain import Journey, Stage, StageChange, normalize_term
from customer_understanding.journeys._columns import (
    check_count,
    checked,
    column,
    ensure,
    ints,
    is_a,
    objects,
    refused,
    require,
)
from customer_understanding.journeys._columns import count as count_of
from customer_understanding.journeys._paths import times

__all__ = ["DEFAULT_MODEL", "OnBackwards", "StageHistory", "StageModel",
           "SubjectLevel", "stage_names"]  # fmt: skip

OnBackwards = Literal["error", "drop"]
#: What the subjects of a stage history are.
SubjectLevel = Literal["contact", "account", "opportunity"]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


def _stage_tuple(value: Any) -> tuple[str, ...]:
    """Converter: stage names folded to their vocabulary form (checked by ``checked``)."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return refused(value, "must be a sequence of stage names")  # type: ignore[no-any-return]
    names = tuple(value)
    if not all(isinstance(item, str) for item in names):
        return refused(value, "must hold stage names (strings) only")  # type: ignore[no-any-return]
    return tuple(normalize_term(item) for item in names)


def stage_names(name: str, value: object) -> tuple[str, ...]:
    """A function's argument ``name`` as stage names; anything else is refused."""
    return ensure(name, _stage_tuple(value))


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class StageModel:
    """Which lifecycle stages exist and how a subject may move between them.

    Examples
    --------
    >>> model = StageModel(stages=("lead", "qualified", "customer", "recycled"),
    ...                    waterfall=("lead", "qualified"), recycle=("recycled",))
    >>> model.code("Qualified"), model.codes(["lead", "customer"]).tolist()
    (1, [0, 2])
    """

    stages: tuple[str, ...] = attrs.field(converter=_stage_tuple, validator=checked)
    waterfall: tuple[str, ...] = attrs.field(converter=_stage_tuple, validator=checked)
    recycle: tuple[str, ...] = attrs.field(default=(), converter=_stage_tuple, validator=checked)

    def __attrs_post_init__(self) -> None:
        if len(set(self.stages)) != len(self.stages):
            msg = f"stages={self.stages!r} must not repeat a name"
            raise InvalidValueError(msg)
        for name in (*self.waterfall, *self.recycle):
            self.code(name)

    def code(self, name: str) -> int:
        """The position of stage ``name`` in :attr:`stages`.

        Raises
        ------
        UnknownNameError
            If the model has no such stage; the message lists the known ones.
        """
        term = normalize_term(name) if isinstance(name, str) else None
        if term not in self.stages:
            msg = f"stage={str(name)!r} is not one of: {', '.join(self.stages)}"
            raise UnknownNameError(msg)
        return self.stages.index(term)

    def codes(self, names: Sequence[str] | npt.NDArray[Any]) -> Ints:
        """Codes of many stage names at once (every name must be known)."""
        unique, inverse = np.unique(
            np.asarray(names, dtype=object).astype(str), return_inverse=True
        )
        lookup = np.array([self.code(name) for name in unique], dtype=np.int64)
        return lookup[inverse].astype(np.int64)

    @property
    def ranks(self) -> Ints:
        """Waterfall rank of each stage (``-1`` for stages outside the waterfall)."""
        rank = np.full(len(self.stages), -1, dtype=np.int64)
        rank[[self.code(name) for name in self.waterfall]] = np.arange(len(self.waterfall))
        return rank

    @property
    def recycles(self) -> npt.NDArray[np.bool_]:
        """Whether each stage is a recycle stage."""
        flags = np.zeros(len(self.stages), dtype=np.bool_)
        flags[[self.code(name) for name in self.recycle]] = True
        return flags


#: The default model: every :class:`~customer_understanding.domain.Stage`, the lead-to-cash
#: waterfall up to ``opportunity``, and ``recycled`` as the recycle stage.
DEFAULT_MODEL = StageModel(
    stages=tuple(stage.value for stage in Stage),
    waterfall=("known", "engaged", "mql", "sal", "sql", "opportunity"),
    recycle=("recycled",),
)


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class StageHistory(TableExport):
    """Stage entries as columns, sorted by subject then time.

    Attributes
    ----------
    subject
        Row of the contact, account or deal (any integer id, ``0 … subjects - 1``).
    stage
        Stage code into ``model.stages``.
    at
        Entry time, int64 UTC ns.
    subjects
        Number of subjects (including those without any entry).
    model
        The stage model the codes refer to.
    dropped
        Backward entries dropped under ``on_backwards="drop"``.
    level
        What the subjects are (``"contact"``, ``"account"``, ``"opportunity"``), when known.
    ids
        The id of each subject, when known (:func:`stage_history` fills both); then
        :meth:`to_pandas` names the subjects in an ``<level>_id`` column.

    Examples
    --------
    >>> history = StageHistory.build(subject=[0, 0, 1], stage=["mql", "known", "known"],
    ...                              at=[5, 1, 2], subjects=2)
    >>> history.stage.tolist(), history.at.tolist()
    ([0, 2, 0], [1, 5, 2])
    """

    subject: Ints = attrs.field(converter=ints, validator=checked)
    stage: Ints = attrs.field(converter=ints, validator=checked)
    at: Ints = attrs.field(converter=ints, validator=checked)
    subjects: int = attrs.field(validator=check_count)
    model: StageModel = attrs.field(
        default=DEFAULT_MODEL, validator=is_a(StageModel, "a StageModel")
    )
    dropped: int = attrs.field(default=0, validator=check_count)
    level: SubjectLevel | None = attrs.field(
        default=None, validator=one_of("contact", "account", "opportunity", None)
    )
    ids: npt.NDArray[np.object_] | None = attrs.field(
        default=None, converter=objects, validator=checked
    )

    def __attrs_post_init__(self) -> None:
        _check(self.subject, self.stage, self.at, subjects=self.subjects, model=self.model)
        if self.ids is not None and len(self.ids) != self.subjects:
            msg = f"ids has {len(self.ids)} values but subjects={self.subjects}"
            raise InvalidValueError(msg)

    def __len__(self) -> int:
        """The number of stage entries."""
        return len(self.subject)

    def __repr__(self) -> str:
        return summary("StageHistory", len(self), subjects=self.subjects,
                       level=self.level or "unknown")  # fmt: skip

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per entry: the subject, the ``stage`` name and the entry time ``at`` (UTC).

        The subject column is ``contact_id``, ``account_id`` or ``opportunity_id`` when the
        history knows its subjects' ids and level, else ``subject`` (the row number).

        Examples
        --------
        >>> StageHistory.build(subject=[0], stage=["mql"], at=[0], subjects=1).to_pandas()
           subject stage                        at
        0        0   mql 1970-01-01 00:00:00+00:00
        """
        if self.ids is not None and self.level is not None:
            who: tuple[str, Any] = (f"{self.level}_id", self.ids[self.subject])
        else:
            who = ("subject", self.subject)
        names = np.asarray(self.model.stages, dtype=object)[self.stage]
        return pd.DataFrame({who[0]: who[1], "stage": names, "at": times(self.at)})

    @classmethod
    def build(
        cls,
        *,
        subject: Any,
        stage: Any,
        at: Any,
        subjects: int,
        model: StageModel = DEFAULT_MODEL,
        on_backwards: OnBackwards = "error",
        level: SubjectLevel | None = None,
        ids: Any = None,
    ) -> StageHistory:
        """Validate, sort and check stage entries (``stage`` holds names or codes).

        Raises
        ------
        UnknownNameError
            For a stage name the model does not know.
        InvalidValueError
            For a missing time, a subject out of range, or (with ``on_backwards="error"``)
            a history that goes backwards without a recycle stage.
        """
        if on_backwards not in ("error", "drop"):
            msg = f"on_backwards={on_backwards!r} is not one of: 'error', 'drop'"
            raise InvalidValueError(msg)
        require("model", model, StageModel, "a StageModel")
        subject = column("subject", subject, np.int64, "integers")
        at = column("at", at, np.int64, "integers")
        raw = column("stage", stage, None, "stage names or codes")
        codes = raw.astype(np.int64) if raw.dtype.kind in "iu" else model.codes(raw)
        _check(subject, codes, at, subjects=count_of("subjects", subjects), model=model)
        order = np.lexsort((model.ranks[codes], at, subject))
        subject, codes, at = subject[order], codes[order], at[order]
        backward, repeated = _backward(subject, codes, model)
        if np.any(backward) and on_backwards == "error":
            row = int(np.flatnonzero(backward)[0])
            msg = (
                f"subject {int(subject[row])} goes back to stage "
                f"{model.stages[codes[row]]!r} at {Moment(int(at[row]))} without a recycle stage "
                "(pass on_backwards='drop' to drop such entries)"
            )
            raise InvalidValueError(msg)
        keep = ~backward & ~repeated
        return cls(
            subject=subject[keep],
            stage=codes[keep],
            at=at[keep],
            subjects=subjects,
            model=model,
            dropped=int(backward.sum()),
            level=level,
            ids=ids,
        )

    def first_entry(self, stage: str) -> Ints:
        """When each subject first entered ``stage`` (``NAT`` if never).

        Examples
        --------
        >>> history = StageHistory.build(subject=[1], stage=["mql"], at=[7], subjects=2)
        >>> history.first_entry("mql").tolist() == [NAT, 7]
        True
        """
        code = self.model.code(stage)
        rows = np.flatnonzero(self.stage == code)
        when = np.full(self.subjects, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(when, self.subject[rows], self.at[rows])
        return np.where(when == np.iinfo(np.int64).max, NAT, when)

    def journey(self, subject: int, *, subject_id: str) -> Journey:
        """One subject's history as a :class:`~customer_understanding.domain.Journey`.

        Raises
        ------
        UnknownNameError
            If the model has a stage that is not a domain
            :class:`~customer_understanding.domain.Stage`.

        Examples
        --------
        >>> history = StageHistory.build(subject=[0, 0], stage=["known", "mql"],
        ...                              at=[0, 86_400 * 10**9], subjects=1)
        >>> journey = history.journey(0, subject_id="c-1")
        >>> journey.current_stage, journey.started_at.year
        (<Stage.MQL: 'mql'>, 1970)
        """
        if isinstance(subject, bool) or not isinstance(subject, int | np.integer):
            msg = f"subject={subject!r} must be an integer"
            raise InvalidValueError(msg)
        if not 0 <= subject < self.subjects:
            msg = f"subject={subject!r} must be in 0 … {self.subjects - 1}"
            raise InvalidValueError(msg)
        start, stop = np.searchsorted(self.subject, [subject, subject + 1])
        changes = [
            StageChange(stage=Stage.parse(self.model.stages[code]), at=from_nanos(int(at)))
            for code, at in zip(self.stage[start:stop], self.at[start:stop], strict=True)
        ]
        return Journey(subject_id=subject_id, changes=changes)


def _check(subject: Ints, codes: Ints, at: Ints, *, subjects: int, model: StageModel) -> None:
    if not len(subject) == len(codes) == len(at):
        msg = f"subject, stage and at differ in length: {len(subject)}, {len(codes)}, {len(at)}"
        raise InvalidValueError(msg)
    checks = (
        ("subject", (subject < 0) | (subject >= subjects), subject, f"in 0 … {subjects - 1}"),
        ("stage", (codes < 0) | (codes >= len(model.stages)), codes, "a stage code"),
        ("at", at == NAT, at, "a time (not missing)"),
    )
    for name, bad, values, rule in checks:
        if np.any(bad):
            row = int(np.flatnonzero(bad)[0])
            msg = f"{name}[{row}]={int(values[row])!r} must be {rule}"
            raise InvalidValueError(msg)


def _backward(subject: Ints, codes: Ints, model: StageModel) -> tuple[Bools, Bools]:
    """Backward and repeated entries of sorted histories.

    Backward: a waterfall rank below the best since the subject's last recycle.
    Repeated: a waterfall stage already reached since then, or any other stage the
    subject is already in (two systems logging one move, a status saved twice).
    """
    if len(subject) == 0:
        return np.zeros(0, dtype=np.bool_), np.zeros(0, dtype=np.bool_)
    rank = model.ranks[codes]
    recycle = model.recycles[codes]
    new_subject = np.concatenate([[True], subject[1:] != subject[:-1]])
    segment = np.cumsum(new_subject | recycle).astype(np.int64)
    best = _running_max_by_segment(rank, segment)
    previous = np.concatenate([[-1], best[:-1]])
    previous[new_subject | np.concatenate([[False], recycle[:-1]])] = -1
    waterfall = rank >= 0
    same = ~new_subject & (codes == np.concatenate([[-1], codes[:-1]]))
    repeated = np.where(waterfall, rank == previous, same)
    return waterfall & (rank < previous), np.asarray(repeated, dtype=np.bool_)


def _running_max_by_segment(values: Ints, segment: Ints) -> Ints:
    """Running maximum of ``values`` that restarts where ``segment`` changes."""
    offset = (segment - segment.min()) * (values.max() - values.min() + 1) if len(values) else 0
    return np.asarray(np.maximum.accumulate(values + offset) - offset, dtype=np.int64)
