"""Sphinx configuration for the customer_understanding documentation."""

from __future__ import annotations

from typing import Any

import customer_understanding
from customer_understanding.tables import Table

project = "customer_understanding"
author = "customer_understanding developers"
copyright = "customer_understanding developers"
version = customer_understanding.__version__
release = customer_understanding.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]

# Docstrings follow the numpy convention.
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
napoleon_attr_annotations = False

# The docstrings name every parameter's meaning; the annotations would only repeat it.
autodoc_typehints = "none"
autodoc_member_order = "bysource"
autoclass_content = "class"

nitpicky = False
exclude_patterns = ["_build"]

html_theme = "furo"
html_title = f"customer_understanding {release}"


def _schema_lines(table: type[Table]) -> list[str]:
    """A list-table of a table class's columns, so the reference shows each schema."""
    lines = ["", ".. list-table:: Columns", "   :header-rows: 1", "   :widths: 25 15 60", ""]
    lines += ["   * - column", "     - kind", "     - meaning"]
    for column in table.SCHEMA.columns:
        meaning = column.doc
        if column.labels is not None:
            allowed = ", ".join(f"``{label}``" for label in column.labels)
            meaning = f"{meaning}; one of {allowed}" if meaning else f"one of {allowed}"
        lines += [f"   * - ``{column.name}``", f"     - {column.kind}", f"     - {meaning}"]
    return [*lines, ""]


def _add_schemas(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    is_table = what == "class" and isinstance(obj, type) and issubclass(obj, Table)
    if is_table and obj.SCHEMA.columns:
        lines.extend(_schema_lines(obj))


def setup(app: Any) -> None:
    """Register the hook that appends column tables to the table classes' docstrings."""
    app.connect("autodoc-process-docstring", _add_schemas)
