"""Classification code lists (occupations, fields of education, regions) with fi/sv/en names.

Units are named from these lists rather than from whatever label a source table carried, so the
same code has the same name in every dataset, language and article.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from assets.paths import classifications_dir

CLASSIFICATIONS = ("ammatti_2010", "koulutusala_2016", "koulutusala_2011", "koulutussektori")


@cache
def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def load_classification(name: str, directory: Path | None = None) -> pd.DataFrame:
    """Code list of one classification: code, level, parent, name_fi/sv/en, unknown (bool)."""
    path = (directory or classifications_dir()) / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(
            f"classification '{name}' has no code list at {path}; add it, or record it from the "
            "live classification service with `tasapaino snapshot refresh`"
        )
    df = _read(path).copy()
    df["level"] = df["level"].astype(int)
    df["unknown"] = df["unknown"].str.lower().eq("true")
    return df


def load_regions(directory: Path | None = None) -> pd.DataFrame:
    """Region codes with names and the Finnish case forms the articles need."""
    return _read((directory or classifications_dir()) / "regions.csv").copy()


def unknown_units() -> set[tuple[str, str]]:
    """(classification, code) pairs that stand for 'unknown / other' and stay out of indices."""
    pairs: set[tuple[str, str]] = set()
    for name in CLASSIFICATIONS:
        df = load_classification(name)
        pairs.update((name, code) for code in df.loc[df["unknown"], "code"])
    return pairs
