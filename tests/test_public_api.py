"""The curated public API: every exported name resolves, and the import stays light."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import customer_understanding as cu
from tests._packages import PACKAGES


@pytest.mark.parametrize("name", PACKAGES)
def test_every_name_in_all_resolves(name: str) -> None:
    module = importlib.import_module(name)
    for exported in module.__all__:
        assert getattr(module, exported) is not None, exported


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_unique(name: str) -> None:
    exported = list(importlib.import_module(name).__all__)
    assert len(set(exported)) == len(exported)
    # Constants first, then classes, then the rest, each alphabetical (as ruff sorts them).
    kind = lambda n: 0 if n.isupper() else 1 if n[0].isupper() else 2  # noqa: E731
    assert exported == sorted(exported, key=lambda n: (kind(n), n))


@pytest.mark.parametrize("name", PACKAGES[1:])
def test_no_public_name_is_left_out_of_all(name: str) -> None:
    module = importlib.import_module(name)
    public = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_")
        and getattr(value, "__module__", "").startswith(name)
        and callable(value)
    }
    assert public <= set(module.__all__)


def test_top_level_exposes_the_domain_model() -> None:
    for name in ("Account", "Contact", "Interaction", "Journey", "Opportunity"):
        assert getattr(cu, name).__module__.startswith("customer_understanding.domain")
    assert {cu.Discipline.SALES, cu.Stage.MQL, cu.Role.CHAMPION}
    assert cu.__version__


def test_top_level_loads_heavy_parts_lazily() -> None:
    code = (
        "import sys, customer_understanding as cu;"
        "assert 'pandas' not in sys.modules, 'pandas imported eagerly';"
        "assert 'sklearn' not in sys.modules;"
        "cu.CustomerBase;"
        "assert 'pandas' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        cu.no_such_thing  # noqa: B018


def test_errors_share_one_root_and_subclass_builtins() -> None:
    assert issubclass(cu.InvalidValueError, ValueError)
    assert issubclass(cu.IngestError, ValueError)
    assert issubclass(cu.NotFoundError, LookupError)
    assert issubclass(cu.UnknownNameError, LookupError)
    for error in (cu.InvalidValueError, cu.IngestError, cu.NotFoundError, cu.UnknownNameError):
        assert issubclass(error, cu.CustomerUnderstandingError)


def test_every_subpackage_is_exposed_and_tested() -> None:
    source = Path(cu.__file__).parent
    subpackages = {
        p.parent.name for p in source.glob("*/__init__.py") if not p.parent.name.startswith("_")
    }
    assert subpackages <= set(cu._SUBMODULES)
