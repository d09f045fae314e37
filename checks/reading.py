"""Read a file a maintainer hands to ``tasapaino check``: json-stat2, counts CSV or Parquet.

Reading decides one thing only: can this file be judged at all? An empty file, bytes that are
not UTF-8, an HTML error page, cut-off JSON, a semicolon CSV or JSON that is not a json-stat2
dataset cannot, and raise ``Unreadable`` with one sentence saying what the file is and what to
do. Everything readable goes to the suites, which say what is wrong inside.

Two CSV layouts are accepted: the ``counts`` contract (docs/data-contracts.md) and the tidy layout
of the bundled snapshot's transcribed tables (data/snapshot/transcribed), which is mapped onto
the contract using the snapshot's sources.yaml. json-stat2 goes through the collect stage's own
parser (assets/collect/jsonstat.py): there is no second parser here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path
from typing import Any

import pandas as pd

from assets.collect.files import (
    Unreadable,
    decode_text,
    is_parquet,
    read_csv_text,
    read_parquet_bytes,
    refuse_html,
    require_content,
)
from assets.collect.jsonstat import JsonStatError, parse_jsonstat2
from assets.collect.transcribed import CLASSIFICATION_IDS, PAGE_ID, RAW_COLUMNS, load_sources
from assets.contracts import COUNTS
from assets.reference.classifications import CLASSIFICATIONS, load_classification
from assets.reference.paths import snapshot_dir

DIMENSIONS = {
    "ammatti": "occupation",
    "koulutusala": "field_of_education",
    "koulutussektori": "field_of_education",
}


@dataclass
class CheckInput:
    """What a file turned out to be, ready for the suites."""

    kind: str  # "jsonstat2", "counts", "transcribed"
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    texts: dict[int, str] = field(default_factory=dict)
    structure_error: str = ""


def read_input(path: Path) -> CheckInput:
    data = path.read_bytes()
    require_content(data)
    if is_parquet(data, path.suffix):
        return CheckInput("counts", read_parquet_bytes(data))
    text = decode_text(data)
    refuse_html(text)
    if text.lstrip()[:1] in ("{", "["):
        return _read_jsonstat(text, path.stem)
    return _read_csv(text, path.name)


def _read_jsonstat(text: str, table: str) -> CheckInput:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        cut = "ends too early (truncated?)" if exc.pos >= len(text.rstrip()) - 1 else "is broken"
        raise Unreadable(
            f"the JSON {cut} at line {exc.lineno}, column {exc.colno}: {exc.msg}; "
            "download the response again"
        ) from None
    looks_like_jsonstat = isinstance(doc, dict) and (
        doc.get("class") == "dataset" or bool({"dimension", "value"} & set(doc))
    )
    if not looks_like_jsonstat:
        raise Unreadable(
            "the file is JSON but not a json-stat2 dataset (no 'dimension' or 'value'); "
            "save the response of a PxWeb POST query with format json-stat2"
        )
    texts = _non_numbers(doc.get("value"))
    if texts:
        doc = dict(doc)
        values = doc["value"]
        if isinstance(values, list):
            doc["value"] = [None if i in texts else v for i, v in enumerate(values)]
        else:
            doc["value"] = {k: v for k, v in values.items() if int(k) not in texts}
    try:
        parsed = parse_jsonstat2(doc, table=table)
    except (JsonStatError, TypeError, ValueError) as exc:
        return CheckInput("jsonstat2", structure_error=str(exc))
    return CheckInput("jsonstat2", parsed, texts)


def _non_numbers(values: Any) -> dict[int, str]:
    """Positions of entries the value array holds as text (or anything but a number)."""
    if isinstance(values, list):
        items = enumerate(values)
    elif isinstance(values, dict):
        items = ((int(k), v) for k, v in values.items() if str(k).lstrip("-").isdigit())
    else:
        return {}
    return {
        i: json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
        for i, v in items
        if v is not None and (isinstance(v, bool) or not isinstance(v, Real))
    }


def _read_csv(text: str, file_name: str) -> CheckInput:
    frame = read_csv_text(text)
    columns = set(frame.columns)
    if not {"sex", "count", "region_code", "unit_code"} & columns:
        raise Unreadable(
            f"the CSV is not a counts table (columns: {', '.join(frame.columns)[:120]}); "
            "see docs/data-contracts.md for the columns"
        )
    frame.insert(0, "row", range(1, len(frame) + 1))
    if "region_name" in columns or "unit_name" in columns:
        return CheckInput("transcribed", transcribed_to_counts(frame, file_name))
    return CheckInput("counts", frame)


def transcribed_to_counts(frame: pd.DataFrame, file_name: str) -> pd.DataFrame:
    """Map the snapshot's transcribed layout onto the counts contract, keeping every value as
    written (the suites judge them) and each row's number. Missing columns stay missing.

    The measure comes from sources.yaml: by the file's own entry when the file keeps its
    snapshot name, else by the page id in ``source_table`` when that is unambiguous. Where one
    page holds several measures (the lukio tables), rows of a renamed file share the file name
    as their measure, so they are still judged as one population.
    """
    specs = _page_specs()
    out = pd.DataFrame({"row": frame["row"]})
    source_text = frame.get("source_table", pd.Series("", index=frame.index)).astype(str)
    page = source_text.map(lambda s: m.group(0) if (m := PAGE_ID.search(s)) else s)
    spec = [_spec_for(specs, p, s, file_name) for p, s in zip(page, source_text, strict=True)]
    classification = frame.get("classification", pd.Series("", index=frame.index)).map(
        lambda c: CLASSIFICATION_IDS.get(c, c)
    )
    units = frame.get("unit_code", pd.Series("", index=frame.index))
    out["source"] = "transcribed"
    out["source_table"] = page
    out["dimension"] = [
        s.get("dimension") or DIMENSIONS.get(str(c).split("_")[0], "")
        for s, c in zip(spec, classification, strict=True)
    ]
    out["classification"] = classification
    out["level"] = [
        s.get("level") or _level(c, u) for s, c, u in zip(spec, classification, units, strict=True)
    ]
    out["measure"] = [s.get("measure") or Path(file_name).stem for s in spec]
    renames = {
        "unit_code": "unit_code",
        "unit_name": "unit_name_fi",
        "region_code": "region_code",
        "region_name": "region_name_fi",
        "year": "year",
        "sex": "sex",
        "count": "count",
    }
    for raw, contract in renames.items():
        if raw in frame.columns:
            out[contract] = frame[raw]
    for col in ("unit_name_sv", "unit_name_en", "status", "derivation"):
        out[col] = ""
    for col in ("retrieved_at", "source_updated"):
        out[col] = [s.get("referred" if col == "retrieved_at" else "published") for s in spec]
    extra = [c for c in frame.columns if c not in RAW_COLUMNS and c != "row"]
    for col in extra:
        out[col] = frame[col]
    keep = ["row", *[c for c in COUNTS.names if c in out.columns], *extra]
    return out[keep]


def _page_specs() -> dict[str, list[dict[str, Any]]]:
    """Page id → its sources.yaml entries, each with its file, dimension and level."""
    sources = load_sources(snapshot_dir() / "transcribed")
    out: dict[str, list[dict[str, Any]]] = {}
    for file, spec in sources["files"].items():
        for table in spec["tables"]:
            out.setdefault(table["id"], []).append(
                {**table, "file": file, "dimension": spec["dimension"], "level": spec["level"]}
            )
    return out


def _spec_for(
    specs: dict[str, list[dict[str, Any]]], page: str, text: str, file_name: str
) -> dict[str, Any]:
    candidates = [t for t in specs.get(page, []) if "match" not in t or t["match"] in text]
    own = [t for t in candidates if t["file"] == file_name]
    candidates = own or candidates
    if len({t["measure"] for t in candidates}) == 1:
        return candidates[0]
    if candidates:  # the page is known, its measure depends on the file
        return {k: v for k, v in candidates[0].items() if k != "measure"}
    return {}


def _level(classification: str, code: str) -> str:
    if classification not in CLASSIFICATIONS:
        return ""
    table = load_classification(classification)
    found = table.loc[table["code"] == code, "level"]
    return str(int(found.iloc[0])) if len(found) else "1"
