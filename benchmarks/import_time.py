"""How long ``import customer_understanding`` takes, against ``import numpy`` in the same run.

The package loads its heavy parts (pandas, scikit-learn, networkx) on first use; what an
import pays for is numpy and attrs. Each figure is the best of several fresh processes.

Run: ``python benchmarks/import_time.py``.
"""

from __future__ import annotations

import subprocess
import sys

RUNS = 7


def _best(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    times = [
        float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                             text=True).stdout)
        for _ in range(RUNS)
    ]  # fmt: skip
    return min(times)


def main() -> None:
    ours = _best("import customer_understanding")
    numpy = _best("import numpy")
    print(f"import customer_understanding: {ours:.3f} s (best of {RUNS}; target < 0.5 s)")
    print(f"import numpy (reference):      {numpy:.3f} s; ratio {ours / numpy:.1f}x")
    print(f"verdict: {'met' if ours < 0.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
