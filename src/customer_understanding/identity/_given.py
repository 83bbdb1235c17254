"""What a caller gives a run besides the records: labels, labelled pairs, a fitted model."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from customer_understanding._errors import InvalidValueError
from customer_understanding.identity._checks import truth_codes
from customer_understanding.identity._comparisons import levels_of
from customer_understanding.identity._fields import Field
from customer_understanding.identity._labels import MIN_MATCHES, LabelledPairs, labelled_pairs
from customer_understanding.identity._model import FellegiSunter
from customer_understanding.identity._records import Prepared

__all__ = ["PAIRS_PER_PARAMETER", "SMALL_RUN", "Given", "matching_model", "require_evidence"]

#: Candidate pairs an unsupervised fit needs per parameter it estimates (the prior and
#: each comparison level's m but the last of each column): the usual ten observations
#: per parameter of any fit, below which EM cannot tell matches from non-matches.
PAIRS_PER_PARAMETER = 10
#: Runs of fewer records are not refused (see :func:`require_evidence`).
SMALL_RUN = 1_000

Ints = npt.NDArray[np.int64]


@attrs.frozen(kw_only=True)
class Given:
    """Cluster labels per record, labelled pairs, or a model to score with."""

    labels: object | None = None
    pair_labels: LabelledPairs | None = None
    model: FellegiSunter | None = None

    def labelled(
        self, prepared: Prepared, candidates: tuple[Ints, Ints]
    ) -> tuple[Ints, Ints, npt.NDArray[np.bool_]] | None:
        """The labelled pairs as positions and verdicts (``None`` without any labels)."""
        if self.labels is None and self.pair_labels is None:
            return None
        truth = None if self.labels is None else truth_codes(self.labels, len(prepared))
        return labelled_pairs(
            prepared, pair_labels=self.pair_labels, truth=truth, candidates=candidates
        )


def matching_model(model: object, fields: Sequence[Field]) -> FellegiSunter:
    """``model`` if it was fitted on the same comparisons as ``fields``, else an error.

    Examples
    --------
    >>> import numpy as np
    >>> model = FellegiSunter(names=("surname",), levels=(("exact", "different"),),
    ...     m=(np.array([0.9, 0.1]),), u=(np.array([0.01, 0.99]),), prior=0.5)
    >>> matching_model(model, [Field(column="surname", kind="family_name")])
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: model compares ('surname',) with levels ...
    """
    if not isinstance(model, FellegiSunter):
        msg = f"model={type(model).__name__} must be a FellegiSunter (a result's .model)"
        raise InvalidValueError(msg)
    names = tuple(field.column for field in fields)
    levels = tuple(levels_of(field.kind) for field in fields)
    if model.names != names or model.levels != levels:
        msg = (
            f"model compares {model.names} with levels {model.levels}, but the fields are "
            f"{names} with levels {levels}: fit it with these fields"
        )
        raise InvalidValueError(msg)
    return model


def require_evidence(fields: Sequence[Field], *, pairs: int, smallest: int, records: int) -> None:
    """Refuse an unsupervised fit on too little evidence to tell matches apart.

    EM estimates the prior and, per column, ``m`` of each comparison level but the last:
    it needs :data:`PAIRS_PER_PARAMETER` candidate pairs for each. ``m`` is learnt from
    the matches among them, and a table of ``smallest`` records can take part in at most
    that many matches with the others: it needs as many as a labelled fit needs matching
    pairs (:data:`~customer_understanding.identity._labels.MIN_MATCHES`). A run of fewer
    than :data:`SMALL_RUN` ``records`` in all is let through: there the fit rests on EM's
    prior beliefs (one pseudo-pair per column), and its few pairs can be reviewed by eye.
    Without any candidate pair there is nothing to score (the run warns instead).

    Raises
    ------
    InvalidValueError
        Saying what is missing, and that a fitted ``model=`` or labels are the way out.

    Examples
    --------
    >>> require_evidence([Field(column="email", kind="email")], pairs=1000, smallest=500,
    ...                  records=5000)
    >>> require_evidence([Field(column="email", kind="email")], pairs=5, smallest=500,
    ...                  records=5000)
    Traceback (most recent call last):
    ...
    customer_understanding.InvalidValueError: too little evidence to fit the model ...
    """
    parameters = 1 + sum(len(levels_of(field.kind)) - 1 for field in fields)
    needed = PAIRS_PER_PARAMETER * parameters
    if not pairs or records < SMALL_RUN or (pairs >= needed and smallest >= MIN_MATCHES):
        return
    found = (
        f"{pairs:,} candidate pair(s), fewer than the {needed:,} needed to estimate its "
        f"{parameters} parameters ({PAIRS_PER_PARAMETER} per parameter)"
        if pairs < needed
        else f"a table of {smallest:,} record(s), fewer than the {MIN_MATCHES} matches m is "
        "learnt from"
    )
    msg = (
        f"too little evidence to fit the model without labels: {found}; pass model= (a "
        "model fitted on more records, e.g. an earlier result's .model or "
        "FellegiSunter.load) or labels / pair_labels"
    )
    raise InvalidValueError(msg)
