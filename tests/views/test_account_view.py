import sys

import pandas as pd
import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError, NotFoundError
from customer_understanding.views import AccountView, account_view


@pytest.fixture(scope="module")
def base() -> cu.CustomerBase:
    return cu.CustomerBase.from_objects(
        accounts=[cu.Account(id="a1", name="Acme <Labs>", owner="Dana", domain="acme.com")],
        contacts=[
            cu.Contact(id="c1", account_id="a1", first_name="Fay", last_name="Ng", title="CFO"),
            cu.Contact(id="c2", account_id="a1", first_name="Eve", title="Data Engineer"),
        ],
        interactions=[
            cu.Interaction(id="m1", occurred_at="2026-03-01", type="meeting", contact_id="c1",
                           opportunity_id="o1"),
            cu.Interaction(id="m2", occurred_at="2026-03-01", type="meeting", contact_id="c2",
                           opportunity_id="o1"),
            cu.Interaction(id="t1", occurred_at="2026-03-02", type="ticket", priority="p1",
                           status="open", contact_id="c2", subject="Export fails"),
            cu.Interaction(id="w1", occurred_at="2026-03-03", type="page_view", account_id="a1",
                           subject="/pricing"),
        ],
    )  # fmt: skip


def test_view_holds_every_discipline(base: cu.CustomerBase) -> None:
    view = account_view(base, "a1", scores={"engagement": 42.0}, segments={"rfm": "champions"})
    assert isinstance(view, AccountView)
    assert view.account.name == "Acme <Labs>"
    assert set(view.timeline["discipline"]) == {"sales", "service", "marketing"}
    assert view.traits["open_p1_tickets"] == 1.0
    assert {s.kind for s in view.signals} == {"alert_owner", "pause_nurture", "pause_upsell"}
    assert view.committee.graph.has_edge("c1", "c2")


def test_text_summary_reads_well(base: cu.CustomerBase) -> None:
    text = str(account_view(base, "a1", scores={"engagement": 42.0}))
    assert text.splitlines()[0] == "Acme <Labs> (a1) — owner Dana, as of 2026-03-03"
    assert "score engagement: 42" in text
    assert "Fay Ng" in text
    assert "P1 alert_owner -> sales: open_p1_tickets = 1 (open_p1_tickets >= 1)" in text
    assert "Export fails" in text


def test_html_escapes_and_shows_sections(base: cu.CustomerBase) -> None:
    html = account_view(base, "a1")._repr_html_()
    assert "Acme &lt;Labs&gt;" in html
    assert "<h4>Buying committee" in html
    assert "Live signals (3)" in html


def test_view_as_of_the_past_hides_later_data(base: cu.CustomerBase) -> None:
    view = account_view(base, "a1", as_of="2026-03-01T12:00:00")
    assert len(view.timeline) == 2
    assert view.signals == ()


def test_bad_input_is_named(base: cu.CustomerBase) -> None:
    with pytest.raises(NotFoundError, match="account_id='zz'"):
        account_view(base, "zz")
    with pytest.raises(InvalidValueError, match="is before the first event"):
        account_view(base, "a1", as_of="1999-01-01")


def test_plot_needs_matplotlib_or_draws(base: cu.CustomerBase) -> None:
    view = account_view(base, "a1")
    if "matplotlib" in sys.modules or _has_matplotlib():
        import matplotlib as mpl

        mpl.use("Agg")
        assert view.plot_committee() is not None
    else:
        with pytest.raises(ImportError, match=r"customer-understanding\[plot\]"):
            view.plot_committee()


def _has_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def test_score_tables_and_segmentations_show_with_reasons(base: cu.CustomerBase) -> None:
    from customer_understanding.plugins import get_scorer, get_segmenter

    as_of = int(base.interactions.column("occurred_at").max()) + 1
    engagement = get_scorer("engagement", level="account").score(base, as_of=as_of)
    lifecycle = get_segmenter("lifecycle").fit(base, as_of=as_of).assign(base, as_of=as_of)
    view = account_view(base, "a1", scores={"engagement": engagement},
                        segments={"lifecycle": lifecycle})  # fmt: skip
    assert view.scores["engagement"] == pytest.approx(float(engagement.score[0]))
    assert view.score_reasons["engagement"]
    assert view.segments["lifecycle"] in {*lifecycle.segments, "(none)"}
    assert "score engagement:" in view.summary()
    assert "lifecycle" in view._repr_html_()


def test_view_reads_the_traits_layer_and_is_read_only(base: cu.CustomerBase) -> None:
    from customer_understanding.traits import evaluate_traits

    view = account_view(base, "a1")
    frame = evaluate_traits(base, list(view.traits), as_of=view.as_of)
    for name, value in view.traits.items():
        expected = frame[name][0]
        assert value == expected or (pd.isna(value) and pd.isna(expected)), name
    assert view.traits["lifecycle_stage"] is None
    with pytest.raises(TypeError):
        view.traits["open_tickets"] = 0.0  # type: ignore[index]
    timeline = view.timeline
    timeline["type"] = "changed"
    assert "changed" not in set(view.timeline["type"])
    assert repr(view) == "AccountView: 1 row, as of 2026-03-03T00:00:00Z, account_id=a1, signals=3"
    assert view.to_pandas().loc[0, "account_id"] == "a1"


def test_view_policies_can_read_the_scores_it_shows(base: cu.CustomerBase) -> None:
    from customer_understanding.plugins import get_scorer
    from customer_understanding.signals import Emit, Policy
    from customer_understanding.traits import Condition

    engagement = get_scorer("engagement", level="account").score(base, as_of=None)
    policy = Policy(name="engaged", when=Condition(trait="engagement", op=">", value=0),
                    emit=[Emit(kind="thank", discipline="sales")])  # fmt: skip
    view = account_view(base, "a1", policies=[policy], scores={"engagement": engagement})
    assert [s.kind for s in view.signals] == ["thank"]
    assert view.signals[0].reasons[0].startswith("engagement = ")


@pytest.fixture(scope="module")
def world_base() -> cu.CustomerBase:
    from customer_understanding.datasets import generate_world

    world = generate_world(accounts=60, interactions=8_000, seed=9)
    return cu.CustomerBase.build(world.as_sources(), policy="lenient")


def test_view_of_one_account_equals_the_whole_base(world_base: cu.CustomerBase) -> None:
    from customer_understanding.committee import committees
    from customer_understanding.signals import evaluate_signals
    from customer_understanding.traits import evaluate_traits

    ids = world_base.accounts.column("id")
    busiest = ids[pd.Series(world_base.interactions.column("account")).value_counts().index[1]]
    view = account_view(world_base, busiest)
    traits = evaluate_traits(world_base, list(view.traits)).to_pandas().set_index("account_id")
    for name, value in view.traits.items():
        expected = traits.loc[busiest, name]
        assert (value is None and expected is None) or value == pytest.approx(expected, nan_ok=True)
    signals = evaluate_signals(world_base).live(view.as_of).for_account(busiest)
    assert list(view.signals) == signals
    everyone = committees(world_base).committee(busiest)
    pd.testing.assert_frame_equal(view.committee.members, everyone.members)
    assert view.committee.gaps == everyone.gaps


class _AccountsSeen:
    """A trait that compares an account with the others: it must see the whole base."""

    description = "accounts in the tables"

    def evaluate(self, tables: object, /, *, as_of: object, level: str) -> object:
        import numpy as np

        size = len(tables.accounts)  # type: ignore[attr-defined]
        return np.full(size, float(size))


def test_policies_reading_a_trait_of_ones_own_see_the_whole_base(
    world_base: cu.CustomerBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from customer_understanding.signals import Emit, Policy
    from customer_understanding.traits import Condition, _catalogue

    monkeypatch.setitem(_catalogue._REGISTERED, "accounts_seen", _AccountsSeen())
    crowded = Policy(name="crowded", when=Condition(trait="accounts_seen", op=">", value=1),
                     emit=[Emit(kind="alert_owner", discipline="sales")])  # fmt: skip
    account_id = world_base.accounts.column("id")[0]
    view = account_view(world_base, account_id, policies=[crowded])
    assert [signal.kind for signal in view.signals] == ["alert_owner"]
