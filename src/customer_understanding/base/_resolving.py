"""Which resolver a build uses: the caller's, or the default, with a steward's overrides."""

from __future__ import annotations

import attrs
import pandas as pd

from customer_understanding._errors import InvalidValueError, scrub
from customer_understanding.identity import Overrides, ProbabilisticResolver
from customer_understanding.typing import Resolver

__all__ = ["resolver_for"]


def _overrides(value: object) -> Overrides:
    if isinstance(value, Overrides):
        return value
    if isinstance(value, pd.DataFrame):
        return Overrides.from_pandas(value)
    msg = (
        f"overrides={scrub(repr(value))[:80]} must be an Overrides or a decided review table "
        "(a DataFrame with a decision column)"
    )
    raise InvalidValueError(msg)


def resolver_for(resolver: object, overrides: object) -> Resolver:
    """The resolver to build with: the default when none is given, overrides added."""
    if resolver is not None and not callable(resolver):
        msg = f"resolver={resolver!r} must be a Resolver: a callable taking the records"
        raise InvalidValueError(msg)
    chosen = ProbabilisticResolver() if resolver is None else resolver
    if overrides is None:
        return chosen
    decided = _overrides(overrides)
    if not isinstance(chosen, ProbabilisticResolver):
        msg = (
            f"overrides need the ProbabilisticResolver (or none); resolver={resolver!r} "
            "takes no overrides"
        )
        raise InvalidValueError(msg)
    return attrs.evolve(chosen, overrides=chosen.overrides | decided)
