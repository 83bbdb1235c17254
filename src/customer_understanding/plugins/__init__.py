"""The registry of strategies: pick scorers and segmenters by name, find installed plugins.

Examples
--------
>>> from customer_understanding.plugins import get_scorer
>>> get_scorer("fit").level
'contact'
"""

from customer_understanding.plugins._registry import (
    SCORER_GROUP,
    SEGMENTER_GROUP,
    TRAIT_GROUP,
    PluginWarning,
    clear_plugin_cache,
    get_scorer,
    get_segmenter,
    installed_traits,
    scorer_names,
    segmenter_names,
)

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
