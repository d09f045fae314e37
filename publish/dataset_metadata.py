"""Titles, descriptions, code columns and constraints of the published datasets.

They live in ``publish/datasets.yaml`` (metadata as data, beside the step that publishes it) so
that the data package, the Parquet schema, the data page and the CKAN payload say the same thing,
and a maintainer can reword a title without touching code.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

METADATA_FILE = Path(__file__).resolve().parent / "datasets.yaml"
LANGS = ("fi", "sv", "en")


@dataclass(frozen=True)
class DatasetMeta:
    name: str
    title: dict[str, str]
    description: dict[str, str]
    codes: tuple[str, ...] = ()
    types: dict[str, str] = field(default_factory=dict)
    constraints: dict[str, dict[str, Any]] = field(default_factory=dict)
    foreign_keys: tuple[dict[str, Any], ...] = ()
    nullable_keys: tuple[str, ...] = ()


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
    """Metadata of one dataset; a dataset missing from the YAML is a maintainer's error."""
    entry = _load()["datasets"].get(name)
    if entry is None:
        raise KeyError(f"{METADATA_FILE}: no entry for dataset {name!r}; add its titles there")
    return DatasetMeta(
        name=name,
        title=dict(entry["title"]),
        description=dict(entry["description"]),
        codes=tuple(entry.get("codes", ())),
        types=dict(entry.get("types", {})),
        constraints={k: dict(v) for k, v in entry.get("constraints", {}).items()},
        foreign_keys=tuple(entry.get("foreign_keys", ())),
        nullable_keys=tuple(entry.get("nullable_keys", ())),
    )


def dataset_names() -> list[str]:
    return list(_load()["datasets"])
