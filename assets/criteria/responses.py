"""Read self-assessment responses from a folder and validate them against the catalogue.

The folder (default ``data/self_assessment/``, which ships without responses) holds:

- any number of response files ``*.csv`` with the columns ``organisation, date, criterion_id,
  score`` and an optional ``comment``;
- ``organisations.csv`` with ``organisation, region_code``: the region (maakunta) of each
  organisation, so responses can be aggregated by region without repeating it on every row.

Comments are read only to accept the column and are dropped here, at the door: nothing after this
module ever sees a comment. Any error names the file, the line and the column.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from assets.reference.paths import data_dir

ORGANISATIONS_FILE = "organisations.csv"
REQUIRED = ("organisation", "date", "criterion_id", "score")
ALLOWED = (*REQUIRED, "comment")
OUTPUT_COLUMNS = [
    "organisation",
    "date",
    "criterion_id",
    "score",
    "criteria_set",
    "criteria_version",
    "theme",
    "theme_dimension",
    "region_code",
]


class ResponsesError(ValueError):
    """A response or organisation file is invalid; the message says where and how to fix it."""


def default_responses_dir() -> Path:
    """``data/self_assessment`` under the data root (moves with ``TASAPAINO_DATA_DIR``)."""
    return data_dir() / "self_assessment"


def _read(path: Path, required: tuple[str, ...], allowed: tuple[str, ...]) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ResponsesError(f"{path}: not a UTF-8 CSV file with a header row ({exc})") from exc
    df.columns = [c.strip() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    extra = [c for c in df.columns if c not in allowed]
    if missing or extra:
        raise ResponsesError(
            f"{path}: columns must be {', '.join(allowed)} ("
            + "; ".join(
                p
                for p in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"unexpected {', '.join(extra)}" if extra else "",
                )
                if p
            )
            + ")"
        )
    return df.apply(lambda col: col.str.strip())


def _criteria(catalogue: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for cset in catalogue:
        for crit in cset["criteria"]:
            if crit["kind"] == "self_assessment":
                out[crit["id"]] = {
                    "criteria_set": cset["id"],
                    "criteria_version": str(cset["version"]),
                    "theme": crit["theme"],
                    "theme_dimension": crit.get("dimension", ""),
                    "min": crit["scale"]["min"],
                    "max": crit["scale"]["max"],
                }
    return out


def read_organisations(directory: Path, regions: pd.DataFrame) -> dict[str, str]:
    """Organisation → region code, from ``organisations.csv``."""
    path = directory / ORGANISATIONS_FILE
    if not path.is_file():
        raise ResponsesError(
            f"{path}: missing; list every responding organisation with its region_code "
            "(columns organisation,region_code), e.g. 'Ohjaamo Oulu,MK17'"
        )
    df = _read(path, ("organisation", "region_code"), ("organisation", "region_code"))
    valid = set(regions.loc[regions["kind"] == "region", "code"])
    out: dict[str, str] = {}
    pairs = zip(df["organisation"], df["region_code"], strict=True)
    for line, (org, region) in enumerate(pairs, start=2):
        if not org:
            raise ResponsesError(f"{path}:{line}: organisation is empty")
        if region not in valid:
            raise ResponsesError(
                f"{path}:{line}: region_code '{region}' of '{org}' is not a region (maakunta) "
                "code; use MK01…MK21 as in data/classifications/regions.csv"
            )
        if org in out and out[org] != region:
            raise ResponsesError(f"{path}:{line}: '{org}' is listed twice with different regions")
        out[org] = region
    return out


def read_responses(
    directory: Path, catalogue: list[dict[str, Any]], regions: pd.DataFrame
) -> pd.DataFrame:
    """Validated responses with their criterion's set, theme and the organisation's region.

    An absent or empty folder means no responses: an empty frame, not an error.
    """
    files = (
        sorted(p for p in directory.glob("*.csv") if p.name != ORGANISATIONS_FILE)
        if directory.is_dir()
        else []
    )
    if not files:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    criteria = _criteria(catalogue)
    organisations = read_organisations(directory, regions)
    rows = []
    for path in files:
        df = _read(path, REQUIRED, ALLOWED)
        for line, rec in enumerate(df.to_dict("records"), start=2):
            rows.append(_validated(rec, criteria, organisations, f"{path}:{line}"))
    return pd.DataFrame(rows, columns=OUTPUT_COLUMNS)


def _validated(
    rec: dict[str, str],
    criteria: dict[str, dict[str, Any]],
    organisations: dict[str, str],
    where: str,
) -> dict[str, Any]:
    org = rec["organisation"]
    if org not in organisations:
        raise ResponsesError(
            f"{where}: organisation '{org}' is not in {ORGANISATIONS_FILE}; add it with its "
            "region_code"
        )
    crit = criteria.get(rec["criterion_id"])
    if crit is None:
        raise ResponsesError(
            f"{where}: criterion_id '{rec['criterion_id']}' is not a self-assessment criterion "
            f"of the catalogue (known: {', '.join(sorted(criteria))})"
        )
    try:
        date = dt.date.fromisoformat(rec["date"])
    except ValueError:
        raise ResponsesError(
            f"{where}: date '{rec['date']}' is not an ISO date (YYYY-MM-DD)"
        ) from None
    score_text = rec["score"]
    if not score_text.isdigit() or not crit["min"] <= int(score_text) <= crit["max"]:
        raise ResponsesError(
            f"{where}: score '{score_text}' must be a whole number from {crit['min']} to "
            f"{crit['max']}"
        )
    return {
        "organisation": org,
        "date": pd.Timestamp(date),
        "criterion_id": rec["criterion_id"],
        "score": int(score_text),
        "criteria_set": crit["criteria_set"],
        "criteria_version": crit["criteria_version"],
        "theme": crit["theme"],
        "theme_dimension": crit["theme_dimension"],
        "region_code": organisations[org],
    }
