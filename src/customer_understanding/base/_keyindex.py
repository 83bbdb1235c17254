"""The stored records' compared values as codes, and their blocking keys sorted per rule.

An update finds, in one vectorised pass, every stored record that shares a blocking key
with a new one (binary search in each rule's sorted keys) — all of them, as a full
build would pair them, not the best few online matching scores. The same codes give
the records an update links again their blocking keys *as counted over every record*
(a key held by more records than its rule's ``max_block`` pairs nobody, as in a build)
and the counts its term frequencies are taken from. The stored side is read as the
store keeps it (codes into distinct values); nothing per stored record is hashed.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.identity import BlockingRule, Linker, normalise

__all__ = ["Coded", "KeyIndex", "Population"]

Ints = npt.NDArray[np.int64]
#: Per compared column: each record's value code (-1: missing), and the distinct values.
Coded = Mapping[str, tuple[Ints, npt.NDArray[np.object_]]]


def _combined(parts: list[Ints]) -> Ints:
    """One key per record from its columns' codes (-1 when any is missing).

    Keys are numbered alike on every side (stored records, new ones): exactly for rules
    of one or two columns (codes stay below 2**31), by a wrapped product beyond.
    """
    present = np.logical_and.reduce([part >= 0 for part in parts])
    radix = np.int64(1 << 31) if len(parts) <= 2 else np.int64(1_000_003)
    key = np.zeros(len(parts[0]), dtype=np.int64)
    for part in parts:
        key = key * radix + np.maximum(part, 0)
    return np.where(present, key, -1)


@attrs.frozen(kw_only=True)
class Population:
    """Every record after an update (kept stored ones, then new) as codes, and their keys.

    ``codes`` per compared column and ``sources`` (coded systems) cover every record;
    ``keys`` holds per blocking rule name each record's key (-1: none), ``lost`` the
    sorted keys of the stored records the update replaces; the first ``stored`` records
    were stored.
    """

    codes: Mapping[str, Ints]
    uniques: Mapping[str, npt.NDArray[np.object_]]
    sources: Ints
    keys: Mapping[str, Ints]
    lost: Mapping[str, Ints]
    stored: int


def _within(ordered: Ints, key: Ints) -> Ints:
    """How many of the sorted ``ordered`` equal each of ``key``."""
    return np.searchsorted(ordered, key, "right") - np.searchsorted(ordered, key, "left")


@attrs.frozen(kw_only=True)
class KeyIndex:
    """One level's stored records as the update's linker reads them, keyed per rule."""

    linker: Linker
    coded: Coded
    systems: npt.NDArray[np.object_]
    rules: tuple[BlockingRule, ...]
    order: Mapping[str, tuple[Ints, Ints]]  # per rule name: sorted keys, their rows

    @classmethod
    def of(cls, coded: Coded, *, systems: npt.NDArray[np.object_], linker: Linker) -> KeyIndex:
        """The index over stored codes (the rules on columns the codes hold)."""
        rules = tuple(rule for rule in linker.rules if set(rule.on) <= set(coded))
        order = {}
        for rule in rules:
            keys = _combined([coded[c][0] for c in rule.on])
            rows = np.flatnonzero(keys >= 0)
            sort = np.argsort(keys[rows], kind="stable")
            order[rule.name] = (keys[rows][sort], rows[sort].astype(np.int64))
        return cls(linker=linker, coded=coded, systems=systems, rules=rules, order=order)

    @classmethod
    def of_frame(cls, frame: pd.DataFrame, *, linker: Linker) -> KeyIndex:
        """The index over records given as their comparison frame (cleaned here)."""
        coded = {}
        for field in linker.fields:
            values = normalise(frame[field.column].reset_index(drop=True), field)
            codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
            coded[field.column] = (codes.astype(np.int64), np.asarray(uniques, dtype=object))
        return cls.of(coded, systems=frame["system"].to_numpy(dtype=object), linker=linker)

    def population(self, new_frame: pd.DataFrame, *, kept: npt.NDArray[np.bool_]) -> Population:
        """Every record after the update: the ``kept`` stored ones, then ``new_frame``'s."""
        codes, uniques = {}, {}
        for field in self.linker.fields:
            old, distinct = self.coded[field.column]
            values = pd.Series(normalise(new_frame[field.column].reset_index(drop=True), field),
                               dtype=object)  # fmt: skip
            found = pd.Index(distinct, dtype=object).get_indexer(values)
            unknown = (found < 0) & values.notna().to_numpy()
            fresh, more = pd.factorize(values[unknown])
            found[unknown] = len(distinct) + fresh
            codes[field.column] = np.concatenate([old[kept], found.astype(np.int64)])
            uniques[field.column] = np.concatenate([distinct, np.asarray(more, dtype=object)])
        systems = np.concatenate([self.systems[kept], new_frame["system"].to_numpy(dtype=object)])
        sources = pd.factorize(pd.Series(systems, dtype=object))[0].astype(np.int64)
        keys, lost = {}, {}
        gone = np.flatnonzero(~kept)
        for rule in self.rules:
            keys[rule.name] = _combined([codes[c] for c in rule.on])
            old = _combined([self.coded[c][0][gone] for c in rule.on])
            lost[rule.name] = np.sort(old[old >= 0])
        return Population(codes=codes, uniques=uniques, sources=sources, keys=keys, lost=lost,
                          stored=int(kept.sum()))  # fmt: skip

    def block_sizes(self, rule: BlockingRule, key: Ints, population: Population) -> Ints:
        """How many records after the update (kept stored ones and new) hold each ``key``.

        Stored and new keys are numbered alike: a new value's code follows the stored
        ones, and a key combines the codes with the same widths on both sides.
        """
        ordered, _ = self.order[rule.name]
        new = population.keys[rule.name][population.stored :]
        stored = _within(ordered, key) - _within(population.lost[rule.name], key)
        return np.where(key >= 0, stored + _within(np.sort(new[new >= 0]), key), 0)

    def reached(self, population: Population, *, kept: npt.NDArray[np.bool_]) -> Ints:
        """Stored rows sharing a key with a new record, in a block its rule paired before.

        A new record is paired with those of a block its rule does not cap; and a block
        it pushes over the cap pairs none of its stored records any more, so they are
        resolved again too. Blocks already over the cap change nothing.
        """
        found = []
        for rule in self.rules:
            ordered, rows = self.order[rule.name]
            key = population.keys[rule.name][population.stored :]
            key = np.unique(key[key >= 0])
            if rule.max_block is not None and len(key):
                stored = _within(ordered, key) - _within(population.lost[rule.name], key)
                key = key[stored <= rule.max_block]
            start, stop = np.searchsorted(ordered, key), np.searchsorted(ordered, key, "right")
            lengths = stop - start
            offsets = np.cumsum(lengths) - lengths
            places = np.arange(int(lengths.sum())) + np.repeat(start - offsets, lengths)
            found.append(rows[places])
        every = np.unique(np.concatenate([np.empty(0, dtype=np.int64), *found]))
        return every[kept[every]]

    def local_keys(self, population: Population, rows: Ints) -> dict[str, Ints]:
        """Each rule's keys of the records linked again (``rows``), capped as over all."""
        keyed = {}
        for rule in self.rules:
            key = population.keys[rule.name][rows]
            local = np.full(len(rows), -1, dtype=np.int64)
            present = np.flatnonzero(key >= 0)
            if len(present):
                local[present] = pd.factorize(key[present])[0]
                if rule.max_block is not None:
                    over = self.block_sizes(rule, key[present], population) > rule.max_block
                    local[present[over]] = -1
            keyed[rule.name] = local
        return keyed
