"""What an update resolves again, level by level: the plan it then carries out.

Per level the stored records and the new ones are merged (a new record with the
``system:source_id`` of a stored one replaces it), the entities the new records reach
are found (see :mod:`customer_understanding.base._relinking`), and the linker that
resolves them again is given what a run over every record would know.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import NAT
from customer_understanding.base._contact_accounts import RELINK, Seen, could_match
from customer_understanding.base._kept_values import kept_frequencies
from customer_understanding.base._keyindex import Coded, KeyIndex
from customer_understanding.base._links import RefIndex
from customer_understanding.base._relinking import affected_entities, relinking
from customer_understanding.base._survive import record_keys
from customer_understanding.base._tables import Tables
from customer_understanding.base._titles import FACT_COLUMNS
from customer_understanding.identity import (
    FellegiSunter,
    Frequencies,
    LinkContext,
    Linker,
    Overrides,
    ProbabilisticResolver,
    SharedInboxes,
    normalise,
)
from customer_understanding.tables import (
    AccountRecords,
    ConsentTable,
    ContactRecords,
    ContactRoleTable,
    InteractionTable,
    OpportunityTable,
    StageHistoryTable,
    Table,
)

__all__ = ["KINDS", "Found", "Plan", "cleaned_names", "kept_entities", "merge", "own_flags",
           "plan_level", "raw_tables", "records_of", "stored_index", "within"]  # fmt: skip

KINDS: dict[Literal["account", "contact"], type[Table]] = {
    "account": AccountRecords,
    "contact": ContactRecords,
}
Ints = npt.NDArray[np.int64]


def records_of(tables: Tables, level: str) -> Table:
    """The stored records of ``level``."""
    return tables.contact_records if level == "contact" else tables.account_records


def _coded(table: Table, name: str, label: str) -> npt.NDArray[np.bool_]:
    """Rows whose category column ``name`` reads ``label`` (compared as codes)."""
    code = table.code_of(name, label)
    return np.zeros(len(table), dtype=bool) if code < 0 else table.column(name) == code


def own_flags(tables: Tables) -> npt.NDArray[np.bool_]:
    """The stored consent statements that are a contact record's own flag (a build's).

    A statement's ``origin`` says so. One stored before the base told them apart (origin
    missing) is taken for a flag when it looks like one: undated, marketing by e-mail,
    naming by its own id a record of its system — which a log keyed by person can too.
    """
    consents = tables.consents
    origin = consents.column("origin")
    flag = np.asarray(origin == consents.code_of("origin", "record"), dtype=bool)
    unknown = np.flatnonzero(origin < 0)
    if len(unknown):
        flag[unknown] = _looks_like_flag(consents, unknown, tables.contact_records)
    return flag


def _looks_like_flag(consents: Table, rows: Ints, records: Table) -> npt.NDArray[np.bool_]:
    """Whether each of ``rows`` of the statements has the shape of a record's own flag."""
    found = np.asarray(
        (consents.column("at")[rows] == NAT)
        & _coded(consents, "purpose", "marketing")[rows]
        & _coded(consents, "channel", "email")[rows],
        dtype=bool,
    )
    found &= np.asarray(consents.column("source_id")[rows] == consents.column("contact_ref")[rows],
                        dtype=bool)  # fmt: skip
    if found.any():  # of the rows that may be a record's own flag, those naming a record
        maybe = np.flatnonzero(found)
        found[maybe[~_named(consents, rows[maybe], records)]] = False
    return found


def _named(table: Table, rows: Ints, records: Table) -> npt.NDArray[np.bool_]:
    """Whether each of ``rows`` of ``table`` has a record's system and source id.

    Compared system by system, so no ``system:source_id`` texts are made.
    """
    systems, ids = table.column("system")[rows], table.column("source_id")[rows]
    theirs = {label: code for code, label in enumerate(records.categories["system"])}
    record_systems, record_ids = records.column("system"), records.column("source_id")
    found = np.zeros(len(rows), dtype=bool)
    for code, label in [*enumerate(table.categories["system"]), (-1, None)]:
        same = np.flatnonzero(systems == code)
        other = -1 if label is None else theirs.get(label)
        if len(same) and other is not None:
            asked = pd.Index(np.asarray(ids[same], dtype=object))
            found[same] = asked.isin(np.asarray(record_ids[record_systems == other], dtype=object))
    return found


def raw_tables(tables: Tables, flag: npt.NDArray[np.bool_] | None = None
               ) -> dict[type[Table], Table]:  # fmt: skip
    """The stored tables as loaded: without the stages and consent flags a build derives.

    ``flag`` is :func:`own_flags` of the tables, when the caller has it already.
    """
    stages = tables.stages
    derived = _coded(stages, "system", "derived")
    first = int(np.argmax(derived)) if derived.any() else len(stages)
    # the build puts derived stages last: the loaded ones are a prefix, taken without a copy
    loaded = slice(0, first) if derived[first:].all() else ~derived
    stages = stages if first == len(stages) else stages.take(loaded)
    consents = tables.consents
    flag = own_flags(tables) if flag is None else flag
    return {
        AccountRecords: tables.account_records, ContactRecords: tables.contact_records,
        InteractionTable: tables.interactions, OpportunityTable: tables.opportunities,
        ContactRoleTable: tables.contact_roles, StageHistoryTable: stages,
        ConsentTable: consents.take(~flag) if flag.any() else consents,
    }  # fmt: skip


def merge(old: Table, new: Table, *, replace: bool) -> tuple[Table, npt.NDArray[np.bool_]]:
    """Old rows (those a new row of the same ``system:source_id`` replaces dropped), then new."""
    replaced = np.zeros(len(old), dtype=bool)
    if not replace or not len(new) or not len(old):
        return type(old).concat([old, new]), replaced
    # Only rows whose source id a new row has can be replaced: their keys alone are made.
    maybe = np.flatnonzero(pd.Index(np.asarray(old.column("source_id"), dtype=object)).isin(
        np.asarray(new.column("source_id"), dtype=object)))  # fmt: skip
    if len(maybe):
        keys = record_keys(old.take(maybe))
        replaced[maybe] = np.asarray(pd.Index(keys).isin(record_keys(new)), dtype=bool)
    kept = old.take(~replaced) if replaced.any() else old  # no copy when none is replaced
    return type(old).concat([kept, new]), replaced


@attrs.frozen(kw_only=True)
class Plan:
    """One level: the merged records, which rows are resolved again, and how to score."""

    level: str
    merged: Table
    replaced: npt.NDArray[np.bool_]
    entities: npt.NDArray[np.bool_]  # stored entity rows resolved again
    rows: Ints  # their records and the new ones, in the merged records
    linker: Linker
    candidates: int
    compared: Coded | None  # every merged record's compared values and key columns, if known
    # the term frequencies scored with, by the codes of ``compared`` (None: the linker's own)
    frequencies: Frequencies | None = None


def _tied(overrides: Overrides, level: Literal["account", "contact"], new: Table, stored: Table,
          of_record: Ints) -> Ints:  # fmt: skip
    """Entity rows a steward's decision ties to a new record."""
    pairs = [pair for found in overrides.pairs(level) for pair in found]
    if not pairs:
        return np.empty(0, dtype=np.int64)
    new_keys = set(record_keys(new).tolist())
    by_key = dict(zip(record_keys(stored).tolist(), of_record.tolist(), strict=True))
    tied = set()
    for left, right in pairs:
        ends = [f"{system}:{source_id}" for system, source_id in (left, right)]
        for mine, other in (ends, ends[::-1]):
            if mine in new_keys and other in by_key:
                tied.add(by_key[other])
    return np.asarray(sorted(tied), dtype=np.int64)


def _linker(level: str) -> Linker:
    resolver = ProbabilisticResolver()
    return resolver.contact_linker if level == "contact" else resolver.account_linker


Found = tuple[KeyIndex, FellegiSunter, Frequencies]


def stored_index(tables: Tables, level: str, *, model: FellegiSunter | None, coded: Coded | None,
                 frequencies: Frequencies | None = None) -> Found | None:  # fmt: skip
    """The stored records' keys, and the model and term frequencies to score with.

    ``None``: fit afresh. The codes the store kept are used as they are, with the
    frequencies kept by them; without codes the records are cleaned here (and, without
    a kept model, the model is fitted on them). Frequencies not kept with the codes
    are counted over the stored records (their codes here), as a fit would count them.
    """
    records = records_of(tables, level)
    if model is None and len(records) < 2:
        return None
    linker = _linker(level)
    if coded is not None and model is not None:
        index = KeyIndex.of(coded, linker=linker)
    else:
        frame = ProbabilisticResolver().comparison_frame(records).reset_index(drop=True)  # type: ignore[arg-type]
        if model is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = linker.deduplicate(frame, source_column="system").model
        index, frequencies = KeyIndex.of_frame(frame, linker=linker), None
    columns = [field.column for field in linker.fields if field.term_frequency]
    frequencies = kept_frequencies(frequencies, index.coded, columns)
    if frequencies is None:
        frequencies = Frequencies.count({c: index.coded[c][0] for c in columns}, columns)
    return index, model, frequencies


def plan_level(level: Literal["account", "contact"], tables: Tables, new: Table, *,
               found: Found | None,
               overrides: Overrides) -> Plan:  # fmt: skip
    """How one level is resolved again (``found=None``: every entity, the model refitted)."""
    resolution = tables.resolution
    stored = records_of(tables, level)
    of_record = resolution.contact_of_record if level == "contact" else resolution.account_of_record
    n_entities = resolution.n_contacts if level == "contact" else resolution.n_accounts
    merged, replaced = merge(stored, new, replace=True)
    entities = np.zeros(n_entities, dtype=bool)
    linker, candidates, compared = _linker(level), 0, None
    if found is None:
        entities[:] = True
        linker = attrs.evolve(linker, context=LinkContext())  # it keeps the refitted model
    population = None
    if found is not None and len(new):
        frame = ProbabilisticResolver().comparison_frame(new).reset_index(drop=True)  # type: ignore[arg-type]
        population = found[0].population(frame, kept=~replaced)
        tied = _tied(overrides, level, new, stored, of_record)
        reached, candidates = affected_entities(found[0], population, of_record=of_record,
                                                replaced=replaced, tied=tied)  # fmt: skip
        entities[reached] = True
        # the derived key columns too: a later update need not derive them again
        compared = {column: (codes, population.uniques[column])
                    for column, codes in population.codes.items()}  # fmt: skip
    kept_of = of_record[~replaced]
    rows = np.concatenate([np.flatnonzero(entities[kept_of]),
                           len(kept_of) + np.arange(len(new))]).astype(np.int64)  # fmt: skip
    if found is not None and population is not None:
        linker = relinking(linker, index=found[0], population=population, rows=rows,
                           model=found[1], frequencies=found[2])  # fmt: skip
        if level == "contact" and linker.context is not None:
            carriers = _carriers(merged, rows, compared)
            linker = attrs.evolve(linker, context=attrs.evolve(linker.context, carriers=carriers))
    frequencies = None if found is None else found[2]
    return Plan(level=level, merged=merged, replaced=replaced, entities=entities, rows=rows,
                linker=linker, candidates=candidates, compared=compared,
                frequencies=frequencies)  # fmt: skip


def _carriers(records: Table, rows: Ints,
              compared: Coded | None) -> dict[str, npt.NDArray[np.object_]]:  # fmt: skip
    """The records outside ``rows`` on an address one of ``rows`` carries (see LinkContext).

    Whether an address is a shared inbox depends on every record carrying it: told over
    the records resolved again alone, an address a kept person shares with one of them
    would look like that one's own, and its e-mail a token that splits their entity.
    The records' cleaned addresses (``compared``), when known, narrow the search.
    """
    codes = None if compared is None or "email" not in compared else compared["email"][0]
    return SharedInboxes.carriers(records, rows, codes=codes)  # type: ignore[arg-type]


def within(overrides: Overrides, plans: Mapping[str, Plan]) -> Overrides:
    """The decisions on pairs of records both resolved again."""
    present = {level: set(record_keys(plan.merged.take(plan.rows)).tolist())
               for level, plan in plans.items()}  # fmt: skip

    def kept(level: str, pairs: Any) -> list[Any]:
        return [pair for pair in pairs
                if all(f"{s}:{i}" in present[level] for s, i in pair)]  # fmt: skip

    return Overrides(
        must_link_contacts=kept("contact", overrides.must_link_contacts),
        cannot_link_contacts=kept("contact", overrides.cannot_link_contacts),
        must_link_accounts=kept("account", overrides.must_link_accounts),
        cannot_link_accounts=kept("account", overrides.cannot_link_accounts),
    )


def kept_entities(tables: Tables, plans: Mapping[str, Plan],
                  seen: Seen | None = None) -> dict[str, Any]:  # fmt: skip
    """What the entities left alone keep: golden winners, contacts' facts and account links.

    Those entities come first in the new resolution, in their stored order, and their
    records are all kept, so their golden values need no survivorship vote again (save
    where the others' change can turn it: the records those had are given, see
    :func:`golden_values`), nor their titles reading again (the facts read from them,
    see :data:`FACT_COLUMNS`). A contact keeps its account link (or its having none)
    unless its account is resolved again, one of its records names a new account record
    by its CRM id (a rebuild links it so), or a changed account record could match it
    (``seen``: texts read before).
    """
    kept: dict[str, Any] = {}
    for level, plan in plans.items():
        stored = tables.contact_winners if level == "contact" else tables.account_winners
        row = np.full(len(plan.replaced) + 1, -1, dtype=np.int64)  # the last: no winner
        row[np.flatnonzero(~plan.replaced)] = np.arange(int((~plan.replaced).sum()))
        kept[level] = {field: row[np.asarray(won)[~plan.entities]]
                       for field, won in stored.items()}  # fmt: skip
        # the records of the entities resolved again as they were: their change can turn
        # a kept entity's vote (see golden_values)
        records = records_of(tables, level)
        of_record = (tables.resolution.contact_of_record if level == "contact"
                     else tables.resolution.account_of_record)  # fmt: skip
        again = np.flatnonzero(plan.entities[of_record])
        kept[f"{level}_before"] = (records.take(again), of_record[again])
    left = ~plans["account"].entities
    place = np.full(len(left) + 1, RELINK, dtype=np.int64)
    place[np.flatnonzero(left)] = np.arange(int(left.sum()))
    place[-1] = -1  # no account: kept so, unless a changed account record could take it
    # Only the columns read are taken: the whole table's rows would copy every column.
    contacts, same = tables.contacts, ~plans["contact"].entities
    account = place[contacts.column("account")]
    account[_naming_new_accounts(tables, plans["account"])] = RELINK
    names = cleaned_names(plans["account"])
    account[_near_changed_accounts(tables, plans["account"], same & (account != RELINK),
                                   names, seen)] = RELINK  # fmt: skip
    kept["contact_account"] = (account[same], contacts.column("account_confidence")[same],
                               contacts.labels("account_method")[same])  # fmt: skip
    kept["contact_facts"] = {name: contacts.labels(name)[same] for name in FACT_COLUMNS}
    if names is not None:
        kept["account_names"] = names
    return kept


def _naming_new_accounts(tables: Tables, plan: Plan) -> Ints:
    """The stored contacts one of whose records names a new account record by its CRM id."""
    new = np.arange(int((~plan.replaced).sum()), len(plan.merged), dtype=np.int64)
    if not len(new):
        return np.empty(0, dtype=np.int64)
    index = RefIndex(plan.merged.take(new), new)
    named = index.find(tables.contact_records, "account_ref") >= 0
    return np.unique(tables.resolution.contact_of_record[named])


def _near_changed_accounts(tables: Tables, plan: Plan, asked: npt.NDArray[np.bool_],
                           names: npt.NDArray[np.object_] | None,
                           seen: Seen | None) -> Ints:  # fmt: skip
    """The ``asked`` stored contacts not linked by CRM id that a changed account could take.

    A rebuild matches every contact against every account record; the account records an
    update adds, and those of the accounts it resolves again, may match a contact better
    than its kept link (a new record with the contact's work domain, where the link was
    by company name), or be the first to match it, so such contacts are linked again.
    Links by CRM id are certain.
    """
    by_clue = tables.contacts.labels("account_method") != "reference"
    contact_of = tables.resolution.contact_of_record
    rows = np.flatnonzero((asked & by_clue)[contact_of])
    if not len(rows) or not len(plan.rows):
        return np.empty(0, dtype=np.int64)
    changed = plan.merged.take(plan.rows)
    assert isinstance(changed, AccountRecords)  # the account level's plan
    confidence = tables.contacts.column("account_confidence")[contact_of[rows]]
    found = could_match(tables.contact_records, rows, changed, above=confidence,
                        names=None if names is None else names[plan.rows], seen=seen)  # fmt: skip
    return np.unique(contact_of[found]).astype(np.int64)


def cleaned_names(plan: Plan) -> npt.NDArray[np.object_] | None:
    """Each merged account record's name as the account linker cleans it (``None``: unknown).

    Read from the codes the plan holds (kept by the store, the new records' cleaned
    here already); a record with a name but no code (a placeholder, or a name the build
    found on too many records to compare by) is cleaned again, as a name alone.
    """
    field = next((f for f in plan.linker.fields if f.column == "name"), None)
    if plan.compared is None or field is None or field.kind != "organisation":
        return None
    codes, uniques = plan.compared.get("name", (np.empty(0, dtype=np.int64), None))
    if uniques is None or len(codes) != len(plan.merged):
        return None
    codes = np.asarray(codes, dtype=np.int64)
    names: npt.NDArray[np.object_] = np.full(len(codes), None, dtype=object)
    names[codes >= 0] = np.asarray(uniques, dtype=object)[codes[codes >= 0]]
    raw = np.asarray(plan.merged.column("name"), dtype=object)
    again = np.flatnonzero((codes < 0) & ~np.asarray(pd.isna(raw), dtype=bool))
    if len(again):
        names[again] = normalise(pd.Series(raw[again], dtype=object), field)
    return names
