"""The typed registry of scorers, segmenters and attributors, with entry-point discovery.

Built-ins are imported on first use. Installed packages add strategies through the
entry-point groups ``customer_understanding.scorers``, ``customer_understanding.segmenters``
and ``customer_understanding.attributors``, and traits through
``customer_understanding.traits`` (their names resolve in :mod:`customer_understanding.traits`).
Discovery is lazy: a group's entry-point *names* are read once, on its first look-up (which
imports nothing), and a plugin's module is imported only when that plugin is asked for by
name. A plugin whose name is taken is skipped with a :class:`PluginWarning`; one that fails
to import (whatever it raises, even ``SystemExit``) gives a warning naming it and is then
unknown, so built-ins always work.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any, cast

from customer_understanding._core import load_module
from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.typing import Attributor, Scorer, Segmenter

__all__ = [
    "ATTRIBUTOR_GROUP",
    "SCORER_GROUP",
    "SEGMENTER_GROUP",
    "TRAIT_GROUP",
    "PluginWarning",
    "attributor_names",
    "clear_plugin_cache",
    "get_attributor",
    "get_scorer",
    "get_segmenter",
    "installed_traits",
    "scorer_names",
    "segmenter_names",
]

SCORER_GROUP = "customer_understanding.scorers"
SEGMENTER_GROUP = "customer_understanding.segmenters"
TRAIT_GROUP = "customer_understanding.traits"
ATTRIBUTOR_GROUP = "customer_understanding.attributors"

_BUILTINS: Mapping[str, Mapping[str, str]] = {
    SCORER_GROUP: {
        "engagement": "customer_understanding.scoring:EngagementScorer",
        "fit": "customer_understanding.scoring:FitScorer",
        "health": "customer_understanding.scoring:HealthScorer",
        "lead": "customer_understanding.scoring:LeadScorer",
        "predictive": "customer_understanding.scoring:PredictiveScorer",
    },
    SEGMENTER_GROUP: {
        "cluster": "customer_understanding.segmentation:ClusterSegmenter",
        "lifecycle": "customer_understanding.segmentation:LifecycleSegmenter",
        "rfm": "customer_understanding.segmentation:RFMSegmenter",
        "rules": "customer_understanding.segmentation:RuleSegmenter",
    },
    # The standard traits live in customer_understanding.traits, which resolves names.
    TRAIT_GROUP: {},
    # Attribution lives in journeys, a sibling area above this registry's imports: the
    # module is named here and imported only when an attributor is asked for.
    ATTRIBUTOR_GROUP: {
        "first_touch": "customer_understanding.journeys:FirstTouch",
        "full_path": "customer_understanding.journeys:FullPath",
        "last_touch": "customer_understanding.journeys:LastTouch",
        "linear": "customer_understanding.journeys:Linear",
        "markov": "customer_understanding.journeys:MarkovRemovalEffect",
        "position_based": "customer_understanding.journeys:PositionBased",
        "shapley": "customer_understanding.journeys:ShapleyValue",
        "time_decay": "customer_understanding.journeys:TimeDecay",
        "w_shaped": "customer_understanding.journeys:WShaped",
    },
}

Factory = Callable[..., Any]


class PluginWarning(UserWarning):
    """A plugin could not be loaded, or its name was already taken; it was skipped.

    Examples
    --------
    >>> issubclass(PluginWarning, UserWarning)
    True
    """


def _import(target: str) -> Factory:
    module, _, attribute = target.partition(":")
    return cast("Factory", getattr(load_module(module), attribute))


def _warn(message: str) -> None:
    warnings.warn(message, PluginWarning, stacklevel=4)


@cache
def _entry_points(group: str) -> dict[str, EntryPoint]:
    """The group's plugins by name, from package metadata only (nothing is imported)."""
    try:
        points = list(entry_points(group=group))
    except Exception as error:  # broken metadata must not break the built-ins
        _warn(f"the entry points of {group} could not be read: {error!r}")
        return {}
    found: dict[str, EntryPoint] = {}
    for point in points:
        if point.name in _BUILTINS[group] or point.name in found:
            owner = "a built-in" if point.name in _BUILTINS[group] else "another plugin"
            _warn(f"plugin {point.name!r} ({point.value}) in {group} is skipped: "
                  f"{owner} has that name")  # fmt: skip
            continue
        found[point.name] = point
    return found


@cache
def _load(group: str, name: str) -> Factory | None:
    """Import one plugin; ``None`` (after a warning naming it) when that fails."""
    point = _entry_points(group)[name]
    try:
        load_module(point.module)  # first loads queue behind one lock (no import deadlock)
        loaded = point.load()
    except (Exception, SystemExit) as error:  # a plugin may even call sys.exit on import
        _warn(f"plugin {name!r} ({point.value}) in {group} failed to load: {error!r}")
        return None
    if not callable(loaded):
        _warn(f"plugin {name!r} ({point.value}) in {group} is not callable")
        return None
    return cast("Factory", loaded)


def clear_plugin_cache() -> None:
    """Forget discovered plugins so the next look-up reads the entry points again.

    Examples
    --------
    >>> clear_plugin_cache()
    """
    _entry_points.cache_clear()
    _load.cache_clear()


def _names(group: str) -> list[str]:
    return sorted({*_BUILTINS[group], *_entry_points(group)})


def scorer_names() -> list[str]:
    """Names of the built-in and installed scorers, sorted.

    Examples
    --------
    >>> {"engagement", "fit", "lead"} <= set(scorer_names())
    True
    """
    return _names(SCORER_GROUP)


def segmenter_names() -> list[str]:
    """Names of the built-in and installed segmenters, sorted.

    Examples
    --------
    >>> {"rfm", "rules", "lifecycle", "cluster"} <= set(segmenter_names())
    True
    """
    return _names(SEGMENTER_GROUP)


def _factory(group: str, kind: str, name: object) -> Factory:
    plugins = _entry_points(group)  # warns once about shadowed and duplicate names
    if isinstance(name, str) and name in _BUILTINS[group]:
        return _import(_BUILTINS[group][name])
    if not isinstance(name, str) or name not in plugins:
        msg = f"{kind}={name!r} is not one of: {', '.join(_names(group))}"
        raise UnknownNameError(msg)
    factory = _load(group, name)
    if factory is None:
        msg = f"{kind}={name!r} is an installed plugin that failed to load (see the warning)"
        raise UnknownNameError(msg)
    return factory


def _build(
    group: str, kind: str, name: str, params: dict[str, Any], *, follows: type, needs: str
) -> Any:
    """Build a strategy by name and check it follows its protocol (``needs`` says how)."""
    factory = _factory(group, kind, name)
    try:
        strategy = factory(**params)
    except TypeError as error:
        msg = f"{kind} {name!r} does not accept parameters {sorted(params)}: {error}"
        raise InvalidValueError(msg) from error
    if not isinstance(strategy, follows):
        msg = f"{kind} {name!r} built {strategy!r}, which has no {needs}"
        raise InvalidValueError(msg)
    return strategy


def get_scorer(name: str, /, **params: Any) -> Scorer:
    """A scorer by name, built with keyword parameters.

    Raises
    ------
    UnknownNameError
        If no built-in or installed scorer has that name (the message lists them).
    InvalidValueError
        If the parameters are unknown to the scorer or out of range.

    Examples
    --------
    >>> get_scorer("engagement", half_life_days=14).half_life_days
    14
    >>> try:
    ...     get_scorer("engagment")
    ... except LookupError as error:
    ...     print(error)  # doctest: +ELLIPSIS
    scorer='engagment' is not one of: engagement, fit, ...
    """
    scorer: Scorer = _build(SCORER_GROUP, "scorer", name, params, follows=Scorer,
                            needs="level and score()")  # fmt: skip
    return scorer


def get_segmenter(name: str, /, **params: Any) -> Segmenter:
    """A segmenter by name, built with keyword parameters.

    Raises
    ------
    UnknownNameError
        If no built-in or installed segmenter has that name (the message lists them).
    InvalidValueError
        If the parameters are unknown to the segmenter or out of range.

    Examples
    --------
    >>> get_segmenter("rfm", bins=4).bins
    4
    """
    segmenter: Segmenter = _build(SEGMENTER_GROUP, "segmenter", name, params, follows=Segmenter,
                                  needs="level and fit()")  # fmt: skip
    return segmenter


def installed_traits() -> Mapping[str, Factory]:
    """Trait factories installed through the ``customer_understanding.traits`` group, by name.

    Each entry point names a class or function that builds the trait with no arguments;
    :func:`customer_understanding.traits.get_trait` resolves these names. The mapping's
    keys are read from package metadata; a plugin is imported only when its factory is
    looked up, and one that fails to import is left out (after a warning naming it).

    Examples
    --------
    >>> dict(installed_traits())
    {}
    """
    return _LazyFactories(TRAIT_GROUP)


class _LazyFactories(Mapping[str, Factory]):
    """The plugins of one group by name, each imported on first look-up."""

    def __init__(self, group: str) -> None:
        self._group = group

    def __getitem__(self, name: str) -> Factory:
        if name not in _entry_points(self._group):
            raise KeyError(name)
        factory = _load(self._group, name)
        if factory is None:
            raise KeyError(name)
        return factory

    def __iter__(self) -> Iterator[str]:
        return iter(_entry_points(self._group))

    def __len__(self) -> int:
        return len(_entry_points(self._group))


def attributor_names() -> list[str]:
    """Names of the built-in and installed attributors, sorted.

    Examples
    --------
    >>> {"last_touch", "markov", "shapley"} <= set(attributor_names())
    True
    """
    return _names(ATTRIBUTOR_GROUP)


def get_attributor(name: str, /, **params: Any) -> Attributor:
    """An attribution method by name, built with keyword parameters.

    Built-ins: ``first_touch``, ``last_touch``, ``linear``, ``time_decay``,
    ``position_based``, ``w_shaped``, ``full_path``, ``markov`` (exact removal effect) and
    ``shapley``; installed packages add theirs in ``customer_understanding.attributors``.

    Raises
    ------
    UnknownNameError
        If no built-in or installed attributor has that name (the message lists them).
    InvalidValueError
        If the parameters are unknown to the attributor or out of range.

    Examples
    --------
    >>> get_attributor("markov", order=2).order
    2
    """
    attributor: Attributor = _build(ATTRIBUTOR_GROUP, "attributor", name, params,
                                    follows=Attributor, needs="name and attribute()")  # fmt: skip
    return attributor
