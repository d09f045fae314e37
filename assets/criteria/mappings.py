"""Correspondences between classifications, kept as data in ``mappings/*.yaml``.

The education-to-work criterion needs to know which occupations "match" a field of education.
No official key exists at the levels the data have, so the mapping is ours, marked
``approximation: true``, and lives beside the catalogue where the working group can edit it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"


class MappingError(ValueError):
    """A mapping file is missing or malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Side:
    classification: str
    level: int


@dataclass(frozen=True)
class Mapping:
    """Field code → matching occupation codes, with the classification and level of each side."""

    id: str
    version: str
    approximation: bool
    source: Side
    target: Side
    pairs: dict[str, tuple[str, ...]]


@cache
def load_mapping(name: str, directory: Path = MAPPINGS_DIR) -> Mapping:
    path = directory / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.yaml"))) or "none"
        raise MappingError(f"{path}: mapping '{name}' does not exist (known: {known})")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        pairs = {
            str(field): tuple(str(code) for code in codes)
            for field, codes in data["fields"].items()
        }
        mapping = Mapping(
            id=str(data["id"]),
            version=str(data["version"]),
            approximation=bool(data["approximation"]),
            source=Side(str(data["from"]["classification"]), int(data["from"]["level"])),
            target=Side(str(data["to"]["classification"]), int(data["to"]["level"])),
            pairs=pairs,
        )
    except (KeyError, TypeError, ValueError, AttributeError, yaml.YAMLError) as exc:
        raise MappingError(
            f"{path}: malformed mapping ({type(exc).__name__}: {exc}); it needs id, version, "
            "approximation, from/to {classification, level} and fields: {code: [codes]}"
        ) from exc
    for field, codes in pairs.items():
        if not codes:
            raise MappingError(f"{path}: field '{field}' maps to no occupation codes")
    return mapping
