"""Collection rules shared by the tests, the modules' doctests and the docs' examples."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

# Modules whose examples need an optional package, by file name: the package and its extra.
_NEEDS = {"_recordlinkage.py": ("recordlinkage", "recordlinkage")}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the examples of an adapter whose optional package is not installed, saying why."""
    for item in items:
        needed = _NEEDS.get(Path(str(item.path)).name)
        if needed is not None and importlib.util.find_spec(needed[0]) is None:
            reason = f"{needed[0]} is not installed (the `{needed[1]}` extra)"
            item.add_marker(pytest.mark.skip(reason=reason))
