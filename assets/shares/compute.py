"""Per-unit women's shares, classes and index contributions from ``counts``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assets.collect.classifications import unknown_units
from assets.contracts import UNIT_SHARES, conform
from assets.keys import TABLE_KEY as UNIT_TABLE_KEY
from assets.shares.classes import ClassBounds, classify

TABLE_KEY = ["source", "source_table", *UNIT_TABLE_KEY]
UNIT_KEY = [*TABLE_KEY, "unit_code", "unit_name_fi", "unit_name_sv", "unit_name_en"]


def wide_by_sex(counts: pd.DataFrame) -> pd.DataFrame:
    """One row per unit with ``women`` and ``men`` columns (nullable where suppressed)."""
    wide = (
        counts.set_index([*UNIT_KEY, "sex"])["count"]
        .unstack("sex")
        .reindex(columns=["women", "men"])
        .reset_index()
    )
    wide.columns.name = None
    return wide.astype({"women": "Int64", "men": "Int64"})


def unit_shares(counts: pd.DataFrame, bounds: ClassBounds | None = None) -> pd.DataFrame:
    """Women's share, segregation class and D/M contributions of every unit.

    Contributions are taken within each source table × region × year over the units that count
    in indices (known units with a positive total); other units get a contribution of <NA>.
    """
    df = wide_by_sex(counts)
    df["total"] = df["women"] + df["men"]
    df["women_share"] = (df["women"] / df["total"].replace(0, pd.NA)).astype("float64")
    df["segregation_class"] = classify(df["women"], df["total"], bounds)
    unknown = unknown_units()
    is_unknown = [
        (c, u) in unknown for c, u in zip(df["classification"], df["unit_code"], strict=True)
    ]
    df["in_indices"] = (~pd.Series(is_unknown, index=df.index)) & df["total"].fillna(0).gt(0)
    df["d_contribution"] = np.nan
    df["m_contribution"] = np.nan
    idx = df.index[df["in_indices"]]
    sub = df.loc[idx, [*TABLE_KEY, "women", "men"]].copy()
    w = sub["women"].astype("float64")
    m = sub["men"].astype("float64")
    g = sub.groupby(TABLE_KEY, sort=False, observed=True, dropna=False)
    W = g["women"].transform("sum").astype("float64")
    M = g["men"].transform("sum").astype("float64")
    T = W + M
    df.loc[idx, "d_contribution"] = 0.5 * (w / W - m / M).abs()
    t = w + m
    df.loc[idx, "m_contribution"] = _mi_term(w, t, W, T) + _mi_term(m, t, M, T)
    return conform(df, UNIT_SHARES).sort_values(list(UNIT_SHARES.primary_key), ignore_index=True)


def _mi_term(n_jg: pd.Series, t_j: pd.Series, n_g: pd.Series, total: pd.Series) -> pd.Series:
    """(n_jg/T) · ln(n_jg·T / (t_j·N_g)), with 0 · ln 0 = 0: group g's part of unit j's M term."""
    with np.errstate(divide="ignore", invalid="ignore"):
        term = (n_jg / total) * np.log(n_jg * total / (t_j * n_g))
    return term.where(n_jg > 0, 0.0)
