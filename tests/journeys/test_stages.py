import pytest

from customer_understanding import InvalidValueError, UnknownNameError
from customer_understanding.journeys import DEFAULT_MODEL, StageHistory, StageModel
from customer_understanding.tables import NAT


def _build(subject, stage, at, **options):
    return StageHistory.build(subject=subject, stage=stage, at=at, subjects=3, **options)


def test_default_model_covers_the_waterfall_and_the_customer_side():
    for name in (
        "known",
        "mql",
        "sal",
        "sql",
        "opportunity",
        "won",
        "lost",
        "recycled",
        "onboarding",
        "adopting",
        "at_risk",
        "dormant",
        "advocate",
    ):
        DEFAULT_MODEL.code(name)


def test_stage_names_are_parsed_loosely():
    assert DEFAULT_MODEL.code("At Risk") == DEFAULT_MODEL.code("at_risk")


def test_unknown_stage_name_is_rejected_with_the_known_names():
    with pytest.raises(UnknownNameError, match="stage='qualified-ish' is not one of: known"):
        _build([0], ["qualified-ish"], [1])


def test_history_is_sorted_by_subject_and_time():
    history = _build([1, 0, 0], ["known", "sql", "known"], [3, 9, 1])
    assert history.subject.tolist() == [0, 0, 1]
    assert history.at.tolist() == [1, 9, 3]


def test_going_backwards_without_recycle_is_an_error():
    with pytest.raises(InvalidValueError, match="subject 0 goes back to stage 'mql'"):
        _build([0, 0], ["sql", "mql"], [1, 2])


def test_going_backwards_can_be_dropped_and_counted():
    history = _build([0, 0, 0], ["mql", "sql", "mql"], [1, 2, 3], on_backwards="drop")
    assert history.dropped == 1
    assert len(history.stage) == 2


def test_recycle_stage_allows_walking_the_waterfall_again():
    history = _build([0] * 5, ["mql", "sql", "recycled", "known", "mql"], [1, 2, 3, 4, 5])
    assert history.dropped == 0
    assert len(history.stage) == 5


def test_customer_side_stages_may_come_in_any_order():
    history = _build([0] * 4, ["won", "adopting", "at_risk", "adopting"], [1, 2, 3, 4])
    assert history.dropped == 0


def test_stages_entered_at_the_same_time_are_ordered_by_the_waterfall():
    history = _build([0, 0], ["sql", "mql"], [5, 5])
    assert [DEFAULT_MODEL.stages[c] for c in history.stage] == ["mql", "sql"]


def test_first_entry_per_subject():
    history = _build([0, 2], ["mql", "mql"], [4, 6])
    assert history.first_entry("mql").tolist() == [4, NAT, 6]


def test_subject_out_of_range_is_rejected():
    with pytest.raises(InvalidValueError, match=r"subject\[0\]=3 must be in 0 … 2"):
        _build([3], ["known"], [1])


def test_missing_entry_time_is_rejected():
    with pytest.raises(InvalidValueError, match=r"at\[0\]=.* must be a time"):
        _build([0], ["known"], [NAT])


def test_custom_model_with_its_own_stages():
    model = StageModel(stages=("lead", "trial", "paying", "churned"), waterfall=("lead", "trial"))
    history = StageHistory.build(
        subject=[0, 0], stage=["lead", "paying"], at=[1, 2], subjects=1, model=model
    )
    assert history.stage.tolist() == [0, 2]


def test_model_waterfall_must_use_known_stages():
    with pytest.raises(UnknownNameError, match="stage='mql'"):
        StageModel(stages=("lead",), waterfall=("mql",))


def test_model_stages_must_not_repeat():
    with pytest.raises(InvalidValueError, match="must not repeat"):
        StageModel(stages=("lead", "Lead"), waterfall=("lead",))


def test_one_subject_becomes_a_domain_journey():
    history = _build([0, 1, 1], ["known", "known", "mql"], [1, 2, 3])
    journey = history.journey(1, subject_id="c-2")
    assert [change.stage.value for change in journey.changes] == ["known", "mql"]
    assert history.journey(2, subject_id="c-3").changes == ()


def test_journey_of_a_subject_out_of_range_is_rejected():
    with pytest.raises(InvalidValueError, match="subject=5"):
        _build([0], ["known"], [1]).journey(5, subject_id="x")


def test_journey_needs_domain_stage_names():
    model = StageModel(stages=("lead", "trial"), waterfall=("lead", "trial"))
    history = StageHistory.build(subject=[0], stage=["trial"], at=[1], subjects=1, model=model)
    with pytest.raises(UnknownNameError, match="stage='trial'"):
        history.journey(0, subject_id="c-1")
