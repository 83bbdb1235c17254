"""A linker's run cut into steps that work on pieces of the records and on summaries.

:meth:`Linker.deduplicate` runs every step on whole arrays in one process. An engine that
holds the records elsewhere (the Spark engine) runs the per-record and per-pair steps
inside its partitions and the model steps on the aggregates it collects; as both call the
same code, both give the same answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import sorted_codes, typed_fields
from customer_understanding.identity._blocking import BlockingReport, BlockingRule, _why
from customer_understanding.identity._budget import block_marks, budget_limits
from customer_understanding.identity._checks import warn_blocking, warn_no_pairs
from customer_understanding.identity._clustering import cluster_links
from customer_understanding.identity._comparisons import compare_codes
from customer_understanding.identity._default_rules import blind_to
from customer_understanding.identity._fields import Field, clean_column
from customer_understanding.identity._fitting import (
    add_term_frequency,
    bands_of,
    fitted_model,
    probability_of,
    sample_places,
    u_from_sample,
)
from customer_understanding.identity._linker import Linker
from customer_understanding.identity._model import FellegiSunter, exact_u_of_sums, fit_m_by_rule
from customer_understanding.identity._placeholders import too_frequent
from customer_understanding.identity._records import name_key_texts

__all__ = ["LinkerSteps"]


@attrs.frozen(field_transformer=typed_fields)
class LinkerSteps:
    """The steps of a :class:`Linker`'s run, for an engine that holds the records elsewhere.

    Each step is the local engine's own code: normalising a batch of records, comparing a
    batch of pairs, fitting the model on comparison-pattern counts, weighing pairs and
    clustering one connected group of links. Batches may be cut anywhere: a step's answer
    for a record or a pair never depends on the others in its batch.

    Parameters
    ----------
    linker
        The declarations (fields, blocking rules, thresholds, guards, seed).

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding.identity import Field, Linker
    >>> steps = LinkerSteps(Linker(fields=[Field(column="given", kind="given_name")]))
    >>> texts = steps.normalise(pd.DataFrame({"given": ["Kate", "Katherine", "Zoë"]}))
    >>> texts["given"].tolist()
    ['kate', 'katherine', 'zoe']
    >>> steps.compare(texts.iloc[[0, 0]], texts.iloc[[1, 2]]).ravel().tolist()
    [1, 4]
    """

    linker: Linker

    @property
    def fields(self) -> tuple[Field, ...]:
        """The declared fields, in order (the columns of every levels array)."""
        return self.linker.fields

    @property
    def rules(self) -> tuple[BlockingRule, ...]:
        """The blocking rules in force."""
        return self.linker.rules

    def blind(self) -> list[list[int]]:
        """Per rule, the field positions its EM must not read (its own columns, places)."""
        return [blind_to(rule, self.fields) for rule in self.rules]

    def key_columns(self) -> dict[str, str]:
        """Derived blocking keys (``"name (first word)"``) and the field each comes from."""
        return {f"{field.column} ({key})": field.column for field in self.fields
                if field.kind == "organisation" for key in ("first word", "initials")}  # fmt: skip

    def derived_keys(self, column: str, cleaned: Sequence[Any]) -> dict[str, list[Any]]:
        """The derived blocking keys of a field's already cleaned values, by key column.

        As :meth:`normalise` derives them (``None`` where the value is missing); for a
        field of another kind than ``organisation``, none.
        """
        kind = next(field.kind for field in self.fields if field.column == column)
        if kind != "organisation":
            return {}
        texts = np.asarray(list(cleaned), dtype=object)
        present = np.array([isinstance(text, str) for text in texts.tolist()], dtype=bool)
        found: dict[str, list[Any]] = {
            f"{column} ({key})": [None] * len(texts) for key in ("first word", "initials")
        }
        if present.any():
            for key, derived in name_key_texts(texts[present]).items():
                column_keys = found[f"{column} ({key})"]
                for place, text in zip(np.flatnonzero(present).tolist(), derived, strict=True):
                    column_keys[place] = text
        return found

    def limits(self, marks: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
        """Per record, the largest block it may join within its budget of candidates.

        ``marks[i, r]`` describes record ``i``'s block under rule ``r`` as counted over
        every record: its size (at most 255) in the top 8 bits and a hash of its members
        in the low 24 (two rules giving one block give equal marks, counted once); a
        record without a key, or in a capped block, has size 1. Without a budget
        (``max_candidates=None`` or declared rules) every block fits (255).
        """
        if self.budget is None or not marks.shape[1]:
            return np.full(len(marks), 255, dtype=np.uint8)
        return budget_limits(np.asarray(marks, dtype=np.uint32), max_candidates=self.budget)

    def normalise(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Each field's normalised text (``None`` for missing or placeholder) and derived keys.

        Values too frequent to be one entity's are not yet removed: that needs the whole
        column's counts (:meth:`frequent`). Organisation names, whose derived keys are
        computed here, are never removed that way.
        """
        texts: dict[str, Any] = {}
        for field in self.fields:
            cleaned = clean_column(frame[field.column].reset_index(drop=True), field).texts
            texts[field.column] = cleaned
            if field.kind == "organisation":
                for key, derived in name_key_texts(cleaned).items():
                    texts[f"{field.column} ({key})"] = [
                        None if text is None else found
                        for text, found in zip(cleaned.tolist(), derived, strict=True)
                    ]
        return pd.DataFrame(texts, index=frame.index, dtype=object)

    def frequent(self, column: str, counts: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Which of a column's values, held by ``counts`` records each, count as missing."""
        kind = next(field.kind for field in self.fields if field.column == column)
        return too_frequent(np.asarray(counts, dtype=np.int64), kind=kind)

    def compare(self, left: pd.DataFrame, right: pd.DataFrame) -> npt.NDArray[np.int8]:
        """Comparison levels of the pairs (row i of ``left``, row i of ``right``), per field.

        Both frames hold normalised texts (:meth:`normalise`) in the fields' columns.
        """
        levels = np.empty((len(left), len(self.fields)), dtype=np.int8)
        for k, field in enumerate(self.fields):
            values = np.concatenate([left[field.column].to_numpy(dtype=object),
                                     right[field.column].to_numpy(dtype=object)])  # fmt: skip
            values[pd.isna(values)] = None
            codes, uniques = sorted_codes(values)
            levels[:, k] = compare_codes(codes[: len(left)].astype(np.int64),
                                         codes[len(left) :].astype(np.int64),
                                         uniques=uniques, kind=field.kind)  # fmt: skip
        return levels

    @property
    def budget(self) -> int | None:
        """Each record's budget of candidates (``max_candidates``; default rules only)."""
        return self.linker.max_candidates if self.linker.blocking is None else None

    def budget_limits(
        self,
        sizes: npt.NDArray[np.integer[Any]],
        totals: npt.NDArray[np.uint64],
        squares: npt.NDArray[np.uint64],
    ) -> npt.NDArray[np.uint8]:
        """Per record (a row), the largest block it may join within :attr:`budget`.

        Row ``i`` column ``j`` describes one of the record's blocks: its size (one more
        than the record's candidates in it, at most 255; 1 for no block), and the sums of
        its members' row positions and of their squares (which tell two rules' equal
        blocks apart from different ones, so a block is counted once). 255: no limit.
        """
        return self.limits(block_marks(sizes, totals, squares))

    def why(self, rule: BlockingRule, counts: tuple[int, int, int]) -> str:
        """The blocking report's ``why`` for a rule's capped values, capped and budget records."""
        return _why(rule, counts, self.budget)

    def sample_places(self, n_records: int) -> tuple[npt.NDArray[np.int64], ...]:
        """The canonical places of the random pairs whose levels estimate u (seeded)."""
        return sample_places(n_records, size=self.linker.u_sample, seed=self.linker.seed)

    @staticmethod
    def exact_u(sums: Mapping[str, float]) -> float:
        """A field's exact-agreement u from sums of squared value counts.

        ``sums`` holds ``values_squared`` (over distinct values, the squared number of
        records holding each), ``same_source_squared`` (the same over distinct value and
        source), ``present`` (records with a value) and ``sources_squared`` (over
        sources, the squared number of their records with a value).
        """
        return exact_u_of_sums(
            values_squared=float(sums["values_squared"]),
            same_source_squared=float(sums["same_source_squared"]),
            present=int(sums["present"]),
            sources_squared=float(sums["sources_squared"]),
        )

    def u(self, sample: npt.NDArray[np.int8], exact: Sequence[float]) -> list[Any]:
        """Per field, u from the sample pairs' levels and the exact-agreement u."""
        return u_from_sample(self.fields, sample, exact)

    def fit(
        self,
        patterns: npt.NDArray[np.int8],
        counts: npt.NDArray[np.float64],
        *,
        found_by: npt.NDArray[np.bool_],
        u: Sequence[npt.NDArray[np.float64]],
        possible: float,
    ) -> FellegiSunter:
        """The model fitted by EM on comparison patterns with their pair counts.

        ``found_by[i, r]`` says whether rule ``r`` found the pairs of row ``i``;
        ``possible`` is the number of pairs the records could form.
        """
        by_rule = [(np.flatnonzero(found_by[:, r]), blind)
                   for r, blind in enumerate(self.blind())]  # fmt: skip
        fit = fit_m_by_rule(patterns, u, by_rule, counts=counts)
        return fitted_model(self.fields, fit, u, pairs=float(counts.sum()), possible=possible)

    def weigh(
        self,
        model: FellegiSunter,
        levels: npt.NDArray[np.int8],
        *,
        shares: npt.NDArray[np.float64],
        exact: Sequence[float],
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float64], npt.NDArray[np.object_]]:
        """Partial weights, match probability and band of a batch of pairs.

        ``shares[i, k]`` is the share of field ``k``'s present values held by pair ``i``'s
        value (read where the pair agrees exactly); ``exact`` the fields' exact u.
        """
        partials = model.partial_weights(levels, dtype=np.float32)
        for k, field in enumerate(self.fields):
            if field.term_frequency:
                rows = levels[:, k] == 0
                add_term_frequency(partials, levels, k, share=shares[rows, k], exact=exact[k])
        probability = probability_of(model, partials)
        bands = bands_of(probability, link=self.linker.link_threshold,
                         review=self.linker.review_threshold)  # fmt: skip
        return partials, probability, bands

    def cluster(
        self,
        n_records: int,
        edges: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]],
        *,
        rank: npt.NDArray[np.int64],
        tokens: Sequence[frozenset[object]] | None = None,
        must_link: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None,
    ) -> npt.NDArray[np.int64]:
        """Cluster labels of a group of records from their links, with the linker's guards."""
        return cluster_links(n_records, edges, tokens=tokens, must_link=must_link,
                             max_cluster_size=self.linker.max_cluster_size,
                             bridge_below=self.linker.bridge_below, rank=rank)  # fmt: skip

    @staticmethod
    def warn(report: BlockingReport, *, n_records: int, pairs: int) -> None:
        """The local engine's warnings about a blocking report (dominated rules, no pairs)."""
        frame = report.to_pandas()
        warn_blocking(frame)
        if not pairs:
            warn_no_pairs(frame, n_records)
