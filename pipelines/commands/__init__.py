"""Subcommands of ``tasapaino``: one module each, registered in ``pipelines.cli.COMMANDS``.

Each module defines ``register(subparsers)`` that adds its parser and sets ``func`` to a handler
``(args) -> int``. Handlers raise ``pipelines.commands.UsageError`` for mistakes a user can fix;
the CLI prints those as one line and exits 2, never with a traceback.
"""


class UsageError(Exception):
    """A mistake the user can fix; printed as one line, exit 2."""
