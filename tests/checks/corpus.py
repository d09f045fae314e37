"""The bad-input corpus (tests/fixtures/bad) and its manifest, shared by the corpus tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bad"
TARGET = "fi_lop_2018_2019_upper_secondary_general_students_by_region.csv"


def manifest() -> dict[str, dict[str, Any]]:
    with open(CORPUS / "expected.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)["files"]
