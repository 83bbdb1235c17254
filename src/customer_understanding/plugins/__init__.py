"""The registry of strategies: pick scorers, segmenters and attributors by name, find plugins.

Examples
--------
>>> from customer_understanding.plugins import get_scorer
>>> get_scorer("fit").level
'contact'
"""

from customer_understanding.plugins._registry import (
    ATTRIBUTOR_GROUP,
    SCORER_GROUP,
    SEGMENTER_GROUP,
    TRAIT_GROUP,
    PluginWarning,
    attributor_names,
    clear_plugin_cache,
    get_attributor,
    get_scorer,
    get_segmenter,
    installed_traits,
    scorer_names,
    segmenter_names,
)

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
