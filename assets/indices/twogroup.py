"""Two-group (women/men) segregation indices of one table of units.

Each function takes the women's and men's counts per unit as 1-D arrays and returns a float, or
NaN when the index is undefined (no units, or one sex absent). Units with a zero total change
nothing. Formulas, in plain text, with references: docs/methods.md.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from assets.shares.classes import classify


def _arrays(women: ArrayLike, men: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    w = np.asarray(women, dtype=float)
    m = np.asarray(men, dtype=float)
    if w.shape != m.shape or w.ndim != 1:
        raise ValueError(
            f"women and men must be 1-D arrays of one length, got {w.shape}, {m.shape}"
        )
    if np.isnan(w).any() or np.isnan(m).any():
        raise ValueError("counts contain NaN: drop or impute suppressed cells before indexing")
    if (w < 0).any() or (m < 0).any():
        raise ValueError("counts must be non-negative")
    return w, m


def dissimilarity(women: ArrayLike, men: ArrayLike) -> float:
    """Duncan & Duncan (1955): D = ½ Σ_j |w_j/W − m_j/M|."""
    w, m = _arrays(women, men)
    W, M = w.sum(), m.sum()
    if W == 0 or M == 0:
        return float("nan")
    return float(0.5 * np.abs(w / W - m / M).sum())


def karmel_maclachlan(women: ArrayLike, men: ArrayLike) -> float:
    """Karmel & MacLachlan (1988): IP = (1/T) Σ_j |m_j − (M/T)·t_j|; equals 2·(W/T)·(M/T)·D."""
    w, m = _arrays(women, men)
    T = w.sum() + m.sum()
    if w.sum() == 0 or m.sum() == 0:
        return float("nan")
    return float(np.abs(m - (m.sum() / T) * (w + m)).sum() / T)


def mutual_information(women: ArrayLike, men: ArrayLike, base: float = np.e) -> float:
    """Theil & Finizza (1971) / Mora & Ruiz-Castillo: M = Σ_j Σ_g p_jg · log(p_jg / (p_j·p_g))."""
    w, m = _arrays(women, men)
    T = w.sum() + m.sum()
    if w.sum() == 0 or m.sum() == 0:
        return float("nan")
    counts = np.stack([w, m])
    p = counts / T
    pj = p.sum(axis=0, keepdims=True)
    pg = p.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(p / (pj * pg)), 0.0)
    return float(terms.sum() / np.log(base))


def theil_h(women: ArrayLike, men: ArrayLike) -> float:
    """Theil's information index H = M / E, E the entropy of the women/men split (0–1)."""
    w, m = _arrays(women, men)
    T = w.sum() + m.sum()
    if w.sum() == 0 or m.sum() == 0:
        return float("nan")
    pg = np.array([w.sum(), m.sum()]) / T
    entropy = -(pg * np.log(pg)).sum()
    return mutual_information(w, m) / entropy


def balanced_share(women: ArrayLike, men: ArrayLike) -> float:
    """Share of all persons in units with 40–60 % women (both bounds included, exact)."""
    w, m = _arrays(women, men)
    total = w + m
    if total.sum() == 0:
        return float("nan")
    import pandas as pd

    classes = classify(pd.Series(w.astype(np.int64)), pd.Series(total.astype(np.int64)))
    return float(total[(classes == "balanced_40_60").fillna(False).to_numpy()].sum() / total.sum())
