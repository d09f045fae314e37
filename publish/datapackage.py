"""Frictionless Data Package metadata (datapackage.json) built from the column contracts.

Types come from ``assets/contracts.py``; titles, descriptions, constraints and foreign keys from
``publish/datasets.yaml``. Each tabular resource is the RFC 4180 CSV; its Excel-friendly CSV and
Parquet twins are listed under ``alternates`` with their own size and checksum, so one
``datapackage.json`` describes every downloadable file.
"""

from __future__ import annotations

import json
from typing import Any

from assets.contracts import Contract
from publish.dataset_metadata import DatasetMeta
from publish.sinks import FileInfo

_TYPES = {"string": "string", "Int64": "integer", "float64": "number", "boolean": "boolean"}

LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"


def field_type(dtype: str) -> str:
    return "datetime" if dtype.startswith("datetime64") else _TYPES[dtype]


def table_schema(contract: Contract, meta: DatasetMeta) -> dict[str, Any]:
    fields = []
    for c in contract.columns:
        constraints = dict(meta.constraints.get(c.name, {}))
        if c.name in contract.primary_key and c.name not in meta.nullable_keys:
            constraints["required"] = True
        spec: dict[str, Any] = {
            "name": c.name,
            "type": meta.types.get(c.name, field_type(c.dtype)),
            "description": c.description_en,
            "description_fi": c.description_fi,
        }
        if constraints:
            spec["constraints"] = constraints
        fields.append(spec)
    schema: dict[str, Any] = {
        "fields": fields,
        "primaryKey": list(contract.primary_key),
        "missingValues": [""],
    }
    if meta.foreign_keys:
        schema["foreignKeys"] = [dict(fk) for fk in meta.foreign_keys]
    return schema


def file_entry(path: str, info: FileInfo) -> dict[str, Any]:
    return {"path": path, "bytes": info.size, "hash": f"sha256:{info.sha256}"}


def resource(
    contract: Contract,
    meta: DatasetMeta,
    rows: int,
    csv: tuple[str, FileInfo],
    excel_csv: tuple[str, FileInfo] | None = None,
    parquet: tuple[str, FileInfo] | None = None,
) -> dict[str, Any]:
    """One tabular resource: the CSV, its schema, and its Excel CSV and Parquet twins, each
    file given by its path and its size and checksum as written."""
    out: dict[str, Any] = {
        "name": contract.name,
        "path": csv[0],
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "title": meta.title["en"],
        "title_fi": meta.title["fi"],
        "title_sv": meta.title["sv"],
        "description": meta.description["en"],
        "description_fi": meta.description["fi"],
        "description_sv": meta.description["sv"],
        "bytes": csv[1].size,
        "hash": f"sha256:{csv[1].sha256}",
        "rows": rows,
        "schema": table_schema(contract, meta),
    }
    alternates = []
    if excel_csv is not None:
        alternates.append(
            {
                **file_entry(*excel_csv),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "dialect": {"delimiter": ";", "lineTerminator": "\r\n", "header": True},
                "decimalChar": ",",
                "description": "The same table for Excel with Finnish settings",
                "description_fi": "Sama taulukko Exceliin (suomalaiset asetukset)",
            }
        )
    if parquet is not None:
        alternates.append(
            {**file_entry(*parquet), "format": "parquet", "mediatype": PARQUET_MEDIATYPE}
        )
    if alternates:
        out["alternates"] = alternates
    return out


def package(
    *,
    meta: dict[str, Any],
    version: str,
    created: str,
    resources: list[dict[str, Any]],
    sources: list[dict[str, str]],
    citation: dict[str, str],
    code_version: str,
    method_version: int,
) -> bytes:
    doc = {
        "profile": "tabular-data-package",
        "name": meta["name"],
        "title": meta["title"]["en"],
        "title_fi": meta["title"]["fi"],
        "title_sv": meta["title"]["sv"],
        "description": meta["description"]["en"],
        "description_fi": meta["description"]["fi"],
        "description_sv": meta["description"]["sv"],
        "version": version,
        "created": created,
        "licenses": [LICENCE],
        "sources": sources,
        "contributors": [{"title": meta["publisher"], "role": "publisher"}],
        "keywords": sorted({k for words in meta["keywords"].values() for k in words}),
        "citation": citation,
        "tasapaino": {"code_version": code_version, "method_version": method_version},
        "resources": resources,
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
