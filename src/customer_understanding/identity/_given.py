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
from customer_understanding.identity._labels import LabelledPairs, labelled_pairs
from customer_understanding.identity._model import FellegiSunter
from customer_understanding.identity._records import Prepared

__all__ = ["Given", "matching_model"]

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
