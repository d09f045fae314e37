"""D and M expected under no segregation given the margins, computed exactly (no simulation).

"No segregation beyond chance" keeps every unit's size t_j and the table's numbers of women W and
men M, and places the W women among the N = W + M persons at random. The women per unit are then
multivariate hypergeometric, and the women X_j of one unit alone are hypergeometric(N, W, t_j)
with mean μ_j = t_j·W/N. D and M are sums of one term per unit, so their expectations are sums
of one-unit expectations (linearity of expectation; how the units depend on each other does not
matter):

    E[D] = N / (2·W·M) · Σ_j E|X_j − μ_j|
    E[M] = E − (1/N) · Σ_j (t_j ln t_j − E[X_j ln X_j] − E[(t_j − X_j) ln(t_j − X_j)])

with E the entropy of the table's women/men split (natural log). Each one-unit expectation is a
sum over X_j's values, weighted by probabilities built from the ratio of consecutive ones,

    P(k + 1) / P(k) = (W − k)(t_j − k) / ((k + 1)(M − t_j + k + 1)),

and normalised to sum to one. Values further than d_j = 5·√t_j from the mean are left out: by
Hoeffding's bound for sampling without replacement they carry a probability of at most
2·exp(−2·d_j²/t_j) = 2·e⁻⁵⁰ ≈ 4·10⁻²² together, far below rounding.

Until 2026-11-28 the dataset published the mean of 100 seeded random tables instead: an estimate
of the same quantity with simulation noise (a standard error of about a tenth of D's spread
under chance), at about five times the cost.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from assets.indices import twogroup

# d_j² = TAIL · t_j: the left-out tails weigh at most 2·exp(−2·TAIL) (Hoeffding).
TAIL = 25.0
# Values of X_j summed at once (a few arrays of this many float64 live at a time: ~16 MB each).
_MAX_TERMS = 1 << 21


def expected_d_and_m(women: ArrayLike, men: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """E[D] and E[M] (natural log) under no segregation, one value per table (last axis units).

    Counts must be whole numbers. A table whose D and M are undefined (no persons, one sex only,
    fewer than two units with persons) gets NaN.
    """
    w, m = twogroup.as_counts(women, men)
    if not (np.array_equal(w, np.round(w)) and np.array_equal(m, np.round(m))):
        raise ValueError("expected values need whole-number counts (persons), got fractions")
    batch = w.shape[:-1]
    w2 = w.reshape(-1, w.shape[-1]).astype(np.int64)
    m2 = m.reshape(-1, m.shape[-1]).astype(np.int64)
    t2 = w2 + m2
    n_women = w2.sum(1)
    n_men = m2.sum(1)
    defined = (n_women > 0) & (n_men > 0) & ((t2 > 0).sum(1) >= 2)
    table, unit = np.nonzero(t2 * defined[:, None])
    sizes = t2[table, unit]
    tw, tm = n_women[table], n_men[table]
    mad, xlogx_sum = _unit_expectations(sizes, tw, tm)

    n = (n_women + n_men).astype(np.float64)
    nd = np.where(defined, n, 1.0)
    wd = np.where(defined, n_women, 1).astype(np.float64)
    md = np.where(defined, n_men, 1).astype(np.float64)
    d = np.bincount(table, weights=mad, minlength=len(n)) * nd / (2.0 * wd * md)
    # Σ_j t_j ln t_j − E[X ln X] − E[(t − X) ln(t − X)], per table, over N: the within term.
    within = np.bincount(table, weights=_xlogx(sizes) - xlogx_sum, minlength=len(n)) / nd
    p, q = wd / nd, md / nd
    entropy = -(p * np.log(p) + q * np.log(q))
    mi = np.clip(entropy - within, 0.0, math.log(2))
    nan = np.full(len(n), np.nan)
    return (
        np.where(defined, np.clip(d, 0.0, 1.0), nan).reshape(batch),
        np.where(defined, mi, nan).reshape(batch),
    )


def _unit_expectations(
    sizes: np.ndarray, n_women: np.ndarray, n_men: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """E|X − μ| and E[X ln X + (t − X) ln(t − X)] of X ~ hypergeometric(W + M, W, t) per unit.

    Units are summed in rows of a padded array whose width depends on the unit alone
    (``_padded``), so a unit's sums, and through them a table's values, are the same bits
    whatever other tables are computed with it.
    """
    mean = sizes * (n_women / (n_women + n_men))
    reach = np.sqrt(TAIL * sizes)
    lo = np.maximum(np.maximum(sizes - n_men, 0), np.floor(mean - reach).astype(np.int64))
    hi = np.minimum(np.minimum(sizes, n_women), np.ceil(mean + reach).astype(np.int64))
    widths = hi - lo + 1
    padded = _padded(widths)
    mad = np.empty(len(sizes))
    xlogx_sum = np.empty(len(sizes))
    for width in np.unique(padded):
        same = np.flatnonzero(padded == width)
        rows = max(1, _MAX_TERMS // int(width))
        for part in (same[i : i + rows] for i in range(0, len(same), rows)):
            mad[part], xlogx_sum[part] = _sums(
                int(width),
                lo[part],
                widths[part],
                mean[part],
                sizes[part],
                n_women[part],
                n_men[part],
            )
    return mad, xlogx_sum


def _padded(widths: np.ndarray) -> np.ndarray:
    """Row width for each unit: its number of values rounded up to one of eight steps per
    doubling (at most 12.5 % padding)."""
    step = np.maximum(1, 1 << np.maximum(np.frexp(widths.astype(np.float64))[1] - 4, 0))
    return -(-widths // step) * step


def _sums(
    width: int,
    lo: np.ndarray,
    widths: np.ndarray,
    mean: np.ndarray,
    sizes: np.ndarray,
    n_women: np.ndarray,
    n_men: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The two expectations of units whose values fit in ``width`` (one unit per row)."""
    offset = np.arange(width)
    k = lo[:, None] + offset
    inside = offset < widths[:, None]
    t = sizes[:, None]
    # log P(k + 1) − log P(k) where k + 1 is still a value of the row, else 0.
    has_next = offset < (widths - 1)[:, None]
    up = np.where(has_next, (n_women[:, None] - k) * (t - k), 1).astype(np.float64)
    down = np.where(has_next, (k + 1) * (n_men[:, None] - t + k + 1), 1).astype(np.float64)
    step = np.log(up / down)
    # log P(k) − log P(lo) is the sum of the steps before k; shifted so the largest is 0.
    log_p = np.cumsum(step, axis=1) - step
    log_p -= np.where(inside, log_p, -np.inf).max(axis=1, keepdims=True)
    prob = np.where(inside, np.exp(np.minimum(log_p, 0.0)), 0.0)
    total = prob.sum(1)
    mad = (prob * np.abs(k - mean[:, None])).sum(1) / total
    kf = k.astype(np.float64)
    xlogx = _xlogx(kf) + _xlogx(np.maximum(t - kf, 0.0))
    return mad, (prob * xlogx).sum(1) / total


def _xlogx(x: np.ndarray) -> np.ndarray:
    """x ln x with 0 ln 0 = 0."""
    x = np.asarray(x, dtype=np.float64)
    return x * np.log(x, out=np.zeros_like(x), where=x > 0)
