"""The quality gate's configuration (checks/quality.yaml): limits, index ranges, coverage.

Configuration is data: a maintainer tunes a limit or adds the years a table must cover without
touching a rule. Region groups are expanded here from data/classifications/regions.csv so that a
new or retired region (MK03 Itä-Uusimaa ended in 2010) changes the expectation by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from assets.reference.classifications import load_regions

CONFIG_PATH = Path(__file__).with_name("quality.yaml")
REGION_GROUPS = ("maakunnat", "mainland_maakunnat")


@dataclass(frozen=True)
class CoverageExpectation:
    """Rows matching ``where`` must exist for every listed year × region."""

    where: dict[str, tuple[str, ...]]
    years: tuple[int, ...]
    regions: tuple[str, ...]

    def label(self) -> str:
        return "; ".join(f"{k} in {'/'.join(v)}" for k, v in sorted(self.where.items()))


@dataclass(frozen=True)
class QualityConfig:
    suppressed_share_max: float
    plausibility_max_change: float
    plausibility_min_count: int
    index_ranges: dict[str, tuple[float, float | None]]
    coverage: tuple[CoverageExpectation, ...] = field(default_factory=tuple)


def load_config(path: Path | None = None) -> QualityConfig:
    with open(path or CONFIG_PATH, encoding="utf-8") as fh:
        doc: dict[str, Any] = yaml.safe_load(fh)
    return QualityConfig(
        suppressed_share_max=float(doc["suppressed_share_max"]),
        plausibility_max_change=float(doc["plausibility_max_change"]),
        plausibility_min_count=int(doc["plausibility_min_count"]),
        index_ranges={
            name: (float(lo), None if hi is None else float(hi))
            for name, (lo, hi) in doc["index_ranges"].items()
        },
        coverage=tuple(
            CoverageExpectation(
                where={k: _strings(v) for k, v in entry["where"].items()},
                years=tuple(int(y) for y in entry["years"]),
                regions=tuple(str(r) for r in entry["regions"]),
            )
            for entry in doc.get("coverage") or []
        ),
    )


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def expand_regions(
    regions: tuple[str, ...], year: int, table: pd.DataFrame | None = None
) -> list[str]:
    """Region codes an expectation asks for in ``year``, with groups expanded."""
    table = load_regions() if table is None else table
    valid = table[
        (table["kind"] == "region")
        & _on_or_before(table["valid_from"], year)
        & _on_or_after(table["valid_to"], year)
    ]
    out: list[str] = []
    for code in regions:
        if code == "maakunnat":
            out.extend(valid["code"])
        elif code == "mainland_maakunnat":
            out.extend(valid.loc[valid["code"] != "MK21", "code"])
        else:
            out.append(code)
    return sorted(dict.fromkeys(out))


def _on_or_before(bound: pd.Series, year: int) -> pd.Series:
    start = pd.to_numeric(bound.replace("", None), errors="coerce")
    return start.isna() | (start <= year)


def _on_or_after(bound: pd.Series, year: int) -> pd.Series:
    end = pd.to_numeric(bound.replace("", None), errors="coerce")
    return end.isna() | (end >= year)
