"""Two-group (women/men) segregation indices, vectorised over any number of tables.

Every function takes the women's and the men's counts per unit with the units on the LAST axis:
a 1-D array is one table and gives a float; a 2-D array (tables × units) is a batch of tables and
gives one value per table. Tables of different sizes share one array by padding with empty units:
a unit with no persons changes no index (each formula below gives it a zero term, and the
unweighted ones, Charles–Grusky A and size-standardised D, only look at non-empty units).

Notation: w_j, m_j women and men in unit j; t_j = w_j + m_j; W, M, T the table totals;
p_j = w_j / t_j the women's share of unit j; P = W / T.

An index is NaN (published as empty, with a reason from ``undefined_reason``) when the table has
no persons, only one sex, or fewer than two units with persons: then there is nothing to segregate
between. Charles–Grusky A is also NaN when a non-empty unit lacks one sex (log of zero).

Formulas and references, in plain text with a sentence in Finnish and English each:
docs/methods.md.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.typing import ArrayLike

from assets.shares.classes import CLASS_ORDER, ClassBounds

# The names the CLI prints and the ``segregation_indices`` dataset uses, in that order.
INDEX_NAMES = (
    "dissimilarity",
    "karmel_maclachlan",
    "gini",
    "theil_h",
    "mutual_information_m",
    "hutchens",
    "charles_grusky_a",
    "balanced_share",
    "size_standardized_dissimilarity",
    "mutual_information_m_log2",
)
# Share of persons in each of Statistics Finland's five classes (balanced is ``balanced_share``).
CLASS_SHARE_NAMES = tuple(f"class_share_{c}" for c in CLASS_ORDER)

# Why a table's indices are undefined, by status code (0 = defined).
STATUS_REASONS = {
    1: "undefined: the table has no persons",
    2: "undefined: one sex has no persons in these units",
    3: "undefined: fewer than two units with persons (nothing to segregate between)",
}
ZERO_CELL_REASON = (
    "undefined: a unit has persons of one sex only, and Charles–Grusky A takes the log of each "
    "unit's women/men ratio"
)

# Mathematical range of each index (default 0–1). Values are clipped to it, because rounding can
# leave e.g. Hutchens' S of an unsegregated table at −2e-16, or D of a fully segregated one at
# 1 + 2e-16, and a published index outside its range is an error in the quality gate.
_RANGES: dict[str, tuple[float | None, float | None]] = {
    "karmel_maclachlan": (0.0, 0.5),
    "mutual_information_m": (0.0, math.log(2)),
    "mutual_information_m_log2": (0.0, 1.0),
    "charles_grusky_a": (1.0, None),
}

# Tables are processed in chunks of about this many units: small enough that temporaries stay in
# cache and are reused instead of faulting in fresh pages, large enough to amortise numpy's
# per-call overhead. Chunks run on threads (numpy releases the GIL in these loops).
_CHUNK_CELLS = 1 << 17
_THREADS = max(1, min(4, os.cpu_count() or 1))


def as_counts(women: ArrayLike, men: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Float64 arrays of one shape, refusing NaN and negative counts with a clear message.

    NaN is refused rather than skipped because a suppressed cell is a decision for the caller
    (``batch`` leaves such units out and says so in the method note).
    """
    w = np.asarray(women, dtype=np.float64)
    m = np.asarray(men, dtype=np.float64)
    if w.shape != m.shape or w.ndim == 0:
        raise ValueError(f"women and men must be arrays of one shape, got {w.shape} and {m.shape}")
    if np.isnan(w).any() or np.isnan(m).any():
        raise ValueError("counts contain NaN: drop or impute suppressed cells before indexing")
    if (w < 0).any() or (m < 0).any():
        raise ValueError("counts must be non-negative")
    return w, m


def _scalar_or_array(x: np.ndarray) -> float | np.ndarray:
    return float(x) if np.ndim(x) == 0 else x


def table_status(women: ArrayLike, men: ArrayLike) -> np.ndarray:
    """0 where the indices are defined, else a key of ``STATUS_REASONS`` (per table)."""
    w, m = as_counts(women, men)
    return _status(w.sum(-1), m.sum(-1), ((w + m) > 0).sum(-1))


def _status(W: np.ndarray, M: np.ndarray, n_units: np.ndarray) -> np.ndarray:
    return np.select([(W + M) == 0, (W == 0) | (M == 0), n_units < 2], [1, 2, 3], 0).astype(np.int8)


def undefined_reason(women: ArrayLike, men: ArrayLike, index: str) -> str | np.ndarray:
    """Why ``index`` is undefined for the table(s), or '' where it is defined."""
    w, m = as_counts(women, men)
    status = table_status(w, m)
    reasons = _reasons(status, _has_zero_cell(w, m) if index == "charles_grusky_a" else None)
    return str(reasons) if reasons.ndim == 0 else reasons


def _has_zero_cell(w: np.ndarray, m: np.ndarray) -> np.ndarray:
    return (((w == 0) | (m == 0)) & ((w + m) > 0)).any(-1)


def _reasons(status: np.ndarray, zero_cell: np.ndarray | None) -> np.ndarray:
    out = np.full(np.shape(status), "", dtype=object)
    if zero_cell is not None:
        out[np.asarray(zero_cell & (status == 0))] = ZERO_CELL_REASON
    for code, text in STATUS_REASONS.items():
        out[np.asarray(status == code)] = text
    return out


def dissimilarity(women: ArrayLike, men: ArrayLike) -> float | np.ndarray:
    """Duncan & Duncan (1955): D = ½ Σ_j |w_j/W − m_j/M|.

    The share of women (or of men) who would have to change units for every unit to have the
    table's overall women's share.
    """
    return _one("dissimilarity", women, men)


def karmel_maclachlan(women: ArrayLike, men: ArrayLike) -> float | np.ndarray:
    """Karmel & MacLachlan (1988): IP = (1/T) Σ_j |m_j − (M/T)·t_j| = 2·P·(1−P)·D.

    The share of ALL persons who would have to change units, replaced by someone of the other
    sex, to remove segregation while keeping every unit's size; at most ½. Unlike D it moves
    with the sex ratio of the whole table.
    """
    return _one("karmel_maclachlan", women, men)


def gini(women: ArrayLike, men: ArrayLike) -> float | np.ndarray:
    """Gini segregation index: G = Σ_i Σ_j t_i·t_j·|p_i − p_j| / (2·T²·P·(1−P)).

    Twice the area between the segregation curve (units ranked by women's share) and the
    diagonal. Computed in O(J log J) by sorting units by p_j: with C_j and S_j the persons and
    women in units ranked below j, G = Σ_j (w_j·C_j − t_j·S_j) / (W·M).
    """
    return _one("gini", women, men)


def mutual_information(
    women: ArrayLike, men: ArrayLike, base: float = math.e
) -> float | np.ndarray:
    """Mutual information index (Theil & Finizza 1971; Mora & Ruiz-Castillo 2011):
    M = Σ_j Σ_g p_jg · log(p_jg / (p_j·p_g)) = E − Σ_j (t_j/T)·E_j, where E is the entropy of the
    women/men split of the table and E_j that of unit j. Natural log unless ``base`` is given.
    """
    value = _one("mutual_information_m", women, men)
    return value / math.log(base)


def theil_h(women: ArrayLike, men: ArrayLike) -> float | np.ndarray:
    """Theil's information index H = M / E (0 = no segregation, 1 = every unit one sex only)."""
    return _one("theil_h", women, men)


def hutchens(women: ArrayLike, men: ArrayLike) -> float | np.ndarray:
    """Hutchens (2004) square-root index S = 1 − Σ_j √((w_j/W)·(m_j/M)).

    Equals ½ Σ_j (√(w_j/W) − √(m_j/M))²; additively decomposable by region (``decompose``).
    """
    return _one("hutchens", women, men)


def charles_grusky_a(women: ArrayLike, men: ArrayLike) -> float | np.ndarray:
    """Charles & Grusky (1995) association index A = exp(√((1/J) Σ_j (x_j − x̄)²)),
    x_j = ln(w_j/m_j) over the J non-empty units, unweighted.

    How many times more (or less) likely women are than men to be in the typical unit, free of
    unit sizes and of the overall sex ratio; 1 = no segregation. Undefined (NaN) when a non-empty
    unit has no women or no men.
    """
    return _one("charles_grusky_a", women, men)


def size_standardized_dissimilarity(women: ArrayLike, men: ArrayLike) -> float | np.ndarray:
    """Size-standardised D (Gross 1968): ½ Σ_j |p_j/Σ_k p_k − (1−p_j)/Σ_k (1−p_k)| over
    non-empty units, i.e. D after rescaling every unit to the same size.
    """
    return _one("size_standardized_dissimilarity", women, men)


def balanced_share(
    women: ArrayLike, men: ArrayLike, bounds: ClassBounds | None = None
) -> float | np.ndarray:
    """Share of all persons in units whose women's share is 40–60 %, both bounds included.

    Decided exactly, as in ``assets.shares.classes`` (see ``class_codes``).
    """
    w, m = as_counts(women, men)
    values, _ = _compute(w, m, bounds=bounds, names=("balanced_share",))
    return _scalar_or_array(values["balanced_share"])


def class_codes(women: ArrayLike, men: ArrayLike, bounds: ClassBounds | None = None) -> np.ndarray:
    """Index into ``CLASS_ORDER`` of each unit's Statistics Finland class; −1 for empty units.

    The rule and bounds are those of ``assets.shares.classes.classify`` (the same ClassBounds),
    evaluated on whole numbers instead of float shares: a unit is balanced when 100·w ≤ 60·t and
    100·m ≤ 60·t. Products of counts below 2^53/10^4 are exact in float64, so a unit at exactly
    40 % or 60 % can never fall out of "balanced" through a rounded share. Vectorised, so it can
    classify the millions of units of a batch; a test keeps it equal to ``classify``.
    """
    w, m = as_counts(women, men)
    return _class_codes(w, m, bounds or ClassBounds())


def _share_order(p: np.ndarray) -> np.ndarray:
    """Each row's units in increasing women's share, by sorting packed integer keys.

    A key is the share in fixed point (62 − b bits) with the unit's position in the low b bits,
    so one ``np.sort`` of integers (several times faster than ``argsort``) yields the order.
    Shares of whole counts w₁/t₁ ≠ w₂/t₂ differ by at least 1/(t₁·t₂), so they get different
    keys while t₁·t₂ < 2^(62 − b) (2^53 for 512 units: units of up to 90 million persons);
    equal shares are ordered by position, which changes no term of Gini beyond rounding.
    Rows too wide for the low bits fall back to ``argsort``.
    """
    n_units = p.shape[1]
    bits = max(1, (n_units - 1).bit_length())
    if bits > 20:
        return np.argsort(p, axis=1)
    key = (p * float(1 << (62 - bits))).astype(np.int64)
    key <<= bits
    key |= np.arange(n_units, dtype=np.int64)
    key.sort(axis=1)
    key &= (1 << bits) - 1
    return key


def _class_codes(w: np.ndarray, m: np.ndarray, b: ClassBounds) -> np.ndarray:
    den = math.lcm(b.balanced_high.denominator, b.dominated_high.denominator)
    hi = float(b.balanced_high * den)
    top = float(b.dominated_high * den)
    scale = 100.0 * den
    t = w + m
    wi = w * scale
    mi = m * scale
    # women_over_90 = 0 … balanced = 2 … men_over_90 = 4; "over 60 % women" and "over 60 % men"
    # exclude each other because the balanced bounds are symmetric around 50 %.
    code = (
        2
        - (wi > hi * t).astype(np.int8)
        - (wi > top * t).astype(np.int8)
        + (mi > hi * t).astype(np.int8)
        + (mi > top * t).astype(np.int8)
    )
    code[t == 0] = -1
    return code


def local_dissimilarity(women: ArrayLike, men: ArrayLike) -> np.ndarray:
    """Each unit's term of D, ½ |w_j/W − m_j/M|; the terms sum to D."""
    w, m = as_counts(women, men)
    W = w.sum(-1, keepdims=True)
    M = m.sum(-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 0.5 * np.abs(w / W - m / M)


def local_mutual_information(women: ArrayLike, men: ArrayLike) -> np.ndarray:
    """Each unit's term of M (natural log): (t_j/T)·(E − E_j); the terms sum to M.

    Positive terms come from units whose sex mix differs from the table's; a unit exactly at the
    table's mix contributes 0.
    """
    w, m = as_counts(women, men)
    t = w + m
    W = w.sum(-1, keepdims=True)
    M = m.sum(-1, keepdims=True)
    T = W + M
    with np.errstate(divide="ignore", invalid="ignore"):
        e_table = _entropy2(W / T, M / T)
        e_unit = _entropy2(np.where(t > 0, w / t, 0.0), np.where(t > 0, m / t, 0.0))
        return (t / T) * (e_table - e_unit)


def _entropy2(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """−p ln p − q ln q with 0 ln 0 = 0."""
    lp = np.log(p, out=np.zeros_like(p), where=p > 0)
    lq = np.log(q, out=np.zeros_like(q), where=q > 0)
    return -(p * lp + q * lq)


def all_indices(
    women: ArrayLike,
    men: ArrayLike,
    bounds: ClassBounds | None = None,
    with_class_shares: bool = False,
    only: tuple[str, ...] | None = None,
    resampled: bool = False,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Every index of ``INDEX_NAMES`` for every table, with the reasons where undefined.

    Returns ``(values, reasons)``: dicts from index name to one value (NaN when undefined) and
    one reason string ('' when defined) per table. With ``with_class_shares`` also the five
    ``class_share_*`` values; with ``only`` just those indices (the same numbers, without the
    cost of the others, e.g. Gini's sort). This is the fast path used by ``batch`` and the CLI:
    shared intermediates are computed once and chunks of tables run on threads.

    ``resampled`` is for bootstrap replicates (whole counts, thousands of tables): Gini ranks the
    units by one integer sort instead of an argsort and the class shares come from one bincount.
    Class shares are then the same numbers (sums of whole numbers are exact in any order); Gini
    may differ in the last bits (units with equal shares summed in another order, see
    ``_share_order``). Published point estimates therefore never take this path. Replicates are
    drawn by ``bootstrap`` (whole, non-negative, never NaN), so ``as_counts``' four passes of
    checks over millions of cells are skipped.
    """
    if resampled:
        w, m = np.asarray(women, dtype=np.float64), np.asarray(men, dtype=np.float64)
    else:
        w, m = as_counts(women, men)
    names = INDEX_NAMES + (CLASS_SHARE_NAMES if with_class_shares else ())
    if only is not None:
        names = tuple(only)
    values, (status, zero_cell) = _compute(w, m, bounds, names, resampled)
    reasons = {n: _reasons(status, zero_cell if n == "charles_grusky_a" else None) for n in names}
    return values, reasons


def _one(name: str, women: ArrayLike, men: ArrayLike) -> float | np.ndarray:
    w, m = as_counts(women, men)
    values, _ = _compute(w, m, bounds=None, names=(name,))
    return _scalar_or_array(values[name])


def _compute(
    w: np.ndarray,
    m: np.ndarray,
    bounds: ClassBounds | None,
    names: tuple[str, ...],
    resampled: bool = False,
) -> tuple[dict[str, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Run ``_kernel`` over chunks of a (…, units) batch and reassemble the per-table results."""
    batch_shape = w.shape[:-1]
    n_units = w.shape[-1]
    w2 = w.reshape(-1, n_units)
    m2 = m.reshape(-1, n_units)
    n_tables = w2.shape[0]
    b = bounds or ClassBounds()
    step = max(1, _CHUNK_CELLS // max(n_units, 1))
    slices = [slice(i, min(i + step, n_tables)) for i in range(0, n_tables, step)]

    def run(s: slice) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        return _kernel(w2[s], m2[s], b, names, resampled)

    if len(slices) > 1 and _THREADS > 1:
        with ThreadPoolExecutor(_THREADS) as pool:
            parts = list(pool.map(run, slices))
    else:
        parts = [run(s) for s in slices]
    if not parts:
        parts = [_kernel(w2, m2, b, names, resampled)]
    values = {n: np.concatenate([p[0][n] for p in parts]).reshape(batch_shape) for n in names}
    status = np.concatenate([p[1] for p in parts]).reshape(batch_shape)
    zero_cell = np.concatenate([p[2] for p in parts]).reshape(batch_shape)
    return values, (status, zero_cell)


def _kernel(
    w: np.ndarray, m: np.ndarray, bounds: ClassBounds, names: tuple[str, ...], resampled: bool
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """All requested indices of a (tables × units) chunk; see each public function's formula."""
    want = set(names)
    t = w + m
    nonempty = t > 0
    W = w.sum(1)
    M = m.sum(1)
    T = W + M
    n_units = nonempty.sum(1)
    status = _status(W, M, n_units)
    ok = status == 0
    zero_cell = (((w == 0) | (m == 0)) & nonempty).any(1)
    Wd = np.where(W > 0, W, 1.0)
    Md = np.where(M > 0, M, 1.0)
    Td = np.where(T > 0, T, 1.0)
    out: dict[str, np.ndarray] = {}
    nan = np.float64(np.nan)

    if want & {"dissimilarity", "karmel_maclachlan"}:
        # |w_j·M − m_j·W| gives D = Σ/(2WM) and IP = Σ/T² without forming two share vectors.
        dev = np.abs(w * Md[:, None] - m * Wd[:, None]).sum(1)
        out["dissimilarity"] = 0.5 * dev / (Wd * Md)
        out["karmel_maclachlan"] = dev / (Td * Td)

    p = np.divide(w, t, out=np.zeros_like(w), where=nonempty)
    q = np.divide(m, t, out=np.zeros_like(m), where=nonempty)
    if want & {"mutual_information_m", "mutual_information_m_log2", "theil_h", "charles_grusky_a"}:
        lp = np.log(p, out=np.zeros_like(p), where=p > 0)
        lq = np.log(q, out=np.zeros_like(q), where=q > 0)
        # Σ_j (t_j/T)·E_j, E_j = −(p ln p + q ln q)
        within = -((w * lp + m * lq).sum(1)) / Td
        P = W / Td
        Q = M / Td
        e_table = -(P * np.log(np.where(P > 0, P, 1.0)) + Q * np.log(np.where(Q > 0, Q, 1.0)))
        mi = e_table - within
        out["mutual_information_m"] = mi
        out["mutual_information_m_log2"] = mi / math.log(2)
        out["theil_h"] = mi / np.where(e_table > 0, e_table, 1.0)
        if "charles_grusky_a" in want:
            x = (lp - lq) * nonempty
            J = np.where(n_units > 0, n_units, 1)
            xbar = x.sum(1) / J
            var = (((x - xbar[:, None]) ** 2) * nonempty).sum(1) / J
            a = np.exp(np.sqrt(var))
            out["charles_grusky_a"] = np.where(zero_cell, nan, a)

    if "hutchens" in want:
        out["hutchens"] = 1.0 - np.sqrt(w * m).sum(1) / np.sqrt(Wd * Md)

    if "size_standardized_dissimilarity" in want:
        sp = p.sum(1)
        sq = q.sum(1)
        sp = np.where(sp > 0, sp, 1.0)
        sq = np.where(sq > 0, sq, 1.0)
        out["size_standardized_dissimilarity"] = 0.5 * (
            np.abs(p / sp[:, None] - q / sq[:, None]) * nonempty
        ).sum(1)

    if "gini" in want:
        order = _share_order(p) if resampled else np.argsort(p, axis=1)
        # Positions in the row-major flattened chunk: one index serves both gathers, and a flat
        # ``take`` is several times faster than ``take_along_axis`` (which builds its own).
        order += (np.arange(len(order), dtype=order.dtype) * w.shape[1])[:, None]
        ws = w.take(order)
        ts = t.take(order)
        below_t = np.cumsum(ts, axis=1) - ts
        below_w = np.cumsum(ws, axis=1) - ws
        out["gini"] = (ws * below_t - ts * below_w).sum(1) / (Wd * Md)

    class_names = [n for n in names if n == "balanced_share" or n in CLASS_SHARE_NAMES]
    if class_names and resampled:
        codes = _class_codes(w, m, bounds)
        # Empty units (code −1) weigh t = 0, so they may share class 0's bin.
        cell = np.arange(len(t))[:, None] * len(CLASS_ORDER) + np.maximum(codes, 0)
        persons = np.bincount(cell.ravel(), weights=t.ravel(), minlength=len(t) * len(CLASS_ORDER))
        by_class = persons.reshape(len(t), len(CLASS_ORDER)) / Td[:, None]
        for n in class_names:
            out[n] = by_class[
                :, CLASS_ORDER.index("balanced_40_60" if n == "balanced_share" else n[12:])
            ]
    elif class_names:
        codes = _class_codes(w, m, bounds)
        for n in class_names:
            k = CLASS_ORDER.index("balanced_40_60" if n == "balanced_share" else n[12:])
            out[n] = (t * (codes == k)).sum(1) / Td

    clipped = {n: np.clip(out[n], *_RANGES.get(n, (0.0, 1.0))) for n in names}
    return {n: np.where(ok, clipped[n], nan) for n in names}, status, zero_cell
