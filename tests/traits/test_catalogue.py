"""Trait names: the standard catalogue, registered traits and installed plugins."""

import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError, UnknownNameError
from customer_understanding.plugins import PluginWarning, clear_plugin_cache
from customer_understanding.traits import (
    InteractionCount,
    _catalogue,
    evaluate_traits,
    get_trait,
    register_trait,
    standard_traits,
    trait_names,
)
from customer_understanding.typing import Trait

from .conftest import AS_OF

PLUGIN = '''
import numpy as np


class HeadCount:
    """How many contacts an account has."""

    description = "contacts at the account"

    def evaluate(self, tables, /, *, as_of, level):
        account = tables.contacts.column("account")
        return np.bincount(account[account >= 0], minlength=len(tables.accounts)) * 1.0
'''


def test_every_standard_trait_is_a_trait_with_a_description() -> None:
    for name, trait in standard_traits().items():
        assert isinstance(trait, Trait), name
        assert trait.description, name
    with pytest.raises(TypeError):
        standard_traits()["x"] = InteractionCount()  # type: ignore[index]


def test_a_registered_trait_is_known_by_name(base: cu.CustomerBase) -> None:
    calls = InteractionCount(types=("call",), window_days=365)
    register_trait("calls_365d", calls, replace=True)
    try:
        assert get_trait("calls_365d") is calls
        assert "calls_365d" in trait_names()
        assert evaluate_traits(base, ["calls_365d"], as_of=AS_OF)["calls_365d"].tolist() == [
            1,
            0,
            1,
        ]
        with pytest.raises(InvalidValueError, match="already registered"):
            register_trait("calls_365d", calls)
    finally:
        _catalogue._REGISTERED.pop("calls_365d", None)


@pytest.mark.parametrize(
    ("name", "trait", "message"),
    [
        ("open_tickets", InteractionCount(), "is a standard trait"),
        ("two words", InteractionCount(), "letters, digits and underscores"),
        ("odd", object(), "has no evaluate"),
    ],
)
def test_bad_registrations_are_refused(name: str, trait: object, message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        register_trait(name, trait)  # type: ignore[arg-type]


def test_an_unknown_name_suggests_close_ones() -> None:
    with pytest.raises(UnknownNameError, match=r"trait='satisfation' is not known; did you mean "
                                               r"'satisfaction'"):  # fmt: skip
        get_trait("satisfation")


@pytest.fixture
def plugin_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    clear_plugin_cache()
    yield tmp_path
    clear_plugin_cache()
    sys.modules.pop("acme_traits", None)


def _install(root: Path, entry_points: str) -> None:
    (root / "acme_traits.py").write_text(PLUGIN)
    info = root / "acme_traits-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme_traits\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))


def test_an_installed_trait_is_found_by_name(plugin_path: Path, base: cu.CustomerBase) -> None:
    _install(plugin_path, "[customer_understanding.traits]\nhead_count = acme_traits:HeadCount\n")
    assert "head_count" in trait_names()
    frame = evaluate_traits(base, ["head_count"], as_of=AS_OF)
    assert np.array_equal(frame["head_count"], [3, 1, 0])


def test_an_installed_trait_cannot_take_a_standard_name(plugin_path: Path) -> None:
    _install(plugin_path, "[customer_understanding.traits]\nseats = acme_traits:HeadCount\n")
    assert type(get_trait("seats")).__name__ == "LicensedSeats"
    with pytest.warns(PluginWarning, match="'seats' is skipped"):
        assert _catalogue._installed("seats") is None
