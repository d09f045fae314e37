"""Synthetic (made-up) segregation tables for benchmarks: never published, never real data.

Unit sizes are log-normal (a few large units, many small ones, as in occupation tables) and each
unit's women's share is Beta(0.6, 0.6) (many units dominated by one sex); counts are whole
numbers, with some zero cells.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def two_group_tables(
    n_tables: int, n_units: int, seed: int = 2026
) -> tuple[np.ndarray, np.ndarray]:
    """Women and men, shape (tables × units), float64 whole numbers."""
    rng = np.random.default_rng(seed)
    size = np.floor(rng.lognormal(4.0, 1.5, (n_tables, n_units)))
    women = rng.binomial(size.astype(np.int64), rng.beta(0.6, 0.6, (n_tables, n_units)))
    return women.astype(np.float64), size - women


def long_frame(n_regions: int, n_years: int, n_levels: int, n_units: int, seed: int = 2026):
    """Long table (region, year, level, unit, group, count): one row per unit × group.

    region and unit are strings (dictionary-encoded when written to Parquet), year and level ints.
    """
    n_tables = n_regions * n_years * n_levels
    women, men = two_group_tables(n_tables, n_units, seed)
    t = np.repeat(np.arange(n_tables), n_units * 2)
    unit = np.tile(np.repeat(np.arange(n_units), 2), n_tables)
    group = np.tile([0, 1], n_tables * n_units)
    count = np.stack([women, men], axis=-1).ravel().astype(np.int64)
    regions = np.array([f"MK{i:02d}" for i in range(1, n_regions + 1)])
    units = np.array([f"u{i:04d}" for i in range(n_units)])
    return pd.DataFrame(
        {
            "region": pd.Categorical.from_codes(t // (n_years * n_levels), regions),
            "year": (2000 + (t // n_levels) % n_years).astype(np.int32),
            "level": (1 + t % n_levels).astype(np.int16),
            "unit": pd.Categorical.from_codes(unit, units),
            "group": pd.Categorical.from_codes(group, ["women", "men"]),
            "count": count,
        }
    )
