"""Frictionless Data Package metadata (datapackage.json) built from the column contracts."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from assets.contracts import Contract

_TYPES = {"string": "string", "Int64": "integer", "float64": "number", "boolean": "boolean"}

LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


def field_type(dtype: str) -> str:
    return "datetime" if dtype.startswith("datetime64") else _TYPES[dtype]


def table_schema(contract: Contract) -> dict[str, Any]:
    fields = [
        {
            "name": c.name,
            "type": field_type(c.dtype),
            "description": c.description_en,
            "description_fi": c.description_fi,
        }
        for c in contract.columns
    ]
    return {"fields": fields, "primaryKey": list(contract.primary_key), "missingValues": [""]}


def resource(
    name: str,
    path: str,
    contract: Contract,
    df: pd.DataFrame,
    title: dict[str, str],
    description: dict[str, str],
    data: bytes,
) -> dict[str, Any]:
    import hashlib

    return {
        "name": name,
        "path": path,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "title": title["en"],
        "title_fi": title["fi"],
        "description": description["en"],
        "description_fi": description["fi"],
        "bytes": len(data),
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "rows": len(df),
        "schema": table_schema(contract),
    }


def package(
    *,
    name: str,
    version: str,
    created: str,
    resources: list[dict[str, Any]],
    sources: list[dict[str, str]],
    description: dict[str, str],
    code_version: str,
) -> bytes:
    doc = {
        "profile": "tabular-data-package",
        "name": name,
        "title": "Tasapaino: women and men by occupation and field of education in Finland",
        "title_fi": "Tasapaino: naiset ja miehet ammateittain ja koulutusaloittain Suomessa",
        "description": description["en"],
        "description_fi": description["fi"],
        "version": version,
        "created": created,
        "licenses": [LICENCE],
        "sources": sources,
        "contributors": [{"title": "Tasapaino", "role": "publisher"}],
        "keywords": [
            "segregation",
            "gender",
            "occupation",
            "education",
            "Finland",
            "segregaatio",
            "sukupuoli",
        ],
        "tasapaino": {"code_version": code_version},
        "resources": resources,
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")
