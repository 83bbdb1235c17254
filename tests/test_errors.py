"""Every invalid argument of a public class raises the library's error, naming it.

Public attrs classes are found in the API. Each field of an instance (built with its
defaults, or from an example below) is replaced by a value of no sensible type; the
construction must fail with a ``CustomerUnderstandingError`` whose message names the
field. Fields that hold any object by design are listed in ``ANY_VALUE``.
"""

import importlib
import inspect
from collections.abc import Callable
from typing import Any

import attrs
import pytest

import customer_understanding as cu
from customer_understanding import committee, identity, ingest, scoring, segmentation, signals
from customer_understanding import traits as tr
from tests._packages import PACKAGES


class Junk:
    """A value no field accepts."""

    def __repr__(self) -> str:
        return "<junk>"


#: Fields that take any object on purpose.
ANY_VALUE = {
    ("Source", "data"),  # a DataFrame, a path, an iterable, anything with to_pandas()
    ("Interaction", "properties"),  # free-form properties from the source
}

#: Instances of classes that have no all-default constructor.
EXAMPLES: dict[str, Callable[[], object]] = {
    "Account": lambda: cu.Account(id="a1", name="Acme"),
    "AccountVocabulary": lambda: cu.domain.ACCOUNT_VOCABULARY,
    "Contact": lambda: cu.Contact(id="c1", email="ann@acme.com"),
    "Consent": lambda: cu.Consent(purpose="marketing_email", status="granted"),
    "Interaction": lambda: cu.Interaction(id="i1", occurred_at="2026-03-01", type="webinar"),
    "Opportunity": lambda: cu.Opportunity(id="o1", account_id="a1", created_at="2026-01-01"),
    "StageChange": lambda: cu.StageChange(stage="mql", at="2026-01-01"),
    "Source": lambda: ingest.Source(name="crm", data=[{"Id": "1"}], mapping="salesforce.Contact"),
    "SourceMapping": lambda: ingest.SourceMapping(system="crm", target="contact",
                                                   fields={"source_id": "id"}),
    "Field": lambda: identity.Field(column="email", kind="email"),
    "CandidateMatches": lambda: cu.base.CandidateMatches(level="contact"),
    "Linker": lambda: identity.Linker(fields=[identity.Field(column="email", kind="email")]),
    "RoleTemplate": lambda: committee.RoleTemplate(required={"champion": 1}),
    "TitleRule": lambda: committee.TitleRule(pattern="cfo", role="economic_buyer",
                                             confidence=0.8),
    "ClusterSegmenter": lambda: segmentation.ClusterSegmenter(
        traits={"n": tr.InteractionCount()}),
    "RuleSegment": lambda: segmentation.RuleSegment(
        name="open", when=tr.Condition(trait="open_tickets", op=">=", value=1)),
    "Condition": lambda: tr.Condition(trait="open_tickets", op=">=", value=1),
    "Emit": lambda: signals.Emit(kind="alert", discipline="sales"),
    "Policy": lambda: signals.Policy(name="p", when=tr.Condition(trait="open_tickets", op=">=",
                                                                value=1),
                                     emit=[signals.Emit(kind="alert", discipline="sales")]),
    "FitRule": lambda: scoring.FitRule(field="employees", points=10, at_least=100),
    "Deals": tr.Deals,
    "RecordField": lambda: tr.RecordField(name="employees"),
    "ConsentStatusTrait": lambda: tr.ConsentStatusTrait(purpose="tracking", channel="web"),
}  # fmt: skip


def _instances() -> list[tuple[str, object]]:
    found: dict[type, tuple[str, object]] = {}
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            cls = getattr(module, name)
            if not (inspect.isclass(cls) and attrs.has(cls)) or cls in found:
                continue
            try:
                found[cls] = (name, EXAMPLES[name]() if name in EXAMPLES else cls())
            except (KeyError, TypeError, cu.CustomerUnderstandingError):
                continue  # results and tables: built by the library, checked elsewhere
    return sorted(found.values(), key=lambda pair: pair[0])


def _cases() -> list[tuple[str, object, str]]:
    return [(name, instance, field.alias or field.name)
            for name, instance in _instances() for field in attrs.fields(type(instance))
            if field.init and (name, field.alias or field.name) not in ANY_VALUE]  # fmt: skip


CASES = _cases()


def test_the_examples_cover_the_strategies_and_domain_objects() -> None:
    names = {name for name, _, _ in CASES}
    expected = {"Account", "Contact", "Interaction", "EngagementScorer", "HealthScorer",
                "RFMSegmenter", "Policy", "Condition", "Linker", "InteractionCount"}  # fmt: skip
    assert expected <= names
    assert len(names) >= 40


@pytest.mark.parametrize(("name", "instance", "field"), CASES,
                         ids=[f"{name}.{field}" for name, _, field in CASES])  # fmt: skip
def test_a_bad_argument_is_a_library_error_naming_it(name: str, instance: Any,
                                                      field: str) -> None:  # fmt: skip
    with pytest.raises(cu.CustomerUnderstandingError) as caught:
        attrs.evolve(instance, **{field: Junk()})
    message = str(caught.value)
    assert field.lstrip("_") in message or "<junk>" in message, message


def test_public_errors_show_their_public_module() -> None:
    for error in (cu.CustomerUnderstandingError, cu.InvalidValueError, cu.UnknownNameError,
                  cu.NotFoundError, cu.IngestError):  # fmt: skip
        assert error.__module__ == "customer_understanding"
