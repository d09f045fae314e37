"""Readers of the reference tables in tests/fixtures/reference (R package ``segregation`` data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "reference"


def long_table(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / name)


def two_group(name: str = "schools00_white_black.csv") -> tuple[np.ndarray, np.ndarray]:
    """Women and men per unit (0 where a unit lacks a group), units in a stable order."""
    wide = long_table(name).pivot_table(
        index="unit", columns="group", values="count", aggfunc="sum", fill_value=0
    )
    return wide["women"].to_numpy(float), wide["men"].to_numpy(float)


def groups_by_units(name: str = "schools00_race_multigroup.csv") -> np.ndarray:
    """(groups × units) counts."""
    wide = long_table(name).pivot_table(
        index="group", columns="unit", values="count", aggfunc="sum", fill_value=0
    )
    return wide.to_numpy(float)


def regions_groups_units(name: str) -> np.ndarray:
    """(regions × groups × units) counts, each region's units zero elsewhere."""
    df = long_table(name)
    r, _ = pd.factorize(df["region"], sort=True)
    g, _ = pd.factorize(df["group"], sort=True)
    u, units = pd.factorize(df["unit"], sort=True)
    out = np.zeros((r.max() + 1, g.max() + 1, len(units)))
    np.add.at(out, (r, g, u), df["count"].to_numpy(float))
    return out
