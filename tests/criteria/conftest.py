"""Helpers for the criteria tests: small synthetic tables with hand-checkable numbers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from assets.contracts import SEGREGATION_INDICES, SELF_ASSESSMENT_SUMMARY, conform
from assets.criteria.catalogue import CATALOGUE_DIR, load_catalogue
from assets.criteria.inputs import Inputs

SYNTHETIC_RESPONSES = Path(__file__).resolve().parents[1] / "fixtures" / "self_assessment_synthetic"


def synthetic_units(rows: list[tuple]) -> pd.DataFrame:
    """SYNTHETIC unit_shares rows: (measure, classification, region, year, unit, women, men)."""
    recs = []
    for measure, classification, region, year, unit, women, men in rows:
        total = None if women is None or men is None else women + men
        recs.append(
            {
                "source": "synthetic",
                "source_table": f"synthetic/{measure}",
                "dimension": "occupation"
                if classification.startswith("ammatti")
                else "field_of_education",
                "classification": classification,
                "level": len(unit) if classification == "ammatti_2010" else 1,
                "measure": measure,
                "unit_code": unit,
                "unit_name_fi": unit,
                "unit_name_sv": unit,
                "unit_name_en": unit,
                "region_code": region,
                "region_name_fi": region,
                "year": year,
                "women": women,
                "men": men,
                "total": total,
                "women_share": women / total if total else float("nan"),
            }
        )
    columns = [
        "source",
        "source_table",
        "dimension",
        "classification",
        "level",
        "measure",
        "unit_code",
        "unit_name_fi",
        "unit_name_sv",
        "unit_name_en",
        "region_code",
        "region_name_fi",
        "year",
        "women",
        "men",
        "total",
        "women_share",
    ]
    df = pd.DataFrame(recs, columns=columns)
    return df.astype(
        {"level": "Int64", "year": "Int64", "women": "Int64", "men": "Int64", "total": "Int64"}
    )


def no_indices() -> pd.DataFrame:
    return conform(pd.DataFrame(columns=SEGREGATION_INDICES.names), SEGREGATION_INDICES)


def no_summary() -> pd.DataFrame:
    return conform(pd.DataFrame(columns=SELF_ASSESSMENT_SUMMARY.names), SELF_ASSESSMENT_SUMMARY)


def inputs_of(units: pd.DataFrame, indices: pd.DataFrame | None = None) -> Inputs:
    return Inputs(units, no_indices() if indices is None else indices, no_summary())


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()


@pytest.fixture
def catalogue_copy(tmp_path) -> Path:
    """An editable copy of the shipped catalogue folder."""
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, target)
    return target


def set_of(catalogue: list[dict], set_id: str) -> dict:
    (s,) = [c for c in catalogue if c["id"] == set_id]
    return s
