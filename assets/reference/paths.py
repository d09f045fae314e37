"""Where the project's bundled data lives.

The data ship inside the repository, so a fresh clone runs offline.
``TASAPAINO_DATA_DIR`` lets a deployment point at another copy without code changes.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """Root of the bundled data (snapshot and classifications)."""
    return Path(os.environ.get("TASAPAINO_DATA_DIR", PROJECT_ROOT / "data"))


def snapshot_dir() -> Path:
    return data_dir() / "snapshot"


def classifications_dir() -> Path:
    return data_dir() / "classifications"
