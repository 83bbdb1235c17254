"""Linking new and changed records against a resolved base, touching only what they reach.

The records already resolved keep their entities unless a new or changed record can
reach them: the stored records sharing a blocking key with a new record (found in the
online index of :mod:`customer_understanding.base._online`, by binary search), the
records of an entity whose record changed, and those a steward's decision ties to a new
record. The entities holding those records are *affected*: their records and the new
ones are resolved again together, by the same resolver a build uses, scored with the
model the base was built with and term frequencies counted over every record (not
only the affected ones), so a pair weighs what it weighs in a full build. Every other
entity keeps its row order and id.

Ids of the affected entities carry forward as in a build into a store (see
:mod:`customer_understanding.base._lineage`): the older id survives a merge, the larger
part keeps the id of an entity split.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.base._lineage import _assign, name_entities
from customer_understanding.base._online import OnlineIndex, _combine, _indexed
from customer_understanding.base._survive import record_keys
from customer_understanding.identity import (
    BlockingRule,
    FellegiSunter,
    Linker,
    ProbabilisticResolver,
    normalise,
)
from customer_understanding.tables import AccountRecords, ContactRecords

__all__ = ["Affected", "LevelLineage", "ScoringLinker", "affected_entities", "carry_ids",
           "global_keys", "kept_index", "population", "scoring"]  # fmt: skip

Records = AccountRecords | ContactRecords
Ints = npt.NDArray[np.int64]


def _keyed(rule: BlockingRule) -> str:
    """The column a rule's keys capped over every record are handed to the engine as."""
    return f"{rule.on[0]} (keyed: {rule.name})"  # the engine reads it as a key of on[0]


@attrs.frozen(kw_only=True)
class ScoringLinker(Linker):
    """A linker that scores with a given model and counts term frequencies over everyone.

    ``given`` replaces the model a run would fit (``None``: fit as usual).
    ``whole`` holds, per compared column, every record's normalised value and the
    records' systems; ``rows`` says which of them the records linked now are, so an
    exact agreement on a value weighs what it weighs among all the records.
    """

    given: FellegiSunter | None = attrs.field(default=None, eq=False, repr=False)
    whole: tuple[Mapping[str, npt.NDArray[np.object_]], npt.NDArray[np.object_]] | None = (
        attrs.field(default=None, eq=False, repr=False)
    )
    rows: Ints | None = attrs.field(default=None, eq=False, repr=False)
    kept: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
    keys: Mapping[str, Ints] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def rules(self) -> tuple[BlockingRule, ...]:
        """The rules, those capped over every record standing on keys of their own."""
        return tuple(
            BlockingRule(on=_keyed(rule), name=rule.name) if _keyed(rule) in self.keys else rule
            for rule in super().rules
        )

    def _prepare(self, records: Any, id_column: Any, source_column: Any) -> Any:
        prepared, pair_sources = super()._prepare(records, id_column, source_column)
        if self.keys:
            prepared = attrs.evolve(prepared, codes={**prepared.codes, **self.keys})
        return prepared, pair_sources

    def deduplicate(self, records: Any, **options: Any) -> Any:
        if self.given is not None:
            options["model"] = self.given
        result = super().deduplicate(records, **options)
        self.kept["model"] = result.model  # a refitted model goes to the store
        return result

    def _term_frequency(self, prepared: Any, pair_sources: Any, left: Any, levels: Any,
                        partials: Any) -> None:  # fmt: skip
        if self.whole is None or self.rows is None:
            super()._term_frequency(prepared, pair_sources, left, levels, partials)
            return
        values, systems = self.whole
        codes, uniques = {}, {}
        for field in prepared.fields:
            found, distinct = pd.factorize(pd.Series(values[field.column], dtype=object),
                                           sort=True)  # fmt: skip
            codes[field.column] = found.astype(np.int64)
            uniques[field.column] = np.asarray(distinct, dtype=object)
        everyone = attrs.evolve(prepared, ids=np.arange(len(systems)), sources=systems,
                                codes=codes, uniques=uniques, junk={})  # fmt: skip
        sources = pd.factorize(pd.Series(systems, dtype=object))[0].astype(np.int64)
        super()._term_frequency(everyone, sources, self.rows[left], levels, partials)


def scoring(linker: Linker, **extra: Any) -> ScoringLinker:
    """``linker`` as a :class:`ScoringLinker` with ``extra`` set."""
    given = [field for field in attrs.fields(Linker) if field.init]
    return ScoringLinker(**{f.alias or f.name: getattr(linker, f.name) for f in given}, **extra)


def population(index: OnlineIndex, kept: npt.NDArray[np.bool_], new_frame: pd.DataFrame,
               fields: tuple[Any, ...]) -> tuple[dict[str, npt.NDArray[np.object_]],
                                                 npt.NDArray[np.object_]]:  # fmt: skip
    """Every record's normalised compared values and system: kept stored ones, then new."""
    stored = len(kept)
    values = {}
    for field in fields:
        old = np.asarray(index.normalised[field.column][:stored], dtype=object)[kept]
        new = np.asarray(normalise(new_frame[field.column], field), dtype=object)
        values[field.column] = np.concatenate([old, new])
    systems = np.concatenate([index.frame["system"].to_numpy(dtype=object)[:stored][kept],
                              new_frame["system"].to_numpy(dtype=object)])  # fmt: skip
    return values, systems


@attrs.frozen(kw_only=True)
class Affected:
    """The stored entity rows an update reaches, and why."""

    entities: Ints
    candidates: int


def affected_entities(index: OnlineIndex, new_frame: pd.DataFrame, *, stored_ids: Any,
                      of_record: Ints, replaced: npt.NDArray[np.bool_],
                      tied: set[str]) -> Affected:  # fmt: skip
    """Stored entity rows a new record shares a blocking key with or a decision ties to.

    Entities that lost a changed record (``replaced``) are affected too; ``tied`` holds
    the ids of entities a steward's decision ties to a new record.
    """
    values = {f.column: normalise(new_frame[f.column], f).tolist() for f in index.linker.fields}
    for column in index.linker.exclusive:
        if column in new_frame.columns:
            values[column] = [v if isinstance(v, str) else None for v in new_frame[column]]
    reached: set[str] = set(tied)
    candidates = 0
    for row in range(len(new_frame)):
        found, _ = index._candidates({column: values[column][row] for column in values})
        candidates += len(found)
        reached.update(index.entity[r] for r in found)
    ids = pd.Index(np.asarray(stored_ids, dtype=object))
    rows = ids.get_indexer(pd.Index(sorted(reached), dtype=object))
    rows = np.concatenate([rows[rows >= 0], of_record[replaced]])
    return Affected(entities=np.unique(rows).astype(np.int64), candidates=candidates)


@attrs.frozen(kw_only=True)
class LevelLineage:
    """The ids an update gives the re-resolved entities of one level, and their history."""

    ids: npt.NDArray[np.object_]
    merged: list[tuple[str, str]]
    split: list[tuple[str, str]]
    born: list[str]


def carry_ids(level: str, *, keys: npt.NDArray[np.object_], entity: Ints,
              resolver_ids: npt.NDArray[np.object_], entity_keys: npt.NDArray[np.object_],
              previous: pd.DataFrame, taken: set[str]) -> LevelLineage:  # fmt: skip
    """Stored ids carried to the re-resolved entities (``previous``: record, old, born)."""
    given, lost, split = _assign(keys, entity, previous)
    ids, born = name_entities(level, resolver_ids, given=given, keys=entity_keys, taken=taken)
    return LevelLineage(ids=ids, merged=[(old, str(ids[t])) for old, t in lost],
                        split=[(old, str(ids[t])) for old, t in split], born=born)  # fmt: skip


def keys_of(records: Records) -> npt.NDArray[np.object_]:
    """Each record as ``system:source_id``."""
    return record_keys(records)


def global_keys(index: OnlineIndex, values: Mapping[str, npt.NDArray[np.object_]], *,
                rows: Ints, new: int) -> dict[str, Ints]:  # fmt: skip
    """Blocking keys of the records resolved again, capped as over every record.

    Per blocking rule the index holds: each record's key, missing where the key's block
    over every record is over the rule's cap. In a full build a value held by more
    records than a rule's ``max_block`` pairs none of them; among the few records
    resolved again it would. ``values`` are every record's normalised values (stored
    records first, the ``new`` last ones new); ``rows`` the records resolved again.
    Stored records are counted in the index's sorted keys, new ones among themselves.
    """
    keyed = {}
    total = len(next(iter(values.values()), ()))
    for rule, declared in zip(index.rules, index.declared, strict=True):
        own = [np.asarray(values[c], dtype=object)[rows] for c in rule.columns]
        present = np.logical_and.reduce([pd.notna(v) for v in own])
        local = np.full(len(rows), -1, dtype=np.int64)
        if present.any():
            tuples = zip(*(v[present] for v in own), strict=True)
            text = pd.Series(["\x1f".join(map(str, t)) for t in tuples], dtype=object)
            local[present] = pd.factorize(text)[0]
        if declared.max_block is not None:
            codes = [
                np.fromiter((index.codes[c].get(v, -1) for v in column), np.int64, len(column))
                for c, column in zip(rule.columns, own, strict=True)
            ]
            known = np.logical_and.reduce([c >= 0 for c in codes]) & present
            key = _combine([np.maximum(c, 0) for c in codes])
            stored = np.searchsorted(rule.keys, key, "right") - np.searchsorted(rule.keys, key)
            fresh = rows >= total - new
            among_new = np.bincount(local[fresh & present], minlength=max(int(local.max()) + 1, 1))
            count = np.where(known, stored, 0) + np.where(
                present, among_new[np.maximum(local, 0)], 0
            )
            local[count > declared.max_block] = -1
        keyed[_keyed(declared)] = local
    return keyed


def kept_index(records: Records, entity: npt.NDArray[np.object_], *, level: Any,
               values: Mapping[str, npt.NDArray[np.object_]],
               model: FellegiSunter) -> OnlineIndex:  # fmt: skip
    """An index for finding candidates, over compared values the store kept.

    It holds what :meth:`OnlineIndex.build` computes for blocking (the values, their
    codes, each rule's sorted keys) without cleaning the records again; its frame holds
    the systems only, so it finds candidates for an update and scores nothing.
    """
    resolver = ProbabilisticResolver()
    base = resolver.contact_linker if level == "contact" else resolver.account_linker
    fields = tuple(attrs.evolve(f, term_frequency=False) for f in base.fields)
    linker = attrs.evolve(base, fields=fields, blocking=base.rules)
    codes: dict[str, Mapping[Any, int]] = {}
    coded: dict[str, Ints] = {}
    for field in fields:
        found, uniques = pd.factorize(pd.Series(values[field.column], dtype=object))
        coded[field.column] = found.astype(np.int64)
        codes[field.column] = {value: code for code, value in enumerate(uniques.tolist())}
    declared = [rule for rule in linker.rules if set(rule.on) <= set(coded)]
    names = keys_of(records).tolist()
    return OnlineIndex(level=level, resolver=resolver, linker=linker, model=model,
                       frame=pd.DataFrame({"system": records.labels("system")}),
                       entity=[str(i) for i in entity.tolist()], names=names, keys=set(names),
                       normalised={c: values[c] for c in coded}, codes=codes,
                       rules=[_indexed(rule, coded) for rule in declared],
                       declared=declared)  # fmt: skip
