"""Signals that close the loop between marketing, sales, service and product.

Declarative :class:`Policy` objects test account traits with the conditions of
:mod:`customer_understanding.traits` (standard traits, scores, segments and your own, as
of a moment) and emit :class:`Signal` objects addressed to a discipline, an owner and
sometimes a contact, each with the facts that fired it, an expiry, precedence between
policies and consent respected.
"""

from customer_understanding.signals._builtins import DEFAULT_POLICIES
from customer_understanding.signals._evaluate import SignalSet, evaluate_signals
from customer_understanding.signals._policy import Emit, Policy, Signal

__all__ = [
    "DEFAULT_POLICIES",
    "Emit",
    "Policy",
    "Signal",
    "SignalSet",
    "evaluate_signals",
]
