"""Between- and within-region decomposition of M, H and Hutchens' S.

Counts come as an array of shape (…, regions, groups, units): units are nested in regions (the
same occupation code in two regions is two units), groups are women/men (S needs exactly these
two, in that order) or any categories (M, H). Leading axes are independent tables.

For M (Theil & Finizza 1971; Elbers 2023, eq. 3): total = between + within exactly, with
  between = M of the region × group table,
  within  = Σ_r p_r · M_r, p_r the region's share of all persons, M_r the region's own M.
For H: every part of M divided by the entropy E of the whole table's groups, so
  H_within = Σ_r (p_r·E_r/E)·H_r.
For Hutchens' S (Hutchens 2004, p. 560): with c_r = √((W_r/W)·(M_r/M)),
  between = 1 − Σ_r c_r (S of the regions as units), within = Σ_r c_r · S_r.

Each result carries each region's own index and its weighted within term, so that an article can
say which region adds most to the within part.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from assets.indices.multigroup import as_table, entropy_parts


@dataclass(frozen=True)
class WithinDecomposition:
    """total = between + within; within = Σ over regions of ``region_within``.

    ``region_index`` is each region's own index (NaN for a region where it is undefined) and
    ``region_weight`` its weight, so ``region_within = region_weight · region_index`` (0 where the
    weight is 0). Arrays have the leading (table) shape, plus a last regions axis for the
    ``region_*`` fields.
    """

    total: np.ndarray
    between: np.ndarray
    within: np.ndarray
    region_index: np.ndarray
    region_weight: np.ndarray
    region_within: np.ndarray


def _regions_table(c: np.ndarray) -> np.ndarray:
    if c.ndim < 3:
        raise ValueError(f"counts must be (…, regions, groups, units), got shape {c.shape}")
    return c


def mutual_within(counts: ArrayLike, base: float = math.e) -> WithinDecomposition:
    """Decompose M into between-region and within-region parts (natural log unless ``base``)."""
    c = _regions_table(as_table(counts))
    scale = math.log(base)
    # Regions' own M: groups and units of each region.
    e_r, cond_r, T_r = entropy_parts(c)
    m_r = np.where(T_r > 0, np.maximum(e_r - cond_r, 0.0), np.nan)  # clip rounding below 0
    # Between: regions are the units of a region × group table.
    between_counts = np.swapaxes(c.sum(-1), -1, -2)
    e_b, cond_b, T = entropy_parts(between_counts)
    between = np.maximum(e_b - cond_b, 0.0)
    Td = np.where(T > 0, T, 1.0)
    weight = T_r / Td[..., None]
    region_within = np.where(weight > 0, weight * np.nan_to_num(m_r), 0.0)
    within = region_within.sum(-1)
    ok = T > 0
    return WithinDecomposition(
        total=np.where(ok, between + within, np.nan) / scale,
        between=np.where(ok, between, np.nan) / scale,
        within=np.where(ok, within, np.nan) / scale,
        region_index=m_r / scale,
        region_weight=weight,
        region_within=region_within / scale,
    )


def theil_h_within(counts: ArrayLike) -> WithinDecomposition:
    """Decompose H = M / E: every part of M divided by the whole table's group entropy E."""
    c = _regions_table(as_table(counts))
    m = mutual_within(c)
    e_r, _, _ = entropy_parts(c)
    e_total, _, _ = entropy_parts(np.swapaxes(c.sum(-1), -1, -2))
    ok = e_total > 0
    e = np.where(ok, e_total, 1.0)
    h_r = np.where(e_r > 0, m.region_index / np.where(e_r > 0, e_r, 1.0), np.nan)
    return WithinDecomposition(
        total=np.where(ok, m.total / e, np.nan),
        between=np.where(ok, m.between / e, np.nan),
        within=np.where(ok, m.within / e, np.nan),
        region_index=h_r,
        region_weight=m.region_weight * e_r / e[..., None],
        region_within=m.region_within / e[..., None],
    )


def hutchens_within(counts: ArrayLike) -> WithinDecomposition:
    """Decompose Hutchens' S; the groups axis must be (women, men)."""
    c = _regions_table(as_table(counts))
    if c.shape[-2] != 2:
        raise ValueError(f"Hutchens' S needs exactly two groups (women, men), got {c.shape[-2]}")
    w = c[..., 0, :]
    m = c[..., 1, :]
    W_r = w.sum(-1)
    M_r = m.sum(-1)
    W = W_r.sum(-1)
    M = M_r.sum(-1)
    ok = (W > 0) & (M > 0)
    norm = np.sqrt(np.where(ok, W * M, 1.0))[..., None]
    c_r = np.sqrt(W_r * M_r) / norm
    root_sums = np.sqrt(w * m).sum(-1)
    region_within = np.maximum(c_r - root_sums / norm, 0.0)  # c_r·S_r ≥ 0; clip rounding
    wm_r = W_r * M_r
    s_r = 1.0 - root_sums / np.sqrt(np.where(wm_r > 0, wm_r, 1.0))
    s_r = np.where(wm_r > 0, np.clip(s_r, 0.0, 1.0), np.nan)
    between = np.maximum(1.0 - c_r.sum(-1), 0.0)
    within = region_within.sum(-1)
    return WithinDecomposition(
        total=np.where(ok, between + within, np.nan),
        between=np.where(ok, between, np.nan),
        within=np.where(ok, within, np.nan),
        region_index=s_r,
        region_weight=c_r,
        region_within=region_within,
    )
