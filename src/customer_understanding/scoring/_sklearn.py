"""The scikit-learn adapter: the only module that touches sklearn, imported lazily.

Estimators are untyped third-party objects; everything they return is converted to
float64 arrays here so the rest of the package stays typed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from customer_understanding._errors import InvalidValueError

__all__ = ["check_fitted", "fit_clone", "positive_probability", "roc_auc"]

Floats = npt.NDArray[np.float64]


def fit_clone(estimator: Any, features: Floats, labels: npt.NDArray[np.int64]) -> Any:
    """A fitted copy of ``estimator`` (the given one is left untouched).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> model = fit_clone(LogisticRegression(), np.array([[0.0], [1.0]]), np.array([0, 1]))
    >>> positive_probability(model, np.array([[1.0]])).shape
    (1,)
    """
    from sklearn.base import clone

    copy = clone(estimator)
    try:
        copy.fit(features, labels)
    except ValueError as error:
        if not np.isnan(features).any():
            raise
        msg = (f"estimator={estimator!r} does not accept missing values ({error}); use one "
               "that does or choose missing='median', 'mean' or 'zero'")  # fmt: skip
        raise InvalidValueError(msg) from None
    return copy


def check_fitted(estimator: Any) -> None:
    """Refuse an estimator that was never fitted.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> try:
    ...     check_fitted(LogisticRegression())
    ... except ValueError as error:
    ...     print(error)
    estimator=LogisticRegression() was never fitted
    """
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(estimator)
    except NotFittedError:
        msg = f"estimator={estimator!r} was never fitted"
        raise InvalidValueError(msg) from None


def positive_probability(estimator: Any, features: Floats) -> Floats:
    """The probability of the positive class (label 1) for each row."""
    if not len(features):
        return np.zeros(0)
    probabilities = np.asarray(estimator.predict_proba(features), dtype=np.float64)
    classes = list(estimator.classes_)
    return probabilities[:, classes.index(1)] if 1 in classes else np.zeros(len(features))


def roc_auc(labels: npt.NDArray[np.int64], scores: Floats) -> float:
    """Area under the ROC curve (``nan`` when only one class is present).

    Examples
    --------
    >>> roc_auc(np.array([0, 1, 1]), np.array([0.1, 0.8, 0.6]))
    1.0
    """
    from sklearn.metrics import roc_auc_score

    if len(np.unique(labels)) < 2:
        return float("nan")
    return float(roc_auc_score(labels, scores))
