"""Where a ``tasapaino run`` keeps its steps' outputs: a folder of its own run.

Dagster's IO managers store an asset's output at one path per asset, shared by every run of the
instance. Two ``tasapaino run`` at once (two release folders, or a test suite in parallel) then
overwrite each other's outputs between a step and the next: one run once checked and would have
published the other's counts. Each run therefore gets its own base path, named by its run id and
kept in the run's configuration, so a re-execution from the UI (which reuses that configuration)
reads the inputs its parent stored.

Local folders are removed once ``KEEP_RUNS`` newer runs have their own: outputs matter only to
re-executing a recent run. On object storage use the bucket's lifecycle rules instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipelines.io_managers import IO_BASE_ENV

KEEP_RUNS = 10
OUTPUTS = "outputs"


def local_root() -> Path:
    """The instance's storage folder (``DAGSTER_HOME/storage``), where Dagster keeps the rest
    of each run's files (compute logs) under the run id too."""
    return Path(os.environ["DAGSTER_HOME"]) / "storage"


def io_manager_config(run_id: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Run config for the ``io_manager`` resource: this run's own base path."""
    env = os.environ if env is None else env
    base = env.get(IO_BASE_ENV, "").strip()
    if base:  # pipelines.io_managers.ObjectStoreIO
        return {"config": {"base_path": f"{base.rstrip('/')}/runs/{run_id}"}}
    return {"config": {"base_dir": str(local_root() / run_id / OUTPUTS)}}


def prune_local(keep: int = KEEP_RUNS) -> list[Path]:
    """Remove the output folders of all but the ``keep`` newest runs; returns those removed."""
    root = local_root()
    folders = []
    for folder in root.glob(f"*/{OUTPUTS}"):
        try:
            folders.append((folder.stat().st_mtime, folder))
        except OSError:
            continue
    removed = [folder for _, folder in sorted(folders, reverse=True)[keep:]]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed
