"""Containers passed between the generator's stages: the true world and its record ids."""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

from customer_understanding._core import typed_fields
from customer_understanding.datasets._deals import Deals
from customer_understanding.datasets._firms import Clock, Firms
from customer_understanding.datasets._journeys import Journeys
from customer_understanding.datasets._people import People
from customer_understanding.datasets._text import Bools, Ints, Strs

__all__ = [
    "Cast",
    "Directory",
    "Export",
    "Rows",
    "none_like",
    "spread",
    "spread_times",
    "with_copies",
]


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Cast:
    """The true world: its clock, companies, deals, people, journeys and busy companies.

    ``busy`` marks the companies with an open deal or one closed inside the window.
    """

    clock: Clock
    firms: Firms
    deals: Deals
    people: People
    journeys: Journeys
    busy: Bools


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Export:
    """One export frame and, for record exports, the true entity id of each row."""

    frame: pd.DataFrame
    entities: Strs | None = None


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Rows:
    """The rows of a record export, in creation order.

    ``entity`` is the company or person each row describes, ``created`` when the row
    was created and ``copy`` whether it is a later duplicate of another row.
    """

    entity: Ints
    created: Ints
    copy: Bools


def with_copies(
    entity: Ints, rng: np.random.Generator, *, created: Ints, rate: float, end: int
) -> Rows:
    """One row per entity plus duplicates of about ``rate`` of them, created later; by time."""
    chosen = np.flatnonzero(rng.random(len(entity)) < rate)
    copied, first = entity[chosen], created[chosen]
    later = first + ((end - first) * rng.random(len(chosen))).astype(np.int64)
    everyone = np.concatenate([entity, copied])
    when = np.concatenate([created, later])
    order = np.argsort(when, kind="stable")
    is_copy = np.arange(len(everyone)) >= len(entity)
    return Rows(entity=everyone[order], created=when[order], copy=is_copy[order])


def none_like(count: int) -> Strs:
    """An object array of ``count`` ``None`` values."""
    return np.full(count, None, dtype=object)


def spread(values: Strs, rows: Ints, *, size: int) -> Strs:
    """Per-entity values: ``values`` at positions ``rows`` of ``size``, ``None`` elsewhere."""
    out = none_like(size)
    out[rows] = values
    return out


def spread_times(values: Ints, rows: Ints, *, size: int) -> Ints:
    """Per-entity times: ``values`` at positions ``rows`` of ``size``, ``-1`` elsewhere."""
    out = np.full(size, -1, dtype=np.int64)
    out[rows] = values
    return out


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Directory:
    """Each entity's record id (or ``None``) in every system, and how systems hold it.

    Arrays ending in ``_of_firm`` are indexed by company, ``_of_deal`` by deal and the rest
    by person.
    """

    sf_account_of_firm: Strs
    sf_contact: Strs
    sf_lead: Strs
    opportunity_of_deal: Strs
    hs_company_of_firm: Strs
    hs_contact: Strs
    hs_email: Strs
    hs_company: Strs
    hs_created: Ints
    zd_org_of_firm: Strs
    zd_user: Strs
    zd_org: Strs
    zd_created: Ints
    product_user: Strs
    product_email: Strs
