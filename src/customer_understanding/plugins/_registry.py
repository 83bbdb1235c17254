"""The typed registry of scorers and segmenters, with entry-point discovery.

Built-ins are imported on first use. Installed packages add strategies through the
entry-point groups ``customer_understanding.scorers`` and ``customer_understanding.segmenters``,
and traits through ``customer_understanding.traits`` (their names resolve in
:mod:`customer_understanding.traits`); each group is read once, on the first look-up.
A plugin that fails to load, or whose name is already taken, is skipped with a
:class:`PluginWarning` rather than breaking anything.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from functools import cache
from importlib.metadata import entry_points
from types import MappingProxyType
from typing import Any, cast

from customer_understanding._errors import InvalidValueError, UnknownNameError
from customer_understanding.typing import Scorer, Segmenter

__all__ = [
    "SCORER_GROUP",
    "SEGMENTER_GROUP",
    "TRAIT_GROUP",
    "PluginWarning",
    "clear_plugin_cache",
    "get_scorer",
    "get_segmenter",
    "installed_traits",
    "scorer_names",
    "segmenter_names",
]

SCORER_GROUP = "customer_understanding.scorers"
SEGMENTER_GROUP = "customer_understanding.segmenters"
TRAIT_GROUP = "customer_understanding.traits"

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
    return cast("Factory", getattr(importlib.import_module(module), attribute))


@cache
def _plugins(group: str) -> dict[str, Factory]:
    found: dict[str, Factory] = {}
    for point in entry_points(group=group):
        if point.name in _BUILTINS[group] or point.name in found:
            owner = "a built-in" if point.name in _BUILTINS[group] else "another plugin"
            message = (
                f"plugin {point.name!r} ({point.value}) in {group} is skipped: "
                f"{owner} has that name"
            )
            warnings.warn(message, PluginWarning, stacklevel=3)
            continue
        try:
            loaded = point.load()
        except Exception as error:
            message = f"plugin {point.name!r} ({point.value}) in {group} failed to load: {error!r}"
            warnings.warn(message, PluginWarning, stacklevel=3)
            continue
        if not callable(loaded):
            message = f"plugin {point.name!r} ({point.value}) in {group} is not callable"
            warnings.warn(message, PluginWarning, stacklevel=3)
            continue
        found[point.name] = loaded
    return found


def clear_plugin_cache() -> None:
    """Forget discovered plugins so the next look-up reads the entry points again.

    Examples
    --------
    >>> clear_plugin_cache()
    """
    _plugins.cache_clear()


def _names(group: str) -> list[str]:
    return sorted({*_BUILTINS[group], *_plugins(group)})


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


def _build(group: str, kind: str, name: str, params: dict[str, Any]) -> Any:
    plugins = _plugins(group)
    if name in _BUILTINS[group]:
        factory = _import(_BUILTINS[group][name])
    elif name in plugins:
        factory = plugins[name]
    else:
        msg = f"{kind}={name!r} is not one of: {', '.join(_names(group))}"
        raise UnknownNameError(msg)
    try:
        return factory(**params)
    except TypeError as error:
        msg = f"{kind} {name!r} does not accept parameters {sorted(params)}: {error}"
        raise InvalidValueError(msg) from error


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
    scorer = _build(SCORER_GROUP, "scorer", name, params)
    if not isinstance(scorer, Scorer):
        msg = f"scorer {name!r} built {scorer!r}, which has no level and score()"
        raise InvalidValueError(msg)
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
    segmenter = _build(SEGMENTER_GROUP, "segmenter", name, params)
    if not isinstance(segmenter, Segmenter):
        msg = f"segmenter {name!r} built {segmenter!r}, which has no level and fit()"
        raise InvalidValueError(msg)
    return segmenter


def installed_traits() -> Mapping[str, Factory]:
    """Trait factories installed through the ``customer_understanding.traits`` group, by name.

    Each entry point names a class or function that builds the trait with no arguments;
    :func:`customer_understanding.traits.get_trait` resolves these names.

    Examples
    --------
    >>> dict(installed_traits())
    {}
    """
    return MappingProxyType(_plugins(TRAIT_GROUP))
