"""The stored records' compared values as codes, and their blocking keys per rule.

An update finds, in one vectorised pass, every stored record that shares a blocking key
with a new one (each stored key looked up among the new records' few keys, a hashed
probe: nothing is sorted) — all of them, as a full build would pair them, not the best
few online matching scores. The same codes give the records an update links again
their blocking keys *as counted over every record* (a key held by more records than its
rule's ``max_block`` pairs nobody, as in a build) and the counts its term frequencies
are taken from. The stored side is read as the store keeps it (codes into distinct
values); no stored value is cleaned or hashed as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding.identity import BlockingRule, Linker, LinkerSteps, normalise

__all__ = ["Coded", "KeyIndex", "Population"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
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

    ``codes`` per compared column (derived key columns too) cover every record;
    ``keys`` holds per blocking rule name each record's key (-1: none) and ``places``
    each record's place among the stored records and the new ones (what a block's
    members are told apart by); the first ``stored`` records were stored, and ``lost``
    holds per rule the blocks of the stored records replaced.
    """

    codes: Mapping[str, Ints]
    uniques: Mapping[str, npt.NDArray[np.object_]]
    keys: Mapping[str, Ints]
    places: Ints
    lost: Mapping[str, _Blocks]
    stored: int


@attrs.frozen(kw_only=True)
class _Blocks:
    """Some records' blocks under one rule: each key once, its records, their places' sums.

    ``members`` holds the records' places, ``owner`` the block (a place in ``keys``) of each.
    """

    keys: Ints
    counts: Ints
    sums: Floats
    squares: Floats
    members: Ints
    owner: Ints

    @classmethod
    def of(cls, keys: Ints, places: Ints) -> _Blocks:
        present = keys >= 0
        found, inverse, counts = np.unique(keys[present], return_inverse=True, return_counts=True)
        where = places[present].astype(np.float64)
        size = len(found)
        sums = np.bincount(inverse, weights=where, minlength=size).astype(np.float64)
        squares = np.bincount(inverse, weights=where**2, minlength=size).astype(np.float64)
        return cls(keys=found.astype(np.int64), counts=counts.astype(np.int64), sums=sums,
                   squares=squares, members=places[present].astype(np.int64),
                   owner=inverse.astype(np.int64))  # fmt: skip

    @classmethod
    def among(cls, keys: Ints, wanted: Ints, *, unique: bool = False) -> _Blocks:
        """:meth:`of` the records holding one of ``wanted`` (places: their rows), alone.

        One hashed look-up per record, not a sort of them all: an update asks about
        the few keys of its new records and of those it links again. ``unique``:
        ``wanted`` are already distinct, present and in order.
        """
        distinct = wanted if unique else np.unique(wanted[wanted >= 0])
        if not len(distinct) or not len(keys):
            return cls.of(distinct[:0], distinct[:0])
        found = pd.Index(distinct).get_indexer(pd.Index(keys, copy=False))
        rows = np.flatnonzero(found >= 0)
        block, where = found[rows], rows.astype(np.float64)
        size = len(distinct)  # a key no record holds reads as no block, as in :meth:`at`
        return cls(keys=distinct.astype(np.int64),
                   counts=np.bincount(block, minlength=size).astype(np.int64),
                   sums=np.bincount(block, weights=where, minlength=size).astype(np.float64),
                   squares=np.bincount(block, weights=where**2,
                                       minlength=size).astype(np.float64),
                   members=rows.astype(np.int64), owner=block.astype(np.int64))  # fmt: skip

    def joined(self, other: _Blocks) -> _Blocks:
        """These blocks and ``other``'s (keys none of these hold), in key order."""
        keys = np.concatenate([self.keys, other.keys])
        order = np.argsort(keys, kind="stable")
        rank = np.empty(len(keys), dtype=np.int64)
        rank[order] = np.arange(len(keys))
        owner = np.concatenate([self.owner, other.owner + len(self.keys)])
        return _Blocks(keys=keys[order],
                       counts=np.concatenate([self.counts, other.counts])[order],
                       sums=np.concatenate([self.sums, other.sums])[order],
                       squares=np.concatenate([self.squares, other.squares])[order],
                       members=np.concatenate([self.members, other.members]),
                       owner=rank[owner])  # fmt: skip

    def holders(self, keys: Ints) -> Ints:
        """The members of the blocks of ``keys`` (those these blocks hold), in order."""
        wanted = np.isin(self.keys, keys)
        return np.unique(self.members[wanted[self.owner]])

    def at(self, keys: Ints) -> tuple[Ints, Floats, Floats]:
        """Records, sum and sum of squares of places, of the block of each of ``keys``."""
        spot = np.minimum(np.searchsorted(self.keys, keys), max(len(self.keys) - 1, 0))
        hit = (keys >= 0) & (self.keys[spot] == keys) if len(self.keys) else keys < -1
        return (np.where(hit, self.counts[spot] if len(self.keys) else 0, 0),
                np.where(hit, self.sums[spot] if len(self.keys) else 0.0, 0.0),
                np.where(hit, self.squares[spot] if len(self.keys) else 0.0, 0.0))  # fmt: skip


def _positions(distinct: npt.NDArray[np.object_], values: pd.Series[Any]) -> Ints:
    """Where each of ``values`` is among ``distinct`` (``-1``: not there, or missing).

    The few values are hashed, and the many distinct ones looked up among them.
    """
    found = np.full(len(values), -1, dtype=np.int64)
    look = pd.Index(pd.unique(values.dropna()), dtype=object)
    if not len(look) or not len(distinct):
        return found
    hit = look.get_indexer(pd.Index(distinct, dtype=object))
    where = np.full(len(look), -1, dtype=np.int64)
    at = np.flatnonzero(hit >= 0)
    where[hit[at]] = at
    each = look.get_indexer(pd.Index(values, dtype=object))
    present = each >= 0
    found[present] = where[each[present]]
    return found


def _derived(coded: Coded, steps: LinkerSteps) -> dict[str, tuple[Ints, npt.NDArray[np.object_]]]:
    """The derived key columns (an organisation's first word …), from the stored codes.

    Those kept with the codes (an update keeps the ones it derived) are not derived
    again: only which records share a key matters, not how the keys are numbered.
    """
    found = {}
    for column, source in steps.key_columns().items():
        if column in coded:
            continue
        codes, uniques = coded[source]
        texts = steps.derived_keys(source, uniques.tolist())[column]
        derived, distinct = pd.factorize(pd.Series(texts, dtype=object), use_na_sentinel=True)
        derived = np.append(derived, -1).astype(np.int64)  # a missing value reads the last
        found[column] = (derived[np.where(codes >= 0, codes, len(uniques))],
                         np.asarray(distinct, dtype=object))  # fmt: skip
    return found


@attrs.frozen(kw_only=True)
class KeyIndex:
    """One level's stored records as the update's linker reads them, keyed per rule."""

    linker: Linker
    coded: Coded  # the fields' columns and the derived key columns
    rules: tuple[BlockingRule, ...]
    keys: Mapping[str, Ints]  # per rule name: each stored record's key (-1: none)
    # per rule name: the stored blocks of every key asked about so far
    asked: dict[str, _Blocks] = attrs.field(factory=dict, init=False, eq=False, repr=False)

    @classmethod
    def of(cls, coded: Coded, *, linker: Linker) -> KeyIndex:
        """The index over stored codes (the rules on columns the codes hold)."""
        coded = {**coded, **_derived(coded, LinkerSteps(linker))}
        rules = tuple(rule for rule in linker.rules if set(rule.on) <= set(coded))
        keys = {rule.name: _combined([coded[c][0] for c in rule.on]) for rule in rules}
        return cls(linker=linker, coded=coded, rules=rules, keys=keys)

    @classmethod
    def of_frame(cls, frame: pd.DataFrame, *, linker: Linker) -> KeyIndex:
        """The index over records given as their comparison frame (cleaned here)."""
        coded = {}
        for field in linker.fields:
            values = normalise(frame[field.column].reset_index(drop=True), field)
            codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
            coded[field.column] = (codes.astype(np.int64), np.asarray(uniques, dtype=object))
        return cls.of(coded, linker=linker)

    def population(self, new_frame: pd.DataFrame, *, kept: npt.NDArray[np.bool_]) -> Population:
        """Every record after the update: the ``kept`` stored ones, then ``new_frame``'s."""
        steps = LinkerSteps(self.linker)
        new_values: dict[str, pd.Series[Any]] = {}
        for field in self.linker.fields:
            cleaned = normalise(new_frame[field.column].reset_index(drop=True), field)
            new_values[field.column] = pd.Series(cleaned, dtype=object)
            for column, texts in steps.derived_keys(field.column, cleaned.tolist()).items():
                new_values[column] = pd.Series(texts, dtype=object)
        codes, uniques = {}, {}
        for column, values in new_values.items():
            old, distinct = self.coded[column]
            found = _positions(distinct, values)
            unknown = (found < 0) & values.notna().to_numpy()
            fresh, more = pd.factorize(values[unknown])
            found[unknown] = len(distinct) + fresh
            codes[column] = np.concatenate([old[kept], found.astype(np.int64)])
            uniques[column] = np.concatenate([distinct, np.asarray(more, dtype=object)])
        places = np.concatenate([np.flatnonzero(kept), len(kept) + np.arange(len(new_frame))])
        keys, lost = {}, {}
        gone = np.flatnonzero(~kept)
        for rule in self.rules:  # the kept records' keys are their stored ones
            stored = self.keys[rule.name]
            fresh = _combined([codes[c][len(places) - len(new_frame) :] for c in rule.on])
            keys[rule.name] = np.concatenate([stored[kept], fresh])
            lost[rule.name] = _Blocks.of(stored[gone], gone)
        return Population(codes=codes, uniques=uniques, keys=keys,
                          places=places.astype(np.int64), lost=lost,
                          stored=int(kept.sum()))  # fmt: skip

    def _stored(self, name: str, key: Ints) -> _Blocks:
        """The stored blocks of (at least) ``key``, each key looked up once per rule.

        An update asks about its new records' keys, then those of the records near them,
        then those of every record it links again: the blocks found are kept, and only
        keys not among them looked up (one hashed pass over the stored keys per round).
        """
        held = self.asked.get(name)
        wanted = np.unique(key[key >= 0])
        if held is not None:
            wanted = wanted[~np.isin(wanted, held.keys, assume_unique=True)]
            if not len(wanted):
                return held
            self.asked[name] = held.joined(_Blocks.among(self.keys[name], wanted, unique=True))
        else:
            self.asked[name] = _Blocks.among(self.keys[name], wanted, unique=True)
        return self.asked[name]

    def _block(self, rule: BlockingRule, key: Ints, population: Population,
               stored: tuple[Ints, Floats, Floats] | None = None,
               ) -> tuple[Ints, Floats, Floats]:  # fmt: skip
        """Records, and sums of places, of the blocks of ``key`` after the update.

        ``stored``: the blocks of ``key`` as stored, when already looked up.
        """
        new = population.keys[rule.name][population.stored :]
        fresh = _Blocks.of(new, population.places[population.stored :]).at(key)
        was = self._stored(rule.name, key).at(key) if stored is None else stored
        gone = population.lost[rule.name].at(key)
        return (was[0] + fresh[0] - gone[0],
                was[1] + fresh[1] - gone[1], was[2] + fresh[2] - gone[2])  # fmt: skip

    def block_sizes(self, rule: BlockingRule, key: Ints, population: Population) -> Ints:
        """How many records after the update (kept stored ones and new) hold each ``key``."""
        return self._block(rule, key, population)[0]

    def budgeted(self, population: Population, rows: Ints) -> dict[str, Ints]:
        """Each rule's keys of ``rows`` after its cap and the records' budgets, over all.

        A key held by more records than its rule's ``max_block`` pairs nobody; then each
        record keeps its blocks from the smallest while their candidates fit the
        linker's budget, as a run over every record decides (:meth:`LinkerSteps.limits`).
        """
        keys = {rule.name: population.keys[rule.name][rows] for rule in self.rules}
        return self._budgeted(keys, {rule.name: self._block(rule, keys[rule.name], population)
                                     for rule in self.rules})  # fmt: skip

    def _budgeted(self, keys: Mapping[str, Ints],
                  blocks: Mapping[str, tuple[Ints, Floats, Floats]],
                  ) -> dict[str, Ints]:  # fmt: skip
        """``keys`` capped and budgeted, given each key's block (records, place sums)."""
        shape = (len(next(iter(keys.values()), ())), len(self.rules))
        budgeted: dict[str, Ints] = {}
        sizes = np.empty(shape, dtype=np.int64)
        totals, squares = np.zeros(shape, dtype=np.uint64), np.zeros(shape, dtype=np.uint64)
        for r, rule in enumerate(self.rules):
            key = keys[rule.name].copy()
            count, total, square = blocks[rule.name]
            capped = (key < 0) | ((count > rule.max_block) if rule.max_block is not None else False)
            key[capped] = -1
            sizes[:, r] = np.where(capped, 1, np.minimum(count, 255))
            # a record in no block has no members to hash, as in a run over every record
            totals[~capped, r] = total[~capped].astype(np.uint64)
            squares[~capped, r] = square[~capped].astype(np.uint64)
            budgeted[rule.name] = key
        limits = LinkerSteps(self.linker).budget_limits(sizes, totals, squares).astype(np.int64)
        for r, rule in enumerate(self.rules):
            budgeted[rule.name] = np.where(sizes[:, r] > limits, -1, budgeted[rule.name])
        return budgeted

    def reached(self, population: Population, *, kept: npt.NDArray[np.bool_]) -> Ints:
        """Stored rows a new record is paired with, or whose pairs the update changes.

        A new record is paired with the records of each block it keeps within its
        rule's cap and its budget (as a run over every record decides); a block it
        pushes over the cap pairs none of its stored records any more, so they are
        resolved again too, and so are the records whose blocks the update changes
        otherwise (:meth:`_shifted`).
        """
        touched = {}
        for rule in self.rules:  # the blocks new and replaced records change, asked at once
            new = population.keys[rule.name][population.stored :]
            touched[rule.name] = np.union1d(new[new >= 0], population.lost[rule.name].keys)
            self._stored(rule.name, touched[rule.name])
        new_rows = np.arange(population.stored, len(population.places), dtype=np.int64)
        kept_keys = self.budgeted(population, new_rows)
        found = [self._shifted(population, touched, kept=kept)]
        for rule in self.rules:
            key = np.unique(kept_keys[rule.name][kept_keys[rule.name] >= 0])
            if rule.max_block is not None:
                every = population.keys[rule.name][population.stored :]
                every = np.unique(every[every >= 0])
                held = self._stored(rule.name, every).at(every)[0]
                stored = held - population.lost[rule.name].at(every)[0]
                over = self.block_sizes(rule, every, population) > rule.max_block
                key = np.union1d(key, every[over & (stored <= rule.max_block)])
            found.append(self._stored(rule.name, key).holders(key))
        every_row = np.unique(np.concatenate([np.empty(0, dtype=np.int64), *found]))
        reached: Ints = every_row[kept[every_row]].astype(np.int64)
        return reached

    def _shifted(self, population: Population, touched: Mapping[str, Ints], *,
                 kept: npt.NDArray[np.bool_]) -> Ints:  # fmt: skip
        """Stored rows whose budgeted keys the update changes, and those they come to meet.

        New records grow the blocks they join and replaced ones shrink theirs
        (``touched``: those blocks' keys per rule); every other holder of such a block
        may then keep a different set of blocks within its budget (or a block may pass
        its rule's cap either way), and so be paired differently than when it was
        stored. Such a record is resolved again, and so is every stored holder of a
        block it comes to keep (their pairs with it are new).
        """
        budget = LinkerSteps(self.linker).budget
        near = []
        for rule in self.rules:
            # Only a block this small before or after can change its holders' pairs: past
            # the cap it pairs nobody, and with more candidates than the budget it is
            # never kept, nor does its size bear on which smaller blocks are.
            bounds = [b for b in (rule.max_block, None if budget is None else budget + 1) if b]
            if not bounds:
                continue  # such blocks change nobody's pairs but the new records' own
            key = touched[rule.name]
            was = self._stored(rule.name, key).at(key)[0]
            now = self.block_sizes(rule, key, population)
            key = key[np.minimum(was, now) <= min(bounds)]
            near.append(self._stored(rule.name, key).holders(key))
        rows: Ints = np.unique(np.concatenate([np.empty(0, dtype=np.int64), *near]))
        rows = rows[kept[rows]]
        if not len(rows):
            return rows
        keys = {rule.name: self.keys[rule.name][rows] for rule in self.rules}
        stored = {name: self._stored(name, key).at(key) for name, key in keys.items()}
        before = self._budgeted(keys, stored)
        after = self._budgeted(keys, {rule.name: self._block(rule, keys[rule.name], population,
                                                             stored[rule.name])
                                      for rule in self.rules})  # fmt: skip
        changed = np.logical_or.reduce([before[r.name] != after[r.name] for r in self.rules])
        found = [rows[changed]]
        for rule in self.rules:
            gained = after[rule.name][changed & (before[rule.name] < 0) & (after[rule.name] >= 0)]
            found.append(self._stored(rule.name, gained).holders(gained))
        shifted: Ints = np.unique(np.concatenate(found)).astype(np.int64)
        return shifted

    def local_keys(self, population: Population, rows: Ints) -> dict[str, Ints]:
        """Each rule's keys of the records linked again (``rows``), as over all, renumbered."""
        keyed = {}
        for name, key in self.budgeted(population, rows).items():
            local = np.full(len(rows), -1, dtype=np.int64)
            present = np.flatnonzero(key >= 0)
            if len(present):
                local[present] = pd.factorize(key[present])[0]
            keyed[name] = local
        return keyed
