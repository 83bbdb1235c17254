"""Which consent statement is in force: the latest dated one, across systems and channels."""

import pytest

import customer_understanding as cu
from customer_understanding.domain import CONSENT_CAUTION, latest_consent

CRM = cu.SourceRef(system="salesforce", id="0ZW1")
MA = cu.SourceRef(system="hubspot", id="7")


def _said(status: str, at: str | None = None, **kwargs: object) -> cu.Consent:
    return cu.Consent(purpose=kwargs.pop("purpose", "marketing"), status=status,
                      updated_at=at, **kwargs)  # type: ignore[arg-type]  # fmt: skip


def test_a_newer_opt_out_beats_an_older_grant_from_another_system() -> None:
    older, newer = _said("granted", "2025-03-01", source=CRM), _said("denied", "2026-02-01",
                                                                        source=MA)  # fmt: skip
    chosen = latest_consent([newer, older], "marketing")
    assert chosen is newer
    assert chosen.source == MA
    assert str(chosen.updated_at.date()) == "2026-02-01"


def test_a_dated_statement_beats_an_undated_flag() -> None:
    flag = _said("denied")
    dated = _said("granted", "2024-01-01")
    assert latest_consent([flag, dated], "marketing") is dated


def test_among_undated_flags_a_denial_wins() -> None:
    assert latest_consent([_said("granted"), _said("denied")], "marketing").status.value == (
        "denied"
    )


def test_at_the_same_moment_a_denial_wins() -> None:
    same = "2026-01-01T10:00:00Z"
    chosen = latest_consent([_said("denied", same), _said("granted", same)], "marketing")
    assert chosen.status is cu.ConsentStatus.DENIED


def test_a_later_unknown_does_not_undo_a_stated_answer() -> None:
    chosen = latest_consent([_said("granted", "2025-01-01"), _said("unknown", "2026-01-01")],
                            "marketing")  # fmt: skip
    assert chosen.status is cu.ConsentStatus.GRANTED


def test_nothing_recorded_is_not_consent() -> None:
    ann = cu.Contact(id="c1", consents=[_said("granted", "2025-01-01")])
    assert latest_consent(ann.consents, "tracking") is None
    assert ann.consent("tracking") is cu.ConsentStatus.UNKNOWN
    assert not ann.allows("tracking")
    assert ann.allows("marketing")


def test_a_channel_question_reads_that_channel_and_statements_for_every_channel() -> None:
    email_no = _said("denied", "2026-01-01", channel="email")
    phone_yes = _said("granted", "2026-02-01", channel="phone")
    everything_yes = _said("granted", "2025-01-01")
    ann = cu.Contact(id="c1", consents=[email_no, phone_yes, everything_yes])
    assert ann.consent("marketing", channel="email") is cu.ConsentStatus.DENIED
    assert ann.consent("marketing", channel="phone") is cu.ConsentStatus.GRANTED
    assert ann.consent("marketing", channel="post") is cu.ConsentStatus.GRANTED
    assert ann.consent("marketing") is cu.ConsentStatus.GRANTED  # the latest on any channel


def test_purposes_parse_from_the_words_exports_use() -> None:
    parse = cu.ConsentPurpose.parse
    assert parse("Case Studies") is cu.ConsentPurpose.REFERENCES
    assert parse("product analytics") is cu.ConsentPurpose.TRACKING
    assert parse("sales calls") is cu.ConsentPurpose.SALES_OUTREACH
    assert parse("marketing e-mail") is cu.ConsentPurpose.MARKETING
    assert cu.ConsentStatus.parse("NOT_SUBSCRIBED") is cu.ConsentStatus.DENIED
    assert cu.ConsentStatus.parse("Opt In") is cu.ConsentStatus.GRANTED


def test_caution_orders_denied_over_granted_over_unknown() -> None:
    order = sorted(cu.ConsentStatus, key=CONSENT_CAUTION.__getitem__)
    assert [s.value for s in order] == ["unknown", "granted", "denied"]


@pytest.mark.parametrize(
    ("fields", "error", "named"),
    [
        ({"purpose": "spam", "status": "granted"}, cu.UnknownNameError, "'spam'"),
        ({"purpose": "marketing", "status": "maybe"}, cu.UnknownNameError, "'maybe'"),
        ({"purpose": "marketing", "status": "granted", "updated_at": "soon"},
         cu.InvalidValueError, "updated_at='soon'"),
        ({"purpose": "marketing", "status": "granted", "channel": ["email"]},
         cu.InvalidValueError, "channel"),
    ],
)  # fmt: skip
def test_a_bad_statement_is_refused_naming_the_value(
    fields: dict[str, object], error: type[Exception], named: str
) -> None:
    with pytest.raises(error, match=named):
        cu.Consent(**fields)  # type: ignore[arg-type]


def test_asking_about_an_unknown_purpose_is_refused() -> None:
    with pytest.raises(cu.UnknownNameError, match="'newsletter'"):
        latest_consent([], "newsletter")
