"""``tasapaino`` command line: run the pipeline and its stages without the Dagster UI.

User mistakes (a missing file, a bad option) end with one clear line on stderr and exit code 2,
never a traceback. Each subcommand lives in its own module under ``pipelines/commands``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pipelines.commands import UsageError

# Subcommand modules, in the order --help lists them.
COMMANDS = ("run", "check", "indices", "criteria", "snapshot", "publish")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tasapaino",
        description="Gender-segregation statistics for Finnish education and working life.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"pipelines.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"tasapaino {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
