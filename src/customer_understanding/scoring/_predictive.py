"""The predictive scorer: a scikit-learn classifier on point-in-time traits, with backtests."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import (
    DAY_NS,
    NAT,
    Moment,
    TableExport,
    are_numbers,
    html_table,
    known_by,
    numbers,
    one_of,
    positive,
    summary,
    typed_fields,
)
from customer_understanding._errors import InvalidValueError
from customer_understanding.base import Tables
from customer_understanding.scoring import _sklearn
from customer_understanding.scoring._grading import check_thresholds, grade_by_thresholds
from customer_understanding.scoring._score_table import Reasons, ScoreTable
from customer_understanding.traits import Deals, InteractionCount, get_trait
from customer_understanding.typing import AsOf, BaseLike, Level, Trait

__all__ = ["MISSING_RULES", "Backtest", "PredictiveModel", "PredictiveScorer", "outcome_labels"]

Floats = npt.NDArray[np.float64]
_GRADES = ("high", "medium", "low")


def outcome_labels(
    tables: Tables, outcome: str, start: int, days: float, level: Level
) -> npt.NDArray[np.int64]:
    """1 for entities whose outcome happens in the ``days`` after ``start``, else 0.

    ``outcome`` is ``"won_deal"`` (accounts: a deal closed won) or an interaction type.
    The window is ``start < t <= start + days``: the traits of a snapshot at ``start``
    hold what happened up to it, the label what happened after it.

    Examples
    --------
    >>> import customer_understanding as cu
    >>> base = cu.CustomerBase.from_objects(
    ...     contacts=[cu.Contact(id="c1", email="c1@acme.com")],
    ...     interactions=[cu.Interaction(id="i1", occurred_at="2026-03-05", type="demo",
    ...                                  contact_id="c1")])
    >>> start = base.tables.moment("2026-03-05") - 4 * 86_400 * 10**9
    >>> outcome_labels(base.tables, "demo", start, 30, "contact").tolist()
    [1]
    """
    end = Moment(start + round(days * DAY_NS))
    if outcome == "won_deal":
        if level != "account":
            msg = "outcome='won_deal' is an account outcome; use level='account'"
            raise InvalidValueError(msg)
        won = Deals(state="won")
        after = won.evaluate(tables, as_of=end, level=level)
        gained = after - won.evaluate(tables, as_of=Moment(start), level=level)
    else:
        if tables.interactions.code_of("type", outcome) < 0:
            msg = f"outcome={outcome!r} is neither 'won_deal' nor an interaction type in the data"
            raise InvalidValueError(msg)
        seen = InteractionCount(types=(outcome,), window_days=days)
        gained = seen.evaluate(tables, as_of=end, level=level)
    return (gained > 0).astype(np.int64)


def _known_entities(tables: Tables, moment: Moment, level: Level) -> npt.NDArray[np.bool_]:
    """The entity rows that existed at ``moment``: created by then, or active by then."""
    entities = tables.contacts if level == "contact" else tables.accounts
    created = entities.column("created_at")
    active = InteractionCount().evaluate(tables, as_of=moment, level=level) > 0
    return np.asarray(known_by(created, moment) | (created == NAT) | active)


def _features(
    base: BaseLike, traits: Mapping[str, Trait | str], as_of: int, level: Level
) -> Floats:
    """The traits as columns, missing values left as ``nan`` (see :data:`MISSING_RULES`)."""
    columns = []
    for name, trait in traits.items():
        found = get_trait(trait) if isinstance(trait, str) else trait
        values = np.asarray(found.evaluate(base.tables, as_of=Moment(as_of), level=level))
        if values.dtype.kind not in "biuf":
            msg = f"trait {name!r} holds categories; the predictive scorer needs numbers"
            raise InvalidValueError(msg)
        columns.append(values.astype(np.float64))
    return np.column_stack(columns)


#: How the predictive scorer treats a missing trait value (``nan``, e.g. ``satisfaction``
#: of an account with no rated ticket): ``"error"`` refuses it, ``"median"`` / ``"mean"``
#: fill the training set's median / mean of that trait, ``"zero"`` fills 0 (a stated
#: choice, never a silent one), ``"keep"`` hands ``nan`` to an estimator that handles it
#: (e.g. scikit-learn's ``HistGradientBoostingClassifier``).
MISSING_RULES: tuple[str, ...] = ("error", "median", "mean", "zero", "keep")

Missing = Literal["error", "median", "mean", "zero", "keep"]


def _check_complete(features: Floats, names: tuple[str, ...]) -> None:
    gaps = np.isnan(features).sum(axis=0)
    if gaps.any():
        which = ", ".join(f"{name!r} ({int(n)} rows)" for name, n in zip(names, gaps, strict=True)
                          if n)  # fmt: skip
        msg = (f"traits {which} have missing values; choose missing='median', 'mean', "
               "'zero' or 'keep' (for an estimator that handles nan)")  # fmt: skip
        raise InvalidValueError(msg)


def _fill_values(features: Floats, names: tuple[str, ...], missing: Missing) -> Floats:
    """The value each trait's gaps are filled with (``nan``: left as they are)."""
    if missing in ("error", "keep"):
        if missing == "error":
            _check_complete(features, names)
        return np.full(features.shape[1], np.nan)
    if missing == "zero":
        return np.zeros(features.shape[1])
    known = ~np.isnan(features)
    seen = np.asarray(known.any(axis=0)).tolist()
    empty = [name for name, found in zip(names, seen, strict=True) if not found]
    if empty:
        msg = f"traits {empty!r} have no value at all in training; missing={missing!r} needs some"
        raise InvalidValueError(msg)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        rule = np.nanmedian if missing == "median" else np.nanmean
        return np.asarray(rule(features, axis=0), dtype=np.float64)


def _filled(features: Floats, fill: Floats, names: tuple[str, ...], missing: str) -> Floats:
    if missing == "error":
        _check_complete(features, names)
    if missing in ("error", "keep"):
        return features
    return np.where(np.isnan(features), fill[np.newaxis, :], features)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Backtest(TableExport):
    """How a predictive scorer trained before a cut-off did on the outcomes after it.

    Attributes
    ----------
    auc
        Area under the ROC curve (``nan`` when the test period has one class only).
    lift
        Positive rate among the top ``top_share`` of scores over the overall rate.
    calibration
        Per score bin: mean predicted probability, observed rate and count (a copy on
        each access; :meth:`to_pandas` gives the same table).
    entities, positives
        Entities tested and how many had the outcome.

    Examples
    --------
    >>> result = Backtest(auc=0.5, lift=1.0, calibration=pd.DataFrame({"count": [3]}),
    ...                   entities=3, positives=1)
    >>> result
    Backtest: 1 row, auc=0.500, lift=1.00, entities=3, positives=1
    >>> len(result), int(result.calibration["count"].sum())
    (1, 3)
    """

    auc: float
    lift: float
    _calibration: pd.DataFrame = attrs.field(alias="calibration", repr=False, eq=False)
    entities: int
    positives: int

    @property
    def calibration(self) -> pd.DataFrame:
        """Per score bin: mean predicted probability, observed rate and count."""
        return self._calibration.copy()

    def to_pandas(self) -> pd.DataFrame:
        """The calibration table, one row per score bin."""
        return self.calibration

    def __len__(self) -> int:
        return len(self._calibration)

    def __repr__(self) -> str:
        return summary("Backtest", len(self), auc=f"{self.auc:.3f}", lift=f"{self.lift:.2f}",
                       entities=self.entities, positives=self.positives)  # fmt: skip

    def _repr_html_(self) -> str:
        return html_table(repr(self), self.to_pandas())


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class PredictiveModel:
    """A fitted predictive scorer: scores are 100 times the predicted outcome probability.

    Reasons: ``baseline`` (100 times the mean training prediction), one reason per trait
    (how much the score moves when that trait alone is set to its training mean,
    reversed) and ``interactions`` for the remainder, so they add up to the score.
    Build one with :meth:`PredictiveScorer.fit`; one holding an estimator that was never
    fitted refuses to score.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from customer_understanding.traits import InteractionCount
    >>> model = PredictiveModel(level="contact", traits={"n": InteractionCount()},
    ...                         estimator=LogisticRegression(), means=np.zeros(1), baseline=0.0)
    >>> model.name, model.level
    ('predictive', 'contact')
    """

    level: Level
    traits: Mapping[str, Trait | str]
    estimator: Any
    means: Floats
    baseline: float
    grades: tuple[float, ...] = attrs.field(
        default=(50.0, 20.0), converter=numbers, validator=are_numbers
    )
    missing: Missing = attrs.field(default="error", validator=one_of(*MISSING_RULES))
    fill: tuple[float, ...] = attrs.field(default=(), converter=numbers, validator=are_numbers)

    def __attrs_post_init__(self) -> None:
        if self.missing in ("median", "mean", "zero") and len(self.fill) != len(self.traits):
            msg = (f"fill={self.fill!r} must hold one value per trait ({len(self.traits)}) "
                   f"with missing={self.missing!r}")  # fmt: skip
            raise InvalidValueError(msg)

    @property
    def name(self) -> str:
        """The registry name of this scorer."""
        return "predictive"

    def score(self, base: BaseLike, /, *, as_of: AsOf) -> ScoreTable:
        """Predict every entity's outcome probability from its traits as of ``as_of``.

        Missing trait values are treated by the rule the model was fitted with
        (``missing``): refused, filled with ``fill`` (the training median, mean or 0), or
        handed to the estimator as ``nan``.
        """
        _sklearn.check_fitted(self.estimator)
        tables = base.tables
        moment = tables.moment(as_of)
        features = _filled(_features(base, self.traits, moment, self.level),
                           np.asarray(self.fill), tuple(self.traits), self.missing)  # fmt: skip
        score = 100 * _sklearn.positive_probability(self.estimator, features)
        entities = tables.accounts if self.level == "account" else tables.contacts
        return ScoreTable(
            scorer=self.name, level=self.level, as_of=moment, ids=entities.column("id"),
            score=score, grade=grade_by_thresholds(score, self.grades), grades=_GRADES,
            reasons=self._reasons(features, score),
        )  # fmt: skip

    def _reasons(self, features: Floats, score: Floats) -> Reasons:
        size, names = len(score), tuple(self.traits)
        effects = np.empty((size, len(names)))
        for column in range(len(names)):
            neutral = features.copy()
            neutral[:, column] = self.means[column]
            effects[:, column] = score - 100 * _sklearn.positive_probability(
                self.estimator, neutral
            )
        rest = score - self.baseline - effects.sum(axis=1)
        contribution = np.column_stack([np.full(size, self.baseline), effects, rest])
        value = np.column_stack([np.ones(size), features, np.ones(size)])
        kinds = contribution.shape[1]
        return Reasons(
            row=np.repeat(np.arange(size), kinds), signal=np.tile(np.arange(kinds), size),
            signals=("baseline", *names, "interactions"), value=value.ravel(),
            weight=np.ones(size * kinds), decay=np.ones(size * kinds),
            contribution=contribution.ravel(),
        )  # fmt: skip


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class PredictiveScorer:
    """Learns to predict an outcome in the ``horizon_days`` after a time from earlier traits.

    ``fit`` builds ``snapshots`` training sets at ``as_of - horizon``, ``as_of - 2 times horizon``
    …: traits as of each snapshot, labels from what happened in the horizon after it (always
    before ``as_of``, so nothing leaks), fits a clone of ``estimator`` and returns a
    :class:`PredictiveModel`. ``backtest`` fits before a cut-off and measures AUC, lift and
    calibration on the outcomes after it. ``score`` fits and scores in one step, so the
    scorer follows the :class:`~customer_understanding.typing.Scorer` protocol too.
    scikit-learn is imported only when needed. A trait value that is missing (``nan``) is
    never turned into 0 behind your back: ``missing`` says what happens (see
    :data:`MISSING_RULES`; by default such a value is refused with an error naming the
    trait), and the fitted model applies the same rule, with the training fill values, when
    it scores.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from customer_understanding import CustomerBase
    >>> from customer_understanding.datasets import generate_world
    >>> from customer_understanding.traits import InteractionCount
    >>> world = generate_world(accounts=30, interactions=3_000, defects=False)
    >>> base = CustomerBase.build(world.as_sources())
    >>> scorer = PredictiveScorer(estimator=LogisticRegression(), outcome="demo",
    ...     traits={"web": InteractionCount(types=("page_view",), window_days=30),
    ...             "mail": InteractionCount(types=("email_click",), window_days=30)},
    ...     horizon_days=60)
    >>> model = scorer.fit(base, as_of="2026-08-01")
    >>> table = model.score(base, as_of="2026-08-01")
    >>> bool(np.allclose(table.reasons.total(len(table)), table.score))
    True
    """

    estimator: Any
    traits: Mapping[str, Trait | str]
    outcome: str = "won_deal"
    level: Level = attrs.field(
        default="account", validator=attrs.validators.in_(("contact", "account"))
    )
    horizon_days: float = 90.0
    snapshots: int = 3
    grades: tuple[float, ...] = attrs.field(
        default=(50.0, 20.0), converter=numbers, validator=are_numbers
    )
    missing: Missing = attrs.field(default="error", validator=one_of(*MISSING_RULES))

    def __attrs_post_init__(self) -> None:
        positive("horizon_days", self.horizon_days)
        if self.snapshots < 1:
            msg = f"snapshots={self.snapshots!r} must be >= 1"
            raise InvalidValueError(msg)
        if not self.traits:
            msg = "traits={} must name at least one trait"
            raise InvalidValueError(msg)
        check_thresholds("grades", self.grades, _GRADES)

    @property
    def name(self) -> str:
        """The registry name of this scorer."""
        return "predictive"

    def score(self, base: BaseLike, /, *, as_of: AsOf) -> ScoreTable:
        """Fit on outcomes before ``as_of`` and score as of it (``fit`` then ``score``)."""
        return self.fit(base, as_of=as_of).score(base, as_of=as_of)

    def training_set(
        self, base: BaseLike, /, *, as_of: AsOf
    ) -> tuple[Floats, npt.NDArray[np.int64]]:
        """Stacked features and labels of the snapshots before ``as_of``.

        A snapshot holds the entities known at its moment: created by then, or with an
        event by then. An entity that appears later is no negative example of the past.
        """
        as_of = base.tables.moment(as_of)
        horizon = int(self.horizon_days * DAY_NS)
        features, labels = [], []
        for step in range(1, self.snapshots + 1):
            moment = Moment(as_of - step * horizon)
            known = _known_entities(base.tables, moment, self.level)
            features.append(_features(base, self.traits, moment, self.level)[known])
            labels.append(outcome_labels(base.tables, self.outcome, moment, self.horizon_days,
                                         self.level)[known])  # fmt: skip
        return np.vstack(features), np.concatenate(labels)

    def fit(self, base: BaseLike, /, *, as_of: AsOf) -> PredictiveModel:
        """Fit on outcomes observed before ``as_of``; returns the fitted scorer."""
        moment = base.tables.moment(as_of)
        features, labels = self.training_set(base, as_of=moment)
        if len(np.unique(labels)) < 2:
            seen = "always" if labels.any() else "never"
            msg = (
                f"outcome={self.outcome!r} is {seen} seen in the {self.snapshots} "
                "training windows before as_of; nothing to learn"
            )
            raise InvalidValueError(msg)
        names = tuple(self.traits)
        fill = _fill_values(features, names, self.missing)
        features = _filled(features, fill, names, self.missing)
        estimator = _sklearn.fit_clone(self.estimator, features, labels)
        baseline = 100 * float(_sklearn.positive_probability(estimator, features).mean())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing column: nan mean
            means = np.nanmean(features, axis=0)
        return PredictiveModel(
            level=self.level, traits=self.traits, estimator=estimator, means=means,
            baseline=baseline, grades=self.grades, missing=self.missing,
            fill=() if np.isnan(fill).all() else tuple(fill.tolist()),
        )  # fmt: skip

    def backtest(
        self, base: BaseLike, /, *, as_of: AsOf, top_share: float = 0.1, bins: int = 5
    ) -> Backtest:
        """Fit as of ``as_of - horizon`` and test on the outcomes in the horizon up to ``as_of``."""
        moment = base.tables.moment(as_of)
        cutoff = moment - int(self.horizon_days * DAY_NS)
        model = self.fit(base, as_of=cutoff)
        predicted = model.score(base, as_of=cutoff).score / 100
        labels = outcome_labels(base.tables, self.outcome, cutoff, self.horizon_days, self.level)
        return Backtest(
            auc=_sklearn.roc_auc(labels, predicted), lift=_lift(labels, predicted, top_share),
            calibration=_calibration(labels, predicted, bins), entities=len(labels),
            positives=int(labels.sum()),
        )  # fmt: skip


def _lift(labels: npt.NDArray[np.int64], predicted: Floats, top_share: float) -> float:
    if not 0 < top_share <= 1:
        msg = f"top_share={top_share!r} must be in (0, 1]"
        raise InvalidValueError(msg)
    rate = labels.mean() if len(labels) else 0.0
    top = np.argsort(-predicted, kind="stable")[: max(1, round(top_share * len(labels)))]
    return float(labels[top].mean() / rate) if rate > 0 else float("nan")


def _calibration(labels: npt.NDArray[np.int64], predicted: Floats, bins: int) -> pd.DataFrame:
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.searchsorted(edges, predicted, side="right") - 1, 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(which, weights=predicted, minlength=bins) / count
        observed = np.bincount(which, weights=labels, minlength=bins) / count
    return pd.DataFrame(
        {
            "low": edges[:-1],
            "high": edges[1:],
            "predicted": mean,
            "observed": observed,
            "count": count,
        }
    )
