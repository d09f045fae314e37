"""Classification code lists (occupations, fields of education, regions) with fi/sv/en names.

Units are named from these lists rather than from whatever label a source table carried, so the
same code has the same name in every dataset, language and article.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from assets.reference.paths import classifications_dir

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


# How a code's length gives its level: AML 2010 codes have one character per level (`2`, `25`,
# `251`, `2512`, `25121`; `X`…`XXXXX` unknown; StatFin's level-5 placeholders such as `2512.`
# repeat a 4-digit group that has no national split). Koulutusala 2016 starts with two digits
# at level 1 (`06`, `061`, `0613`).
_LEVEL_OFFSET = {"ammatti_2010": 0, "koulutusala_2016": 1, "koulutusala_2011": 0}


def is_total_code(code: str) -> bool:
    """StatFin writes totals as S letters: SSS (all sexes, whole country), SSSSS (all units)."""
    return bool(code) and set(code) == {"S"}


def code_level(classification: str, code: str) -> int | None:
    """Level of ``code`` in ``classification`` (1 = broadest), None for totals.

    Known only for classifications whose codes nest by prefix; others raise, naming the list.
    """
    if classification not in _LEVEL_OFFSET:
        raise KeyError(
            f"classification '{classification}' has no level rule; add it to _LEVEL_OFFSET in "
            "assets/reference/classifications.py"
        )
    if is_total_code(code):
        return None
    return len(code) - _LEVEL_OFFSET[classification]


def parent_code(classification: str, code: str) -> str | None:
    """The code one level up (``2512.`` → ``2512`` → ``251``), None at level 1."""
    level = code_level(classification, code)
    if level is None or level <= 1:
        return None
    return code[:-1]


def ancestor_code(classification: str, code: str, level: int) -> str | None:
    """The code at ``level`` above (or equal to) ``code``; None if ``code`` is coarser."""
    own = code_level(classification, code)
    if own is None or own < level:
        return None
    return code[: level + _LEVEL_OFFSET[classification]]


def aggregate_to_level(counts: pd.DataFrame, level: int) -> pd.DataFrame:
    """Sum finer-level ``counts`` rows up to ``level`` (one classification per call).

    A group whose children include a suppressed (null) cell sums to null, never to a
    too-small number. Returns key columns plus ``count``.
    """
    classes = counts["classification"].unique()
    if len(classes) != 1:
        raise ValueError(f"aggregate one classification at a time, got {sorted(classes)}")
    df = counts.copy()
    df["unit_code"] = [ancestor_code(classes[0], c, level) for c in df["unit_code"]]
    df = df[df["unit_code"].notna()]
    key = ["source_table", "measure", "region_code", "year", "unit_code", "sex"]
    out = df.groupby(key, observed=True)["count"].sum(min_count=1)
    has_null = df["count"].isna().groupby([df[k] for k in key], observed=True).any()
    out[has_null] = pd.NA
    return out.astype("Int64").reset_index().assign(level=level)
