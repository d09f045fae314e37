"""Typed Dagster resources: where data come from and where releases go."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

from dagster import ConfigurableResource

from assets.paths import PROJECT_ROOT, snapshot_dir

HELSINKI = ZoneInfo("Europe/Helsinki")


class SnapshotSource(ConfigurableResource):
    """The bundled snapshot (the default, offline source)."""

    directory: str = ""

    def path(self) -> Path:
        return Path(self.directory) if self.directory else snapshot_dir()


class ReleaseTarget(ConfigurableResource):
    """Where releases are written; ``run_date`` pins the date for reproducible rebuilds."""

    out_dir: str = "dist"
    run_date: str = ""

    def path(self) -> Path:
        return Path(self.out_dir).resolve()

    def date(self) -> dt.date:
        if self.run_date:
            return dt.date.fromisoformat(self.run_date)
        return dt.datetime.now(HELSINKI).date()


def code_version() -> str:
    """The package version plus the git commit when run from a checkout."""
    from importlib.metadata import PackageNotFoundError, version

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
