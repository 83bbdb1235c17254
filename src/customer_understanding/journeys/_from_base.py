"""Stage histories and dormancy from a customer base's tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    DAY_NS,
    NAT,
    Moment,
    TableExport,
    html_table,
    known_by,
    positive,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.journeys._columns import (
    checked,
    column,
    count,
    ints,
    moment_of,
    moment_within,
    require,
)
from customer_understanding.journeys._paths import times
from customer_understanding.journeys._stages import (
    DEFAULT_MODEL,
    OnBackwards,
    StageHistory,
    StageModel,
    SubjectLevel,
)
from customer_understanding.typing import AsOf

if TYPE_CHECKING:
    from customer_understanding.base import CustomerBase

__all__ = ["DormancySpells", "dormancy", "entry_month_cohorts", "stage_history"]

Ints = npt.NDArray[np.int64]


def stage_history(
    base: CustomerBase,
    *,
    level: SubjectLevel = "contact",
    model: StageModel = DEFAULT_MODEL,
    on_backwards: OnBackwards = "drop",
    opportunity_rule: bool = True,
) -> StageHistory:
    """The stage history of every contact, account or deal (``"opportunity"``) in ``base``.

    Explicit events come from ``base.tables.stages``: lifecycle fields and lead-status
    histories of contacts, the customer-side stages derived for accounts (see
    :class:`~customer_understanding.base.CustomerStageRules`) and deal stage histories. With
    ``opportunity_rule`` the deals add events too: an account, and every contact with a
    role on the deal, enters ``opportunity`` when the deal is created and ``won`` or
    ``lost`` when it closes (a deal itself likewise). Entries whose subject did not
    resolve are left out.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> from customer_understanding.datasets import generate_world
    >>> world = generate_world(accounts=10, interactions=500, defects=False)
    >>> history = stage_history(cu.CustomerBase.build(world.as_sources()))
    >>> history.subjects == len(cu.CustomerBase.build(world.as_sources()).tables.contacts)
    True
    """
    if level not in ("contact", "account", "opportunity"):
        msg = f"level={level!r} is not one of: 'contact', 'account', 'opportunity'"
        raise InvalidValueError(msg)
    tables = base.tables
    stages = tables.stages
    rows = np.flatnonzero(
        (stages.labels("subject_kind") == level)
        & (stages.column("subject") >= 0)
        & (stages.column("stage") >= 0)
        & (stages.column("at") != NAT)
    )
    parts = [
        (stages.column("subject")[rows], stages.labels("stage")[rows], stages.column("at")[rows])
    ]
    if opportunity_rule:
        parts.append(_deal_events(base, level))
    subject, names, at = (np.concatenate(part) for part in zip(*parts, strict=True))
    subjects = {"contact": tables.contacts, "account": tables.accounts,
                "opportunity": tables.opportunities}[level]  # fmt: skip
    require("model", model, StageModel, "a StageModel")
    return StageHistory.build(
        subject=subject,
        stage=model.codes(names) if len(names) else np.zeros(0, np.int64),
        at=at,
        subjects=len(subjects),
        model=model,
        on_backwards=on_backwards,
        level=level,
        ids=_ids(subjects, level),
    )


def _ids(subjects: Any, level: SubjectLevel) -> npt.NDArray[Any]:
    """The subjects' ids; a deal's is ``system:source_id``, as the base names deals."""
    if level != "opportunity":
        return np.asarray(subjects.column("id"), dtype=object)
    systems = np.asarray(subjects.labels("system"), dtype=object).astype(str)
    return np.char.add(np.char.add(systems, ":"), subjects.column("source_id").astype(str)).astype(
        object
    )


def _deal_events(base: CustomerBase, level: SubjectLevel) -> tuple[Ints, npt.NDArray[Any], Ints]:
    deals = base.tables.opportunities
    if level == "opportunity":
        deal = subject = np.arange(len(deals), dtype=np.int64)
    elif level == "account":
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
    require("history", history, StageHistory, "a StageHistory")
    first = history.first_entry(stage)
    seen = first != NAT
    months = pd.to_datetime(first[seen], unit="ns", utc=True).strftime("%Y-%m").to_numpy()
    labels, inverse = np.unique(months.astype(str), return_inverse=True)
    codes = np.full(history.subjects, -1, dtype=np.int64)
    codes[seen] = inverse
    return codes, [str(label) for label in labels]


@attrs.frozen(field_transformer=typed_fields, kw_only=True, repr=False)
class DormancySpells(TableExport):
    """Stretches without activity longer than the dormancy threshold, as of a moment.

    Attributes
    ----------
    subject
        Subject of each spell.
    dormant_at
        When the subject became dormant: last activity plus the threshold.
    reactivated_at
        The next activity after the spell (``NAT`` if still dormant at ``as_of``).
    as_of
        The end of follow-up, a :class:`~customer_understanding.typing.Moment`.

    Examples
    --------
    >>> day = 86_400 * 10**9
    >>> spells = dormancy([0, 0, 0], [0, 100 * day, 110 * day], subjects=1,
    ...                   days=60, as_of=200 * day)
    >>> (spells.dormant_at // day).tolist(), spells.reactivated.tolist()
    ([60, 170], [True, False])
    >>> spells
    DormancySpells: 2 rows, as of 1970-07-20T00:00:00Z, still_dormant=1
    """

    subject: Ints = attrs.field(converter=ints, validator=checked)
    dormant_at: Ints = attrs.field(converter=ints, validator=checked)
    reactivated_at: Ints = attrs.field(converter=ints, validator=checked)
    as_of: Moment = attrs.field(converter=moment_of)

    def __attrs_post_init__(self) -> None:
        sizes = {name: len(getattr(self, name)) for name in ("subject", "dormant_at",
                                                              "reactivated_at")}  # fmt: skip
        if len(set(sizes.values())) > 1:
            msg = f"the spells' columns differ in length: {sizes}"
            raise InvalidValueError(msg)

    def __len__(self) -> int:
        """The number of spells."""
        return len(self.subject)

    def __repr__(self) -> str:
        still = int((~self.reactivated).sum())
        return summary("DormancySpells", len(self), as_of=self.as_of, still_dormant=still)

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())

    def to_pandas(self) -> pd.DataFrame:
        """One row per spell: ``subject``, ``dormant_at`` and ``reactivated_at`` (UTC).

        Examples
        --------
        >>> spells = dormancy([4], [0], subjects=5, days=1, as_of=3 * 86_400 * 10**9)
        >>> spells.to_pandas()["subject"].tolist()
        [4]
        """
        return pd.DataFrame({"subject": self.subject, "dormant_at": times(self.dormant_at),
                             "reactivated_at": times(self.reactivated_at)})  # fmt: skip

    @property
    def reactivated(self) -> npt.NDArray[np.bool_]:
        """Whether each spell ended with new activity."""
        return np.asarray(self.reactivated_at != NAT, dtype=np.bool_)

    def currently_dormant(self, subjects: int) -> npt.NDArray[np.bool_]:
        """Whether each of ``subjects`` is dormant at the end of follow-up."""
        subjects = count("subjects", subjects)
        if len(self.subject) and int(self.subject.max()) >= subjects:
            msg = f"subjects={subjects!r} must exceed every spell's subject"
            raise InvalidValueError(msg)
        flags = np.zeros(subjects, dtype=np.bool_)
        flags[self.subject[~self.reactivated]] = True
        return np.asarray(flags, dtype=np.bool_)


def dormancy(
    subject: object, at: object, *, subjects: int, days: float, as_of: AsOf = None
) -> DormancySpells:
    """Find dormancy spells and reactivations from activity times (vectorised).

    A subject is dormant from ``days`` after an activity with no further activity in
    between; the next activity, if any by ``as_of``, reactivates it. ``as_of`` takes any
    form of a moment (``None``: the last activity) and may not be before the first
    activity; an activity exactly at ``as_of`` counts.

    Raises
    ------
    InvalidValueError
        For columns that are not integers of one length, a ``subjects`` or ``days``
        that is not a positive number, or an ``as_of`` that is no moment or too early.

    Examples
    --------
    >>> day = 86_400 * 10**9
    >>> spells = dormancy([3, 3], [0, 50 * day], subjects=4, days=30, as_of=60 * day)
    >>> spells.subject.tolist(), (spells.reactivated_at // day).tolist()
    ([3], [50])
    """
    positive("days", days)
    subjects = count("subjects", subjects)
    who = column("subject", subject, np.int64, "integers")
    when = column("at", at, np.int64, "integers")
    if len(who) != len(when):
        msg = f"subject has {len(who)} values but at has {len(when)}"
        raise InvalidValueError(msg)
    moment = moment_within(as_of, when)
    keep = (who >= 0) & (who < subjects) & known_by(when, moment)
    order = np.lexsort((when[keep], who[keep]))
    who, when = who[keep][order], when[keep][order]
    last = np.concatenate([who[1:] != who[:-1], [True]]) if len(who) else np.zeros(0, bool)
    following = np.concatenate([when[1:], [NAT]]) if len(who) else when
    following = np.where(last, NAT, following)
    threshold = round(days * DAY_NS)
    gap = np.where(last, moment, following) - when
    spell = gap > threshold
    return DormancySpells(subject=who[spell], dormant_at=when[spell] + threshold,
                          reactivated_at=following[spell], as_of=moment)  # fmt: skip
