"""Private core shared by every area: time, validation, decay and result rendering.

Nothing here imports another module of this library except the error root, so every
area may use it. Public names reach users through the areas that use them.
"""

from customer_understanding._core._buffer import Buffer
from customer_understanding._core._codes import holds_nul, sorted_codes, value_codes
from customer_understanding._core._collector import fewer_collections
from customer_understanding._core._columns import (
    column,
    is_a,
    labels,
    require,
    same_array,
    shown,
    text_field,
)
from customer_understanding._core._convert import (
    are_names,
    are_numbers,
    floats,
    int32s,
    int64s,
    names,
    numbers,
    objects,
)
from customer_understanding._core._decay import half_life_decay
from customer_understanding._core._frames import (
    TableExport,
    as_frame,
    is_missing,
    is_table,
    object_values,
    requires,
)
from customer_understanding._core._imports import load_module
from customer_understanding._core._lazy import LazyArrays
from customer_understanding._core._render import (
    FrozenMapping,
    frozen_array,
    frozen_mapping,
    html_table,
    summary,
)
from customer_understanding._core._time import (
    DAY_NS,
    NAT,
    Moment,
    days,
    epoch_nanos,
    from_nanos,
    known_by,
    moment_checked,
    parse_moment,
    resolve_moment,
    to_nanos,
    within,
)
from customer_understanding._core._validate import (
    Refused,
    check_finite,
    check_positive,
    check_probability,
    one_of,
    positive,
    positive_or_none,
    typed_fields,
)

__all__ = [
    "DAY_NS",
    "NAT",
    "Buffer",
    "FrozenMapping",
    "LazyArrays",
    "Moment",
    "Refused",
    "TableExport",
    "are_names",
    "are_numbers",
    "as_frame",
    "check_finite",
    "check_positive",
    "check_probability",
    "column",
    "days",
    "epoch_nanos",
    "fewer_collections",
    "floats",
    "from_nanos",
    "frozen_array",
    "frozen_mapping",
    "half_life_decay",
    "holds_nul",
    "html_table",
    "int32s",
    "int64s",
    "is_a",
    "is_missing",
    "is_table",
    "known_by",
    "labels",
    "load_module",
    "moment_checked",
    "names",
    "numbers",
    "object_values",
    "objects",
    "one_of",
    "parse_moment",
    "positive",
    "positive_or_none",
    "require",
    "requires",
    "resolve_moment",
    "same_array",
    "shown",
    "sorted_codes",
    "summary",
    "text_field",
    "to_nanos",
    "typed_fields",
    "value_codes",
    "within",
]
