"""The source tables in configuration (data/sources/*.yaml), read into typed records.

Which tables feed ``counts`` is data, not code: changing a table id, a variable prefix or a
Vipunen field name is an edit of a YAML file. Loading checks every entry at once and reports
the file and entry of each mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assets.reference.paths import data_dir

DIMENSIONS = ("occupation", "field_of_education")


class ConfigError(ValueError):
    """A source configuration file is missing a field or has a wrong value."""


@dataclass(frozen=True)
class StatFinTable:
    """One StatFin table and measure as ``counts`` reads it."""

    id: str
    measure: str
    dimension: str
    classification: str
    levels: tuple[int, ...]
    unit: str
    region: str | None
    sex: str
    time: str
    contents: str
    regions: str
    title: str = ""
    fixed: dict[str, str] = field(default_factory=dict)
    confirmed: bool = True
    title_en: str = ""

    @property
    def folder(self) -> str:
        return self.id.split("/")[0]

    @property
    def table(self) -> str:
        return self.id.split("/")[1]

    @property
    def key(self) -> str:
        """File-system friendly id of the (table, measure) pair."""
        return f"{self.folder}-{self.table}-{self.measure}"


@dataclass(frozen=True)
class VipunenResource:
    """One Vipunen resource and how its records map onto ``counts``."""

    resource: str
    measure: str
    dimension: str
    classification: str
    level: int
    fields: dict[str, str]
    sexes: dict[str, str]
    filter: str = ""
    title: str = ""
    confirmed: bool = True
    title_en: str = ""

    @property
    def id(self) -> str:
        return f"vipunen/{self.resource}"


def sources_dir() -> Path:
    return data_dir() / "sources"


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"{path}: source configuration file is missing")
    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh) or {}
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return doc


def _require(entry: dict[str, Any], name: str, where: str) -> Any:
    if name not in entry:
        raise ConfigError(f"{where}: missing '{name}'")
    return entry[name]


def load_statfin_tables(path: Path | None = None) -> list[StatFinTable]:
    path = path or sources_dir() / "statfin.yaml"
    doc = _read(path)
    defaults = doc.get("defaults") or {}
    tables = []
    for i, raw in enumerate(doc.get("tables") or []):
        entry = {**defaults, **raw}
        where = f"{path}: tables[{i}] ({raw.get('id', '?')})"
        table_id = str(_require(entry, "id", where))
        if not re.fullmatch(r"[a-z0-9_]+/[A-Za-z0-9_]+", table_id):
            raise ConfigError(
                f"{where}: id '{table_id}' must look like folder/table, e.g. tyokay/115s"
            )
        dimension = _require(entry, "dimension", where)
        if dimension not in DIMENSIONS:
            raise ConfigError(f"{where}: dimension '{dimension}' is not one of {DIMENSIONS}")
        regions = str(entry.get("regions", ".*"))
        try:
            re.compile(regions)
        except re.error as exc:
            raise ConfigError(f"{where}: regions is not a regular expression ({exc})") from None
        tables.append(
            StatFinTable(
                id=table_id,
                measure=str(_require(entry, "measure", where)),
                dimension=dimension,
                classification=str(_require(entry, "classification", where)),
                levels=tuple(int(v) for v in _require(entry, "levels", where)),
                unit=str(_require(entry, "unit", where)),
                region=entry.get("region"),
                sex=str(_require(entry, "sex", where)),
                time=str(_require(entry, "time", where)),
                contents=str(entry.get("contents") or ""),
                regions=regions,
                title=str(entry.get("title", "")),
                fixed={str(k): str(v) for k, v in (entry.get("fixed") or {}).items()},
                confirmed=bool(entry.get("confirmed", True)),
                title_en=str(entry.get("title_en", "")),
            )
        )
    keys = [(t.id, t.measure) for t in tables]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise ConfigError(f"{path}: table and measure repeated: {dupes}")
    return tables


def load_vipunen_resources(path: Path | None = None) -> list[VipunenResource]:
    path = path or sources_dir() / "vipunen.yaml"
    doc = _read(path)
    out = []
    for i, entry in enumerate(doc.get("resources") or []):
        where = f"{path}: resources[{i}] ({entry.get('resource', '?')})"
        fields = dict(_require(entry, "fields", where))
        for role in ("year", "sex", "region", "unit", "count"):
            if role not in fields:
                raise ConfigError(f"{where}: fields.{role} is missing")
        out.append(
            VipunenResource(
                resource=str(_require(entry, "resource", where)),
                measure=str(_require(entry, "measure", where)),
                dimension=str(_require(entry, "dimension", where)),
                classification=str(_require(entry, "classification", where)),
                level=int(_require(entry, "level", where)),
                fields={k: str(v) for k, v in fields.items()},
                sexes={str(k): str(v) for k, v in _require(entry, "sexes", where).items()},
                filter=str(entry.get("filter") or ""),
                title=str(entry.get("title", "")),
                confirmed=bool(entry.get("confirmed", True)),
                title_en=str(entry.get("title_en", "")),
            )
        )
    return out
