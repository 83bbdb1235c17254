from random import Random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_understanding import InvalidValueError
from customer_understanding.identity import (
    EVIDENCE_RULES,
    MostRecent,
    Survivorship,
    Vote,
    ballots,
    golden_records,
    survivors,
)


def _winner(
    values: list[object], sources: list[str], *, rule: Vote, **columns: list[object]
) -> object:
    """The value ``rule`` picks among the records of one cluster."""
    fields = {"value": np.array(values, dtype=object)}
    fields.update({name: np.array(v, dtype=object) for name, v in columns.items()})
    clusters = np.zeros(len(values), dtype=np.int64)
    rules = {"value": rule}
    winners = survivors(
        fields,
        clusters,
        survivorship=Survivorship(rules=rules, default=MostRecent()),
        present={f: pd.notna(v) for f, v in fields.items()},
        n_clusters=1,
        sources=np.array(sources, dtype=object),
        times=np.zeros(len(values), dtype=np.int64),
    )
    return values[int(winners["value"][0])]


def test_a_one_off_typo_in_the_trusted_system_loses_to_the_spelling_others_agree_on() -> None:
    chosen = _winner(
        ["Nilssno", "Nilsson", "NILSSON", "Nilsson"],
        ["salesforce", "hubspot", "zendesk", "salesforce"],
        rule=Vote(spelling="name"),
    )
    assert chosen == "Nilsson"


def test_two_systems_outvote_three_copies_in_one() -> None:
    chosen = _winner(
        ["Lee", "Lee", "Lee", "Li", "Li"],
        ["salesforce", "salesforce", "salesforce", "hubspot", "zendesk"],
        rule=Vote(spelling="name"),
    )
    assert chosen == "Li"


def test_records_decide_between_spellings_carried_by_as_many_systems() -> None:
    chosen = _winner(
        ["Lee", "Li", "Li"], ["hubspot", "salesforce", "salesforce"], rule=Vote(spelling="name")
    )
    assert chosen == "Li"


def test_an_even_vote_goes_to_the_most_trusted_system() -> None:
    assert _winner(["Lee", "Li"], ["hubspot", "salesforce"], rule=Vote()) == "Li"
    assert _winner(["Lee", "Li"], ["hubspot", "salesforce"], rule=Vote(order=["hubspot"])) == "Lee"


def test_the_email_address_witnesses_the_right_spelling() -> None:
    rule = Vote(spelling="name", witness="email")
    chosen = _winner(
        ["Walekr", "Walker"],
        ["salesforce", "hubspot"],
        rule=rule,
        email=["ann.walker@acme.com", None],
    )
    assert chosen == "Walker"
    # an initial before the family name (``awalker``) witnesses it too
    chosen = _winner(
        ["Walekr", "Walker"],
        ["salesforce", "hubspot"],
        rule=rule,
        email=["awalker@acme.com", "awalker@acme.com"],
    )
    assert chosen == "Walker"


def test_the_exact_word_of_the_address_beats_a_shortened_one() -> None:
    rule = Vote(spelling="name", witness="email")
    chosen = _winner(
        ["Ros", "Ross"], ["salesforce", "hubspot"], rule=rule, email=["luke.ross@acme.com", None]
    )
    assert chosen == "Ross"


def test_a_spelling_other_people_share_beats_a_one_off() -> None:
    values = np.array(["Ashhford", "Ashford", "Ashford"], dtype=object)
    winners = survivors(
        {"last": values},
        np.array([0, 0, 1]),
        n_clusters=2,
        survivorship=Survivorship(default=Vote(spelling="name")),
        present={"last": np.ones(3, dtype=bool)},
        sources=np.array(["salesforce", "hubspot", "hubspot"], dtype=object),
    )
    assert values[winners["last"][0]] == "Ashford"


def test_an_initial_wins_only_when_no_record_has_the_name() -> None:
    assert _winner(["A.", "Tony"], ["salesforce", "hubspot"], rule=Vote(spelling="name")) == "Tony"
    assert _winner(["A."], ["hubspot"], rule=Vote(spelling="name")) == "A."


def test_work_email_beats_free_mail_even_when_more_records_carry_the_free_mail() -> None:
    rule = Vote(spelling="email", work_email_first=True)
    chosen = _winner(
        ["ann.lee@gmail.com", "ann.lee@gmail.com", "ann.lee@acme.com"],
        ["salesforce", "hubspot", "zendesk"],
        rule=rule,
    )
    assert chosen == "ann.lee@acme.com"
    assert _winner(["ann.lee@gmail.com"], ["hubspot"], rule=rule) == "ann.lee@gmail.com"


def test_a_team_inbox_is_nobodys_own_address_and_wins_last() -> None:
    rule = Vote(spelling="email", work_email_first=True)
    team = ["info@acme.com", "info@acme.com", "Sales+eu@acme.com"]
    chosen = _winner([*team, "ann.lee@acme.com"], ["salesforce", "hubspot", "zendesk", "hubspot"],
                     rule=rule)  # fmt: skip
    assert chosen == "ann.lee@acme.com"
    # a private address is still the person's own: it beats the company's shared one
    assert _winner(["info@acme.com", "ann@gmail.com"], ["salesforce", "zendesk"],
                   rule=rule) == "ann@gmail.com"  # fmt: skip
    assert _winner(["info@acme.com"], ["hubspot"], rule=rule) == "info@acme.com"


def test_an_address_other_people_hold_is_no_likelier_this_persons() -> None:
    """Names lean to the spelling many people share; identifiers do not."""
    values = np.array(["ann@acme.com", "a.lee@acme.com", "a.lee@acme.com", "a.lee@acme.com"],
                      dtype=object)  # fmt: skip
    clusters = np.array([0, 0, 1, 2])
    winners = survivors(
        {"email": values},
        clusters,
        n_clusters=3,
        survivorship=Survivorship(default=Vote(spelling="email")),
        present={"email": np.ones(4, dtype=bool)},
        sources=np.array(["salesforce", "salesforce", "hubspot", "zendesk"], dtype=object),
        ids=np.array(["b", "a", "c", "d"], dtype=object),
    )
    assert values[winners["email"][0]] == "a.lee@acme.com"  # the ids' order, not the crowd
    ids = np.array(["a", "b", "c", "d"], dtype=object)
    winners = survivors({"email": values}, clusters, n_clusters=3,
                        survivorship=Survivorship(default=Vote(spelling="email")),
                        present={"email": np.ones(4, dtype=bool)},
                        sources=np.array(["salesforce"] * 4, dtype=object), ids=ids)  # fmt: skip
    assert values[winners["email"][0]] == "ann@acme.com"


def test_organisation_names_vote_without_legal_suffixes_and_keep_the_commonest_writing() -> None:
    chosen = _winner(
        ["Acme Inc", "ACME, INC.", "Amce", "Acme Inc"],
        ["salesforce", "hubspot", "zendesk", "salesforce"],
        rule=Vote(spelling="organisation"),
    )
    assert chosen == "Acme Inc"


def test_head_counts_vote_by_band() -> None:
    chosen = _winner(
        [180.0, 170.0, 450.0],
        ["salesforce", "hubspot", "zendesk"],
        rule=Vote(spelling="employee_band"),
    )
    assert chosen == 180.0


def test_winners_do_not_depend_on_record_order() -> None:
    values = ["Nilssno", "Nilsson", "NILSSON", "Lee"]
    sources = ["salesforce", "hubspot", "zendesk", "web"]
    forward = _winner(values, sources, rule=Vote(spelling="name"))
    backward = _winner(values[::-1], sources[::-1], rule=Vote(spelling="name"))
    assert forward == backward == "Nilsson"


def test_ballots_show_each_spellings_support() -> None:
    table = ballots(
        Vote(spelling="name"),
        np.array(["Lee", "LEE", "Li"], dtype=object),
        clusters=np.zeros(3, dtype=np.int64),
        sources=np.array(["salesforce", "hubspot", "hubspot"], dtype=object),
    )
    assert table["systems"].tolist() == [2, 2, 1]
    assert table["records"].tolist() == [2, 2, 1]


def test_labels_name_the_options() -> None:
    assert Vote().label == "vote(text)"
    assert EVIDENCE_RULES["last_name"].label == "vote(name, witness email)"


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"spelling": "soundex"}, "spelling"),
        ({"order": []}, "order"),
        ({"work_email_first": "yes"}, "work_email_first"),
        ({"witness": 3}, "witness"),
    ],
)
def test_bad_options_are_refused(options: dict[str, object], named: str) -> None:
    with pytest.raises(InvalidValueError, match=named):
        Vote(**options)  # type: ignore[arg-type]


def test_a_missing_witness_field_is_named() -> None:
    records = pd.DataFrame({"last": ["Lee", "Li"]})
    with pytest.raises(InvalidValueError, match="'email'"):
        golden_records(records, [0, 0], default=Vote(spelling="name", witness="email"))


def test_golden_records_votes_with_sources_and_provenance() -> None:
    records = pd.DataFrame(
        {
            "system": ["salesforce", "hubspot", "zendesk"],
            "last": ["Nilssno", "Nilsson", "Nilsson"],
            "email": ["j.nilsson@acme.com", "julien@gmail.com", None],
        }
    )
    result = golden_records(
        records,
        [0, 0, 0],
        source_column="system",
        rules={"email": Vote(spelling="email", work_email_first=True)},
        default=Vote(spelling="name", witness="email"),
    )
    assert result.to_pandas().loc[0].tolist() == ["Nilsson", "j.nilsson@acme.com"]
    assert set(result.provenance()["rule"]) == {
        "vote(name, witness email)",
        "vote(email, work first)",
    }


_NAMES = st.sampled_from(["Nilsson", "NILSSON", "Nilssno", "Lee", "A.", None])
_SYSTEMS = st.sampled_from(["salesforce", "hubspot", "zendesk", "web"])


@given(
    st.lists(st.tuples(_NAMES, _SYSTEMS, st.integers(0, 2)), min_size=1, max_size=12),
    st.randoms(use_true_random=False),
)
def test_any_record_order_gives_the_same_winners(
    rows: list[tuple[str | None, str, int]], shuffle: Random
) -> None:
    def winners(order: list[int]) -> dict[int, str | None]:
        names = np.array([rows[i][0] for i in order], dtype=object)
        clusters = np.array([rows[i][2] for i in order], dtype=np.int64)
        chosen = survivors(
            {"last": names, "email": np.array([f"{n}@acme.com" for n in names], dtype=object)},
            clusters,
            n_clusters=3,
            ids=np.array(order),
            survivorship=Survivorship(default=Vote(spelling="name", witness="email")),
            present={"last": pd.notna(names), "email": pd.notna(names)},
            sources=np.array([rows[i][1] for i in order], dtype=object),
        )["last"]
        return {c: None if row < 0 else names[row] for c, row in enumerate(chosen)}

    order = list(range(len(rows)))
    shuffled = order.copy()
    shuffle.shuffle(shuffled)
    assert winners(order) == winners(shuffled)


@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.sampled_from(["Ann", "ann", "Anne", "ANN", "Bo", "bo"])),
        min_size=1,
        max_size=30,
    ),
    st.integers(1, 5),
)
def test_rules_on_some_clusters_with_the_others_beside_pick_what_a_run_over_all_picks(
    rows: list[tuple[int, str]], cut: int
) -> None:
    clusters = np.array([cluster for cluster, _ in rows], dtype=np.int64)
    values = np.array([value for _, value in rows], dtype=object)
    ids = np.array([f"r{i:02d}" for i in range(len(rows))], dtype=object)
    rules = Survivorship(default=Vote(spelling="name"))
    everything = survivors({"name": values}, clusters, survivorship=rules, n_clusters=6,
                           present={"name": np.ones(len(rows), dtype=bool)}, ids=ids)  # fmt: skip
    run = clusters >= cut
    kept = ~run
    some = survivors({"name": values[run]}, clusters[run] - cut, survivorship=rules,
                     n_clusters=6 - cut, present={"name": np.ones(int(run.sum()), dtype=bool)},
                     ids=ids[run], beside={"name": (values[kept], clusters[kept])})  # fmt: skip
    positions = np.flatnonzero(run)
    for cluster in range(cut, 6):
        won = some["name"][cluster - cut]
        picked = values[positions[won]] if won >= 0 else None
        expected = values[everything["name"][cluster]] if everything["name"][cluster] >= 0 else None
        assert picked == expected


_FIELDS = {
    "first_name": ["Ann", "ann", "A.", None],
    "email": ["ann@acme.com", "info@acme.com", "ann@gmail.com", None],
    "phone": ["+1 555 0100", "555-0101", None],
    "department": ["Sales", "sales", None],
    "created_at": [1, 5, 9, None],
}


@given(st.lists(st.tuples(*(st.sampled_from(v) for v in _FIELDS.values()),
                          st.sampled_from(["salesforce", "hubspot", "zendesk", "web"]),
                          st.integers(0, 10)), min_size=1, max_size=8))  # fmt: skip
def test_clusters_of_one_record_win_as_in_any_run(rows: list[tuple[object, ...]]) -> None:
    """A run where each cluster is one record (an online add) picks what a mixed run picks."""
    n = len(rows)
    columns = {f: np.array([r[i] for r in rows] + [r[i] for r in rows[:1]] * 2, dtype=object)
               for i, f in enumerate(_FIELDS)}  # fmt: skip
    sources = np.array([r[-2] for r in rows] + ["web", "crm"], dtype=object)
    times = np.array([r[-1] for r in rows] + [3, 4], dtype=np.int64)
    ids = np.array([f"r{i}" for i in range(n + 2)], dtype=object)
    rules = Survivorship(rules=EVIDENCE_RULES)

    def run(m: int, clusters: list[int]) -> dict[str, list[int]]:
        won = survivors({f: v[:m] for f, v in columns.items()}, np.array(clusters),
                        survivorship=rules, n_clusters=max(clusters) + 1,
                        present={f: pd.notna(v[:m]) for f, v in columns.items()},
                        sources=sources[:m], times=times[:m], ids=ids[:m])  # fmt: skip
        return {f: w[:n].tolist() for f, w in won.items()}

    # one record per cluster, then the same beside a cluster of two (the general path)
    assert run(n, list(range(n))) == run(n + 2, [*range(n), n, n])


@given(st.lists(st.one_of(st.sampled_from(["a", "A", "b", ""]), st.integers(-2, 2),
                          st.none(), st.just(float("nan"))), max_size=80))  # fmt: skip
def test_codes_of_few_values_are_pandas_codes(values: list[object]) -> None:
    from customer_understanding.identity._votes import _factorize

    array = np.array(values, dtype=object)
    codes, uniques = _factorize(array)
    expected, distinct = pd.factorize(array)
    assert codes.tolist() == expected.tolist()
    assert uniques.tolist() == np.asarray(distinct).tolist()


@pytest.mark.parametrize(
    ("beside", "message"),
    [
        ({"city": (np.array(["x"]), np.array([0]))}, "beside names field 'city', which"),
        ({"name": (np.array(["x", "y"]), np.array([0]))}, r"beside\['name'\] must be \(values, "),
        ({"name": ["x"]}, r"beside\['name'\] must be \(values, clusters\)"),
    ],
)
def test_records_beside_a_run_must_be_a_field_s_values_and_clusters(
    beside: object, message: str
) -> None:
    with pytest.raises(InvalidValueError, match=message):
        survivors(
            {"name": np.array(["Ann"], dtype=object)},
            np.array([0]),
            n_clusters=1,
            survivorship=Survivorship(default=Vote(spelling="name")),
            present={"name": np.array([True])},
            beside=beside,
        )  # type: ignore[arg-type]
