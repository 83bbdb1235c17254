"""Every public class and function documents itself with an example that runs."""

import importlib
import inspect
from pathlib import Path
from typing import NewType

import pytest

from tests._packages import PACKAGES

# Small modules documented on the page of the package they serve.
SHARED_PAGES = {"typing": "plugins", "testing": "plugins"}


def _public_objects() -> list[tuple[str, object]]:
    found: dict[str, tuple[str, object]] = {}
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, NewType) or not (
                inspect.isclass(value) or inspect.isfunction(value)
            ):
                continue
            found.setdefault(
                f"{value.__module__}.{value.__qualname__}", (f"{package}.{name}", value)
            )
    return sorted(found.values(), key=lambda item: item[0])


@pytest.mark.parametrize(
    ("name", "value"), _public_objects(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_public_object_has_a_docstring_with_examples(name: str, value: object) -> None:
    doc = inspect.getdoc(value) or ""
    assert doc.strip(), f"{name} has no docstring"
    assert "Examples\n--------" in doc, f"{name} has no Examples section"


@pytest.mark.parametrize("package", PACKAGES[1:])
def test_every_public_name_appears_in_the_reference(package: str) -> None:
    name = package.rsplit(".", 1)[1]
    name = SHARED_PAGES.get(name, name)
    page = Path(__file__).parents[1] / "docs" / "reference" / f"{name}.rst"
    text = page.read_text(encoding="utf-8")
    missing = [name for name in importlib.import_module(package).__all__ if name not in text]
    assert not missing, f"{page.name} does not mention {missing}"
