import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

import customer_understanding as cu
from customer_understanding import InvalidValueError
from customer_understanding.datasets import generate_world
from customer_understanding.scoring import PredictiveModel, PredictiveScorer
from customer_understanding.traits import InteractionCount

AS_OF = "2026-09-01"
TRAITS = {
    "logins": InteractionCount(types=("login",), window_days=30),
    "web": InteractionCount(types=("page_view",), window_days=30),
}


@pytest.fixture(scope="module")
def base():
    world = generate_world(accounts=40, interactions=4_000, seed=3, defects=False)
    return cu.CustomerBase.build(world.as_sources())


def _scorer(**settings):
    options = {"estimator": LogisticRegression(), "outcome": "login", "level": "contact",
               "horizon_days": 30, "traits": TRAITS} | settings  # fmt: skip
    return PredictiveScorer(**options)


def test_backtest_beats_chance_on_a_habit(base):
    result = _scorer().backtest(base, as_of=AS_OF)
    assert result.auc > 0.6
    assert result.lift > 1.5
    assert result.calibration["count"].sum() == result.entities


def test_training_labels_come_before_as_of(base):
    features, labels = _scorer(snapshots=2).training_set(base, as_of=AS_OF)
    # Each snapshot holds the contacts known by its moment: at most every contact.
    assert len(base.contacts) < features.shape[0] <= 2 * len(base.contacts)
    assert features.shape[1] == 2
    assert len(labels) == features.shape[0]
    assert set(np.unique(labels)) <= {0, 1}


def test_contacts_that_appear_later_are_no_negative_examples():
    world = generate_world(accounts=6, interactions=600, defects=False, seed=2)
    base = cu.CustomerBase.build(world.as_sources())
    created = base.tables.contacts.column("created_at")
    as_of = int(np.quantile(created[created != np.iinfo(np.int64).min], 0.5))
    scorer = _scorer(snapshots=1, horizon_days=30)
    features, _ = scorer.training_set(base, as_of=as_of)
    snapshot = as_of - 30 * 86_400 * 10**9
    active = base.tables.interactions.column("occurred_at") <= snapshot
    with_events = set(base.tables.interactions.column("contact")[active].tolist())
    known = [(c <= snapshot) or (row in with_events) for row, c in enumerate(created)]
    assert features.shape[0] == sum(known) < len(base.contacts)


def test_reasons_add_up_to_the_predicted_score(base):
    table = _scorer().fit(base, as_of=AS_OF).score(base, as_of=AS_OF)
    assert np.allclose(table.reasons.total(len(table)), table.score)
    assert set(table.reasons.signals) == {"baseline", "logins", "web", "interactions"}


def test_fitting_leaves_the_given_estimator_untouched(base):
    estimator = LogisticRegression()
    _scorer(estimator=estimator).fit(base, as_of=AS_OF)
    assert not hasattr(estimator, "coef_")


def test_estimator_that_was_never_fitted_is_refused(base):
    model = PredictiveModel(level="contact", traits=TRAITS, estimator=LogisticRegression(),
                            means=np.zeros(2), baseline=0.0)  # fmt: skip
    with pytest.raises(InvalidValueError, match="never fitted"):
        model.score(base, as_of=AS_OF)


def test_outcome_never_seen_is_refused(base):
    with pytest.raises(InvalidValueError, match="never seen"):
        _scorer(outcome="login", horizon_days=1, snapshots=1).fit(base, as_of="2025-05-03")


def test_unknown_outcome_is_refused(base):
    with pytest.raises(InvalidValueError, match="outcome='purchase'"):
        _scorer(outcome="purchase").fit(base, as_of=AS_OF)


def test_won_deal_is_an_account_outcome(base):
    with pytest.raises(InvalidValueError, match="won_deal"):
        _scorer(outcome="won_deal").fit(base, as_of=AS_OF)


def test_horizon_must_be_positive():
    with pytest.raises(InvalidValueError, match="horizon_days=0"):
        _scorer(horizon_days=0)


# Missing trait values: never silently 0 (satisfaction is missing for unrated contacts).
GAPPY = {"logins": InteractionCount(types=("login",), window_days=30),
         "satisfaction": cu.traits.Satisfaction(window_days=365)}  # fmt: skip


def test_missing_values_are_refused_by_default_naming_the_trait(base):
    with pytest.raises(InvalidValueError, match=r"'satisfaction'.*missing values"):
        _scorer(traits=GAPPY).fit(base, as_of=AS_OF)


@pytest.mark.parametrize("rule", ["median", "mean", "zero"])
def test_imputation_fills_the_stated_value_and_scores_with_it(base, rule):
    scorer = _scorer(traits=GAPPY, missing=rule)
    features, _ = scorer.training_set(base, as_of=AS_OF)
    rating = features[:, 1]
    expected = {"median": np.nanmedian(rating), "mean": np.nanmean(rating), "zero": 0.0}[rule]
    model = scorer.fit(base, as_of=AS_OF)
    assert model.missing == rule
    assert model.fill[1] == pytest.approx(expected)
    table = model.score(base, as_of=AS_OF)
    assert np.isfinite(table.score).all()


def test_keep_hands_nan_to_an_estimator_that_handles_it(base):
    from sklearn.ensemble import HistGradientBoostingClassifier

    scorer = _scorer(traits=GAPPY, missing="keep",
                     estimator=HistGradientBoostingClassifier(max_iter=20))  # fmt: skip
    table = scorer.fit(base, as_of=AS_OF).score(base, as_of=AS_OF)
    assert np.isfinite(table.score).all()


def test_keep_with_an_estimator_that_refuses_nan_says_so(base):
    with pytest.raises(InvalidValueError, match="does not accept missing values"):
        _scorer(traits=GAPPY, missing="keep").fit(base, as_of=AS_OF)


def test_unknown_missing_rule_is_refused():
    with pytest.raises(InvalidValueError, match="missing"):
        _scorer(missing="drop")


def test_model_with_an_imputation_rule_needs_a_fill_per_trait():
    with pytest.raises(InvalidValueError, match="fill="):
        PredictiveModel(level="contact", traits=TRAITS, estimator=LogisticRegression(),
                        means=np.zeros(2), baseline=0.0, missing="median")  # fmt: skip
