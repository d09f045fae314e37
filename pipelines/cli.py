"""``tasapaino`` command line: run the pipeline and its stages without the Dagster UI.

User mistakes (a missing file, a bad option) end with one clear line on stderr and exit code 2,
never a traceback. Each subcommand lives in its own module under ``pipelines/commands``.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

from pipelines.commands import UsageError

# Subcommand modules, in the order --help lists them.
COMMANDS = ("run", "check", "indices", "criteria", "sources", "snapshot", "publish")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or with ``only`` the parser of that one subcommand.

    Registering a subcommand imports its module; a single command then skips the imports of
    all the others (``tasapaino indices`` is timed as a whole process, start-up included).
    """
    parser = argparse.ArgumentParser(
        prog="tasapaino",
        description="Gender-segregation statistics for Finnish education and working life.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f"pipelines.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"tasapaino {args.command}: {exc}", file=sys.stderr)
        return 2


def console() -> int:
    """The ``tasapaino`` executable: ``main``, then the process ends without freeing its heap.

    A run leaves Dagster, pandas and the published frames in memory. Freeing them object by
    object as the interpreter shuts down took half a second of every run, for memory the
    operating system takes back at once. The exit handlers of the libraries still run (this one
    is registered first, so it runs last); then the output is flushed and the process ends with
    ``main``'s exit code. When an exception escapes ``main``, the ending is Python's usual one.
    """
    ending: list[int] = []
    atexit.register(_end_now, ending)
    code = main()
    ending.append(code)
    return code


def _end_now(ending: list[int]) -> None:
    if not ending:
        return
    if "logging" in sys.modules:  # its handlers flushed even where its own exit hook is skipped
        sys.modules["logging"].shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone, or a closed stream
            stream.flush()
    os._exit(ending[0])


if __name__ == "__main__":
    sys.exit(console())
