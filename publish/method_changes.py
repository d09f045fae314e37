"""Changes of method, declared as data (method_changes.yaml), for the releases' changelogs.

A published figure can move because the source revised it (the changelog's revised counts) or
because we changed how it is computed. The second kind is invisible in the data alone, so each
change is declared once, with a version number; a release records the version it was built
with and lists the changes its previous release did not have.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

CHANGES_FILE = Path(__file__).with_name("method_changes.yaml")
# The method version of releases built before any change was declared.
BASELINE = 1


@dataclass(frozen=True)
class MethodChange:
    version: int
    date: dt.date
    dataset: str
    what: tuple[str, ...]
    fi: str
    en: str


def load(path: Path = CHANGES_FILE) -> list[MethodChange]:
    """The declared changes in version order; ValueError naming the entry if one is malformed."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    changes = []
    for n, entry in enumerate(entries, start=1):
        try:
            change = MethodChange(
                version=int(entry["version"]),
                date=entry["date"],
                dataset=str(entry["dataset"]),
                what=tuple(str(w) for w in entry["what"]),
                fi=str(entry["fi"]).strip(),
                en=str(entry["en"]).strip(),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(
                f"{path.name}: entry {n} needs version, date, dataset, what, fi and en ({exc})"
            ) from exc
        if change.version != BASELINE + n or not isinstance(change.date, dt.date):
            raise ValueError(
                f"{path.name}: entry {n} must have version {BASELINE + n} and a date YYYY-MM-DD"
            )
        changes.append(change)
    return changes


def current_version(changes: list[MethodChange]) -> int:
    return changes[-1].version if changes else BASELINE


def since(changes: list[MethodChange], version: int) -> list[MethodChange]:
    """The changes a release of method ``version`` did not have yet."""
    return [c for c in changes if c.version > version]
