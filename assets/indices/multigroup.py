"""Mutual information M and Theil's H for any number of groups, vectorised over tables.

Counts come as an array of shape (…, groups, units): the last axis is the units (occupations,
fields, schools), the one before it the groups (women/men, or any other categories); leading axes
are independent tables. Empty units and empty groups change nothing (0·log 0 = 0).

M = Σ_j Σ_g p_jg · log(p_jg / (p_j·p_g))  (Theil & Finizza 1971; Mora & Ruiz-Castillo 2011)
  = E − Σ_j p_j·E_j, E the entropy of the group distribution, E_j that of unit j;
H = M / E (Theil 1972), 0 when every unit has the table's group mix, 1 when no unit mixes groups.

References: Theil, H. & Finizza, A. J. (1971) A note on the measurement of racial integration of
schools by means of informational concepts. J. Math. Sociology 1, 187–193. Elbers, B. (2023)
A method for studying differences in segregation across time and space. Sociological Methods &
Research 52(1), 5–42.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike


def as_table(counts: ArrayLike) -> np.ndarray:
    """Float64 (…, groups, units) array; refuses NaN, negative counts and fewer than 2 axes."""
    c = np.asarray(counts, dtype=np.float64)
    if c.ndim < 2:
        raise ValueError(f"counts must have a groups axis and a units axis, got shape {c.shape}")
    if np.isnan(c).any():
        raise ValueError("counts contain NaN: drop or impute suppressed cells before indexing")
    if (c < 0).any():
        raise ValueError("counts must be non-negative")
    return c


def entropy(shares: np.ndarray, axis: int = -1) -> np.ndarray:
    """Shannon entropy −Σ s·ln s along ``axis`` (natural log), with 0·ln 0 = 0."""
    logs = np.log(shares, out=np.zeros_like(shares), where=shares > 0)
    return -(shares * logs).sum(axis)


def entropy_parts(c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(E, Σ_j p_j·E_j, T) per table, natural log: M = E − Σ_j p_j·E_j where T > 0."""
    t = c.sum(-2)  # persons per unit
    n_g = c.sum(-1)  # persons per group
    T = n_g.sum(-1)
    Td = np.where(T > 0, T, 1.0)
    e_table = entropy(n_g / Td[..., None])
    td = np.where(t > 0, t, 1.0)
    cond = c / td[..., None, :]
    logs = np.log(cond, out=np.zeros_like(cond), where=cond > 0)
    within = -(c * logs).sum((-2, -1)) / Td
    return e_table, within, T


def mutual_information(counts: ArrayLike, base: float = math.e) -> float | np.ndarray:
    """M of each table (NaN for a table with no persons); natural log unless ``base`` is given."""
    e_table, within, T = entropy_parts(as_table(counts))
    # M ≥ 0 exactly (Gibbs' inequality); clip the rounding noise of E − Σ p_j·E_j
    value = np.where(T > 0, np.maximum(e_table - within, 0.0), np.nan) / math.log(base)
    return float(value) if value.ndim == 0 else value


def theil_h(counts: ArrayLike) -> float | np.ndarray:
    """H = M / E of each table (NaN when only one group is present: nothing to segregate)."""
    e_table, within, T = entropy_parts(as_table(counts))
    ok = (T > 0) & (e_table > 0)
    h = np.clip((e_table - within) / np.where(ok, e_table, 1.0), 0.0, 1.0)
    value = np.where(ok, h, np.nan)
    return float(value) if value.ndim == 0 else value


def local_mutual_information(counts: ArrayLike) -> np.ndarray:
    """Each unit's term of M, p_j·(E − E_j) (natural log); the terms of a table sum to its M."""
    c = as_table(counts)
    t = c.sum(-2)
    n_g = c.sum(-1)
    T = n_g.sum(-1)
    Td = np.where(T > 0, T, 1.0)
    e_table = entropy(n_g / Td[..., None])
    td = np.where(t > 0, t, 1.0)
    e_unit = entropy(c / td[..., None, :], axis=-2)
    return (t / Td[..., None]) * (e_table[..., None] - e_unit)
