"""One incoming record scored against chosen rows of a table prepared once.

A batch run prepares every record (normalised, coded, value frequencies) and compares
candidate pairs. Online, the stored table is prepared the same way once; each incoming
record is then cleaned on its own and compared only with the rows a caller picked (the
ones sharing a blocking key with it), and its weights get the term-frequency adjustment
from the frequencies counted with the model (:class:`Frequencies`), so a pair weighs
online what it weighs in the batch run that fitted the model.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from customer_understanding._core import Buffer, as_frame
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.identity._comparisons import compare_codes
from customer_understanding.identity._fields import Field, normalise
from customer_understanding.identity._frequencies import Frequencies
from customer_understanding.identity._given import matching_model
from customer_understanding.identity._model import FellegiSunter, term_frequency_weights
from customer_understanding.identity._records import prepare

if TYPE_CHECKING:
    from customer_understanding.identity._linker import Linker
    from customer_understanding.typing import TableLike

__all__ = ["RecordScorer"]

#: Cleaned values remembered per field (first names, domains and companies repeat).
_MEMO = 100_000


class RecordScorer:
    """A table prepared once, against whose rows one incoming record at a time is scored.

    The table's declared columns are normalised and coded as a batch run codes them
    (values far too frequent to name one entity read as missing), and the share of each
    value is counted over them for the term-frequency adjustment (unless given).
    :meth:`score` compares one record with the rows you pick and weighs each comparison
    with ``model`` plus, for an exact agreement on a field with ``term_frequency``, the
    same adjustment the batch run adds: a pair weighs what it weighed in the run that
    fitted ``model`` on this table.

    Parameters
    ----------
    records
        The table (pandas, polars or pyarrow) holding the linker's declared columns.
    linker
        The :class:`Linker` whose fields say how each column is compared.
    model
        A model fitted with those fields (a result's ``model``).
    frequencies
        The term frequencies counted with ``model`` (a run's ``LinkContext.kept``),
        by the codes the table's values get here (``None``: counted over the table).

    Examples
    --------
    >>> import pandas as pd
    >>> from customer_understanding.identity import Field, Linker
    >>> people = pd.DataFrame({"email": ["ann@acme.com", "ann@acme.com", "bo@beta.io"],
    ...                        "surname": ["Lee", "Lee", "Ng"]})
    >>> linker = Linker(fields=[Field(column="email", kind="email"),
    ...                         Field(column="surname", kind="family_name")])
    >>> model = linker.deduplicate(people).model
    >>> scorer = RecordScorer(people, linker=linker, model=model)
    >>> incoming = scorer.clean({"email": "ANN@acme.com", "surname": "lee"})
    >>> incoming
    {'email': 'ann@acme.com', 'surname': 'lee'}
    >>> levels, weights = scorer.score(incoming, [0, 2])
    >>> levels.tolist()
    [[0, 0], [3, 3]]
    >>> bool(weights[0].sum() > 0 > weights[1].sum())
    True
    """

    def __init__(self, records: TableLike, *, linker: Linker, model: FellegiSunter,
                 frequencies: Frequencies | None = None) -> None:  # fmt: skip
        frame = as_frame(records, name="records").reset_index(drop=True)
        with warnings.catch_warnings():  # the batch run warned about the columns already
            warnings.simplefilter("ignore", UserWarning)
            prepared = prepare(frame, linker.fields)
        self._hold(prepared.fields, model, codes=prepared.codes, uniques=prepared.uniques,
                   frequencies=frequencies)  # fmt: skip

    @classmethod
    def from_codes(
        cls, coded: Mapping[str, tuple[npt.ArrayLike, npt.ArrayLike]], *, linker: Linker,
        model: FellegiSunter, frequencies: Frequencies | None = None,
    ) -> RecordScorer:  # fmt: skip
        """A scorer over rows prepared before: per declared column, codes and distinct values.

        ``coded`` maps each of the linker's columns to every row's code (``-1`` when
        missing) and the distinct normalised values the codes point into, as a batch
        run's prepared records hold them (a value no row holds is one read as missing
        for being far too frequent). Nothing is cleaned again; the value frequencies,
        unless given (by these codes), are counted over the codes as the constructor
        counts them, so the scorer equals the one made from the table those codes were
        prepared from.

        Raises
        ------
        InvalidValueError
            If a declared column is missing from ``coded``, or the columns differ in length.

        Examples
        --------
        >>> import pandas as pd
        >>> from customer_understanding.identity import Field, Linker
        >>> people = pd.DataFrame({"email": ["ann@acme.com", "ann@acme.com", "bo@beta.io"]})
        >>> linker = Linker(fields=[Field(column="email", kind="email")])
        >>> model = linker.deduplicate(people).model
        >>> coded = {"email": ([0, 0, 1], ["ann@acme.com", "bo@beta.io"])}
        >>> scorer = RecordScorer.from_codes(coded, linker=linker, model=model)
        >>> fresh = RecordScorer(people, linker=linker, model=model)
        >>> incoming = scorer.clean({"email": "ANN@acme.com"})
        >>> bool((scorer.score(incoming, [0, 2])[1] == fresh.score(incoming, [0, 2])[1]).all())
        True
        """
        fields = tuple(linker.fields)
        missing = [field.column for field in fields if field.column not in coded]
        if missing:
            msg = f"coded lacks the declared column {missing[0]!r} (columns: {', '.join(coded)})"
            raise InvalidValueError(msg)
        codes = {f.column: np.asarray(coded[f.column][0], dtype=np.int64) for f in fields}
        if len({len(found) for found in codes.values()}) > 1:
            msg = "coded holds columns of different lengths: one code per row in each"
            raise InvalidValueError(msg)
        uniques = {f.column: np.asarray(coded[f.column][1], dtype=object) for f in fields}
        scorer = cls.__new__(cls)
        scorer._hold(fields, model, codes=codes, uniques=uniques, frequencies=frequencies)
        return scorer

    def _hold(self, fields: tuple[Field, ...], model: FellegiSunter, *,
              codes: Mapping[str, npt.NDArray[np.int64]],
              uniques: Mapping[str, npt.NDArray[np.object_]],
              frequencies: Frequencies | None) -> None:  # fmt: skip
        """Keep the prepared rows, and the value frequencies the weights are adjusted by."""
        self.fields = fields
        self.model = matching_model(model, self.fields)
        self._codes = {f.column: np.array(codes[f.column]) for f in self.fields}
        self._uniques = {f.column: np.array(uniques[f.column]) for f in self.fields}
        self._lookup = {column: {value: code for code, value in enumerate(values.tolist())}
                        for column, values in self._uniques.items()}  # fmt: skip
        self._missing: dict[str, set[Any]] = {}
        for field in self.fields:
            found, distinct = self._codes[field.column], self._uniques[field.column]
            counts = np.bincount(found[found >= 0], minlength=len(distinct))
            # A value no row holds was read as missing for being far too frequent.
            self._missing[field.column] = set(distinct[counts == 0].tolist())
        columns = [field.column for field in self.fields if field.term_frequency]
        lacking = [column for column in columns if frequencies and column not in frequencies]
        if lacking:
            msg = f"frequencies count no {lacking[0]!r}, a term-frequency field"
            raise InvalidValueError(msg)
        # counted as a batch run over the table counts them (each record its own source)
        self.frequencies = frequencies or Frequencies.count(self._codes, columns)
        self._memo: dict[str, dict[Any, Any]] = {f.column: {} for f in self.fields}
        # Rows added online grow the columns in spare room (a copy per row otherwise).
        self._room: dict[tuple[str, str], Buffer] = {}

    def __len__(self) -> int:
        """The number of rows a record can be scored against."""
        return len(next(iter(self._codes.values())))

    def __repr__(self) -> str:
        return f"RecordScorer: {len(self)} rows, comparisons={', '.join(self.model.names)}"

    def clean(self, record: Mapping[str, Any] | pd.DataFrame) -> dict[str, Any]:
        """One record's values as they are compared (normalised; ``None`` when missing).

        ``record`` maps column names to raw values, a one-row DataFrame too; a column it
        lacks is missing.
        """
        if isinstance(record, pd.DataFrame):
            if len(record) != 1:
                msg = f"record must be one row, not {len(record)}"
                raise InvalidValueError(msg)
            record = {str(k): v for k, v in record.iloc[0].to_dict().items()}
        return {f.column: self._clean(f, record.get(f.column)) for f in self.fields}

    def _clean(self, field: Field, value: Any) -> Any:
        memo = self._memo[field.column]
        try:
            return memo[value]
        except (KeyError, TypeError):  # not seen yet, or a value that cannot be a key
            pass
        cleaned = normalise(pd.Series([value], dtype=object), field)[0]
        if cleaned in self._missing[field.column]:
            cleaned = None
        try:
            if len(memo) >= _MEMO:
                memo.clear()
            memo[value] = cleaned
        except TypeError:
            pass
        return cleaned

    def codes(self, column: str) -> npt.NDArray[np.int64]:
        """Every row's code for its value of ``column`` (``-1`` when missing), read-only."""
        view = self._codes[self._known(column)].view()
        view.flags.writeable = False
        return view

    def lookup(self, column: str) -> Mapping[Any, int]:
        """The code of each value of ``column`` (read-only; rows appended later show)."""
        return MappingProxyType(self._lookup[self._known(column)])

    def _known(self, column: str) -> str:
        if column not in self._codes:
            msg = f"column={column!r} is not compared (columns: {', '.join(self._codes)})"
            raise UnknownNameError(msg)
        return column

    def values(self, rows: npt.ArrayLike) -> dict[str, list[Any]]:
        """The compared values of some rows, per column (``None`` when missing)."""
        picked = np.asarray(rows, dtype=np.int64)
        found: dict[str, list[Any]] = {}
        for column, codes in self._codes.items():
            chosen, uniques = codes[picked], self._uniques[column]
            if not len(uniques):  # a column with no value at all
                found[column] = [None] * len(chosen)
                continue
            values = uniques[np.maximum(chosen, 0)]
            values[chosen < 0] = None
            found[column] = values.tolist()
        return found

    def score(
        self, record: Mapping[str, Any], rows: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
        """Comparison levels and weights of ``record`` (from :meth:`clean`) with ``rows``.

        Returns one row per given row: the level of each comparison (``-1`` when either
        value is missing; 0 is exact) and its weight (log2 Bayes factor, with the
        term-frequency adjustment on exact agreement), as a batch run gives them.
        """
        picked = np.asarray(rows, dtype=np.int64)
        levels = np.empty((len(picked), len(self.fields)), dtype=np.int8)
        for k, field in enumerate(self.fields):
            levels[:, k] = self._compare(field, picked, record.get(field.column))
        partials = self.model.partial_weights(levels, dtype=np.float32)
        for k, field in enumerate(self.fields):
            if field.term_frequency:
                exact = np.flatnonzero(levels[:, k] == 0)
                share = self.frequencies.shares(
                    field.column, self._codes[field.column][picked[exact]]
                )
                partials[exact, k] += term_frequency_weights(
                    self.frequencies.exact[field.column], share)  # fmt: skip
        return levels, partials

    def _compare(self, field: Field, rows: npt.NDArray[np.int64], value: Any) -> Any:
        # The few values involved get codes of their own, so the comparison never
        # touches the whole table; equal values share a code, as in a batch run.
        codes = self._codes[field.column][rows]
        mine = self._lookup[field.column].get(value, -1) if value is not None else -1
        involved = np.unique(np.concatenate([codes[codes >= 0], [mine] if mine >= 0 else []]))
        involved = involved.astype(np.int64)
        uniques = self._uniques[field.column][involved]
        left = np.where(codes >= 0, np.searchsorted(involved, codes), -1)
        if value is None:
            right = -1
        elif mine >= 0:
            right = int(np.searchsorted(involved, mine))
        else:
            uniques, right = np.append(uniques, np.array([value], dtype=object)), len(involved)
        given = np.full(len(rows), right, dtype=np.int64)
        return compare_codes(left.astype(np.int64), given, uniques=uniques, kind=field.kind)

    def append(self, record: Mapping[str, Any] | pd.DataFrame) -> int:
        """Add one record as a row later records can be scored against; its position.

        The value frequencies stay those counted with the model: a value new to them
        is taken as held once (see :class:`Frequencies`).
        """
        return self._put(self.clean(record))

    def extend(self, records: TableLike) -> npt.NDArray[np.int64]:
        """Add several records as rows, as :meth:`append` adds each; their positions.

        Each column is cleaned at once rather than one value at a time.

        Examples
        --------
        >>> import pandas as pd
        >>> from customer_understanding.identity import Field, Linker
        >>> people = pd.DataFrame({"surname": ["Lee", "Lee", "Ng"]})
        >>> linker = Linker(fields=[Field(column="surname", kind="family_name")])
        >>> scorer = RecordScorer(people, linker=linker, model=linker.deduplicate(people).model)
        >>> scorer.extend(pd.DataFrame({"surname": ["NG", None]})).tolist()
        [3, 4]
        >>> scorer.values([3, 4])
        {'surname': ['ng', None]}
        """
        frame = as_frame(records, name="records").reset_index(drop=True)
        cleaned: dict[str, list[Any]] = {}
        for field in self.fields:
            if field.column not in frame.columns:
                cleaned[field.column] = [None] * len(frame)
                continue
            given = pd.Series(frame[field.column].tolist(), dtype=object)
            missing = self._missing[field.column]
            cleaned[field.column] = [None if value in missing else value
                                     for value in normalise(given, field).tolist()]  # fmt: skip
        start = len(self)
        for row in range(len(frame)):
            self._put({column: values[row] for column, values in cleaned.items()})
        return np.arange(start, len(self), dtype=np.int64)

    def _put(self, values: Mapping[str, Any]) -> int:
        """Add one row of cleaned values (see :meth:`clean`); its position."""
        for field in self.fields:
            column, value = field.column, values[field.column]
            code = -1 if value is None else self._lookup[column].get(value, -1)
            if value is not None and code < 0:
                code = len(self._uniques[column])
                self._lookup[column][value] = code
                self._uniques[column] = self._grown("uniques", column, value)
            self._codes[column] = self._grown("codes", column, code)
        return len(self) - 1

    def _grown(self, part: str, column: str, value: Any) -> npt.NDArray[Any]:
        """Column ``column`` of ``part`` (codes or uniques) with ``value`` after it."""
        start: npt.NDArray[Any] = self._codes[column] if part == "codes" else self._uniques[column]
        buffer = self._room.get((part, column))
        if buffer is None or buffer.view is not start:
            buffer = Buffer(start.astype(np.int64) if part == "codes" else start)
            self._room[part, column] = buffer
        return buffer.append(value)
