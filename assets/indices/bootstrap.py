"""Uncertainty of segregation indices: seeded, vectorised bootstrap and expected values.

Small regional tables make every segregation index look larger than it is: with few persons per
unit, chance alone puts more women in some units than in others. Two tools measure this:

* ``bootstrap_two_group`` / ``bootstrap_multigroup``: resample the table as a multinomial draw of
  all its cells (the total fixed, each cell's probability its observed share), all replicates in
  one numpy call — no Python loop over replicates. Each index gets the replicates' mean, standard
  error, bias (mean − estimate), a bias-corrected estimate (estimate − bias, as the R package
  ``segregation`` reports with ``se = TRUE``) and a percentile interval.
* ``resample_table``: the same multinomial draw of one table, built faster for the
  ``segregation_indices`` dataset (independent Poisson cells completed to the fixed total; exact,
  see its docstring and docs/methods.md "Which bootstrap").

What D and M would be with NO segregation given the margins is computed exactly, without
simulation, in ``expected``.

Counts must be whole numbers (a multinomial draw of 12.5 persons has no meaning). Replicates where
an index is undefined (e.g. Charles–Grusky A after a cell fell to zero) are left out of its
summary; ``n_valid`` says how many remained.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from assets.indices import multigroup, twogroup

# Replicates × tables × cells held at once; bounds memory at about 64 MB of int64 draws.
_MAX_DRAW_CELLS = 1 << 23
# resample_table: cells of at most this many persons are pooled and their persons placed one at a
# time (cheaper than a Poisson variate up to about five persons; measured, benchmarks/RESULTS.md).
_POOLED_MAX = 5
# resample_table: the Poisson total's mean is N − 2·√N, so about 2 % of the replicates exceed N
# and are drawn again, and about 2·√N persons per replicate are placed one at a time.
_SHORTFALL = 2.0
# _place: persons up to which a one-entry-per-person lookup table (4 bytes each, so at most 16 MB;
# a whole-Finland table of the employed has about 2.6 million) is used instead of a binary search.
_LOOKUP_MAX = 1 << 22


@dataclass(frozen=True)
class BootstrapSummary:
    """One index's bootstrap summary; every field has the tables' shape."""

    estimate: np.ndarray
    mean: np.ndarray
    se: np.ndarray
    bias: np.ndarray
    bias_corrected: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    n_valid: np.ndarray


def _whole_counts(counts: np.ndarray) -> np.ndarray:
    if not np.array_equal(counts, np.round(counts)):
        raise ValueError("bootstrap needs whole-number counts (persons), got fractions")
    return counts


def resample(counts: ArrayLike, reps: int, rng: np.random.Generator) -> np.ndarray:
    """``reps`` multinomial resamples of each table: shape (reps, *counts.shape).

    The last two axes (groups, units) are one table's cells; leading axes are separate tables,
    each resampled with its own total.
    """
    c = _whole_counts(multigroup.as_table(counts))
    batch = c.shape[:-2]
    cells = c.reshape(*batch, -1)
    n = cells.sum(-1)
    nd = np.where(n > 0, n, 1.0)
    draws = rng.multinomial(n.astype(np.int64), cells / nd[..., None], size=(reps, *batch))
    return draws.reshape(reps, *c.shape).astype(np.float64)


def resample_table(counts: ArrayLike, reps: int, rng: np.random.Generator) -> np.ndarray:
    """``reps`` multinomial resamples of ONE table: int64 counts, shape (reps, *counts.shape).

    The same distribution as ``resample`` (total fixed at N, cell j with probability c_j/N), at
    about the cost of one Poisson variate per cell instead of numpy's one conditional binomial
    with fresh set-up per cell (about 90 ns). Built in three exact steps:

    1. Cells of more than ``_POOLED_MAX`` persons are drawn independently as Poisson(λ·c_j/N),
       the small cells together as one pooled cell, with λ = N − ``_SHORTFALL``·√N. Given their
       sum S, independent Poisson counts are a multinomial draw of S persons with probabilities
       c_j/N; a replicate with S > N (about 2 % of them) is drawn again, which depends on S only
       and so keeps that property.
    2. The pooled cell's persons are placed one at a time among the small cells (cell j with
       probability c_j over the small cells' persons): a Poisson draw of a mean below ten costs
       about 55 ns, a person about 12 ns.
    3. The N − S persons still missing are placed one at a time among all cells (probability
       c_j/N); a multinomial draw of S plus an independent one of N − S persons with the same
       probabilities is a multinomial draw of N.

    A person's cell is the cell of a uniform whole-number rank in [0, persons) under the
    cumulated counts, so every probability is an exact ratio of whole numbers.
    """
    c = _whole_counts(np.asarray(counts, dtype=np.float64))
    flat = c.ravel().astype(np.int64)
    n = int(flat.sum())
    if n == 0:
        return np.zeros((reps, *c.shape), dtype=np.int64)
    cells = np.flatnonzero(flat)
    large = cells[flat[cells] > _POOLED_MAX]
    small = cells[flat[cells] <= _POOLED_MAX]
    scale = max(n - _SHORTFALL * math.sqrt(n), 0.0) / n
    means = np.append(flat[large], flat[small].sum()) * scale
    drawn = rng.poisson(means, size=(reps, means.size))
    total = drawn.sum(1)
    over = np.flatnonzero(total > n)
    while over.size:
        drawn[over] = rng.poisson(means, size=(over.size, means.size))
        total[over] = drawn[over].sum(1)
        over = over[total[over] > n]
    pooled = drawn[:, -1]
    missing = n - total
    row_start = np.arange(reps) * flat.size
    # Small cells' persons first, then the missing ones: the generator's order of draws.
    in_small = _place(flat[small], small, int(pooled.sum()), rng)
    in_all = _place(flat[cells], cells, int(missing.sum()), rng)
    placed = np.concatenate([np.repeat(row_start, pooled), np.repeat(row_start, missing)])
    placed[: in_small.size] += in_small
    placed[in_small.size :] += in_all
    # The placed persons' counts are the array; the large cells' Poisson draws are added to it.
    out = np.bincount(placed, minlength=reps * flat.size).reshape(reps, flat.size)
    out[:, large] += drawn[:, :-1]
    return out.reshape(reps, *c.shape)


def _place(persons: np.ndarray, cells: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """The cells of ``k`` persons drawn with replacement, cell i with probability
    persons[i] / persons.sum(): a uniform rank looked up in a table of one entry per person (about
    12 ns a person with the table in cache), or by binary search when that table would be large.
    """
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    n = int(persons.sum())
    ranks = rng.integers(0, n, k)
    if n <= _LOOKUP_MAX:
        return np.repeat(cells.astype(np.int32), persons)[ranks]
    return cells[np.searchsorted(np.cumsum(persons), ranks, side="right")]


def summarize(estimate: np.ndarray, replicates: np.ndarray, level: float) -> BootstrapSummary:
    """Summary of replicates (first axis) around the observed ``estimate``."""
    valid = ~np.isnan(replicates)
    n_valid = valid.sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(valid, replicates, 0.0).sum(0) / np.maximum(n_valid, 1)
        mean = np.where(n_valid > 0, mean, np.nan)
        dev = np.where(valid, replicates - mean, 0.0)
        se = np.sqrt((dev**2).sum(0) / np.maximum(n_valid - 1, 1))
    se = np.where(n_valid > 1, se, np.nan)
    alpha = (1 - level) / 2
    filled = np.where(valid, replicates, np.inf)
    ordered = np.sort(filled, axis=0)
    lo = _quantile_sorted(ordered, n_valid, alpha)
    hi = _quantile_sorted(ordered, n_valid, 1 - alpha)
    bias = mean - estimate
    return BootstrapSummary(
        estimate=estimate,
        mean=mean,
        se=se,
        bias=bias,
        bias_corrected=estimate - bias,
        ci_low=lo,
        ci_high=hi,
        n_valid=n_valid,
    )


def _quantile_sorted(ordered: np.ndarray, n_valid: np.ndarray, q: float) -> np.ndarray:
    """Linear-interpolation quantile (numpy's default) of the first ``n_valid`` sorted values."""
    pos = q * np.maximum(n_valid - 1, 0)
    below = np.floor(pos).astype(np.int64)
    above = np.minimum(below + 1, np.maximum(n_valid - 1, 0))
    frac = pos - below
    lo = np.take_along_axis(ordered, below[None], axis=0)[0]
    hi = np.take_along_axis(ordered, above[None], axis=0)[0]
    with np.errstate(invalid="ignore"):
        value = lo + (hi - lo) * frac
    return np.where(n_valid > 0, np.where(frac == 0, lo, value), np.nan)


def bootstrap_two_group(
    women: ArrayLike,
    men: ArrayLike,
    reps: int = 1000,
    seed: int | Sequence[int] = 0,
    level: float = 0.95,
    names: tuple[str, ...] = twogroup.INDEX_NAMES,
) -> dict[str, BootstrapSummary]:
    """Bootstrap summaries of the two-group indices ``names`` of one table or a batch of tables.

    Same seed, same numbers. Tables are processed in chunks so that replicates × cells stay
    within about 64 MB.
    """
    w, m = twogroup.as_counts(women, men)
    single = w.ndim == 1
    w2 = w.reshape(-1, w.shape[-1])
    m2 = m.reshape(-1, m.shape[-1])
    rng = np.random.default_rng(seed)
    with_classes = any(n in twogroup.CLASS_SHARE_NAMES for n in names)
    estimates, _ = twogroup.all_indices(w2, m2, with_class_shares=with_classes)
    step = max(1, _MAX_DRAW_CELLS // max(1, reps * 2 * w2.shape[1]))
    chunks: dict[str, list[BootstrapSummary]] = {n: [] for n in names}
    for start in range(0, w2.shape[0], step):
        sl = slice(start, start + step)
        draws = resample(np.stack([w2[sl], m2[sl]], axis=1), reps, rng)
        values, _ = twogroup.all_indices(
            draws[:, :, 0, :], draws[:, :, 1, :], with_class_shares=with_classes
        )
        for n in names:
            chunks[n].append(summarize(estimates[n][sl], values[n], level))
    out = {n: _concat(parts) for n, parts in chunks.items()}
    if single:
        out = {n: _first(s) for n, s in out.items()}
    return out


def bootstrap_multigroup(
    counts: ArrayLike, reps: int = 1000, seed: int = 0, level: float = 0.95
) -> dict[str, BootstrapSummary]:
    """Bootstrap summaries of M (natural log) and H for a (…, groups, units) table."""
    c = multigroup.as_table(counts)
    rng = np.random.default_rng(seed)
    draws = resample(c, reps, rng)
    return {
        "mutual_information_m": summarize(
            np.asarray(multigroup.mutual_information(c)),
            np.asarray(multigroup.mutual_information(draws)),
            level,
        ),
        "theil_h": summarize(
            np.asarray(multigroup.theil_h(c)), np.asarray(multigroup.theil_h(draws)), level
        ),
    }


def _concat(parts: list[BootstrapSummary]) -> BootstrapSummary:
    return BootstrapSummary(
        **{
            f: np.concatenate([np.atleast_1d(getattr(p, f)) for p in parts])
            for f in BootstrapSummary.__dataclass_fields__
        }
    )


def _first(s: BootstrapSummary) -> BootstrapSummary:
    return BootstrapSummary(**{f: getattr(s, f)[0] for f in BootstrapSummary.__dataclass_fields__})
