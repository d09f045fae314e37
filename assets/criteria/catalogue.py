"""Load the shipped criteria catalogue (YAML files in ``catalogue/``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"


class CatalogueError(ValueError):
    """A criteria file is malformed; the message names the file and the entry."""


def load_set(path: Path) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path}: not valid YAML: {exc}") from exc
    for key in ("id", "version", "title", "provenance", "criteria"):
        if key not in (data or {}):
            raise CatalogueError(f"{path}: missing top-level key '{key}'")
    return data


def load_catalogue(directory: Path = CATALOGUE_DIR) -> list[dict[str, Any]]:
    """Every criteria set, in file-name order."""
    return [load_set(p) for p in sorted(directory.glob("*.yaml"))]
