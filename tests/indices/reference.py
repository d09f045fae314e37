"""Readers of the reference tables in tests/fixtures/reference (R package ``segregation`` data)."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from assets.indices import twogroup

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


def placements(sizes: list[int], n_women: int) -> tuple[np.ndarray, np.ndarray]:
    """Every way to place ``n_women`` women in units of ``sizes`` persons, and the exact
    probability of each when the women are placed at random: Π C(t_j, x_j) / C(N, W).

    Brute force, independent of ``assets.indices.expected``: the multivariate hypergeometric
    distribution itself, not its one-unit margins.
    """
    rows: list[tuple[int, ...]] = [()]
    for j, size in enumerate(sizes):
        room = sum(sizes[j + 1 :])
        rows = [
            (*r, x)
            for r in rows
            for x in range(size + 1)
            if sum(r) + x <= n_women and n_women - sum(r) - x <= room
        ]
    weights = [math.prod(math.comb(t, x) for t, x in zip(sizes, r, strict=True)) for r in rows]
    total = math.comb(sum(sizes), n_women)
    assert sum(weights) == total
    return np.array(rows, dtype=float), np.array([Fraction(w, total) for w in weights], dtype=float)


def enumerated_expected(women: list[int], men: list[int]) -> tuple[float, float]:
    """E[D], E[M] under random placement, by brute force over every placement (``placements``)."""
    sizes = [w + m for w, m in zip(women, men, strict=True)]
    x, prob = placements(sizes, sum(women))
    rest = np.array(sizes, dtype=float) - x
    d = twogroup.dissimilarity(x, rest)
    m = twogroup.mutual_information(x, rest)
    return math.fsum(prob * d), math.fsum(prob * m)
