"""Stage histories and dormancy from a customer base's tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys._stages import (
    DEFAULT_MODEL,
    NAT,
    OnBackwards,
    StageHistory,
    StageModel,
)

if TYPE_CHECKING:
    from customer_understanding.base import CustomerBase

__all__ = ["DormancySpells", "dormancy", "entry_month_cohorts", "stage_history"]

SubjectKind = Literal["contact", "account"]
Ints = npt.NDArray[np.int64]
_DAY_NS = 86_400 * 10**9


def stage_history(
    base: CustomerBase,
    *,
    subject_kind: SubjectKind = "contact",
    model: StageModel = DEFAULT_MODEL,
    on_backwards: OnBackwards = "drop",
    opportunity_rule: bool = True,
) -> StageHistory:
    """The stage history of every contact or account in ``base``.

    Explicit events come from ``base.tables.stages`` (CRM lifecycle fields). With
    ``opportunity_rule`` the deals add events too: an account, and every contact with a
    role on the deal, enters ``opportunity`` when the deal is created and ``won`` or
    ``lost`` when it closes. Entries whose subject did not resolve are left out.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> from customer_understanding.datasets import generate_world
    >>> world = generate_world(accounts=10, interactions=500, defects=False)
    >>> history = stage_history(cu.CustomerBase.build(world.as_sources()))
    >>> history.subjects == len(cu.CustomerBase.build(world.as_sources()).tables.contacts)
    True
    """
    if subject_kind not in ("contact", "account"):
        msg = f"subject_kind={subject_kind!r} must be 'contact' or 'account'"
        raise InvalidValueError(msg)
    tables = base.tables
    stages = tables.stages
    rows = np.flatnonzero(
        (stages.labels("subject_kind") == subject_kind)
        & (stages.column("subject") >= 0)
        & (stages.column("stage") >= 0)
        & (stages.column("at") != NAT)
    )
    parts = [
        (stages.column("subject")[rows], stages.labels("stage")[rows], stages.column("at")[rows])
    ]
    if opportunity_rule:
        parts.append(_deal_events(base, subject_kind))
    subject, names, at = (np.concatenate(column) for column in zip(*parts, strict=True))
    size = len(tables.contacts if subject_kind == "contact" else tables.accounts)
    return StageHistory.build(
        subject=subject,
        stage=model.codes(names) if len(names) else np.zeros(0, np.int64),
        at=at,
        subjects=size,
        model=model,
        on_backwards=on_backwards,
    )


def _deal_events(
    base: CustomerBase, subject_kind: SubjectKind
) -> tuple[Ints, npt.NDArray[Any], Ints]:
    deals = base.tables.opportunities
    if subject_kind == "account":
        deal, subject = np.arange(len(deals)), deals.column("account")
    else:
        roles = base.tables.contact_roles
        deal, subject = roles.column("opportunity"), roles.column("contact")
    keep = (deal >= 0) & (subject >= 0)
    deal, subject = deal[keep], subject[keep]
    created, closed = deals.column("created_at")[deal], deals.column("closed_at")[deal]
    outcome = np.asarray(deals.labels("outcome"), dtype=object)[deal]
    ended = np.isin(outcome, ["won", "lost"]) & (closed != NAT)
    opened = created != NAT
    subjects = np.concatenate([subject[opened], subject[ended]])
    names = np.concatenate(
        [np.full(int(opened.sum()), "opportunity", dtype=object), outcome[ended]]
    )
    return subjects, names, np.concatenate([created[opened], closed[ended]])


def entry_month_cohorts(history: StageHistory, *, stage: str = "known") -> tuple[Ints, list[str]]:
    """Each subject's cohort: the month (``YYYY-MM``) it first entered ``stage``.

    Returns codes (``-1`` for subjects that never entered) and the month labels.

    Examples
    --------
    >>> history = StageHistory.build(subject=[0], stage=["known"],
    ...                              at=[1_767_225_600 * 10**9], subjects=2)
    >>> entry_month_cohorts(history)
    (array([ 0, -1]), ['2026-01'])
    """
    first = history.first_entry(stage)
    seen = first != NAT
    months = pd.to_datetime(first[seen], unit="ns", utc=True).strftime("%Y-%m").to_numpy()
    labels, inverse = np.unique(months.astype(str), return_inverse=True)
    codes = np.full(history.subjects, -1, dtype=np.int64)
    codes[seen] = inverse
    return codes, [str(label) for label in labels]


@attrs.frozen(kw_only=True)
class DormancySpells:
    """Stretches without activity longer than the dormancy threshold.

    Attributes
    ----------
    subject
        Subject of each spell.
    dormant_at
        When the subject became dormant: last activity plus the threshold.
    reactivated_at
        The next activity after the spell (``NAT`` if still dormant at ``as_of``).

    Examples
    --------
    >>> day = 86_400 * 10**9
    >>> spells = dormancy([0, 0, 0], [0, 100 * day, 110 * day], subjects=1,
    ...                   days=60, as_of=200 * day)
    >>> (spells.dormant_at // day).tolist(), spells.reactivated.tolist()
    ([60, 170], [True, False])
    """

    subject: Ints
    dormant_at: Ints
    reactivated_at: Ints

    @property
    def reactivated(self) -> npt.NDArray[np.bool_]:
        """Whether each spell ended with new activity."""
        return np.asarray(self.reactivated_at != NAT, dtype=np.bool_)

    def currently_dormant(self, subjects: int) -> npt.NDArray[np.bool_]:
        """Whether each of ``subjects`` is dormant at the end of follow-up."""
        flags = np.zeros(subjects, dtype=np.bool_)
        flags[self.subject[~self.reactivated]] = True
        return np.asarray(flags, dtype=np.bool_)


def dormancy(
    subject: object, at: object, *, subjects: int, days: float, as_of: int
) -> DormancySpells:
    """Find dormancy spells and reactivations from activity times (vectorised).

    A subject is dormant from ``days`` after an activity with no further activity in
    between; the next activity, if any before ``as_of``, reactivates it.

    Examples
    --------
    >>> day = 86_400 * 10**9
    >>> spells = dormancy([3, 3], [0, 50 * day], subjects=4, days=30, as_of=60 * day)
    >>> spells.subject.tolist(), (spells.reactivated_at // day).tolist()
    ([3], [50])
    """
    if not days > 0:
        msg = f"days={days!r} must be > 0"
        raise InvalidValueError(msg)
    who, when = np.asarray(subject, dtype=np.int64), np.asarray(at, dtype=np.int64)
    keep = (who >= 0) & (who < subjects) & (when != NAT) & (when <= as_of)
    order = np.lexsort((when[keep], who[keep]))
    who, when = who[keep][order], when[keep][order]
    last = np.concatenate([who[1:] != who[:-1], [True]]) if len(who) else np.zeros(0, bool)
    following = np.concatenate([when[1:], [NAT]]) if len(who) else when
    following = np.where(last, NAT, following)
    threshold = int(days * _DAY_NS)
    gap = np.where(last, as_of, following) - when
    spell = gap > threshold
    return DormancySpells(
        subject=who[spell], dormant_at=when[spell] + threshold, reactivated_at=following[spell]
    )
