from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

import customer_understanding as cu
from customer_understanding import InvalidValueError, UnknownNameError
from customer_understanding.signals import (
    DEFAULT_POLICIES,
    Emit,
    Policy,
    evaluate_signals,
)
from customer_understanding.traits import Condition

NOW = datetime(2026, 6, 1, tzinfo=UTC)
GRANTED = (cu.Consent(purpose="marketing", status="granted"),)
#: A reference customer's contact: named in case studies and e-mailed for it.
REFERENCE = (*GRANTED, cu.Consent(purpose="references", status="granted"))


def _ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def _touch(n: int, kind: str, days: float, **fields: object) -> cu.Interaction:
    fields.setdefault("account_id", "a1")
    return cu.Interaction(
        id=f"{kind}{n}",
        occurred_at=_ago(days),
        type=kind,
        **fields,  # type: ignore[arg-type]
    )


def _base(
    touches: list[cu.Interaction],
    *,
    customer: bool = True,
    contacts: tuple[cu.Contact, ...] = (),
    open_deal: bool = False,
) -> cu.CustomerBase:
    deals = []
    if customer:
        deals.append(cu.Opportunity(id="won", account_id="a1", outcome="won",
                                    created_at=_ago(400), closed_at=_ago(300)))  # fmt: skip
    if open_deal:
        deals.append(cu.Opportunity(id="open", account_id="a1", created_at=_ago(20)))
    people = contacts or (
        cu.Contact(
            id="fan", account_id="a1", first_name="Fan", title="Analyst", consents=REFERENCE
        ),
        cu.Contact(id="shy", account_id="a1", first_name="Shy", title="Analyst"),
    )
    touches = [*touches, _touch(999, "note", 0)]  # pins the latest data time to NOW
    return cu.CustomerBase.from_objects(accounts=[cu.Account(id="a1", owner="Dana")],
                                        contacts=people, interactions=touches,
                                        opportunities=deals)  # fmt: skip


def _kinds(base: cu.CustomerBase, **kwargs: object) -> list[str]:
    signals = evaluate_signals(base, as_of=NOW, **kwargs)  # type: ignore[arg-type]
    return sorted(s.kind for s in signals.for_account("a1"))


def _happy_customer() -> list[cu.Interaction]:
    features = [_touch(n, "feature_use", 2, subject=f"f{n}", contact_id="fan") for n in range(5)]
    ratings = [_touch(n, "ticket", 50, status="solved", satisfaction=1.0) for n in range(2)]
    return features + ratings


def test_open_p1_ticket_pauses_and_alerts_the_owner() -> None:
    base = _base([_touch(1, "ticket", 1, priority="p1", status="open")])
    signals = evaluate_signals(base, as_of=NOW)
    assert sorted(s.kind for s in signals.for_account("a1")) == [
        "alert_owner", "pause_nurture", "pause_upsell"]  # fmt: skip
    alert = next(s for s in signals.for_account("a1") if s.kind == "alert_owner")
    assert (alert.owner, alert.priority, alert.discipline) == ("Dana", 1, cu.Discipline.SALES)
    assert alert.reasons == ("open_p1_tickets = 1 (open_p1_tickets >= 1)",)
    assert alert.policy == "p1_ticket_pause"


def test_solved_p1_ticket_does_not_fire() -> None:
    assert "alert_owner" not in _kinds(_base([_touch(1, "ticket", 1, priority="p1",
                                                     status="solved")]))  # fmt: skip


def test_complaint_pauses_too() -> None:
    base = _base([_touch(1, "ticket", 3, status="solved", satisfaction=0.0)])
    assert "pause_upsell" in _kinds(base)


def test_happy_broad_customer_becomes_advocate_candidate_with_consenting_contact() -> None:
    signals = evaluate_signals(_base(_happy_customer()), as_of=NOW).for_account("a1")
    advocate = [s for s in signals if s.kind == "advocate_candidate"]
    assert [s.contact_id for s in advocate] == ["fan"]
    assert "satisfaction = 1 (satisfaction >= 0.8)" in advocate[0].reasons


def test_advocate_needs_a_contact_who_agreed_to_be_a_reference() -> None:
    # Marketing consent is not enough: a case study names the person.
    people = (cu.Contact(id="shy", account_id="a1", title="Analyst", consents=GRANTED),)
    signals = evaluate_signals(_base(_happy_customer(), contacts=people), as_of=NOW)
    assert "advocate_candidate" not in {s.kind for s in signals.for_account("a1")}
    held = signals.suppressed
    assert held.loc[0, "held_back_because"] == (
        "no contact at the account has granted references consent"
    )


def test_a_later_opt_out_in_another_system_holds_a_marketing_signal_back() -> None:
    said = (cu.Consent(purpose="marketing", status="granted", updated_at=_ago(400)),
            cu.Consent(purpose="marketing", status="unsubscribed", updated_at=_ago(3)))  # fmt: skip
    people = (cu.Contact(id="vp", account_id="a1", title="VP Sales", seniority="vp",
                         created_at=_ago(5), consents=said),)  # fmt: skip
    signals = evaluate_signals(_base([], customer=False, contacts=people, open_deal=True),
                               as_of=NOW)  # fmt: skip
    sent = {(s.discipline.value, s.contact_id) for s in signals.for_account("a1")}
    assert sent == {("sales", "vp")}
    assert signals.suppressed["held_back_because"].tolist() == [
        "no contact at the account has granted marketing consent"]  # fmt: skip
    before = evaluate_signals(_base([], customer=False, contacts=people, open_deal=True),
                              as_of=NOW - timedelta(days=4))  # fmt: skip
    assert ("marketing", "vp") in {(s.discipline.value, s.contact_id)
                                   for s in before.for_account("a1")}  # fmt: skip


def test_a_complaint_suppresses_the_advocate_signal() -> None:
    touches = [*_happy_customer(), _touch(7, "spam_report", 1, contact_id="fan")]
    signals = evaluate_signals(_base(touches), as_of=NOW)
    assert "advocate_candidate" not in {s.kind for s in signals.for_account("a1")}
    assert "pause_nurture" in {s.kind for s in signals.for_account("a1")}
    held = signals.suppressed.set_index("kind")
    assert held.loc["advocate_candidate", "held_back_because"] == (
        "suppressed by policy 'complaint_pause'"
    )


def test_web_surge_reaches_sales_with_pages() -> None:
    earlier = [_touch(n, "page_view", 40 + n, subject="/blog") for n in range(3)]
    surge = [_touch(100 + n, "page_view", 2, subject="/pricing") for n in range(12)]
    signals = evaluate_signals(_base(earlier + surge, customer=False), as_of=NOW)
    surge_signal = next(s for s in signals.for_account("a1") if s.kind == "web_surge")
    assert surge_signal.discipline is cu.Discipline.SALES
    assert "top_pages_14d = /pricing" in surge_signal.reasons


def test_low_adoption_alerts_customer_success() -> None:
    touches = [_touch(1, "seat_change", 100, quantity=50), _touch(2, "login", 3, contact_id="fan")]
    assert "adoption_risk" in _kinds(_base(touches))


def test_dormant_customer_enters_reactivation() -> None:
    assert "reactivation" in _kinds(_base([_touch(1, "login", 90, contact_id="fan")]))
    assert "reactivation" not in _kinds(_base([_touch(1, "login", 5, contact_id="fan")]))


def test_new_senior_contact_in_open_deal_reaches_sales_and_consenting_marketing() -> None:
    people = (
        cu.Contact(id="vp", account_id="a1", title="VP Sales", seniority="vp",
                   created_at=_ago(5), consents=GRANTED),
    )  # fmt: skip
    signals = evaluate_signals(_base([], customer=False, contacts=people, open_deal=True),
                               as_of=NOW).for_account("a1")  # fmt: skip
    found = {(s.discipline.value, s.contact_id) for s in signals if s.kind == "new_senior_contact"}
    assert found == {("sales", "vp"), ("marketing", "vp")}


def test_signals_expire() -> None:
    signals = evaluate_signals(_base([_touch(1, "ticket", 1, priority="p1", status="open")]),
                               as_of=NOW)  # fmt: skip
    assert len(signals.live(NOW + timedelta(days=1))) == 3
    assert set(signals.live(NOW + timedelta(days=5)).to_pandas()["kind"]) == {
        "pause_nurture", "pause_upsell"}  # fmt: skip
    assert len(signals.live(NOW + timedelta(days=8))) == 0


def test_custom_policy_with_precedence() -> None:
    upsell = Policy(name="upsell", when=[Condition(trait="features_30d", op=">=", value=1)],
                    emit=[Emit(kind="upsell", discipline="sales")], precedence=5)  # fmt: skip
    touches = [_touch(1, "feature_use", 2, subject="x"),
               _touch(2, "ticket", 1, priority="p1", status="open")]  # fmt: skip
    kinds = _kinds(_base(touches), policies=[*DEFAULT_POLICIES, upsell])
    assert "upsell" not in kinds
    kinds = _kinds(_base(touches[:1]), policies=[*DEFAULT_POLICIES, upsell])
    assert "upsell" in kinds


def test_bad_policies_and_moments_are_named() -> None:
    moody = Policy(name="moody", when=Condition(trait="mood", op=">=", value=1),
                   emit=[Emit(kind="x", discipline="sales")])  # fmt: skip
    with pytest.raises(UnknownNameError, match="policy 'moody': trait='mood' is not known"):
        evaluate_signals(_base([]), [moody])
    with pytest.raises(InvalidValueError, match="op='~'"):
        Condition(trait="open_tickets", op="~", value=1)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="priority=7"):
        Emit(kind="x", discipline="sales", priority=7)
    with pytest.raises(InvalidValueError, match="needs at least one condition"):
        Policy(name="empty", when=[], emit=[Emit(kind="x", discipline="sales")])
    with pytest.raises(InvalidValueError, match="used twice"):
        evaluate_signals(_base([]), policies=[*DEFAULT_POLICIES, DEFAULT_POLICIES[0]])
    with pytest.raises(InvalidValueError, match="is before the first event"):
        evaluate_signals(_base([_touch(1, "login", 5)]), as_of="2001-01-01")


def test_signal_set_is_deeply_read_only() -> None:
    signals = evaluate_signals(_base([_touch(1, "ticket", 1, priority="p1", status="open")]),
                               as_of=NOW)  # fmt: skip
    frame = signals.to_pandas()
    frame["kind"] = "changed"
    held = signals.suppressed
    held["kind"] = "changed"
    assert "changed" not in set(signals.to_pandas()["kind"]) | set(signals.suppressed["kind"])
    assert len(signals) == 3
    assert len(signals.to_pandas()) == 3
    assert len(signals.suppressed) == 1  # the reactivation of a customer with no product use
    assert not any(isinstance(v, pd.DataFrame) for v in vars_of(signals).values())
    assert repr(signals) == "SignalSet: 3 rows, as of 2026-06-01T00:00:00Z, held_back=1"
    assert signals._repr_html_().startswith("<div><strong>SignalSet: 3 rows")
    assert len(signals.live("2026-06-05")) == 2


def vars_of(value: object) -> dict[str, object]:
    """Public attributes of an attrs instance."""
    return {name: getattr(value, name) for name in dir(value)
            if not name.startswith("_") and name not in {"suppressed"}
            and not callable(getattr(value, name))}  # fmt: skip


def test_policies_take_any_condition_and_quote_context() -> None:
    software = Policy(
        name="software_surge",
        when=Condition(trait="industry", op="in", value=["Software"])
        & Condition(trait="web_visits_14d", op=">=", value=2),
        emit=[Emit(kind="web_surge", discipline="sales")],
        context=("top_pages_14d", "seats"),
    )
    touches = [_touch(n, "page_view", 1, subject="/pricing") for n in range(2)]
    base = cu.CustomerBase.from_objects(
        accounts=[cu.Account(id="a1", industry="Software")], interactions=touches
    )
    (signal,) = evaluate_signals(base, [software], as_of=NOW).for_account("a1")
    assert signal.reasons == (
        "industry = Software (industry in ('Software'))",
        "web_visits_14d = 2 (web_visits_14d >= 2)",
        "top_pages_14d = /pricing",  # seats are unknown: left out
    )
