"""Collection rules shared by the tests, the modules' doctests and the docs' examples."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests check what holds, not how fast: on shared, loaded machines a per-example
# deadline only makes them flaky (tests that want one still set it themselves).
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")

# Examples that need an optional package, by file or folder name: the package and its extra.
_NEEDS = {
    "_recordlinkage.py": ("recordlinkage", "recordlinkage"),
    "spark": ("pyspark", "spark"),
    "run-on-spark.rst": ("pyspark", "spark"),
}


def _missing(path: Path) -> str | None:
    """Why the examples at ``path`` cannot run here, or None when they can."""
    for part in (path.name, *path.parent.parts):
        needed = _NEEDS.get(part)
        if needed is None:
            continue
        if importlib.util.find_spec(needed[0]) is None:
            return f"{needed[0]} is not installed (the `{needed[1]}` extra)"
        if needed[0] == "pyspark" and shutil.which("java") is None:
            return "Spark needs a Java runtime: install Java 17+ (e.g. openjdk-17-jre-headless)"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the examples of an adapter whose optional package is not installed, saying why."""
    for item in items:
        reason = _missing(Path(str(item.path)))
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=reason))
