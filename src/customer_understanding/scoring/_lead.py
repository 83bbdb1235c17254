"""The lead scorer: fit grade by engagement band (A1 … D4) with MQL / MQA proposals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    NAT,
    Moment,
    are_names,
    known_by,
    names,
    one_of,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.domain import Stage
from customer_understanding.scoring._engagement import EngagementScorer
from customer_understanding.scoring._fit import FitScorer
from customer_understanding.scoring._score_table import Reasons, ScoreTable
from customer_understanding.traits import Deals, LifecycleStage
from customer_understanding.typing import AsOf, BaseLike, Level

if TYPE_CHECKING:
    from customer_understanding.base import Tables

__all__ = ["LEAD_GRADES", "LeadScorer"]

#: The sixteen lead grades, best first within each fit letter.
LEAD_GRADES = tuple(f"{letter}{band}" for letter in "ABCD" for band in "1234")
_BEFORE_MQL = ("known", "engaged", "recycled")
#: Stages of a subject that is (or was) a customer: never proposed as an MQL or MQA.
_CUSTOMER = (*tuple(stage.value for stage in Stage if stage.is_customer_side), "won")


def _grades(instance: object, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    unknown = [grade for grade in value if grade not in LEAD_GRADES]
    if unknown:
        msg = f"{attribute.name}={value!r}: {unknown!r} are not grades A1 … D4"
        raise InvalidValueError(msg)


def _prefixed(reasons: Reasons, prefix: str) -> Reasons:
    return attrs.evolve(reasons, signals=tuple(f"{prefix}:{name}" for name in reasons.signals))


def _optional(kind: type) -> Any:
    def check(instance: object, attribute: Any, value: object) -> None:
        if value is not None and not isinstance(value, kind):
            msg = f"{attribute.name}={value!r} must be a {kind.__name__} or None"
            raise InvalidValueError(msg)

    return check


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class LeadScorer:
    """Lead: fit and engagement together, graded ``A1`` (best fit, most engaged) to ``D4``.

    The score is the sum of the fit and engagement scores (their reasons, prefixed
    ``fit:`` and ``engagement:``, add up to it); the grade pairs the fit letter with the
    engagement band. :meth:`proposals` turns grades into proposed stage changes: contacts
    before MQL whose grade is in ``mql_grades`` become MQLs, accounts in ``mqa_grades`` MQAs.

    Examples
    --------
    >>> from customer_understanding import CustomerBase
    >>> from customer_understanding.datasets import generate_world
    >>> world = generate_world(accounts=8, interactions=800, defects=False)
    >>> base = CustomerBase.build(world.as_sources())
    >>> scorer = LeadScorer()
    >>> table = scorer.score(base, as_of="2026-06-01")
    >>> list(scorer.proposals(table, base).columns)
    ['contact_id', 'grade', 'score', 'from_stage', 'to_stage']
    """

    level: Level = attrs.field(default="contact", validator=one_of("contact", "account"))
    fit: FitScorer | None = attrs.field(default=None, validator=_optional(FitScorer))
    engagement: EngagementScorer | None = attrs.field(
        default=None, validator=_optional(EngagementScorer)
    )
    mql_grades: tuple[str, ...] = attrs.field(
        default=("A1", "A2", "B1"), converter=names, validator=[are_names, _grades]
    )
    mqa_grades: tuple[str, ...] = attrs.field(
        default=("A1", "A2", "B1", "B2"), converter=names, validator=[are_names, _grades]
    )

    @property
    def name(self) -> str:
        """The registry name of this scorer."""
        return "lead"

    def score(self, base: BaseLike, /, *, as_of: AsOf) -> ScoreTable:
        """Score fit and engagement and combine them."""
        fit = self.fit or FitScorer(level=self.level)
        engagement = self.engagement or EngagementScorer(level=self.level)
        if fit.level != self.level or engagement.level != self.level:
            msg = f"fit and engagement scorers must have level={self.level!r}"
            raise InvalidValueError(msg)
        fitted = fit.score(base, as_of=as_of)
        engaged = engagement.score(base, as_of=as_of)
        grade = np.where(
            (fitted.grade >= 0) & (engaged.grade >= 0), fitted.grade * 4 + engaged.grade, -1
        )
        reasons = Reasons.concat(
            [_prefixed(fitted.reasons, "fit"), _prefixed(engaged.reasons, "engagement")]
        )
        return ScoreTable(
            scorer=self.name, level=self.level, as_of=fitted.as_of, ids=fitted.ids,
            score=fitted.score + engaged.score, grade=grade, grades=LEAD_GRADES, reasons=reasons,
        )  # fmt: skip

    def proposals(self, table: ScoreTable, base: BaseLike) -> pd.DataFrame:
        """Proposed stage changes: MQL for qualifying contacts, MQA for qualifying accounts.

        Everything is read as of the table's ``as_of``: the stage is the subject's
        stage then (from the stage history), and customers then (an account with a deal
        won by ``as_of``, and the contacts of such accounts) are never proposed, nor is
        a subject whose stage is ``won`` or customer-side. A deal marked won whose close
        date is missing counts as won from its creation on: the CRM says it was won, so
        its account is not proposed on a missing date. Contacts are proposed only from a
        stage before MQL (or none yet); accounts from any other stage.
        """
        moment = Moment(table.as_of)
        level = table.level
        stage = LifecycleStage().evaluate(base.tables, as_of=moment, level=level)
        won = Deals(state="won").evaluate(base.tables, as_of=moment, level=level)
        undated = _won_undated(base.tables, moment, level=level)
        eligible = (won == 0) & ~undated & ~np.isin(stage, _CUSTOMER)
        labels = table.labels()
        if level == "account":
            chosen = np.isin(labels, self.mqa_grades) & eligible
            target = "mqa"
        else:
            before = np.isin(stage, _BEFORE_MQL) | pd.isna(stage)
            chosen = np.isin(labels, self.mql_grades) & before & eligible
            target = "mql"
        current = stage
        rows = np.flatnonzero(chosen)
        return pd.DataFrame(
            {
                f"{table.level}_id": table.ids[rows],
                "grade": labels[rows],
                "score": table.score[rows],
                "from_stage": current[rows],
                "to_stage": np.full(len(rows), target, dtype=object),
            }
        )


def _won_undated(tables: Tables, moment: Moment, *, level: Level) -> npt.NDArray[np.bool_]:
    """Subjects with a deal created by ``moment``, marked won, whose close date is missing."""
    deals = tables.opportunities
    account = deals.column("account")
    mask = (deals.column("closed_at") == NAT) & (deals.labels("outcome") == "won")
    mask &= known_by(deals.column("created_at"), moment) & (account >= 0)
    customer = np.zeros(len(tables.accounts), dtype=np.bool_)
    customer[account[mask]] = True
    if level == "account":
        return customer
    of_contact = tables.contacts.column("account")
    return np.asarray((of_contact >= 0) & customer[np.maximum(of_contact, 0)], dtype=np.bool_)
