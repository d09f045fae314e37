"""The folder where a run keeps what it can reuse in the next one (compiled templates, drawn
charts): never published, safe to delete at any time."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``TASAPAINO_CACHE_DIR``, else ``$XDG_CACHE_HOME/tasapaino``, else ``~/.cache/tasapaino``."""
    chosen = os.environ.get("TASAPAINO_CACHE_DIR", "")
    if chosen:
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "tasapaino"


def writable_folder(name: str) -> Path | None:
    """``cache_dir() / name``, made if missing; None where it cannot be written (no home
    folder, a read-only one), so that a run then simply works without the cache."""
    try:
        folder = cache_dir() / name
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):
        return None
    return folder if os.access(folder, os.W_OK) else None
