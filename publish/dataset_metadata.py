"""The package's metadata (``publish/datasets.yaml``) and each dataset's titles and code columns.

The package block (name, titles, keywords, contact) is the release's own and lives in
``publish/datasets.yaml``. Each dataset's titles, descriptions and schema live in its
``<dataset>.meta.yml`` beside its asset (read by ``assets.dataset_registry``), so that the data
package, the Parquet schema, the data page and the CKAN payload say the same thing, and a
maintainer can reword a title without touching code.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assets import dataset_registry

METADATA_FILE = Path(__file__).resolve().parent / "datasets.yaml"
LANGS = ("fi", "sv", "en")


@dataclass(frozen=True)
class DatasetMeta:
    name: str
    title: dict[str, str]
    description: dict[str, str]
    codes: tuple[str, ...] = ()


@functools.cache
def _load() -> dict[str, Any]:
    return yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8"))


def package_meta() -> dict[str, Any]:
    """The package-level block: name, title, description, keywords (each per language)."""
    return _load()["package"]


def contact() -> dict[str, str]:
    """Who answers readers' questions: the package's ``contact`` entry, overridden by
    ``TASAPAINO_CONTACT_NAME`` / ``TASAPAINO_CONTACT_EMAIL`` for a deployment."""
    entry = _load()["package"].get("contact", {})
    return {
        "name": os.environ.get("TASAPAINO_CONTACT_NAME") or str(entry.get("name") or ""),
        "email": os.environ.get("TASAPAINO_CONTACT_EMAIL") or str(entry.get("email") or ""),
    }


def dataset_meta(name: str) -> DatasetMeta:
    """Titles, descriptions and code columns of one dataset, from its metadata file."""
    spec = dataset_registry.dataset(name)
    if not spec.in_release:
        raise KeyError(f"{spec.path}: dataset {name!r} has no 'release' entry; it is not published")
    return DatasetMeta(
        name=name, title=dict(spec.title), description=dict(spec.description), codes=spec.codes
    )


def dataset_names() -> list[str]:
    """The release's datasets in their published order."""
    return [d.name for d in dataset_registry.release_datasets()]
