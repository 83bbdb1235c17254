"""The linkage engine: declare the columns, then deduplicate one table or link several."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import as_frame, typed_fields
from customer_understanding._errors import InvalidValueError
from customer_understanding.identity._blocking import (
    BlockingReport,
    BlockingRule,
    block_and_report,
    blocking_report,
    union_pairs,
)
from customer_understanding.identity._checks import (
    warn_blocking,
    warn_no_pairs,
)
from customer_understanding.identity._clustering import cluster_links
from customer_understanding.identity._constraints import (
    Pairs,
    conflict_tokens,
    exclusive_rows,
    positions,
)
from customer_understanding.identity._context import LinkContext
from customer_understanding.identity._default_rules import blind_to, default_rules
from customer_understanding.identity._fields import Field
from customer_understanding.identity._fitting import (
    bands_of,
    fitted_model,
    probability_of,
    sample_places,
    u_from_sample,
)
from customer_understanding.identity._frequencies import Frequencies
from customer_understanding.identity._given import Given, matching_model, require_evidence
from customer_understanding.identity._labels import LabelledPairs, fit_labelled
from customer_understanding.identity._model import (
    FellegiSunter,
    exact_u,
    fit_m_by_rule,
)
from customer_understanding.identity._records import Prepared, check_tables, prepare
from customer_understanding.identity._result import LinkResult
from customer_understanding.identity._weighing import Weighing, positions_of

if TYPE_CHECKING:
    from customer_understanding.typing import TableLike

__all__ = ["Linker"]


def _frames(
    records: TableLike | Mapping[str, TableLike],
) -> pd.DataFrame | Mapping[str, pd.DataFrame]:
    """A caller's table, or tables by name, as pandas (polars and Arrow are converted)."""
    if isinstance(records, Mapping):
        return {name: as_frame(table, name=f"tables[{name!r}]") for name, table in records.items()}
    return as_frame(records, name="records")


def _fields_tuple(fields: Sequence[Field]) -> tuple[Field, ...]:
    if isinstance(fields, Field):
        return (fields,)
    if not isinstance(fields, Iterable) or not all(isinstance(f, Field) for f in fields):
        msg = f"fields={fields!r} must be a sequence of Field"
        raise InvalidValueError(msg)
    return tuple(fields)


def _names_tuple(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(names)


def _rules_tuple(rules: Sequence[BlockingRule] | None) -> tuple[BlockingRule, ...] | None:
    return None if rules is None else tuple(rules)


# Block sizes are counted in one byte per record and rule; a budget above this would
# keep blocks too large to tell much anyway.
_MOST_CANDIDATES = 250
# Pairs weighed at once (their partial weights take 4 bytes a field each meanwhile).
_WEIGH_CHUNK = 1 << 24


def _smallest(pair_sources: npt.NDArray[np.int64]) -> int:
    """The records of the smallest linked table (of the one table, when deduplicating)."""
    counts = np.bincount(pair_sources)
    return int(counts.min()) if len(counts) and counts.max() > 1 else len(pair_sources)


@attrs.frozen(field_transformer=typed_fields, kw_only=True)
class Linker:
    """Probabilistic record linkage configured by declaring what each column holds.

    Parameters
    ----------
    fields
        The columns to compare, each a :class:`Field` with its kind.
    blocking
        Blocking rules; by default :func:`default_rules` of the fields.
    max_pairs
        The most pairs one declared blocking rule may yield before the run stops with an
        error (default rules are bounded by ``max_block`` instead, so they never stop it).
    link_threshold, review_threshold
        Match probabilities from which a pair is linked, or sent to review.
    distinct_sources
        Sources that declare their records distinct: two records of one such source never
        end up in one cluster.
    max_cluster_size
        A cap on the records in one cluster (``None``: no cap).
    bridge_below
        A link that is the only one between two groups of two or more records is cut when
        its probability is below this (``None``: never cut).
    u_sample
        How many random pairs estimate the fuzzy levels' u probabilities.
    max_block
        The default rules' per-record budget: through one default rule a record is
        paired with at most ``max_block - 1`` others, because a value held by more
        records than this pairs none of them (:meth:`report` says, per rule, how many
        values and records were capped and why). Which default rules run depends only on
        the declared fields, never on the table's size.
    max_candidates
        Each record's budget of candidates across all the default rules (at most 250;
        ``None``: no budget). A record's blocks are taken from the smallest to the
        largest, the most telling first, while their candidates fit the budget; so a
        record is compared with at most this many others however large the table, and
        the records that leave a rule for it are counted in :meth:`report`
        (``budget_records`` and ``why``). Declared rules are not budgeted.
    exclusive
        Columns of which one cluster may hold at most one distinct value, such as a work
        e-mail address or a national id (when deduplicating). Records with equal values
        are linked first; records with different values are never merged.
    seed
        Seed of the random pair sample.
    context
        What a run over a few records takes from the many they belong to (a model,
        term-frequency counts, blocking keys), and where it leaves its model: see
        :class:`LinkContext` (``None``: the records linked are all there is).

    Examples
    --------
    >>> import pandas as pd
    >>> linker = Linker(fields=[Field(column="name", kind="organisation"),
    ...                         Field(column="city", kind="city")], link_threshold=0.5)
    >>> firms = pd.DataFrame({"name": ["Acme Inc.", "ACME Ltd", "Zeta GmbH"],
    ...                       "city": ["Leeds", "Leeds", "Bonn"]})
    >>> linker.deduplicate(firms).clusters.tolist()
    [0, 0, 1]
    """

    fields: tuple[Field, ...] = attrs.field(converter=_fields_tuple)
    blocking: tuple[BlockingRule, ...] | None = attrs.field(default=None, converter=_rules_tuple)
    max_pairs: int = 5_000_000
    link_threshold: float = 0.99
    review_threshold: float = 0.5
    distinct_sources: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    max_cluster_size: int | None = None
    bridge_below: float | None = 0.999
    u_sample: int = 20_000
    max_block: int = 50
    max_candidates: int | None = 30
    exclusive: tuple[str, ...] = attrs.field(default=(), converter=_names_tuple)
    seed: int = 0
    context: LinkContext | None = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not 0 < self.review_threshold <= self.link_threshold < 1:
            msg = (
                f"review_threshold={self.review_threshold!r} and link_threshold="
                f"{self.link_threshold!r} must satisfy 0 < review <= link < 1"
            )
            raise InvalidValueError(msg)
        if self.max_pairs < 1:
            msg = f"max_pairs={self.max_pairs!r} must be >= 1"
            raise InvalidValueError(msg)
        if self.max_candidates is not None and not 1 <= self.max_candidates <= _MOST_CANDIDATES:
            msg = f"max_candidates={self.max_candidates!r} must be None or 1 to {_MOST_CANDIDATES}"
            raise InvalidValueError(msg)

    @property
    def rules(self) -> tuple[BlockingRule, ...]:
        """The blocking rules in force (the declared ones, or the defaults)."""
        if self.blocking is not None:
            return self.blocking
        return tuple(default_rules(self.fields, max_block=self.max_block))

    def _prepare(
        self,
        records: pd.DataFrame | Mapping[str, pd.DataFrame],
        id_column: str | None,
        source_column: str | None,
    ) -> tuple[Prepared, npt.NDArray[np.int64]]:
        if isinstance(records, Mapping):
            if not records:
                msg = "tables={} must hold at least one table"
                raise InvalidValueError(msg)
            check_tables(records, self.fields)
            frames = [frame.assign(__source__=name) for name, frame in records.items()]
            stacked = pd.concat(frames, ignore_index=id_column is None)
            names = stacked["__source__"].to_numpy(dtype=object)
            if id_column is None:
                stacked.index = pd.Index(
                    list(
                        zip(
                            names,
                            itertools.chain.from_iterable(f.index for f in records.values()),
                            strict=False,
                        )
                    ),
                    tupleize_cols=False,
                )
            prepared = prepare(stacked, self.fields, id_column=id_column, sources=names)
            return prepared, pd.factorize(names)[0].astype(np.int64)
        sources: npt.NDArray[np.object_] | None = None
        if source_column is not None:
            if source_column not in records.columns:
                msg = f"source_column={source_column!r} is not in the records"
                raise InvalidValueError(msg)
            sources = records[source_column].astype("string").fillna("").to_numpy(dtype=object)
        known = None if self.context is None else self.context.cleaned(len(records))
        prepared = prepare(records, self.fields, id_column=id_column, sources=sources,
                           known=known)  # fmt: skip
        return prepared, np.arange(len(prepared), dtype=np.int64)

    def report(
        self, records: TableLike | Mapping[str, TableLike], *, id_column: str | None = None
    ) -> BlockingReport:
        """Before running: the pairs each blocking rule would yield and its largest block.

        Examples
        --------
        >>> import pandas as pd
        >>> linker = Linker(fields=[Field(column="email", kind="email")])
        >>> report = linker.report(pd.DataFrame({"email": ["a@x.com", "a@x.com", "b@x.com"]}))
        >>> report.to_pandas()[["rule", "pairs", "largest_block", "capped_records", "placeholders"]]
            rule  pairs  largest_block  capped_records  placeholders
        0  email      1              2               0             0
        """
        prepared, pair_sources = self._prepare(_frames(records), id_column, None)
        return self._report(prepared, pair_sources)

    @property
    def _budget(self) -> int | None:
        """The per-record budget in force: only the default rules are budgeted."""
        return self.max_candidates if self.blocking is None else None

    def _report(self, prepared: Prepared, pair_sources: npt.NDArray[np.int64]) -> BlockingReport:
        return blocking_report(prepared.codes, self.rules, sources=pair_sources,
                               junk=prepared.junk, max_candidates=self._budget)  # fmt: skip

    def _u(
        self, prepared: Prepared, pair_sources: npt.NDArray[np.int64], rank: npt.NDArray[np.int64]
    ) -> list[npt.NDArray[np.float64]]:
        # Draw places in the canonical order, not row positions: the same records give the
        # same sample whatever order they came in.
        canonical = np.argsort(rank)
        places = sample_places(len(prepared), size=self.u_sample, seed=self.seed)
        left, right = canonical[places[0]], canonical[places[1]]
        keep = pair_sources[left] != pair_sources[right]
        levels = prepared.compare(left[keep], right[keep])
        exact = [exact_u(prepared.codes[field.column], pair_sources) for field in prepared.fields]
        return u_from_sample(prepared.fields, levels, exact)

    def _frequencies(self, prepared: Prepared, pair_sources: npt.NDArray[np.int64]) -> Frequencies:
        """The term frequencies the run weighs with: the context's, or counted over its records."""
        columns = [field.column for field in prepared.fields if field.term_frequency]
        given = None if self.context is None else self.context.frequencies
        if given is None:
            return Frequencies.count(prepared.codes, columns, sources=pair_sources)
        lacking = [column for column in columns if column not in given]
        if lacking:
            msg = f"LinkContext(frequencies=...) counts no {lacking[0]!r}, a term-frequency field"
            raise InvalidValueError(msg)
        return given

    def _fit(
        self,
        prepared: Prepared,
        pair_sources: npt.NDArray[np.int64],
        levels: npt.NDArray[np.int8],
        labelled: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]] | None,
        by_rule: list[tuple[npt.NDArray[np.int64], list[int]]],
        rank: npt.NDArray[np.int64],
    ) -> FellegiSunter:
        u = self._u(prepared, pair_sources, rank)
        if labelled is None:
            require_evidence(prepared.fields, pairs=len(levels), smallest=_smallest(pair_sources),
                             records=len(prepared))  # fmt: skip
            fit = fit_m_by_rule(levels, u, by_rule)
        else:
            fit = (*fit_labelled(prepared, labelled, levels=levels, u=u), 0)
        sizes = np.bincount(pair_sources).astype(np.float64)
        possible = max((float(sizes.sum()) ** 2 - float((sizes**2).sum())) / 2, 1.0)
        return fitted_model(prepared.fields, fit, u, pairs=len(levels), possible=possible)

    def _run(
        self,
        prepared: Prepared,
        pair_sources: npt.NDArray[np.int64],
        *,
        must_link: Pairs | None,
        cannot_link: Pairs | None,
        given: Given,
        exclusive: tuple[list[npt.NDArray[np.int64]], tuple[npt.NDArray[np.int64], ...]] = (
            [],
            (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)),
        ),
    ) -> LinkResult:
        rules = self.rules
        if self.context is not None:
            rules, prepared = self.context.blocking(rules, prepared)
        # Default rules are bounded per record by max_block; only declared ones can explode.
        max_pairs = self.max_pairs if self.blocking is not None else None
        blocked, encoded = block_and_report(
            prepared.codes, rules, sources=pair_sources, junk=prepared.junk,
            max_pairs=max_pairs,
            max_candidates=None if self.context and self.context.budgeted else self._budget,
        )  # fmt: skip
        report = blocked.to_pandas()
        warn_blocking(report)
        unique, rows = union_pairs(encoded)
        del encoded
        if not len(unique):
            warn_no_pairs(report, len(prepared))
        left, right = positions_of(unique, len(prepared))
        del unique  # each array of millions of pairs goes as soon as it is not needed
        by_rule = [(found, blind_to(rule, prepared.fields))
                   for found, rule in zip(rows, rules, strict=True)]  # fmt: skip
        del rows
        levels = prepared.compare(left, right)
        rank = prepared.canonical_rank()
        if given.model is None and self.context is not None and self.context.model is not None:
            given = attrs.evolve(given, model=self.context.model)
        if given.model is not None:
            model = matching_model(given.model, prepared.fields)
        else:
            labelled = given.labelled(prepared, (left, right))
            model = self._fit(prepared, pair_sources, levels, labelled, by_rule, rank)
        del by_rule
        # The partial weights (float32, 4 bytes a pair and field) are weighed a chunk at a
        # time and only the probability is kept; the result weighs them again if asked.
        frequencies = self._frequencies(prepared, pair_sources)
        weighing = Weighing(prepared, frequencies, (left, levels), model, context=self.context)
        probability = np.empty(len(left), dtype=np.float64)
        for start in range(0, len(left), _WEIGH_CHUNK):
            part = slice(start, start + _WEIGH_CHUNK)
            probability[part] = probability_of(model, weighing(part))
        bands = bands_of(probability, link=self.link_threshold, review=self.review_threshold)
        linked = probability >= self.link_threshold  # bands == "link", without string compares
        kept = positions(prepared, must_link, "must_link")
        must = (np.concatenate([kept[0], exclusive[1][0]]),
                np.concatenate([kept[1], exclusive[1][1]]))  # fmt: skip
        edges = (left[linked], right[linked], probability[linked])
        del probability
        clusters = cluster_links(
            len(prepared),
            edges,
            tokens=conflict_tokens(
                prepared,
                positions(prepared, cannot_link, "cannot_link"),
                exclusive[0],
                self.distinct_sources,
            ),
            must_link=must,
            max_cluster_size=self.max_cluster_size,
            bridge_below=self.bridge_below,
            rank=rank,
        )
        # A link the clustering did not keep (cannot-link, distinct sources, a cut bridge,
        # the size cap) is not shown as a link: it goes to review.
        bands[linked & (clusters[left] != clusters[right])] = "review"
        owned: list[npt.NDArray[np.generic]] = [left, right, levels, bands, clusters]
        for array in owned:
            array.flags.writeable = False  # handed over without a copy
        if self.context is not None:
            self.context.kept.update(model=model, frequencies=frequencies, records=prepared)
        return LinkResult(
            records=prepared, left=left, right=right, levels=levels, partials=weighing,
            model=model, bands=bands, clusters=clusters,
        )  # fmt: skip

    def deduplicate(
        self,
        records: TableLike,
        *,
        id_column: str | None = None,
        source_column: str | None = None,
        must_link: Pairs | None = None,
        cannot_link: Pairs | None = None,
        labels: object | None = None,
        pair_labels: LabelledPairs | None = None,
        model: FellegiSunter | None = None,
    ) -> LinkResult:
        """Find the records of one table that are the same entity.

        Parameters
        ----------
        records
            One row per record, holding the declared columns: a pandas or polars DataFrame,
            or a pyarrow Table.
        id_column
            The column of record ids (default: the index). Ids must be unique.
        source_column
            The column naming each record's source system (for ``distinct_sources``).
        must_link, cannot_link
            Pairs of record ids to keep together, or apart, whatever the model says.
        labels
            Optional true cluster ids per record, ``None`` for the records not labelled: the
            candidate pairs with both records labelled fix ``m``, and the prior is then
            fitted with ``m`` held (a few hundred pairs are enough).
        pair_labels
            Optional labelled pairs: ``(left_id, right_id, is_match)`` rows, or a DataFrame
            with those columns (``match`` for the verdict); used as ``labels`` are. At least
            20 labelled matching pairs are needed, else the fit is refused.
        model
            A fitted model (from an earlier result's ``model`` or :meth:`FellegiSunter.load`)
            to score with, without fitting again.

        Examples
        --------
        >>> import pandas as pd
        >>> linker = Linker(fields=[Field(column="email", kind="email")], link_threshold=0.5)
        >>> frame = pd.DataFrame({"email": ["a@x.com", "a@x.com", "b@y.com"]})
        >>> linker.deduplicate(frame, cannot_link=[(0, 1)]).clusters.tolist()
        [0, 1, 2]
        """
        frame = as_frame(records, name="records")
        prepared, pair_sources = self._prepare(frame, id_column, source_column)
        exclusive = exclusive_rows(frame.reset_index(drop=True), self.exclusive)
        given = Given(labels=labels, pair_labels=pair_labels, model=model)
        return self._run(prepared, pair_sources, must_link=must_link, cannot_link=cannot_link,
                         given=given, exclusive=exclusive)  # fmt: skip

    def link(
        self,
        tables: Mapping[str, TableLike],
        *,
        id_column: str | None = None,
        must_link: Pairs | None = None,
        cannot_link: Pairs | None = None,
        labels: object | None = None,
        pair_labels: LabelledPairs | None = None,
        model: FellegiSunter | None = None,
    ) -> LinkResult:
        """Link records across several tables (only pairs from different tables are compared).

        Record ids are ``(table name, index)`` tuples unless ``id_column`` is given.
        ``labels`` (one per record, the tables in order), ``pair_labels`` and ``model`` are
        used as in :meth:`deduplicate`.

        Examples
        --------
        >>> import pandas as pd
        >>> linker = Linker(fields=[Field(column="email", kind="email")],
        ...                 distinct_sources={"crm", "shop"}, link_threshold=0.5)
        >>> crm = pd.DataFrame({"email": ["a@x.com", "b@y.com"]})
        >>> shop = pd.DataFrame({"email": ["b@y.com"]})
        >>> linker.link({"crm": crm, "shop": shop}).clusters.tolist()
        [0, 1, 1]
        """
        prepared, pair_sources = self._prepare(_frames(tables), id_column, None)
        given = Given(labels=labels, pair_labels=pair_labels, model=model)
        return self._run(prepared, pair_sources, must_link=must_link, cannot_link=cannot_link,
                         given=given)  # fmt: skip
