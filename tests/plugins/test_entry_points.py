"""Plugins are found through real entry points (a ``.dist-info`` put on ``sys.path``)."""

import importlib
import sys
import textwrap
import warnings

import pytest

from customer_understanding import InvalidValueError, UnknownNameError
from customer_understanding.plugins import (
    PluginWarning,
    attributor_names,
    clear_plugin_cache,
    get_attributor,
    get_scorer,
    scorer_names,
)
from customer_understanding.testing import check_attributor, check_scorer

PLUGIN = '''
import attrs
import numpy as np

from customer_understanding.scoring import Reasons, ScoreTable


@attrs.frozen(kw_only=True)
class SeatScorer:
    """Scores each account by its number of contacts known by as_of, one point per person."""

    level: str = "account"
    points: float = 1.0

    def score(self, base, /, *, as_of):
        tables = base.tables
        moment = tables.moment(as_of)
        created = tables.contacts.column("created_at")
        account = tables.contacts.column("account")[created <= moment]
        people = np.bincount(account[account >= 0], minlength=len(tables.accounts)).astype(float)
        rows = np.flatnonzero(people)
        reasons = Reasons(row=rows, signal=np.zeros(len(rows)), signals=("people",),
                          value=people[rows], weight=np.full(len(rows), self.points),
                          decay=np.ones(len(rows)), contribution=people[rows] * self.points)
        return ScoreTable(scorer="seats", level="account", as_of=moment,
                          ids=tables.accounts.column("id"), score=people * self.points,
                          grade=np.full(len(people), -1), grades=(), reasons=reasons)
'''


def _install(root, name, entry_points):
    """Write a package's module and its .dist-info (METADATA + entry_points.txt) under root."""
    (root / f"{name}.py").write_text(PLUGIN)
    info = root / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))


@pytest.fixture
def plugin_path(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    clear_plugin_cache()
    yield tmp_path
    clear_plugin_cache()
    sys.modules.pop("acme_seats", None)


def test_installed_plugin_is_found_by_name(plugin_path):
    _install(
        plugin_path,
        "acme_seats",
        """
        [customer_understanding.scorers]
        seats = acme_seats:SeatScorer
    """,
    )
    scorer = get_scorer("seats", points=2.0)
    assert type(scorer).__name__ == "SeatScorer"
    assert "seats" in scorer_names()


def test_installed_plugin_passes_conformance_checks(plugin_path):
    _install(
        plugin_path,
        "acme_seats",
        """
        [customer_understanding.scorers]
        seats = acme_seats:SeatScorer
    """,
    )
    check_scorer(get_scorer("seats"))


def test_broken_plugin_warns_and_built_ins_still_work(plugin_path):
    _install(
        plugin_path,
        "acme_seats",
        """
        [customer_understanding.scorers]
        broken = acme_missing_module:Nothing
    """,
    )
    assert "broken" in scorer_names()  # listed from metadata: nothing is imported yet
    assert get_scorer("engagement").level == "contact"
    with (
        pytest.warns(PluginWarning, match=r"'broken'.*failed to load"),
        pytest.raises(UnknownNameError, match=r"scorer='broken'.*failed to load"),
    ):
        get_scorer("broken")
    assert get_scorer("engagement").level == "contact"


@pytest.mark.parametrize("failure", ["raise SystemExit(3)", "raise RuntimeError('no licence')",
                                     "import acme_missing_module"])  # fmt: skip
def test_plugin_failing_at_import_never_breaks_built_ins(plugin_path, failure):
    (plugin_path / "acme_exits.py").write_text(failure + "\n")
    _install(
        plugin_path,
        "acme_seats",
        """
        [customer_understanding.scorers]
        exits = acme_exits:Scorer
    """,
    )
    assert get_scorer("engagement").level == "contact"
    with pytest.warns(PluginWarning, match="plugin 'exits'"), pytest.raises(UnknownNameError):
        get_scorer("exits")
    sys.modules.pop("acme_exits", None)


def test_plugins_are_imported_only_when_asked_for(plugin_path):
    (plugin_path / "acme_noisy.py").write_text("raise RuntimeError('imported')\n")
    _install(
        plugin_path,
        "acme_seats",
        """
        [customer_understanding.scorers]
        seats = acme_seats:SeatScorer
        noisy = acme_noisy:Scorer
    """,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning here would mean acme_noisy was imported
        assert type(get_scorer("seats")).__name__ == "SeatScorer"
        assert {"seats", "noisy"} <= set(scorer_names())
    assert "acme_noisy" not in sys.modules


def test_attributors_are_chosen_by_name():
    assert get_attributor("markov", order=2).order == 2
    assert get_attributor("last_touch").name == "last_touch"
    assert {"first_touch", "linear", "shapley", "time_decay"} <= set(attributor_names())
    with pytest.raises(UnknownNameError, match="attributor='markow' is not one of"):
        get_attributor("markow")


def test_attributor_plugin_is_found_by_name(plugin_path):
    (plugin_path / "acme_attr.py").write_text(
        "import attrs\nfrom customer_understanding.journeys import Linear\n"
        "@attrs.frozen\nclass Even:\n    name = 'even'\n"
        "    def attribute(self, touches, outcomes, /):\n"
        "        return Linear().attribute(touches, outcomes)\n"
    )
    _install(
        plugin_path,
        "acme_seats",
        """
        [customer_understanding.attributors]
        even = acme_attr:Even
    """,
    )
    check_attributor(get_attributor("even"))
    sys.modules.pop("acme_attr", None)


def test_plugin_shadowing_a_built_in_is_skipped_with_warning(plugin_path):
    _install(
        plugin_path,
        "acme_seats",
        """
        [customer_understanding.scorers]
        engagement = acme_seats:SeatScorer
    """,
    )
    with pytest.warns(PluginWarning, match="'engagement'.*built-in has that name"):
        scorer = get_scorer("engagement")
    assert type(scorer).__name__ == "EngagementScorer"


def test_plugins_are_read_once(plugin_path):
    assert "seats" not in scorer_names()
    _install(
        plugin_path,
        "acme_seats",
        """
        [customer_understanding.scorers]
        seats = acme_seats:SeatScorer
    """,
    )
    assert "seats" not in scorer_names()
    clear_plugin_cache()
    assert "seats" in scorer_names()


def test_unknown_name_lists_known_scorers():
    with pytest.raises(UnknownNameError, match="scorer='nope' is not one of: engagement, fit"):
        get_scorer("nope")


def test_unknown_parameter_is_reported():
    with pytest.raises(InvalidValueError, match="scorer 'fit' does not accept parameters"):
        get_scorer("fit", half_life_days=3)


def test_out_of_range_parameter_is_reported():
    with pytest.raises(InvalidValueError, match="half_life_days=-1"):
        get_scorer("engagement", half_life_days=-1)
