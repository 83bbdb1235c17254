"""Ingestion: source tables in, typed columnar records and interactions out.

A :class:`Source` pairs data (a DataFrame, a CSV path or an iterable of dicts) with a
:class:`SourceMapping` or a preset name; :func:`load` checks every row and accounts for
each one as loaded or rejected.
"""

from customer_understanding.ingest._load import load, load_source
from customer_understanding.ingest._mapping import TARGETS, SourceMapping, TargetSpec
from customer_understanding.ingest._presets import PRESETS, get_preset, preset_names
from customer_understanding.ingest._report import LoadReport, Problem, SourceReport
from customer_understanding.ingest._source import ErrorPolicy, Loaded, LoadedSource, Source

__all__ = [
    "PRESETS",
    "TARGETS",
    "ErrorPolicy",
    "LoadReport",
    "Loaded",
    "LoadedSource",
    "Problem",
    "Source",
    "SourceMapping",
    "SourceReport",
    "TargetSpec",
    "get_preset",
    "load",
    "load_source",
    "preset_names",
]
