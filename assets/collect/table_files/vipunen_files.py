"""Vipunen exports (Excel .xlsx and CSV) read into records and harmonised like the API's.

An export is a sheet of records: a header row of field names, one record per row. The header
may carry the API's field names (``tilastovuosi``, ``kooditKoulutusalaTaso1``) or the report's
wording of them (``Tilastovuosi``, ``Koulutusala taso 1``); both are compared without case,
spaces or punctuation, and a field named ``koodit…`` also matches the field without that
prefix, whose labels then give the codes (a leading code ``06 Tietojenkäsittely …``, a region
name via data/classifications/regions.csv). The records then go through
``harmonise.vipunen_counts``, exactly as records fetched from the API.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pandas as pd

from assets.collect.harmonise import vipunen_counts
from assets.collect.http import Exchange, SourceError
from assets.collect.table_files.cube import TableFileError
from assets.collect.table_files.statfin_csv import _regions, read_csv_text
from assets.collect.tables import VipunenResource

ROLES = ("year", "sex", "region", "unit", "count")
_LEADING = re.compile(r"^\s*(\d{1,4})\s+\S")


def _key(text: object) -> str:
    return re.sub(r"[^0-9a-zåäö]", "", str(text or "").casefold())


def xlsx_rows(data: bytes, name: str) -> list[list[object]]:
    """The first sheet's rows (cell values as Excel stores them)."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TableFileError(
            f"{name}: the Excel file cannot be read ({type(exc).__name__}); save it again as "
            ".xlsx, or export the report as CSV"
        ) from None
    try:
        sheet = book.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def csv_rows(data: bytes, name: str) -> list[list[object]]:
    try:
        text = read_csv_text(data)
    except TableFileError as exc:
        raise TableFileError(f"{name}: {exc}") from None
    lines = text.splitlines()
    head = "\n".join(lines[:20])
    delim = max((";", ",", "\t"), key=head.count)
    return [list(r) for r in csv.reader(lines, delimiter=delim)]


def looks_like_vipunen(rows: list[list[object]], vipunen: Sequence[VipunenResource]) -> bool:
    return any(_header(rows, r) is not None for r in vipunen)


def _columns(header: list[object], spec: VipunenResource) -> dict[str, tuple[int, bool]] | None:
    """Role → (column, holds codes) when every role's field is a column, else None."""
    keys = [_key(h) for h in header]
    out = {}
    for role in (*ROLES, "updated"):
        field = spec.fields.get(role)
        if field is None:
            continue
        wanted = _key(field)
        if wanted in keys:
            out[role] = (keys.index(wanted), True)
        elif wanted.startswith("koodit") and wanted.removeprefix("koodit") in keys:
            out[role] = (keys.index(wanted.removeprefix("koodit")), False)
        elif role == "count" and wanted.removesuffix("lkm") in keys:
            out[role] = (keys.index(wanted.removesuffix("lkm")), True)
        elif role != "updated":
            return None
    return out


def _header(rows: list[list[object]], spec: VipunenResource) -> int | None:
    for i, row in enumerate(rows[:30]):
        if _columns(row, spec) is not None:
            return i
    return None


def _label_code(role: str, value: object) -> object:
    """A code from a label: ``06 Tietojenkäsittely …`` → ``06``; a region name → ``MK17``."""
    text = str(value or "").strip()
    lead = _LEADING.match(text)
    if lead:
        return lead.group(1)
    if role == "region":
        return _regions().get(text.casefold(), text)
    return text


def vipunen_tables(
    rows: list[list[object]],
    vipunen: Sequence[VipunenResource],
    name: str,
    retrieved_at: str,
    names_root: Path | None = None,
) -> list[tuple[VipunenResource, pd.DataFrame]]:
    """(resource, counts) for the configured resource whose fields the export has
    (``names_root``: see ``harmonise.unit_names``)."""
    found = [(r, i) for r in vipunen if (i := _header(rows, r)) is not None]
    if not found:
        fields = ", ".join(f"{r.resource}: {', '.join(r.fields.values())}" for r in vipunen)
        seen = next((r for r in rows if sum(1 for c in r if c not in (None, "")) >= 3), [])
        raise TableFileError(
            f"{name}: the export's columns ({', '.join(str(c) for c in seen[:8])}) lack the "
            f"fields of every configured Vipunen resource ({fields}); export the report with "
            "those columns, or fix 'fields' in data/sources/vipunen.yaml"
        )
    if len(found) > 1:
        raise TableFileError(
            f"{name}: the export fits several Vipunen resources "
            f"({', '.join(r.resource for r, _ in found)}); export one resource per file"
        )
    spec, at = found[0]
    columns = _columns(rows[at], spec)
    assert columns is not None
    records = []
    for row in rows[at + 1 :]:
        if not any(c not in (None, "") for c in row):
            continue
        record = {}
        for role, (col, coded) in columns.items():
            value = row[col] if col < len(row) else None
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            record[spec.fields[role]] = value if coded else _label_code(role, value)
        records.append(record)
    if not records:
        raise TableFileError(f"{name}: the export has a header but no records")
    used = (
        spec
        if "updated" in columns or "updated" not in spec.fields
        else dataclasses.replace(
            spec, fields={k: v for k, v in spec.fields.items() if k != "updated"}
        )
    )
    exchange = Exchange(
        source="vipunen",
        table=spec.id,
        kind="data",
        method="GET",
        url=f"file:{name}",
        request_body=None,
        status=200,
        body=json.dumps(records, ensure_ascii=False, default=str).encode("utf-8"),
        retrieved_at=retrieved_at,
    )
    try:
        return [(spec, vipunen_counts(used, [exchange], names_root))]
    except (SourceError, ValueError) as exc:
        raise TableFileError(f"{name}: {exc}") from None
