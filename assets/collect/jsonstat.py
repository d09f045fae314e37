"""Parse json-stat2 responses (the format StatFin's PxWeb API returns) into long tables.

The parser is strict on purpose: a truncated body, an HTML error page or a dataset whose
``size`` does not match its ``value`` array must never become a table with silent gaps. Every
error names the table and what went wrong, so a user reading one line knows where to look.

Status marks (``..`` confidential, ``.`` not applicable, ``-`` magnitude zero …) are kept: the
value becomes null and the mark goes to ``status``, as the ``counts`` contract requires.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


class JsonStatError(ValueError):
    """A response is not a usable json-stat2 dataset."""


def load_payload(payload: bytes | str | Mapping[str, Any], *, table: str) -> dict[str, Any]:
    """Decode a raw json-stat2 body into its top-level object."""
    if isinstance(payload, Mapping):
        return dict(payload)
    doc = decode_json(payload, table=table)
    if not isinstance(doc, dict):
        raise JsonStatError(f"{table}: expected a json-stat2 object, got {type(doc).__name__}")
    return doc


def decode_json(payload: bytes | str, *, table: str) -> Any:
    """Decode any JSON response body, telling an HTML page and a cut-off body apart."""
    text = _utf8(payload, table) if isinstance(payload, bytes) else payload
    head = text.lstrip()[:200].lower()
    if not head:
        raise JsonStatError(f"{table}: the response is empty; retry, or check the table id")
    if head.startswith("<"):
        title = _html_title(text)
        raise JsonStatError(
            f"{table}: the response is an HTML page{title}, not JSON; the service or a proxy "
            "returned an error page — retry later, or check the API root "
            "(TASAPAINO_STATFIN_URL, TASAPAINO_VIPUNEN_URL)"
        )
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        cut = " (truncated)" if exc.pos >= len(text.rstrip()) - 1 else ""
        raise JsonStatError(
            f"{table}: the response is not valid JSON{cut} at character {exc.pos} of "
            f"{len(text)}: {exc.msg}; the transfer was probably cut off — retry"
        ) from None
    return doc


def _utf8(payload: bytes, table: str) -> str:
    """JSON travels as UTF-8 (RFC 8259); PxWeb may prefix a BOM. Other bytes are refused rather
    than replaced, because replacement would silently change names with ä and ö."""
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JsonStatError(
            f"{table}: the response is not UTF-8 (byte 0x{payload[exc.start]:02x} at {exc.start});"
            " it was re-encoded on the way (Latin-1?) — fetch it again, or save it as UTF-8"
        ) from None


def _html_title(text: str) -> str:
    lower = text.lower()
    start, end = lower.find("<title>"), lower.find("</title>")
    if 0 <= start < end:
        return f" ('{text[start + 7 : end].strip()[:80]}')"
    return ""


def parse_jsonstat2(payload: bytes | str | Mapping[str, Any], *, table: str) -> pd.DataFrame:
    """One row per cell: a column per dimension code (value codes), ``<dim>_label`` columns,
    ``value`` (nullable Float64) and ``status`` ('' where the source has no mark).

    ``DataFrame.attrs`` carries the dataset's ``label``, ``source`` and ``updated`` time.
    """
    doc = load_payload(payload, table=table)
    if doc.get("class", "dataset") != "dataset":
        raise JsonStatError(f"{table}: json-stat class is '{doc.get('class')}', not 'dataset'")
    ids, sizes, dims = doc.get("id"), doc.get("size"), doc.get("dimension")
    if not isinstance(ids, list) or not isinstance(sizes, list) or not isinstance(dims, dict):
        missing = [k for k in ("id", "size", "dimension") if k not in doc]
        raise JsonStatError(
            f"{table}: not a json-stat2 dataset (missing {', '.join(missing) or 'valid id/size'})"
        )
    if len(ids) != len(sizes):
        raise JsonStatError(f"{table}: {len(ids)} dimension ids but {len(sizes)} sizes")
    n_cells = math.prod(sizes)
    values = _values(doc.get("value"), n_cells, table)
    status = _status(doc.get("status"), n_cells, table)

    columns: dict[str, Any] = {}
    repeat = n_cells
    for dim_id, size in zip(ids, sizes, strict=True):
        if dim_id not in dims:
            raise JsonStatError(f"{table}: dimension '{dim_id}' is listed in id but not described")
        codes, labels = _categories(dims[dim_id], dim_id, size, table)
        repeat //= max(size, 1)
        tile = n_cells // (max(size, 1) * repeat) if n_cells else 0
        columns[dim_id] = np.tile(np.repeat(np.array(codes, dtype=object), repeat), tile)
        columns[f"{dim_id}_label"] = np.tile(
            np.repeat(np.array([labels.get(c, c) for c in codes], dtype=object), repeat), tile
        )
    df = pd.DataFrame(columns)
    df["value"] = pd.array(values, dtype="Float64")
    df["status"] = status
    df.attrs.update(
        {
            "table": table,
            "label": doc.get("label", ""),
            "source": doc.get("source", ""),
            "updated": doc.get("updated", ""),
        }
    )
    return df


def _categories(
    dim: Mapping[str, Any], dim_id: str, size: int, table: str
) -> tuple[list[str], dict[str, str]]:
    category = dim.get("category") if isinstance(dim, Mapping) else None
    if not isinstance(category, Mapping):
        raise JsonStatError(f"{table}: dimension '{dim_id}' has no category")
    index = category.get("index")
    labels = dict(category.get("label") or {})
    if index is None:
        codes = list(labels)
    elif isinstance(index, list):
        codes = [str(c) for c in index]
    else:
        codes = [c for c, _ in sorted(index.items(), key=lambda kv: kv[1])]
        if sorted(index.values()) != list(range(len(index))):
            raise JsonStatError(f"{table}: dimension '{dim_id}' has a gap in its category index")
    if len(codes) != size:
        raise JsonStatError(
            f"{table}: dimension '{dim_id}' has {len(codes)} categories but size says {size}"
        )
    return codes, labels


def _values(raw: Any, n_cells: int, table: str) -> list[float | None]:
    if raw is None:
        raise JsonStatError(f"{table}: the dataset has no value array")
    if isinstance(raw, Mapping):  # sparse form: {"position": value}
        out: list[float | None] = [None] * n_cells
        for pos, v in raw.items():
            i = int(pos)
            if not 0 <= i < n_cells:
                raise JsonStatError(f"{table}: value position {i} outside {n_cells} cells")
            out[i] = v
        raw = out
    if len(raw) != n_cells:
        raise JsonStatError(
            f"{table}: size says {n_cells} cells but the value array has {len(raw)}; "
            "the response is incomplete — retry"
        )
    out = []
    for i, v in enumerate(raw):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
            raise JsonStatError(
                f"{table}: the value at position {i} is {json.dumps(v, ensure_ascii=False)[:40]}, "
                "not a number (a suppressed cell is null with a status mark); the response is "
                "damaged — fetch it again, or run `tasapaino check` on the saved response"
            )
        out.append(None if v is None else float(v))
    return out


def _status(raw: Any, n_cells: int, table: str) -> np.ndarray:
    out = np.full(n_cells, "", dtype=object)
    if raw is None:
        return out
    if isinstance(raw, str):  # one mark for every cell
        out[:] = raw
    elif isinstance(raw, list):
        if len(raw) not in (1, n_cells):
            raise JsonStatError(f"{table}: status has {len(raw)} entries for {n_cells} cells")
        out[:] = [s or "" for s in raw] if len(raw) == n_cells else raw[0] or ""
    elif isinstance(raw, Mapping):
        for pos, mark in raw.items():
            i = int(pos)
            if not 0 <= i < n_cells:
                raise JsonStatError(f"{table}: status position {i} outside {n_cells} cells")
            out[i] = mark or ""
    return out
