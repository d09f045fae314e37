"""Typed Dagster resources: where data come from and where releases go.

The resources layer: below the Dagster asset and check modules of every stage (assets/*/assets.py,
checks/, publish/assets.py), which import it; above the pure modules, which it may call (the
clients, publish/release.py). It imports nothing from pipelines/ (tests/test_layering.py).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dagster import ConfigurableResource
from pydantic import Field, PrivateAttr

from assets.reference.paths import PROJECT_ROOT, snapshot_dir

if TYPE_CHECKING:  # the clients import httpx; keep it out of definition loading
    import pandas as pd

    from assets.collect.http import Exchange
    from assets.collect.outcomes import TableOutcome
    from assets.collect.statfin import StatFinClient
    from assets.collect.table_files import HandedTable
    from assets.collect.vipunen import VipunenClient
    from publish.bundle import Previous

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


class HandedTables(ConfigurableResource):
    """Tables downloaded by hand from StatFin or Vipunen (``tasapaino run --table FILE``): PX,
    StatFin CSV exports, Vipunen Excel/CSV exports. Each replaces the same configured table of
    the run, as if it had been read from the service."""

    files: list[str] = Field(default_factory=list)
    _read: list[HandedTable] | None = PrivateAttr(default=None)

    def tables(self, names_root: Path | None = None) -> list[HandedTable]:
        """Every table the files give, read once per run (``names_root``: the run's recorded
        snapshot, whose classification-service names complete the shipped code lists)."""
        if self._read is None:
            from assets.collect.table_files import read_table_file
            from assets.collect.tables import load_statfin_tables, load_vipunen_resources

            statfin, vipunen = load_statfin_tables(), load_vipunen_resources()
            self._read = [
                t
                for f in self.files
                for t in read_table_file(Path(f), statfin, vipunen, names_root)
            ]
        return self._read

    def find(
        self, source_table: str, measure: str, names_root: Path | None = None
    ) -> HandedTable | None:
        if not self.files:
            return None
        return next(
            (
                t
                for t in self.tables(names_root)
                if (t.source_table, t.measure) == (source_table, measure)
            ),
            None,
        )


class CollectionPolicy(ConfigurableResource):
    """``strict``: a table that cannot be read fails the run (all or nothing). By default the run
    publishes what it has: a failed table is carried over from the previous release (stale) or
    left out (missing), and the run says so."""

    strict: bool = False


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
    _client: StatFinClient | None = PrivateAttr(default=None)
    _run_stamp: str = PrivateAttr(default="")

    def client(self, archive: Callable[[Exchange], None] | None = None) -> StatFinClient:
        from assets.collect.statfin import StatFinClient

        return StatFinClient(self.url or None, archive=archive)

    def shared_client(self) -> StatFinClient:
        """One client for every table of a run: the limits and the call budget are per client,
        and a service that did not answer is not asked again for the next table."""
        if self._client is None:
            self._client = self.client()
        return self._client

    def record_run_exchanges(self, outcome: TableOutcome) -> None:
        """Archive a table's raw responses under ``archive_dir/raw/<run time>/``."""
        from assets.collect.collect import Collected, record

        if not self._run_stamp:
            self._run_stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        record(
            self.archive_path() / "raw" / self._run_stamp,
            [Collected(outcome.source_table, outcome.measure, outcome.counts, outcome.exchanges)],
        )

    def archive_path(self) -> Path:
        """``archive_dir``, else ``TASAPAINO_ARCHIVE_DIR``, else ``archive/`` in a writable
        checkout (or under the user's home)."""
        chosen = self.archive_dir or os.environ.get("TASAPAINO_ARCHIVE_DIR", "")
        return Path(chosen) if chosen else _writable_dir("archive")


class VipunenApi(ConfigurableResource):
    """Vipunen's API, used when ``live``; ``url`` overrides ``TASAPAINO_VIPUNEN_URL``."""

    live: bool = False
    url: str = ""
    caller_id: str = "tasapaino.opendata"
    _client: VipunenClient | None = PrivateAttr(default=None)

    def client(self) -> VipunenClient:
        from assets.collect.vipunen import VipunenClient

        return VipunenClient(self.url or None, caller_id=self.caller_id)

    def shared_client(self) -> VipunenClient:
        """One client for every resource of a run (see ``StatFinApi.shared_client``)."""
        if self._client is None:
            self._client = self.client()
        return self._client


class ReleaseTarget(ConfigurableResource):
    """The release store: where releases are written (a folder or an object-store URL), which
    ids it holds, what ``latest`` points at, and the release before this run's.

    Assets, checks and publishers ask this resource rather than reading publish/release.py and
    publish/history.py themselves, so the previous release is found and read once per run (per
    process; the in-process executor shares one resource instance across a run's steps) and the
    quality gate, the articles and the release compare with the same one. ``run_date`` pins the
    date for reproducible rebuilds.
    """

    out_dir: str = "dist"
    run_date: str = ""
    public_url: str = ""
    """Where the release is published; articles' Markdown links are absolute when set."""
    _previous: dict[tuple[str, str], Previous] = PrivateAttr(default_factory=dict)

    def path(self) -> Any:
        """The release root: a resolved local ``Path``, or a ``UPath`` for an object-store URL
        such as ``s3://bucket/dist`` (see publish/release.py for what is atomic where)."""
        from publish.release import release_root

        return release_root(self.out_dir)

    def release_id(self, counts: pd.DataFrame) -> str:
        """The id this run's release gets: data vintage of ``counts`` and the run date."""
        from publish.bundle import release_id

        return release_id(counts, self.date())

    def latest_id(self) -> str | None:
        """The release ``latest`` points at, None before the first release."""
        from publish.release import latest_id

        return latest_id(self.path())

    def previous(self, counts: pd.DataFrame) -> Previous:
        """The newest verified release older than this run's (its counts, changelog, method
        version and the ids before it), read once and kept for the rest of the run."""
        from publish.history import load_previous

        root = self.path()
        rid = self.release_id(counts)
        key = (str(root), rid)
        if key not in self._previous:
            self._previous[key] = load_previous(root, rid)
        return self._previous[key]

    def latest_counts(self) -> pd.DataFrame | None:
        """``counts`` of the release ``latest`` points at, if it verifies; None otherwise. What a
        table that cannot be read this run is carried over from."""
        import io

        import pandas as pd

        from publish.release import is_valid, read_file

        root = self.path()
        rid = self.latest_id()
        if rid is None or not is_valid(root / "releases" / rid):
            return None
        parquet = read_file(root, rid, "data/counts.parquet")
        return None if parquet is None else pd.read_parquet(io.BytesIO(parquet))

    def date(self) -> dt.date:
        if self.run_date:
            return dt.date.fromisoformat(self.run_date)
        return dt.datetime.now(HELSINKI).date()
