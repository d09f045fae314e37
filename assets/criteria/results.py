"""The shape every metric returns: one row per subject judged, before set and version are added.

Subject ids are stable, human-readable paths (``measure/classification/level/region/year/unit``)
so that a row of ``criteria_results`` can be traced to the row of ``unit_shares`` or
``segregation_indices`` it judged.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from assets.reference.keys import TABLE_KEY

MET, NOT_MET, INSUFFICIENT = "met", "not_met", "insufficient_data"

TABLE_COLUMNS = [*TABLE_KEY]
UNIT_COLUMNS = [*TABLE_COLUMNS, "unit_code"]
RESULT_COLUMNS = [
    "subject_type",
    "subject",
    *UNIT_COLUMNS,
    "value",
    "threshold",
    "status",
    "evidence",
]


def table_subject(df: pd.DataFrame) -> pd.Series:
    """``measure/classification/level/region/year`` of each row."""
    return (
        df["measure"].astype(str)
        + "/"
        + df["classification"].astype(str)
        + "/"
        + df["level"].astype(str)
        + "/"
        + df["region_code"].astype(str)
        + "/"
        + df["year"].astype(str)
    )


def unit_subject(df: pd.DataFrame) -> pd.Series:
    """``measure/classification/level/region/year/unit`` of each row."""
    return table_subject(df) + "/" + df["unit_code"].astype(str)


def status_of(enough: pd.Series, met: pd.Series) -> pd.Series:
    """``insufficient_data`` where not enough data, else ``met`` / ``not_met``."""
    out = pd.Series(NOT_MET, index=enough.index, dtype="object")
    out[met.astype(bool) & enough.astype(bool)] = MET
    out[~enough.astype(bool)] = INSUFFICIENT
    return out


def nothing_to_judge(
    subject_type: str, subject: str, threshold: str, reason: str, **keys: object
) -> pd.DataFrame:
    """A single ``insufficient_data`` row, for a criterion with no subject in the data."""
    row: dict[str, object] = dict.fromkeys(RESULT_COLUMNS, pd.NA)
    row.update(
        subject_type=subject_type,
        subject=subject,
        value=float("nan"),
        threshold=threshold,
        status=INSUFFICIENT,
        evidence=reason,
    )
    row.update(keys)
    return pd.DataFrame([row], columns=RESULT_COLUMNS)


@lru_cache(maxsize=1 << 16)
def _fmt_int(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def fmt_count(n: object) -> str:
    """1234567 → ``1 234 567`` for evidence strings (no locale, no float).

    Cached: the five class criteria format the same counts again for every unit.
    """
    return _fmt_int(int(n))
