"""Linking new and changed records against a resolved base, touching only what they reach.

The records already resolved keep their entities unless a new or changed record can
reach them: the stored records sharing with a new record a blocking key its rule does
not cap over every record (all of them, found in the stored keys of
:mod:`customer_understanding.base._keyindex`), the records of an
entity whose record changed, and those a steward's decision ties to a new record. The
entities holding those records are *affected*: their records and the new ones are
resolved again together, by the same resolver a build uses, its linkers given a
:class:`~customer_understanding.identity.LinkContext`: the model the base was built
with and the term frequencies counted with it (both reused until a refit), and
blocking keys capped as over every record, so a pair weighs what it weighed when the
model was fitted. Every other entity keeps its row order and id.

Ids of the affected entities carry forward as in a build into a store (see
:mod:`customer_understanding.base._lineage`): the older id survives a merge, the larger
part keeps the id of an entity split.
"""

from __future__ import annotations

from collections.abc import Container

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.base._keyindex import KeyIndex, Population
from customer_understanding.base._lineage import _assign, name_entities
from customer_understanding.identity import FellegiSunter, Frequencies, LinkContext, Linker

__all__ = ["LevelLineage", "affected_entities", "carry_ids", "relinking"]

Ints = npt.NDArray[np.int64]


def affected_entities(index: KeyIndex, population: Population, *, of_record: Ints,
                      replaced: npt.NDArray[np.bool_], tied: Ints) -> tuple[Ints, int]:  # fmt: skip
    """Stored entity rows a new record reaches, and how many stored records it reached.

    Reached: sharing a blocking key with a new record (every such record, as a build
    pairs them), having lost a changed record (``replaced``), or tied to a new record
    by a steward's decision (``tied``: entity rows).
    """
    reached = index.reached(population, kept=~replaced)
    rows = np.concatenate([of_record[reached], of_record[replaced], tied]).astype(np.int64)
    return np.unique(rows), len(reached)


def relinking(linker: Linker, *, index: KeyIndex, population: Population, rows: Ints,
              model: FellegiSunter, frequencies: Frequencies) -> Linker:  # fmt: skip
    """``linker`` scoring ``rows`` of ``population`` as a run over all of it would.

    ``frequencies`` are those counted with ``model``, by the population's codes.
    """
    context = LinkContext(model=model, frequencies=frequencies, codes=population.codes,
                          rows=rows, uniques=population.uniques,
                          keys=index.local_keys(population, rows), budgeted=True)  # fmt: skip
    return attrs.evolve(linker, context=context)


@attrs.frozen(kw_only=True)
class LevelLineage:
    """The ids an update gives the re-resolved entities of one level, and their history."""

    ids: npt.NDArray[np.object_]
    merged: list[tuple[str, str]]
    split: list[tuple[str, str]]
    born: list[str]


def carry_ids(level: str, *, keys: npt.NDArray[np.object_], entity: Ints,
              resolver_ids: npt.NDArray[np.object_], entity_keys: npt.NDArray[np.object_],
              previous: pd.DataFrame, taken: Container[str]) -> LevelLineage:  # fmt: skip
    """Stored ids carried to the re-resolved entities (``previous``: record, old, born)."""
    given, lost, split = _assign(keys, entity, previous)
    ids, born = name_entities(level, resolver_ids, given=given, keys=entity_keys, taken=taken)
    return LevelLineage(ids=ids, merged=[(old, str(ids[t])) for old, t in lost],
                        split=[(old, str(ids[t])) for old, t in split], born=born)  # fmt: skip
