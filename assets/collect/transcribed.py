"""Read the transcribed Statistics Finland tables of the bundled snapshot into ``counts``.

These are published tables copied by hand (see data/snapshot/README.md), never API responses.
Their provenance lives in ``sources.yaml`` beside them; every row of ``counts`` is tied to its
page id, URL, publication date and, where known, the date the page was read.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from assets.contracts import COUNTS, conform
from assets.reference.classifications import load_classification, load_regions

SOURCE = "transcribed"
PAGE_ID = re.compile(r"[a-z]+_\d{4}_[0-9_-]+_t(?:au|ie)_\d{3}(?:_[a-z]{2})?")
RAW_COLUMNS = [
    "source_table",
    "year",
    "region_code",
    "region_name",
    "classification",
    "unit_code",
    "unit_name",
    "sex",
    "count",
]
# Transcribed files name AML 2010 as in the source pages; counts use the classification ids.
CLASSIFICATION_IDS = {
    "ammattiluokitus_2010": "ammatti_2010",
    "koulutusala_tk_2011": "koulutusala_2011",
}


class SnapshotError(ValueError):
    """The bundled snapshot is inconsistent with its provenance file."""


@dataclass(frozen=True)
class TranscribedTable:
    """One CSV of the snapshot with its declared provenance."""

    file: str
    spec: dict[str, Any]
    frame: pd.DataFrame
    sha256: str


def load_sources(directory: Path) -> dict[str, Any]:
    with open(directory / "sources.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def read_tables(directory: Path) -> list[TranscribedTable]:
    """Read every CSV declared in sources.yaml, as text, exactly as stored."""
    sources = load_sources(directory)
    tables = []
    for file, spec in sorted(sources["files"].items()):
        path = directory / file
        if not path.exists():
            raise SnapshotError(f"{path}: declared in sources.yaml but missing from the snapshot")
        raw = path.read_bytes()
        # utf-8-sig: a BOM (Excel's "CSV UTF-8") is accepted; any other encoding fails loudly.
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if list(frame.columns) != RAW_COLUMNS:
            raise SnapshotError(
                f"{path}: columns {list(frame.columns)} differ from the snapshot layout "
                f"{RAW_COLUMNS}"
            )
        tables.append(TranscribedTable(file, spec, frame, hashlib.sha256(raw).hexdigest()))
    undeclared = {p.name for p in directory.glob("*.csv")} - set(sources["files"])
    if undeclared:
        raise SnapshotError(
            f"{directory}: {', '.join(sorted(undeclared))} not declared in sources.yaml; "
            "add their provenance or remove them"
        )
    return tables


def _match_table(file: str, spec: dict[str, Any], source_text: str) -> dict[str, Any]:
    found = PAGE_ID.search(source_text)
    page_id = found.group(0) if found else None
    candidates = [
        t
        for t in spec["tables"]
        if t["id"] == page_id and ("match" not in t or t["match"] in source_text)
    ]
    if len(candidates) != 1:
        raise SnapshotError(
            f"{file}: source_table '{source_text}' matches {len(candidates)} entries of "
            "sources.yaml (expected exactly one); fix the table ids or 'match' texts there"
        )
    return candidates[0]


def to_counts(tables: list[TranscribedTable]) -> pd.DataFrame:
    """Tidy ``counts`` rows from transcribed tables, named from the shipped classifications."""
    regions = load_regions().set_index("code")["name_fi"]
    parts = []
    for table in tables:
        df, spec = table.frame, table.spec
        meta = {s: _match_table(table.file, spec, s) for s in df["source_table"].unique()}
        classification = spec["classification"]
        names = load_classification(classification).set_index("code")
        unknown_codes = set(df["unit_code"]) - set(names.index)
        if unknown_codes:
            raise SnapshotError(
                f"{table.file}: unit codes {sorted(unknown_codes)} are not in "
                f"data/classifications/{classification}.csv"
            )
        file_classes = {CLASSIFICATION_IDS.get(c, c) for c in df["classification"]}
        if file_classes != {classification}:
            raise SnapshotError(
                f"{table.file}: classification {sorted(file_classes)} differs from "
                f"sources.yaml ({classification})"
            )
        out = pd.DataFrame(
            {
                "source": SOURCE,
                "source_table": df["source_table"].map(_field(meta, "id")),
                "dimension": spec["dimension"],
                "classification": classification,
                "level": spec["level"],
                "measure": df["source_table"].map(_field(meta, "measure")),
                "unit_code": df["unit_code"],
                "unit_name_fi": df["unit_code"].map(names["name_fi"]),
                "unit_name_sv": df["unit_code"].map(names["name_sv"]),
                "unit_name_en": df["unit_code"].map(names["name_en"]),
                "region_code": df["region_code"],
                "region_name_fi": df["region_code"].map(regions),
                "year": df["year"].astype(int),
                "sex": df["sex"],
                "count": pd.to_numeric(df["count"], errors="raise"),
                "status": "",
                "derivation": [
                    _derivation(meta[s], unit, sex)
                    for s, unit, sex in zip(
                        df["source_table"], df["unit_code"], df["sex"], strict=True
                    )
                ],
                "retrieved_at": df["source_table"].map(_field(meta, "referred")),
                "source_updated": df["source_table"].map(_field(meta, "published")),
            }
        )
        if out["region_name_fi"].isna().any():
            bad = sorted(set(out.loc[out["region_name_fi"].isna(), "region_code"]))
            raise SnapshotError(f"{table.file}: unknown region codes {bad}")
        parts.append(out)
    counts = pd.concat(parts, ignore_index=True)
    return conform(counts, COUNTS).sort_values(list(COUNTS.primary_key), ignore_index=True)


def _field(meta: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    """Source text → one provenance field, for ``Series.map``."""
    return {text: spec[name] for text, spec in meta.items()}


def _derivation(meta: dict[str, Any], unit_code: str, sex: str) -> str:
    notes = []
    if meta.get("men_derived") and sex == "men":
        notes.append("men = total − women (the source publishes total and women)")
    residual = (meta.get("residual_units") or {}).get(unit_code)
    if residual:
        notes.append(residual)
    return "; ".join(notes)


def provenance(tables: list[TranscribedTable]) -> pd.DataFrame:
    """One row per source page: what it is, where it is, when it was published and read."""
    rows = []
    for table in tables:
        for t in table.spec["tables"]:
            rows.append(
                {
                    "source": SOURCE,
                    "source_table": t["id"],
                    "measure": t["measure"],
                    "title_fi": t["title_fi"],
                    "title_en": t["title_en"],
                    "statistic_fi": t["statistic_fi"],
                    "url": t["url"],
                    "published": str(t["published"]),
                    "referred": "" if t["referred"] is None else str(t["referred"]),
                    "men_derived": bool(t["men_derived"]),
                    "file": table.file,
                    "file_sha256": table.sha256,
                    "status": "current",
                    "note": "",
                }
            )
    return pd.DataFrame(rows).drop_duplicates(["source_table", "measure"]).reset_index(drop=True)
