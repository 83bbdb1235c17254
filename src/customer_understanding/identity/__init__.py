"""Identity resolution: which records are one customer, and what the customer looks like.

Declare what each column holds with :class:`Field`, then let a :class:`Linker`
deduplicate one table or link several: blocking rules pick the candidate pairs, a
Fellegi-Sunter model fitted without labels scores them, links become clusters on a graph
with guards against over-merging, and every decision keeps its evidence.

Identity also owns resolution for the customer base: the :class:`Resolution` a resolver
returns, the exact-key resolvers (:func:`resolve_exact`, :func:`resolve_as_given`),
:func:`entity_ids` keyed with a secret (:func:`keyed_ids`), the
:class:`ProbabilisticResolver`, and golden records with per-field survivorship rules
(:class:`Survivorship`, :func:`golden_records`), the shared-inbox guard
(:class:`SharedInboxes`), a steward's :class:`Overrides` and the :class:`ReviewPairs`
the resolver was unsure of.

Examples
--------
>>> import pandas as pd
>>> from customer_understanding.identity import Field, Linker
>>> people = pd.DataFrame({"given": ["Kate", "Katherine", "Tom"],
...                        "family": ["Moss", "Moss", "Hill"],
...                        "email": ["kate@x.io", "kate@x.io", "tom@y.io"]})
>>> linker = Linker(fields=[Field(column="given", kind="given_name"),
...     Field(column="family", kind="family_name"), Field(column="email", kind="email")],
...     link_threshold=0.7)  # a three-row table carries little evidence
>>> linker.deduplicate(people).clusters.tolist()
[0, 0, 1]
"""

from typing import TYPE_CHECKING, Any

from customer_understanding._core import load_module
from customer_understanding.identity._active import learn_actively
from customer_understanding.identity._blocking import BlockingReport, BlockingRule, blocking_report
from customer_understanding.identity._context import LinkContext
from customer_understanding.identity._default_rules import default_rules
from customer_understanding.identity._evaluate import Scores, cluster_scores, pair_scores
from customer_understanding.identity._fields import KINDS, Field, normalise
from customer_understanding.identity._frequencies import Frequencies
from customer_understanding.identity._inboxes import ROLE_MAILBOXES, SharedInboxes
from customer_understanding.identity._lead_to_account import AccountMatches, LeadToAccount
from customer_understanding.identity._linker import Linker
from customer_understanding.identity._model import FellegiSunter
from customer_understanding.identity._overrides import (
    Overrides,
    RecordPair,
    RecordRef,
    ReviewPairs,
)
from customer_understanding.identity._placeholders import PLACEHOLDERS
from customer_understanding.identity._plots import (
    plot_cluster_sizes,
    plot_match_weights,
    plot_parameters,
    plot_waterfall,
)
from customer_understanding.identity._prepared_accounts import PreparedAccounts
from customer_understanding.identity._resolution import (
    ID_KEY_VARIABLE,
    IdKey,
    Resolution,
    entity_ids,
    keyed_ids,
    resolve_as_given,
    resolve_exact,
)
from customer_understanding.identity._resolver import ProbabilisticResolver
from customer_understanding.identity._result import LinkResult
from customer_understanding.identity._rules import (
    DEFAULT_PRIORITY,
    EVIDENCE_RULES,
    Custom,
    Earliest,
    MostComplete,
    MostFrequent,
    MostRecent,
    Rule,
    SourcePriority,
    Spelling,
    Survivorship,
    Vote,
)
from customer_understanding.identity._scorer import RecordScorer
from customer_understanding.identity._steps import LinkerSteps
from customer_understanding.identity._survive import survivors
from customer_understanding.identity._survivorship import GoldenRecords, golden_records
from customer_understanding.identity._unsettled import unsettled
from customer_understanding.identity._votes import Spelled, ballots

if TYPE_CHECKING:
    from customer_understanding.identity._recordlinkage import (
        EcmLinks,
        candidate_pairs,
        compare_pairs,
        ecm_links,
    )

# The recordlinkage adapter imports recordlinkage (about a second): loaded on first use.
_ADAPTER = frozenset({"EcmLinks", "candidate_pairs", "compare_pairs", "ecm_links"})

__all__ = [
    "DEFAULT_PRIORITY",
    "EVIDENCE_RULES",
    "ID_KEY_VARIABLE",
    "KINDS",
    "PLACEHOLDERS",
    "ROLE_MAILBOXES",
    "AccountMatches",
    "BlockingReport",
    "BlockingRule",
    "Custom",
    "Earliest",
    "EcmLinks",
    "FellegiSunter",
    "Field",
    "Frequencies",
    "GoldenRecords",
    "IdKey",
    "LeadToAccount",
    "LinkContext",
    "LinkResult",
    "Linker",
    "LinkerSteps",
    "MostComplete",
    "MostFrequent",
    "MostRecent",
    "Overrides",
    "PreparedAccounts",
    "ProbabilisticResolver",
    "RecordPair",
    "RecordRef",
    "RecordScorer",
    "Resolution",
    "ReviewPairs",
    "Rule",
    "Scores",
    "SharedInboxes",
    "SourcePriority",
    "Spelled",
    "Spelling",
    "Survivorship",
    "Vote",
    "ballots",
    "blocking_report",
    "candidate_pairs",
    "cluster_scores",
    "compare_pairs",
    "default_rules",
    "ecm_links",
    "entity_ids",
    "golden_records",
    "keyed_ids",
    "learn_actively",
    "normalise",
    "pair_scores",
    "plot_cluster_sizes",
    "plot_match_weights",
    "plot_parameters",
    "plot_waterfall",
    "resolve_as_given",
    "resolve_exact",
    "survivors",
    "unsettled",
]


def __getattr__(name: str) -> Any:
    if name in _ADAPTER:
        adapter = load_module("customer_understanding.identity._recordlinkage")
        value = getattr(adapter, name)
        globals()[name] = value
        return value
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
