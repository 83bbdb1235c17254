"""Command line: ``python -m customer_understanding demo``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        msg = f"must be >= 1, got {value}"
        raise argparse.ArgumentTypeError(msg)
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="customer_understanding")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the demo pipeline on the built-in sample data")
    demo.add_argument("--accounts", type=_positive, default=300, help="accounts in the world")
    demo.add_argument("--interactions", type=_positive, default=100_000, help="interactions")
    demo.add_argument("--seed", type=int, default=0, help="random seed of the sample world")
    arguments = parser.parse_args(argv)
    from customer_understanding._demo import run_demo

    run_demo(accounts=arguments.accounts, interactions=arguments.interactions, seed=arguments.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
