"""The public packages, as the top-level package exposes them (shared by the API tests)."""

import customer_understanding as cu

PACKAGES = [
    "customer_understanding",
    *(f"customer_understanding.{name}" for name in sorted(cu._SUBMODULES)),
]
