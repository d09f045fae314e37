"""Data Package v2 metadata (datapackage.json) built from the column contracts.

Types come from ``assets/contracts.py``; titles, descriptions, constraints and foreign keys from
``publish/datasets.yaml``. Every file of the data is a resource of its own, so that a validator
checks each: the RFC 4180 CSV with its Table Schema, the Excel CSV twin with its dialect and a
schema for decimal commas, the Parquet twin and the key-figure workbooks as files with their
format, size and checksum (Parquet carries its own typed schema).
"""

from __future__ import annotations

import json
from typing import Any

from assets.contracts import Contract
from publish.csv_text import EXCEL_TIMESTAMP_FORMAT
from publish.dataset_metadata import DatasetMeta
from publish.sinks import FileInfo

_TYPES = {"string": "string", "Int64": "integer", "float64": "number", "boolean": "boolean"}

LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
XLSX_MEDIATYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIATYPES = {"parquet": PARQUET_MEDIATYPE, "xlsx": XLSX_MEDIATYPE}
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"


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


def _texts(meta: DatasetMeta, suffix: str = "") -> dict[str, str]:
    return {
        "title": meta.title["en"] + suffix,
        "title_fi": meta.title["fi"] + suffix,
        "title_sv": meta.title["sv"] + suffix,
        "description": meta.description["en"],
        "description_fi": meta.description["fi"],
        "description_sv": meta.description["sv"],
    }


def excel_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The Table Schema of an Excel CSV twin: decimal commas and Excel's timestamps, no
    foreign keys (they are declared once, on the RFC 4180 CSV)."""
    fields = []
    for f in schema["fields"]:
        f = dict(f)
        if f["type"] == "number":
            f["decimalChar"] = ","
        elif f["type"] == "datetime":
            f["format"] = EXCEL_TIMESTAMP_FORMAT
        fields.append(f)
    return {k: v for k, v in schema.items() if k != "foreignKeys"} | {"fields": fields}


def resources(
    contract: Contract,
    meta: DatasetMeta,
    rows: int,
    csv: tuple[str, FileInfo],
    excel_csv: tuple[str, FileInfo] | None = None,
    parquet: tuple[str, FileInfo] | None = None,
) -> list[dict[str, Any]]:
    """A dataset's resources, one per file: the RFC 4180 CSV with its Table Schema, and its
    Excel CSV (``<name>_excel``) and Parquet (``<name>_parquet``) twins, each with its size and
    checksum as written. A twin names its dataset in ``twin_of``."""
    schema = table_schema(contract, meta)
    out: list[dict[str, Any]] = [
        {
            "name": contract.name,
            "type": "table",
            **file_entry(*csv),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
            **_texts(meta),
            "rows": rows,
            "schema": schema,
        }
    ]
    if excel_csv is not None:
        out.append(
            {
                "name": f"{contract.name}_excel",
                "type": "table",
                **file_entry(*excel_csv),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "dialect": {"delimiter": ";", "lineTerminator": "\r\n", "header": True},
                **_texts(meta, " (Excel, CSV)"),
                "description": "The same table for Excel with Finnish settings: ';', decimal "
                "comma, rounded values, text that could run as a formula starts with an "
                "apostrophe",
                "description_fi": "Sama taulukko Exceliin (suomalaiset asetukset): puolipiste, "
                "desimaalipilkku, pyöristetyt arvot; kaavana suoritettava teksti alkaa "
                "heittomerkillä",
                "rows": rows,
                "schema": excel_schema(schema),
                "twin_of": contract.name,
            }
        )
    if parquet is not None:
        out.append(
            {
                "name": f"{contract.name}_parquet",
                "type": "file",
                **file_entry(*parquet),
                "format": "parquet",
                "mediatype": PARQUET_MEDIATYPE,
                **_texts(meta, " (Parquet)"),
                "twin_of": contract.name,
            }
        )
    return out


def resource(
    contract: Contract,
    meta: DatasetMeta,
    rows: int,
    csv: tuple[str, FileInfo],
) -> dict[str, Any]:
    """One tabular resource of a CSV that has no twins (sources, code lists)."""
    return resources(contract, meta, rows, csv)[0]


def file_resource(
    name: str, path: str, info: FileInfo, fmt: str, titles: dict[str, str], description: dict
) -> dict[str, Any]:
    """A file that is not a CSV table (the key-figure workbooks), as a plain resource."""
    return {
        "name": name,
        "type": "file",
        **file_entry(path, info),
        "format": fmt,
        "mediatype": MEDIATYPES[fmt],
        "title": titles["en"],
        "title_fi": titles["fi"],
        "title_sv": titles["sv"],
        "description": description["en"],
        "description_fi": description["fi"],
        "description_sv": description["sv"],
    }


def page_view(document: bytes) -> bytes:
    """The package in the shape the data page reads: each dataset's twins back under its
    ``alternates`` and only tabular resources listed (the page lists each dataset's
    downloads once, with its columns)."""
    doc = json.loads(document)
    by_name = {r["name"]: dict(r) for r in doc["resources"]}
    listed = []
    for res in doc["resources"]:
        if "twin_of" in res:
            by_name[res["twin_of"]].setdefault("alternates", []).append(res)
        elif res.get("type") == "table":
            listed.append(by_name[res["name"]])
    return json.dumps({**doc, "resources": listed}, ensure_ascii=False).encode("utf-8")


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
    years: tuple[int, int] | None = None,
) -> bytes:
    doc = {
        "$schema": PROFILE,
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
        "contributors": [{"title": meta["publisher"], "roles": ["publisher"]}],
        "keywords": sorted({k for words in meta["keywords"].values() for k in words}),
        "citation": citation,
        "tasapaino": {
            "code_version": code_version,
            "method_version": method_version,
            **({"years": list(years)} if years else {}),
        },
        "resources": resources,
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
