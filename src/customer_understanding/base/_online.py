"""Online matching: score one incoming record against the stored graph, and add it.

An index over the stored records is built once per level (on the first match): every
record's compared values as the engine's
:class:`~customer_understanding.identity.RecordScorer` holds them (normalised, coded, value
frequencies), and per blocking rule the records' keys sorted, so the records sharing a
key with an incoming one are found by binary search instead of a relink. The values
are the ones the store kept at the last build or update (cleaning a million records'
names and phones again would take most of a minute); records added online since are
cleaned as they were when added; without kept values every record is cleaned. Only
the incoming record is cleaned per call; it is compared with its candidates alone and
weighed with the model fitted when the base was built (kept in the store) and the
build's term-frequency adjustment, so a pair weighs online what it weighed in the build.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._errors import InvalidValueError
from customer_understanding.base._incoming import Incoming
from customer_understanding.base._kept_values import kept_frequencies
from customer_understanding.base._keyindex import Coded
from customer_understanding.base._matches import CandidateMatches
from customer_understanding.base._tables import Tables
from customer_understanding.identity import (
    BlockingRule,
    FellegiSunter,
    Frequencies,
    Linker,
    ProbabilisticResolver,
    RecordScorer,
    normalise,
)
from customer_understanding.tables import (
    AccountRecords,
    ContactRecords,
)
from customer_understanding.typing import Level

__all__ = ["Keys", "OnlineIndex"]

Records = AccountRecords | ContactRecords
_KEY_COLUMN = {"contact": "email", "account": "domain"}
#: The most candidate records scored per incoming record (those sharing most keys).
MAX_CANDIDATES = 20


@attrs.define
class _Rule:
    """One blocking rule's keys over the stored records, sorted for binary search."""

    columns: tuple[str, ...]
    cap: int | None
    keys: npt.NDArray[np.int64]
    rows: npt.NDArray[np.int64]
    extra: dict[tuple[str, ...], list[int]] = attrs.field(factory=dict)


@attrs.define
class OnlineIndex:
    """The records of one level, indexed by their blocking keys, and the model to score with.

    ``normalised`` holds every record's compared values per column (``None`` when
    missing), ``exclusive`` its exclusive columns' values (a work e-mail) and ``codes``
    each distinct value's code; ``scorer`` scores an incoming record against chosen rows
    as the build scored their pairs. ``frame`` is the stored records' comparison frame
    (``None`` when the index was built from the compared values the store kept):
    records added online are in the others, not in it.

    A built index holds its per-record values in numpy object arrays rather than lists
    (and its record keys in a hash index rather than a set): the garbage collector walks
    every item of a list or set on each full pass, which at a million records is a
    pause of a third of a second in the middle of some match; it does not walk arrays.
    """

    level: Level
    resolver: ProbabilisticResolver
    linker: Linker
    model: FellegiSunter
    frame: pd.DataFrame | None
    entity: Values
    names: Values
    keys: set[str] | Keys
    normalised: dict[str, Values]
    codes: dict[str, Mapping[Any, int]]
    rules: list[_Rule]
    declared: list[BlockingRule]
    # None in an index made only to find candidates (it scores nothing).
    scorer: RecordScorer | None = None
    exclusive: dict[str, Values] = attrs.field(factory=dict)
    # Room to add records in: per array, the buffer it is the start of, and its length.
    _room: dict[str, tuple[npt.NDArray[np.object_], int]] = attrs.field(
        factory=dict, init=False, repr=False
    )

    @classmethod
    def build(cls, tables: Tables, level: Level, *, resolver: ProbabilisticResolver,
              model: FellegiSunter | None, coded: Coded | None = None,
              frequencies: Frequencies | None = None,
              added: Mapping[str, Mapping[str, Any]] | None = None) -> OnlineIndex:  # fmt: skip
        """Index the base's records of ``level``; fit the model if none was kept.

        ``coded`` holds the compared values the store kept (per column, codes and
        distinct values) for the first records; with the kept model they are used as
        they are, with the term frequencies kept by them (``frequencies``: counted with
        the model; without them they are counted over the kept values), and the
        records after them (added online since) are cleaned and added as
        :meth:`add_rows` adds them (``added`` holds, by record, the comparison values
        kept when it was added); their values weigh in the term frequencies from the
        next refit, as in the process that added them.
        Without kept values, or with values that are not these records', every record
        is cleaned here.
        """
        contacts = level == "contact"
        records = tables.contact_records if contacts else tables.account_records
        resolution = tables.resolution
        of_record = resolution.contact_of_record if contacts else resolution.account_of_record
        ids = resolution.contact_ids if contacts else resolution.account_ids
        base_linker = resolver.contact_linker if contacts else resolver.account_linker
        linker = attrs.evolve(base_linker, blocking=base_linker.rules)
        kept = _kept_rows(coded, linker, model, records=records, resolver=resolver)
        stored = records if kept is None or kept == len(records) else records.take(np.arange(kept))
        frame = None
        if kept is None:
            frame = resolver.comparison_frame(records).reset_index(drop=True)
            if model is None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model = base_linker.deduplicate(frame, source_column="system").model
            scorer = RecordScorer(frame, linker=linker, model=model)
        else:
            assert coded is not None
            assert model is not None
            scorer = RecordScorer.from_codes(coded, linker=linker, model=model,
                                             frequencies=kept_frequencies(frequencies, coded, [
                                                 f.column for f in linker.fields
                                                 if f.term_frequency]))  # fmt: skip
        everyone = np.arange(len(scorer), dtype=np.int64)
        values = scorer.values(everyone)
        codes = {column: scorer.lookup(column) for column in values}
        declared = [rule for rule in linker.rules if set(rule.on) <= set(values)]
        rules = [_indexed(rule, {c: scorer.codes(c) for c in values}) for rule in declared]
        names = _array(_keys(stored))
        if frame is not None:
            exclusive: dict[str, Values] = {column: _array(_texts(frame[column]))
                                            for column in linker.exclusive
                                            if column in frame.columns}  # fmt: skip
        else:
            exclusive = _kept_exclusive(stored, linker, resolver, scorer)
        entities = np.asarray(ids, dtype=object)[of_record]
        entity = _array([str(i) for i in entities[: len(scorer)]])
        index = cls(level=level, resolver=resolver, linker=linker, model=model, frame=frame,
                    entity=entity, names=names, keys=Keys(names),
                    normalised={column: _array(v) for column, v in values.items()},
                    codes=codes, rules=rules, declared=declared, scorer=scorer,
                    exclusive=exclusive)  # fmt: skip
        if len(scorer) < len(records):  # records added online since the values were kept
            later = records.take(np.arange(len(scorer), len(records)))
            frame_of = _added_frame(later, resolver, {} if added is None else added)
            index.add_rows(_keys(later), [str(e) for e in entities[len(scorer) :]], frame_of)
        return index

    def _candidates(self, query: dict[str, Any]) -> tuple[list[int], list[BlockingRule]]:
        """The records sharing most blocking keys with ``query``, and the rules that hit."""
        hits: dict[int, int] = {}
        used: list[BlockingRule] = []
        for rule, declared in zip(self.rules, self.declared, strict=True):
            wanted = tuple(query[c] for c in rule.columns)
            if any(v is None for v in wanted):
                continue
            found: list[int] = list(rule.extra.get(wanted, ()))
            codes = [self.codes[c].get(v, -1) for c, v in zip(rule.columns, wanted, strict=True)]
            if min(codes) >= 0:
                key = _combine([np.array([c], dtype=np.int64) for c in codes])[0]
                start = int(np.searchsorted(rule.keys, key, side="left"))
                stop = int(np.searchsorted(rule.keys, key, side="right"))
                found += rule.rows[start:stop].tolist()
            if rule.cap is not None and len(found) > rule.cap:
                continue  # a value too common to tell anything, as in the build
            if found:
                used.append(declared)
            for row in found:
                hits[row] = hits.get(row, 0) + 1
        ranked = sorted(hits, key=lambda row: (-hits[row], row))
        return ranked[:MAX_CANDIDATES], used

    def _scorer(self) -> RecordScorer:
        if self.scorer is None:
            msg = "this index finds candidates only; OnlineIndex.build makes one that scores"
            raise InvalidValueError(msg)
        return self.scorer

    def query(self, frame: pd.DataFrame) -> dict[str, Any]:
        """One record's compared values, from its one-row comparison frame."""
        query = self._scorer().clean(frame)
        for column in self.linker.exclusive:  # compared as the build compares them
            if column in frame.columns:
                query[column] = _texts(frame[column])[0]
        return query

    def match(self, new: Incoming, *, frame: pd.DataFrame | None = None) -> CandidateMatches:
        """Score ``new`` against the candidate records sharing a blocking key with it.

        ``frame`` is its comparison frame when the caller has it already.
        """
        if frame is None:
            frame = self.resolver.comparison_frame(new.records).reset_index(drop=True)
        query = self.query(frame)
        rows, _ = self._candidates(query)
        if not rows:
            return _empty(self, query)
        levels, partials = self._scorer().score(query, rows)
        weight = self.model.prior_weight + partials.sum(axis=1, dtype=np.float64)
        return _matches(self, rows=rows, pairs=np.arange(len(rows)), weight=weight,
                        result=(levels, partials), query=query)  # fmt: skip

    def add_row(self, name: str, entity_id: str, frame: pd.DataFrame) -> None:
        """Index an added record (``system:source_id``, its comparison frame) in an entity."""
        self.add_rows([name], [entity_id], frame)

    def add_rows(self, names: Sequence[str], entity_ids: Sequence[str],
                 frame: pd.DataFrame) -> None:  # fmt: skip
        """Index added records (their keys, entities and comparison frame), in that order."""
        scorer = self._scorer()
        # one record (an add) is cleaned value by value, through the scorer's memo
        rows = scorer.extend(frame) if len(frame) > 1 else [scorer.append(frame)]
        for column in self.exclusive:  # the stored frame is not copied
            given = _texts(frame[column]) if column in frame.columns else [None] * len(frame)
            for value in given:
                held = self.exclusive[column]
                self.exclusive[column] = self._appended(f"exclusive {column}", held, value)
        for name, entity_id in zip(names, entity_ids, strict=True):
            self.entity = self._appended("entity", self.entity, entity_id)
            self.names = self._appended("names", self.names, name)
            self.keys.add(name)
        for column, values in scorer.values(rows).items():
            for value in values:
                held = self.normalised[column]
                self.normalised[column] = self._appended(f"normalised {column}", held, value)
        for row in rows:
            for rule in self.rules:
                wanted = tuple(self.normalised[c][row] for c in rule.columns)
                if all(v is not None for v in wanted):
                    rule.extra.setdefault(wanted, []).append(int(row))

    def _appended(self, name: str, values: Values, value: Any) -> Values:
        """``values`` with one more item, without copying them on every record added.

        A list grows in place. An array becomes the start of a larger buffer once (a
        quarter more), then each item goes into the buffer and a view one longer is
        handed out; a view shorter than the buffer's used part (someone else's) is
        copied instead, so no one's items are overwritten.
        """
        if isinstance(values, list):
            values.append(value)
            return values
        n = len(values)
        buffer, used = self._room.get(name, (values, -1))
        if values.base is not buffer or used != n or n == len(buffer):
            buffer = np.empty(n + max(n // 4, 1024), dtype=object)
            buffer[:n] = values
        buffer[n] = value
        self._room[name] = (buffer, n + 1)
        return buffer[: n + 1]


#: Per-record values: a list, or (in a built index) a numpy object array.
Values = list[Any] | npt.NDArray[np.object_]


def _array(values: list[Any]) -> npt.NDArray[np.object_]:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


class Keys:
    """Record keys (``system:source_id``) to test membership in, held outside the collector."""

    def __init__(self, names: npt.NDArray[np.object_]) -> None:
        self._index = pd.Index(names, dtype=object)
        self._added: set[str] = set()

    def __contains__(self, name: object) -> bool:
        return name in self._added or name in self._index

    def add(self, name: str) -> None:
        """Hold one more key (a record added online)."""
        self._added.add(name)


def _keys(records: Records) -> list[str]:
    """Each record as ``system:source_id``."""
    system, source_id = records.labels("system"), records.column("source_id")
    return [f"{s or ''}:{i}" for s, i in zip(system, source_id, strict=True)]


def _added_frame(records: Records, resolver: ProbabilisticResolver,
                 added: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:  # fmt: skip
    """Records added online as each was compared when added (its kept values, else made again)."""
    rows: list[Mapping[Any, Any]] = []
    for place, name in enumerate(_keys(records)):
        found = added.get(name)
        if found is None:  # one at a time, as an add compares it
            one = records.take(np.array([place]))
            rows.append(resolver.comparison_frame(one).iloc[0].to_dict())
        else:
            rows.append(found)
    return pd.DataFrame([dict(row) for row in rows])


#: Records whose kept values are checked against the same records cleaned again.
_SPOT_CHECKS = 32


def _kept_rows(coded: Coded | None, linker: Linker, model: FellegiSunter | None, *,
               records: Records, resolver: ProbabilisticResolver) -> int | None:  # fmt: skip
    """How many of the first records the kept values stand for (``None``: clean them all).

    They must hold every compared column for at most the records there are, with the
    kept model, and agree with a few of those records cleaned again (values kept for
    other records, a base read before a later update of its store, are not used).
    """
    if coded is None or model is None or not set(linker.exclusive) <= {"work_email"}:
        return None
    columns = [field.column for field in linker.fields]
    if any(column not in coded for column in columns):
        return None
    lengths = {len(coded[column][0]) for column in columns}
    kept = lengths.pop() if len(lengths) == 1 else 0
    if not 0 < kept <= len(records):
        return None
    if linker.exclusive and ("email" not in columns or not isinstance(records, ContactRecords)):
        return None
    rows = np.unique(np.linspace(0, kept - 1, num=min(kept, _SPOT_CHECKS)).astype(np.int64))
    frame = resolver.comparison_frame(records.take(rows)).reset_index(drop=True)
    for field in linker.fields:
        codes, uniques = coded[field.column]
        held = np.asarray(codes)[rows]
        fresh = normalise(frame[field.column], field).tolist()
        for code, value in zip(held.tolist(), fresh, strict=True):
            # a kept value read as missing may be a shared inbox or one far too frequent
            if code >= 0 and uniques[code] != value:
                return None
    return kept


def _kept_exclusive(records: Records, linker: Linker, resolver: ProbabilisticResolver,
                    scorer: RecordScorer) -> dict[str, Values]:  # fmt: skip
    """The exclusive columns of records whose compared values were kept.

    A shared inbox's address is blanked in the kept e-mails, so only records whose
    kept e-mail is missing can be on one: only their addresses are looked at again.
    """
    if "work_email" not in linker.exclusive or not isinstance(records, ContactRecords):
        return {}
    maybe = scorer.codes("email") < 0
    return {"work_email": resolver.work_emails(records, maybe_shared=maybe)}


def _combine(codes: list[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
    # One int64 key per record from its codes; a wrapped product only adds candidates.
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for column in codes:
        key = key * np.int64(1_000_003) + column
    return key


def _indexed(rule: BlockingRule, coded: Mapping[str, npt.NDArray[np.int64]]) -> _Rule:
    parts = [coded[c] for c in rule.on]
    present = np.logical_and.reduce([p >= 0 for p in parts])
    rows = np.flatnonzero(present).astype(np.int64)
    keys = _combine([p[rows] for p in parts])
    order = np.argsort(keys, kind="stable")
    return _Rule(columns=rule.on, cap=rule.max_block, keys=keys[order], rows=rows[order])


def _empty(index: OnlineIndex, query: dict[str, Any]) -> CandidateMatches:
    n = len(index.model.names)
    return CandidateMatches(level=index.level, comparisons=index.model.names,
                            levels=np.empty((0, n), dtype=object),
                            weights=np.empty((0, n), dtype=object),
                            stored=np.empty((0, n), dtype=object),
                            incoming=[query.get(name) for name in index.model.names],
                            prior_weight=index.model.prior_weight)  # fmt: skip


def _matches(index: OnlineIndex, *, rows: list[int], pairs: npt.NDArray[np.intp],
             weight: npt.NDArray[np.float64],
             result: tuple[npt.NDArray[np.int8], npt.NDArray[np.floating[Any]]],
             query: dict[str, Any]) -> CandidateMatches:  # fmt: skip
    """The best pair per candidate entity, banded, with the evidence of that pair."""
    levels, partials = result
    names = index.model.names
    key_column = _KEY_COLUMN[index.level]
    best: dict[str, int] = {}
    for position, row in enumerate(rows):
        entity = index.entity[row]
        if entity not in best or weight[position] > weight[best[entity]]:
            best[entity] = position
    probability = 1.0 / (1.0 + np.exp2(-np.clip(weight, -1000, 1000)))
    bands = np.where(
        probability >= index.linker.link_threshold,
        "link",
        np.where(probability >= index.linker.review_threshold, "review", "reject"),
    )
    for position, row in enumerate(rows):  # the build's first pass: an exact key links
        same = query.get(key_column) is not None
        if same and index.normalised[key_column][row] == query[key_column]:
            bands[position] = "link"
        elif bands[position] == "link" and _exclusive_clash(index, row, query):
            bands[position] = "review"
    rank = {"link": 0, "review": 1, "reject": 2}
    chosen = sorted(best.values(), key=lambda p: (rank[str(bands[p])], -weight[p]))
    label = [[(index.model.levels[k][int(lv)] if lv >= 0 else "missing")
              for k, lv in enumerate(levels[pairs[p]])] for p in chosen]  # fmt: skip
    return CandidateMatches(
        level=index.level,
        entity_ids=[index.entity[rows[p]] for p in chosen],
        records=[index.names[rows[p]] for p in chosen],
        match_weight=weight[chosen], match_probability=probability[chosen],
        bands=bands[chosen], comparisons=names,
        levels=np.array(label, dtype=object).reshape(len(chosen), len(names)),
        weights=partials[pairs[chosen]].astype(object).reshape(len(chosen), len(names)),
        incoming=[query[n] for n in names],
        stored=np.array([[index.normalised[n][rows[p]] for n in names] for p in chosen],
                        dtype=object).reshape(len(chosen), len(names)),
        prior_weight=index.model.prior_weight,
    )  # fmt: skip


def _exclusive_clash(index: OnlineIndex, row: int, query: dict[str, Any]) -> bool:
    """Different values of an exclusive column (a work e-mail): never one entity."""
    for column, values in index.exclusive.items():
        stored, given = values[row], query.get(column)
        if stored is not None and given is not None and stored != given:
            return True
    return False


def _texts(values: pd.Series[Any]) -> list[str | None]:
    """A column's text values, ``None`` for anything else (missing, NaN)."""
    return [value if isinstance(value, str) else None for value in values.tolist()]
