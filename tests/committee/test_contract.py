"""Every committee result follows the result contract; every bad argument is a library error."""

import html
from typing import Any

import numpy as np
import pandas as pd
import pytest

from customer_understanding import CustomerUnderstandingError
from customer_understanding.committee import (
    DEFAULT_TEMPLATE,
    Committee,
    CommitteeSet,
    CoverageReport,
    Gap,
    RoleAssignment,
    RoleTemplate,
    TemplateByDealSize,
    TitleRule,
    assign_roles,
    buying_committee,
    committee_coverage,
    committees,
    infer_role,
)
from customer_understanding.typing import Result
from tests.committee.test_as_of import BASE

TABLES = BASE.tables
RESULTS: dict[str, Any] = {
    "Committee": buying_committee(BASE, "a1"),
    "CommitteeSet": committees(BASE),
    "CoverageReport": committee_coverage(BASE),
    "RoleAssignment": assign_roles(
        TABLES.contacts, roles=TABLES.contact_roles, deals=TABLES.opportunities
    ),
}
FORBIDDEN = {"id", "contact", "account", "customer_id", "opportunity"}


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_result_contract(name: str) -> None:
    result = RESULTS[name]
    assert isinstance(result, Result)
    frame = result.to_pandas()
    assert not FORBIDDEN & set(frame.columns)
    assert {"account_id", "contact_id"} & set(frame.columns)
    size = len(frame)
    frame["intruder"] = 0  # a caller's change in place
    assert "intruder" not in result.to_pandas().columns
    text = repr(result)
    assert text.startswith(name)
    assert "\n" not in text
    assert len(text) < 200
    assert result._repr_html_().startswith(f"<div><strong>{html.escape(text)}")
    assert len(result) == size


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_results_are_deeply_read_only(name: str) -> None:
    result = RESULTS[name]
    for field in type(result).__attrs_attrs__:
        value = getattr(result, field.name)
        if isinstance(value, np.ndarray):
            assert not value.flags.writeable, field.name
        # A DataFrame may only be held privately (the accessors hand out copies).
        assert field.name.startswith("_") or not isinstance(value, pd.DataFrame), field.name
        assert not isinstance(value, dict | list), field.name
    for attribute in ("members", "edges", "accounts", "gaps"):
        if isinstance(getattr(result, attribute, None), pd.DataFrame):
            table = getattr(result, attribute)
            table["intruder"] = 0  # changed in place
            assert "intruder" not in getattr(result, attribute).columns


def test_a_committee_graph_is_the_callers_own() -> None:
    committee = RESULTS["Committee"]
    committee.graph.add_node("intruder")
    assert "intruder" not in committee.graph
    assert committee.to_pandas()["account_id"].tolist() == ["a1", "a1"]


def test_templates_cannot_be_changed_in_place() -> None:
    with pytest.raises(TypeError):
        DEFAULT_TEMPLATE.required[next(iter(DEFAULT_TEMPLATE.required))] = 5  # type: ignore[index]


MEMBERS = pd.DataFrame({"contact_id": ["c1"]})
REPORT = RESULTS["CoverageReport"]
BAD_CONSTRUCTIONS = [
    (TitleRule, {"pattern": "(", "role": "champion"}, "pattern='\\('"),
    (TitleRule, {"pattern": 5, "role": "champion"}, "pattern=5"),
    (TitleRule, {"pattern": "cfo", "role": "boss"}, "role='boss'"),
    (TitleRule, {"pattern": "cfo", "role": "champion", "confidence": 2}, "confidence=2"),
    (TitleRule, {"pattern": "cfo", "role": "champion", "confidence": "x"}, "confidence='x'"),
    (RoleTemplate, {"required": 5}, "required=5"),
    (RoleTemplate, {"required": {"champion": 1}, "engaged_within_days": "x"}, "engaged_within"),
    (RoleTemplate, {"required": {"champion": 1}, "name": 5}, "name=5"),
    (TemplateByDealSize, {"tiers": 5}, "tiers=5"),
    (TemplateByDealSize, {"tiers": [("x", DEFAULT_TEMPLATE)]}, "minimum 'x'"),
    (Gap, {"account_id": "a", "kind": "bored", "reason": "r"}, "kind='bored'"),
    (Gap, {"account_id": 5, "kind": "missing_role", "reason": "r"}, "account_id=5"),
    (Gap, {"account_id": "a", "kind": "missing_role", "reason": "r", "role": "boss"}, "boss"),
    (RoleAssignment, {"role": "x", "confidence": [1.0], "declared": [True]}, "role="),
    (RoleAssignment, {"role": [0], "confidence": [1.0, 2.0], "declared": [True]}, "length"),
    (CoverageReport, {"as_of": "soon", "template": DEFAULT_TEMPLATE, "accounts": MEMBERS,
                      "gaps": MEMBERS}, "as_of='soon'"),
    (CoverageReport, {"as_of": 0, "template": "default", "accounts": MEMBERS,
                      "gaps": MEMBERS}, "template='default'"),
    (CoverageReport, {"as_of": 0, "template": DEFAULT_TEMPLATE, "accounts": {},
                      "gaps": MEMBERS}, "accounts="),
    (Committee, {"account_id": "a1", "as_of": "x", "members": MEMBERS, "coverage": 0.5},
     "as_of='x'"),
    (Committee, {"account_id": "a1", "as_of": 0, "members": [], "coverage": 0.5}, "members="),
    (Committee, {"account_id": "a1", "as_of": 0, "members": MEMBERS, "coverage": 1.5},
     "coverage=1.5"),
    (Committee, {"account_id": "a1", "as_of": 0, "members": MEMBERS, "coverage": 0.5,
                 "gaps": ["no"]}, "gaps="),
    (CommitteeSet, {"as_of": 0, "members": MEMBERS, "edges": MEMBERS, "coverage": 5},
     "coverage=5"),
    (CommitteeSet, {"as_of": 0, "members": None, "edges": MEMBERS, "coverage": REPORT},
     "members=None"),
]  # fmt: skip


@pytest.mark.parametrize(("cls", "arguments", "named"), BAD_CONSTRUCTIONS)
def test_bad_construction_is_a_library_error(
    cls: Any, arguments: dict[str, Any], named: str
) -> None:
    with pytest.raises(CustomerUnderstandingError, match=named):
        cls(**arguments)


def _roles(**arguments: Any) -> Any:
    options = {"roles": TABLES.contact_roles, "deals": TABLES.opportunities} | arguments
    return assign_roles(TABLES.contacts, **options)


BAD_CALLS = [
    (lambda: committees(BASE, as_of="soon"), "as_of='soon'"),
    (lambda: committees(BASE, as_of="2020-01-01"), "before the first event"),
    (lambda: committees(BASE, half_life_days="x"), "half_life_days='x'"),
    (lambda: committees(BASE, template="big"), "template='big'"),
    (lambda: buying_committee(BASE, "a1", as_of=[2026]), r"as_of=\[2026\]"),
    (lambda: buying_committee(BASE, 5), "account_id=5"),
    (lambda: buying_committee(BASE, "nope"), "account_id='nope'"),
    (lambda: buying_committee(BASE, "a1", opportunity_id="o9"), "opportunity_id='o9'"),
    (lambda: buying_committee(BASE, "a1", half_life_days=0), "half_life_days=0"),
    (lambda: committee_coverage(BASE, as_of=True), "as_of=True"),
    (lambda: committee_coverage(BASE, template=None), "template=None"),
    (lambda: _roles(as_of="soon"), "as_of='soon'"),
    (lambda: _roles(roles="x"), "roles='x'"),
    (lambda: _roles(rules=[5]), "rules=5"),
    (lambda: infer_role(5), "title=5"),
    (lambda: REPORT.gaps_of("nope"), "account_id='nope'"),
    (lambda: RESULTS["CommitteeSet"].committee("nope"), "account_id='nope'"),
    (lambda: RESULTS["Committee"].changes_since("before"), "earlier='before'"),
    (lambda: TemplateByDealSize(tiers=[(0, DEFAULT_TEMPLATE)]).tier_of(["x"]), "amounts="),
]


@pytest.mark.parametrize(("call", "named"), BAD_CALLS)
def test_bad_call_is_a_library_error(call: Any, named: str) -> None:
    with pytest.raises(CustomerUnderstandingError, match=named):
        call()
