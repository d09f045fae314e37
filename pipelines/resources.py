"""Typed Dagster resources: where data come from and where releases go."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dagster import ConfigurableResource
from pydantic import Field

from assets.paths import PROJECT_ROOT, snapshot_dir

if TYPE_CHECKING:  # the clients import httpx; keep it out of definition loading
    from assets.collect.http import Exchange
    from assets.collect.statfin import StatFinClient
    from assets.collect.vipunen import VipunenClient

HELSINKI = ZoneInfo("Europe/Helsinki")


class SnapshotSource(ConfigurableResource):
    """The bundled snapshot (the default, offline source)."""

    directory: str = ""

    def path(self) -> Path:
        return Path(self.directory) if self.directory else snapshot_dir()


class LocalCountsFiles(ConfigurableResource):
    """Counts-contract files (CSV or Parquet) whose tables replace the same tables of the run
    (``tasapaino run --counts FILE``): a corrected transcription, a table re-extracted by hand."""

    files: list[str] = Field(default_factory=list)

    def paths(self) -> list[Path]:
        return [Path(f) for f in self.files]


def _writable_dir(name: str) -> Path:
    """``PROJECT_ROOT/name`` in a writable checkout, else under the user's home."""
    if os.access(PROJECT_ROOT, os.W_OK):
        return PROJECT_ROOT / name
    return Path.home() / ".tasapaino" / name


class StatFinApi(ConfigurableResource):
    """Statistics Finland's PxWeb API v1, used when ``live`` (``tasapaino run --source live``).

    ``url`` overrides ``TASAPAINO_STATFIN_URL`` (default: the real service). Raw responses are
    archived under ``archive_dir/raw/<run time>/`` and harmonised years kept in
    ``archive_dir/counts/`` so that the next run fetches only new years (``full_refresh``
    refetches all).
    """

    live: bool = False
    url: str = ""
    archive_dir: str = ""
    full_refresh: bool = False

    def client(self, archive: Callable[[Exchange], None] | None = None) -> StatFinClient:
        from assets.collect.statfin import StatFinClient

        return StatFinClient(self.url or None, archive=archive)

    def archive_path(self) -> Path:
        return Path(self.archive_dir) if self.archive_dir else _writable_dir("archive")


class VipunenApi(ConfigurableResource):
    """Vipunen's API, used when ``live``; ``url`` overrides ``TASAPAINO_VIPUNEN_URL``."""

    live: bool = False
    url: str = ""
    caller_id: str = "tasapaino.opendata"

    def client(self) -> VipunenClient:
        from assets.collect.vipunen import VipunenClient

        return VipunenClient(self.url or None, caller_id=self.caller_id)


class ReleaseTarget(ConfigurableResource):
    """Where releases are written (a folder or an object-store URL); ``run_date`` pins the date
    for reproducible rebuilds."""

    out_dir: str = "dist"
    run_date: str = ""
    public_url: str = ""
    """Where the release is published; articles' Markdown links are absolute when set."""

    def path(self) -> Any:
        """The release root: a resolved local ``Path``, or a ``UPath`` for an object-store URL
        such as ``s3://bucket/dist`` (see publish/release.py for what is atomic where)."""
        from publish.release import release_root

        return release_root(self.out_dir)

    def date(self) -> dt.date:
        if self.run_date:
            return dt.date.fromisoformat(self.run_date)
        return dt.datetime.now(HELSINKI).date()


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
