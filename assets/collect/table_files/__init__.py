"""Tables a person downloaded by hand from StatFin or Vipunen, read into ``counts`` rows.

A guidance counsellor without a programmer's help can download a table from the StatFin web
service (as PX, or as CSV) or export a Vipunen report (Excel or CSV) and hand the file to a
run. This package recognises which configured table the file is from the file's own metadata,
harmonises it exactly as the same table fetched from the API (so names, levels, totals checks
and status marks agree), and records the file's name and SHA-256 on every row. A file it cannot
map is refused with one line naming what it did not recognise. Nothing here knows Dagster.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from assets.collect.table_files.cube import TableFileError
from assets.collect.table_files.px import decode_px, looks_like_px, parse_px
from assets.collect.table_files.statfin_csv import parse_statfin_csv, read_csv_text
from assets.collect.table_files.statfin_files import harmonised, match_tables
from assets.collect.table_files.vipunen_files import (
    csv_rows,
    looks_like_vipunen,
    vipunen_tables,
    xlsx_rows,
)
from assets.collect.tables import StatFinTable, VipunenResource

__all__ = ["MAX_BYTES", "HandedTable", "TableFileError", "read_table_file"]

# Larger than any StatFin table a person would download for one region (115s in full is a few
# MB as PX); refusing before reading keeps a mistaken file (a disk image, a video) from filling
# memory.
MAX_BYTES = 200 * 1024 * 1024
_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class HandedTable:
    """One configured (table, measure) pair served by a hand-given file."""

    source: str  # "statfin" or "vipunen"
    source_table: str  # the configured id, e.g. "tyokay/115s"
    measure: str
    counts: pd.DataFrame  # rows of the COUNTS contract, conformed
    file: str  # the file's name as given (basename)
    sha256: str
    title: str
    file_format: str  # "px", "statfin-csv", "vipunen-xlsx", "vipunen-csv"


def read_table_file(
    path: Path,
    statfin: Sequence[StatFinTable],
    vipunen: Sequence[VipunenResource],
    names_root: Path | None = None,
) -> list[HandedTable]:
    """Every configured pair the file can satisfy, or one line saying why it serves none
    (``names_root``: the recorded snapshot whose service names complete the shipped lists, see
    ``harmonise.unit_names``)."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TableFileError(f"--table {path}: cannot be read ({exc.strerror})") from None
    if not path.is_file():
        raise TableFileError(f"--table {path}: is not a file")
    if size > MAX_BYTES:
        raise TableFileError(
            f"{name}: the file is {size / 2**20:.0f} MB, over the {MAX_BYTES // 2**20} MB limit "
            "for a hand-given table; download only the variables and years needed"
        )
    data = path.read_bytes()
    if not data.strip():
        raise TableFileError(f"{name}: the file is empty; download the table again")
    sha256 = hashlib.sha256(data).hexdigest()
    retrieved_at = (
        dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z")
    )
    note = f"from the hand-given file {name} (SHA-256 {sha256[:12]}), given with --table"

    if data.startswith(_ZIP):
        rows = xlsx_rows(data, name)
        if not looks_like_vipunen(rows, vipunen):
            raise TableFileError(
                f"{name}: an Excel file is read only as a Vipunen export, and its columns are "
                "not a configured Vipunen resource's; download a StatFin table as PX or CSV"
            )
        return _vipunen(rows, vipunen, name, retrieved_at, note, sha256, "vipunen-xlsx", names_root)
    if looks_like_px(data):
        cube = parse_px(decode_px(data, name), name)
    else:
        try:
            text = read_csv_text(data)
        except TableFileError as exc:
            raise TableFileError(f"{name}: {exc}") from None
        if text.lstrip()[:200].lower().startswith("<"):
            raise TableFileError(
                f"{name}: the file is an HTML page, not a table (a web page saved instead of "
                "the download?); download the table again as PX or CSV"
            )
        rows = csv_rows(data, name)
        if looks_like_vipunen(rows, vipunen):
            return _vipunen(
                rows, vipunen, name, retrieved_at, note, sha256, "vipunen-csv", names_root
            )
        cube = parse_statfin_csv(text, name)

    out = []
    for match in match_tables(cube, statfin, name, retrieved_at):
        counts = harmonised(match, name, names_root)
        if counts.empty:
            raise TableFileError(
                f"{name}: {match.spec.id} {match.spec.measure} gives no counts at the "
                "configured levels and regions; download the table with those"
            )
        how = f"{note}, recognised by {match.recognised_by}"
        out.append(
            HandedTable(
                source="statfin",
                source_table=match.spec.id,
                measure=match.spec.measure,
                counts=_with_note(counts, how),
                file=name,
                sha256=sha256,
                title=cube.title,
                file_format=cube.file_format,
            )
        )
    return out


def _vipunen(
    rows: list[list[object]],
    vipunen: Sequence[VipunenResource],
    name: str,
    retrieved_at: str,
    note: str,
    sha256: str,
    file_format: str,
    names_root: Path | None,
) -> list[HandedTable]:
    return [
        HandedTable(
            source="vipunen",
            source_table=spec.id,
            measure=spec.measure,
            counts=_with_note(counts, note),
            file=name,
            sha256=sha256,
            title=spec.title,
            file_format=file_format,
        )
        for spec, counts in vipunen_tables(rows, vipunen, name, retrieved_at, names_root)
    ]


def _with_note(counts: pd.DataFrame, note: str) -> pd.DataFrame:
    """Say on every row that it came from a hand-given file (appended: a check flag stays
    first), as ``--counts`` files do."""
    out = counts.copy()
    before = out["derivation"].fillna("")
    out["derivation"] = ((before + "; ").where(before.ne(""), "") + note).astype("string")
    return out
