"""Loading a module on first use from any thread, without an import-lock deadlock.

The package loads its heavier parts lazily (a module ``__getattr__``, plugins named in
the registry). Python takes one lock per module, so two threads that start loading
nested modules of one package from different ends can each hold a lock the other needs
(CPython issue 83065). Every lazy load goes through :func:`load_module`, which serialises
first loads behind one re-entrant lock: the threads queue on it, in one order, instead of
on the module locks in opposite orders. A module already loaded is returned without it.
"""

from __future__ import annotations

import importlib
import sys
import threading
from types import ModuleType

__all__ = ["load_module"]

_LOADING = threading.RLock()


def _loaded(name: str) -> ModuleType | None:
    module = sys.modules.get(name)
    spec = getattr(module, "__spec__", None)
    if module is None or getattr(spec, "_initializing", False):
        return None  # not there yet, or another thread is still running its body
    return module


def load_module(name: str) -> ModuleType:
    """The module ``name``, imported now if this is its first use (thread-safe).

    Examples
    --------
    >>> load_module("customer_understanding.domain").__name__
    'customer_understanding.domain'
    """
    module = _loaded(name)
    if module is not None:
        return module
    with _LOADING:
        return importlib.import_module(name)
