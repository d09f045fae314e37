"""The code version stamped into every release (``datapackage.json``, the changelog).

Not a Dagster resource: it is a property of the checkout, the same for every run, so it lives
in the ground layer where the release writer and the command line can both reach it.
"""

from __future__ import annotations

import os
import subprocess

from assets.reference.paths import PROJECT_ROOT


def code_version() -> str:
    """The package version plus the git commit when run from a checkout.

    ``TASAPAINO_CODE_VERSION`` overrides it, to rebuild a published release byte for byte from
    an export of the same code without its git history.
    """
    from importlib.metadata import PackageNotFoundError, version

    pinned = os.environ.get("TASAPAINO_CODE_VERSION", "")
    if pinned:
        return pinned

    try:
        base = version("tasapaino")
    except PackageNotFoundError:
        base = "0+unknown"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return base
    return f"{base}+g{commit}" if commit else base
